"""What each content type declares about itself on its model (relations.models.Record) is what the
rest of the code reads: every declaration names real fields, and every generic lookup finds the
type's FilterSet, serializer and schema.org builder."""

import pytest
from django.db import models

from relations.api import api_path
from relations.filters import filterset_for
from relations.models import CONTENT_MODELS, REFERENCE_MODELS, content_model
from relations.selectors import dated_by_year, filter_name, is_multi_valued, naming_models, timeline_fields
from relations.serializers import serializer_for
from relations.structured_data import structured_data

content_types = pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model._meta.model_name)


@content_types
def test_the_date_declarations_name_date_or_year_fields(model):
    date = model._meta.get_field(model.date_field)
    if dated_by_year(model):
        assert isinstance(date, models.PositiveSmallIntegerField)
        assert model.date_precision_field is None
    else:
        assert isinstance(date, models.DateField)
        assert model._meta.get_field(model.date_precision_field).choices
    if model.end_date_field:
        assert type(model._meta.get_field(model.end_date_field)) is type(date)


@content_types
def test_what_lists_and_detail_pages_load_are_relations_of_the_right_kind(model):
    for name in (*model.list_related, *model.detail_select):
        assert model._meta.get_field(name).many_to_one, name
    for name in model.detail_prefetch:
        field = model._meta.get_field(name)
        assert field.many_to_many or field.one_to_many, name


@content_types
def test_reference_lookups_are_keyed_by_a_reference_model_and_lead_to_it(model):
    names = {filter_name(reference): reference for reference in REFERENCE_MODELS}
    for key, lookups in model.reference_lookups.items():
        assert key in names, key
        for lookup in lookups:
            target = model
            for part in lookup.split("__"):
                target = target._meta.get_field(part).related_model
            assert target is names[key], lookup
    # Every list filter of a reference is one the model declares a lookup for.
    for name, filter_ in filterset_for(model).base_filters.items():
        if hasattr(filter_, "queryset") and name in names:
            assert name in model.reference_lookups


def test_reference_pages_list_the_types_that_name_them():
    assert [m._meta.model_name for m in naming_models(REFERENCE_MODELS[2])] == ["event"]  # a track: events only
    assert len(naming_models(REFERENCE_MODELS[0])) == len(CONTENT_MODELS)  # every type names a country
    assert is_multi_valued(CONTENT_MODELS[0], "citations__source")
    assert not is_multi_valued(CONTENT_MODELS[0], "country")


@content_types
def test_generic_code_finds_each_types_own_parts(model):
    assert filterset_for(model)._meta.model is model
    assert serializer_for(model).Meta.model is model
    assert content_model(model._meta.model_name) is model
    assert structured_data.dispatch(model) is not structured_data.dispatch(object)
    assert set(timeline_fields(model)) >= {"t_title", "t_slug"}


def test_the_api_paths_are_the_english_addresses():
    assert [api_path(model) for model in (*CONTENT_MODELS, *REFERENCE_MODELS)] == [
        "events",
        "agreements",
        "missions",
        "programs",
        "countries",
        "organisations",
        "tracks",
        "pillars",
        "sources",
    ]
