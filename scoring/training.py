"""Fitting and judging the models: gradient boosting, the naive-Bayes baseline, hold-out metrics.

Why gradient boosting (scikit-learn's HistGradientBoostingClassifier): the lead fields are
categorical with many values (source, region, pool, attributes, last outcome) and interact with
counts (attempts, days since contact) in ways a linear model would need hand-made crosses for; the
histogram booster takes categories natively, handles missing values, trains on millions of rows in
seconds on two cores, and its log-loss objective gives probabilities that the hold-out calibration
plot checks. The baseline is the frequency-table naive Bayes Odoo uses for predictive lead scoring,
on the same categorical fields and the same split."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import log_loss, roc_auc_score

EPS = 1e-6


def booster(seed: int = 0) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(categorical_features="from_dtype", max_iter=300, learning_rate=0.05,
                                          max_depth=4, early_stopping=True, n_iter_no_change=10,
                                          l2_regularization=1.0, min_samples_leaf=100, random_state=seed)


def fit(x: pd.DataFrame, y: np.ndarray, seed: int = 0, *, later: np.ndarray | None = None) -> HistGradientBoostingClassifier:
    """Fit with early stopping judged on the training set's latest rows (`later`, a boolean mask),
    not on a random sample: rows of one lead at neighbouring moments are near copies, so a random
    validation sample would reward memorising them instead of what carries over to next month."""
    model = booster(seed)
    if later is not None and later.any() and (~later).any():
        model.fit(x[~later], y[~later], X_val=x[later], y_val=y[later])
    else:
        model.fit(x, y)
    return model


class NaiveBayesBaseline:
    """Odoo's predictive lead scoring: per field value, how often won and lost leads had it
    (with a small smoothing count); a lead's score is P(won) × Π P(value | won) normalised
    against the same product for lost leads."""

    def __init__(self, columns: list[str], smoothing: float = 0.1):
        self.columns, self.smoothing = columns, smoothing

    def fit(self, frame: pd.DataFrame, y: np.ndarray) -> NaiveBayesBaseline:
        y = np.asarray(y, dtype=bool)
        self.won, self.lost = max(int(y.sum()), 1), max(int((~y).sum()), 1)
        self.tables = {}
        for column in self.columns:
            values = frame[column].astype(str)
            counts = pd.crosstab(values, y).reindex(columns=[False, True], fill_value=0)
            self.tables[column] = {value: (row[True], row[False]) for value, row in counts.iterrows()}
        return self

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        log_won = np.full(len(frame), math.log(self.won / (self.won + self.lost)))
        log_lost = np.full(len(frame), math.log(self.lost / (self.won + self.lost)))
        for column in self.columns:
            table = self.tables[column]
            size = len(table) + 1
            values = frame[column].astype(str).to_numpy()
            won = np.array([table.get(v, (0, 0))[0] for v in values], dtype=float)
            lost = np.array([table.get(v, (0, 0))[1] for v in values], dtype=float)
            log_won += np.log((won + self.smoothing) / (self.won + self.smoothing * size))
            log_lost += np.log((lost + self.smoothing) / (self.lost + self.smoothing * size))
        return 1.0 / (1.0 + np.exp(log_lost - log_won))


def metrics(y: np.ndarray, p: np.ndarray) -> dict:
    """AUC, log loss, lift in the top 10 % and the share of sales in the top 10/20/30 %."""
    y = np.asarray(y, dtype=bool)
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    order = np.argsort(-p, kind="stable")
    ranked = y[order]
    total = max(int(y.sum()), 1)
    share = {f"top_{k}": float(ranked[: max(1, round(len(y) * k / 100))].sum() / total) for k in (10, 20, 30)}
    base = y.mean() if len(y) else 0.0
    top10 = ranked[: max(1, round(len(y) * 0.1))]
    return {
        "auc": float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else None,
        "log_loss": float(log_loss(y, p, labels=[False, True])),
        "lift_top_10": float(top10.mean() / base) if base else None,
        "sales_share": share,
        "rows": int(len(y)),
        "positives": int(y.sum()),
    }


def curves(y: np.ndarray, p: np.ndarray, bins: int = 10) -> dict:
    """The calibration plot (mean predicted vs observed per probability decile) and the gains
    chart (share of sales found against the share of leads called, best first)."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    order = np.argsort(-p, kind="stable")
    found = np.cumsum(y[order]) / max(y.sum(), 1)
    points = np.linspace(0, len(y), 21).astype(int)
    gains = {"called": [float(i / max(len(y), 1)) for i in points],
             "found": [0.0] + [float(found[i - 1]) for i in points[1:]]}
    edges = np.unique(np.quantile(p, np.linspace(0, 1, bins + 1)))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, max(len(edges) - 2, 0))
    calibration = {"predicted": [], "observed": [], "n": []}
    for b in range(max(len(edges) - 1, 1)):
        mask = which == b
        if mask.any():
            calibration["predicted"].append(float(p[mask].mean()))
            calibration["observed"].append(float(y[mask].mean()))
            calibration["n"].append(int(mask.sum()))
    return {"gains": gains, "calibration": calibration}
