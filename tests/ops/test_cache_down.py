"""Redis unreachable: the cache (telesales/cache.py) misses and drops writes with a warning, so the
API still answers (its rate limits are off until Redis is back); /healthz reports Redis failing.
tests/ops/test_real_faults.py stops a real redis-server under gunicorn."""

import pytest

from telesales import health

pytestmark = pytest.mark.django_db
UNREACHABLE = {"default": {"BACKEND": "telesales.cache.TolerantRedisCache", "LOCATION": "redis://127.0.0.1:1/0",
                           "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}


def test_api_answers_with_redis_unreachable_and_the_miss_is_logged(api, rep, settings, caplog):
    settings.CACHES = UNREACHABLE
    response = api.as_user(rep).get("/api/v1/me/")
    assert response.status_code == 200 and response.json()["username"] == rep.username
    assert any(r.name == "telesales.cache" and "Redis is not reachable" in r.getMessage() for r in caplog.records)


def test_with_redis_unreachable_reads_miss_writes_are_dropped_and_locks_are_granted(settings):
    from django.core.cache import cache

    settings.CACHES = UNREACHABLE
    cache.set("k", 1)
    assert cache.get("k", "miss") == "miss" and cache.get_many(["k"]) == {} and not cache.has_key("k")
    assert cache.add("lock", 1) is True and cache.incr("counter", 3) == 3
    assert cache.set_many({"a": 1}) == ["a"] and cache.touch("k") is False and cache.delete("k") is False
    cache.delete_many(["a"])
    assert cache.clear() is False


def test_healthz_names_redis_failing(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    assert health.run_checks()["redis"] == {"ok": False}
