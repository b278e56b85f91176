"""API fuzzing: every operation of OUR OpenAPI schema, as a member (Bearer) and as a doctor (cookie + CSRF).

Schemathesis generates requests (schema-valid and schema-invalid) from `/api/schema/` and sends them in-process
to the WSGI app; each response must not be a 5xx and must conform to the schema: a documented status code,
the documented content type and headers, a body that matches. The operations come from the schema itself,
so endpoints added later are fuzzed with no change here.

Generated path parameters, query parameters and top-level body fields are often swapped for REAL values of
the world (tests/world.py: doctors with slots, members, appointments, consultations, prescriptions, ours and
the other party's), so the fuzzer reaches real objects, not only 404s.

A short, deterministic run is part of `make test` (FUZZ_EXAMPLES per operation, 15 by default); `make fuzz`
runs the long one (FUZZ_EXAMPLES=200) and prints a summary of the status codes seen per operation.
"""

import copy
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, MutableMapping
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.world import DOCTOR, MEMBER, World, build_world, credentials

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
METHODS = {"get", "put", "post", "patch", "delete"}
# A parameter or body field named `<kind>Id`, `<kind>_id`, `_ref` or `_key` takes that kind of real id (tests/world.py).
ID_KINDS = ("appointment", "consultation", "prescription", "doctor", "clinic", "slot", "exception", "notification")


def _raw_schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """(METHOD, path) of every operation in the schema."""
    return [(method.upper(), path) for path, item in raw["paths"].items() for method in item if method in METHODS]


def _owner(operation: dict[str, Any]) -> str:
    """The role an operation is for: doctor when it accepts the doctor's cookie, else member."""
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    return DOCTOR if "doctorSession" in schemes else MEMBER


RAW = _raw_schema()
# A copy: schemathesis works on the schema it is given in place (its examples), and RAW must stay what is served.
SCHEMA = schemathesis.openapi.from_dict(copy.deepcopy(RAW))
STATS: dict[str, Counter] = defaultdict(Counter)


@pytest.fixture(scope="module", autouse=True)
def _app() -> None:
    # Django's WSGI handler, as opd_wallet/wsgi.py builds it, minus that module's start of the embedded
    # on-disk database (the tests already point Django at their in-memory server).
    from django.core.wsgi import get_wsgi_application

    SCHEMA.app = get_wsgi_application()


@pytest.fixture(scope="module", autouse=True)
def _summary(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if not os.environ.get("FUZZ_SUMMARY"):
        return
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        _write_summary(reporter)


def _write_summary(reporter: Any) -> None:
    reporter.write_line("")
    reporter.write_line(f"fuzz summary: {EXAMPLES} examples per operation and role")
    total = Counter()
    for label in sorted(STATS):
        total.update(STATS[label])
        codes = ", ".join(f"{code}: {count}" for code, count in sorted(STATS[label].items()))
        reporter.write_line(f"  {label:<70} {codes}")
    reporter.write_line(
        f"  {'all':<70} {sum(total.values())} requests; "
        + ", ".join(f"{code}: {count}" for code, count in sorted(total.items()))
    )


def _id_kind(name: str) -> str | None:
    lowered = name.lower().replace("_", "")
    return next((kind for kind in ID_KINDS if lowered in (f"{kind}id", f"{kind}ref", f"{kind}key")), None)


def _real_values() -> dict[str, list[Any]]:
    """Field or parameter name (lower-case, no `_`) -> valid values beyond ids: dates, times, enums."""
    today = timezone.localdate()
    return {
        "date": [(today + timedelta(days=n)).isoformat() for n in range(4)],
        "appointmentdate": [(today + timedelta(days=n)).isoformat() for n in range(1, 4)],
        "timeslot": ["09:00 AM", "10:30 AM", "02:00 PM", "08:00 PM"],
        "appointmenttype": ["IN_CLINIC", "ONLINE"],
        "type": ["IN_CLINIC", "ONLINE"],
        "contactnumber": ["+919876543210"],
        "callpreference": ["VIDEO", "VOICE", "BOTH"],
        "status": ["PENDING_CONFIRMATION", "CONFIRMED", "COMPLETED", "CANCELLED"],
        "dayofweek": ["Monday", "Wednesday", "Sunday"],
        "starttime": ["00:00", "01:00", "02:30"],
        "endtime": ["01:00", "02:30", "05:00"],
        "consultationtype": ["IN_CLINIC", "ONLINE", "BOTH"],
        "consultationfee": [0, 500, 1200.5],
        "slotduration": [15, 30],
        "maxpatients": [1, 3],
    }


REAL_VALUES = _real_values()


def _body_fields(path: str, method: str) -> list[str]:
    """Property names of the operation's JSON request body (so the fuzzer may add optional ones)."""
    content = RAW["paths"][path][method.lower()].get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema", {})
    if "$ref" in schema:
        schema = RAW["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return list(schema.get("properties", {}))


def _without_host(case: Any) -> None:
    """The Host header belongs to the transport (the proxy sets it); Django answers one it does not serve with
    400 on every URL, which test_a_foreign_host_is_a_plain_400 holds, not each operation's schema."""
    headers = case.headers  # a case-insensitive mapping, not a dict
    if isinstance(headers, MutableMapping):
        for name in [name for name in headers if name.lower() == "host"]:
            del headers[name]


def _enrich(case: Any, data: st.DataObject, world: World, path: str, method: str) -> None:
    """Swap generated values for real ones (mostly), all from one party, so requests reach real objects."""
    party = data.draw(st.sampled_from([world.mine, world.theirs]))
    mostly = st.sampled_from((True, True, False))

    def real(name: str) -> list[Any]:
        kind = _id_kind(name)
        if kind is not None:
            return world.ids(kind, party)
        return REAL_VALUES.get(name.lower().replace("_", ""), [])

    def swap(container: dict[str, Any] | None, names: list[str]) -> None:
        for name in names:
            values = real(name)
            if values and data.draw(mostly):
                container[name] = data.draw(st.sampled_from(values))

    _without_host(case)
    if isinstance(case.path_parameters, dict):
        swap(case.path_parameters, list(case.path_parameters))
    if isinstance(case.query, dict):
        swap(case.query, list(case.query))
    if isinstance(case.body, dict):
        swap(case.body, list(dict.fromkeys([*case.body, *_body_fields(path, method)])))


def _fuzz(world: World, role: str, method: str, path: str, examples: int) -> None:
    auth = credentials(world, role)
    operation = SCHEMA[path][method]
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @given(case=strategy, data=st.data())
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    def fuzz(case: Any, data: st.DataObject) -> None:
        _enrich(case, data, world, path, method)
        response = case.call(headers=auth.headers, cookies=auth.cookies)
        if os.environ.get("FUZZ_DEBUG"):
            print("FUZZ", role, method, case.formatted_path, case.body, response.status_code, response.content[:300])
        STATS[f"{role:<6} {method} {path}"][response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=auth.headers)

    fuzz()


@pytest.mark.parametrize(("method", "path"), _operations(RAW))
def test_operation_survives_fuzzing(method: str, path: str) -> None:
    """No 5xx and every response as documented, for schema-valid and schema-invalid requests.

    FUZZ_EXAMPLES requests as the role the operation is for, a few as the other role (mostly 401/403).
    """
    world = build_world()
    owner = _owner(RAW["paths"][path][method.lower()])
    other = MEMBER if owner == DOCTOR else DOCTOR
    _fuzz(world, owner, method, path, EXAMPLES)
    _fuzz(world, other, method, path, max(3, EXAMPLES // 5))


def test_every_operation_of_the_schema_is_fuzzed() -> None:
    """The harness reads the operations from the schema: a new endpoint is fuzzed with no change here."""
    served = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert served == RAW  # what /api/schema/ serves is what the fuzzer reads
    labels = set(_operations(RAW))
    assert ("GET", "/api/v1/doctors") in labels
    assert ("POST", "/api/v1/doctor/appointments/{appointmentId}/confirm") in labels
    assert all(re.match(r"^/(api|auth)/", path) for _, path in labels)


@pytest.mark.parametrize("host", ["_17", "evil.example", "a" * 300])
def test_a_foreign_host_is_a_plain_400(host: str) -> None:
    """Not in any operation's schema, so the fuzzer leaves Host alone (see `_enrich`): checked here instead."""
    response = Client().get("/api/v1/cities", HTTP_HOST=host)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]


def test_the_fuzzer_drops_a_generated_host_header() -> None:
    """schemathesis keeps generated headers in a case-insensitive mapping (not a dict): `_without_host` must
    still find `HOST` there (a full run once sent `HOST: _17` to three operations)."""
    from types import SimpleNamespace

    from requests.structures import CaseInsensitiveDict

    case = SimpleNamespace(headers=CaseInsensitiveDict({"HOST": "_17", "X-Other": "1"}))
    _without_host(case)
    assert dict(case.headers) == {"X-Other": "1"}
