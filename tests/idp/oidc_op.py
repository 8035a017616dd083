"""Start the test OpenID Connect provider (django-oauth-toolkit, `tests/idp/oidc_provider`)
in its own process on a free localhost port, and stop it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import requests

from tests.idp.keys import key_and_certificate

SERVE = Path(__file__).parent / "oidc_provider" / "serve.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class OidcProvider:
    folder: Path
    people: dict  # username -> {"password": ..., "claims": {...}}
    clients: list  # [{"name", "client_id", "client_secret", "redirect_uris", ...}]

    def start(self) -> OidcProvider:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        key, _ = key_and_certificate(self.folder, "oidc-op")
        config = self.folder / "config.json"
        config.write_text(
            json.dumps(
                {
                    "port": self.port,
                    "database": str(self.folder / "op.sqlite3"),
                    "key_file": str(key),
                    "people": self.people,
                    "clients": self.clients,
                }
            )
        )
        env = {**os.environ, "OIDC_PROVIDER_CONFIG": str(config)}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.pop("DATABASE_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, str(SERVE)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"OIDC provider ended: {self.process.stdout.read()}")
            try:
                if requests.get(self.discovery_url, timeout=2).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("OIDC provider did not start within 60 s")

    @property
    def discovery_url(self) -> str:
        return f"{self.base}/o/.well-known/openid-configuration"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def sign_in(self, authorize_url: str, username: str) -> str:
        """Play the browser at the provider: log in, follow to our callback; its URL."""
        browser = requests.Session()
        page = browser.get(authorize_url, timeout=10)
        assert "csrfmiddlewaretoken" in page.text, page.text[:500]
        token = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        answer = browser.post(
            page.url,
            data={
                "csrfmiddlewaretoken": token,
                "username": username,
                "password": self.people[username]["password"],
                "next": unescape(page.text.split('name="next" value="')[1].split('"')[0]),
            },
            headers={"Referer": page.url},
            allow_redirects=False,
            timeout=10,
        )
        location = answer.headers["Location"]
        while location.startswith("/") or location.startswith(self.base):
            step = browser.get(
                location if location.startswith("http") else self.base + location,
                allow_redirects=False,
                timeout=10,
            )
            location = step.headers["Location"]
        return location
