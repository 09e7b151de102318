"""Which addresses Lotse may call: public HTTPS only, so that nobody can make Lotse call the
services of its own network (SSRF). Plain HTTP is allowed only to loopback and only when
WEBHOOKS_ALLOW_LOOPBACK says so (tests, a developer's machine).

Checked twice: when a subscription is made (a clear form error) and before every delivery, on the
addresses the name resolves to at that moment; the delivery then connects to exactly the address
that was checked, so a name that changes its answer in between (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query


def _loopback_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_LOOPBACK", False))


def _address_ok(ip: IP) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    if ip.is_loopback:
        return _loopback_allowed()
    # is_global is False for private, link-local (169.254.x: cloud metadata), shared (100.64/10),
    # reserved and unspecified addresses.
    return ip.is_global and not ip.is_multicast


def _literal(host: str) -> IP | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def parse(url: str) -> Target:
    """The parts of an allowed URL; ValidationError with a message for people otherwise.
    Resolves no name (see :func:`resolve`)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(
            _("Bitte eine vollständige Adresse angeben, etwa https://beispiel.de/lotse.")
        ) from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or scheme not in ("https", "http"):
        raise ValidationError(_("Bitte eine vollständige Adresse angeben, etwa https://beispiel.de/lotse."))
    if parts.username or parts.password:
        raise ValidationError(_("Zugangsdaten gehören nicht in die Adresse; Lotse signiert jede Zustellung."))
    literal = _literal(host)
    if literal is None:
        try:
            host.encode("idna")  # what the resolver would be asked; refuses what it cannot be
        except UnicodeError as exc:
            raise ValidationError(
                _("Bitte eine vollständige Adresse angeben, etwa https://beispiel.de/lotse.")
            ) from exc
    loopback = host == "localhost" or host.endswith(".localhost") or bool(literal and literal.is_loopback)
    if loopback and not _loopback_allowed():
        raise ValidationError(_("Adressen im eigenen oder in einem internen Netz sind nicht erlaubt."))
    if scheme != "https" and not loopback:
        raise ValidationError(_("Die Adresse muss mit https:// beginnen."))
    if literal is not None and not _address_ok(literal):
        raise ValidationError(_("Adressen im eigenen oder in einem internen Netz sind nicht erlaubt."))
    if literal is None and "." not in host and not loopback:
        # A single name (intranet, a container's name) is resolved by the local network only.
        raise ValidationError(_("Adressen im eigenen oder in einem internen Netz sind nicht erlaubt."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=scheme, host=host, port=port or (443 if scheme == "https" else 80), path=path)


def resolve(target: Target) -> list[IP]:
    """The addresses the host has now; OSError when it has none, ValidationError when any of them
    is not allowed (all must be: which one a client picks is not ours to decide)."""
    literal = _literal(target.host)
    if literal is not None:
        found = [literal]
    elif target.host == "localhost" or target.host.endswith(".localhost"):
        found = [ipaddress.ip_address("127.0.0.1")]
    else:
        try:
            infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
        except UnicodeError as exc:
            raise OSError(f"{target.host!r} cannot be resolved") from exc
        found = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
    if not found:
        raise OSError(f"{target.host} has no address")
    if not all(_address_ok(ip) for ip in found):
        raise ValidationError(_("Adressen im eigenen oder in einem internen Netz sind nicht erlaubt."))
    return found


def check(url: str) -> Target:
    """For the form: the address as :func:`parse` and, where its name resolves now, every address it
    resolves to must be public. A name that does not resolve yet is accepted; each delivery checks again."""
    target = parse(url)
    with contextlib.suppress(OSError):
        resolve(target)
    return target
