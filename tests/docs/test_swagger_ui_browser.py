"""Swagger UI at /api/v2/swagger.html, driven in a real headless browser.

Headless Chromium from ``tests/browser.py`` (skipped without it locally, a failure when
``CI=true``). The page is loaded from a live ``mockcml serve`` holding a few projects made
through the API, and is used the way a person would: read the operations, Authorize with
the bare admin key, "Try it out" on ListProjects and Execute.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser import chromium
from tests.helpers import ADMIN_KEY, LiveServer, auth

try:
    from selenium import webdriver
    from selenium.common.exceptions import (
        ElementClickInterceptedException,
        ElementNotInteractableException,
        NoSuchElementException,
        StaleElementReferenceException,
        WebDriverException,
    )
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # pragma: no cover - the browser fixture skips
    webdriver = None

pytestmark = pytest.mark.live

OPERATIONS = 158  # every path+method in openapi/swagger.json, all tagged CMLService
PROJECT_NAMES = ("swagger-ui-apollo", "swagger-ui-gemini", "swagger-ui-mercury")
WAIT = 20.0  # seconds for any one thing to appear on the page

SCREENSHOTS = Path(tempfile.gettempdir()) / "mockcml-swagger-ui-screenshots"


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(env={"MOCKCML_TIME_SCALE": "0"}) as live, live.client() as client:
        for name in PROJECT_NAMES:
            response = client.post("/api/v2/projects", headers=auth(),
                                   json={"name": name, "description": "made for the Swagger UI test"})
            assert response.status_code == 200, response.text
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with chromium(network_log=True) as driver:
        yield driver


@pytest.fixture
def page(browser: webdriver.Chrome, server: LiveServer, request: pytest.FixtureRequest):
    """Opens Swagger UI afresh (no remembered authorization) and returns it with its checker."""
    evidence = _Evidence(browser, request.node.name)
    with evidence("open /api/v2/swagger.html"):
        _open(browser, server.url)
    return browser, evidence


# -- helpers --------------------------------------------------------------------------------


class _Evidence:
    """Runs a step; on failure saves a screenshot and names it in the assertion message."""

    def __init__(self, driver: webdriver.Chrome, name: str) -> None:
        self.driver = driver
        self.name = name

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        try:
            yield
        except (AssertionError, WebDriverException) as exc:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shot = SCREENSHOTS / f"{self.name}-{time.strftime('%Y%m%d-%H%M%S')}.png"
            try:
                saved = self.driver.save_screenshot(str(shot))
            except WebDriverException as shot_exc:
                saved, shot = False, f"(none: {shot_exc.msg})"
            console = _console(self.driver)
            raise AssertionError(
                f"Swagger UI, step {step!r}: {exc}\n"
                f"screenshot: {shot}{'' if saved else ' (not saved)'}\n"
                f"browser console: {console or '(empty)'}"
            ) from exc


def _console(driver: webdriver.Chrome) -> str:
    try:
        return "; ".join(entry["message"] for entry in driver.get_log("browser"))[:2000]
    except WebDriverException:
        return "(unavailable)"


def _open(driver: webdriver.Chrome, base: str) -> None:
    # persistAuthorization keeps an authorization in localStorage: start each test without one.
    driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": base, "storageTypes": "all"})
    driver.get_log("performance")  # drop what earlier pages logged
    driver.get(f"{base}/api/v2/swagger.html")
    _wait(driver, lambda d: d.find_elements(By.ID, "operations-CMLService-ListProjects"),
          "the ListProjects operation to render")


# React re-renders the page under our feet: look elements up again on every poll, and treat a
# node that went stale, or a click that landed on an overlay still fading out, as "not yet".
_TRANSIENT = (
    NoSuchElementException,
    StaleElementReferenceException,
    ElementClickInterceptedException,
    ElementNotInteractableException,
) if webdriver is not None else ()


def _wait(driver: webdriver.Chrome, until: Callable, what: str, timeout: float = WAIT):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1,
                             ignored_exceptions=_TRANSIENT).until(until)
    except WebDriverException as exc:
        raise AssertionError(f"waited {timeout:.0f}s for {what}") from exc


def _click(driver: webdriver.Chrome, css: str, what: str) -> None:
    """Scroll the element matching ``css`` into view and click it, retrying while it settles."""

    def attempt(d: webdriver.Chrome) -> bool:
        element = d.find_element(By.CSS_SELECTOR, css)
        d.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        if not (element.is_displayed() and element.is_enabled()):
            return False
        element.click()
        return True

    _wait(driver, attempt, f"{what} to be clickable ({css})")


def _text(driver: webdriver.Chrome, css: str) -> str:
    found = driver.find_elements(By.CSS_SELECTOR, css)
    return found[0].get_attribute("textContent") if found else ""


def _execute(driver: webdriver.Chrome, operation_id: str) -> tuple[str, str, str]:
    """Expand an operation, Try it out, Execute; return (status, response body, curl)."""
    block = f"#operations-CMLService-{operation_id}"
    if not driver.find_elements(By.CSS_SELECTOR, f"{block}.is-open"):
        _click(driver, f"{block} .opblock-summary", f"{operation_id}'s summary")
    _click(driver, f"{block} button.try-out__btn", f"{operation_id}'s 'Try it out' button")
    _click(driver, f"{block} button.execute", f"{operation_id}'s 'Execute' button")
    status_css = f"{block} table.live-responses-table tr.response td.response-col_status"
    status = _wait(driver, lambda d: _text(d, status_css).strip(), f"{operation_id}'s server response")
    body = _text(driver, f"{block} table.live-responses-table td.response-col_description pre")
    curl = _text(driver, f"{block} .curl-command pre, {block} .curl-command")
    return status, body, curl


def _requested_urls(driver: webdriver.Chrome) -> set[str]:
    """Every URL the page asked for: DevTools network events, resource timing and the DOM."""
    urls: set[str] = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message.get("method") == "Network.requestWillBeSent":
            urls.add(params["request"]["url"])
        elif message.get("method") == "Network.webSocketCreated":
            urls.add(params["url"])
    urls.update(driver.execute_script(
        """
        const seen = performance.getEntriesByType("navigation")
          .concat(performance.getEntriesByType("resource")).map(e => e.name);
        for (const el of document.querySelectorAll(
               "script[src], link[href], img[src], iframe[src], source[src], embed[src], object[data]")) {
          const raw = el.getAttribute("src") || el.getAttribute("href") || el.getAttribute("data");
          seen.push(new URL(raw, document.baseURI).href);
        }
        return seen;
        """
    ))
    return urls


def _settle(driver: webdriver.Chrome) -> None:
    """Wait until the page is loaded and has asked for nothing new for half a second."""
    _wait(driver, lambda d: d.execute_script("return document.readyState") == "complete",
          "document.readyState == complete")
    count, quiet_since, deadline = -1, time.monotonic(), time.monotonic() + WAIT
    while time.monotonic() < deadline:
        now = driver.execute_script("return performance.getEntriesByType('resource').length")
        if now != count:
            count, quiet_since = now, time.monotonic()
        elif time.monotonic() - quiet_since >= 0.5:
            return
        time.sleep(0.1)


# -- tests ----------------------------------------------------------------------------------


def _assert_loopback_only(driver: webdriver.Chrome, base: str) -> None:
    _settle(driver)
    urls = _requested_urls(driver)
    assert f"{base}/api/v2/swagger.json" in urls, sorted(urls)
    assert any(url.endswith("/swagger-ui-bundle.js") for url in urls), sorted(urls)
    outside = sorted(
        url for url in urls
        if urlsplit(url).scheme not in {"data", "blob", "about"} and urlsplit(url).hostname != "127.0.0.1"
    )
    assert not outside, f"the page requested URLs outside 127.0.0.1: {outside}"


def test_page_renders_every_operation_from_loopback_only(page, server: LiveServer) -> None:
    driver, evidence = page
    with evidence("operations render"):
        tag = driver.find_element(By.ID, "operations-tag-CMLService")
        assert tag.is_displayed() and "CMLService" in tag.text, tag.text
        count = _wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "div.opblock")) >= OPERATIONS
                      and len(d.find_elements(By.CSS_SELECTOR, "div.opblock")),
                      f"{OPERATIONS} operation blocks")
        assert count == OPERATIONS, f"{count} operation blocks, expected {OPERATIONS}"
        for operation_id, method, path in (
            ("ListProjects", "GET", "/api/v2/projects"),
            ("CreateJobRun", "POST", "/api/v2/projects/{project_id}/jobs/{job_id}/runs"),
        ):
            block = driver.find_element(By.ID, f"operations-CMLService-{operation_id}")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", block)
            assert block.is_displayed(), f"{operation_id} is not visible"
            summary = block.find_element(By.CSS_SELECTOR, ".opblock-summary")
            assert summary.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text == method
            shown = summary.find_element(By.CSS_SELECTOR, ".opblock-summary-path").text
            assert shown.replace("\u200b", "") == path, f"{operation_id} shows path {shown!r}"
        assert not driver.find_elements(By.CSS_SELECTOR, ".errors-wrapper .errors"), \
            f"Swagger UI reports errors: {_text(driver, '.errors-wrapper')}"

    with evidence("no request leaves 127.0.0.1"):
        _assert_loopback_only(driver, server.url)


def test_try_it_out_without_authorizing_is_401(page) -> None:
    driver, evidence = page
    with evidence("ListProjects without authorizing"):
        status, body, curl = _execute(driver, "ListProjects")
        assert status == "401", f"status {status}, body {body!r}"
        assert "authorization" not in curl.lower(), f"an unauthorized page sent a key: {curl}"
        assert json.loads(body)["code"] == 16, body
        assert not any(name in body for name in PROJECT_NAMES), body


def test_authorize_with_bare_key_then_list_projects(page, server: LiveServer) -> None:
    driver, evidence = page
    dialog = ".dialog-ux .modal-ux"
    with evidence("Authorize dialog"):
        _click(driver, ".scheme-container button.authorize", "the Authorize button")
        _wait(driver, lambda d: "BearerAuth" in _text(d, dialog) and "apiKey" in _text(d, dialog),
              "the Authorize dialog to offer BearerAuth (apiKey)")
        key_input = _wait(driver,
                          lambda d: d.find_element(By.CSS_SELECTOR, f"{dialog} .auth-container input"),
                          "the API key input")
        key_input.send_keys(ADMIN_KEY)
        _wait(driver, lambda _d: key_input.get_attribute("value") == ADMIN_KEY, "the key to be typed")
        _click(driver, f"{dialog} .auth-btn-wrapper button.authorize", "the dialog's Authorize button")
        _wait(driver, lambda d: "Logout" in _text(d, dialog), "the dialog to show BearerAuth as authorized")
        assert ADMIN_KEY not in _text(driver, dialog), "the dialog shows the key instead of masking it"
        _click(driver, f"{dialog} .auth-btn-wrapper button.btn-done", "the dialog's Close button")
        _wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, dialog), "the Authorize dialog to close")
        assert driver.find_elements(By.CSS_SELECTOR, ".scheme-container button.authorize.locked"), \
            "the Authorize button does not show a locked padlock after authorizing"

    with evidence("ListProjects after authorizing"):
        status, body, curl = _execute(driver, "ListProjects")
        assert status == "200", f"status {status}, body {body!r}"
        # The server answers 401 to a bare key: 200 means the page's interceptor added "Bearer ".
        assert f"Bearer {ADMIN_KEY}" in curl, curl
        listed = sorted(project["name"] for project in json.loads(body)["projects"])
        assert listed == sorted(PROJECT_NAMES), listed

    with evidence("no request leaves 127.0.0.1 after Try it out"):
        _assert_loopback_only(driver, server.url)
