"""Where a webhook may be sent (SSRF): https in production, and never to an address inside our
own network. Checked when an admin registers the URL and again at every delivery, against the
addresses the name resolves to then (a name may be re-pointed after registration: DNS
rebinding); the delivery then connects to the very address that was checked."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext

from telesales.errors import DomainError


class UnsafeTarget(DomainError):
    code = "unsafe_url"

    def __init__(self, message: str):
        super().__init__(message, details={"url": [message]})


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return ip.is_global and not ip.is_multicast


def split_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL a webhook may use, or UnsafeTarget saying why not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeTarget(gettext("Enter a valid URL.")) from None
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if scheme not in ("http", "https") or not host:
        raise UnsafeTarget(gettext("Enter an http:// or https:// URL."))
    if settings.WEBHOOKS_REQUIRE_HTTPS and scheme != "https":
        raise UnsafeTarget(gettext("Webhook URLs must use https://."))
    if parts.username or parts.password:
        raise UnsafeTarget(gettext("Put credentials in the secret, not in the URL."))
    return scheme, host, port or (443 if scheme == "https" else 80)


def resolve_public(host: str, port: int) -> str:
    """The address to connect to for `host`: every address it resolves to must be public
    (unless WEBHOOKS_ALLOW_PRIVATE_TARGETS, for tests and local development)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeTarget(gettext("The host name of this URL does not resolve.")) from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise UnsafeTarget(gettext("The host name of this URL does not resolve."))
    if not settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS and not all(_public(ip) for ip in addresses):
        raise UnsafeTarget(gettext("This URL points into a private, loopback or link-local network; "
                                   "webhooks go only to public addresses."))
    return str(addresses[0])


def check_url(url: str) -> None:
    """Refuse a URL a webhook may not be sent to (registration)."""
    _scheme, host, port = split_url(url)
    resolve_public(host, port)
