"""What the apps' pages share beyond query parameters (telesales.params): a record that a
selector or service refuses to show (NotFound) is the page's 404."""

from collections.abc import Callable
from typing import TypeVar

from django.http import Http404

from telesales.errors import NotFound

T = TypeVar("T")


def found(select: Callable[..., T], /, *args, **kwargs) -> T:
    """What `select(*args, **kwargs)` returns; its NotFound (a record missing, or one the user
    may not see) is the page's 404."""
    try:
        return select(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def favicon(request):
    """/favicon.ico: the icon is a static file (static/favicon.svg, also linked from base.html)."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("favicon.svg"))
