"""The package is the product: the built wheel, installed alone in a fresh virtual
environment, serves the Swedish UI in production mode under gunicorn on PostgreSQL.

Run by .ci/run with the fresh environment's python:
    wheel_check.py VENV_BIN DATABASE_URL
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from base64 import b32decode
from urllib.parse import urlencode

PORT = 8099
# The key the first run enrolled, for the run on the restored copy.
KEY_FILE = os.path.join(tempfile.gettempdir(), "peerstod-wheel-check-key")


def main() -> int:
    bin_dir, database_url = sys.argv[1], sys.argv[2]
    restored = "--restored" in sys.argv[3:]
    peerstod = os.path.join(bin_dir, "peerstod")
    var = tempfile.mkdtemp(prefix="peerstod-wheel-")
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{PORT}",
        "DATABASE_URL": database_url,
        "BEHIND_PROXY": "true",
        "PEERSTOD_VAR_DIR": var,
        "SITE_URL": f"https://127.0.0.1:{PORT}",
        "DEMO_PASSWORD": "peerstod-demo",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }

    def run(*args: str) -> str:
        done = subprocess.run([peerstod, *args], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"peerstod {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout + done.stderr

    if not restored:  # a restored copy is used as it is
        run("migrate", "--no-input")
        run("demo", "--force")
    run("collectstatic", "--no-input")
    deploy = run("check", "--deploy", "--fail-level", "WARNING")
    print("check --deploy:", deploy.strip().splitlines()[-1])

    server = subprocess.Popen(
        [peerstod, "serve", "--bind", f"127.0.0.1:{PORT}", "--workers", "2"], env=env
    )
    try:
        return _check(server, restored)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _request(method, path, body=None, cookies=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    sent = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.9.8.7", **(headers or {})}
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent["Referer"] = f"https://127.0.0.1:{PORT}/konto/logga-in/"
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    content = response.read()
    jar = dict(cookies or {})
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name] = rest.split(";", 1)[0]
    return response.status, dict(response.getheaders()), content.decode("utf-8", "replace"), jar


def _check(server, restored: bool) -> int:
    for _ in range(120):
        try:
            status, _h, _b, _c = _request("GET", "/readyz")
            if status == 200:
                break
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped")
        time.sleep(0.5)
    else:
        raise SystemExit("/readyz never answered 200")
    print("/readyz: 200")

    status, _headers, page, cookies = _request("GET", "/konto/logga-in/")
    assert status == 200, status
    assert 'lang="sv"' in page and "Logga in" in page, "the login page is not in Swedish"
    print("login page: 200, Swedish")

    css = re.search(r'href="(/static/peerstod/css/app\.[0-9a-f]{12}\.css)"', page)
    assert css, "no hashed static file name on the page"
    status, headers, _css, _c = _request("GET", css.group(1))
    assert status == 200, status
    assert "max-age" in headers.get("Cache-Control", ""), headers
    print("hashed static file:", css.group(1), status)
    status, headers, _icon, _c = _request("GET", "/favicon.ico")
    assert status == 200 and headers.get("Content-Type") == "image/x-icon", (status, headers)
    print("favicon.ico:", status)

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "username": "coordinator@example.org",
            "password": "peerstod-demo",
        }
    )
    status, headers, _b, cookies = _request("POST", "/konto/logga-in/", body, cookies)
    assert status == 302 and headers.get("Location") == "/oversikt/", (status, headers)
    # Production mode: a coordinator sees personal data, so the first login asks for
    # a second factor before anything else. Enrol as a coordinator would, typing the
    # code an authenticator app computes from the key the page shows; on the restored
    # copy the same app's code must still be asked for and accepted.
    status, headers, _b, cookies = _request("GET", "/oversikt/", cookies=cookies)
    assert status == 302 and "/konto/tvastegsverifiering/" in headers["Location"], (
        status,
        headers,
    )
    if restored:
        with open(KEY_FILE) as saved:
            key = saved.read()
        path = "/konto/tvastegsverifiering/?next=/oversikt/"
        status, _h, page, cookies = _request("GET", path, cookies=cookies)
        assert status == 200, status
        # The first run used this 30-second step's code; an app shows the next one soon.
        body = _code_form(page, _app_code(key, steps_ahead=1))
        status, headers, _p, cookies = _request("POST", path, body, cookies)
        assert status == 302 and headers.get("Location") == "/oversikt/", (status, headers)
        print("second factor: the app enrolled before the backup works on the copy")
    else:
        path = "/konto/tvastegsverifiering/aktivera/?next=/oversikt/"
        status, _h, page, cookies = _request("GET", path, cookies=cookies)
        assert status == 200, status
        found = re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', page)
        assert found, "no key to type on the enrolment page"
        key = found.group(1).replace(" ", "")
        with open(KEY_FILE, "w") as saved:
            saved.write(key)
        body = _code_form(page, _app_code(key))
        status, _h, page, cookies = _request("POST", path, body, cookies)
        assert status == 200 and "reservkoder" in page, (status, page[:2000])
        print("second factor: enrolled with the app's code, recovery codes shown")
    status, _h, dashboard, _c = _request("GET", "/oversikt/", cookies=cookies)
    assert status == 200 and "Programsamordnare" in dashboard, status
    print("demo login with a second factor: dashboard 200")
    return 0


def _code_form(page: str, code: str) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return urlencode({"csrfmiddlewaretoken": token, "code": code})


def _app_code(key: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for a base32 key (RFC 6238, 30 s, 6 digits),
    now or some 30-second steps later."""
    from django_otp.oath import TOTP

    totp = TOTP(b32decode(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


if __name__ == "__main__":
    sys.exit(main())
