"""An instrument's page shows words: question texts, answer labels, who answers and the
languages, never the keys of the instrument file."""

import re

import pytest
from django.urls import reverse

from peerstod.surveys.models import Instrument

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "key", ["peer-support-experience", "staff-recovery", "peer-work-situation"]
)
def test_the_instrument_page_shows_question_texts_and_never_their_keys(client, world, login, key):
    instrument = Instrument.objects.get(organisation=None, key=key)
    definition = instrument.definition
    login(world.users["coordinator"])
    html = client.get(reverse("surveys:instrument", args=[instrument.pk])).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    for item in definition.items:
        assert not re.search(rf"\b{re.escape(item.key)}\b", main), item.key
        asked = item.respondents or definition.respondents
        assert item.text_for(asked[0], "sv") in main
    for respondent in definition.respondents:
        assert f"Version för {respondent}<" not in main
    assert "Svenska" in main and ", sv" not in main


def test_the_instrument_page_names_the_answers_dont_know_included(client, world, login):
    instrument = Instrument.objects.get(organisation=None, key="peer-support-experience")
    login(world.users["coordinator"])
    html = client.get(reverse("surveys:instrument", args=[instrument.pk])).content.decode()
    assert "Stämmer inte alls · Stämmer ganska dåligt" in html
    assert "Vet ej" in html and "Ej aktuellt" in html
    assert "Version för patienter" in html
