"""Writes for coaching, by concern: qa (scorecards, sampling, reviewer assignment, blind
reviews) and plans (improvement plans, one-to-one notes and their action items, team stage).
The public names are re-exported here, so callers write `from coaching import services`
and `services.submit_review(...)`."""

from coaching.services.plans import (
    PLAN_DAYS,
    acknowledge_plan,
    add_action_item,
    complete_action_item,
    record_check_in,
    record_outcome,
    set_team_stage,
    start_plan,
    start_plan_from_qa,
    write_note,
)
from coaching.services.qa import (
    assign_reviewer,
    create_sampling_plan,
    create_scorecard,
    current_version,
    edit_scorecard,
    run_sampling,
    sample_call,
    submit_review,
)

__all__ = [
    "PLAN_DAYS", "acknowledge_plan", "add_action_item", "assign_reviewer", "complete_action_item",
    "create_sampling_plan", "create_scorecard", "current_version", "edit_scorecard", "record_check_in",
    "record_outcome", "run_sampling", "sample_call", "set_team_stage", "start_plan", "start_plan_from_qa",
    "submit_review", "write_note",
]
