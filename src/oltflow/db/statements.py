"""Statements of the execution path, with their SQL built once per process.

A worker runs a handful of statements for every execution: load it with its job and OLT, start
it, record its outcome. Through the ORM each call compiles its query again, and at a burst of
500 starts on one worker process that compilation was most of the worker's CPU (1 ms for the
7-table load, 0.3 ms per UPDATE). ``update`` and ``Loader`` build the SQL of each statement
shape once, then only adapt parameters and run it; what they return is what the ORM would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models

# Keyed by connection vendor and statement shape. Both only grow, to one entry per shape the
# code uses; two threads building the same entry at once build the same value.
_sql_cache: dict[tuple, str] = {}
_plan_cache: dict[tuple, tuple[list[_Join], str]] = {}


def update(model: type[models.Model], where: Mapping[str, Any], **values: Any) -> int:
    """``UPDATE`` the rows of ``model`` matching ``where``; returns how many changed.

    ``where`` maps field names (``"pk"`` for the primary key) to a value, or to a tuple or list
    for ``IN``; ``values`` maps field names to plain values (no expressions). Equivalent to
    ``model.objects.filter(**where).update(**values)`` for such arguments.
    """
    meta = model._meta
    sets = [meta.get_field(name) for name in values]
    tests = [
        (meta.pk if name == "pk" else meta.get_field(name), value) for name, value in where.items()
    ]
    key = (
        connection.vendor,
        model,
        tuple(values),
        tuple((field.name, len(value) if _is_many(value) else None) for field, value in tests),
    )
    sql = _sql_cache.get(key)
    if sql is None:
        sql = _sql_cache[key] = _update_sql(meta.db_table, sets, tests)
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(sets, values.values(), strict=True)
    ]
    for field, value in tests:
        for item in value if _is_many(value) else (value,):
            params.append(field.get_db_prep_value(item, connection, prepared=False))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _is_many(value: Any) -> bool:
    return isinstance(value, tuple | list)


def _update_sql(
    table: str, sets: Sequence[models.Field], tests: Sequence[tuple[models.Field, Any]]
) -> str:
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in sets)
    conditions = " AND ".join(
        f"{quote(field.column)} IN ({', '.join(['%s'] * len(value))})"
        if _is_many(value)
        else f"{quote(field.column)} = %s"
        for field, value in tests
    )
    return f"UPDATE {quote(table)} SET {assignments} WHERE {conditions}"


@dataclass
class _Join:
    """One model of a loader's tree: its columns and the foreign key that reached it."""

    model: type[models.Model]
    alias: str
    fields: list[models.Field]
    converters: list[tuple[int, list[Any], Any]]
    pk_index: int
    parent: int | None = None
    via: models.ForeignKey | None = None


class Loader:
    """Loads one row of ``model`` by primary key with the forward foreign keys ``paths`` (in
    ``select_related`` notation) in a single SELECT, like ``select_related(*paths).get(pk=...)``
    but with the SQL built once. A null foreign key gives None along its whole path.
    """

    def __init__(self, model: type[models.Model], *paths: str) -> None:
        self.model = model
        self.paths = paths

    def get(self, pk: Any) -> models.Model | None:
        joins, sql = self._plan()
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.model._meta.pk.get_db_prep_value(pk, connection)])
            row = cursor.fetchone()
        if row is None:
            return None
        instances: list[models.Model | None] = []
        start = 0
        for join in joins:
            values = list(row[start : start + len(join.fields)])
            start += len(join.fields)
            parent = instances[join.parent] if join.parent is not None else None
            if join.parent is not None and (parent is None or values[join.pk_index] is None):
                instances.append(None)
                if parent is not None:
                    join.via.set_cached_value(parent, None)
                continue
            for index, converters, expression in join.converters:
                for convert in converters:
                    values[index] = convert(values[index], expression, connection)
            instance = join.model.from_db(connection.alias, None, values)
            if parent is not None:
                join.via.set_cached_value(parent, instance)
                if join.via.one_to_one:
                    join.via.remote_field.set_cached_value(instance, parent)
            instances.append(instance)
        return instances[0]

    def _plan(self) -> tuple[list[_Join], str]:
        # The converters depend on the vendor (SQLite returns text for datetimes).
        key = (connection.vendor, self.model, self.paths)
        plan = _plan_cache.get(key)
        if plan is None:
            joins = [self._join(self.model, "t0")]
            position: dict[str, int] = {"": 0}
            for path in self.paths:
                prefix = ""
                for name in path.split("__"):
                    step = f"{prefix}__{name}" if prefix else name
                    if step not in position:
                        parent = joins[position[prefix]]
                        field = parent.model._meta.get_field(name)
                        if not (field.many_to_one or field.one_to_one) or not field.concrete:
                            raise ValueError(f"{path!r}: {name!r} is not a forward foreign key")
                        join = self._join(field.related_model, f"t{len(joins)}")
                        join.parent, join.via = position[prefix], field
                        position[step] = len(joins)
                        joins.append(join)
                    prefix = step
            plan = _plan_cache[key] = (joins, self._sql(joins))
        return plan

    @staticmethod
    def _join(model: type[models.Model], alias: str) -> _Join:
        fields = list(model._meta.concrete_fields)
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((index, found, column))
        # A LEFT JOIN that found nothing shows as a null primary key.
        return _Join(model, alias, fields, converters, fields.index(model._meta.pk))

    def _sql(self, joins: list[_Join]) -> str:
        quote = connection.ops.quote_name
        columns = ", ".join(
            f"{join.alias}.{quote(field.column)}" for join in joins for field in join.fields
        )
        tables = [f"{quote(joins[0].model._meta.db_table)} {joins[0].alias}"]
        for join in joins[1:]:
            parent = joins[join.parent]
            target = join.via.target_field.column
            tables.append(
                f"LEFT JOIN {quote(join.model._meta.db_table)} {join.alias} "
                f"ON {join.alias}.{quote(target)} = {parent.alias}.{quote(join.via.column)}"
            )
        pk = quote(self.model._meta.pk.column)
        return f"SELECT {columns} FROM {' '.join(tables)} WHERE t0.{pk} = %s"
