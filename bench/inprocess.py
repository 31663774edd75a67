"""The benchmark's work inside Django, against one benchmark database (DATABASE_URL).

Signs the benchmark's staff in (the cookies wrk sends), chooses the records the pages show,
counts each page's SQL queries with Django's test client, and times booking through the real
service functions. Prints one JSON object; bench/run.py runs it once per data size.
"""

import json
import os
import statistics
import sys
import time as clock
from datetime import date, time, timedelta
from urllib.parse import urlencode


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ims_clinic.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = {name: get_user_model().objects.get(username=name) for name in ["desk", "lee", "admin"]}
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    pages = pages_to_measure(users["lee"])
    for page in pages:
        client = clients[page["who"]] if page["who"] else Client()
        page["queries"] = count_queries(client, page["path"])
        if page["who"]:
            page["cookie"] = (
                f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
            )
    print(json.dumps({"pages": pages, "booking": time_booking(users["lee"])}))


def pages_to_measure(physiotherapist) -> list[dict]:
    """Each page: its name, its kind, who reads it, its address, and the page it is measured
    against (in turns with it): the health check for the public pages and the staff menu, the
    staff menu (the floor of any staff page) for the staff pages."""
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from treatments.models import TreatmentCourse, Visit, main_location_id

    # A patient in the middle of a long course, as a physiotherapist sees one every day.
    course = (
        TreatmentCourse.objects.active()
        .filter(physiotherapist=physiotherapist)
        .annotate(visits_so_far=Count("visits"))
        .order_by("-visits_so_far", "pk")
        .select_related("patient")
        .first()
    )
    patient = course.patient
    # The chart of the physiotherapist's last IMS treatment, opened to correct it.
    charted = (
        Visit.objects.filter(physiotherapist=physiotherapist, is_needling=True, chart__isnull=False)
        .order_by("-date", "-start_time")
        .first()
    )
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    # The front desk works at one location for the day, the physiotherapist's own: the pages of
    # the clinic's day show it (with one location, the filter is not there and changes nothing).
    here = {"location": main_location_id()}
    at = f"?{urlencode(here)}"
    week = urlencode({"physiotherapist": physiotherapist.pk, "week": monday.isoformat(), **here})
    search = urlencode({"q": f"{patient.legal_first_name} {patient.legal_last_name}"})
    last_month_ends = today.replace(day=1) - timedelta(days=1)
    month = urlencode({"date_from": last_month_ends.replace(day=1).isoformat(),
                       "date_to": last_month_ends.isoformat(), "by": "month", **here})  # fmt: skip
    health, floor = reverse("health"), reverse("staff-menu")
    pages = [
        ("health", "baseline", None, health, health),
        ("education index", "public", None, reverse("content:page-list"), health),
        ("aftercare page", "public", None, reverse("content:page-detail", args=["aftercare"]),
         health),
        ("login page", "public", None, reverse("login"), health),
        ("staff menu", "floor", "desk", floor, health),
        ("day sheet", "staff", "desk", reverse("treatments:day-sheet") + at, floor),
        ("calendar week", "staff", "desk", f"{reverse('treatments:calendar')}?{week}", floor),
        ("due list", "staff", "desk", reverse("treatments:due-list") + at, floor),
        ("waitlist", "staff", "desk", reverse("treatments:waitlist") + at, floor),
        ("patient search", "staff", "desk", f"{reverse('patients:patient-list')}?{search}",
         floor),
        ("patient page", "staff", "lee", patient.get_absolute_url(), floor),
        ("course page", "staff", "lee", course.get_absolute_url(), floor),
        ("chart form", "staff", "lee", reverse("treatments:visit-chart", args=[charted.pk]),
         floor),
        ("month's report", "staff", "admin", f"{reverse('treatments:report-visits')}?{month}",
         floor),
        ("clinic's results", "staff", "admin", reverse("treatments:results"), floor),
    ]  # fmt: skip
    keys = ["name", "kind", "who", "path", "against"]
    return [dict(zip(keys, page, strict=True)) for page in pages]


def count_queries(client, path: str) -> int:
    """The queries of one request, after a first one has filled what is cached."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}, not 200: the benchmark is broken.")
    return len(queries)


def time_booking(physiotherapist, repeats: int = 5) -> dict:
    """Book one visit, and a weekly series of 12, for a new patient past the booked weeks;
    each in a transaction rolled back afterwards, so the data stays as loaded."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from patients.models import Patient
    from treatments.booking import series, services
    from treatments.demo_bulk import FUTURE_WEEKS
    from treatments.models import TreatmentCourse, VisitType

    ims = VisitType.objects.filter(is_needling=True).first()

    later = timezone.localdate() + timedelta(weeks=FUTURE_WEEKS + 2)
    monday = later - timedelta(days=later.weekday())
    figures = {"one visit": [], "weekly series of 12": []}
    for n in range(repeats):
        for what, book in [
            (
                "one visit",
                lambda course, at: services.book_visit(
                    patient=course.patient,
                    course=course,
                    physiotherapist=physiotherapist,
                    visit_type=ims,
                    day=monday,
                    start_time=at,
                ),
            ),
            (
                "weekly series of 12",
                lambda course, at: series.book_series(
                    patient=course.patient,
                    course=course,
                    physiotherapist=physiotherapist,
                    visit_type=ims,
                    first_day=monday + timedelta(days=1),
                    start_time=at,
                    weeks=12,
                    booked_by=physiotherapist,
                ),
            ),
        ]:
            with transaction.atomic():
                patient = Patient.objects.create(
                    legal_first_name="Bench",
                    legal_last_name="Booking",
                    phone="604-555-0000",
                    date_of_birth=date(1980, 1, 1),
                )
                course = TreatmentCourse.objects.create(
                    patient=patient,
                    physiotherapist=physiotherapist,
                    region="Low back",
                    goals="Walk",
                    baseline_pain=6,
                )
                with CaptureQueriesContext(connection) as queries:
                    started = clock.perf_counter()
                    booked = book(course, time(8 + n))
                    seconds = clock.perf_counter() - started
                transaction.set_rollback(True)
            if isinstance(booked, list) and not all(week.visit for week in booked):
                sys.exit(f"The weekly series was not booked: {booked}")
            figures[what].append((seconds * 1000, len(queries)))
    return {
        what: {
            "median_ms": round(statistics.median(ms for ms, _ in runs), 2),
            "queries": max(count for _, count in runs),
        }
        for what, runs in figures.items()
    }


if __name__ == "__main__":
    main()
