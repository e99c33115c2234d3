"""Per-rep counters a claim reads instead of counting rows, kept by PostgreSQL triggers
(leads/migrations/0011_claim_counters.py). Models of the leads app (imported by leads/models.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HeldCount(models.Model):
    """Leads an owner holds per status, kept by PostgreSQL triggers on every change of a lead's
    owner or status (leads/migrations/0011_claim_counters.py): a claim reads its hold limit here."""

    owner_id = models.BigIntegerField()  # no foreign key: a row outlives nothing, and never blocks a delete
    status = models.CharField(max_length=10)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("held-leads counter")
        verbose_name_plural = _("held-leads counters")
        constraints = [models.UniqueConstraint(fields=["owner_id", "status"], name="held_count_unique")]


class ClaimCount(models.Model):
    """Claims per rep and 15-minute slot (`bucket`), kept by a PostgreSQL trigger on the claim
    audit rows: the claims since a local midnight are the sum of the slots from it (every time
    zone's midnight falls on a slot boundary)."""

    rep_id = models.BigIntegerField()
    bucket = models.DateTimeField()
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("claims counter")
        verbose_name_plural = _("claims counters")
        constraints = [models.UniqueConstraint(fields=["rep_id", "bucket"], name="claim_count_unique")]
