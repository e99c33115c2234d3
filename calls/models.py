"""Calls (通话记录), dispositions with meaning flags, follow-ups, and the (rep, day) change marks
the nightly KPI job reads."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from telesales.i18n import labels_field, localized, record_label

# Recordings are opened from the QA pages: only web links, never javascript: or data: URLs.
recording_url_validator = URLValidator(schemes=["http", "https"], message=_("Give an http:// or https:// link."))


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    FAX = "fax", _("Fax")
    VISIT = "visit", _("Visit")


class Disposition(models.Model):
    """Admin-editable outcome list; KPIs read the flags, never the names."""

    code = models.SlugField(max_length=40, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    name_i18n = labels_field()
    attempted = models.BooleanField(default=True, verbose_name=_("attempted"))
    reached = models.BooleanField(_("reached the customer"), default=False)
    quoted = models.BooleanField(default=False, verbose_name=_("quoted"))
    sold = models.BooleanField(default=False, verbose_name=_("sold"))
    refused = models.BooleanField(default=False, verbose_name=_("refused"))
    callback = models.BooleanField(default=False, verbose_name=_("callback"))
    dnc = models.BooleanField(_("do not call"), default=False)
    final = models.BooleanField(default=False, verbose_name=_("final"))
    active = models.BooleanField(default=True, verbose_name=_("in use"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return localized(self)


class Call(models.Model):
    lead = models.ForeignKey("leads.Lead", on_delete=models.PROTECT, related_name="calls", verbose_name=_("lead"))
    # Past calls stay attributed to the rep who made them, even after a hand-over.
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calls", verbose_name=_("rep"))
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PHONE, verbose_name=_("channel"))
    started_at = models.DateTimeField(db_index=True, verbose_name=_("started at"))
    duration_seconds = models.PositiveIntegerField(default=0, verbose_name=_("duration seconds"))
    disposition = models.ForeignKey(Disposition, on_delete=models.PROTECT, related_name="calls", verbose_name=_("disposition"))
    premium = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, verbose_name=_("premium"))
    margin_rate = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True, help_text=_("0–1"), verbose_name=_("margin rate"))
    quote_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, verbose_name=_("quote amount"))
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    recording_url = models.URLField(max_length=500, blank=True, validators=[recording_url_validator], verbose_name=_("recording url"))
    source = models.CharField(max_length=50, default="web", verbose_name=_("source"))
    external_id = models.CharField(max_length=100, null=True, blank=True, verbose_name=_("external id"))
    # Hash of the dialer row that last wrote the call (calls.sync_unchanged); cleared by a trigger on
    # PostgreSQL whenever anything else updates the call.
    sync_digest = models.CharField(max_length=32, null=True, blank=True, editable=False, verbose_name=_("sync digest"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, db_index=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=Q(external_id__isnull=False), name="call_source_external_unique"
            ),
            models.CheckConstraint(condition=Q(premium__isnull=True) | Q(premium__gte=0), name="call_premium_non_negative"),
            models.CheckConstraint(
                condition=Q(margin_rate__isnull=True) | (Q(margin_rate__gte=0) & Q(margin_rate__lte=1)),
                name="call_margin_rate_0_1",
            ),
            models.CheckConstraint(
                condition=Q(quote_amount__isnull=True) | Q(quote_amount__gte=0), name="call_quote_non_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["lead", "started_at"], name="call_lead_started"),
            # Covering: a team's or a rep's calls over a period (KPI segment cuts, today's live
            # numbers, the KPI job's marked days) are read from the index alone, not from a heap
            # page per call. INCLUDE is PostgreSQL's; SQLite builds the plain index.
            models.Index(fields=["rep", "started_at"], name="call_rep_started_cover",
                         include=["lead", "disposition", "duration_seconds", "premium", "margin_rate"]),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.started_at:%Y-%m-%d %H:%M} {self.disposition_id}"


class FollowUpScope(models.TextChoices):
    MINE = "mine", _("Me only")
    TEAM = "team", _("Anyone on the team")


class FollowUp(models.Model):
    """A scheduled next contact. Open while done_at is empty."""

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("lead"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("assigned to")
    )
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("team"))
    scope = models.CharField(max_length=10, choices=FollowUpScope.choices, default=FollowUpScope.MINE, verbose_name=_("scope"))
    due_at = models.DateTimeField(db_index=True, verbose_name=_("due at"))
    purpose = models.CharField(max_length=300, blank=True, verbose_name=_("purpose"))
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups", verbose_name=_("call"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("done at"))

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["assigned_to", "done_at", "due_at"], name="followup_open")]

    def __str__(self) -> str:
        return record_label(self)


class DirtyRepDay(models.Model):
    """A (rep, local day) whose calls changed since the last KPI run; the KPI job consumes these."""

    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("rep"))
    day = models.DateField(verbose_name=_("day"))
    marked_at = models.DateTimeField(auto_now=True, verbose_name=_("marked at"))

    class Meta:
        verbose_name = _("dirty rep day")
        verbose_name_plural = _("dirty rep days")
        constraints = [models.UniqueConstraint(fields=["rep", "day"], name="dirty_rep_day_unique")]

    def __str__(self) -> str:
        return record_label(self)


class QueueState(models.Model):
    """A rep's place in the work queue (“start calling”), kept on the server so it survives a
    reload and continues on another device. `handled` lists the leads done or skipped in this
    local day's run, so they are not served again that day."""

    rep = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="queue_state", verbose_name=_("rep"))
    day = models.DateField(verbose_name=_("day"))
    current_lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("current lead"))
    current_kind = models.CharField(max_length=20, blank=True, verbose_name=_("current kind"))
    handled = models.JSONField(default=list, blank=True, verbose_name=_("handled"))
    paused = models.BooleanField(default=False, verbose_name=_("paused"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("queue state")
        verbose_name_plural = _("queue states")


class QueueSkip(models.Model):
    """A lead the rep skipped in the work queue, and why (for the manager and the rep's report)."""

    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("rep"))
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="+", verbose_name=_("lead"))
    reason = models.CharField(max_length=200, verbose_name=_("reason"))
    skipped_at = models.DateTimeField(auto_now_add=True, verbose_name=_("skipped at"))

    class Meta:
        verbose_name = _("queue skip")
        verbose_name_plural = _("queue skips")
        indexes = [models.Index(fields=["rep", "skipped_at"], name="queueskip_rep_at")]
