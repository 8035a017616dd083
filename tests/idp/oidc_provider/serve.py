"""Run the test OpenID Connect provider: migrate its own SQLite file, create the people
and clients of the config, serve on the config's port until killed."""

import os
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.idp.oidc_provider.settings"

import django  # noqa: E402  (after the settings are chosen)

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main() -> None:
    config = settings.CONFIG
    call_command("migrate", verbosity=0, interactive=False)
    for username, person in config["people"].items():
        if not User.objects.filter(username=username).exists():
            User.objects.create_user(username, password=person["password"])
    for client in config["clients"]:
        if not Application.objects.filter(client_id=client["client_id"]).exists():
            Application.objects.create(
                name=client["name"],
                client_id=client["client_id"],
                client_secret=client["client_secret"],
                client_type=Application.CLIENT_CONFIDENTIAL,
                authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
                redirect_uris=" ".join(client["redirect_uris"]),
                post_logout_redirect_uris=" ".join(client["post_logout_redirect_uris"]),
                algorithm=Application.RS256_ALGORITHM,
                skip_authorization=True,
            )
    from django.core.wsgi import get_wsgi_application

    httpd = make_server(
        "127.0.0.1",
        config["port"],
        get_wsgi_application(),
        server_class=Server,
        handler_class=Quiet,
    )
    print("ready", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
