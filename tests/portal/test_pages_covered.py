"""Every doctor-portal page is in the accessibility checks (no database, no browser: runs in test-quick)."""

from tests.portal.pages import NOT_PAGES, SAMPLE_ARGUMENTS, STATUS_PAGES, page_url, portal_page_routes, portal_routes

# The pages the portal had when the checks were written: each must still be found.
KNOWN_PAGES = {
    "doctor-login",
    "portal-dashboard",
    "portal-appointments",
    "portal-appointment-detail",
    "portal-slots",
    "portal-slot-edit",
    "portal-prescriptions",
    "portal-profile",
    "portal-consultation-call",
    "portal-appointment-reschedule",
}


def test_every_portal_page_has_a_sample_url() -> None:
    missing = []
    for route in portal_page_routes():
        try:
            page_url(route, SAMPLE_ARGUMENTS)
        except ValueError as exc:
            missing.append(str(exc))
    assert missing == []


def test_the_known_pages_are_found_and_actions_are_not_pages() -> None:
    names = {route.name for route in portal_page_routes()}
    assert names >= KNOWN_PAGES
    assert STATUS_PAGES in names
    assert "portal-appointment-action" not in names  # POST only
    assert "portal-slot-action" not in names
    assert not names & set(NOT_PAGES)


def test_every_portal_route_is_a_page_or_an_action_or_named_in_not_pages() -> None:
    pages = {route.name for route in portal_page_routes()}
    for route in portal_routes():
        answers_get = hasattr(route.view_class, "get")
        assert route.name in pages or route.name in NOT_PAGES or not answers_get, route.name
