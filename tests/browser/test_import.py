"""The admin's import journey in a real browser, in English and in French: choose a file, read its
preview (errors, then changes), confirm, open the import's record and undo it; every page axe-clean
(WCAG 2.1 AA) and no wider than a 1280-px screen."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from relations.models import Event, ImportBatch

from ..factories import EventFactory
from .test_accessibility import WCAG_TAGS, describe

axe = Axe()
HEADER = "slug,title_en,title_fr,summary_en,summary_fr,kind,start_date,publication_status\n"
WORDS = {
    "en": {"errors": "Value given", "confirm": "Confirm import", "undo": "Undo this import"},
    "fr": {"errors": "Valeur fournie", "confirm": "Confirmer l'importation", "undo": "Annuler cette importation"},
}


def check(page, width=1280):
    violations = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}}).response["violations"]
    assert not violations, describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_importer_previews_confirms_and_undoes_an_import(browser, server, transactional_db, tmp_path, language):
    call_command("setup_roles", verbosity=0)
    call_command("loaddata", "reference", verbosity=0)
    user = User.objects.create_user("importer", password="a long test password", is_staff=True)
    user.groups.set(Group.objects.filter(name="Importer"))
    for number in range(40):
        EventFactory(slug=f"public-{number}", title=f"Dialogue {number} with l'ANASE", publication_status="published")
    rows = "".join(
        f"{e.slug},{e.title_en},{e.title_fr},{e.summary_en},{e.summary_fr},{e.kind},{e.start_date.isoformat()},published\n"
        for e in Event.objects.order_by("slug")
    )
    # The 40 published rows as exported, one draft added, and one row with two errors.
    broken = tmp_path / "events-with-errors.csv"
    broken.write_text(
        HEADER + rows + "added,Added,Ajouté,New.,Nouveau.,dialogue,2016-08,draft\nbad,,,S.,S.,nope,04/08/2016,\n"
    )
    good = tmp_path / "events.csv"
    good.write_text(HEADER + rows + "added,Added,Ajouté,New.,Nouveau.,dialogue,4 août 2016,draft\n")

    context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server.url + reverse("admin:login"))
    page.fill("#id_username", "importer")
    page.fill("#id_password", "a long test password")
    page.click("input[type=submit]")
    page.goto(server.url + reverse("admin:relations_event_import"))
    assert page.locator("html").get_attribute("lang") == language
    check(page)

    page.set_input_files("#id_import_file", str(broken))
    page.select_option("#id_format", label="csv")
    page.click(".submit-row input[type=submit]")
    table = page.locator("table.import-errors")
    assert WORDS[language]["errors"] in table.text_content()
    assert table.locator("tbody tr").count() == 3  # title_en empty, kind, start_date
    assert page.get_by_role("button", name=WORDS[language]["confirm"]).count() == 0
    check(page)

    page.set_input_files("#id_import_file", str(good))
    page.select_option("#id_format", label="csv")
    page.click("form[enctype] .submit-row input[type=submit]")
    summary = page.locator(".import-summary").inner_text()
    assert "1" in summary and "40" in summary
    page.click("summary")  # the new row's values fold out, by keyboard or pointer
    check(page)
    page.get_by_role("button", name=WORDS[language]["confirm"]).click()
    page.wait_for_url(f"{server.url}{reverse('admin:relations_event_changelist')}")
    assert Event.objects.get(slug="added").start_date.isoformat() == "2016-08-04"

    batch = ImportBatch.objects.get()
    page.goto(server.url + batch.get_absolute_url())
    check(page)
    with page.expect_navigation():
        page.get_by_role("button", name=WORDS[language]["undo"]).click()
    assert page.locator(".messagelist .success").count() == 1, page.locator(".messagelist").text_content()
    assert not Event.objects.filter(slug="added").exists()
    check(page)
    context.close()
