"""Writes on leads, one module per concern; every public name is importable from here
(`from leads import services; services.claim_leads(...)`). Reads are in leads.selectors."""

from leads.services.appeals import (
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
    CooldownActive,
    DoNotCall,
    LeadAlreadyClaimed,
    LeadCollision,
    LimitReached,
    collision_answers,
    collision_error,
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
)
from leads.services.handover import (
    HANDOVER_MODES,
    deactivate_user,
    hand_over_leads,
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
    recycle_leads,
    release_lead,
    set_locked,
)
from leads.services.reveal import (
    reveal_phone,
)
from leads.services.setup import (
    create_pool,
    save_lost_reason,
    update_pool,
)

__all__ = [
    "CHUNK",
    "CooldownActive",
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
    "claim_lead",
    "claim_leads",
    "clean_attributes",
    "collision_answers",
    "collision_error",
    "create_appeal",
    "create_attribute_definition",
    "create_lead",
    "create_pool",
    "deactivate_user",
    "decide_appeal",
    "distribute",
    "hand_over_leads",
    "import_attribute_columns",
    "next_lead",
    "reassign_lead",
    "recycle_leads",
    "release_lead",
    "reveal_phone",
    "save_lost_reason",
    "set_locked",
    "update_attribute_definition",
    "update_lead",
    "update_pool",
    "update_pool_rules",
]
