"""What the coaching API modules share: ids in paths and bodies, the scoped viewset base and
body validation. The endpoints live in coaching.api_qa (scorecards, sampling, samples, reviews,
results) and coaching.api_plans (improvement plans, one-to-ones, action items, team stages);
every list goes through coaching.selectors. Their error responses are documented, as for every
operation, by telesales.schema.document_errors."""

from accounts.access import visible_users
from telesales.api import MAX_ID, IdField, ScopedQuerysetMixin, path_id
from telesales.errors import NotFound

__all__ = ["MAX_ID", "IdField", "IdViewSetMixin", "path_id", "valid", "visible_user"]


def visible_user(request, user_id: int, label: str):
    user = visible_users(request.user).filter(pk=user_id).first()
    if user is None:
        raise NotFound(f"{label} not found.")
    return user


class IdViewSetMixin(ScopedQuerysetMixin):
    # Route every path segment to DRF so a malformed id answers a JSON 404, not Django's page.
    lookup_value_regex = "[^/]+"

    def get_object(self):
        self.kwargs[self.lookup_url_kwarg or self.lookup_field] = path_id(self.kwargs[self.lookup_url_kwarg or "pk"])
        return super().get_object()


def valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
