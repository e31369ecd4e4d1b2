"""The dashboard at /_mock/ui, used in headless Chromium against live servers."""

from __future__ import annotations

import base64
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers import ROOT, RUNTIME, LiveServer, auth

pytestmark = [pytest.mark.slow, pytest.mark.live]

try:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # pragma: no cover - the browser fixture skips
    pass

WAIT = 20.0
SHOTS = Path(tempfile.gettempdir()) / "mockcml-dashboard-screenshots"


def _wait(driver, until: Callable, what: str):  # noqa: ANN001, ANN202
    try:
        return WebDriverWait(driver, WAIT, poll_frequency=0.1, ignored_exceptions=(
            NoSuchElementException, StaleElementReferenceException)).until(until)
    except Exception as exc:  # noqa: BLE001 - say what we waited for
        SHOTS.mkdir(exist_ok=True)
        shot = SHOTS / f"failed-{time.strftime('%H%M%S')}.png"
        driver.save_screenshot(str(shot))
        raise AssertionError(f"waited {WAIT:.0f}s for {what} (screenshot {shot})") from exc


def _open(driver, server: LiveServer) -> None:  # noqa: ANN001
    driver.execute_cdp_cmd("Storage.clearDataForOrigin",
                           {"origin": server.url, "storageTypes": "all"})
    driver.get(f"{server.url}/_mock/ui")
    _wait(driver, lambda d: d.execute_script("return document.body.dataset.loaded") == "true",
          "the dashboard's first refresh")


def _status(driver, item_id: str) -> str:  # noqa: ANN001
    rows = driver.find_elements(By.CSS_SELECTOR, f'.trow[data-id="{item_id}"] .status')
    return rows[0].text if rows else ""


def _advance_from_page(driver, by: str) -> None:  # noqa: ANN001
    box = driver.find_element(By.ID, "advance-by")
    box.clear()
    box.send_keys(by)
    driver.find_element(By.ID, "advance").click()
    _wait(driver, lambda d: d.find_element(By.ID, "notice").text == f"advanced {by}",
          f"the page to confirm advancing {by}")


@pytest.fixture(scope="module")
def demo():  # noqa: ANN201
    with LiveServer("--fixtures", str(ROOT / "fixtures" / "demo.yaml")) as live:
        yield live


@pytest.fixture(scope="module")
def bare():  # noqa: ANN201
    with LiveServer() as live:
        yield live


def test_page_shows_every_panel_from_loopback_only(browser, demo):
    with demo.client() as client:
        client.get("/api/v2/projects", headers=auth("alice-key"))
        client.post("/_mock/faults", json={"operation_id": "ListJobs", "status": 503, "count": 2,
                                           "message": "maintenance"})
        _open(browser, demo)
    for panel in ("clock-panel", "timeline-panel", "journal-panel", "faults-panel",
                  "coverage-panel"):
        assert browser.find_element(By.ID, panel).is_displayed(), panel
    # The demo's workloads, the live journal, the fault, coverage.
    kinds = {row.get_attribute("data-kind") for row in
             browser.find_elements(By.CSS_SELECTOR, "#timeline .trow")}
    assert {"job run", "application"} <= kinds, kinds
    rows = browser.find_elements(By.CSS_SELECTOR, "#journal tbody tr")
    assert any("ListProjects" in r.text and "alice" in r.text for r in rows)
    assert "maintenance" in browser.find_element(By.ID, "faults").text
    # Cleared only now: the page refreshes every second and would show it gone.
    with demo.client() as client:
        client.delete("/_mock/faults")
    assert "operations implemented" in browser.find_element(By.ID, "coverage-count").text
    urls = browser.execute_script(
        "return performance.getEntriesByType('navigation').concat("
        "performance.getEntriesByType('resource')).map(e => e.name)")
    assert any(u.endswith("/_mock/ui/dashboard.js") for u in urls)
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in urls), urls
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_a_run_moves_through_its_phases_as_the_page_advances_the_clock(browser, bare):
    _open(browser, bare)
    browser.find_element(By.ID, "freeze").click()
    _wait(browser, lambda d: d.find_element(By.ID, "clock-frozen").text == "yes", "frozen")
    with bare.client() as client:
        pid = client.post("/api/v2/projects", json={"name": "ui-phases"}, headers=auth()).json()["id"]
        job = client.post(f"/api/v2/projects/{pid}/jobs", headers=auth(), json={
            "name": "phases", "script": "a.py", "runtime_identifier": RUNTIME}).json()
        run = client.post(f"/api/v2/projects/{pid}/jobs/{job['id']}/runs", json={},
                          headers=auth()).json()
    _wait(browser, lambda d: _status(d, run["id"]) == "ENGINE_SCHEDULING", "the new run")
    # Default phases: scheduling 1s, starting 2s, running 10s (time scale 1, clock frozen).
    for by, status, phases in (("1.5s", "ENGINE_STARTING", 2), ("2s", "ENGINE_RUNNING", 3),
                               ("10s", "ENGINE_SUCCEEDED", 3)):
        _advance_from_page(browser, by)
        _wait(browser, lambda d, s=status: _status(d, run["id"]) == s, status)
        # Read again on every poll: the page re-renders the row each second.
        shown = ["scheduling", "starting", "running"][:phases]
        _wait(browser, lambda d, shown=shown: [s.get_attribute("data-phase") for s in d.find_elements(
            By.CSS_SELECTOR, f'.trow[data-id="{run["id"]}"] .seg')] == shown, f"segments {shown}")
    with bare.client() as client:
        answer = client.get(f"/api/v2/projects/{pid}/jobs/{job['id']}/runs/{run['id']}",
                            headers=auth()).json()
        assert answer["status"] == "ENGINE_SUCCEEDED"  # the API agrees with the page
        client.post("/_mock/clock/unfreeze")


def test_journal_filter_narrows_the_rows(browser, demo):
    with demo.client() as client:
        client.get("/api/v2/runtimes", headers=auth("bob-key"))
        client.get("/api/v2/projects/no-such-project", headers=auth("carol-key"))
    _open(browser, demo)
    box = browser.find_element(By.ID, "filter-text")
    box.send_keys("carol")
    _wait(browser, lambda d: all("carol" in r.text for r in d.find_elements(
        By.CSS_SELECTOR, "#journal tbody tr")), "rows of carol only")
    rows = browser.find_elements(By.CSS_SELECTOR, "#journal tbody tr")
    assert rows and all("404" in r.text for r in rows)
    box.clear()
    browser.find_element(By.CSS_SELECTOR, "#filter-status option[value='2']").click()
    _wait(browser, lambda d: all(r.get_attribute("class") == "s2" for r in d.find_elements(
        By.CSS_SELECTOR, "#journal tbody tr")), "2xx rows only")


def test_buttons_need_the_control_token_when_the_server_has_one(browser):
    with LiveServer(env={"MOCKCML_CONTROL_TOKEN": "sesame"}) as server, server.client() as client:
        _open(browser, server)
        offset = client.get("/_mock/clock").json()["offset_seconds"]
        browser.find_element(By.CSS_SELECTOR, "[data-advance='1h']").click()
        _wait(browser, lambda d: "401" in d.find_element(By.ID, "notice").text, "a 401")
        assert client.get("/_mock/clock").json()["offset_seconds"] == offset
        browser.find_element(By.ID, "token").send_keys("sesame")
        browser.find_element(By.CSS_SELECTOR, "[data-advance='1h']").click()
        _wait(browser, lambda d: d.find_element(By.ID, "notice").text == "advanced 1h", "advanced")
        assert client.get("/_mock/clock").json()["offset_seconds"] >= offset + 3600


# -- readability -----------------------------------------------------------------------------

_PIXELS = """
const [png, done] = arguments;
const img = new Image();
img.onload = () => {
  const canvas = document.createElement("canvas");
  canvas.width = img.width; canvas.height = img.height;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  const colors = new Set(); let ink = 0;
  for (let i = 0; i < data.length; i += 16) {
    colors.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    if (data[i] + data[i + 1] + data[i + 2] < 384) ink++;
  }
  done({width: img.width, height: img.height, colors: colors.size, ink: ink / (data.length / 16)});
};
img.src = "data:image/png;base64," + png;
"""

_TEXT_STYLE = """
function rgb(text) { return text.match(/[\\d.]+/g).slice(0, 4).map(Number); }
function lum([r, g, b]) {
  const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}
function background(el) {
  for (; el; el = el.parentElement) {
    const c = rgb(getComputedStyle(el).backgroundColor);
    if (c.length < 4 || c[3] > 0) return c;
  }
  return [255, 255, 255];
}
const out = [];
for (const el of document.querySelectorAll(arguments[0])) {
  if (!el.textContent.trim() || !el.getClientRects().length) continue;
  const style = getComputedStyle(el);
  const [a, b] = [lum(rgb(style.color)), lum(background(el))];
  out.push({what: el.tagName + "." + el.className + " " + el.textContent.trim().slice(0, 30),
            size: parseFloat(style.fontSize),
            contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)});
}
return out;
"""


def test_screenshot_is_readable(browser, demo):
    _open(browser, demo)
    browser.set_window_size(1400, 1000)
    time.sleep(0.5)  # let a refresh land: the screenshot shows a settled page
    SHOTS.mkdir(exist_ok=True)
    shot = SHOTS / "dashboard.png"
    png = browser.get_screenshot_as_png()
    shot.write_bytes(png)
    pixels = browser.execute_async_script(_PIXELS, base64.b64encode(png).decode())
    assert (pixels["width"], pixels["height"]) == (1400, pixels["height"]) and pixels["height"] > 600
    # Not blank: text, bars and panels in many colors; dark ink on a light page.
    assert pixels["colors"] > 50, pixels
    assert 0.005 < pixels["ink"] < 0.5, pixels
    # The key parts are on the first screen.
    for element_id in ("clock-now", "advance", "freeze", "timeline", "journal"):
        element = browser.find_element(By.ID, element_id)
        top = element.rect["y"]
        assert element.is_displayed() and top < 1000, (element_id, element.rect)
    styles = browser.execute_script(_TEXT_STYLE, "h1, h2, h3, dt, dd, button, label, th, td, "
                                                 ".status, .tlabel, .legend span, #coverage-count")
    assert len(styles) > 30
    small = [s for s in styles if s["size"] < 12]
    faint = [s for s in styles if s["contrast"] < 4.5]
    assert not small, f"text under 12px: {small[:5]}"
    assert not faint, f"text under WCAG AA contrast 4.5: {faint[:5]} (screenshot {shot})"
