"""Lead pages answer bad input with a message, never a 500."""

import pytest

from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_reassign_with_a_non_numeric_user_is_refused_with_a_message(client, admin_user, rep, password):
    lead = LeadFactory(owner=rep)
    client.login(username=admin_user.username, password=password)
    response = client.post(f"/leads/{lead.pk}/reassign/", {"to_user": "abc"}, follow=True)
    assert response.status_code == 200
    assert "User not found." in response.content.decode()
    lead.refresh_from_db()
    assert lead.owner_id == rep.pk

