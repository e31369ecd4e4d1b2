"""Headless Chromium for the dashboard tests, found as tests/docs/test_swagger_ui_browser.py
finds it: Debian's chromium and chromedriver at fixed paths (``bash .ci/install-browser``),
an explicit driver path so Selenium Manager never downloads anything, a skip without them
(a failure when CI=true)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

try:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
except ImportError as exc:  # pragma: no cover - depends on the environment
    webdriver = None
    IMPORT_ERROR = str(exc)
else:
    IMPORT_ERROR = ""

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-extensions", "--disable-default-apps",
         "--window-size=1400,1000", "--force-device-scale-factor=1",
         "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1")


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: run `bash .ci/install-browser` as root first)",
                    pytrace=False)
    pytest.skip(f"{reason}; install with `bash .ci/install-browser` (apt-get, as root)")


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    if webdriver is None:
        _unavailable(f"selenium is not installed ({IMPORT_ERROR})")
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        _unavailable(f"Debian's chromium/chromium-driver are not installed ({', '.join(missing)})")
    profile = tempfile.mkdtemp(prefix="mockcml-dashboard-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SE_OFFLINE", "true")
        try:
            driver = webdriver.Chrome(service=service, options=options)
        except WebDriverException as exc:
            shutil.rmtree(profile, ignore_errors=True)
            pytest.fail(f"chromium did not start: {exc.msg}", pytrace=False)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
