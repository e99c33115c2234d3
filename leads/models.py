"""Leads, public pools and the append-only history of owners and grades.

The normalized phone (E.164) is unique in the database: one customer, one record (防撞单)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from telesales.i18n import labels_field, localized, record_label


class Grade(models.TextChoices):
    """E–A funnel grades, low to high likelihood to buy."""

    E = "E", _("E · potential")
    D = "D", _("D · contacted")
    C = "C", _("C · agreeing")
    B = "B", _("B · intent")
    A = "A", _("A · ready to buy")


GRADE_ORDER = ["E", "D", "C", "B", "A"]


class LeadStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WON = "won", pgettext_lazy("lead status", "Won")
    LOST = "lost", _("Lost")
    DNC = "dnc", _("Do not call")


def default_return_days() -> dict:
    """Days without a real contact before a lead returns, per grade: an A lead is held longest."""
    return {"E": 7, "D": 10, "C": 15, "B": 20, "A": 30}


class Pool(models.Model):
    """A public pool (公海), per team or region, with its rules (editable by admins).

    A pool with no member teams/users (and no team) is open to every rep."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_i18n = labels_field()
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="pools", verbose_name=_("team"))
    region = models.CharField(_("region"), max_length=100, blank=True)
    member_teams = models.ManyToManyField("accounts.Team", blank=True, related_name="member_pools", verbose_name=_("member teams"))
    member_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="member_pools", verbose_name=_("member users"))
    admins = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="administered_pools", verbose_name=_("admins"))

    # ---- rules (私海上限, 领取上限, 回收规则) ----
    max_held = models.PositiveIntegerField(_("max leads a rep may hold"), default=200)
    won_counts_toward_max = models.BooleanField(_("won customers count toward the max"), default=False)
    max_claims_per_day = models.PositiveIntegerField(_("max claims per rep per day"), default=30)
    reclaim_cooldown_days = models.PositiveIntegerField(_("days before a previous owner may reclaim"), default=7)
    max_locked = models.PositiveIntegerField(_("max locked leads per rep"), default=5)
    return_days_by_grade = models.JSONField(
        _("days without real contact before return, per grade"), default=default_return_days,
        help_text=_('e.g. {"E": 7, "D": 10, "C": 15, "B": 20, "A": 30}; 0 switches the rule off for a grade'),
    )
    real_contact_min_seconds = models.PositiveIntegerField(
        _("a call this long counts as a real contact even if not reached"), default=60
    )
    no_progress_days = models.PositiveIntegerField(_("days without grade progress before return (0 = off)"), default=45)
    fresh_claim_hours = models.PositiveIntegerField(
        _("hours a freshly claimed lead may stay uncalled (0 = off)"), default=48
    )
    exempt_won = models.BooleanField(_("won customers never auto-return"), default=True)
    exempt_open_quote = models.BooleanField(_("leads with an open quote never auto-return"), default=True)
    warn_days = models.PositiveIntegerField(_("warn the owner this many days before return"), default=3)
    browsing_enabled = models.BooleanField(_("reps may browse and pick leads"), default=True)

    class Meta:
        verbose_name = _("pool")
        verbose_name_plural = _("pools")
        ordering = ["name"]

    def __str__(self) -> str:
        return localized(self)

    @property
    def return_days_per_grade(self) -> list[tuple[str, int]]:
        """(grade, days) from E to A, for display; 0 means the rule is off for that grade."""
        return [(grade, self.return_days_for(grade)) for grade in GRADE_ORDER]

    def return_days_for(self, grade: str) -> int:
        days = (self.return_days_by_grade or {}).get(grade)
        if days is None:
            days = default_return_days().get(grade, 0)
        try:
            return max(int(days), 0)
        except (TypeError, ValueError):
            return 0


class PoolRuleChange(models.Model):
    """Audit row: who changed a pool's rules and when, with the changed rules before and after."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="rule_changes", verbose_name=_("pool"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor"))
    before = models.JSONField(verbose_name=_("before"))
    after = models.JSONField(verbose_name=_("after"))
    at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("time"))

    class Meta:
        verbose_name = _("pool rule change")
        verbose_name_plural = _("pool rule changes")
        ordering = ["-at", "-id"]


class LostReason(models.Model):
    """Editable list of reasons a lead was lost."""

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    name_i18n = labels_field()
    active = models.BooleanField(default=True, verbose_name=_("in use"))

    class Meta:
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        ordering = ["name"]

    def __str__(self) -> str:
        return localized(self)


class AttributeKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Yes/no")
    CHOICE = "choice", _("Choice")


class AttributeDefinition(models.Model):
    """A company-wide named and typed lead attribute (e.g. age band, previous outcome): the keys
    `Lead.attributes` may hold, and the segments the KPI pages can cut by (`attr:<key>`)."""

    key = models.SlugField(_("key"), max_length=50, unique=True,
                           help_text=_("Lower-case letters, digits and single underscores, starting with a letter."))
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=AttributeKind.choices, default=AttributeKind.TEXT)
    # The allowed values of a choice attribute, in display order; empty for the other kinds.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attribute definition")
        verbose_name_plural = _("attribute definitions")
        ordering = ["position", "key"]
        constraints = [
            models.CheckConstraint(condition=~Q(key=""), name="attribute_key_not_empty"),
            models.CheckConstraint(condition=~Q(label=""), name="attribute_label_not_empty"),
        ]

    def __str__(self) -> str:
        return self.label


class AttributeDefinitionChange(models.Model):
    """Audit row: who created or changed an attribute definition, with the fields before and after."""

    definition = models.ForeignKey(AttributeDefinition, on_delete=models.CASCADE, related_name="changes", verbose_name=_("definition"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor"))
    before = models.JSONField(verbose_name=_("before"))
    after = models.JSONField(verbose_name=_("after"))
    note = models.CharField(max_length=200, blank=True, verbose_name=_("note"))
    at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("time"))

    class Meta:
        verbose_name = _("attribute definition change")
        verbose_name_plural = _("attribute definition changes")
        ordering = ["-at", "-id"]


class Lead(models.Model):
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, help_text=_("E.164"))
    phone2 = models.CharField(_("second phone"), max_length=20, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    product_interest = models.CharField(_("product interest"), max_length=200, blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, default=Grade.E, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=LeadStatus.choices, default=LeadStatus.ACTIVE)
    lost_reason = models.ForeignKey(LostReason, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("lost reason"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="leads", verbose_name=_("owner")
    )
    pool = models.ForeignKey(Pool, null=True, blank=True, on_delete=models.PROTECT, related_name="leads", verbose_name=_("pool"))
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("claimed at"))
    locked = models.BooleanField(_("locked against auto-return"), default=False)
    last_contacted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last contacted at"))
    # Last *real* contact: reached the customer or lasted long enough (see pool rules).
    last_real_contact_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last real contact at"))
    grade_changed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("grade changed at"))
    next_follow_up_at = models.DateTimeField(null=True, blank=True, db_index=True, verbose_name=_("next follow up at"))
    unanswered_attempts = models.PositiveIntegerField(default=0, verbose_name=_("unanswered attempts"))
    # Maintained by call logging: a quote was given and neither sold nor refused since.
    has_open_quote = models.BooleanField(default=False, verbose_name=_("has open quote"))
    # Marks that let a dialer batch update the facts above from its own calls (calls.lead_facts):
    # the last call that reached the customer, and the last quote, sale or refusal.
    last_reached_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("last reached at"))
    last_quote_event_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("last quote event at"))
    # {key: value} for keys of AttributeDefinition only, normalised by services.clean_attributes:
    # text, number (a Decimal as a string), date (ISO) and choice as strings, yes/no as true/false.
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    # The import that created the lead (segment "import_batch"); null for leads made otherwise.
    import_job = models.ForeignKey("ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="leads", verbose_name=_("import job"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        constraints = [
            models.UniqueConstraint(fields=["phone"], name="lead_phone_unique"),
            models.CheckConstraint(condition=~Q(phone=""), name="lead_phone_not_empty"),
        ]
        indexes = [
            models.Index(fields=["owner", "next_follow_up_at"], name="lead_owner_followup"),
            models.Index(fields=["pool", "owner"], name="lead_pool_owner"),
            # Funnel counts per owner / grade / status (index-only for a rep or a small team).
            models.Index(fields=["owner", "status", "grade"], name="lead_owner_status_grade"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.phone})"


class OwnershipReason(models.TextChoices):
    CREATE = "create", _("Created")
    IMPORT = "import", _("Imported")
    CLAIM = "claim", _("Claimed")
    RELEASE = "release", _("Released")
    AUTO_RETURN = "auto_return", _("Auto-returned")
    REASSIGN = "reassign", _("Reassigned")
    DISTRIBUTE = "distribute", _("Distributed")
    HANDOVER = "handover", _("Handed over (staff leave)")
    APPEAL = "appeal", _("Transferred on appeal")


class OwnershipEvent(models.Model):
    """Append-only audit row for every change of owner."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="ownership_events", verbose_name=_("lead"))
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("from owner")
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("to owner")
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor"))
    reason = models.CharField(max_length=20, choices=OwnershipReason.choices, verbose_name=_("reason"))
    note = models.CharField(max_length=500, blank=True, verbose_name=_("note"))
    at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("time"))

    class Meta:
        verbose_name = _("ownership event")
        verbose_name_plural = _("ownership events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["lead", "at"], name="ownership_lead_at"),
            models.Index(fields=["to_owner", "reason", "at"], name="ownership_to_reason_at"),
        ]

    def __str__(self) -> str:
        return record_label(self)


class GradeChange(models.Model):
    """Every grade change with time, actor and the call that caused it (when there is one)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="grade_changes", verbose_name=_("lead"))
    from_grade = models.CharField(max_length=1, choices=Grade.choices, blank=True, verbose_name=_("from grade"))
    to_grade = models.CharField(max_length=1, choices=Grade.choices, verbose_name=_("to grade"))
    # End states are recorded too: won/lost transitions carry status here.
    to_status = models.CharField(max_length=10, choices=LeadStatus.choices, default=LeadStatus.ACTIVE, verbose_name=_("to status"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by"))
    # The lead's owner at the time: funnel counts per rep are read from history.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    call = models.ForeignKey("calls.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("call"))
    changed_at = models.DateTimeField(db_index=True, verbose_name=_("changed at"))

    class Meta:
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")
        ordering = ["changed_at", "id"]
        indexes = [
            models.Index(fields=["lead", "changed_at"], name="grade_lead_at"),
            models.Index(fields=["owner", "changed_at"], name="grade_owner_at"),
        ]


class DoNotCallNumber(models.Model):
    """Company-wide do-not-call list: such numbers are never created, imported or dialled."""

    phone = models.CharField(max_length=20, unique=True, help_text=_("E.164"), verbose_name=_("phone"))
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("added by"))
    added_at = models.DateTimeField(auto_now_add=True, verbose_name=_("added at"))

    class Meta:
        ordering = ["-added_at"]
        verbose_name = _("do-not-call number")

    def __str__(self) -> str:
        return self.phone


class PhoneReveal(models.Model):
    """Audit row: a manager or admin looked at a full number they would otherwise see masked."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="phone_reveals", verbose_name=_("lead"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor"))
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))
    at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("time"))

    class Meta:
        verbose_name = _("phone reveal")
        verbose_name_plural = _("phone reveals")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return record_label(self)


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Appeal(models.Model):
    """A collision appeal (撞单申诉): the rep who found the customer asks for the lead."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="appeals", verbose_name=_("lead"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lead_appeals", verbose_name=_("requested by"))
    holder_at_request = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("holder at request")
    )
    reason = models.CharField(max_length=500, verbose_name=_("reason"))
    status = models.CharField(max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING, verbose_name=_("status"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    decision_note = models.CharField(max_length=500, blank=True, verbose_name=_("decision note"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead", "requested_by"], condition=Q(status="pending"), name="appeal_one_pending_per_rep"
            ),
        ]

    def __str__(self) -> str:
        return record_label(self)


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One CSV/Excel import; the Celery task stores progress and the per-row report here."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    file = models.FileField(upload_to="lead-imports/", verbose_name=_("file"))
    original_name = models.CharField(max_length=255, blank=True, verbose_name=_("original name"))
    pool = models.ForeignKey(Pool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("pool"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner"))
    source = models.CharField(max_length=100, blank=True, verbose_name=_("source"))
    mapping = models.JSONField(default=dict, blank=True, verbose_name=_("mapping"))
    # Columns kept as lead attributes: [{"column", "key", "label", "created", "ignored"}].
    attribute_columns = models.JSONField(default=list, blank=True, verbose_name=_("attribute columns"))
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING, verbose_name=_("status"))
    total_rows = models.PositiveIntegerField(default=0, verbose_name=_("total rows"))
    processed_rows = models.PositiveIntegerField(default=0, verbose_name=_("processed rows"))
    created_count = models.PositiveIntegerField(default=0, verbose_name=_("created count"))
    collision_count = models.PositiveIntegerField(default=0, verbose_name=_("collision count"))
    error_count = models.PositiveIntegerField(default=0, verbose_name=_("error count"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    report = models.TextField(blank=True, verbose_name=_("report"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # Written when the job starts and with every chunk; a running job whose heartbeat stopped is
    # failed by the sweeper (leads/import_jobs.py).
    heartbeat_at = models.DateTimeField(null=True, blank=True, verbose_name=_("heartbeat at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return record_label(self)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))


# Claim-limit counters kept by database triggers (leads/counters.py).
from leads.counters import ClaimCount, HeldCount  # noqa: E402, F401
