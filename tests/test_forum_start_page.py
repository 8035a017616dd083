"""What the forum puts on the start pages: the unit manager's minutes to acknowledge and
suggestions to answer, each with its own link, "nothing waits" only when true; the
programme coordinator's overdue suggestions and escalated minutes."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from peerstod.accounts.scope import scope_for
from peerstod.forum import services
from peerstod.forum.models import Delivery, Suggestion
from tests.forum_world import make_forum

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(world):
    return make_forum(world, None)


def _start(client, login, user) -> str:
    login(user)
    return client.get(reverse("home:dashboard")).content.decode()


def _suggestion_link(suggestion) -> str:
    return (
        reverse("forum:detail", args=[suggestion.forum.public_code]) + f"#forslag-{suggestion.code}"
    )


def test_the_manager_sees_minutes_to_acknowledge_and_suggestions_to_answer_with_links(
    client, world, login, forum
):
    page = _start(client, login, world.users["manager"])
    assert reverse("forum:meeting", args=[forum.closed_meeting.code]) in page
    assert _suggestion_link(forum.suggestion) in page
    assert "Svara på förslaget" in page and "Baka på onsdagar" in page
    assert "Inget från patienternas forum väntar" not in page


def test_the_suggestion_link_lands_at_the_suggestions_answer_form(client, world, login, forum):
    login(world.users["manager"])
    html = client.get(reverse("forum:detail", args=[forum.forum.public_code])).content.decode()
    assert f'id="forslag-{forum.suggestion.code}"' in html
    assert reverse("forum:answer", args=[forum.suggestion.code]) in html


def test_the_manager_is_told_nothing_waits_only_when_nothing_does(client, world, login, forum):
    manager = world.users["manager"]
    services.minutes_acknowledge(actor=manager, meeting=forum.closed_meeting)
    page = _start(client, login, manager)
    assert "Inget från patienternas forum väntar" not in page  # the suggestion still does
    services.suggestion_answer(
        scope=scope_for(manager),
        actor=manager,
        suggestion=forum.suggestion,
        status="accepted",
        answer="Ja, från nästa vecka.",
    )
    page = _start(client, login, manager)
    assert "Inget från patienternas forum väntar" in page
    assert _suggestion_link(forum.suggestion) not in page


def test_a_manager_without_a_forum_gets_no_forum_words(client, world, login):
    page = _start(client, login, world.users["manager"])
    assert "Inget från patienternas forum väntar" not in page
    assert "Svara på förslaget" not in page


@override_settings(FORUM_ANSWER_DAYS=14)
def test_the_coordinator_sees_suggestions_unanswered_past_the_limit(client, world, login, forum):
    today = timezone.localdate()
    Suggestion.objects.filter(pk=forum.suggestion.pk).update(created_on=today - timedelta(days=13))
    page = _start(client, login, world.users["coordinator"])
    assert _suggestion_link(forum.suggestion) not in page
    Suggestion.objects.filter(pk=forum.suggestion.pk).update(created_on=today - timedelta(days=14))
    page = _start(client, login, world.users["coordinator"])
    assert _suggestion_link(forum.suggestion) in page
    assert "har väntat mer än 14 dagar" in page


def test_the_coordinator_sees_escalated_minutes_until_they_are_acknowledged(
    client, world, login, forum
):
    meeting_url = reverse("forum:meeting", args=[forum.closed_meeting.code])
    assert meeting_url not in _start(client, login, world.users["coordinator"])
    Delivery.objects.filter(meeting=forum.closed_meeting).update(escalated_at=timezone.now())
    page = _start(client, login, world.users["coordinator"])
    assert meeting_url in page and "inte kvitterade" in page
    services.minutes_acknowledge(actor=world.users["manager"], meeting=forum.closed_meeting)
    assert meeting_url not in _start(client, login, world.users["coordinator"])


def test_another_regions_coordinator_sees_none_of_it(client, world, login, forum):
    Delivery.objects.filter(meeting=forum.closed_meeting).update(escalated_at=timezone.now())
    Suggestion.objects.filter(pk=forum.suggestion.pk).update(
        created_on=timezone.localdate() - timedelta(days=60)
    )
    page = _start(client, login, world.users["outsider"])
    assert forum.closed_meeting.code not in page and forum.suggestion.code not in page
