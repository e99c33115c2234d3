"""Point-in-time features for the two models, as pandas frames (no leakage by construction).

Every feature of a row is computed only from records with a time strictly before the row's
moment: a conversion row is (lead, cutoff) with the lead's fields, its grade at the cutoff and its
calls before the cutoff, labelled by a sale in the N days from the cutoff; a contact row is one
call attempt with the lead's earlier attempts, labelled by whether that attempt reached the
customer. `check_point_in_time` is the guard the tests (and training) run."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from django.db.models import F

from calls.models import Call
from leads.models import AttributeDefinition, GradeChange, Lead, LeadStatus

CATEGORICAL = ["source", "region", "product_interest", "pool", "grade", "last_outcome"]
NUMERIC = ["attempts", "reached", "quotes", "days_since_contact", "age_days", "grade_changes"]
CONTACT_CATEGORICAL = ["hour", "dow", "source", "rep"]
CONTACT_NUMERIC = ["prior_attempts", "prior_reached", "prior_same_hour_attempts", "prior_same_hour_reached"]
NEVER = 9999.0  # days since a contact that never happened
MAX_CATEGORIES = 60  # rarer values are pooled into "other" (the booster's limit is 255)


def lead_frame(lead_ids=None) -> pd.DataFrame:
    qs = Lead.objects.all() if lead_ids is None else Lead.objects.filter(pk__in=lead_ids)
    rows = qs.values_list("id", "source", "region", "product_interest", "pool_id", "created_at", "attributes",
                          "status", "grade")
    frame = pd.DataFrame(list(rows), columns=["lead", "source", "region", "product_interest", "pool", "created_at",
                                              "attributes", "status", "current_grade"])
    frame["pool"] = frame["pool"].map(lambda p: "" if p is None or pd.isna(p) else str(int(p)))
    for key in attribute_keys():
        frame[f"attr:{key}"] = frame["attributes"].map(lambda a, k=key: str((a or {}).get(k, "")))
    return frame.drop(columns=["attributes"]).set_index("lead")


def attribute_keys() -> list[str]:
    return list(AttributeDefinition.objects.filter(active=True).order_by("position", "key").values_list("key", flat=True))


def call_frame(lead_ids=None) -> pd.DataFrame:
    qs = Call.objects.all() if lead_ids is None else Call.objects.filter(lead_id__in=lead_ids)
    rows = qs.values_list("lead_id", "rep_id", "started_at", "disposition__code", "disposition__reached",
                          "disposition__quoted", "disposition__sold", "premium").order_by("started_at", "id")
    frame = pd.DataFrame(list(rows), columns=["lead", "rep", "at", "outcome", "is_reached", "is_quoted", "is_sold",
                                              "premium"])
    frame["premium"] = frame["premium"].astype(float)
    # The funnel is monotone per call, as in the KPIs: a sale was quoted, a quote reached someone.
    frame["is_quoted"] = frame["is_quoted"] | frame["is_sold"]
    frame["is_reached"] = frame["is_reached"] | frame["is_quoted"]
    return frame


def grade_frame(lead_ids=None) -> pd.DataFrame:
    qs = GradeChange.objects.all() if lead_ids is None else GradeChange.objects.filter(lead_id__in=lead_ids)
    rows = qs.values_list("lead_id", "to_grade", F("changed_at")).order_by("changed_at", "id")
    return pd.DataFrame(list(rows), columns=["lead", "grade", "at"])


def as_of(leads: pd.DataFrame, calls: pd.DataFrame, grades: pd.DataFrame, cutoff: dt.datetime) -> pd.DataFrame:
    """The features of every lead created before `cutoff`, from what was known before it."""
    known = leads[leads["created_at"] < cutoff]
    before = calls[calls["at"] < cutoff]
    per_lead = before.groupby("lead").agg(attempts=("at", "size"), reached=("is_reached", "sum"),
                                          quotes=("is_quoted", "sum"), sold=("is_sold", "sum"),
                                          last_at=("at", "max"), last_outcome=("outcome", "last"))
    graded = grades[grades["at"] < cutoff].groupby("lead").agg(grade=("grade", "last"), grade_changes=("at", "size"))
    frame = known.join(per_lead, how="left").join(graded, how="left")
    frame["attempts"] = frame["attempts"].fillna(0)
    frame["reached"] = frame["reached"].fillna(0).astype(float)
    frame["quotes"] = frame["quotes"].fillna(0).astype(float)
    frame["sold_before"] = frame["sold"].fillna(0) > 0
    frame["grade_changes"] = frame["grade_changes"].fillna(0)
    frame["grade"] = frame["grade"].fillna("E")
    frame["last_outcome"] = frame["last_outcome"].fillna("none")
    frame["days_since_contact"] = ((cutoff - frame["last_at"]).dt.total_seconds() / 86400).fillna(NEVER)
    frame["age_days"] = (cutoff - frame["created_at"]).dt.total_seconds() / 86400
    frame["cutoff"] = cutoff
    frame["last_known_at"] = frame["last_at"]
    return frame.drop(columns=["sold", "last_at"])


def conversion_rows(leads, calls, grades, cutoffs, horizon_days: int) -> pd.DataFrame:
    """One row per (lead, cutoff) for leads not sold before the cutoff, labelled by a sale within
    `horizon_days` from it. Only cutoffs whose whole label window is in the past are used."""
    frames = []
    for cutoff in cutoffs:
        frame = as_of(leads, calls, grades, cutoff)
        frame = frame[~frame["sold_before"]]
        window = calls[(calls["at"] >= cutoff) & (calls["at"] < cutoff + dt.timedelta(days=horizon_days))
                       & calls["is_sold"]]
        frame["label"] = frame.index.isin(window["lead"].unique())
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames).rename_axis("lead").reset_index()


def contact_rows(leads: pd.DataFrame, calls: pd.DataFrame, tz) -> pd.DataFrame:
    """One row per call attempt with the lead's earlier attempts (strictly earlier calls only)."""
    frame = calls.copy()
    local = frame["at"].dt.tz_convert(tz)
    frame["hour"] = local.dt.hour.astype(str)
    frame["dow"] = local.dt.dayofweek.astype(str)
    frame["rep"] = frame["rep"].astype(str)
    frame["source"] = frame["lead"].map(leads["source"]).fillna("")
    frame = frame.sort_values(["at"], kind="stable")
    by_lead = frame.groupby("lead")
    frame["prior_attempts"] = by_lead.cumcount()
    frame["prior_reached"] = by_lead["is_reached"].cumsum() - frame["is_reached"]
    by_hour = frame.groupby(["lead", "hour"])
    frame["prior_same_hour_attempts"] = by_hour.cumcount()
    frame["prior_same_hour_reached"] = by_hour["is_reached"].cumsum() - frame["is_reached"]
    frame["label"] = frame["is_reached"].astype(bool)
    return frame.reset_index(drop=True)


def prepare(frame: pd.DataFrame, categorical: list[str], numeric: list[str],
            categories: dict[str, list[str]] | None = None) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The model's input: categorical columns as pandas categories (the training set's most common
    values, the rest "other"), numeric ones as floats. Pass the training `categories` to score."""
    categories = dict(categories or {})
    out = pd.DataFrame(index=frame.index)
    for column in categorical:
        values = frame[column].astype(str) if column in frame else pd.Series("", index=frame.index)
        if column not in categories:
            categories[column] = values.value_counts().index[:MAX_CATEGORIES].tolist() + ["other"]
        known = values.where(values.isin(categories[column]), "other")
        out[column] = pd.Categorical(known, categories=categories[column])
    for column in numeric:
        out[column] = frame[column].astype(float) if column in frame else np.nan
    return out, categories


def check_point_in_time(rows: pd.DataFrame) -> None:
    """Refuse a training set in which a feature was computed from after its row's moment."""
    late = rows["last_known_at"].notna() & (rows["last_known_at"] >= rows["cutoff"])
    if late.any():
        raise ValueError(f"{int(late.sum())} rows use calls from after their cutoff (leakage)")


def open_leads() -> list[int]:
    return list(Lead.objects.filter(status=LeadStatus.ACTIVE).values_list("id", flat=True))
