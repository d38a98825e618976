"""Declared data checks (warehouse/checks.toml, in the spirit of dbt schema tests) compiled from the generic
test templates in sql/checks/ and run against the warehouse after each load."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from vigie.core.errors import WarehouseError
from warehouse.connection import first_line, sql_text

CHECKS_FILE = Path(__file__).resolve().parent / "checks.toml"
SAMPLE = 3
_IDENT = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True)
class CheckResult:
    table: str
    column: str | None
    test: str
    failures: int
    sample: list[str] = field(default_factory=list)  # keys of a few failing rows
    detail: str = ""  # the accepted values, pattern or expression

    @property
    def passed(self) -> bool:
        return self.failures == 0

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}:{self.test}" if self.column else f"{self.table}:{self.test}"

    def __str__(self) -> str:
        if self.passed:
            return f"{self.name} passed"
        example = f" (e.g. {', '.join(self.sample)})" if self.sample else ""
        detail = f" [{self.detail}]" if self.detail else ""
        return f"{self.name}{detail}: {self.failures} failing row(s){example}"


@dataclass(frozen=True)
class _Check:
    table: str
    key: str
    column: str | None
    test: str
    sql: str
    params: dict[str, Any]
    detail: str


def _ident(name: str, where: str) -> str:
    if not name or not set(name) <= _IDENT:
        raise WarehouseError(f"{CHECKS_FILE.name}: {where}: {name!r} is not a plain table or column name")
    return name


def load_checks(path: Path = CHECKS_FILE) -> list[_Check]:
    try:
        with open(path, "rb") as fh:
            models = tomllib.load(fh).get("models", [])
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise WarehouseError(f"{path}: cannot read the declared checks ({exc})") from None
    out: list[_Check] = []
    for model in models:
        table = _ident(model.get("name", ""), "model name")
        key = _ident(model.get("key", "id"), f"model {table} key")
        for test in model.get("tests", []):
            if not isinstance(test, dict) or "expression" not in test:
                raise WarehouseError(f"{path.name}: model {table}: a table test needs an `expression`")
            sql = _fill("checks/expression.sql", table=table, key=key, expression=test["expression"])
            out.append(_Check(table, key, None, test.get("name", "expression"), sql, {}, test["expression"]))
        for column in model.get("columns", []):
            name = _ident(column.get("name", ""), f"model {table} column")
            for test in column.get("tests", []):
                out.append(_compile(table, key, name, test, path))
    return out


def _compile(table: str, key: str, column: str, test: str | dict[str, Any], path: Path) -> _Check:
    where = f"{path.name}: {table}.{column}"
    if isinstance(test, str):
        if test not in ("unique", "not_null"):
            raise WarehouseError(f"{where}: unknown test {test!r} (expected unique, not_null or a table)")
        kind, params, detail = test, {}, ""
    elif isinstance(test, dict) and len(test) == 1:
        kind, value = next(iter(test.items()))
        if kind == "accepted_values" and isinstance(value, list):
            params, detail = {"values": [str(v) for v in value]}, ", ".join(map(str, value))
        elif kind in ("matches", "each_matches") and isinstance(value, str):
            params, detail = {"pattern": value}, value
        else:
            raise WarehouseError(f"{where}: unknown or malformed test {test!r}")
    else:
        raise WarehouseError(f"{where}: unknown or malformed test {test!r}")
    sql = _fill(f"checks/{kind}.sql", table=table, key=key, column=column)
    return _Check(table, key, column, kind, sql, params, detail)


def _fill(template: str, **names: str) -> str:
    sql = sql_text(template)
    for name, value in names.items():
        sql = sql.replace("{" + name + "}", value)
    return sql


def run_checks(con: duckdb.DuckDBPyConnection, path: Path = CHECKS_FILE) -> list[CheckResult]:
    results = []
    for check in load_checks(path):
        sql = (
            f"SELECT count(*), list(failing ORDER BY failing)[1:{SAMPLE}] FROM ({check.sql}) AS failing_rows"
        )
        try:
            failures, sample = con.execute(sql, check.params or None).fetchone()
        except duckdb.Error as exc:
            raise WarehouseError(
                f"check {check.table}.{check.column or check.test} cannot run: {first_line(exc)}"
            ) from None
        results.append(
            CheckResult(
                check.table, check.column, check.test, int(failures), list(sample or []), check.detail
            )
        )
    return results
