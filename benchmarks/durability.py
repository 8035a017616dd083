"""Durability: nothing acknowledged is lost when PostgreSQL restarts under a write load.

Starts `peerstod serve` (gunicorn, production mode, DEBUG off) on a fresh PostgreSQL
database with the demo, then runs writers that each fetch the public suggestion box and
send a suggestion with a numbered text, from distinct client addresses, for a bounded
time. In the middle PostgreSQL is stopped (fast shutdown) and started again a few
seconds later. Afterwards it counts:

- every suggestion acknowledged with the thank-you page is in the database;
- every answer during the outage was the 503 page (Swedish, Retry-After), never a
  traceback or a bare 500;
- how long after PostgreSQL was back the app answered again, without being restarted.

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and the right to restart it
with pg_ctlcluster (as .ci/run has). Prints figures; never fails on time. Run:

    .venv/bin/python benchmarks/durability.py [--writers 6] [--seconds 24]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

PORT = 8097
DB = "peerstod_durability"
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
MARK = "Hållbarhetsprov förslag nummer"


def psql(sql: str, database: str = DB) -> str:
    done = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def cluster(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    args = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]
    if action == "stop":
        args += ["-m", "fast"]
    subprocess.run(args, check=True, capture_output=True)


def request(method, path, *, body=None, cookies=None, client="10.0.0.1"):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=20)
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": client}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"https://127.0.0.1:{PORT}{path}"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    jar = dict(cookies or {})
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key] = rest.split(";", 1)[0]
    return response.status, dict(response.getheaders()), text, jar


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acknowledged: list[str] = []
        self.statuses: Counter[str] = Counter()
        self.bad: list[str] = []
        self.times: list[tuple[float, bool]] = []  # (when, answered without an outage page)

    def note(self, status: int, headers: dict, text: str, what: str) -> None:
        with self.lock:
            self.statuses[f"{what} {status}"] += 1
            self.times.append((time.monotonic(), status < 500))
            if status >= 500 and (
                status != 503
                or "Tjänsten är pausad en kort stund" not in text
                or headers.get("Retry-After") != "5"
            ):
                self.bad.append(f"{what} {status}: {text[:200]!r}")
            if "Traceback" in text:
                self.bad.append(f"{what} {status}: a traceback")


def writer(index: int, code: str, stop: float, tally: Tally) -> None:
    box = f"/ni-sa-vi-gjorde/{code}/forslag/"
    number = 0
    while time.monotonic() < stop:
        number += 1
        client = f"10.{index}.{number // 250}.{number % 250 + 1}"
        marker = f"{MARK} {index}-{number}"
        try:
            status, headers, page, jar = request("GET", box, client=client)
            tally.note(status, headers, page, "GET")
            if status != 200:
                time.sleep(0.2)
                continue
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            once = re.search(r'name="once" value="([^"]*)"', page)
            topic = re.search(r'<option value="([^"]+)"', page).group(1)
            body = urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "topic": topic,
                    "text": marker,
                    "once": once.group(1) if once else "",
                }
            )
            status, headers, page, _jar = request(
                "POST", box, body=body, cookies=jar, client=client
            )
            tally.note(status, headers, page, "POST")
            if status == 200 and "Tack" in page:
                with tally.lock:
                    tally.acknowledged.append(marker)
        except (OSError, http.client.HTTPException) as error:
            with tally.lock:
                tally.statuses[f"connection {type(error).__name__}"] += 1
            time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=24.0)
    parser.add_argument("--outage", type=float, default=4.0)
    args = parser.parse_args()

    here = Path(sys.executable).parent
    peerstod = str(here / "peerstod")
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-qc",
            f"DROP DATABASE IF EXISTS {DB}",
        ],
        check=True,
        capture_output=True,
    )
    psql(f"CREATE DATABASE {DB}", database="postgres")
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{PORT}",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "BEHIND_PROXY": "true",
        "SITE_URL": f"https://127.0.0.1:{PORT}",
        "PEERSTOD_VAR_DIR": tempfile.mkdtemp(prefix="peerstod-durability-"),
        "DEMO_PASSWORD": "peerstod-demo",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # Many clients are simulated from one machine: the suggestion box's own limit
        # per address is kept, the addresses differ.
        "RATE_LIMIT_BOX": "1000/h",
    }
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"], ["demo", "--force"]):
        subprocess.run([peerstod, *command], env=env, check=True, capture_output=True)
    code = psql("SELECT public_code FROM forum_forum ORDER BY id LIMIT 1")
    server = subprocess.Popen(
        [peerstod, "serve", "--bind", f"127.0.0.1:{PORT}", "--workers", "3"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(env["PEERSTOD_VAR_DIR"]) / "gunicorn.log", "w"),  # noqa: SIM115
    )
    try:
        for _ in range(120):
            try:
                if request("GET", "/readyz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        tally = Tally()
        start = time.monotonic()
        stop = start + args.seconds
        threads = [
            threading.Thread(target=writer, args=(i, code, stop, tally))
            for i in range(args.writers)
        ]
        for thread in threads:
            thread.start()
        time.sleep(args.seconds / 3)
        down_at = time.monotonic()
        cluster("stop")
        time.sleep(args.outage)
        cluster("start")
        up_at = time.monotonic()
        for thread in threads:
            thread.join()
        stored = set(
            psql(f"SELECT text FROM forum_suggestion WHERE text LIKE '{MARK}%'").split("\n")
        )
        stored.discard("")
        lost = [m for m in tally.acknowledged if m not in stored]
        first_ok = next((t for t, ok in sorted(tally.times) if t > up_at and ok), None)
        during = [ok for t, ok in tally.times if down_at <= t <= up_at]
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
    print(
        f"writers: {args.writers}, load: {args.seconds:.0f} s, PostgreSQL down {args.outage:.0f} s"
    )
    print(f"suggestions acknowledged: {len(tally.acknowledged)}")
    print(f"of those in the database afterwards: {len(tally.acknowledged) - len(lost)}")
    print(
        f"rows stored in all: {len(stored)} (stored but not acknowledged: "
        f"{len(stored - set(tally.acknowledged))})"
    )
    print(
        f"answers while PostgreSQL was down: {len(during)}, of which outage pages: "
        f"{during.count(False)}"
    )
    for key, count in sorted(tally.statuses.items()):
        print(f"  {key}: {count}")
    print(f"answers that were neither right nor the 503 page: {len(tally.bad)}")
    for line in tally.bad[:5]:
        print("   ", line)
    if first_ok is not None:
        print(
            f"first successful answer {first_ok - up_at:.2f} s after PostgreSQL was started "
            "again (gunicorn not restarted)"
        )
    else:
        print("the app did not answer successfully after PostgreSQL came back")
    return 1 if lost or tally.bad or first_ok is None else 0


if __name__ == "__main__":
    raise SystemExit(main())
