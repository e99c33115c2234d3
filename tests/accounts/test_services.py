import pytest

from accounts.services import reactivate_user
from leads import services as lead_services
from telesales.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def test_an_admin_reactivates_a_deactivated_user_and_a_rep_cannot(admin_user, rep, teammate):
    lead_services.deactivate_user(actor=admin_user, user_id=teammate.pk)
    with pytest.raises(PermissionDenied):
        reactivate_user(actor=rep, user=teammate)
    user = reactivate_user(actor=admin_user, user=teammate)
    assert user.is_active and user.deactivated_at is None


@pytest.mark.parametrize("who", ["manager", "integration"])
def test_a_manager_or_an_integration_cannot_reactivate_a_user(request, admin_user, teammate, who):
    """Reactivation is an admin decision: not even the user's own manager, nor an API token."""
    lead_services.deactivate_user(actor=admin_user, user_id=teammate.pk)
    with pytest.raises(PermissionDenied):
        reactivate_user(actor=request.getfixturevalue(who), user=teammate)
    teammate.refresh_from_db()
    assert not teammate.is_active and teammate.deactivated_at is not None
