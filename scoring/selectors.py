"""What the model card shows: the model in use and the latest runs of each kind."""

from scoring.models import ModelKind, ModelStatus, ScoringModel

RUNS_SHOWN = 10


def cards() -> list[dict]:
    """Per kind: the model in use (or None) and the latest training runs, newest first."""
    out = []
    for kind, label in ModelKind.choices:
        runs = list(ScoringModel.objects.filter(kind=kind).defer("blob")[:RUNS_SHOWN])
        current = next((r for r in runs if r.status == ModelStatus.ACTIVE), None)
        if current is None:
            current = ScoringModel.objects.filter(kind=kind, status=ModelStatus.ACTIVE).defer("blob").first()
        out.append({"kind": kind, "label": label, "current": current, "runs": runs})
    return out
