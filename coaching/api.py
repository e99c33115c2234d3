"""What the coaching API modules share: body validation and the users a request may name. The
endpoints live in coaching.api_qa (scorecards, sampling, samples, reviews, results) and
coaching.api_plans (improvement plans, one-to-ones, action items, team stages); every list goes
through coaching.selectors. Their error responses are documented, as for every operation, by
telesales.schema.document_errors."""

from accounts.access import visible_users
from telesales.errors import NotFound


def visible_user(request, user_id: int, label: str):
    user = visible_users(request.user).filter(pk=user_id).first()
    if user is None:
        raise NotFound(f"{label} not found.")
    return user


def valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
