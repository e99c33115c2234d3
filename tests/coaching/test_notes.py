import datetime as dt

import pytest

from coaching import selectors, services
from telesales.errors import DomainError, NotFound, PermissionDenied
from tests.factories import ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _note(manager, rep, **kw):
    return services.write_note(actor=manager, rep=rep, situation="Tuesday call with 客户A",
                               behaviour="Talked over the customer twice", impact="Customer hung up",
                               agreed_actions="Pause 2 s before answering", **kw)


def test_notes_are_seen_by_the_rep_their_managers_and_admins_only(manager, rep, teammate, other_team_rep,
                                                                   admin_user, other_team):
    note = _note(manager, rep)
    other_manager = ManagerFactory(team=other_team)
    integration = UserFactory(role="integration", team=None)
    assert list(selectors.notes_visible_to(rep)) == [note]
    assert list(selectors.notes_visible_to(manager)) == [note]
    assert list(selectors.notes_visible_to(admin_user)) == [note]
    for outsider in (teammate, other_team_rep, other_manager, integration):
        assert list(selectors.notes_visible_to(outsider)) == []
        with pytest.raises(NotFound):
            selectors.note_for(actor=outsider, note_id=note.pk)


def test_private_notes_are_hidden_from_the_rep(manager, rep):
    _note(manager, rep, private=True)
    assert list(selectors.notes_visible_to(rep)) == []
    assert selectors.notes_visible_to(manager).count() == 1


def test_only_a_manager_of_the_rep_writes_notes(rep, teammate, other_team):
    with pytest.raises(PermissionDenied):
        _note(teammate, rep)
    with pytest.raises(PermissionDenied):
        _note(ManagerFactory(team=other_team), rep)


def test_sbi_fields_are_required(manager, rep):
    with pytest.raises(DomainError, match="situation, behaviour and impact"):
        services.write_note(actor=manager, rep=rep, situation="x", behaviour="", impact="y")


def test_agreed_action_becomes_a_follow_up_task_the_rep_can_tick_off(manager, rep, teammate):
    note = _note(manager, rep)
    item = services.add_action_item(actor=manager, note_id=note.pk, description="Listen to 3 top calls",
                                    due_on=note.held_on + dt.timedelta(days=7))
    assert item.owner == rep and item.done_at is None
    with pytest.raises(NotFound):
        services.complete_action_item(actor=teammate, item_id=item.pk)
    assert services.complete_action_item(actor=rep, item_id=item.pk).done_at is not None
