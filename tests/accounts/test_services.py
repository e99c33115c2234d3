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
