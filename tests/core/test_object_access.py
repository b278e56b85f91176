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
PRIVATE_KINDS = (
    "appointment",
    "consultation",
    "prescription",
    "slot",
    "exception",
    "notification",
)  # exception: time off
PUBLIC_KINDS = ("doctor", "clinic", "specialty")
# A secret in the URL is the key itself, not an id to guess (a doctor's calendar feed: an unknown, renewed or
# revoked token is 404, tests/notifications/test_calendar.py); such routes are not id routes here.
CAPABILITY_KINDS = ("token",)
GENERIC_NAMES = ("key", "pk", "id", "ref", "objectid")  # the kind comes from the segment before: appointments/<key>
SKIPPED_PREFIXES = ("admin/", "static/", "api/schema", "api/docs")
# `<str:name>` (path()) or `(?P<name>regex)` (re_path()), with the path segment before it.
PARAMETER = re.compile(
    r"(?P<before>[\w-]*)/?\^?(?P<placeholder><(?:[^>:]+:)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>(?P<rx>[^)]*)\))"
)
CHOICES = re.compile(r"^\w+(\|\w+)+$")
UNKNOWN_ID = "6b0000000000000000000000"  # well-formed, never issued


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and PARAMETER.search(route):
            yield route


def id_routes() -> list[str]:
    """Every route of the project that takes a path parameter (admin and docs aside)."""
    return sorted({r for r in _routes(get_resolver().url_patterns) if not r.startswith(SKIPPED_PREFIXES)})


def _kind(name: str, before: str) -> str:
    lowered = name.lower().replace("_", "")
    if lowered in GENERIC_NAMES:
        lowered = before.lower().removesuffix("s")
    for kind in PRIVATE_KINDS + PUBLIC_KINDS + CAPABILITY_KINDS:
        if lowered in (kind, f"{kind}id", f"{kind}ref", f"{kind}key"):
            return kind
    raise AssertionError(f"unknown id {name!r} in a route: add its kind to tests/core/test_object_access.py")


def _parameters(route: str) -> list[tuple[re.Match[str], str | None, list[str]]]:
    """(match, kind or None, choices) per parameter; a choice group like (?P<action>a|b) lists its values."""
    found = []
    for match in PARAMETER.finditer(route):
        if match["rx"] and CHOICES.match(match["rx"]):
            found.append((match, None, match["rx"].split("|")))
        else:
            found.append((match, _kind(match["name"] or match["rname"], match["before"]), []))
    return found


def _private_kind(route: str) -> str | None:
    return next((kind for _, kind, _ in _parameters(route) if kind in PRIVATE_KINDS), None)


def _urls(route: str, world: World, party: Party, ref: str) -> list[str]:
    """The route with its private id set to `ref`, public ids from `party`, one URL per choice of a choice group."""
    urls = [""]
    position = 0
    for match, kind, choices in _parameters(route):
        literal = route[position : match.start("placeholder")].replace("^", "").replace("$", "")
        if kind in PRIVATE_KINDS:
            values = [ref]
        elif kind is not None:
            values = (world.ids(kind, party) or [UNKNOWN_ID])[:1]
        else:
            values = choices
        urls = [url + literal + value for url in urls for value in values]
        position = match.end()
    tail = route[position:].replace("^", "").replace("$", "")
    return ["/" + url + tail for url in urls]


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
        return response.status_code, response["Location"].split("?")[0]  # ?next= repeats the URL asked for
    if response.get("Content-Type", "").startswith("application/json"):
        return response.status_code, response.json()
    return response.status_code, None


def test_the_project_has_private_id_routes() -> None:
    """Guards the test below against a resolver walk that finds nothing."""
    routes = [r for r in id_routes() if _private_kind(r)]
    assert "api/v1/appointments/<str:appointmentId>" in routes
    assert "api/v1/doctor/slots/<str:slotId>" in routes


def test_route_parameters_are_filled_by_kind() -> None:
    world = build_world()
    party = world.theirs
    slot = str(party.slots[0].pk)
    assert _urls("portal/^slots/(?P<slot_id>[0-9a-fA-F]{24})/(?P<action>activate|delete)/$", world, party, slot) == [
        f"/portal/slots/{slot}/activate/",
        f"/portal/slots/{slot}/delete/",
    ]
    assert _urls("api/v1/prescriptions/<str:key>/file", world, party, "P1") == ["/api/v1/prescriptions/P1/file"]
    assert _urls("api/v1/doctors/<str:doctor_id>/x/<str:appointment_id>", world, party, "A") == [
        f"/api/v1/doctors/{party.doctor.doctor_id}/x/A"
    ]


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
            for variant, unknown_url in enumerate(_urls(route, world, world.mine, UNKNOWN_ID)):
                unknown = _answer(client, method, unknown_url)
                for ref in world.ids(kind, world.theirs):
                    url = _urls(route, world, world.theirs, ref)[variant]
                    foreign = _answer(client, method, url)
                    assert foreign == unknown, f"{role} {method.upper()} {url}: the other party's {kind}"
                    assert not 200 <= foreign[0] < 300
                    checked += 1
                own = [
                    _answer(client, method, _urls(route, world, world.mine, ref)[variant])
                    for ref in world.ids(kind, world.mine)
                ]
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
