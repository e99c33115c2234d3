"""Files the tests upload land in a temporary directory, never in the checkout."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from leads import imports
from tests.factories import PoolFactory

pytestmark = pytest.mark.django_db


def test_an_uploaded_lead_import_is_stored_outside_the_checkout(admin_user):
    job = imports.start_import(actor=admin_user, upload=SimpleUploadedFile("leads.csv", b"name,phone\nx,13812345678\n"),
                               pool_id=PoolFactory().pk)
    stored = job.file.path
    assert stored.startswith(str(settings.MEDIA_ROOT))
    assert not stored.startswith(str(settings.BASE_DIR))
