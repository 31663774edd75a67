"""A large demo clinic for the benchmark: years of records, written in bulk.

create_clinic() in demo.py books every visit through the services, about a minute per 500
patients. The benchmark needs 50,000 patients and 500,000 visits, so this writes rows
straight into the tables instead (COPY on PostgreSQL), and keeps the booking rules true by
construction:

- each physiotherapist's weekday is a column of 10-minute "chairs" from 08:00 to 18:00;
- a patient keeps one chair for all their courses: one visit a week, on the same weekday at
  the same time. So no patient has two visits within a week, and no physiotherapist has two
  booked or attended visits at once.

On PostgreSQL the exclusion constraints check both rules on every row as well.

Bulk changes must not slip past history: every record gets its first version in its history
table, as a save() would have written it. No audit entries are written: the trail records what
people did, and no one did this.
"""

import csv
import heapq
import io
import json
import math
import random
import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from patients.models import Consent, Patient, Precaution, Screening, digits_only
from patients.roles import PHYSIOTHERAPIST
from treatments.demo import DEMO_STAFF, FIRST_NAMES, REGIONS, create_staff
from treatments.models import (
    AdverseEvent,
    Chart,
    NeedledSite,
    TreatmentCourse,
    Visit,
    VisitType,
    main_location_id,
)

MORE_PHYSIOTHERAPISTS = [
    ("okafor", "demo-physio-2026", "Ngozi", "Okafor", PHYSIOTHERAPIST),
    ("tanaka", "demo-physio-2026", "Ken", "Tanaka", PHYSIOTHERAPIST),
    ("reid", "demo-physio-2026", "Sam", "Reid", PHYSIOTHERAPIST),
]
BULK_STAFF = DEMO_STAFF + MORE_PHYSIOTHERAPISTS
# fmt: off
SURNAME_STARTS = ["Al", "Bar", "Cal", "Dun", "El", "Fer", "Gar", "Hal", "Ings", "Kir", "Lan", "Mor",
                  "Nor", "Ost", "Pen", "Ros", "Sal", "Tor", "Wes", "Yor"]
SURNAME_ENDS = ["den", "ley", "ton", "mar", "win", "ford", "berg", "wood", "shaw", "well",
                "croft", "by", "field", "more", "land", "hurst", "stone", "worth", "ridge", "ham"]
# fmt: on
CHAIR_MINUTES = 10
CHAIRS_PER_DAY = 60  # 08:00 to 18:00, the clinic's default hours
WEEKDAYS = 5
FUTURE_WEEKS = 4  # visits are booked up to four weeks ahead
MIN_WEEKS = 26  # a small clinic still has half a year of records
PATIENTS_PER_BATCH = 2500
MODELS = [Patient, Screening, Precaution, Consent, TreatmentCourse, Visit, Chart,
          NeedledSite, AdverseEvent]  # fmt: skip


@dataclass
class Chair:
    physiotherapist_id: int
    weekday: int
    at: time


@dataclass
class Written:
    patients: int = 0
    visits: int = 0
    charts: int = 0
    started: float = field(default_factory=clock.monotonic)


def chairs_for(physiotherapist_ids: list[int], count: int) -> list[Chair]:
    """`count` chairs spread evenly over the physiotherapists, the weekdays and the day."""
    per_day = math.ceil(count / (len(physiotherapist_ids) * WEEKDAYS))
    chairs = []
    for k in range(per_day):
        minutes = 8 * 60 + k * CHAIRS_PER_DAY // per_day * CHAIR_MINUTES
        for weekday in range(WEEKDAYS):
            chairs += [
                Chair(pk, weekday, time(minutes // 60, minutes % 60)) for pk in physiotherapist_ids
            ]
    return chairs[:count]


class Table:
    """New rows of one model, with the ids given here, and their first versions in history."""

    def __init__(self, model, now: datetime):
        self.model, self.now = model, now
        fields = model._meta.concrete_fields
        self.columns = [f.column for f in fields]
        self.defaults = {f.attname: default_of(f, now) for f in fields if not f.primary_key}
        last = model._base_manager.aggregate(last=models.Max("pk"))["last"]
        self.next_id = (last or 0) + 1
        self.rows: list[dict] = []

    def add(self, **values) -> int:
        row = {**self.defaults, **values, "id": self.next_id}
        self.rows.append(row)
        self.next_id += 1
        return row["id"]

    def write(self) -> None:
        history = self.model.history.model
        first_versions = [
            {**row, "history_date": self.now, "history_change_reason": None,
             "history_type": "+", "history_user_id": None}
            for row in self.rows
        ]  # fmt: skip
        columns = [f.column for f in history._meta.concrete_fields if not f.primary_key]
        write_rows(self.model, self.columns, self.rows)
        write_rows(history, columns, first_versions)
        self.rows = []


def default_of(model_field, now: datetime):
    if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
        return now
    if model_field.has_default():
        return model_field.get_default()
    return None if model_field.null else ""


def write_rows(model, columns: list[str], rows: list[dict]) -> None:
    if not rows:
        return
    if connection.vendor != "postgresql":
        # SQLite (the tests' small clinics): the ORM, slower but the same rows.
        names = {f.column: f.attname for f in model._meta.concrete_fields}
        objects = [model(**{names[c]: row[names[c]] for c in columns}) for row in rows]
        model._base_manager.bulk_create(objects, batch_size=500)
        return
    buffer = io.StringIO()
    out = csv.writer(buffer)
    names = [f.attname for f in model._meta.concrete_fields if f.column in columns]
    out.writerows([as_text(row[name]) for name in names] for row in rows)
    buffer.seek(0)
    quote = connection.ops.quote_name
    sql = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        "FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    )
    with connection.cursor() as cursor:
        cursor.copy_expert(sql, buffer)


def as_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | dict):
        return json.dumps(value)
    if isinstance(value, date | time):  # datetime too
        return value.isoformat()
    return str(value)


def create_large_clinic(
    patients: int, visits: int, *, seed: int = 2026, progress: Callable[[str], None] = print
) -> Written:
    """Add `patients` patients and about `visits` visits, the last ones booked ahead."""
    rng = random.Random(seed)  # noqa: S311 (repeatable demo data, not security)
    staff = create_staff(BULK_STAFF)
    physiotherapist_ids = [
        staff[name].pk for name, *_, role in BULK_STAFF if role == PHYSIOTHERAPIST
    ]
    capacity = len(physiotherapist_ids) * WEEKDAYS * CHAIRS_PER_DAY
    # Planned a little over: weeks off between courses and patients who stop booking leave
    # some chairs empty.
    visits = round(visits * 1.07)
    weeks = max(math.ceil(visits / capacity), MIN_WEEKS)
    chairs = (
        chairs_for(physiotherapist_ids, min(math.ceil(visits / weeks), capacity)) if visits else []
    )
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday(), weeks=weeks - 1 - FUTURE_WEEKS)
    plan = Plan(rng, chairs, weeks, monday, today, mean=visits / max(patients, 1))
    ims = VisitType.objects.filter(is_needling=True).order_by("position").first()
    location_id = main_location_id()
    written = Written()
    for first in range(0, patients, PATIENTS_PER_BATCH):
        with transaction.atomic():
            tables = {model: Table(model, timezone.now()) for model in MODELS}
            # Every bulk visit is an IMS treatment, its type's flag copied as booking does.
            tables[Visit].defaults.update(
                visit_type_id=ims.pk, is_needling=True, location_id=location_id
            )
            for n in range(first, min(first + PATIENTS_PER_BATCH, patients)):
                add_patient(plan, tables, n, written)
            for table in tables.values():
                table.write()
        progress(
            f"  {written.patients:,} of {patients:,} patients, {written.visits:,} visits "
            f"({clock.monotonic() - written.started:.0f} s)"
        )
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), MODELS):
            cursor.execute(sql)  # the next record saved the usual way gets the next free id
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner guesses. VACUUM also moves what was written into
            # the search's GIN indexes out of their pending list, which every search would
            # otherwise read through (10 ms a query on 50,000 patients), as autovacuum would
            # in time. It cannot run inside a transaction (the tests'): ANALYZE alone there.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return written


class Plan:
    """Which chair and which weeks each patient gets, in the order the patients arrive."""

    def __init__(self, rng, chairs: list[Chair], weeks: int, monday: date, today: date, mean):
        self.rng, self.chairs, self.weeks = rng, chairs, weeks
        self.monday, self.today = monday, today
        self.low = max(2, round(mean * 0.4))
        self.high = max(self.low, round(mean * 1.6))
        self.free = [(0, n) for n in range(len(chairs))]  # (first free week, chair), a heap

    def courses(self) -> tuple[Chair | None, list[list[date]], bool]:
        """A chair, the days of each course (one a week, up to FUTURE_WEEKS ahead), and
        whether the patient stopped booking before the end of their last course."""
        if not self.free or self.free[0][0] >= self.weeks:
            return None, [], False  # the clinic is full: a new patient, not yet booked
        length = self.rng.randint(self.low, self.high)
        lengths = [min(length, 12)] + ([length - 12] if length > 12 else [])
        week, number = heapq.heappop(self.free)
        chair, courses = self.chairs[number], []
        for n in lengths:
            days = [self.day(chair, w) for w in range(week, min(week + n, self.weeks))]
            courses += [days] if days else []
            week += n + 1  # a week off between two courses
        heapq.heappush(self.free, (week - 1, number))
        # A few patients have not booked the rest of their course: the due list calls them.
        if courses[-1][-1] >= self.today and self.rng.random() < 0.15:
            courses = [[d for d in days if d < self.today] for days in courses]
            return chair, [days for days in courses if days], True
        return chair, courses, False

    def day(self, chair: Chair, week: int) -> date:
        return self.monday + timedelta(weeks=week, days=chair.weekday)


def add_patient(plan: Plan, tables: dict, n: int, written: Written) -> None:
    rng, today = plan.rng, plan.today
    phone = f"604-{555 + n // 10_000:03}-{n % 10_000:04}"
    patient = tables[Patient].add(
        legal_first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
        legal_last_name=SURNAME_STARTS[n * 7 % 20] + SURNAME_ENDS[n // 20 * 3 % 20],
        date_of_birth=date(rng.randint(1940, 2006), rng.randint(1, 12), rng.randint(1, 28)),
        phone=phone, phone_digits=digits_only(phone),
        email=f"patient{n + 1}@example.com" if n % 5 else "",
        primary_concern="Long-standing muscle pain",
        referral_source=rng.choice(["Family doctor", "Friend", "Clinic website", "Sports club"]),
    )  # fmt: skip
    written.patients += 1
    chair, courses, stopped = plan.courses()
    if not courses:
        return
    physiotherapist = chair.physiotherapist_id
    started = min(courses[0][0] - timedelta(days=1), today)
    screening = tables[Screening].add(
        patient_id=patient, screened_on=started, signed_by_id=physiotherapist
    )
    if n % 4 == 0:
        tables[Precaution].add(
            screening_id=screening, kind=Precaution.Kind.FAINTING_RISK,
            decision=Precaution.Decision.MODIFY, note="First visits lying down.",
        )  # fmt: skip
    tables[Consent].add(patient_id=patient, consented_on=started, obtained_by_id=physiotherapist,
                        explained=list(Consent.Topic.values))  # fmt: skip
    for i, days in enumerate(courses):
        region, segment, muscle = REGIONS[(n + i) % len(REGIONS)]
        baseline = rng.randint(5, 9)
        course = {"started_on": min(days[0] - timedelta(days=1), today)}
        # Finished courses have ended; the last one of a patient who stopped booking has not.
        if days[-1] < today and not (stopped and i == len(courses) - 1):
            if rng.random() < 0.1:
                course.update(status="discontinued", end_reason="Moved away.")
            else:
                course.update(status="completed")
            course["ended_on"] = days[-1]
        course_id = tables[TreatmentCourse].add(
            patient_id=patient,
            physiotherapist_id=physiotherapist,
            region=region,
            goals="Daily life, no pain.",
            expected_length="short" if len(days) <= 3 else "extended",
            baseline_pain=baseline,
            **course,
        )
        for day in days:
            visit = add_visit(
                tables, rng, today, patient, course_id, physiotherapist, day, chair.at
            )
            written.visits += 1
            if visit and (day < today - timedelta(days=3) or n % 3):
                add_chart(tables, rng, today, visit, physiotherapist, baseline, segment, muscle)
                written.charts += 1


def add_visit(tables, rng, today, patient, course, physiotherapist, day, at) -> tuple | None:
    """Add a visit; returns (its id, when it ended) if it was attended."""
    starts_at = timezone.make_aware(datetime.combine(day, at))  # what Visit.save() does
    ends_at = starts_at + timedelta(minutes=CHAIR_MINUTES)
    chance, status, cancelled = rng.random(), "booked", {}
    if day < today:
        status = "cancelled" if chance < 0.06 else "no_show" if chance < 0.11 else "attended"
    elif chance < 0.04:
        status = "cancelled"
    if status == "cancelled":
        cancelled_at = starts_at - timedelta(days=rng.randint(0, 3), hours=2)
        cancelled = {"cancellation_reason": "Patient unwell.", "cancelled_at": cancelled_at}
    pk = tables[Visit].add(
        patient_id=patient,
        course_id=course,
        physiotherapist_id=physiotherapist,
        date=day,
        start_time=at,
        duration_minutes=CHAIR_MINUTES,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        created_at=starts_at - timedelta(days=7),
        updated_at=starts_at,
        **cancelled,
    )
    return (pk, ends_at) if status == "attended" else None


def add_chart(tables, rng, today, visit, physiotherapist, baseline, segment, muscle) -> None:
    visit_id, ended = visit
    pain = max(1, baseline - rng.randint(0, 3))
    signed = ended.date() < today - timedelta(days=14) or rng.random() < 0.7
    chart = tables[Chart].add(
        visit_id=visit_id,
        consent_confirmed=True,
        patient_position="prone",
        pain_before=pain,
        pain_after=max(0, pain - rng.randint(1, 3)),
        charted_by_id=physiotherapist,
        retest_note="Range of motion better on re-test.",
        note=f"Needled {muscle.lower()} and paraspinals at {segment}.",
        charted_at=ended,
        updated_at=ended,
        signed_by_id=physiotherapist if signed else None,
        signed_at=ended + timedelta(hours=2) if signed else None,
    )
    tables[NeedledSite].add(
        chart_id=chart,
        muscle=muscle,
        side="right",
        site_type="pain_site",
        spinal_segment=segment,
        response="grasp",
        insertions=rng.randint(2, 5),
    )
    tables[NeedledSite].add(chart_id=chart, muscle="Paraspinals", side="both",
                            site_type="paraspinal", spinal_segment=segment, response="twitch",
                            insertions=rng.randint(2, 4))  # fmt: skip
    if rng.random() < 0.02:
        tables[AdverseEvent].add(chart_id=chart, kind="bruising", severity="mild")
