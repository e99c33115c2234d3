"""Writes on leads, one module per concern; every public name is importable from here
(`from leads import services; services.claim_leads(...)`)."""

from leads.services.appeals import (
    can_decide_appeal,
    create_appeal,
    decide_appeal,
)
from leads.services.attributes import (
    attribute_specs,
    clean_attributes,
    create_attribute_definition,
    import_attribute_columns,
    update_attribute_definition,
)
from leads.services.claims import (
    claim_lead,
    claim_leads,
    next_lead,
)
from leads.services.common import (
    CHUNK,
    DEFAULT_RULES,
    CooldownActive,
    DoNotCall,
    LeadAlreadyClaimed,
    LeadCollision,
    LimitReached,
    claims_today,
    collision_answers,
    collision_error,
    held_counts,
    held_lead,
    holder_text,
    return_due_for,
    return_rules,
    rules_for,
)
from leads.services.create import (
    EDITABLE,
    create_lead,
    update_lead,
)
from leads.services.distribution import (
    DISTRIBUTION_MODES,
    distribute,
)
from leads.services.dnc import (
    add_do_not_call,
    do_not_call_numbers,
    is_do_not_call,
)
from leads.services.handover import (
    HANDOVER_MODES,
    deactivate_user,
    hand_over_leads,
    handover_preview_for,
)
from leads.services.pool_rules import (
    MAX_RETURN_DAYS,
    POOL_RULES,
    update_pool_rules,
)
from leads.services.reassign import (
    reassign_lead,
)
from leads.services.returns import (
    auto_return_neglected,
    neglected_leads,
    recycle_leads,
    release_lead,
    set_locked,
)
from leads.services.reveal import (
    reveal_phone,
)

__all__ = [
    "CHUNK",
    "CooldownActive",
    "DEFAULT_RULES",
    "DISTRIBUTION_MODES",
    "DoNotCall",
    "EDITABLE",
    "HANDOVER_MODES",
    "LeadAlreadyClaimed",
    "LeadCollision",
    "LimitReached",
    "MAX_RETURN_DAYS",
    "POOL_RULES",
    "add_do_not_call",
    "attribute_specs",
    "auto_return_neglected",
    "can_decide_appeal",
    "claim_lead",
    "claim_leads",
    "claims_today",
    "clean_attributes",
    "collision_answers",
    "collision_error",
    "create_appeal",
    "create_attribute_definition",
    "create_lead",
    "deactivate_user",
    "decide_appeal",
    "distribute",
    "do_not_call_numbers",
    "hand_over_leads",
    "handover_preview_for",
    "held_counts",
    "held_lead",
    "import_attribute_columns",
    "holder_text",
    "is_do_not_call",
    "neglected_leads",
    "next_lead",
    "reassign_lead",
    "recycle_leads",
    "release_lead",
    "return_due_for",
    "return_rules",
    "reveal_phone",
    "rules_for",
    "set_locked",
    "update_attribute_definition",
    "update_lead",
    "update_pool_rules",
]
