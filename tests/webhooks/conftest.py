"""A local receiver started by the test (http.server on a thread) and an endpoint pointing at it."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from calls.dispositions import ensure_standard
from calls.models import Disposition
from tests.factories import TeamFactory
from webhooks import services

SECRET = "s3cret-for-the-receiver-0123456789"


class Receiver:
    """Records every request; answers `fail_first` of them with 500, the rest with 200."""

    def __init__(self):
        self.requests: list[dict] = []
        self.fail_first = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    failed = len(receiver.requests) < receiver.fail_first
                    receiver.requests.append({"headers": dict(self.headers), "body": body, "path": self.path,
                                              "answered": 500 if failed else 200})
                self.send_response(500 if failed else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self, *, answered: int | None = None) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests if answered is None or r["answered"] == answered]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def verify(secret: str, header: str, body: bytes, *, now: float, tolerance: int = 300) -> bool:
    """The README's verification snippet, as a receiver writes it."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return abs(now - int(parts["t"])) <= tolerance and hmac.compare_digest(expected, parts["v1"])


@pytest.fixture(name="verify")
def verify_fixture():
    """The README's check of a signature, as a receiver writes it."""
    return verify


@pytest.fixture
def secret() -> str:
    return SECRET


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True  # the receiver listens on loopback
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def team(db):
    return TeamFactory(name="一组 Team One", calling_hours_start=dt.time(0, 0), calling_hours_end=dt.time(23, 59, 59))


@pytest.fixture
def dispo(db):
    ensure_standard()
    return {d.code: d for d in Disposition.objects.all()}


@pytest.fixture
def endpoint(receiver, admin_user):
    from telesales.events import EVENT_TYPES

    return services.create_endpoint(actor=admin_user, name="Warehouse", url=receiver.url, secret=SECRET,
                                    event_types=list(EVENT_TYPES))
