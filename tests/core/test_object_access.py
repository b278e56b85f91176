"""Nobody reaches someone else's records by guessing ids: every id-taking route, found in the URL resolver.

For each route with an id of a private kind (appointment, consultation, prescription, slot) and each method,
a member (Bearer) and a doctor (cookie + CSRF) of one party (tests/world.py) send the OTHER party's ids, in
every form the world has (`_id` hex and business id). The answer must be exactly what an id that does not
exist gets (404 for the owner's role; 401/403/405 or the login redirect otherwise): never a success, a
conflict or a different error that would tell the record exists. Routes that other apps add later are
covered with no change here; a route whose id this test cannot classify fails until ID_KINDS names it.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.world import MEMBER, Party, World, build_world, credentials

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
PRIVATE_KINDS = ("appointment", "consultation", "prescription", "slot")
PUBLIC_KINDS = ("doctor", "clinic", "specialty")
SKIPPED_PREFIXES = ("admin/", "static/", "api/schema", "api/docs")
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
UNKNOWN_ID = "6b0000000000000000000000"  # well-formed, never issued


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and CONVERTER.search(route):
            yield route


def id_routes() -> list[str]:
    """Every route of the project that takes a path parameter (admin and docs aside)."""
    return sorted({r for r in _routes(get_resolver().url_patterns) if not r.startswith(SKIPPED_PREFIXES)})


def _kind(name: str) -> str:
    lowered = name.lower().replace("_", "")
    for kind in PRIVATE_KINDS + PUBLIC_KINDS:
        if lowered in (kind, f"{kind}id", f"{kind}ref"):
            return kind
    raise AssertionError(f"unknown id {name!r} in a route: add its kind to tests/core/test_object_access.py")


def _private_kind(route: str) -> str | None:
    kinds = [_kind(m["name"]) for m in CONVERTER.finditer(route)]
    return next((kind for kind in kinds if kind in PRIVATE_KINDS), None)


def _url(route: str, world: World, party: Party, ref: str | None = None) -> str:
    """The route with the private id set to `ref` (or the party's first), public ids from the same party."""

    def fill(match: re.Match[str]) -> str:
        kind = _kind(match["name"])
        if kind in PRIVATE_KINDS and ref is not None:
            return ref
        ids = world.ids(kind, party)
        return ids[0] if ids else UNKNOWN_ID

    return "/" + CONVERTER.sub(fill, route)


def _client(world: World, role: str) -> Client:
    auth = credentials(world, role)
    client = Client(raise_request_exception=False)
    for name, value in auth.cookies.items():
        client.cookies[name] = value
    client.defaults.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in auth.headers.items()})
    return client


def _answer(client: Client, method: str, url: str) -> tuple[int, Any]:
    response = getattr(client, method)(url)
    if 300 <= response.status_code < 400:
        return response.status_code, response["Location"]
    if response.get("Content-Type", "").startswith("application/json"):
        return response.status_code, response.json()
    return response.status_code, None


def test_the_project_has_private_id_routes() -> None:
    """Guards the test below against a resolver walk that finds nothing."""
    routes = [r for r in id_routes() if _private_kind(r)]
    assert "api/v1/appointments/<str:appointment_id>" in routes
    assert "api/v1/doctor/slots/<str:slot_id>" in routes


@pytest.mark.parametrize("role", ["member", "doctor"])
def test_nobody_reaches_the_other_partys_records_by_id(role: str) -> None:
    world = build_world()
    client = _client(world, role)
    checked = reached_own = 0
    for route in id_routes():
        kind = _private_kind(route)
        if kind is None:
            continue
        for method in METHODS:
            unknown = _answer(client, method, _url(route, world, world.mine, UNKNOWN_ID))
            for ref in world.ids(kind, world.theirs):
                foreign = _answer(client, method, _url(route, world, world.theirs, ref))
                assert foreign == unknown, f"{role} {method.upper()} /{route} with the other party's {ref}"
                assert not 200 <= foreign[0] < 300
                checked += 1
            own = [_answer(client, method, _url(route, world, world.mine, ref)) for ref in world.ids(kind, world.mine)]
            reached_own += any(answer[0] != unknown[0] for answer in own)
    assert checked > 0
    assert reached_own > 0, f"the {role} reached none of its own records: the test would prove nothing"


def test_a_member_never_sees_another_members_records_in_lists() -> None:
    world = build_world()
    client = _client(world, MEMBER)
    theirs = {ref for kind in PRIVATE_KINDS for ref in world.ids(kind, world.theirs)}
    for path in ("/api/v1/appointments", "/api/v1/prescriptions", "/api/v1/consultations"):
        response = client.get(path, {"page_size": 100})
        if response.status_code == 404:
            continue  # not an endpoint (yet)
        assert response.status_code == 200, path
        assert not theirs & set(re.findall(r'"([^"]+)"', response.content.decode())), path
