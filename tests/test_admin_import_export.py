"""Import and export in the admin: preview, confirmation, permissions, and every kind of bad file."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relations.formats import FORMATS
from relations.models import Agreement, AssistanceProgram, Event, Pillar
from relations.resources import RESOURCES, EventResource, resource_for

from .factories import AssistanceProgramFactory, EventFactory

FORMAT_INDEX = {cls.__name__.lower(): str(index) for index, cls in enumerate(FORMATS)}

EVENT_HEADER = (
    "slug,title_en,title_fr,summary_en,summary_fr,kind,start_date,end_date,city_en,city_fr,country,track,pillars\r\n"
)
GOOD_EVENT = (
    "new-dialogue,A new dialogue,Un nouveau dialogue,Met in Manila.,Réunion à Manille.,"
    "dialogue,2016-08-04,2016-08-05,Manila,Manille,PH,2,economic\r\n"
)


def url(model, view):
    return reverse(f"admin:relations_{model._meta.model_name}_{view}")


def upload(client, model, content, name="records.csv", fmt="csv"):
    """Post a file to the admin's import page (the preview step)."""
    data = {"import_file": SimpleUploadedFile(name, content), "format": FORMAT_INDEX[fmt], "resource": "0"}
    return client.post(url(model, "import"), data)


def confirm(client, model, preview):
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, field.initial) for name, field in form.fields.items()}
    return client.post(url(model, "process_import"), data)


def state():
    """Everything an import could change, to compare before and after a refused file."""
    return (
        sorted(
            Event.objects.values_list(
                "slug", "title_en", "title_fr", "start_date", "end_date", "country__code", "updated_at"
            )
        ),
        sorted(
            AssistanceProgram.objects.values_list("slug", "title_en", "title_fr", "amount", "currency", "updated_at")
        ),
    )


@pytest.fixture
def existing(reference_data):
    """A record the bad files also try to change: it must stay as it is."""
    EventFactory(slug="existing", title="Existing", country=None, track=None)
    AssistanceProgramFactory(slug="existing-program", title="Existing program")


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def patched_xlsx(replacement, rows=(("slug", "title_en"), ("x", "X"))):
    """A real workbook whose sheet's XML is changed: its dimension declared or taken out, or its XML broken."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                if replacement.startswith(b"<dimension") or not replacement:
                    data = re.sub(rb"<dimension [^>]*/>", replacement, data)
                else:
                    data = replacement
            target.writestr(info, data)
    return out.getvalue()


# Each bad file, the model it is imported as, and what the answer must say (row and column
# where the problem is in a row).
BAD_FILES = {
    "not-csv": (Event, xlsx([["slug"], ["x"]]), ["not a text file"]),
    "pdf-as-csv": (Event, b"%PDF-1.4\n\x00\x01\x02binary", ["not a text file"]),
    "wrong-encoding": (
        Event,
        (EVENT_HEADER + GOOD_EVENT.replace("Manila", "Montréal")).encode("latin-1"),
        ["not UTF-8", "line 2"],
    ),
    "missing-required-column": (
        Event,
        b"slug,title_en,title_fr,summary_en,summary_fr,kind\r\nexisting,Changed,Chang\xc3\xa9,S.,S.,dialogue\r\n",
        ["Row 1", "required column “start_date” is missing"],
    ),
    "unknown-column": (
        Event,
        (EVENT_HEADER.replace("pillars", "colour") + GOOD_EVENT).encode(),
        ["Row 1", "“colour” is not a column of events"],
    ),
    "unknown-country": (
        Event,
        (
            EVENT_HEADER
            + "existing,Changed,Changé,S.,S.,dialogue,2016,,,,CA,,\r\n"
            + GOOD_EVENT.replace(",PH,", ",XX,")
        ).encode(),
        ['<td class="import-row">3</td>', "country", "No country has the code “XX”"],
    ),
    "unknown-slug": (
        Event,
        (EVENT_HEADER + GOOD_EVENT.replace("economic", "economics")).encode(),
        ['<td class="import-row">2</td>', "pillars", "No pillar has the slug “economics”"],
    ),
    "unparseable-date": (
        Event,
        (EVENT_HEADER + GOOD_EVENT.replace("2016-08-04", "4th of Augst 2016")).encode(),
        ['<td class="import-row">2</td>', "start_date", "is not a date"],
    ),
    "ambiguous-date": (
        Event,
        (EVENT_HEADER + GOOD_EVENT.replace("2016-08-04", "04/08/2016")).encode(),
        ['<td class="import-row">2</td>', "start_date", "is not a date"],
    ),
    "end-before-start": (
        Event,
        (EVENT_HEADER + GOOD_EVENT.replace("2016-08-05", "2016-08-01")).encode(),
        ['<td class="import-row">2</td>', "end_date", "It is before start_date"],
    ),
    "negative-amount": (
        AssistanceProgram,
        b"slug,title_en,summary_en,amount,currency\r\nexisting-program,Changed,S.,10,CAD\r\nnew,New,S.,-5,CAD\r\n",
        ['<td class="import-row">3</td>', "amount", "greater than or equal to 0"],
    ),
    "unknown-currency": (
        AssistanceProgram,
        b"slug,title_en,summary_en,amount,currency\r\nnew,New,S.,5000,EUR\r\n",
        ['<td class="import-row">2</td>', "currency", "“EUR” is not one of: CAD, USD"],
    ),
    "amount-without-currency": (
        AssistanceProgram,
        b"slug,title_en,summary_en,amount,currency\r\nnew,New,S.,5000,\r\n",
        ['<td class="import-row">2</td>', "currency", "An amount needs its currency"],
    ),
    "same-slug-twice": (
        Event,
        (EVENT_HEADER + GOOD_EVENT + GOOD_EVENT.replace("A new", "Another")).encode(),
        ['<td class="import-row">3</td>', "slug", "“new-dialogue” is also in row 2 of this file"],
    ),
    "empty-file": (Event, b"", ["The submitted file is empty"]),
    "blank-file": (Event, b"\r\n\r\n", ["The file is empty"]),
    "header-only": (Event, EVENT_HEADER.encode(), ["The file has a header row but no records under it."]),
    "ragged-row": (
        Event,
        (EVENT_HEADER + GOOD_EVENT.replace("\r\n", ",extra,cells\r\n")).encode(),
        ["Row 2 has 15 cells"],
    ),
    "xlsx-that-is-not": (Event, b"slug,title_en\r\nx,y\r\n", ["not an Excel workbook"]),
    "xlsx-damaged-xml": (Event, patched_xlsx(b"<worksheet><sheetData><row>"), ["not an Excel workbook", "damaged"]),
    "xlsx-declares-ten-million-rows": (
        Event,
        patched_xlsx(b'<dimension ref="A1:M10000000"/>'),
        ["declares 10,000,000 rows (blank ones count too)"],
    ),
    "json-object-in-a-cell": (
        Event,
        b'[{"slug": "x", "title_en": {"en": "X"}, "summary_en": "S.", "kind": "dialogue", "start_date": "2016"}]',
        ["Row 2 (record 1 of the file), column “title_en”: a cell holds text, a number, true, false or null"],
    ),
    "json-array-in-a-cell": (
        Event,
        b'[{"slug": "x", "title_en": "X", "summary_en": ["S."], "kind": "dialogue", "start_date": "2016"}]',
        ["column “summary_en”", "not a list or an object"],
    ),
    "json-nested-too-deeply": (Event, b"[" * 100_000, ["nested too deeply"]),
    "json-infinity": (
        AssistanceProgram,
        b'[{"slug": "p", "title_en": "P", "summary_en": "S.", "start_year": 1e400}]',
        ['<td class="import-row">2</td>', "start_year", "“inf” is not a number that can be stored."],
    ),
    "agreement-superseding-itself": (
        Agreement,
        b"slug,title_en,summary_en,kind,adopted_on,supersedes\r\na,A,S.,declaration,2016,a\r\n",
        ['<td class="import-row">2</td>', "supersedes", "A record cannot name itself here."],
    ),
    "agreements-superseding-each-other": (
        Agreement,
        b"slug,title_en,summary_en,kind,adopted_on,supersedes\r\n"
        b"a,A,S.,declaration,2016,b\r\nb,B,S.,declaration,2017,a\r\n",
        ["This makes a ring: a → b → a.", "This makes a ring: b → a → b."],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_gets_a_clear_answer_and_changes_nothing(admin_client, existing, case):
    model, content, expected = BAD_FILES[case]
    before = state(), Agreement.objects.count()
    fmt = case.split("-")[0] if case.startswith(("xlsx-", "json-")) else "csv"
    response = upload(admin_client, model, content, name=f"{case}.{fmt}", fmt=fmt)
    assert response.status_code == 200
    page = response.content.decode()
    for text in expected:
        assert text in page, text
    assert "confirm_form" not in response.context
    assert (state(), Agreement.objects.count()) == before


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_and_the_form_says_the_limit(admin_client, existing, settings):
    settings.IMPORT_MAX_UPLOAD_SIZE = 1000
    form_page = admin_client.get(url(Event, "import")).content.decode()
    assert "at most 1000\xa0bytes" in form_page
    before = state()
    response = upload(admin_client, Event, (EVENT_HEADER + GOOD_EVENT * 20).encode())
    assert response.status_code == 200
    assert "the limit is 1000\xa0bytes" in response.content.decode()
    assert state() == before
    # Just over: both sizes round to the same figure, so the bytes are given too.
    settings.IMPORT_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
    response = upload(admin_client, Event, b"slug\r\n" + b"x" * (10_500_000 - 6))
    assert (
        "This file is 10.0\xa0MB (10,500,000 bytes); the limit is 10.0\xa0MB (10,485,760 bytes)."
        in response.content.decode()
    )


@pytest.mark.django_db
def test_import_is_previewed_then_confirmed(admin_client, existing):
    content = (
        EVENT_HEADER
        + GOOD_EVENT
        + "existing,Existing,Existing (FR),A short summary.,A short summary. (FR),"
        + "dialogue,2016-06-15,2016-06-16,Makati,Makati (FR),,,\r\n"
    ).encode()
    preview = upload(admin_client, Event, content)
    assert preview.status_code == 200
    result = preview.context["result"]
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (1, 0, 1)
    assert not Event.objects.filter(slug="new-dialogue").exists()  # the preview writes nothing

    response = confirm(admin_client, Event, preview)
    assert response.status_code == 302
    event = Event.objects.get(slug="new-dialogue")
    assert (event.country.code, event.track.number, [p.slug for p in event.pillars.all()]) == ("PH", 2, ["economic"])


@pytest.mark.django_db
def test_html_and_script_are_stored_as_text_and_escaped_on_pages(admin_client, client, reference_data):
    title = '<script>alert("x")</script> & <b>bold</b>'
    quoted = title.replace('"', '""')
    image = "<img src=x onerror=alert(1)>"
    content = (
        "slug,title_en,title_fr,summary_en,summary_fr,kind,start_date,publication_status\r\n"
        f'xss,"{quoted}","{quoted}",{image},{image},dialogue,2016,published\r\n'
    )
    preview = upload(admin_client, Event, content.encode())
    assert "<script>alert" not in preview.content.decode()  # the preview escapes it too
    confirm(admin_client, Event, preview)
    event = Event.objects.get(slug="xss")
    assert event.title == title
    page = client.get(event.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page


@pytest.mark.django_db
def test_export_follows_the_changelist_filters_and_search(admin_client, reference_data):
    EventFactory(slug="summit-one", title="Summit one", kind=Event.Kind.SUMMIT)
    EventFactory(slug="dialogue-one", title="Dialogue one", kind=Event.Kind.DIALOGUE)
    EventFactory(slug="summit-two", title="Second summit", kind=Event.Kind.SUMMIT)
    response = admin_client.post(
        url(Event, "export") + "?kind__exact=summit&q=one",
        {"format": FORMAT_INDEX["csv"], "resource": "0", **{f"eventresource_{name}": "on" for name in ["slug"]}},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines] == ["slug", "summit-one"]


@pytest.mark.django_db
def test_import_and_export_are_separate_permissions(client, reference_data):
    user = User.objects.create_user("editor", password="a long password here", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_event", "change_event", "export_event"]))
    client.force_login(user)
    assert client.get(url(Event, "export")).status_code == 200
    assert client.get(url(Event, "import")).status_code == 403
    changelist = client.get(url(Event, "changelist")).content.decode()
    assert url(Event, "export") in changelist and url(Event, "import") not in changelist

    user.user_permissions.set(Permission.objects.filter(codename__in=["view_event", "import_event"]))
    client.force_login(User.objects.get(pk=user.pk))
    assert client.get(url(Event, "import")).status_code == 200
    assert client.get(url(Event, "export")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", [resource._meta.model._meta.model_name for resource in RESOURCES])
def test_every_resource_has_import_and_export_pages(admin_client, reference_data, model_name):
    for view in ("import", "export"):
        assert admin_client.get(reverse(f"admin:relations_{model_name}_{view}")).status_code == 200


@pytest.mark.django_db
def test_an_exported_workbook_imports_back_through_the_admin(admin_client, reference_data):
    EventFactory(slug="dialogue", title="Dialogue à Makati", country=None, track=None)
    every_column = {f"eventresource_{name}": "on" for name in EventResource.fields}
    exported = admin_client.post(
        url(Event, "export"), {"format": FORMAT_INDEX["xlsx"], "resource": "0", **every_column}
    )
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    rows = list(book.active.values)
    rows[1] = tuple("Dialogue à Manille" if cell == "Dialogue à Makati" else cell for cell in rows[1])
    preview = upload(admin_client, Event, xlsx(rows), name="events.xlsx", fmt="xlsx")
    assert preview.context["result"].totals["update"] == 1
    confirm(admin_client, Event, preview)
    assert Event.objects.get().title == "Dialogue à Manille"


@pytest.mark.django_db
def test_a_workbook_with_blank_rows_and_unnamed_empty_columns_imports(admin_client, reference_data):
    rows = [["slug", "title_en", "summary_en", "kind", "start_date", None], ["a", "A", "S.", "forum", "2016", None]]
    preview = upload(admin_client, Event, xlsx([*rows, [None] * 6, [None] * 6]), name="events.xlsx", fmt="xlsx")
    assert preview.context["result"].totals["new"] == 1
    rows[1][5] = "stray value"
    preview = upload(admin_client, Event, xlsx(rows), name="events.xlsx", fmt="xlsx")
    assert "column 6 has values but no name" in preview.content.decode()


@pytest.mark.django_db
def test_a_confirmed_import_that_no_longer_passes_writes_nothing_and_says_so(admin_client, reference_data):
    preview = upload(admin_client, Event, (EVENT_HEADER + GOOD_EVENT).encode())
    assert preview.context["confirm_form"]
    Pillar.objects.filter(slug="economic").delete()  # between the preview and the confirmation
    response = confirm(admin_client, Event, preview)
    kept = preview.context["kept"]
    assert response.status_code == 302 and response["Location"] == kept.get_absolute_url()
    assert not Event.objects.exists()
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages == ["Nothing was imported: the file no longer passes the checks. The preview below says why."]
    # The file is kept: its preview says why, and once the pillar is back it imports, with no new upload.
    again = admin_client.get(response["Location"])
    assert [(e.row, e.column) for e in again.context["preview"].errors] == [(2, "pillars")]
    Pillar.objects.create(slug="economic", name_en="Economic", name_fr="Économique")
    again = admin_client.get(response["Location"])
    assert not again.context["preview"].has_errors
    assert confirm(admin_client, Event, again).status_code == 302
    assert Event.objects.filter(slug="new-dialogue").exists()


@pytest.mark.django_db
def test_admin_csv_export_neutralises_formulae(admin_client, reference_data):
    EventFactory(slug="formula", title='=HYPERLINK("http://x")', summary="@SUM(A1)", country=None, track=None)
    every_column = {f"eventresource_{name}": "on" for name in EventResource.fields}
    response = admin_client.post(url(Event, "export"), {"format": FORMAT_INDEX["csv"], "resource": "0", **every_column})
    text = response.content.decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://x"")"' in text and "'@SUM(A1)" in text


def staff_with_roles(*roles):
    """A member of staff in the given groups, as `setup_roles` defines them."""
    from django.core.management import call_command

    call_command("setup_roles", verbosity=0)
    user = User.objects.create_user("-".join(roles).lower(), password="a long password here", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


@pytest.mark.django_db
def test_an_import_leaves_one_history_entry_per_record_changed_by_whom(client, existing):
    user = staff_with_roles("Importer", "Publisher")
    client.force_login(user)
    content = (
        EVENT_HEADER
        + GOOD_EVENT
        + "existing,Existing retitled,Existant renommé,Changed.,Modifié.,dialogue,2016,,,,,,\r\n"
    ).encode()
    confirm(client, Event, upload(client, Event, content))
    new, changed = Event.objects.get(slug="new-dialogue"), Event.objects.get(slug="existing")
    assert changed.title == "Existing retitled"
    assert [(h.history_type, h.history_user) for h in new.history.all()] == [("+", user)]
    latest = changed.history.first()
    assert (latest.history_type, latest.history_user, latest.title_en, latest.title_fr) == (
        "~",
        user,
        "Existing retitled",
        "Existant renommé",
    )
    assert changed.history.count() == 2  # the factory's creation, then the import
    changed_fields = set(latest.diff_against(latest.prev_record).changed_fields)
    # The row's title, summary and year replace the factory's; its blank end date and city clear them.
    assert changed_fields == {
        "title_en",
        "title_fr",
        "summary_en",
        "summary_fr",
        "start_date",
        "end_date",
        "date_precision",
        "city_en",
        "city_fr",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("roles", "status", "allowed"),
    [
        (("Importer",), "draft", True),
        (("Importer",), "review", True),
        (("Importer",), "published", False),
        (("Importer",), "archived", False),
        (("Importer", "Publisher"), "published", True),
    ],
)
def test_only_a_publisher_imports_what_the_public_sees(client, reference_data, roles, status, allowed):
    client.force_login(staff_with_roles(*roles))
    content = (
        "slug,title_en,title_fr,summary_en,summary_fr,kind,start_date,publication_status\r\n"
        f"x,X,X (FR),Y.,Y. (FR),dialogue,2016,{status}\r\n"
    )
    preview = upload(client, Event, content.encode())
    page = preview.content.decode()
    assert ("Only a publisher may publish" not in page) is allowed
    if allowed:
        confirm(client, Event, preview)
    assert Event.objects.filter(slug="x", publication_status=status).exists() is allowed


@pytest.mark.django_db
def test_an_importer_who_may_not_publish_cannot_change_a_published_record(client, reference_data):
    EventFactory(slug="public", title="As published", publication_status="published")
    client.force_login(staff_with_roles("Importer"))
    preview = upload(
        client, Event, b"slug,title_en,summary_en,kind,start_date\r\npublic,Rewritten,Y.,dialogue,2016\r\n"
    )
    assert preview.context["result"].invalid_rows[0].error_dict["publication_status"] == [
        "This record is published: only a publisher may change what the public sees. This row changes "
        "start_date, summary_en, title_en; leave it as it was exported, or ask a publisher to import it."
    ]
    assert "confirm_form" not in preview.context
    assert Event.objects.get(slug="public").title == "As published"


def export(client, model, fmt="csv"):
    """The admin's export of every column of `model`, as a user would download it."""
    resource = resource_for(model)
    columns = {f"{resource.__name__.lower()}_{name}": "on" for name in resource.fields}
    response = client.post(url(model, "export"), {"format": FORMAT_INDEX[fmt], "resource": "0", **columns})
    assert response.status_code == 200
    return response.content


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_importer_reimports_an_export_with_one_draft_added_and_untouched_public_rows_skipped(
    client, admin_client, reference_data, fmt
):
    for number in range(3):
        EventFactory(
            slug=f"public-{number}", title=f"Public {number}", summary="L'ANASE", publication_status="published"
        )
    EventFactory(slug="a-draft", title="A draft", publication_status="draft")
    exported = export(admin_client, Event, fmt)
    if fmt == "csv":
        text = exported.decode("utf-8-sig")
        header = text.splitlines()[0].split(",")
        row = dict.fromkeys(header, "")
        row.update(slug="added", title_en="Added", summary_en="Added.", kind="dialogue", start_date="2016-08")
        content = (text + ",".join(row[name] for name in header) + "\r\n").encode()
    else:
        rows = list(openpyxl.load_workbook(io.BytesIO(exported)).active.values)
        row = dict.fromkeys(rows[0], None)
        row.update(slug="added", title_en="Added", summary_en="Added.", kind="dialogue", start_date="2016-08")
        content = xlsx([*rows, list(row.values())])
    before = state()
    client.force_login(staff_with_roles("Importer"))
    preview = upload(client, Event, content, name=f"events.{fmt}", fmt=fmt)
    result = preview.context["result"]
    assert not result.invalid_rows
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (1, 0, 4)
    confirm(client, Event, preview)
    added = Event.objects.get(slug="added")
    assert (added.publication_status, added.title) == ("draft", "Added")
    assert [row for row in state()[0] if row[0] != "added"] == before[0]


@pytest.mark.django_db
def test_an_importer_may_change_a_draft_but_not_reference_data(client, reference_data):
    from relations.models import Country

    EventFactory(slug="a-draft", title="As drafted", publication_status="draft")
    client.force_login(staff_with_roles("Importer"))
    preview = upload(
        client, Event, b"slug,title_en,summary_en,kind,start_date\r\na-draft,Redrafted,Y.,dialogue,2016\r\n"
    )
    assert preview.context["result"].totals["update"] == 1
    confirm(client, Event, preview)
    assert Event.objects.get(slug="a-draft").title == "Redrafted"

    name, name_fr = Country.objects.values_list("name_en", "name_fr").get(code="PH")
    unchanged = f"code,name_en,name_fr\r\nPH,{name},{name_fr}\r\n".encode()
    assert upload(client, Country, unchanged).context["result"].totals["skip"] == 1
    preview = upload(client, Country, f"code,name_en,name_fr\r\nPH,Renamed,{name_fr}\r\n".encode())
    (invalid,) = preview.context["result"].invalid_rows
    assert invalid.error_dict == {
        "code": [
            "Only a publisher may add or change countries: every public page shows them. "
            "Leave this row as it was exported, or ask a publisher to import it."
        ]
    }
    assert Country.objects.get(code="PH").name_en == name
    client.force_login(staff_with_roles("Importer", "Publisher"))
    confirm(client, Country, upload(client, Country, f"code,name_en,name_fr\r\nPH,Renamed,{name_fr}\r\n".encode()))
    assert Country.objects.get(code="PH").name_en == "Renamed"


@pytest.mark.django_db
def test_an_importer_who_may_not_publish_cannot_change_a_published_records_citations(client, reference_data):
    from relations.models import Citation

    EventFactory(slug="public", publication_status="published")
    EventFactory(slug="draft", publication_status="draft")
    client.force_login(staff_with_roles("Importer"))
    header = "source,event,locator,quote\r\n"
    preview = upload(client, Citation, (header + "saputra-2019,public,Track One,Added.\r\n").encode())
    assert "Only a publisher may change what a published or archived record shows." in preview.content.decode()
    (invalid,) = preview.context["result"].invalid_rows
    assert (invalid.number, list(invalid.field_specific_errors)) == (2, ["event"])
    preview = upload(client, Citation, (header + "saputra-2019,draft,Track One,Added.\r\n").encode())
    confirm(client, Citation, preview)
    assert list(Citation.objects.values_list("event__slug", flat=True)) == ["draft"]


@pytest.mark.django_db
def test_a_forged_confirmation_is_refused_and_imports_or_deletes_nothing(
    client, admin_client, reference_data, tmp_path, settings
):
    settings.IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.TempFolderStorage"
    other = tmp_path / "someone-elses.csv"
    other.write_bytes((EVENT_HEADER + GOOD_EVENT).encode())
    preview = upload(admin_client, Event, (EVENT_HEADER + GOOD_EVENT).encode())
    kept = preview.context["kept"]
    gone = (
        "This preview is no longer available: it has expired, it was already imported, or it is not yours. "
        "Nothing was imported; choose the file again."
    )
    forged = [
        {"import_file_name": str(other), "original_file_name": "x.csv", "format": "99", "resource": "0"},
        {"import_file_name": "../../etc/passwd", "format": "abc"},
        {"kept": "not-a-uuid"},
        {"kept": "00000000-0000-0000-0000-000000000000"},
    ]
    for data in forged:
        response = admin_client.post(url(Event, "process_import"), data, follow=True)
        assert response.redirect_chain == [(url(Event, "import"), 302)]
        assert [str(m) for m in response.context["messages"]] == [gone]
    # Someone else's preview, or the same id for other records, is not found either.
    client.force_login(staff_with_roles("Importer", "Publisher"))
    assert client.post(url(Event, "process_import"), {"kept": str(kept.pk)})["Location"] == url(Event, "import")
    assert client.get(kept.get_absolute_url()).status_code == 302
    assert admin_client.post(url(AssistanceProgram, "process_import"), {"kept": str(kept.pk)}).status_code == 302
    assert not Event.objects.exists() and other.exists()
    # The real confirmation, with forged extras ignored, imports the kept file once.
    response = admin_client.post(
        url(Event, "process_import"), {"kept": str(kept.pk), "format": "7", "import_file_name": str(other)}
    )
    assert response.status_code == 302 and response["Location"] == url(Event, "changelist")
    assert Event.objects.filter(slug="new-dialogue").count() == 1 and other.exists()
    assert admin_client.post(url(Event, "process_import"), {"kept": str(kept.pk)})["Location"] == url(Event, "import")


@pytest.mark.django_db
def test_kept_files_expire_and_are_cleared(admin_client, reference_data, settings):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from relations.models import KeptImportFile

    first = upload(admin_client, Event, (EVENT_HEADER + GOOD_EVENT).encode()).context["kept"]
    stale = timezone.now() - datetime.timedelta(hours=settings.IMPORT_PREVIEW_HOURS, minutes=1)
    KeptImportFile.objects.filter(pk=first.pk).update(created_at=stale)
    assert admin_client.get(first.get_absolute_url())["Location"] == url(Event, "import")
    second = upload(admin_client, Event, (EVENT_HEADER + GOOD_EVENT).encode()).context["kept"]
    assert list(KeptImportFile.objects.values_list("pk", flat=True)) == [second.pk]  # cleared on the new import
    KeptImportFile.objects.filter(pk=second.pk).update(created_at=stale)
    out = io.StringIO()
    call_command("clearimports", stdout=out)
    assert out.getvalue() == "Deleted 1 expired import file(s).\n" and not KeptImportFile.objects.exists()


@pytest.mark.django_db
def test_the_preview_summarises_tabulates_errors_and_shows_changes_escaped_once(admin_client, reference_data):
    EventFactory(slug="asean", title="Dialogue with ASEAN", summary="S.", country=None, track=None)
    EventFactory(slug="same", title="Same", summary="S.", country=None, track=None)
    header = "slug,title_en,summary_en,kind,start_date\r\n"
    rows = ["asean,Dialogue avec l'ANASE <b>,S.,dialogue,2016\r\n", "fresh,New one,S.,forum,2016\r\n"]
    exported = Event.objects.get(slug="same")
    rows.append(f"same,Same,S.,{exported.kind},{exported.start_date.year}\r\n")
    Event.objects.filter(slug="same").update(
        date_precision="year", start_date=exported.start_date.replace(month=1, day=1)
    )
    preview = upload(admin_client, Event, (header + "".join(rows)).encode())
    page = preview.content.decode()
    p = preview.context["preview"]
    assert (p.new, p.changed, p.unchanged, p.invalid) == (1, 1, 1, 0)
    assert "Dialogue avec l&#x27;ANASE &lt;b&gt;" in page and "&amp;#x27;" not in page and "&lt;del&gt;" not in page
    assert "<del>Dialogue with ASEAN</del>" in page
    assert "1 row changes nothing and is not listed" in page
    bad = upload(admin_client, Event, (header + "x,X,S.,dialogue,04/08/2016\r\ny,Y,S.,nope,2016\r\n").encode())
    errors = [(e.row, e.column, e.value) for e in bad.context["preview"].errors]
    assert errors == [(2, "start_date", "04/08/2016"), (3, "kind", "nope")]
    assert '<th scope="col">Value given</th>' in bad.content.decode()
    assert "confirm_form" not in bad.context


@pytest.mark.django_db
def test_a_large_preview_is_paged(admin_client, reference_data, settings):
    settings.IMPORT_PREVIEW_PAGE_SIZE = 10
    header = "slug,title_en,summary_en,kind,start_date\r\n"
    content = header + "".join(f"e-{n},E {n},S.,dialogue,2016\r\n" for n in range(25))
    preview = upload(admin_client, Event, content.encode())
    changes = preview.context["preview"].changes
    assert (len(changes), changes.paginator.num_pages) == (10, 3)
    last = admin_client.get(preview.context["kept"].get_absolute_url() + "?page=3")
    assert [row.number for row in last.context["preview"].changes] == [22, 23, 24, 25, 26]


@pytest.mark.django_db
def test_a_workbook_over_the_row_limit_without_a_dimension_is_refused_while_read(
    admin_client, reference_data, settings
):
    settings.IMPORT_MAX_ROWS = 5
    rows = [["slug", "title_en", "summary_en", "kind", "start_date"]] + [
        [f"e{n}", "E", "S.", "forum", "2016"] for n in range(6)
    ]
    response = upload(admin_client, Event, patched_xlsx(b"", rows), name="events.xlsx", fmt="xlsx")
    assert "This file has 6 rows; an import takes at most 5." in response.content.decode()
    response = upload(admin_client, Event, xlsx(rows[:6]), name="events.xlsx", fmt="xlsx")
    assert response.context["preview"].new == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "stored", "precision"),
    [
        ("4 août 2016", "2016-08-04", "day"),
        ("1er août 2016", "2016-08-01", "day"),
        ("août 2014", "2014-08-01", "month"),
        ("4 aout 2016", "2016-08-04", "day"),
        ("févr. 2014", "2014-02-01", "month"),
        ("2016-08-04", "2016-08-04", "day"),
    ],
)
def test_dates_in_french_and_iso_import(admin_client, reference_data, given, stored, precision):
    content = f"slug,title_en,summary_en,kind,start_date\r\nx,X,S.,dialogue,{given}\r\n"
    confirm(admin_client, Event, upload(admin_client, Event, content.encode()))
    event = Event.objects.get(slug="x")
    assert (event.start_date.isoformat(), event.date_precision) == (stored, precision)


@pytest.mark.django_db
def test_an_exported_workbook_with_multiline_text_imports_back_unchanged(admin_client, reference_data):
    EventFactory(slug="lines", body="First paragraph.\r\n\r\nSecond paragraph.", country=None, track=None)
    rows = list(openpyxl.load_workbook(io.BytesIO(export(admin_client, Event, "xlsx"))).active.values)
    preview = upload(admin_client, Event, xlsx(rows), name="events.xlsx", fmt="xlsx")
    assert (preview.context["preview"].unchanged, preview.context["preview"].changed) == (1, 0)


@pytest.mark.django_db
def test_an_importer_reimports_a_public_records_citations_unchanged_but_may_not_change_them(client, reference_data):
    from relations.models import Citation

    EventFactory(slug="public", publication_status="published")
    client.force_login(staff_with_roles("Importer", "Publisher"))
    confirm(client, Citation, upload(client, Citation, b"source,event,locator,quote\r\nsaputra-2019,public,T,Q.\r\n"))
    client.force_login(staff_with_roles("Importer"))
    unchanged = upload(client, Citation, b"source,event,locator,quote\r\nsaputra-2019,public,T,Q.\r\n")
    assert unchanged.context["preview"].unchanged == 1 and not unchanged.context["preview"].has_errors
    changed = upload(client, Citation, b"source,event,locator,quote\r\nsaputra-2019,public,T,Other.\r\n")
    assert [(e.row, e.column) for e in changed.context["preview"].errors] == [(2, "event")]
    assert Citation.objects.get().quote == "Q."
