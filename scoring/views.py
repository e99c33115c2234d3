from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import render

from accounts.access import can_see_model_card
from scoring import charts, selectors


@login_required
def index(request):
    """The model card: the model in use, its hold-out metrics against the naive-Bayes baseline,
    calibration and gains charts, and the latest training runs (managers and admins)."""
    if not can_see_model_card(request.user):
        raise HttpForbidden("Only managers and admins see the lead-scoring model card.")
    cards = selectors.cards()
    for card in cards:
        if card["current"] is not None and card["current"].curves:
            card["calibration"], card["gains"] = charts.calibration(card["current"]), charts.gains(card["current"])
    return render(request, "scoring/index.html", {"cards": cards})
