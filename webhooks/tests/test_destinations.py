"""The address rule shared by subscription and sending (pure functions)."""

from __future__ import annotations

import ipaddress

import pytest

from webhooks.destinations import (
    DestinationRefused,
    address_forbidden,
    destination_parse,
    host_allow_listed,
)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.255.254",
        "10.0.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address under test, nothing binds to it
        "255.255.255.255",
        "224.0.0.251",
        "240.0.0.1",
        "198.18.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2001:db8::1",
    ],
)
def test_non_public_addresses_are_forbidden(address):
    assert address_forbidden(ipaddress.ip_address(address)) is True


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert address_forbidden(ipaddress.ip_address(address)) is False


def test_the_allow_list_compares_normalized_hosts():
    assert host_allow_listed("localhost", ["LOCALHOST."])
    assert host_allow_listed("::1", ["[0:0:0:0:0:0:0:1]"])
    assert host_allow_listed("intranet.infonavit.local", [" intranet.infonavit.local "])
    assert not host_allow_listed("localhost", ["127.0.0.1", ""])
    assert not host_allow_listed("evil-localhost", ["localhost"])


def test_parse_keeps_the_request_target_and_default_ports():
    https = destination_parse("HTTPS://Hooks.Example.com/a/b?x=1#frag")
    http6 = destination_parse("http://[::1]:8080")

    assert (https.scheme, https.host, https.port, https.target) == (
        "https",
        "hooks.example.com",
        443,
        "/a/b?x=1",
    )
    assert (http6.host, http6.port, http6.target) == ("::1", 8080, "/")


def test_parse_refuses_non_ascii_and_overlong_urls():
    with pytest.raises(DestinationRefused) as non_ascii:
        destination_parse("https://hooks.example.com/canción")
    with pytest.raises(DestinationRefused) as too_long:
        destination_parse("https://hooks.example.com/" + "a" * 2000)

    assert non_ascii.value.code == "invalid"
    assert too_long.value.code == "max_length"
