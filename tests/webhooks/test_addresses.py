"""Lotse calls public HTTPS addresses only: an outsider must not make it call internal services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from webhooks import addresses

REFUSED = [
    "http://example.org/hook",  # plain HTTP outside loopback
    "https://10.0.0.1/hook",
    "https://172.16.5.4/hook",
    "https://192.168.178.1/hook",
    "https://169.254.169.254/latest/meta-data/",  # a cloud's metadata service (link-local)
    "https://100.64.0.1/",  # carrier-grade NAT
    "https://0.0.0.0/",
    "https://[fe80::1]/",
    "https://[fd00::1]/",
    "https://[::ffff:10.0.0.1]/",  # IPv4-mapped private
    "https://224.0.0.1/",
    "https://intranet/hook",  # a single name only the local network resolves
    "https://user:password@example.org/hook",
    "ftp://example.org/hook",
    "https:///nohost",
    "not a url",
    "https://example.org:99999/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_refused(url):
    with pytest.raises(ValidationError):
        addresses.check(url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/hook", "https://127.0.0.1/hook", "http://localhost:8000/x", "https://[::1]/"]
)
def test_loopback_only_where_the_setting_allows_it(url, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    assert addresses.check(url).host in ("127.0.0.1", "localhost", "[::1]", "::1")
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError):
        addresses.check(url)


def test_a_public_address_is_allowed():
    target = addresses.check("https://93.184.215.14:8443/lotse?x=1")
    assert (target.scheme, target.port, target.path) == ("https", 8443, "/lotse?x=1")


def test_a_name_that_resolves_to_a_private_address_is_refused(monkeypatch):
    monkeypatch.setattr("socket.getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("192.168.1.20", 443))])
    with pytest.raises(ValidationError):
        addresses.check("https://hooks.example.org/x")


def test_a_name_with_one_private_address_among_public_ones_is_refused(monkeypatch):
    monkeypatch.setattr(
        "socket.getaddrinfo",
        lambda *a, **k: [(2, 1, 6, "", ("93.184.215.14", 443)), (2, 1, 6, "", ("10.0.0.7", 443))],
    )
    with pytest.raises(ValidationError):
        addresses.check("https://hooks.example.org/x")


def test_a_name_that_resolves_to_public_addresses_is_allowed(monkeypatch):
    monkeypatch.setattr("socket.getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("93.184.215.14", 443))])
    assert addresses.check("https://hooks.example.org/x").host == "hooks.example.org"


@pytest.mark.parametrize(
    "url", ["https://" + "a" * 64 + ".example.org/", "https://exa\udcffmple.org/", "https://a..b.org/"]
)
def test_a_name_no_resolver_could_be_asked_is_a_clear_error(url):
    with pytest.raises(ValidationError):
        addresses.check(url)
