"""The sign-in throttles key on the client's address: REMOTE_ADDR, or behind trusted proxies the address the
outermost one saw, never what the client wrote into X-Forwarded-For itself."""

import pytest
from django.test import RequestFactory, override_settings
from rest_framework.test import APIClient

from core.client_ip import client_ip
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from users.services import MAX_MEMBER_FAILURES_PER_IP


def _request(remote: str = "10.0.0.9", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored() -> None:
    assert client_ip(_request(forwarded="203.0.113.7")) == "10.0.0.9"


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_behind_one_proxy_the_last_forwarded_entry_is_the_client() -> None:
    assert client_ip(_request(forwarded="198.51.100.66, 203.0.113.7")) == "203.0.113.7"  # the first was forged


@override_settings(TRUSTED_PROXY_HOPS=2)
def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client() -> None:
    assert client_ip(_request(forwarded="198.51.100.66, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_HOPS=1)
@pytest.mark.parametrize("forwarded", [None, "", " , ", "not-an-address", "203.0.113.7; rm -rf /"])
def test_a_missing_or_malformed_forwarded_header_falls_back_to_remote_addr(forwarded: str | None) -> None:
    assert client_ip(_request(forwarded=forwarded)) == "10.0.0.9"


@override_settings(TRUSTED_PROXY_HOPS=2)
def test_a_forwarded_header_shorter_than_the_proxy_chain_falls_back_to_remote_addr() -> None:
    assert client_ip(_request(forwarded="203.0.113.7")) == "10.0.0.9"


@override_settings(TRUSTED_PROXY_HOPS=1)
@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("203.0.113.7:5678", "203.0.113.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
    ],
)
def test_an_entry_with_a_port_reads_as_its_address(forwarded: str, client: str) -> None:
    assert client_ip(_request(forwarded=forwarded)) == client


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_ipv6_addresses_are_kept_in_their_normal_form() -> None:
    assert client_ip(_request(forwarded="2001:DB8::0:1")) == "2001:db8::1"


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_HOPS=1)
def test_behind_a_proxy_the_per_address_sign_in_throttle_counts_each_client_apart() -> None:
    member = UserFactory()
    proxy = APIClient(REMOTE_ADDR="10.0.0.2")  # every request arrives from the proxy

    def sign_in(email: str, password: str, client_address: str) -> int:
        body = {"email": email, "password": password}
        return proxy.post("/api/v1/auth/token", body, format="json", HTTP_X_FORWARDED_FOR=client_address).status_code

    for n in range(MAX_MEMBER_FAILURES_PER_IP):
        assert sign_in(f"nobody{n}@example.com", "wrong", "203.0.113.7") == 401
    assert sign_in(member.email, DEFAULT_PASSWORD, "203.0.113.7") == 429
    assert sign_in(member.email, DEFAULT_PASSWORD, "203.0.113.8") == 200
