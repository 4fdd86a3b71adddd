"""How to cite a record: plain text, BibTeX and CSL-JSON (the format Zotero, Mendeley and pandoc
read), each with the record's permanent URL and the date it was accessed.

The record is cited as a page of this registry: its title, what it is (an event of 4 August 2016),
the registry as the container and publisher, its "Date modified" as the date of issue.
"""

import json

from django.http import Http404, HttpResponse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from .i18n import active_language

# Each format's download: its extension and Content-Type.
CITATION_FORMATS = {
    "bib": "application/x-bibtex; charset=utf-8",
    "json": "application/vnd.citationstyles.csl+json; charset=utf-8",
}

# Characters BibTeX reads as commands, escaped in every value.
BIBTEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "$": r"\$",
        "&": r"\&",
        "%": r"\%",
        "#": r"\#",
        "_": r"\_",
        "^": r"\^{}",
        "~": r"\~{}",
    }
)


def site_name():
    return _("Canada–ASEAN relations: the public record")


def description(record):
    """ "Event, 4 August 2016": what the record is and its date, as the page shows them."""
    kind = str(record._meta.verbose_name).capitalize()
    date = record.date_display
    return f"{kind}, {date}" if date else kind


def modified_on(record):
    """The record's "Date modified", as its page shows it (a date, in the site's time zone)."""
    return localtime(record.date_modified).date()


def date_parts(value):
    return {"date-parts": [[value.year, value.month, value.day]]}


def plain_text(record, url, accessed):
    modified = date_format(modified_on(record), "j F Y")
    return _(
        "“%(title)s” (%(description)s). In %(site)s. Last modified %(modified)s. %(url)s (accessed %(accessed)s)."
    ) % {
        "title": record.title,
        "description": description(record),
        "site": site_name(),
        "modified": modified,
        "url": url,
        "accessed": date_format(accessed, "j F Y"),
    }


# biblatex's names (babel's) of the site's languages.
BIBLATEX_LANGUAGES = {"en": "english", "fr": "french"}


def bibtex_key(record):
    return f"canada-asean-{record._meta.model_name}-{record.slug}"


def bibtex(record, url, accessed):
    """A @misc entry, which BibTeX and biblatex both read; biblatex also takes `url` and `urldate`."""

    def value(text):
        return "{" + str(text).translate(BIBTEX_ESCAPES) + "}"

    # A URL is read verbatim (\url, biblatex's url field): not escaped. Ours hold no braces.
    fields = [
        ("title", value(record.title)),
        # Braced twice: a body, not a person's family and given names.
        ("author", "{" + value(site_name()) + "}"),
        ("howpublished", "{\\url{" + url + "}}"),
        ("year", value(modified_on(record).year)),
        ("date", value(modified_on(record).isoformat())),
        (
            "note",
            value(
                _("%(description)s. Accessed %(accessed)s")
                % {"description": description(record), "accessed": accessed.isoformat()}
            ),
        ),
        ("url", "{" + url + "}"),
        ("urldate", value(accessed.isoformat())),
        # biblatex's language of the entry (hyphenation, quotation marks): the page's.
        ("langid", value(BIBLATEX_LANGUAGES[active_language()])),
    ]
    body = ",\n".join(f"  {name} = {text}" for name, text in fields)
    return f"@misc{{{bibtex_key(record)},\n{body}\n}}\n"


def csl_json(record, url, accessed):
    """A CSL-JSON array of one item, as citation managers import it."""
    item = {
        "id": bibtex_key(record),
        "type": "webpage",
        "title": record.title,
        "genre": description(record),
        "container-title": site_name(),
        "publisher": site_name(),
        "author": [{"literal": site_name()}],
        "issued": date_parts(modified_on(record)),
        "accessed": date_parts(accessed),
        "URL": url,
        "language": active_language(),
    }
    # One property a line, each value on its line: readable on the page, and valid JSON.
    lines = ",\n".join(f"    {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}" for key, value in item.items())
    return f"[\n  {{\n{lines}\n  }}\n]\n"


def citation(record, url, accessed):
    """The three forms of a record's citation, for its page."""
    return {
        "url": url,
        "accessed": accessed,
        "text": plain_text(record, url, accessed),
        "bibtex": bibtex(record, url, accessed),
        "csl_json": csl_json(record, url, accessed),
    }


def citation_response(record, url, accessed, fmt):
    """The citation as a file: `cite.bib` (BibTeX) or `cite.json` (CSL-JSON)."""
    if fmt not in CITATION_FORMATS:
        raise Http404(f"No citation in the format {fmt!r}.")
    content = bibtex(record, url, accessed) if fmt == "bib" else csl_json(record, url, accessed)
    response = HttpResponse(content, content_type=CITATION_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{bibtex_key(record)}.{fmt}"'
    return response
