"""Fixtures for the webhooks tests: API clients, cases, a fake DNS and a real local receiver."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from infonavit_atencion.core.api_scopes import Scope
from tests.support.accounts import Caller, CallerFactory
from webhooks import destinations

PUBLIC_ADDRESS = "93.184.216.34"

# What the fake DNS answers; a test may change an entry (DNS rebinding).
DNS: dict[str, list[str]] = {}
DEFAULT_DNS = {
    "hooks.example.com": [PUBLIC_ADDRESS],
    "localhost": ["127.0.0.1", "::1"],
    "intranet.infonavit.local": ["10.20.30.40"],
    "mixed.example.com": [PUBLIC_ADDRESS, "192.168.1.10"],
    "rebind.example.com": [PUBLIC_ADDRESS],
    "2130706433": ["127.0.0.1"],  # what getaddrinfo makes of a decimal IPv4 literal
}


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """No test depends on the real DNS: names resolve from DNS (unknown names fail)."""
    DNS.clear()
    DNS.update({name: list(addresses) for name, addresses in DEFAULT_DNS.items()})

    def resolve(host: str, port: int) -> list[str]:
        if host not in DNS:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(DNS[host])

    monkeypatch.setattr(destinations, "resolve_host", resolve)
    return DNS


@pytest.fixture
def caller_for(db: Any) -> Callable[..., Caller]:
    """`caller_for("SISTEMA_A", [scopes])` → an API client and an APIClient with its token."""

    def make(name: str, scopes: list[str] | None = None, channel: str = "MICUENTA") -> Caller:
        granted = [Scope.WEBHOOKS_MANAGE, Scope.CASES_READ, Scope.CASES_WRITE]
        return CallerFactory(
            name=name, scopes=granted if scopes is None else scopes, channel=channel
        )

    return make


# --- A real HTTP receiver on 127.0.0.1 ------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A local HTTP server answering POSTs with the scripted statuses (the last one repeats)."""

    port: int = 0
    statuses: list[int] = field(default_factory=lambda: [200])
    requests: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/atencion"

    def answer(self, *statuses: int) -> None:
        self.statuses = list(statuses)


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    state = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with lock:
                state.requests.append(Received(self.path, dict(self.headers.items()), body))
                status = state.statuses.pop(0) if len(state.statuses) > 1 else state.statuses[0]
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", f"http://127.0.0.1:{state.port}/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
