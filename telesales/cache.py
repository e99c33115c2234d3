"""The Redis cache, tolerant of Redis being down: pages and the API keep answering.

Nothing the app keeps in the cache is a record: API rate-limit histories, the collision-answer
budget, the short "on the line" locks, the worker heartbeat. While Redis is unreachable a read is
a miss and a write is dropped (each logged as a warning with the error), so those limits are off
(fail open) until it is back, instead of every API request answering 500. /healthz pings Redis
itself and reports it failing. Queuing a job still fails, with its own message (telesales/celery.py)."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
DOWN = (RedisConnectionError, RedisTimeoutError)


class TolerantRedisCache(RedisCache):
    def _down(self, operation: str, exc: Exception) -> None:
        logger.warning("cache %s skipped: Redis is not reachable (%s)", operation, exc)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except DOWN as exc:
            self._down("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except DOWN as exc:
            self._down("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except DOWN as exc:
            self._down("has_key", exc)
            return False

    def add(self, key, value, timeout=None, version=None):
        """True when Redis is down, as if stored: a lock taken with `add` is granted (fail open)."""
        try:
            return super().add(key, value, timeout, version)
        except DOWN as exc:
            self._down("add", exc)
            return True

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except DOWN as exc:
            self._down("set", exc)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except DOWN as exc:
            self._down("set_many", exc)
            return list(data)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except DOWN as exc:
            self._down("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except DOWN as exc:
            self._down("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except DOWN as exc:
            self._down("delete_many", exc)

    def incr(self, key, delta=1, version=None):
        """`delta` when Redis is down, as a counter that starts now would answer."""
        try:
            return super().incr(key, delta, version)
        except DOWN as exc:
            self._down("incr", exc)
            return delta

    def clear(self):
        try:
            return super().clear()
        except DOWN as exc:
            self._down("clear", exc)
            return False
