"""Swagger UI shows the contract's placeholders as text (issue 19, item 10).

Descriptions are Markdown, so ``Bearer <API key>`` used to render as ``Bearer`` followed by
an empty, invisible HTML element. The page now escapes placeholders in the copy it renders,
and the served contract is unchanged.
"""

from __future__ import annotations

from tests.docs import test_swagger_ui_browser as ui
from tests.helpers import ROOT, LiveServer

# The browser test's fixtures (a live server and headless Chromium), shared by name.
server, browser, page = ui.server, ui.browser, ui.page


def test_placeholder_in_the_description_is_shown(page) -> None:
    driver, evidence = page
    with evidence("read the API description"):
        info = ui._wait(driver, lambda d: d.find_element(
            ui.By.CSS_SELECTOR, ".information-container .description"), "the API description")
        assert "Bearer <API key>" in info.text, info.text


def test_served_contract_is_still_the_file(server: LiveServer) -> None:
    with server.client() as client:
        served = client.get("/api/v2/swagger.json").content
    assert served == (ROOT / "openapi" / "swagger.json").read_bytes()
    assert b"<API key>" in served
