"""The integrity audit's registry: each app states its own invariants in `<app>/integrity.py`.

`manage.py audit_integrity` (core/management/commands/audit_integrity.py) imports every app's `integrity`
module (`autodiscover_modules`), and each registers its checks here with `@integrity_check(...)`, so core
imports no app. A check reads the documents straight from MongoDB (streamed, with projections, on indexes),
returns what it examined and what it found, and, asked to repair, fixes only what is safe to fix with a
guarded update (docs/operations.md, "Integrity audit").

A finding names documents by their ids only, never by medical content (names, diagnoses, notes, files).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Model
from django_mongodb_backend.fields import ObjectIdAutoField
from django_mongodb_backend.models import EmbeddedModel

logger = logging.getLogger("opd_wallet.integrity")


@dataclass
class Finding:
    """One broken invariant on some documents. `ids` names them (ids, dates, times: never medical content)."""

    problem: str
    ids: dict[str, Any]
    repairable: bool = False
    repaired: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "problem": self.problem,
            "ids": {key: str(value) for key, value in self.ids.items()},
            "repairable": self.repairable,
            "repaired": self.repaired,
        }


@dataclass
class CheckResult:
    """What one check examined and found. `notes` are worth knowing but are not problems."""

    examined: int = 0
    findings: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)

    @property
    def remaining(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.repaired]


@dataclass(frozen=True)
class AuditOptions:
    repair: bool = False
    since: str | None = None  # "YYYY-MM-DD": the first date the place checks look at (None: clinic-local today)


CheckFunction = Callable[[AuditOptions], CheckResult]


@dataclass(frozen=True)
class IntegrityCheck:
    name: str  # "<app>.<invariant>", e.g. "appointments.capacity"
    description: str
    run: CheckFunction


_checks: dict[str, IntegrityCheck] = {}


def integrity_check(name: str, description: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check (a decorator); registering the same name again replaces it (module reloads)."""

    def register(function: CheckFunction) -> CheckFunction:
        _checks[name] = IntegrityCheck(name=name, description=description, run=function)
        return function

    return register


def integrity_checks() -> list[IntegrityCheck]:
    """Every registered check, after importing each app's `integrity` module, in registration order."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("integrity")
    return list(_checks.values())


@dataclass
class AuditReport:
    results: dict[str, tuple[IntegrityCheck, CheckResult]]

    @property
    def problems(self) -> list[tuple[str, Finding]]:
        """The findings no repair fixed."""
        return [(name, finding) for name, (_, result) in self.results.items() for finding in result.remaining]

    @property
    def repaired(self) -> list[tuple[str, Finding]]:
        return [
            (name, finding)
            for name, (_, result) in self.results.items()
            for finding in result.findings
            if finding.repaired
        ]

    def problem_names(self) -> set[str]:
        return {name for name, _ in self.problems}

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.problems,
            "problems": len(self.problems),
            "repaired": len(self.repaired),
            "checks": [
                {
                    "check": name,
                    "description": check.description,
                    "examined": result.examined,
                    "findings": [finding.as_dict() for finding in result.findings],
                    "notes": [note.as_dict() for note in result.notes],
                }
                for name, (check, result) in self.results.items()
            ],
        }


def integrity_audit(*, repair: bool = False, since: str | None = None, only: Iterable[str] = ()) -> AuditReport:
    """Run every registered check (or those named in `only`); repair the safe findings when asked."""
    options = AuditOptions(repair=repair, since=since)
    wanted = set(only)
    results = {
        check.name: (check, _run(check, options)) for check in integrity_checks() if not wanted or check.name in wanted
    }
    return AuditReport(results=results)


PROBLEM_CHECK_FAILED = "the check stopped on an error (see the log)"


def _run(check: IntegrityCheck, options: AuditOptions) -> CheckResult:
    """One check's result; a check that raises (a document it could not read) is a finding, so the other
    checks still run and report. Logged by the error's class only: its message may hold a stored value."""
    try:
        return check.run(options)
    except Exception as error:
        logger.error("integrity check %s stopped: %s", check.name, type(error).__name__)
        return CheckResult(findings=[Finding(PROBLEM_CHECK_FAILED, {"check": check.name})])


# --- values of the wrong type (every collection) ---------------------------------------------------------------
PROBLEM_WRONG_TYPE = "document holds values of the wrong type (read as empty)"


def stored_models() -> list[type[Model]]:
    """The models stored in a collection of their own, keyed by an ObjectId `_id` (one per collection)."""
    by_collection: dict[str, type[Model]] = {}
    for model in apps.get_models():
        is_own_document = isinstance(model._meta.pk, ObjectIdAutoField) and not issubclass(model, EmbeddedModel)
        if is_own_document and not model._meta.proxy:
            by_collection.setdefault(model._meta.db_table, model)
    return list(by_collection.values())


@integrity_check("core.stored_types", "every stored value has the type its field reads (mongo/stored_types.py)")
def check_stored_types(options: AuditOptions) -> CheckResult:
    """Each document holding a value its field cannot read (the app reads it as empty, with a warning). Only
    reported: the existing system owns these documents, and the right value is not ours to guess."""
    from mongo.raw import collection
    from mongo.stored_types import model_checks, odd_paths

    result = CheckResult()
    for model in stored_models():
        projection = {column: 1 for column, _ in model_checks(model)}
        if not projection:
            continue
        for document in collection(model._meta.db_table).find({}, projection, batch_size=500):
            result.examined += 1
            paths = odd_paths(model, document)
            if paths:
                ids = {"collection": model._meta.db_table, "_id": document["_id"], "fields": ", ".join(paths)}
                result.findings.append(Finding(PROBLEM_WRONG_TYPE, ids))
    return result
