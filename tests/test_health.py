"""Health endpoints for the load balancer: up, and ready for traffic."""

from django.db import OperationalError, connection
from django.urls import reverse

from peerstod.core.views import server_error


def test_healthz_says_the_process_is_up_without_touching_the_database(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(reverse("core:healthz"))
    assert response.json() == {"status": "ok"}


def test_readyz_says_ready_when_the_database_answers_and_migrations_are_applied(client, db):
    response = client.get(reverse("core:readyz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_never_cached_so_a_probe_sees_the_state_of_now(client, db):
    response = client.get(reverse("core:readyz"))
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_readyz_says_unavailable_while_a_migration_is_missing(client, db):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'core' AND name LIKE '0002%'")
    response = client.get(reverse("core:readyz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "migrations": "pending"}


def test_an_unreachable_database_gives_the_503_page_with_retry_after_not_a_500(rf):
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "Tjänsten är pausad en kort stund" in response.content.decode()


def test_any_other_error_is_still_a_500(rf):
    try:
        raise KeyError("a bug")
    except KeyError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500 and not response.has_header("Retry-After")


def test_the_site_root_serves_a_favicon_and_robots_txt_to_anyone(client, db):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    robots = client.get("/robots.txt")
    assert robots.status_code == 200
    assert "Disallow: /" in b"".join(robots.streaming_content).decode()
