"""Funnel snapshots: every owner's funnel as it stood at the end of a local day, written by the
snapshot job (funnel/services.py), so a funnel as of a past day reads the nearest snapshot plus
the few leads that changed in between instead of the whole grade history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FunnelSnapshot(models.Model):
    """The funnel of every owner at `moment` (a local midnight). The marks are the highest ids of
    the grade history, the ownership history and the leads the snapshot was computed from: a row
    inserted later but dated at or before `moment` (a late dialer sync) makes the snapshot stale,
    and the job deletes it, or a read skips it (funnel.selectors.snapshots)."""

    moment = models.DateTimeField(unique=True, verbose_name=_("moment"))
    grade_change_mark = models.BigIntegerField(verbose_name=_("grade change mark"))
    ownership_mark = models.BigIntegerField(verbose_name=_("ownership change mark"))
    lead_mark = models.BigIntegerField(verbose_name=_("lead change mark"))
    taken_at = models.DateTimeField(verbose_name=_("taken at"))

    class Meta:
        verbose_name = _("funnel snapshot")
        verbose_name_plural = _("funnel snapshots")
        ordering = ["moment"]


class FunnelSnapshotCount(models.Model):
    """How many leads one owner held at one grade and status at the snapshot's moment."""

    snapshot = models.ForeignKey(FunnelSnapshot, on_delete=models.CASCADE, related_name="counts", verbose_name=_("snapshot"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner"))
    grade = models.CharField(max_length=1, verbose_name=_("grade"))
    status = models.CharField(max_length=10, verbose_name=_("status"))
    n = models.PositiveIntegerField(verbose_name=_("number of items"))

    class Meta:
        verbose_name = _("funnel snapshot count")
        verbose_name_plural = _("funnel snapshot counts")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "owner", "grade", "status"], name="funnel_snapshot_count_unique"),
        ]
