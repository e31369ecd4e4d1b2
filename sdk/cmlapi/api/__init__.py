from __future__ import absolute_import

# flake8: noqa

# import apis into api package
from cmlapi.api.cml_service_api import CMLServiceApi
