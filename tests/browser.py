"""Headless Chromium for the suite's browser tests (the dashboard's and Swagger UI's).

Debian's ``chromium`` and its matching ``chromedriver`` at fixed paths (``bash
.ci/install-browser`` installs both), driven through Selenium with an explicit driver path
so Selenium Manager never runs and nothing is downloaded at test time. Without them (or
without selenium) a test skips on a developer's machine and fails when ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--window-size=1400,1000", "--force-device-scale-factor=1",
    # Belt and braces for the loopback-only checks: any other host fails to resolve, so a
    # regression shows in the page's requests without the browser reaching the internet.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
)


def _unavailable(reason: str) -> None:
    """No browser: a failure in CI (it must run there), a skip on a developer's machine."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: run `bash .ci/install-browser` as root first)",
                    pytrace=False)
    pytest.skip(f"{reason}; install with `bash .ci/install-browser` (apt-get, as root)")


@contextmanager
def chromium(network_log: bool = False) -> Iterator[Any]:
    """A headless Chromium driver with a throwaway profile, its console logged
    (``get_log("browser")``) and, with ``network_log``, every request the page makes
    (``get_log("performance")``: DevTools network events, even for requests that fail)."""
    if webdriver is None:
        _unavailable(f"selenium is not installed ({IMPORT_ERROR}); pip install -e '.[test]'")
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        _unavailable(f"Debian's chromium/chromium-driver are not installed "
                     f"({', '.join(missing)} missing)")
    profile = tempfile.mkdtemp(prefix="mockcml-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    logs = {"performance": "ALL", "browser": "ALL"} if network_log else {"browser": "ALL"}
    options.set_capability("goog:loggingPrefs", logs)
    driver_log = Path(profile) / "chromedriver.log"
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(driver_log))
    # SE_OFFLINE: a second guard for any Selenium version that would still consult its manager.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SE_OFFLINE", "true")
        try:
            driver = webdriver.Chrome(service=service, options=options)
        except WebDriverException as exc:
            log = driver_log.read_text(errors="replace")[-2000:] if driver_log.exists() else ""
            shutil.rmtree(profile, ignore_errors=True)
            pytest.fail(f"chromium did not start through {CHROMEDRIVER}: {exc.msg}\n{log}",
                        pytrace=False)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(10)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
