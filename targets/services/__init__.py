"""Writes for targets, one module per concern: targets (create, change, remove), decomposition
(over time and over people), revisions (the only way a value changes), alerts (rules, the
nightly evaluation, acknowledgement, root-cause notes). Keyword-only, one transaction each,
domain errors on refusal. The public names are re-exported here, so callers write
`from targets import services` and `services.create_target(...)`."""

from targets.services.alerts import (
    ROOT_CAUSE_FIELDS,
    acknowledge_alert,
    create_alert_rule,
    evaluate_alert_rules,
    mark_alert_read,
    save_root_cause,
)
from targets.services.decomposition import (
    PEOPLE_METHODS,
    TIME_METHODS,
    decompose_over_people,
    decompose_over_time,
    people_for,
    preview_over_people,
    preview_over_time,
)
from targets.services.revisions import revise_target
from targets.services.targets import create_target, delete_target, update_target

__all__ = [
    "PEOPLE_METHODS", "ROOT_CAUSE_FIELDS", "TIME_METHODS",
    "acknowledge_alert", "create_alert_rule", "create_target", "decompose_over_people", "decompose_over_time",
    "delete_target", "evaluate_alert_rules", "mark_alert_read", "people_for",
    "preview_over_people", "preview_over_time", "revise_target", "save_root_cause", "update_target",
]
