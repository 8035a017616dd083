"""Browser tests: Debian's Chromium driven by Playwright, never a downloaded browser.

Outside CI a machine without Chromium skips these with the reason; in CI (CI=true) a
missing browser fails the run, and the root conftest turns any skip into a failure.
"""

import os
import shutil
import time
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerstod.accounts import strength
from peerstod.accounts.models import User

# Playwright's sync API runs an event loop in the test thread; the Django test code
# around it is synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "peerstod-demo"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="session")
def browser():
    # Import every view (and the libraries they use) once, before the first page: the
    # live server's first request would otherwise pay for it within the page timeout.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    if not shutil.which(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    # The journeys log in many times a minute from one address; the limits themselves
    # are tested in tests/test_limits.py.
    settings.RATE_LIMITS = {group: "10000/m" for group in settings.RATE_LIMITS}
    call_command("demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115


def _watch_policy(page) -> list[str]:
    """Collect what the Content-Security-Policy refused on the page (inline script or
    style, another host): the pages must need no exception to it."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


# Every page the browser tests load reports its width: none may be wider than the
# viewport (at 360 px a page that scrolls sideways hides what is cut off).
_WIDTH_WATCH = """
window.addEventListener("load", () => {
  const settle = () => window.__peerstodWidth(
    document.documentElement.scrollWidth, window.innerWidth, location.pathname);
  requestAnimationFrame(() => requestAnimationFrame(settle));
});
"""


def _watch_width(context) -> list[str]:
    too_wide: list[str] = []

    def report(_source, width, viewport, path):
        if width > viewport:
            too_wide.append(f"{path}: {width} px in a {viewport} px viewport")

    context.expose_binding("__peerstodWidth", report)
    context.add_init_script(_WIDTH_WATCH)
    return too_wide


def _context(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, **options)
    too_wide = _watch_width(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page, _watch_policy(page), too_wide


@pytest.fixture
def page(browser, live_server, demo):
    context, page, refused, too_wide = _context(browser, live_server, locale="en-US")
    yield page
    context.close()
    assert refused == [], f"Content-Security-Policy refused: {refused[:5]}"
    assert too_wide == [], f"pages wider than the window: {too_wide[:5]}"


@pytest.fixture
def phone(browser, live_server, demo):
    context, page, refused, too_wide = _context(
        browser, live_server, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    yield page
    context.close()
    assert refused == [], f"Content-Security-Policy refused: {refused[:5]}"
    assert too_wide == [], f"pages wider than the phone: {too_wide[:5]}"


def menu_link(page, name):
    """A link of the main menu, the menu opened first where a phone folds it."""
    menu = page.get_by_role("navigation", name="Huvudmeny")
    button = menu.locator(".menu-button")
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()
    return menu.get_by_role("link", name=name, exact=True)


def assert_links_lead_somewhere(page, checked: set[str] | None = None) -> set[str]:
    """Every link on the page that stays on the site answers neither 403 nor 404 for the
    user who sees it (a link the user may not follow is never shown). Links already in
    `checked` are not asked again; the set of asked links is returned."""
    checked = set() if checked is None else checked
    origin = urlsplit(page.url)
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    failures = []
    for href in hrefs:
        target = urlsplit(href)
        if target.scheme not in ("http", "https") or target.netloc != origin.netloc:
            continue
        address = target._replace(fragment="").geturl()
        if address in checked or target.path.startswith("/admin/"):
            continue
        checked.add(address)
        status = page.request.get(address, max_redirects=0).status
        if status in (403, 404):
            failures.append(f"{target.path}: {status}")
    assert failures == [], f"links on {origin.path} that lead nowhere: {failures}"
    return checked


_axe = Axe()


def assert_accessible(page):
    """axe-core on the page as it is now: zero violations, named if there are any."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]
    assert violations == [], f"{page.url}: {violations}"


SECOND_FACTOR_PATH = "/konto/tvastegsverifiering/"


def totp_code(key: bytes, steps_ahead: int = 0) -> str:
    """The authenticator app's code for a secret, now or some 30-second steps later."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _app_of(email):
    """The demo account's authenticator app (its TOTP device) when its login asks for a
    second factor: made here as if enrolled earlier. The replay guard is rewound, as if a
    new 30-second step had begun: the journeys log the same person in several times a
    minute. None when the login asks for none."""
    user = User.objects.filter(email=email).first()
    if user is None or not strength.second_factor_required(user):
        return None
    device, _new = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "app"}
    )
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return device


def type_code(page, code):
    """Type a code on the second-factor page (the app's or a recovery code) and send it."""
    page.locator("input[name=code]").fill(code)
    with page.expect_navigation():
        page.get_by_role("main").locator("button[type=submit]").click()


def log_in(page, email, password=DEMO_PASSWORD, second_factor=True):
    """Log in afresh (any earlier session is dropped; the language choice is kept). A
    role that needs a second factor types its app's code, computed from the secret
    (`second_factor=False`: stop at the second-factor page, or at enrolment)."""
    language = [c for c in page.context.cookies() if c["name"] == "django_language"]
    page.context.clear_cookies()
    if language:
        page.context.add_cookies(language)
    app = _app_of(email) if second_factor else None
    page.goto("/konto/logga-in/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Logga in").click()
    if app is not None and urlsplit(page.url).path == SECOND_FACTOR_PATH:
        type_code(page, totp_code(app.bin_key))


def slip_url(round_title: str, coordinator: str = "coordinator.vgr@example.org") -> str:
    """What a fresh slip's QR code holds for the demo round `round_title`: the entry page
    with the code after "#" (made by the round's coordinator, as printing does)."""
    from django.urls import reverse

    from peerstod.accounts.models import User
    from peerstod.accounts.scope import scope_for
    from peerstod.surveys import services
    from peerstod.surveys.models import Round

    survey_round = Round.objects.get(title=round_title)
    user = User.objects.get(email=coordinator)
    (code,) = services.slips_create(
        scope=scope_for(user),
        actor=user,
        survey_round=survey_round,
        unit=survey_round.units.get(),
        count=1,
    )
    return f"{reverse('surveys:code')}#{services.format_code(code)}"
