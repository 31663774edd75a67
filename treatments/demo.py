"""A demo clinic for trying the app: staff, patients, courses and a few weeks of visits.

Everything is made through the same functions the app uses (book_visit, record_chart), so
the demo data keeps every rule. Courses follow a handful of stories so that each of the
dashboard's flags has an example.
"""

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from patients.models import Consent, Patient, Precaution, Screening
from patients.roles import CLINIC_ADMIN, FRONT_DESK, PHYSIOTHERAPIST
from treatments.booking.services import book_visit, cancel_visit, record_past_visit
from treatments.charting import record_chart
from treatments.models import (
    AppointmentRequest,
    Chart,
    ClinicHours,
    ClinicSettings,
    Location,
    NeedledSite,
    PhysiotherapistProfile,
    TreatmentCourse,
    Visit,
    VisitType,
    WorkingHours,
)
from treatments.outcomes.demo import (
    add_questionnaires,
    left_to_answer_at_home,
    load_demo_texts,
)

# fmt: off
# username, password, first name, last name, role
DEMO_STAFF = [
    ("admin", "demo-admin-2026", "Alex", "Admin", CLINIC_ADMIN),
    ("lee", "demo-physio-2026", "Jordan", "Lee", PHYSIOTHERAPIST),
    ("singh", "demo-physio-2026", "Priya", "Singh", PHYSIOTHERAPIST),
    ("morgan", "demo-physio-2026", "Casey", "Morgan", PHYSIOTHERAPIST),
    ("desk", "demo-desk-2026", "Robin", "Front", FRONT_DESK),
]
# One demo physiotherapist's needling authorization runs out soon, so the dashboard and the
# clinic admin's admin page have one to show.
AUTHORIZATION_DAYS = {"morgan": 20}
FIRST_NAMES = ["Ava", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jonas",
               "Kiran", "Lena", "Mateo", "Nora", "Omar", "Paula", "Quinn", "Rosa", "Sami", "Tara"]
LAST_NAMES = ["Anderson", "Bui", "Chen", "Dubois", "Evans", "Fraser", "Gill", "Haddad", "Ito",
              "Jensen", "Khan", "Lopez", "MacDonald", "Nguyen", "Olsen", "Patel", "Roy", "Wong"]
# (region, a spinal level of the muscle, the muscle): muscles and levels from the clinic's list
# (treatments/muscles.json), so that "Start from the last visit" offers their paraspinal sites.
REGIONS = [("Right low back", "L3", "Quadratus lumborum"), ("Left neck", "C4", "Upper trapezius"),
           ("Right shoulder", "C5", "Infraspinatus"), ("Left hip", "L5", "Gluteus medius"),
           ("Mid back", "C5", "Rhomboid major"), ("Right elbow", "C6", "Extensor carpi radialis")]
# fmt: on


@dataclass
class Story:
    """How a demo course has gone: pain at each attended visit, and what is next."""

    length: str
    pains: list[int]
    days_since_last: int
    booked_next: bool = True
    uncharted_last: bool = False


STORIES = [
    Story("short", [7, 5, 3], 6),  # improving
    Story("short", [6, 6, 6], 5),  # no change after 3: consider the extended course
    Story("extended", [8, 7, 6, 5, 4, 3], 4),  # steady progress
    Story("extended", [6, 6, 5, 6, 6, 6], 3),  # no change after 6: review the plan
    Story("extended", [8, 7, 6, 6, 5, 5, 4, 4, 4, 4, 3, 3, 3], 5),  # past 12: re-assess
    Story("short", [6, 4], 12, booked_next=False),  # overdue
    Story("short", [7, 5], 8, booked_next=False),  # due
    Story("short", [], 0),  # new course, first visit booked
    Story("short", [7, 6], 1, uncharted_last=True),  # seen yesterday, not yet charted
]

# The first demo patient with an email (patient2@example.com) tries the patient pages: online
# access is on for them, with a questionnaire to answer.
ONLINE_PATIENT = 1


def weekday_on_or_before(day: date) -> date:
    return day - timedelta(days=max(day.weekday() - 4, 0))


def weekday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() > 4 else 0)


def create_locations() -> list[Location]:
    """The clinic's first location (a fresh install's), with an address, and a second one, so
    the demo shows the pages' location filters."""
    main = Location.objects.order_by("pk").first()
    if not main.address:
        main.address, main.phone = "1200 Main Street\nVancouver BC V6A 0A1", "604-555-0100"
        main.save()
    second, made = Location.objects.get_or_create(
        name="Kitsilano",
        defaults={"address": "2100 West 4th Avenue\nVancouver BC V6K 1N6", "phone": "604-555-0142"},
    )  # fmt: skip
    if made:
        for weekday in range(5):
            ClinicHours.objects.create(
                location=second, weekday=weekday, opens_at=time(8), closes_at=time(18)
            )
    return [main, second]


def where_they_work(username: str, weekday: int, locations: list[Location]) -> Location:
    """Morgan is at Kitsilano on Tuesdays and Thursdays; everyone else at the main location."""
    return locations[1] if username == "morgan" and weekday in (1, 3) else locations[0]


def create_staff(people: list[tuple] = DEMO_STAFF) -> dict[str, object]:
    locations = create_locations()
    User = get_user_model()
    staff = {}
    for username, password, first, last, role in people:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username, f"{username}@example.com", password, first_name=first, last_name=last,
                is_staff=role != FRONT_DESK,
            )  # fmt: skip
            user.groups.add(Group.objects.get(name=role))
        if role == PHYSIOTHERAPIST:
            for weekday in range(5):
                WorkingHours.objects.get_or_create(
                    physiotherapist=user, weekday=weekday,
                    defaults={"starts_at": time(8), "ends_at": time(18),
                              "location": where_they_work(username, weekday, locations)},
                )  # fmt: skip
            PhysiotherapistProfile.objects.get_or_create(
                user=user,
                defaults={"registration_number": f"PT-{user.pk:05}", "needling_authorized": True,
                          "authorization_expires": timezone.localdate() + timedelta(
                              days=AUTHORIZATION_DAYS.get(username, 365))},
            )  # fmt: skip
        staff[username] = user
    return staff


def open_online_booking(physiotherapists: list) -> None:
    """Online booking on, with the IMS treatment and the follow-up bookable with every demo
    physiotherapist: a demo patient with an email signs in and books (README, patients online)."""
    ClinicSettings.objects.update_or_create(pk=1, defaults={"online_booking": True})
    VisitType.objects.filter(name__in=["IMS treatment", "Follow-up without needling"]).update(
        bookable_online=True
    )
    PhysiotherapistProfile.objects.filter(user__in=physiotherapists).update(bookable_online=True)


@transaction.atomic
def create_clinic(patients: int = 40, seed: int = 2026) -> int:
    """Add `patients` demo patients with their records; returns how many were added."""
    rng = random.Random(seed)  # noqa: S311 (repeatable demo data, not security)
    staff = create_staff()
    load_demo_texts()
    physiotherapists = [staff["lee"], staff["singh"], staff["morgan"]]
    open_online_booking(physiotherapists)
    today = timezone.localdate()
    assessments = []
    for n in range(patients):
        physiotherapist = physiotherapists[n % len(physiotherapists)]
        slot = n // len(
            physiotherapists
        )  # each physiotherapist's patients get their own weekday and hour
        patient = Patient.objects.create(
            legal_first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
            legal_last_name=LAST_NAMES[(n * 7) % len(LAST_NAMES)],
            date_of_birth=date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            phone=f"604-555-{1000 + n:04}",
            email=f"patient{n + 1}@example.com" if n % 5 else "",
            emergency_contact_name=f"{FIRST_NAMES[(n + 3) % 20]} {LAST_NAMES[n % 18]}",
            emergency_contact_phone=f"604-555-{2000 + n:04}",
            primary_concern=REGIONS[n % len(REGIONS)][0].lower() + " pain",
            referral_source=rng.choice(
                ["Family doctor", "Friend", "Clinic website", "Sports club"]
            ),
        )
        story = STORIES[n % len(STORIES)]
        # Half-hour slots from 08:00: no two patients of one physiotherapist ever overlap.
        start_time = time(8 + slot // 2, 30 * (slot % 2))
        add_past_course(patient, physiotherapist, n, start_time, today, rng)
        assessments += add_course(patient, physiotherapist, story, n, start_time, today, rng)
    # An hour-long assessment could take the half-hour slot of another of the physiotherapist's
    # patients on some dates: the treatments are all in before any assessment is tried.
    for assessment in assessments:
        add_assessment(*assessment)
    add_new_patient_requests()
    return patients


def add_new_patient_requests() -> None:
    """Two new patients waiting for the front desk to call them back."""
    for first, last, born, problem, suits in [
        ("Robin", "Okafor", date(1979, 4, 2), "Sore neck since May",
         "Weekday mornings before 10"),
        ("Sasha", "Lindqvist", date(1992, 11, 20), "Low back pain after a move",
         "Tuesday or Thursday after 3 pm"),
    ]:  # fmt: skip
        found = AppointmentRequest(
            first_name=first, last_name=last, date_of_birth=born, problem=problem,
            times_that_suit=suits, email=f"{first.lower()}@example.com", phone="604-555-0142",
        )  # fmt: skip
        found.full_clean()
        found.save()


def add_course(patient, physiotherapist, story: Story, n: int, at: time, today: date, rng) -> list:
    """The patient's current course; returns the initial assessment to add (add_assessment's
    arguments), if it has one."""
    region = REGIONS[n % len(REGIONS)][0]
    last = weekday_on_or_before(today - timedelta(days=story.days_since_last))
    dates = [last - timedelta(weeks=k) for k in reversed(range(len(story.pains)))]
    started = dates[0] if dates else today
    screening = Screening.objects.create(
        patient=patient, screened_on=started - timedelta(days=1), signed_by=physiotherapist
    )
    if n % 4 == 0:
        Precaution.objects.create(
            screening=screening, kind=Precaution.Kind.FAINTING_RISK,
            decision=Precaution.Decision.MODIFY, note="First visits lying down; ate beforehand.",
        )  # fmt: skip
    Consent.objects.create(
        patient=patient, consented_on=started - timedelta(days=1), obtained_by=physiotherapist,
        explained=list(Consent.Topic.values),
    )  # fmt: skip
    course = TreatmentCourse.objects.create(
        patient=patient,
        physiotherapist=physiotherapist,
        region=region,
        started_on=started - timedelta(days=1),
        expected_length=story.length,
        goals="Back to daily activities without pain.",
        baseline_pain=story.pains[0] + 1 if story.pains else 6,
    )
    types = {visit_type.name: visit_type for visit_type in VisitType.objects.all()}
    ims = types.get("IMS treatment") or VisitType.objects.filter(is_needling=True).first()
    assessment = types.get("Initial assessment")
    booking = {"patient": patient, "course": course, "physiotherapist": physiotherapist}
    assessments = []
    if assessment and dates:
        assessments.append((booking, assessment, started - timedelta(days=1), at, story))
    for i, (day, pain) in enumerate(zip(dates, story.pains, strict=True)):
        uncharted = story.uncharted_last and i == len(dates) - 1
        visit = record_past_visit(
            **booking, visit_type=ims, day=day, start_time=at,
            status=Visit.Status.ATTENDED if uncharted else Visit.Status.BOOKED,
        )  # fmt: skip
        if uncharted:
            continue
        # Every fourth patient's latest chart is left as a draft, to be signed on the dashboard
        # (every physiotherapist has some: they take turns by three).
        draft = i == len(dates) - 1 and n % 4 == 0
        chart_treatment(visit, i + 1, pain, n, physiotherapist, rng, sign=not draft)
    if story.booked_next:
        next_day = (dates[-1] + timedelta(weeks=1)) if dates else today + timedelta(days=2)
        next_day = weekday_on_or_after(max(next_day, today + timedelta(days=1)))
        booked = book_visit(**booking, visit_type=ims, day=next_day, start_time=at)
        if n % 11 == 0:  # a few cancellations, which stay on the record
            cancel_visit(booked, reason="Patient unwell; will call to rebook.")
    # The newest courses wait for their baseline; every other one for its latest re-assessment.
    add_questionnaires(course, story.pains, rng, last_reassessment=n % 2 == 0)
    if n == ONLINE_PATIENT:
        patient.turn_on_online_access()
        left_to_answer_at_home(course)
    return assessments


# What a physiotherapist writes for the patient to do at home, in plain words.
HOME_PLANS = [
    "Walk for 20 minutes each day, at an easy pace. A warm shower or a heat pack for 15 "
    "minutes helps if the muscles feel tight tonight.",
    "Gentle stretch twice a day: hold 30 seconds, three times, without pushing into pain. "
    "Keep up your usual activity, but skip heavy lifting for two days.",
    "Ice for 10 minutes if the area is sore this evening. From tomorrow, the two exercises we "
    "practised, 10 times each, morning and evening.",
    "Get up and move for a few minutes every half hour when you sit for long. Heat before the "
    "exercises if you feel stiff.",
]


def chart_treatment(visit, number: int, pain: int, n: int, physiotherapist, rng, sign=True):
    region, segment, muscle = REGIONS[n % len(REGIONS)]
    chart = Chart(
        consent_confirmed=True, patient_position=Chart.Position.PRONE,
        pain_before=pain, pain_after=max(0, pain - rng.randint(1, 3)),
        retest_note="Range of motion better on re-test.",
        note=f"Visit {number}: needled {muscle.lower()} and paraspinals at {segment}.",
        home_plan=HOME_PLANS[(n + number) % len(HOME_PLANS)],
    )  # fmt: skip
    side = "left" if region.startswith("Left") else "right"
    sites = [
        NeedledSite(muscle=muscle, side=side, site_type="pain_site",
                    response=rng.choice(["grasp", "twitch"]), insertions=rng.randint(2, 5)),
        NeedledSite(muscle="Multifidus", side=side, site_type="paraspinal",
                    spinal_segment=segment, response="grasp", insertions=rng.randint(2, 4)),
    ]  # fmt: skip
    record_chart(visit=visit, chart=chart, sites=sites, adverse_events=[],
                 charted_by=physiotherapist, sign=sign)  # fmt: skip


# Finished courses, months ago, for the clinic's results: pain at each treatment. Some reach an
# important change by the 3rd treatment, some by the 6th, some later and some never.
PAST_STORIES = [
    ("short", [7, 4, 2]), ("short", [6, 4, 3]), ("short", [8, 6, 6]),
    ("extended", [7, 6, 6, 4, 3, 2]), ("extended", [8, 7, 7, 6, 4, 3, 3, 2]),
    ("extended", [6, 6, 6, 6, 5, 6]), ("extended", [7, 7, 6, 6, 6, 5, 5, 4, 3, 3]),
]  # fmt: skip


def add_past_course(patient, physiotherapist, n: int, at: time, today: date, rng) -> None:
    """A course completed 5 to 9 months ago, with its questionnaires down to discharge."""
    length, pains = PAST_STORIES[n % len(PAST_STORIES)]
    last = weekday_on_or_before(today - timedelta(weeks=22 + n % 16))
    dates = [last - timedelta(weeks=k) for k in reversed(range(len(pains)))]
    course = TreatmentCourse.objects.create(
        patient=patient, physiotherapist=physiotherapist, region=REGIONS[n % len(REGIONS)][0],
        started_on=dates[0], expected_length=length, goals="Back to work without pain.",
        baseline_pain=pains[0] + 1,
    )  # fmt: skip
    Screening.objects.create(patient=patient, screened_on=dates[0], signed_by=physiotherapist)
    Consent.objects.create(
        patient=patient, consented_on=dates[0], obtained_by=physiotherapist,
        explained=list(Consent.Topic.values),
    )  # fmt: skip
    ims = VisitType.objects.filter(is_needling=True).order_by("position").first()
    for number, (day, pain) in enumerate(zip(dates, pains, strict=True), start=1):
        visit = record_past_visit(patient=patient, course=course, physiotherapist=physiotherapist,
                                  visit_type=ims, day=day, start_time=at,
                                  status=Visit.Status.BOOKED)  # fmt: skip
        chart_treatment(visit, number, pain, n, physiotherapist, rng)
    course.status, course.ended_on = TreatmentCourse.Status.COMPLETED, last
    course.save(update_fields=["status", "ended_on"])
    add_questionnaires(course, pains, rng)


EXPECTED = {"short": "2-3", "extended": "6-12"}


def add_assessment(booking: dict, assessment, day: date, at: time, story: Story) -> None:
    """The initial assessment the day before the first treatment, with its visit note. Left out
    where it would overlap another demo patient's visit."""
    try:
        visit = record_past_visit(**booking, visit_type=assessment, day=day, start_time=at)
    except ValidationError:
        return
    note = Chart(
        reported=f"Pain for some months, worse with sitting; {booking['course'].region.lower()}.",
        findings="Taut, tender bands; movement limited at the matching spinal level.",
        plan=f"IMS once a week; expect change within {EXPECTED[story.length]} treatments. "
        "Home exercises given.",
        pain_before=story.pains[0] + 1 if story.pains else 6,
        home_plan=HOME_PLANS[0],
    )
    record_chart(visit=visit, chart=note, sites=[], adverse_events=[],
                 charted_by=booking["physiotherapist"], sign=True)  # fmt: skip
