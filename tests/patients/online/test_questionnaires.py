"""A signed-in patient answers the questionnaires due for them at home: only those due, only
their own, once; the visits page says when there are some."""

from datetime import timedelta

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ims_clinic.models import AuditEntry
from patients.online.session import SESSION_KEY
from tests.factories import TODAY, make_course, make_front_desk, make_physiotherapist, make_visit
from tests.patients.online.helpers import online_patient, sign_in_by_link
from tests.treatments.outcomes.helpers import measure_of, odi
from treatments.models import MeasureResponse, Visit
from treatments.outcomes.services import record_response

pytestmark = pytest.mark.django_db
LIST = reverse("patients:online-questionnaires")
THANKS = reverse("patients:online-questionnaire-thanks")


def answer_url(measure, occasion="baseline") -> str:
    return reverse("patients:online-questionnaire-answer", args=[measure.pk, occasion])


@pytest.fixture
def avery(clock):
    """Avery's course measures pain (NPRS, its text shipped) and the ODI (licensed text not
    loaded): both wait for their baseline."""
    physiotherapist = make_physiotherapist(first_name="Priya", last_name="Physio")
    patient = online_patient(email="avery@example.com", legal_first_name="Avery")
    course = make_course(patient, physiotherapist, region="Right low back")
    make_visit(course, TODAY - timedelta(days=7), status=Visit.Status.ATTENDED)
    measure_of(course, "nprs"), measure_of(course, "odi")
    return patient


def nprs(patient):
    return patient.courses.get().measures.get(instrument__code="nprs")


@pytest.fixture
def blakes_measure(avery):
    blake = online_patient(email="blake@example.com", legal_first_name="Blake")
    return measure_of(make_course(blake), "nprs")


def test_a_patient_sees_the_questionnaires_due_for_them_with_why_in_plain_words(client, avery):
    sign_in_by_link(client, avery)
    page = client.get(LIST).content.decode()
    assert page.count("<h1") == 1
    assert "Numeric Pain Rating Scale" in page and "Oswestry" in page
    assert "Your starting point, to compare your later answers with." in page
    assert "Your treatment for Right low back, with Priya Physio" in page
    assert answer_url(nprs(avery)) in page
    # The ODI's licensed text is not loaded: it is answered at the clinic, not here.
    odi_measure = avery.courses.get().measures.get(instrument__code="odi")
    assert answer_url(odi_measure) not in page
    assert "filled in at the clinic" in page
    entry = AuditEntry.objects.latest("pk")
    assert (entry.action, entry.username, entry.patient_id) == (
        "viewed",
        f"patient {avery.pk}",
        avery.pk,
    )


def test_another_patients_questionnaires_are_never_listed(client, avery, blakes_measure):
    sign_in_by_link(client, avery)
    assert answer_url(blakes_measure) not in client.get(LIST).content.decode()


def test_with_nothing_due_the_page_says_so(client, clock):
    patient = online_patient(email="casey@example.com")
    sign_in_by_link(client, patient)
    assert "Nothing to answer right now" in client.get(LIST).content.decode()


@pytest.mark.parametrize("courses", [1, 3])
def test_the_list_takes_the_same_queries_however_many_are_due(
    client, clock, django_assert_num_queries, courses
):
    patient = online_patient(email="dana@example.com")
    for _ in range(courses):
        course = make_course(patient)
        measure_of(course, "nprs"), measure_of(course, "psfs")
        record_response(measure_of(course, "odi"), occasion="baseline", answers=odi(40),
                        source="typed")  # fmt: skip
    sign_in_by_link(client, patient)
    # session, patient; courses, their measures, their answers; settings; audit entry
    with django_assert_num_queries(7):
        assert client.get(LIST).status_code == 200


def test_a_patient_answers_a_questionnaire_and_is_thanked(client, avery):
    sign_in_by_link(client, avery)
    measure = nprs(avery)
    page = client.get(answer_url(measure)).content.decode()
    assert page.count("<h1") == 1 and "Pain intensity" in page
    assert "Send my answers" in page
    response = client.post(answer_url(measure), {"1": "6"})
    assert response.status_code == 302 and response["Location"] == THANKS
    saved = MeasureResponse.objects.get(measure=measure)
    assert (saved.occasion, saved.source, saved.score) == ("baseline", "online", 6)
    assert saved.entered_by is None
    entry = AuditEntry.objects.filter(action="created", username=f"patient {avery.pk}").latest("pk")
    assert entry.record_type == "measure response" and entry.patient_id == avery.pk
    assert "Answered NPRS (baseline) online" in entry.detail
    assert "Your answers were sent" in client.get(THANKS).content.decode()
    # Answered, it is no longer due.
    assert answer_url(measure) not in client.get(LIST).content.decode()


def test_answering_twice_says_so_and_saves_nothing_more(client, avery):
    sign_in_by_link(client, avery)
    measure = nprs(avery)
    client.post(answer_url(measure), {"1": "6"})
    again = client.post(answer_url(measure), {"1": "2"})
    assert again.status_code == 409
    assert "You have answered this questionnaire already" in again.content.decode()
    assert MeasureResponse.objects.filter(measure=measure).count() == 1
    assert AuditEntry.objects.filter(action="refused", patient=avery).exists()


def test_another_patients_measure_or_an_occasion_not_due_is_not_found(
    client, avery, blakes_measure
):
    sign_in_by_link(client, avery)
    mine = nprs(avery)
    huge = reverse("patients:online-questionnaire-answer", args=[2**63, "baseline"])
    for url in [answer_url(blakes_measure), answer_url(mine, "reassessment"),
                answer_url(mine, "discharge"), answer_url(mine, "nonsense"), huge]:  # fmt: skip
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"1": "5"}).status_code == 404, url
    assert not MeasureResponse.objects.exists()


def test_a_questionnaire_without_its_licensed_text_cannot_be_answered_online(client, avery):
    sign_in_by_link(client, avery)
    odi_measure = avery.courses.get().measures.get(instrument__code="odi")
    response = client.post(answer_url(odi_measure), odi(40))
    assert response.status_code == 409
    assert "filled in at the clinic" in response.content.decode()
    assert not MeasureResponse.objects.exists()


@pytest.mark.parametrize(
    "answer", ["", "11", "-1", "4.5", "<script>alert(1)</script>", "9" * 5000, "\x00"]
)
def test_a_bad_answer_is_refused_with_a_message_and_nothing_saved(client, avery, answer):
    sign_in_by_link(client, avery)
    response = client.post(answer_url(nprs(avery)), {"1": answer})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved" in page and "<script>alert" not in page
    assert not MeasureResponse.objects.exists()


@hypothesis_settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=st.dictionaries(
    st.sampled_from(["1", "1-name", "occasion", "measure", "answered_on", "csrfmiddlewaretoken"])
    | st.text(max_size=20),
    st.text(max_size=300) | st.integers(-(2**70), 2**70).map(str),
    max_size=5,
))  # fmt: skip
def test_whatever_is_posted_the_answer_is_saved_once_or_refused_with_nothing_saved(
    client, avery, data
):
    if SESSION_KEY not in client.session:  # once: more links would trip the throttle
        sign_in_by_link(client, avery)
    measure = nprs(avery)
    response = client.post(answer_url(measure), data)
    saved = MeasureResponse.objects.filter(measure=measure)
    if response.status_code == 302:
        assert saved.count() == 1 and saved.get().source == "online"
        saved.delete()  # the next example starts with the questionnaire due again
    else:
        assert response.status_code == 400 and not saved.exists()


@pytest.mark.parametrize("person", ["staff", "anonymous"])
def test_only_a_signed_in_patient_reaches_the_questionnaires(client, avery, person):
    if person == "staff":
        client.force_login(make_front_desk())
    sign_in = reverse("patients:online-sign-in")
    for url in [LIST, answer_url(nprs(avery)), THANKS]:
        assert client.get(url)["Location"].split("?")[0] == sign_in
    assert client.post(answer_url(nprs(avery)), {"1": "5"})["Location"].split("?")[0] == sign_in
    assert not MeasureResponse.objects.exists()


def test_the_visits_page_asks_for_the_questionnaires_due(client, avery):
    sign_in_by_link(client, avery)
    page = client.get(reverse("patients:online-visits")).content.decode()
    assert "answer 2 questionnaires" in page and LIST in page
    other = online_patient(email="eli@example.com")
    client.post(reverse("patients:online-sign-out"))
    sign_in_by_link(client, other)
    assert (
        "Answer the questionnaires"
        not in client.get(reverse("patients:online-visits")).content.decode()
    )


@pytest.mark.parametrize("courses", [1, 3])
def test_the_visits_page_takes_the_same_queries_however_many_are_due(
    client, clock, django_assert_num_queries, courses
):
    patient = online_patient(email="dana@example.com")
    for _ in range(courses):
        course = make_course(patient)
        make_visit(course, TODAY + timedelta(days=2 + 7 * len(patient.courses.all())))
        measure_of(course, "nprs"), measure_of(course, "psfs")
        record_response(measure_of(course, "odi"), occasion="baseline", answers=odi(40),
                        source="typed")  # fmt: skip
    sign_in_by_link(client, patient)
    # session, patient, upcoming, past, settings, locations, the intake task; the
    # questionnaires due: courses, their measures, their answers; audit
    with django_assert_num_queries(11):
        page = client.get(reverse("patients:online-visits")).content.decode()
    assert f"answer {2 * courses} questionnaires" in page
