"""The public list pages' filters, one FilterSet per content type.

Every filter reads its value from the querystring, so any filtered view of a list is a URL that
can be bookmarked and shared. Multi-valued filters on many-to-many relations filter through a
`pk__in` subquery rather than a join, so a record matching several chosen values is listed once
without DISTINCT, and the paginator's COUNT stays a plain one.
"""

from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections
from django.db.models import F, IntegerField, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelMultipleChoiceField

from .cache import per_generation
from .i18n import localized
from .models import Agreement, AssistanceProgram, Country, Event, Mission, Organisation, Pillar, Source, Track
from .selectors import in_years, matching

YEAR_WIDGET = forms.NumberInput(attrs={"min": 1900, "max": 2100, "step": 1, "inputmode": "numeric"})


def checkboxes():
    return forms.CheckboxSelectMultiple(attrs={"class": "checkboxes"})


def countries(request=None):
    # ASEAN members first, then the others (Canada), each group by name in the page's language.
    return Country.objects.order_by("asean_member_since", localized("name"))


def by_name(model):
    """A FilterSet's choices of `model`, by name in the page's language (evaluated per request)."""
    return lambda request: model.objects.order_by(localized("name"))


class InRange:
    """A multiple choice of records by an integer key (a track's number) that refuses a number its
    column cannot hold as an invalid choice: the database would fail on it (SQLite cannot bind an
    integer over 64 bits; PostgreSQL's smallint stops at 32,767), a 500 instead of "not a choice"."""

    def _check_values(self, value):
        key = self.queryset.model._meta.get_field(self.to_field_name or "pk")
        if isinstance(key, IntegerField):
            low, high = connections[self.queryset.db].ops.integer_field_range(key.get_internal_type())
            for item in value:
                try:
                    number = int(str(item))
                except ValueError:
                    continue  # not a number: Django's own check says so
                if (low is not None and number < low) or (high is not None and number > high):
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                    )
        return super()._check_values(value)


class KeyMultipleChoiceField(InRange, ModelMultipleChoiceField):
    """The list filters' multiple choice of reference data, by natural key."""


class FormKeyMultipleChoiceField(InRange, forms.ModelMultipleChoiceField):
    """The same, for a plain Django form (the timeline's)."""


# In the API's OpenAPI description: a repeatable parameter of natural keys (relations.openapi).
class RelatedFilter(django_filters.ModelMultipleChoiceFilter):
    """Several values of a kind of reference data, chosen with checkboxes and given in the URL by
    natural key; a record matches if any of its relations that name that kind of reference data
    (its model's `reference_lookups` under the filter's name) is one of them."""

    field_class = KeyMultipleChoiceField

    def __init__(self, *, reference, **kwargs):
        super().__init__(to_field_name=reference.key_field, widget=checkboxes(), **kwargs)

    def filter(self, qs, value):
        return matching(qs, qs.model.reference_lookups[self.field_name], value)


def country_filter(**kwargs):
    return RelatedFilter(label=_("Country"), queryset=countries, reference=Country, **kwargs)


def pillar_filter():
    return RelatedFilter(label=_("Pillar"), queryset=by_name(Pillar), reference=Pillar)


def organisation_filter(label=None):
    return RelatedFilter(label=label or _("Organisation"), queryset=by_name(Organisation), reference=Organisation)


class YearRangeCheck:
    """A form mixin: "from 2010 to 2000" is a mistake to point out beside the (empty) results, as
    `notice`. It is not refused: the API answers it as any other range, with no record, as its
    OpenAPI description (which cannot relate two parameters) promises."""

    notice = ""

    def clean(self):
        data = super().clean()
        first, last = data.get("year_from"), data.get("year_to")
        if first is not None and last is not None and first > last:
            self.notice = _(
                "The last year (%(last)s) is before the first (%(first)s): swap them to see those years."
            ) % {"first": int(first), "last": int(last)}
        return data


class RecordFilterSet(django_filters.FilterSet):
    """What every content type's filters share: words to search for, and a range of years."""

    # With words and no order chosen, the best match comes first (search() orders by rank); a
    # chosen order wins, as `o` is declared, and so applied, after `q`.
    q = django_filters.CharFilter(label=_("Words"), method="filter_words", max_length=200)
    year_from = django_filters.NumberFilter(
        label=_("From year"),
        method="filter_years",
        widget=YEAR_WIDGET,
        min_value=1900,
        max_value=2100,
        decimal_places=0,
    )
    year_to = django_filters.NumberFilter(
        label=_("To year"), method="filter_years", widget=YEAR_WIDGET, min_value=1900, max_value=2100, decimal_places=0
    )

    source = RelatedFilter(label=_("Source"), queryset=Source.objects.all(), reference=Source)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In the form: the words and the order first, the source (rarely needed) last.
        first = [name for name in ("q", "o", "year_from", "year_to") if name in self.filters]
        last = ["source"]
        middle = [name for name in self.filters if name not in first and name not in last]
        self.filters = {name: self.filters[name] for name in first + middle + last}

    def get_form_class(self):
        """The filters' form, which also refuses a range of years that ends before it starts."""
        return type(f"{self.__class__.__name__}Form", (YearRangeCheck, super().get_form_class()), {})

    def filter_words(self, queryset, name, value):
        return queryset.search(value)

    def filter_years(self, queryset, name, value):
        # In the years of the record's own date (its model's `date_field`).
        year = int(value)
        bounds = {"first": year} if name == "year_from" else {"last": year}
        return queryset.filter(in_years(queryset.model, **bounds))

    def queryset_without(self, skipped):
        """The records every filter but `skipped` (and the order) selects: what each of its
        options would add to, with the other filters kept."""
        queryset = self.queryset
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        for name, value in data.items():
            if name not in (skipped, "o"):
                queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by()

    def facets(self):
        """The filters offered as checkboxes, each with how its options are named on the records:
        {name: [path to the option's key, …]} (a record may name a country as place or party)."""
        found = {}
        for name, filter_ in self.filters.items():
            if isinstance(filter_, RelatedFilter):
                key = filter_.extra["to_field_name"]
                found[name] = [f"{lookup}__{key}" for lookup in self.queryset.model.reference_lookups[name]]
            elif isinstance(filter_, django_filters.MultipleChoiceFilter):
                found[name] = [filter_.field_name]
        return found

    def option_counts(self):
        """{filter name: {option's value: how many records choosing it would list}}, with the
        other filters kept (choosing a second option of the same filter adds to the first).

        One query for every filter, once per change and filtered view (relations.cache): per
        filter, a GROUP BY over the (option, record) pairs of the records its siblings select,
        counted DISTINCT (a record naming a country twice counts once, as the filter lists it).
        """
        facets = self.facets()
        if not facets or (self.is_bound and not self.form.is_valid()):
            return {}
        parts, params, names = [], [], list(facets)
        for index, name in enumerate(names):
            queryset = self.queryset_without(name)
            pairs = [
                queryset.filter(**{f"{path}__isnull": False})
                .annotate(option_key=F(path), option_record=F("pk"))
                .values_list("option_key", "option_record")
                .order_by()
                for path in facets[name]
            ]
            union = pairs[0].union(*pairs[1:]) if len(pairs) > 1 else pairs[0]
            try:
                sql, part_params = union.query.sql_with_params()
            except EmptyResultSet:
                continue  # its siblings select nothing (say, a search with no word left): no counts
            # The index is a trusted integer; keys are cast to text so that every part's columns agree.
            parts.append(
                f"SELECT {index} AS facet, CAST(option_key AS VARCHAR(200)) AS option_key,"
                f" COUNT(DISTINCT option_record) AS n FROM ({sql}) pairs_{index} GROUP BY option_key"
            )
            params.extend(part_params)
        counts = {name: {} for name in names}
        if not parts:
            return counts
        query = " UNION ALL ".join(parts)

        def count():
            with connections[self.queryset.db].cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall()

        for index, key, n in per_generation("option-counts", count, vary=(query, params)):
            counts[names[index]][str(key)] = n
        return counts

    def active_filters(self, request):
        """Each value a filter is set to, as a chip: its filter's label, the value's name, and the
        page's address without that value (and without the page number), the rest of its query kept."""
        if not self.is_bound or not self.form.is_valid():
            return []
        query, path = request.GET, request.path
        chips = []
        for name, value in self.form.cleaned_data.items():
            if name == "o" or value in (None, "") or not len_or_one(value):
                continue
            field = self.form.fields[name]
            label = field.label
            raw = query.getlist(name)
            if isinstance(value, list | tuple | QuerySet):
                if isinstance(field, forms.ModelMultipleChoiceField):
                    key = field.to_field_name or "pk"
                    names = {str(getattr(item, key)).casefold(): str(item) for item in value}
                else:
                    choices = dict(field.choices)
                    names = {str(item).casefold(): str(choices.get(item, item)) for item in value}
                # One chip a value, as given in the address (in the order given, repeats once).
                for given in dict.fromkeys(raw):
                    if given.strip().casefold() in names:
                        kept = [other for other in raw if other != given]
                        chips.append(
                            {
                                "label": label,
                                "value": names[given.strip().casefold()],
                                "url": without(path, query, name, kept),
                            }
                        )
            else:
                shown = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
                if isinstance(shown, float | Decimal) and shown == int(shown):
                    shown = int(shown)
                chips.append({"label": label, "value": str(shown), "url": without(path, query, name, [])})
        return chips

    @property
    def active_count(self):
        """How many filters other than the order are set."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        # An unchosen multiple choice cleans to an empty list or queryset (`none()`, no query).
        return sum(1 for key, value in data.items() if key != "o" and value not in (None, "") and len_or_one(value))

    @property
    def is_filtered(self):
        """Whether any filter other than the order is set: the page says "matching" then."""
        return self.active_count > 0


def without(path, query, name, kept):
    """`path` with the querystring `query`, `name` set to the values `kept` (none: left out), no page."""
    query = query.copy()
    query.setlist(name, kept)
    query.pop("page", None)
    if not kept:
        query.pop(name, None)
    encoded = query.urlencode()
    return f"{path}?{encoded}" if encoded else path


def len_or_one(value):
    return len(value) if isinstance(value, list | tuple | QuerySet) else 1


class StableOrderingFilter(django_filters.OrderingFilter):
    """Orders by the chosen field, then by title and id, so that pages never overlap."""

    def get_ordering_value(self, param):
        # The title in the page's language: "title" orders French pages by title_fr.
        descending, name = param.startswith("-"), param.lstrip("-")
        return ("-" if descending else "") + (localized(name) if name == "title" else name)

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], localized("title"), "pk")


def ordering(*fields):
    """A "Sort by" filter offering the given (field, label) pairs, each a choice of its own."""
    return StableOrderingFilter(
        label=_("Sort by"),
        fields=[(field.lstrip("-"), field.lstrip("-")) for field, _label in fields],
        choices=list(fields),
        empty_label=None,
    )


class EventFilterSet(RecordFilterSet):
    country = country_filter()
    track = RelatedFilter(label=_("Track"), queryset=Track.objects.all(), reference=Track)
    pillar = pillar_filter()
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=Event.Kind.choices, widget=checkboxes(), distinct=False
    )
    organisation = organisation_filter()
    o = ordering(
        ("-start_date", _("Newest first")),
        ("start_date", _("Oldest first")),
        ("title", _("Title (A to Z)")),
    )

    class Meta:
        model = Event
        fields = []


class AgreementFilterSet(RecordFilterSet):
    country = country_filter(help_text=_("A party, or where it was adopted."))
    pillar = pillar_filter()
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=Agreement.Kind.choices, widget=checkboxes(), distinct=False
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Agreement.Status.choices, widget=checkboxes(), distinct=False
    )
    organisation = organisation_filter()
    o = ordering(
        ("-adopted_on", _("Newest first")),
        ("adopted_on", _("Oldest first")),
        ("title", _("Title (A to Z)")),
    )

    class Meta:
        model = Agreement
        fields = []


class MissionFilterSet(RecordFilterSet):
    country = country_filter(help_text=_("Where it is, or a country it is accredited to."))
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=Mission.Kind.choices, widget=checkboxes(), distinct=False
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("open", _("Open")), ("closed", _("Closed"))],
        method="filter_status",
        empty_label=_("Any"),
    )
    organisation = organisation_filter(label=_("Accredited to"))
    o = ordering(
        ("title", _("Name (A to Z)")),
        ("-opened_on", _("Newest first")),
        ("opened_on", _("Oldest first")),
    )

    class Meta:
        model = Mission
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(closed_on__isnull=value == "open")


class AssistanceProgramFilterSet(RecordFilterSet):
    country = country_filter()
    pillar = pillar_filter()
    sector = django_filters.MultipleChoiceFilter(
        label=_("Sector"), choices=AssistanceProgram.Sector.choices, widget=checkboxes(), distinct=False
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=AssistanceProgram.Status.choices, widget=checkboxes(), distinct=False
    )
    organisation = organisation_filter()
    o = ordering(
        ("-start_year", _("Newest first")),
        ("start_year", _("Oldest first")),
        ("-amount", _("Largest amount first")),
        ("title", _("Title (A to Z)")),
    )

    class Meta:
        model = AssistanceProgram
        fields = []

    def filter_years(self, queryset, name, value):
        # A program spans years: it is in the range if it overlaps it.
        year = int(value)
        if name == "year_from":
            return queryset.filter(Q(end_year__gte=year) | Q(end_year__isnull=True, start_year__gte=year))
        return queryset.filter(start_year__lte=year)


def filterset_for(model):
    """The FilterSet of a content type's list page (and of its API list, feed and downloads)."""
    return next(filterset for filterset in RecordFilterSet.__subclasses__() if filterset._meta.model is model)
