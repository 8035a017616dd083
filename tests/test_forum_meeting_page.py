"""The forum meeting's page: locked minutes at full width, "Starta dagens träff" only
when today has no meeting, a second start refused in words, and one form whose sections
keep what was typed whichever button is pressed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from peerstod.accounts.scope import scope_for
from peerstod.forum import services
from peerstod.forum.models import AgendaItem, Meeting, Suggestion
from tests.forum_world import make_forum

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(world):
    return make_forum(world, None)


def _today(world, forum, *, closed=False) -> Meeting:
    peer = world.users["peer"]
    scope = scope_for(peer)
    meeting = services.meeting_open(
        scope=scope, actor=peer, forum=forum.forum, held_on=timezone.localdate()
    )
    if closed:
        services.meeting_close(
            scope=scope,
            actor=peer,
            meeting=meeting,
            changes={"patients_present": 3, "guests": [], "minutes": "Vi pratade om maten."},
        )
    return meeting


def _send(client, login, world, meeting, **extra):
    """The peer supporter presses a button on the meeting's page: it sends every
    section's fields as typed, plus `extra`."""
    login(world.users["peer"])
    data = {
        "agenda-topic": "environment",
        "agenda-text": "",
        "suggestion-topic": "activity",
        "suggestion-text": "",
        "meeting-patients_present": str(meeting.patients_present),
        "meeting-minutes": meeting.minutes,
    }
    data.update(extra)
    return client.post(reverse("forum:meeting", args=[meeting.code]), data)


def test_locked_minutes_are_not_laid_out_in_the_three_column_grid(client, world, login, forum):
    login(world.users["peer"])
    html = client.get(reverse("forum:meeting", args=[forum.closed_meeting.code])).content.decode()
    assert '<div class="minutes-text">' in html
    assert 'class="minutes"' not in html


def test_start_todays_meeting_shows_only_while_today_has_no_meeting(client, world, login, forum):
    login(world.users["peer"])
    detail = reverse("forum:detail", args=[forum.forum.public_code])
    assert "Starta dagens träff" in client.get(detail).content.decode()
    meeting = _today(world, forum)
    html = client.get(detail).content.decode()
    assert "Starta dagens träff" not in html
    assert "Fortsätt dagens träff" in html
    assert reverse("forum:meeting", args=[meeting.code]) in html


def test_after_todays_meeting_is_closed_the_page_says_so_instead_of_offering_a_start(
    client, world, login, forum
):
    login(world.users["peer"])
    _today(world, forum, closed=True)
    html = client.get(reverse("forum:detail", args=[forum.forum.public_code])).content.decode()
    assert "Starta dagens träff" not in html
    assert "Dagens träff är hållen" in html


@pytest.mark.parametrize(
    ("language", "words"),
    [("sv", "redan hållen och anteckningarna är låsta"), ("en", "already held and its minutes")],
)
def test_a_second_start_after_todays_meeting_closed_is_refused_in_words(
    world, forum, language, words
):
    _today(world, forum, closed=True)
    peer = world.users["peer"]
    with translation.override(language), pytest.raises(ValidationError) as refused:
        services.meeting_open(
            scope=scope_for(peer), actor=peer, forum=forum.forum, held_on=timezone.localdate()
        )
    assert words in " ".join(refused.value.messages)
    assert Meeting.objects.filter(forum=forum.forum, held_on=timezone.localdate()).count() == 1


def test_a_second_start_posted_from_an_old_page_shows_the_message_not_a_database_error(
    client, world, login, forum
):
    login(world.users["peer"])
    _today(world, forum, closed=True)
    response = client.post(
        reverse("forum:detail", args=[forum.forum.public_code]), {"held_on": "today"}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "redan hållen" in html and "UNIQUE" not in html and "IntegrityError" not in html


def test_adding_an_agenda_item_keeps_the_typed_suggestion_and_minutes(client, world, login, forum):
    meeting = forum.open_meeting
    response = _send(
        client,
        login,
        world,
        meeting,
        action="agenda",
        **{
            "agenda-text": "Nya soffor i TV-rummet",
            "suggestion-text": "Filmkväll på fredagar",
            "meeting-minutes": "Vi började med soffor.",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert AgendaItem.objects.filter(meeting=meeting, text="Nya soffor i TV-rummet").exists()
    assert "Filmkväll på fredagar</textarea>" in html
    assert "Vi började med soffor.</textarea>" in html
    assert not Suggestion.objects.filter(text="Filmkväll på fredagar").exists()
    meeting.refresh_from_db()
    assert meeting.minutes == ""


def test_saving_the_minutes_keeps_a_typed_agenda_item(client, world, login, forum):
    meeting = forum.open_meeting
    response = _send(
        client,
        login,
        world,
        meeting,
        action="meeting",
        **{"agenda-text": "Maten på helgerna", "meeting-minutes": "Sex var med."},
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "Sex var med."
    assert 'value="Maten på helgerna"' in response.content.decode()
    assert not AgendaItem.objects.filter(text="Maten på helgerna").exists()


def test_nothing_else_typed_the_page_redirects_after_saving(client, world, login, forum):
    meeting = forum.open_meeting
    response = _send(client, login, world, meeting, action="agenda", **{"agenda-text": "Fika"})
    assert response.status_code == 302


def test_personal_data_in_another_section_refuses_the_button_and_saves_nothing(
    client, world, login, forum
):
    meeting = forum.open_meeting
    response = _send(
        client,
        login,
        world,
        meeting,
        action="agenda",
        **{"agenda-text": "Fika", "meeting-minutes": "Ring mig på 070-123 45 67"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "telefonnummer" in html
    assert "Ring mig på 070-123 45 67</textarea>" in html
    assert 'value="Fika"' in html
    assert not AgendaItem.objects.filter(text="Fika").exists()


def test_closing_saves_the_typed_minutes_and_locks_them(client, world, login, forum):
    meeting = forum.open_meeting
    response = _send(
        client,
        login,
        world,
        meeting,
        action="close",
        **{"meeting-patients_present": "5", "meeting-minutes": "Vi pratade om trädgården."},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.locked_at is not None
    assert (meeting.patients_present, meeting.minutes) == (5, "Vi pratade om trädgården.")


def test_closing_with_an_agenda_item_typed_but_not_added_is_refused_and_keeps_it(
    client, world, login, forum
):
    meeting = forum.open_meeting
    response = _send(
        client,
        login,
        world,
        meeting,
        action="close",
        **{"agenda-text": "Utflykt i maj", "meeting-minutes": "Vi pratade om våren."},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lägg till det innan du avslutar träffen" in html
    assert 'value="Utflykt i maj"' in html and "Vi pratade om våren.</textarea>" in html
    meeting.refresh_from_db()
    assert meeting.locked_at is None and meeting.minutes == ""


def test_a_refused_close_keeps_the_typed_minutes_on_the_page_and_saves_none(
    client, world, login, forum
):
    from peerstod.accounts.models import Membership
    from peerstod.accounts.roles import Role

    Membership.objects.filter(role=Role.UNIT_MANAGER, unit=world.unit_a1).delete()
    meeting = forum.open_meeting
    response = _send(
        client, login, world, meeting, action="close", **{"meeting-minutes": "Om maten."}
    )
    html = response.content.decode()
    assert "ingen chef" in html
    assert "Om maten.</textarea>" in html
    meeting.refresh_from_db()
    assert meeting.locked_at is None and meeting.minutes == ""
