"""Nightly training of the conversion and contact models, and scoring of every open lead.

A new model replaces the one in use only when it is at least as good on the new hold-out (the
model in use is scored on the same rows); otherwise it is kept as a rejected card and the old one
stays. Below `SCORING_MIN_SALES` sold customers no model is trained and the queue keeps its rules.
A run that fails keeps the model in use, and says why on a failed card."""

from __future__ import annotations

import datetime as dt
import logging
import pickle

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from scoring import features as f
from scoring import training
from scoring.models import ModelKind, ModelStatus, ScoringModel

logger = logging.getLogger(__name__)
MIN_ROWS_FOR_LIFT = 30


def train_all(*, now: dt.datetime | None = None) -> list[ScoringModel]:
    """Train both models; a failure of one is recorded on its card and does not stop the other."""
    now = now or timezone.now()
    data = f.lead_frame(), f.call_frame(), f.grade_frame()
    results = []
    for kind, train in ((ModelKind.CONVERSION, train_conversion), (ModelKind.CONTACT, train_contact)):
        try:
            results.append(train(*data, now=now))
        except Exception as exc:  # noqa: BLE001 - the card says it failed; the model in use stays
            logger.exception("training the %s model failed", kind)
            results.append(ScoringModel.objects.create(kind=kind, status=ModelStatus.FAILED, message=str(exc)[:300]))
    return results


def cutoffs(calls: pd.DataFrame, now: dt.datetime, horizon: int) -> list[dt.datetime]:
    """Moments to predict from: every half `horizon` back from the last one whose whole label
    window has passed, as far back as the history goes (a lead gives one row per moment)."""
    if calls.empty:
        return []
    step = dt.timedelta(days=max(horizon // 2, 1))
    last = now - dt.timedelta(days=horizon)
    first = calls["at"].min() + dt.timedelta(days=horizon)
    points = []
    while last >= first:
        points.append(last)
        last -= step
    return sorted(points)


def train_conversion(leads, calls, grades, *, now) -> ScoringModel:
    horizon = settings.SCORING_HORIZON_DAYS
    sold = int(calls.loc[calls["is_sold"], "lead"].nunique()) if not calls.empty else 0
    if sold < settings.SCORING_MIN_SALES:
        return insufficient(ModelKind.CONVERSION, sold, settings.SCORING_MIN_SALES)
    points = cutoffs(calls, now, horizon)
    if len(points) < 3:
        return insufficient(ModelKind.CONVERSION, sold, settings.SCORING_MIN_SALES, history=True)
    rows = f.conversion_rows(leads, calls, grades, points, horizon)
    f.check_point_in_time(rows)
    # Time-based hold-out: the last cutoff; training cutoffs end a whole label window before it,
    # so no training label comes from the hold-out's weeks.
    holdout_from = points[-1]
    train = rows[rows["cutoff"] <= holdout_from - dt.timedelta(days=horizon)]
    test = rows[rows["cutoff"] >= holdout_from]
    columns = f.CATEGORICAL + [c for c in leads.columns if c.startswith("attr:")]
    return fit_and_judge(ModelKind.CONVERSION, train, test, columns, f.NUMERIC, holdout_from)


def train_contact(leads, calls, grades, *, now) -> ScoringModel:
    attempts = len(calls)
    if attempts < settings.SCORING_MIN_ATTEMPTS:
        return insufficient(ModelKind.CONTACT, attempts, settings.SCORING_MIN_ATTEMPTS)
    rows = f.contact_rows(leads, calls, timezone.get_default_timezone())
    holdout_from = now - dt.timedelta(days=settings.SCORING_HOLDOUT_DAYS)
    train, test = rows[rows["at"] < holdout_from], rows[rows["at"] >= holdout_from]
    if test.empty or train.empty:
        return insufficient(ModelKind.CONTACT, attempts, settings.SCORING_MIN_ATTEMPTS, history=True)
    return fit_and_judge(ModelKind.CONTACT, train, test, f.CONTACT_CATEGORICAL, f.CONTACT_NUMERIC, holdout_from)


def insufficient(kind: str, have: int, need: int, history: bool = False) -> ScoringModel:
    message = (gettext_noop("Not enough history: the hold-out needs several months of calls.") if history else
               gettext_noop("Not enough outcomes to learn from: %(have)s of the %(need)s needed."))
    return ScoringModel.objects.create(kind=kind, status=ModelStatus.INSUFFICIENT, message=message,
                                       metrics={"have": have, "need": need})


def fit_and_judge(kind, train, test, categorical, numeric, holdout_from) -> ScoringModel:
    """Fit the booster and the naive-Bayes baseline on `train`, judge both and the model in use on
    `test`, and make the new model the active one only if it is at least as good."""
    x_train, categories = f.prepare(train, categorical, numeric)
    x_test, _ = f.prepare(test, categorical, numeric, categories)
    y_train, y_test = train["label"].to_numpy(bool), test["label"].to_numpy(bool)
    moment = train["cutoff"] if "cutoff" in train else train["at"]
    model = training.fit(x_train, y_train, later=(moment >= moment.quantile(0.8)).to_numpy())
    p = model.predict_proba(x_test)[:, 1]
    baseline = training.NaiveBayesBaseline(categorical).fit(train, y_train)
    card = {"model": training.metrics(y_test, p), "baseline": training.metrics(y_test, baseline.predict_proba(test))}
    current = active(kind)
    if current is not None and current.features == categorical + numeric:
        x_current, _ = f.prepare(test, categorical, numeric, current.categories)
        card["previous"] = training.metrics(y_test, loaded(current).predict_proba(x_current)[:, 1])
    better = not card.get("previous") or (card["model"]["auc"] or 0) >= (card["previous"]["auc"] or 0)
    candidate = ScoringModel(
        kind=kind, status=ModelStatus.ACTIVE if better else ModelStatus.REJECTED, train_rows=len(train),
        holdout_rows=len(test), holdout_from=holdout_from, features=categorical + numeric, categories=categories,
        metrics=card, curves=training.curves(y_test, p), explain=lifts(train, categorical),
        message="" if better else gettext_noop("The model in use did as well or better on this hold-out; it stays."),
        blob=pickle.dumps(model))
    with transaction.atomic():
        if better:
            ScoringModel.objects.filter(kind=kind, status=ModelStatus.ACTIVE).update(status=ModelStatus.RETIRED)
        candidate.save()
    return candidate


def lifts(train: pd.DataFrame, columns: list[str]) -> dict:
    """How much more often than average each common field value converted (the reasons shown)."""
    base = train["label"].mean() or 1e-9
    out = {}
    for column in columns:
        grouped = train.groupby(train[column].astype(str))["label"].agg(["mean", "size"])
        grouped = grouped[grouped["size"] >= MIN_ROWS_FOR_LIFT]
        out[column] = {value: round(float(row["mean"] / base), 3) for value, row in grouped.iterrows()}
    return out


def active(kind: str) -> ScoringModel | None:
    return ScoringModel.objects.filter(kind=kind, status=ModelStatus.ACTIVE).first()


def loaded(record: ScoringModel):
    return pickle.loads(bytes(record.blob))  # noqa: S301 - written by train_all, never from a user


def reasons(row: pd.Series, explain: dict, top: int = 3) -> list[list]:
    """The lead's field values that converted most often above average, best first."""
    found = []
    for column, table in explain.items():
        lift = table.get(str(row.get(column, "")))
        if lift and lift > 1:
            found.append([column, str(row[column]), lift])
    return sorted(found, key=lambda r: -r[2])[:top]


def expected_premiums(calls: pd.DataFrame, leads: pd.DataFrame) -> tuple[pd.Series, float]:
    """Mean premium of a sale per lead source, and overall (what a sale of that lead is worth)."""
    sales = calls[calls["is_sold"] & calls["premium"].notna()]
    overall = float(sales["premium"].mean()) if not sales.empty else 0.0
    by_source = sales.assign(source=sales["lead"].map(leads["source"])).groupby("source")["premium"].mean()
    return by_source, overall


def best_hours(frame: pd.DataFrame, calls: pd.DataFrame, record: ScoringModel, now: dt.datetime) -> dict:
    """For each lead, the three calling hours in which the contact model expects it to answer."""
    hours = list(settings.SCORING_CALL_HOURS)
    tz = timezone.get_default_timezone()
    local = calls.assign(hour=calls["at"].dt.tz_convert(tz).dt.hour.astype(str))
    per_hour = local.groupby(["lead", "hour"]).agg(a=("at", "size"), r=("is_reached", "sum"))
    per_lead = local.groupby("lead").agg(a=("at", "size"), r=("is_reached", "sum"))
    grid = pd.DataFrame({"lead": np.repeat(frame.index.to_numpy(), len(hours)),
                         "hour": np.tile([str(h) for h in hours], len(frame))})
    grid["dow"] = str((now + dt.timedelta(days=1)).astimezone(tz).weekday())
    grid["source"] = grid["lead"].map(frame["source"]).fillna("")
    grid["rep"] = "other"
    grid["prior_attempts"] = grid["lead"].map(per_lead["a"]).fillna(0)
    grid["prior_reached"] = grid["lead"].map(per_lead["r"]).fillna(0)
    keyed = per_hour.reindex(pd.MultiIndex.from_frame(grid[["lead", "hour"]]))
    grid["prior_same_hour_attempts"] = keyed["a"].fillna(0).to_numpy()
    grid["prior_same_hour_reached"] = keyed["r"].fillna(0).to_numpy()
    x, _ = f.prepare(grid, f.CONTACT_CATEGORICAL, f.CONTACT_NUMERIC, record.categories)
    # One row of `p` per lead, one column per calling hour: the three likeliest, ties in hour order.
    p = loaded(record).predict_proba(x)[:, 1].reshape(len(frame), len(hours))
    best = np.asarray(hours, dtype=int)[np.argsort(-p, axis=1, kind="stable")[:, :3]]
    return dict(zip(frame.index.tolist(), best.tolist(), strict=True))
