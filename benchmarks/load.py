"""Load benchmark (issue #19): every role's main pages under 1, 50 and 500 concurrent
users against gunicorn (DEBUG=false) on PostgreSQL with the synthetic data set.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/load.py --scale region      # or --scale national

One command does it all: it makes the database `peerstod_synth_<scale>` with
`peerstod synth` if it is missing (on PostgreSQL at 127.0.0.1:5432, or DATABASE_URL),
collects the static files, starts gunicorn on 127.0.0.1:8204 (`peerstod.gunicorn_conf`,
DEBUG=false), logs in as each role of the data set the way a person does (password, then
the code an authenticator app computes from the account's known key, with django-otp's
TOTP as .ci/wheel_check.py does), and drives the pages with Locust as a library:

1. one user walking every role's pages in turn (the single-user figures; the login page
   is the baseline),
2. 50, then 500 concurrent users (each holds one role's session and walks its pages
   without think time, as wrk does), `--duration` seconds per level,
3. after the 500-user burst: the time until a plain page (the login page) answers in
   under 300 ms again.

It prints requests/s, p50, p95, p99 per page and level and the error count, then stops
gunicorn. Nothing runs longer than the levels' durations plus start-up.
"""

from __future__ import annotations

# Locust runs on gevent: its monkey-patching must come before anything opens a socket.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import hashlib  # noqa: E402
import hmac  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import psycopg  # noqa: E402
import requests  # noqa: E402
from django_otp.oath import TOTP  # noqa: E402 - plain RFC 6238, no Django settings needed
from locust import FastHttpUser, between, constant, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = int(os.environ.get("LOAD_PORT", "8204"))
BASE = f"http://127.0.0.1:{PORT}"
LOGIN = "/konto/logga-in/"
SEED = 19
PLAIN_MS = 300

# role → [(page name, path or None for "found on the page listed before")]
PAGES: dict[str, list[tuple[str, str]]] = {
    "programme_coordinator": [
        ("start page", "/oversikt/"),
        ("surveys", "/enkater/"),
        ("survey results", "{results}"),
        ("activity report", "/arbete/rapport/"),
        ("outcomes analysis", "/utfall/analys/"),
        ("funnel", "/rekrytering/tratt/"),
        ("forum", "/forum/"),
    ],
    "evaluator": [
        ("start page", "/oversikt/"),
        ("surveys", "/enkater/"),
        ("survey results", "{results}"),
        ("outcomes analysis", "/utfall/analys/"),
    ],
    "unit_manager": [
        ("start page", "/oversikt/"),
        ("activity report", "/arbete/rapport/"),
        ("outcomes analysis", "/utfall/analys/"),
        ("forum", "/forum/"),
        ("surveys", "/enkater/"),
    ],
    "network_coordinator": [
        ("start page", "/oversikt/"),
        ("funnel", "/rekrytering/tratt/"),
        ("peer network", "/handledning/natverk/"),
    ],
    "supervisor": [
        ("start page", "/oversikt/"),
        ("supervision", "/handledning/"),
    ],
    "trainer": [
        ("start page", "/oversikt/"),
        ("cohorts", "/utbildning/"),
    ],
    "peer_supporter": [
        ("start page", "/oversikt/"),
        ("activity log", "/arbete/"),
        ("forum", "/forum/"),
        ("own supervision", "/handledning/min/"),
    ],
}
ROLE_NAMES = {
    "programme_coordinator": "coordinator",
    "evaluator": "evaluator",
    "unit_manager": "manager",
    "network_coordinator": "network",
    "supervisor": "supervisor",
    "trainer": "trainer",
    "peer_supporter": "peer",
}


# --------------------------------------------------------------------------- the server


def _env(database_url: str, var_dir: Path, *, debug: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "PEERSTOD_VAR_DIR": str(var_dir),
            "DEBUG": "true" if debug else "false",
            "HTTPS": "false",
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_CONN_MAX_AGE": env.get("DATABASE_CONN_MAX_AGE", "0"),
            # Redis database 14 is this benchmark's (shared machine); set REDIS_URL="" to
            # use the database cache instead.
            "REDIS_URL": env.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
            "BIND": f"127.0.0.1:{PORT}",
            "SITE_URL": BASE,
            "LOG_REQUESTS": "false",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "-m", "peerstod", *args], env=env, cwd=ROOT, check=True)


def ensure_database(scale: str, database_url: str, var_dir: Path) -> None:
    """Make the database and the data set if the database is missing."""
    name = database_url.rsplit("/", 1)[1]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            print(f"database {name}: there (made earlier)")
            return
        conn.execute(f'CREATE DATABASE "{name}"')
    print(f"database {name}: made; migrating and loading the {scale} data set …")
    env = _env(database_url, var_dir, debug=True)
    started = time.monotonic()
    _manage(env, "migrate", "-v0")
    try:
        _manage(env, "synth", "--scale", scale, "--seed", str(SEED))
    except BaseException:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        raise
    print(f"data set made in {time.monotonic() - started:.0f} s")


def start_server(database_url: str, var_dir: Path, workers: int) -> subprocess.Popen:
    env = _env(database_url, var_dir, debug=False)
    env["WEB_CONCURRENCY"] = str(workers)
    _manage(env, "collectstatic", "--noinput", "-v0")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "python:peerstod.gunicorn_conf", "peerstod.wsgi"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(var_dir / "gunicorn.log", "w"),  # noqa: SIM115 - open while it runs
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(BASE + LOGIN, timeout=5).status_code == 200:
                return server
        except requests.RequestException:
            pass
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped; see {var_dir / 'gunicorn.log'}")
        time.sleep(0.5)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 120 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


# --------------------------------------------------------------------------- logging in


def totp_code(key: str, at: float | None = None) -> str:
    """The code an authenticator app shows for the account's key (RFC 6238, 30 s)."""
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def totp_key(email: str) -> str:
    # As peerstod.demo.synth.totp_key: known from the seed and the address.
    return hmac.new(str(SEED).encode(), email.encode(), hashlib.sha256).hexdigest()[:40]


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def log_in(email: str, password: str) -> dict[str, str]:
    """Log in as a person does; return the session's cookies."""
    session = requests.Session()
    page = session.get(BASE + LOGIN, timeout=30)
    answer = session.post(
        BASE + LOGIN,
        data={"csrfmiddlewaretoken": _csrf(page.text), "username": email, "password": password},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise SystemExit(f"{email}: the login was refused ({answer.status_code})")
    start = session.get(BASE + "/oversikt/", allow_redirects=False, timeout=60)
    if start.status_code == 302 and "tvastegsverifiering" in start.headers.get("Location", ""):
        path = start.headers["Location"]
        page = session.get(BASE + path, timeout=30)
        answer = session.post(
            BASE + path,
            data={"csrfmiddlewaretoken": _csrf(page.text), "code": totp_code(totp_key(email))},
            allow_redirects=False,
            timeout=30,
        )
        if answer.status_code != 302:
            raise SystemExit(f"{email}: the second factor was refused ({answer.status_code})")
        start = session.get(BASE + "/oversikt/", allow_redirects=False, timeout=60)
    if start.status_code != 200:
        raise SystemExit(f"{email}: the start page answered {start.status_code}")
    return session.cookies.get_dict()


@dataclass
class Account:
    role: str
    email: str
    cookies: dict[str, str]
    pages: list[tuple[str, str]] = field(default_factory=list)


def menu_pages(cookies: dict[str, str], named: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every other page of the role's main menu, by its words there: a role's main pages
    are those its menu leads to, and a new one is measured without being listed here."""
    start = requests.get(BASE + "/oversikt/", cookies=cookies, timeout=120).text
    nav = re.search(r'<nav aria-label="[^"]*" class="main-nav">(.*?)</nav>', start, re.S)
    known = {path for _name, path in named}
    found = []
    for path, words in re.findall(r'<a [^>]*href="(/[^"]*)"[^>]*>(.*?)</a>', nav[1] if nav else ""):
        text = re.sub(r"<[^>]+>|\s+", " ", words).strip().lower()
        if path not in known and not path.startswith("/admin/"):
            known.add(path)
            found.append((f"{text} (menu)", path))
    return found


def accounts(scale: str, password: str) -> tuple[list[Account], list[str]]:
    """Each role's account logged in, and its pages that answer 200 (the survey results
    page found from the surveys list). Pages a role cannot open are reported, not
    driven."""
    emails = {
        "programme_coordinator": "synth.coordinator.r01@example.org",
        "evaluator": "synth.evaluator.r01@example.org",
        "unit_manager": "synth.manager.r01@example.org",
        "network_coordinator": "synth.network-coordinator@example.org",
        "supervisor": "synth.supervisor@example.org",
        "trainer": "synth.trainer@example.org",
        "peer_supporter": "synth.peer.0001@example.org",
    }
    found: list[Account] = []
    skipped: list[str] = []
    for role, email in emails.items():
        cookies = log_in(email, password)
        account = Account(role, email, cookies)
        results = None
        for name, path in PAGES[role] + menu_pages(cookies, PAGES[role]):
            if path == "{results}":
                if results is None:
                    skipped.append(f"{ROLE_NAMES[role]}: {name} (no round listed)")
                    continue
                path = results
            answer = requests.get(BASE + path, cookies=cookies, allow_redirects=False, timeout=120)
            if answer.status_code != 200:
                skipped.append(f"{ROLE_NAMES[role]}: {name} ({path} answers {answer.status_code})")
                continue
            if path == "/enkater/":
                rounds = re.findall(r'href="(/enkater/omgang/[^/"]+/)"', answer.text)
                if rounds:
                    results = rounds[0] + "resultat/"
            account.pages.append((name, path))
        found.append(account)
    return found, skipped


# --------------------------------------------------------------------------- the levels


def run_level(
    accounts_: list[Account], users: int, duration: float, *, walk: bool = False, think=0.0
):
    """`users` concurrent users for `duration` seconds; returns Locust's stats. With
    `walk`, one user goes through every role's pages in turn, the login page first. With
    `think`, each user reads a page for think/2 to 3·think/2 seconds before the next (a
    person at a screen); without, the next request goes as soon as the last is answered
    (as wrk), which measures what the server can do, not what people wait."""
    plan = [(a, name, path) for a in accounts_ for name, path in a.pages]
    counter = {"n": 0, "sent": 0, "answered": 0}

    class Visitor(FastHttpUser):
        host = BASE
        wait_time = between(think / 2, think * 3 / 2) if think else constant(0)
        network_timeout = 120.0
        connection_timeout = 120.0

        def on_start(self):
            index = counter["n"]
            counter["n"] += 1
            self.account = accounts_[index % len(accounts_)]
            self.step = index
            self.cookie = "; ".join(f"{k}={v}" for k, v in self.account.cookies.items())

        @task
        def visit(self):
            if walk:
                if self.step % (len(plan) + 1) == 0:
                    self.client.get(LOGIN, name="login page (baseline)")
                    self.step += 1
                    return
                account, name, path = plan[self.step % (len(plan) + 1) - 1]
                cookie = "; ".join(f"{k}={v}" for k, v in account.cookies.items())
                label = f"{ROLE_NAMES[account.role]}: {name}"
            else:
                if self.step % (len(self.account.pages) + 1) == 0 and self.step % 7 == 0:
                    self.client.get(LOGIN, name="login page (baseline)")
                    self.step += 1
                    return
                name, path = self.account.pages[self.step % len(self.account.pages)]
                cookie = self.cookie
                label = f"{ROLE_NAMES[self.account.role]}: {name}"
            self.step += 1
            counter["sent"] += 1
            with self.client.get(
                path,
                name=label,
                headers={"Cookie": cookie},
                catch_response=True,
                allow_redirects=False,
            ) as answer:
                counter["answered"] += 1
                if answer.status_code != 200:
                    answer.failure(f"status {answer.status_code}")

    env = Environment(user_classes=[Visitor], events=events)
    runner = env.create_local_runner()
    # Without think time all users start at once (as wrk's connections). Users who read
    # their pages arrive over one reading time, as people do, not in one instant.
    runner.start(users, spawn_rate=users / think if think else min(users, 100))
    gevent.sleep(duration)
    runner.stop()
    runner.quit()
    # Requests sent but not answered when the level ended (abandoned by their users,
    # still queued at the server): not in the figures above, so said apart.
    return env.stats, counter["sent"] - counter["answered"]


def first_views(found: list[Account]) -> list[tuple[str, float]]:
    """Each page once, before the levels: what its first view costs (charts drawn and
    cached, analyses fitted, the server's caches filled), said apart from the figures."""
    cold = []
    for account in found:
        for name, path in account.pages:
            started = time.monotonic()
            requests.get(BASE + path, cookies=account.cookies, allow_redirects=False, timeout=120)
            cold.append((f"{ROLE_NAMES[account.role]}: {name}", time.monotonic() - started))
    return cold


def recovery(limit: float = 120) -> float | None:
    """Seconds from now until the login page answers in under PLAIN_MS again."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        began = time.monotonic()
        try:
            left = limit - (time.monotonic() - started)
            answer = requests.get(BASE + LOGIN, timeout=max(left, 0.5))
            took = (time.monotonic() - began) * 1000
            if answer.status_code == 200 and took < PLAIN_MS:
                return time.monotonic() - started
        except requests.RequestException:
            pass
        time.sleep(0.1)
    return None


def print_table(title: str, stats, duration: float) -> None:
    print(f"\n{title}")
    print(
        f"  {'page':<36} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6}"
    )
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        print(
            f"  {entry.name:<36} {entry.num_requests:>8} {entry.num_requests / duration:>7.2f} "
            f"{entry.get_response_time_percentile(0.5):>8.0f} "
            f"{entry.get_response_time_percentile(0.95):>8.0f} "
            f"{entry.get_response_time_percentile(0.99):>8.0f} {entry.num_failures:>6}"
        )
    total = stats.total
    print(
        f"  {'all':<36} {total.num_requests:>8} {total.num_requests / duration:>7.2f} "
        f"{total.get_response_time_percentile(0.5):>8.0f} "
        f"{total.get_response_time_percentile(0.95):>8.0f} "
        f"{total.get_response_time_percentile(0.99):>8.0f} {total.num_failures:>6}"
    )
    errors = sorted(stats.errors.values(), key=lambda e: -e.occurrences)
    for error in errors[:8]:
        print(f"    error ×{error.occurrences}: {error.name}: {str(error.error)[:100]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["region", "national"], default="region")
    parser.add_argument("--duration", type=float, default=20, help="seconds per level")
    parser.add_argument("--single", type=float, default=30, help="seconds of the 1-user walk")
    parser.add_argument("--levels", default="50,500", help="concurrent users, in order")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument(
        "--think",
        type=float,
        default=0,
        help="seconds a user reads a page before the next (0: none, as wrk)",
    )
    parser.add_argument("--database-url", help="default: peerstod_synth_<scale> on 127.0.0.1")
    args = parser.parse_args()
    database_url = args.database_url or (
        f"postgres://postgres@127.0.0.1:5432/peerstod_synth_{args.scale}"
    )
    var_dir = Path(os.environ.get("LOAD_VAR_DIR", f"/tmp/peerstod_load_{args.scale}"))
    var_dir.mkdir(parents=True, exist_ok=True)
    password = os.environ.get("DEMO_PASSWORD", "peerstod-demo")
    print(f"# Load benchmark, {args.scale} data set, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"machine: {os.cpu_count()} cores; gunicorn {args.workers} sync workers on {BASE}")
    ensure_database(args.scale, database_url, var_dir)
    server = start_server(database_url, var_dir, args.workers)
    try:
        found, skipped = accounts(args.scale, password)
        print(f"logged in: {', '.join(ROLE_NAMES[a.role] for a in found)}")
        for line in skipped:
            print(f"  not driven: {line}")
        cold = sorted(first_views(found), key=lambda c: -c[1])
        print("\nfirst view of each page after the server started (charts drawn, caches empty):")
        for label, took in cold[:8]:
            print(f"  {label:<44} {took * 1000:>7.0f} ms")
        if len(cold) > 8:
            print(f"  the other {len(cold) - 8} pages: {cold[8][1] * 1000:.0f} ms or less")
        stats, _waiting = run_level(found, 1, args.single, walk=True)
        print_table(f"1 user walking every page ({args.single:.0f} s)", stats, args.single)
        print("  (one user: requests/s of a page = 1000 / its mean ms)")
        for entry in sorted(stats.entries.values(), key=lambda e: e.name):
            mean = entry.avg_response_time or 1
            print(f"    {entry.name:<36} {1000 / mean:>7.1f}/s at one user")
        for users in [int(n) for n in args.levels.split(",") if n]:
            stats, waiting = run_level(found, users, args.duration, think=args.think)
            pace = f", reading each page {args.think:g} s on average" if args.think else ""
            print_table(
                f"{users} concurrent users ({args.duration:.0f} s{pace})", stats, args.duration
            )
            print(f"  unanswered when the level ended (not in the figures): {waiting}")
            after = recovery()
            print(
                "  answering normally (login page < 300 ms) "
                + (f"{after:.1f} s after the burst" if after is not None else "not within 120 s")
            )
    finally:
        stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
