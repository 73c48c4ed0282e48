"""A patient's request while the database is away: their answers come back, never a 500; sent again, stored once.

The cache stays up here (the test settings' local memory), as when only the database fails;
tests/test_faults.py does the same against gunicorn with the database and Redis failing for real.
"""

import pytest
from bs4 import BeautifulSoup

from consultations.models import ConsultationRequest
from consultations.tests.test_requests import FORM_URL, SENT_URL, form_data, refusal_of
from tests.test_database_outage import unreachable_database

COULD_NOT_SEND = "We could not send your request just now. Please try again in a few minutes."


@pytest.mark.django_db(transaction=True)
def test_while_the_database_is_away_the_form_comes_back_with_the_answers_and_sending_again_stores_once(
    client, seeded, settings
):
    settings.CONSULTATION_MIN_SECONDS = 0
    data = form_data(client, message="Quería saber más.\nGracias")

    with unreachable_database():
        response = client.post(FORM_URL, data)

    assert response.status_code == 200
    assert refusal_of(response) == COULD_NOT_SEND
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.select_one("form.consultation-form")
    assert form["action"] == FORM_URL
    for name in ("full_name", "email", "phone", "country"):
        assert form.select_one(f"input[name={name}]")["value"] == data[name]
    assert form.select_one("textarea[name=message]").get_text().strip() == "Quería saber más.\nGracias"
    assert form.select_one("input[name=contact_method][value=email]").has_attr("checked")
    assert form.select_one("input[name=preferred_language][value=es]").has_attr("checked")
    assert form.select_one("select[name=treatment] option[selected]")["value"] == data["treatment"]
    assert form.select_one("input[name=consent]").has_attr("checked")
    # The same form token: sending again stores the request once, however often it is pressed.
    assert form.select_one("input[name=form_token]")["value"] == data["form_token"]
    assert ConsultationRequest.objects.count() == 0

    for _ in range(2):
        response = client.post(FORM_URL, data)
        assert response.status_code == 303 and response["Location"] == SENT_URL
    assert ConsultationRequest.objects.get().message == "Quería saber más.\nGracias"
