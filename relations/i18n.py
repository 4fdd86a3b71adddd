"""English and French: one column per language for every text a reader sees, and the helpers that
read and name those columns in the active language."""

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import get_language, override

# The site's languages, in settings.LANGUAGES order: English, French.
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def active_language():
    """The active language if the site has it (a French page: "fr"), else the default language."""
    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE


def written_in_active_language(chunks):
    """A streamed response's content, written in the language active now (its page's).

    A streamed file is written after its view has returned, while the server sends it: the
    language its address chose must still be the one its rows are written in.
    """
    language = get_language()

    def written():
        with override(language):
            yield from chunks

    return written()


def localized(name, language=None):
    """The column that holds `name` in a language: localized("title") is "title_fr" on a French page."""
    return f"{name}_{language or active_language()}"


def localized_ordering(model):
    """The model's ordering with its English columns read in the active language (a French list is
    in the order of its French titles)."""
    return [localized(field.removesuffix("_en")) if field.endswith("_en") else field for field in model._meta.ordering]


def translated(field_class, verbose_name, **options):
    """One field per language, e.g. `title_en, title_fr = translated(models.CharField, _("title"), …)`.

    Each language is a real column, so the admin, the history, imports and exports, fixtures and the
    search triggers all see both without registration: see docs/architecture.md, "Why a column per
    language", for why this is preferred here to django-modeltranslation.
    """
    fields = tuple(
        field_class(format_lazy("{} ({})", verbose_name, name), **options) for _code, name in settings.LANGUAGES
    )
    for field in fields:
        # What the text is called in any language (the admin's column heading for `title`).
        field.translated_name = verbose_name
    return fields


class Translation:
    """`record.title` reads `title_en` or `title_fr`, whichever is the active language's.

    A text not yet translated (a draft, say) falls back to the other language, so staff previews
    and the admin never show a blank; what is published has both (Record.clean).
    """

    def __set_name__(self, owner, name):
        self.owner, self.name = owner, name

    @property
    def short_description(self):
        """The admin's column heading for it: "title" in the page's language, not "TITLE"."""
        return self.owner._meta.get_field(localized(self.name, LANGUAGE_CODES[0])).translated_name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        active = active_language()
        values = [getattr(instance, localized(self.name, code)) for code in (active, *LANGUAGE_CODES)]
        return next((value for value in values if value), values[0])

    def __set__(self, instance, value):
        raise AttributeError(f"Set {self.name}_en or {self.name}_fr: {self.name} reads the active language's.")


def in_both_languages(*names):
    """A column per language for each text: in_both_languages("title") is ("title_en", "title_fr")."""
    return tuple(localized(name, code) for name in names for code in LANGUAGE_CODES)
