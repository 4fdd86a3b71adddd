"""WCAG 2.1 AA with axe-core, keyboard use, and layout at a phone's and a desktop's width."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import translation

# The pages read the sample site, made once for the module (`site`); `db` has pytest-django set up the
# test database for them and undo anything a test writes.
pytestmark = pytest.mark.django_db

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def url(name, query="", **kwargs):
    """A public page's address in the active language, with its querystring."""
    return reverse(f"relations:{name}", kwargs=kwargs) + (f"?{query}" if query else "")


# Each page by name, as a function giving its address (built in the test, in its active language).
PAGES = {
    "home": lambda: url("home"),
    "events": lambda: url("event-list"),
    "agreements": lambda: url("agreement-list"),
    "missions": lambda: url("mission-list"),
    "programs": lambda: url("assistanceprogram-list"),
    "events-filtered": lambda: url("event-list", "country=ID&kind=dialogue&pillar=economic&o=title"),
    # Chips of every kind: words, a year, a choice, reference data.
    "programs-filtered": lambda: url("assistanceprogram-list", "q=program&year_from=1990&sector=education&country=ID"),
    "search": lambda: url("search", "q=dialogue"),
    # A typo: the nearest spelling's results, "did you mean" and the facets.
    "search-typo": lambda: url("search", "q=dialouge"),
    "timeline": lambda: url("timeline"),
    "country": lambda: url("country-detail", code="id"),
    "countries": lambda: url("country-list"),
    "sources": lambda: url("source-list"),
    "about": lambda: url("about"),
    "event": lambda: url("event-detail", slug="dialogue-0"),
    "agreement": lambda: url("agreement-detail", slug="joint-declaration-0"),
    "mission": lambda: url("mission-detail", slug="mission-0"),
    "program": lambda: url("assistanceprogram-detail", slug="program-0"),
    "open-data": lambda: url("open-data"),
    "not-found": lambda: f"/{translation.get_language()}/no-such-page/",
}
LANGUAGES = ["en", "fr"]
WIDTHS = {"desktop": 1280, "phone": 360}

axe = Axe()


def describe(violations):
    return "\n".join(
        f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "\n".join(f"    {node['target']}: {node['failureSummary']}" for node in violation["nodes"])
        for violation in violations
    )


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_page_meets_wcag_21_aa_and_fits_the_screen(page, server, site, language, name, width):
    page.set_viewport_size({"width": width, "height": 900})
    with translation.override(language):
        path = PAGES[name]()
    response = page.goto(server.url + path)
    assert response.status == (404 if name == "not-found" else 200)
    assert page.locator("html").get_attribute("lang") == language
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    assert not violations, describe(violations)
    # Nothing wider than the screen: no sideways scrolling at 360 px (WCAG 1.4.10, reflow).
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if folder := os.environ.get("SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{language}-{name}-{width}.png", full_page=True)


def test_axe_does_report_a_violation(page, server):
    """The check above is only worth something if axe does find what it looks for."""
    page.set_content('<html lang="en"><title>t</title><main><input type="text"><img src="x.png"></main></html>')
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert {violation["id"] for violation in results.response["violations"]} >= {"label", "image-alt"}


def test_skip_link_is_first_visible_on_focus_and_moves_to_the_content(page, server, site):
    page.goto(server.url + url("event-list"))
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")
    # The next stop is inside the main content, not back in the header.
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_focus_is_visible_on_links_buttons_and_fields(page, server, site):
    page.goto(server.url + url("event-list"))
    for _ in range(12):
        page.keyboard.press("Tab")
        style = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
        )
        tag, outline, width = style
        assert outline != "none" and width >= 2, f"no visible focus on a {tag}"


def test_filters_work_without_javascript(browser, server, site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(server.url + url("event-list"))
    page.get_by_text("Filter events").click()
    page.locator("details.filter-group summary", has_text="Country").click()
    page.get_by_label("Indonesia").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"{server.url}{url('event-list')}?*country=ID*")
    assert page.locator(".result-count").inner_text() == "2 events matching the filters."
    context.close()


def test_filters_unfold_beside_the_results_on_a_wide_screen(page, server, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url + url("assistanceprogram-list"))
    assert page.locator("details.filter-toggle").evaluate("details => details.open")
    page.locator("details.filter-group summary", has_text="Pillar").click()
    page.get_by_label("Economic Community").check()
    page.get_by_label("Sort by").select_option("-amount")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"{server.url}{url('assistanceprogram-list')}?*pillar=economic*")
    assert "o=-amount" in page.url
    assert page.locator(".result").count() == 3


def test_search_from_the_header(page, server, site):
    page.goto(server.url + url("home"))
    page.get_by_role("searchbox", name="Search the record").fill("dialogue")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}{url('search')}?q=dialogue")
    assert page.get_by_role("heading", name="Search results for “dialogue”").is_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_typo_gets_did_you_mean_with_a_link_that_works(page, server, site, language):
    with translation.override(language):
        page.goto(server.url + url("search", "q=Dialouge"))
    link = page.locator("a.did-you-mean")
    assert link.inner_text().count("Dialogue") == 1
    link.click()
    page.wait_for_url("**q=Dialogue")
    assert page.locator("a.did-you-mean").count() == 0
    assert page.locator(".result").count() == 3
    assert all("Dialogue" in title for title in page.locator(".result-title").all_inner_texts())


def test_the_language_toggle_keeps_the_page_and_its_filters(page, server, site):
    with translation.override("fr"):
        french = url("event-list", "country=ID&q=dialogue")
    page.goto(server.url + french)
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("link", name="English").click()
    with translation.override("en"):
        english = url("event-list", "country=ID&q=dialogue")
    page.wait_for_url(server.url + english)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_label("Indonesia").is_checked()
    assert page.get_by_label("Words").input_value() == "dialogue"
    page.get_by_role("link", name="Français").click()
    page.wait_for_url(server.url + french)
    assert page.get_by_role("heading", level=1).inner_text() == "Événements"


@pytest.mark.parametrize("width", [390, 1280])
def test_the_api_documentation_meets_wcag_21_aa(page, server, site, width):
    """The OpenAPI description rendered on the server (relations.api_docs), on a phone and a desktop."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server.url + "/api/v1/docs/")
    assert page.get_by_role("heading", level=3, name="GET /api/v1/events/ List events").is_visible()
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    assert not violations, describe(violations)
