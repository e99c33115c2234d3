"""Querysets compiled to SQL once per shape, for the hot reads of the rep's calling loop.

Django builds and compiles a queryset's SQL again on every evaluation; on the calling loop's
requests (log a call, the call plan, the queue) that was about a third of the server's CPU.
`Prepared(build)` wraps a function that builds a queryset from its arguments. The first call for
a database alias, vendor and time zone builds the queryset with stand-in values for the integer
and datetime arguments, lets Django compile it, and remembers the SQL, the compiler Django made
and where each argument goes among the parameters. Later calls bind their values into that SQL
and read the rows through the same compiler: the same statement, rows, model instances and
`select_related` objects as the queryset itself, without building or compiling anything.

Rules for `build`:
- integers (not bools) and aware datetimes are bound as parameters; any other argument (a bool,
  a string, None, a tuple) is part of the shape: each distinct value compiles its own statement;
- an integer or datetime argument must reach the SQL only as a parameter, and must not change the
  query's shape (pass whatever changes the shape, e.g. "has a team", as a bool); an argument that
  does not show up among the parameters is refused when the statement is compiled;
- no `select_for_update` and no `prefetch_related`; LIMITs are constants of the build.
It is portable: each backend gets the statement Django compiles for it (tests/test_prepared.py
compares the rows with the plain queryset on the same data)."""

import copy
import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet
from django.utils import timezone

_INT_STAND_IN = -7_340_000_000_000  # no id is ever this (or one of the next few below it)
_DATETIME_STAND_IN = dt.datetime(1901, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
_BIGINT = (-(2**63), 2**63 - 1)


@dataclass
class _Statement:
    queryset: QuerySet  # the stand-in queryset: model, iterable class, fields, known related objects
    compiler: Any  # Django's compiler after compiling it (select, klass_info, converters' sources)
    sql: str
    params: list
    slots: list  # (position in params, index of the argument)


class _BoundQuery:
    """Stands in for the compiled queryset's Query: hands out a compiler bound to this call's
    values, and answers everything else (values_select, annotation_select, …) from the original."""

    def __init__(self, query, compiler):
        self._query, self._compiler = query, compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name):
        return getattr(self._query, name)


class Prepared:
    """A queryset-building function whose SQL is compiled once per shape (see the module text)."""

    def __init__(self, build):
        self.build = build
        self.model = None
        self._statements: dict = {}
        self._lock = threading.Lock()

    @staticmethod
    def _bound(value) -> bool:
        return (type(value) is int) or (isinstance(value, dt.datetime) and value.tzinfo is not None)

    def _stand_ins(self, args):
        if any(isinstance(a, dt.datetime) and a.tzinfo is None for a in args):
            raise TypeError("Prepared: a naive datetime argument")
        ints = dts = 0
        out = []
        for value in args:
            if type(value) is int:
                out.append(_INT_STAND_IN - ints)
                ints += 1
            elif self._bound(value):
                out.append(_DATETIME_STAND_IN + dt.timedelta(seconds=dts))
                dts += 1
            else:
                out.append(value)
        return out

    def _compile(self, alias: str, args) -> _Statement:
        stand_ins = self._stand_ins(args)
        queryset = self.build(*stand_ins)
        if queryset.query.select_for_update or queryset._prefetch_related_lookups:
            raise ValueError("Prepared: no select_for_update or prefetch_related")
        connection = connections[alias]
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)
        wanted = {}
        for index, (arg, stand_in) in enumerate(zip(args, stand_ins, strict=True)):
            if self._bound(arg):
                prepared = (stand_in if type(arg) is int else connection.ops.adapt_datetimefield_value(stand_in))
                wanted[(type(prepared), prepared)] = index
        slots = [(position, wanted[(type(p), p)]) for position, p in enumerate(params)
                 if (type(p), p) in wanted]
        missing = set(wanted.values()) - {index for _, index in slots}
        if missing or str(-_INT_STAND_IN) in sql or "1901-02-03" in sql:
            raise ValueError(f"Prepared: argument(s) {sorted(missing)} do not reach the SQL as parameters only")
        return _Statement(queryset=queryset, compiler=compiler, sql=sql, params=params, slots=slots)

    def _statement(self, args) -> tuple[str, _Statement]:
        if self.model is None:
            self.model = self.build(*self._stand_ins(args)).model
        alias = router.db_for_read(self.model)
        key = (alias, connections[alias].vendor, timezone.get_current_timezone_name(),
               tuple(type(a) if self._bound(a) else a for a in args))
        statement = self._statements.get(key)
        if statement is None:
            with self._lock:
                statement = self._statements.get(key) or self._compile(alias, args)
                self._statements[key] = statement
        return alias, statement

    def queryset(self, *args) -> QuerySet:
        """The plain queryset (compiled as usual): the twin the tests compare with."""
        return self.build(*args)

    def __call__(self, *args) -> list:
        """The rows, as evaluating `build(*args)` gives them (a list)."""
        if any(type(a) is int and not _BIGINT[0] <= a <= _BIGINT[1] for a in args):
            return list(self.build(*args))  # Django answers such an id without asking the database
        alias, statement = self._statement(args)
        connection = connections[alias]
        params = statement.params.copy()
        for position, index in statement.slots:
            value = args[index]
            params[position] = value if type(value) is int else connection.ops.adapt_datetimefield_value(value)
        sql, params = statement.sql, tuple(params)
        compiler = copy.copy(statement.compiler)
        compiler.connection = connection
        compiler.as_sql = lambda *a, **k: (sql, params)
        template = statement.queryset
        queryset = template.__class__(model=template.model, query=_BoundQuery(template.query, compiler),
                                      using=alias, hints=template._hints)
        queryset._iterable_class = template._iterable_class
        queryset._fields = template._fields
        queryset._known_related_objects = template._known_related_objects
        return list(queryset)

    def first(self, *args):
        """The first row or None (build must order and slice [:1] itself)."""
        rows = self(*args)
        return rows[0] if rows else None
