"""A sync key (source, external_id) updates only a call the caller could have created."""

import pytest
from django.db import connection

from calls.models import Call
from calls.sync import sync_calls
from tests.factories import LeadFactory, ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = "2026-03-10T10:15:00+08:00"


def row(lead, key, **extra):
    return {"source": "asterisk", "external_id": key, "lead_id": lead.pk, "started_at": T0,
            "disposition": "no_answer", "notes": "original", **extra}


def victim_call(admin_user, owner, key="cdr-1"):
    lead = LeadFactory(owner=owner)
    result = sync_calls(actor=admin_user, rows=[row(lead, key)])[0]
    assert result["status"] == "created"
    return Call.objects.get(pk=result["id"])


def attempt(api, actor, owner, key="cdr-1"):
    """The actor reuses the key for a call on a lead it may log on (owned by `owner`)."""
    lead = LeadFactory(owner=owner)
    response = api.as_user(actor).post("/api/v1/calls/sync", {"calls": [row(lead, key, notes="hijacked")]},
                                       format="json")
    assert response.status_code == 200
    return response.json()["results"][0]


def assert_untouched(call):
    before = (call.lead_id, call.rep_id, call.notes, call.updated_at)
    call.refresh_from_db()
    assert (call.lead_id, call.rep_id, call.notes, call.updated_at) == before


@pytest.fixture
def other_manager(other_team):
    return ManagerFactory(username="zhoujie", full_name="周杰", team=other_team)


def test_a_rep_cannot_overwrite_a_teammates_call(api, admin_user, rep, teammate, dispo):
    call = victim_call(admin_user, teammate)
    result = attempt(api, rep, rep)
    assert result["status"] == "error" and result["code"] == "conflict" and result["id"] is None
    assert_untouched(call)


def test_a_rep_cannot_overwrite_another_teams_call(api, admin_user, rep, other_team_rep, dispo):
    call = victim_call(admin_user, other_team_rep)
    result = attempt(api, rep, rep)
    assert result["status"] == "error" and result["code"] == "conflict" and result["id"] is None
    assert_untouched(call)


def test_a_manager_cannot_overwrite_another_teams_call(api, admin_user, manager, rep, other_team_rep, dispo):
    call = victim_call(admin_user, other_team_rep)
    result = attempt(api, manager, rep)
    assert result["status"] == "error" and result["code"] == "conflict" and result["id"] is None
    assert_untouched(call)


def test_the_conflict_says_the_same_whoever_holds_the_key(api, admin_user, rep, teammate, other_team_rep,
                                                          other_manager, dispo):
    calls = [victim_call(admin_user, teammate, "k-1"), victim_call(admin_user, other_team_rep, "k-2"),
             victim_call(admin_user, other_manager, "k-3")]
    reasons = {attempt(api, rep, rep, f"k-{n}")["reason"] for n in (1, 2, 3)}
    assert len(reasons) == 1
    reason = reasons.pop()
    for call in calls:
        assert str(call.pk) not in reason and str(call.lead_id) not in reason
        assert call.rep.full_name not in reason and call.rep.username not in reason


def test_a_rep_still_updates_its_own_call_and_a_manager_its_teams(admin_user, rep, manager, other_manager, dispo):
    call = victim_call(admin_user, rep)
    mine = sync_calls(actor=rep, rows=[row(call.lead, "cdr-1", notes="rep's fix")])[0]
    assert mine["status"] == "updated" and mine["id"] == call.pk
    teams = sync_calls(actor=manager, rows=[row(call.lead, "cdr-1", notes="manager's fix")])[0]
    assert teams["status"] == "updated"
    call.refresh_from_db()
    assert call.notes == "manager's fix"
    foreign = sync_calls(actor=other_manager, rows=[row(LeadFactory(owner=other_manager), "cdr-1")])[0]
    assert foreign["code"] == "conflict"


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent sessions need PostgreSQL")
def test_two_reps_racing_for_the_same_new_keys_never_overwrite_each_other(run_concurrently, dispo):
    reps = [UserFactory(), UserFactory()]
    leads = [LeadFactory(owner=r) for r in reps]
    keys = [f"race-{n}" for n in range(300)]

    def send(i):
        return sync_calls(actor=reps[i], rows=[row(leads[i], key, notes=f"by {i}") for key in keys])

    results = run_concurrently(send, 2)
    assert not [r for r in results if isinstance(r, BaseException)], results
    calls = {c.external_id: c for c in Call.objects.all()}
    assert len(calls) == len(keys)
    for n, key in enumerate(keys):
        outcome = [results[0][n], results[1][n]]
        assert sorted(r["status"] for r in outcome) == ["created", "error"], outcome
        winner = 0 if outcome[0]["status"] == "created" else 1
        assert outcome[1 - winner]["code"] == "conflict"
        assert calls[key].rep_id == reps[winner].pk and calls[key].notes == f"by {winner}"
