"""Logging: every module logs through `logging.getLogger(__name__)`; this module formats the lines.

One line per event. Django's own loggers hand their records to the root handler instead of
printing them a second time, runserver's access line is replaced by the request line of
`telesales.middleware.RequestIdMiddleware`, and Celery keeps its hands off the configuration
(telesales/celery.py). Each line carries the request id (`request_id`) or the Celery task
(`task_id`, `task`) it belongs to, from context variables bound by the middleware and the task
signals. Production writes JSON (`LOG_JSON`, structlog's ProcessorFormatter); development writes
`key=value` text."""

import logging

import structlog

CONTEXT = ("request_id", "task_id", "task")


def bind(**values) -> None:
    """Attach values (request_id, task_id, …) to every line logged from this context."""
    structlog.contextvars.bind_contextvars(**values)


def clear() -> None:
    structlog.contextvars.clear_contextvars()


def current(name: str) -> str | None:
    """A value bound in this context (the request id of the request being served), or None."""
    return structlog.contextvars.get_contextvars().get(name)


def _drop_color_message(_, __, event_dict):
    # uvicorn/celery put a second copy of the message here; one copy per line is enough.
    event_dict.pop("color_message", None)
    return event_dict


class ServerErrorsOnly(logging.Filter):
    """django.request logs every 4xx and 5xx answer; the request line already says those. Its
    lines that add something are the crashes (500, with the traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", 500) == 500


def logging_config(*, json: bool, level: str = "WARNING") -> dict:
    """The LOGGING dict: one console handler on the root logger; JSON lines when `json`."""
    pre_chain = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _drop_color_message,
    ]
    # Plain tracebacks on the console: with `rich` installed, structlog would draw each one with
    # every frame's locals, which takes seconds a request waits for (tests/ops/test_real_faults.py).
    renderer = structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer(
        colors=False, exception_formatter=structlog.dev.plain_traceback)
    final = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if json:
        final += [structlog.processors.dict_tracebacks]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "line": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": pre_chain,
                "processors": [*final, renderer],
            },
        },
        "filters": {"server_errors_only": {"()": ServerErrorsOnly}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "line"},
            "null": {"class": "logging.NullHandler"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Configured here without handlers, so their records reach the root handler once.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            # 4xx lines are the request line's business; 5xx keep their traceback here.
            "django.request": {"handlers": [], "level": "ERROR", "propagate": True, "filters": ["server_errors_only"]},
            "django.server": {"handlers": ["null"], "propagate": False},
            "celery": {"handlers": [], "level": "INFO", "propagate": True},
        },
    }
