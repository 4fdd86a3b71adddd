"""`backup` and `restore`: a backup restored into an empty database gives every record back, identical."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core import serializers
from django.core.management import CommandError, call_command

from relations.management.commands.backup import DERIVED
from relations.management.commands.restore import backed_up_models
from relations.models import Event, SearchEntry

from .factories import (
    AgreementFactory,
    AssistanceProgramFactory,
    CitationFactory,
    ClaimFactory,
    EventFactory,
    HeadOfMissionFactory,
    OrganisationFactory,
    PillarFactory,
)


def everything():
    """Every row a backup holds, serialised the same way (natural keys for content types and
    permissions, whose ids `migrate` chooses), by model."""
    return {
        model._meta.label: serializers.serialize(
            "python", model._default_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in backed_up_models()
        if model._meta.label not in DERIVED
    }


def indexed():
    return set(SearchEntry.objects.values_list("record_type", "record_id"))


@pytest.fixture
def registry(db):
    pillar = PillarFactory()
    organisation = OrganisationFactory()
    agreement = AgreementFactory(body="Its text, with “quotes” and accents: é, à.")
    agreement.pillars.add(pillar)
    agreement.party_organisations.add(organisation)
    event = EventFactory()
    event.agreements.add(agreement)
    event.pillars.add(pillar)
    program = AssistanceProgramFactory(other_amount=5, other_currency="USD")
    program.events.add(event)
    head = HeadOfMissionFactory()
    ClaimFactory(discrepancy__citation__event=event)
    CitationFactory(event=None, mission=head.mission)
    CitationFactory(event=None, assistanceprogram=program)
    event.title_en = "Renamed, for a second history entry"
    event.save()
    group = Group.objects.create(name="Editor")
    group.permissions.set(Permission.objects.filter(codename__in=["change_event", "publish_event"]))
    user = User.objects.create_user("editor", password="a long enough password", is_staff=True)
    user.groups.add(group)
    return event


@pytest.mark.django_db(transaction=True)  # flush and restore as they run: each in its own transaction
def test_a_backup_restored_into_an_empty_database_is_identical(registry, tmp_path):
    before, index_before = everything(), indexed()
    assert before["relations.HistoricalEvent"] and before["auth.User"] and before["relations.Citation"]
    path = tmp_path / "registry.xml.gz"
    call_command("backup", output=str(path), verbosity=0)

    call_command("flush", interactive=False, verbosity=0)  # also recreates content types and permissions
    assert not Event.objects.exists() and not User.objects.exists()
    call_command("restore", str(path), verbosity=0)
    assert everything() == before
    # The search index is left out of the backup and rebuilt as the records are loaded.
    assert indexed() == index_before and index_before
    # Sequences follow the restored ids: a new record gets a new one.
    assert EventFactory().pk > registry.pk


def test_restore_refuses_a_database_that_is_not_empty_unless_told(registry, tmp_path):
    path = tmp_path / "registry.xml.gz"
    call_command("backup", output=str(path), verbosity=0)
    before = everything()
    EventFactory(title="Added after the backup")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path), verbosity=0)
    call_command("restore", str(path), replace=True, verbosity=0)
    assert everything() == before
    assert not Event.objects.filter(title_en="Added after the backup").exists()
