"""Public and admin pages work under the Content-Security-Policy: a real browser records no violation,
and the admin's scripts (prepopulated slug, autocomplete, inlines) run."""

import contextlib

import pytest
from django.contrib.auth.models import User
from django.urls import NoReverseMatch, reverse

from relations.models import CONTENT_MODELS
from relations.workflow import PublicationStatus

from ..factories import ClaimFactory, CountryFactory, EventFactory, HeadOfMissionFactory, MissionFactory

# Listens for violations from the first script on every page; read back after each load.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} in ${where}`);
});
"""


class Visitor:
    """Opens pages in `page` and keeps every CSP violation, from the DOM event and the console."""

    def __init__(self, page, server):
        self.page, self.base = page, server.url
        self.violations = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on(
            "console",
            lambda message: "Content Security Policy" in message.text and self.violations.append(message.text),
        )

    def open(self, path):
        response = self.page.goto(self.base + path)
        assert response.status == 200, f"{path}: {response.status}"
        self.page.wait_for_load_state("networkidle")
        self.violations += [f"{path}: {v}" for v in self.page.evaluate("window.__cspViolations")]
        return response


@pytest.fixture
def content(transactional_db):
    country = CountryFactory(code="ID", name="Indonesia")
    event = EventFactory(country=country, title="ASEAN-Canada Dialogue")
    ClaimFactory(discrepancy__citation__event=event, value="The heading names another year.")
    mission = MissionFactory(country=country)
    HeadOfMissionFactory(mission=mission)
    draft = EventFactory(country=country, publication_status=PublicationStatus.DRAFT)
    return {"event": event, "mission": mission, "draft": draft, "country": country}


def test_public_pages_have_no_csp_violation(page, server, content):
    visitor = Visitor(page, server)
    for path in [
        reverse("relations:home"),
        content["event"].get_absolute_url(),
        content["mission"].get_absolute_url(),
        content["country"].get_absolute_url(),
    ]:
        response = visitor.open(path)
        assert "object-src 'none'" in response.headers["content-security-policy"]
    # The API's documentation page, under the same policy.
    visitor.open(reverse("api:docs"))
    page.wait_for_selector("#events_list")
    assert visitor.violations == [], "\n".join(visitor.violations)


def admin_paths(content):
    event, mission = content["event"], content["mission"]
    paths = [
        reverse("admin:index"),
        reverse("admin:relations_event_changelist"),
        reverse("admin:relations_event_add"),
        reverse("admin:relations_event_change", args=[event.pk]),
        reverse("admin:relations_event_history", args=[event.pk]),
        reverse("admin:relations_event_simple_history", args=[event.pk, event.history.first().history_id]),
        reverse("admin:relations_mission_change", args=[mission.pk]),
        reverse("admin:relations_citation_changelist"),
        content["draft"].get_absolute_url(),  # the staff preview
    ]
    # The import and export pages, where the admin has them (django-import-export's URL names).
    for model in CONTENT_MODELS:
        for view in ("import", "export"):
            with contextlib.suppress(NoReverseMatch):
                paths.append(reverse(f"admin:relations_{model._meta.model_name}_{view}"))
    return paths


def test_admin_pages_have_no_csp_violation_and_their_scripts_run(page, server, content):
    User.objects.create_superuser("admin", password="a long test password")
    visitor = Visitor(page, server)
    visitor.open(reverse("admin:login"))
    page.fill("#id_username", "admin")
    page.fill("#id_password", "a long test password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{server.url}/admin/")

    for path in admin_paths(content):
        visitor.open(path)

    # The admin's own scripts run under the policy: the slug follows the title, the autocomplete
    # opens and finds a country, and an inline row can be added.
    visitor.open(reverse("admin:relations_event_add"))
    page.locator("#id_title_en").press_sequentially("Seventh Dialogue")
    assert page.input_value("#id_slug") == "seventh-dialogue"
    page.click("#citations-group .add-row a")
    assert page.locator("#citations-group .inline-related.dynamic-citations").count() == 1
    page.click("#id_country + .select2")
    page.fill(".select2-search__field", "indo")
    page.wait_for_selector(".select2-results__option:has-text('Indonesia')")
    # The export page's "Select all" box (its handler attached by js/admin-export.js).
    visitor.open(reverse("admin:relations_event_export"))
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert fields.count() > 2 and all(fields.nth(i).is_checked() for i in range(fields.count()))
    page.click("label[for=select-all-toggle]")
    assert not any(fields.nth(i).is_checked() for i in range(fields.count()))

    assert visitor.violations == [], "\n".join(visitor.violations)
