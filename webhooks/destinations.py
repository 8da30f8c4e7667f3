"""Where a webhook may be sent (SPEC §8): http(s) URLs whose host resolves to public addresses.

The same rule is applied when a client subscribes and again when each request is sent, because
a name that resolved to a public address yesterday may resolve to ``127.0.0.1`` or the cloud
metadata service (``169.254.169.254``) today (DNS rebinding). At send time the connection is
made to the very addresses that were checked (see :mod:`webhooks.delivery`), never to a second
resolution of the name.

A host named in the ``WEBHOOK_ALLOWED_HOSTS`` setting skips the address rule (an internal
system on the institute's network, or ``127.0.0.1`` in a test); the URL rules still apply.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
URL_MAX_LENGTH = 2000
# RFC 6052 well-known prefix: 64:ff9b::a.b.c.d reaches the IPv4 address a.b.c.d through NAT64.
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


class DestinationRefused(Exception):
    """A URL or address webhooks may not be sent to. `code` is stable, `message` in Spanish.

    `message` never names the address a host name resolved to: the subscriber would learn the
    institute's internal addresses from it. `address` keeps it for the delivery log.
    """

    def __init__(self, code: str, message: str, address: str | None = None) -> None:
        self.code = code
        self.message = message
        self.address = address
        super().__init__(message)

    @property
    def message_with_address(self) -> str:
        return f"{self.message} ({self.address})" if self.address else self.message


@dataclass(frozen=True)
class Destination:
    """A parsed webhook URL: what to connect to and what to ask for."""

    url: str
    scheme: str
    host: str  # lower case, IPv6 without brackets, no trailing dot
    port: int
    target: str  # path and query of the request line

    @property
    def is_ip_literal(self) -> bool:
        return _ip_or_none(self.host) is not None


def _ip_or_none(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _normalized_host(host: str) -> str:
    host = host.strip().lower().removeprefix("[").removesuffix("]").rstrip(".")
    ip = _ip_or_none(host)
    return str(ip) if ip is not None else host


def destination_parse(url: str) -> Destination:
    """Check the URL's form: http(s), a host, no credentials, ASCII only. Raises DestinationRefused."""
    url = url.strip()
    if not url:
        raise DestinationRefused("required", _("Indique la URL."))
    if len(url) > URL_MAX_LENGTH:
        raise DestinationRefused(
            "max_length", _("La URL no puede pasar de %(n)d caracteres.") % {"n": URL_MAX_LENGTH}
        )
    if not url.isascii() or any(ord(char) <= 0x20 or ord(char) == 0x7F for char in url):
        raise DestinationRefused(
            "invalid",
            _(
                "La URL sólo puede llevar caracteres ASCII visibles: use punycode para el "
                "dominio y codificación por ciento (%%XX) para la ruta."
            ),
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as bad:
        raise DestinationRefused("invalid", _("La URL no es válida.")) from bad
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise DestinationRefused("invalid_scheme", _("La URL debe empezar con http:// o https://."))
    if parts.username is not None or parts.password is not None:
        raise DestinationRefused(
            "credentials",
            _("La URL no puede llevar usuario ni contraseña; el cuerpo va firmado con el secreto."),
        )
    host = _normalized_host(parts.hostname or "")
    if not host:
        raise DestinationRefused("host_required", _("La URL debe indicar un servidor."))
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    return Destination(url, scheme, host, port or DEFAULT_PORTS[scheme], target)


def allowed_hosts_setting() -> list[str]:
    return list(getattr(settings, "WEBHOOK_ALLOWED_HOSTS", []) or [])


def host_allow_listed(host: str, allowed_hosts: Iterable[str]) -> bool:
    wanted = _normalized_host(host)
    return any(_normalized_host(entry) == wanted for entry in allowed_hosts if entry.strip())


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address reaches: mapped, 6to4, Teredo and NAT64 forms."""
    embedded: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        embedded.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        embedded.append(ip.sixtofour)
    if ip.teredo is not None:
        embedded.extend(ip.teredo)
    if ip in NAT64_PREFIX:
        embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return embedded


def address_forbidden(ip: IPAddress) -> bool:
    """Private, loopback, link-local, multicast, reserved, unspecified or otherwise not global."""
    if isinstance(ip, ipaddress.IPv6Address) and (
        ip.is_site_local or any(address_forbidden(v4) for v4 in _embedded_ipv4(ip))
    ):
        return True
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global  # e.g. 100.64.0.0/10, shared carrier address space
    )


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to for a TCP connection (tests replace this function)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def destination_addresses(destination: Destination, allowed_hosts: Iterable[str]) -> list[str]:
    """The addresses to connect to, all of them checked. Raises DestinationRefused.

    Refused when the name does not resolve, or when ANY of its addresses is not public and the
    host is not allow-listed (an attacker controlling the name chooses which one we would use).
    """
    literal = _ip_or_none(destination.host)
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = resolve_host(destination.host, destination.port)
        except (OSError, UnicodeError) as unresolved:
            raise DestinationRefused(
                "unresolvable",
                _("No se pudo resolver el servidor «%(host)s».") % {"host": destination.host},
            ) from unresolved
        if not addresses:
            raise DestinationRefused(
                "unresolvable",
                _("No se pudo resolver el servidor «%(host)s».") % {"host": destination.host},
            )
    if host_allow_listed(destination.host, allowed_hosts):
        return addresses
    for address in addresses:
        ip = _ip_or_none(address)
        if ip is None or address_forbidden(ip):
            # Never which address: the answer would map the internal network for the caller.
            raise DestinationRefused(
                "forbidden_address",
                _(
                    "El servidor «%(host)s» apunta a una dirección privada, local o reservada; "
                    "sólo se admite si WEBHOOK_ALLOWED_HOSTS lo incluye."
                )
                % {"host": destination.host},
                address=address,
            )
    return addresses
