"""A demo clinic for the benchmark, shaped like a real one and written in bulk.

create_clinic() in demo.py books every visit through the services, about a minute per 500
patients. The benchmark needs 50,000 patients and 500,000 visits, so this writes rows
straight into the tables instead (COPY on PostgreSQL), and keeps the booking rules true by
construction:

- the clinic has one or more locations; each physiotherapist works eight hours a weekday at
  their location (a few spend two weekdays at a second one), with an hour for lunch;
- their day is seven hour-long slots, each holding one visit of its type's real length (an
  initial assessment 60 minutes, an IMS treatment 30, a re-assessment 45): about 33 visits a
  week, with free time between them, and never two at once;
- a patient keeps one slot for all their courses: one visit a week, on the same weekday at the
  same time, so needling visits are at least 7 days apart. Each course starts with an
  assessment; most visits are IMS treatments.

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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from patients.models import Consent, Patient, Precaution, Screening, digits_only
from patients.roles import CLINIC_ADMIN, FRONT_DESK, PHYSIOTHERAPIST
from treatments.demo import FIRST_NAMES, LAST_NAMES, REGIONS, create_staff
from treatments.models import (
    AdverseEvent,
    Chart,
    ClinicHours,
    Location,
    NeedledSite,
    TreatmentCourse,
    Visit,
    VisitType,
    WaitlistEntry,
    WorkingHours,
    main_location_id,
)

# fmt: off
# The first physiotherapists keep the small demo's names and logins.
NAMED_PHYSIOTHERAPISTS = [("lee", "Jordan", "Lee"), ("singh", "Priya", "Singh"),
                          ("morgan", "Casey", "Morgan"), ("okafor", "Ngozi", "Okafor"),
                          ("tanaka", "Ken", "Tanaka"), ("reid", "Sam", "Reid")]
# The locations after the first (the one a fresh install has).
MORE_LOCATIONS = [("Kitsilano", "2150 West 4th Avenue, Vancouver"),
                  ("Burnaby", "4720 Kingsway, Burnaby"),
                  ("North Shore", "1350 Lonsdale Avenue, North Vancouver"),
                  ("Richmond", "6060 Minoru Boulevard, Richmond"),
                  ("New Westminster", "610 Sixth Street, New Westminster")]
SURNAME_STARTS = ["Al", "Bar", "Cal", "Dun", "El", "Fer", "Gar", "Hal", "Ings", "Kir", "Lan", "Mor",
                  "Nor", "Ost", "Pen", "Ros", "Sal", "Tor", "Wes", "Yor"]
SURNAME_ENDS = ["den", "ley", "ton", "mar", "win", "ford", "berg", "wood", "shaw", "well",
                "croft", "by", "field", "more", "land", "hurst", "stone", "worth", "ridge", "ham"]
# fmt: on
WEEKDAYS = 5
# A working day of eight hours: seven hour-long slots and an hour for lunch after the fourth.
SLOT_HOURS = [0, 1, 2, 3, 5, 6, 7]
DAY_HOURS = 8
SECOND_LOCATION_WEEKDAYS = (1, 3)  # Tuesday and Thursday
FUTURE_WEEKS = 4  # visits are booked up to four weeks ahead
MIN_WEEKS = 26  # a small clinic still has half a year of records
REASSESS_EVERY = 6  # a course's 7th visit is a re-assessment
PATIENTS_PER_BATCH = 2000
MODELS = [Patient, Screening, Precaution, Consent, TreatmentCourse, Visit, Chart,
          NeedledSite, AdverseEvent, WaitlistEntry]  # fmt: skip


def bulk_staff(physiotherapists: int) -> list[tuple]:
    """The clinic admin, the front desk and `physiotherapists` physiotherapists, as
    create_staff() takes them: (username, password, first name, last name, role)."""
    people = [("admin", "demo-admin-2026", "Alex", "Admin", CLINIC_ADMIN),
              ("desk", "demo-desk-2026", "Robin", "Front", FRONT_DESK)]  # fmt: skip
    for n in range(physiotherapists):
        if n < len(NAMED_PHYSIOTHERAPISTS):
            username, first, last = NAMED_PHYSIOTHERAPISTS[n]
        else:
            username = f"physio{n + 1:02}"
            first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[n * 7 % len(LAST_NAMES)]
        people.append((username, "demo-physio-2026", first, last, PHYSIOTHERAPIST))
    return people


@dataclass
class Slot:
    """An hour of one physiotherapist's weekday, where they work then; a patient keeps it."""

    physiotherapist_id: int
    weekday: int
    at: time
    location_id: int


@dataclass
class Written:
    patients: int = 0
    visits: int = 0
    charts: int = 0


@dataclass
class VisitTypes:
    """The installed types a course is made of."""

    assessment: VisitType
    ims: VisitType
    reassessment: VisitType
    follow_up: VisitType

    @classmethod
    def installed(cls) -> "VisitTypes":
        types = list(VisitType.objects.filter(is_active=True).order_by("position", "pk"))
        needling = [t for t in types if t.is_needling]
        others = sorted([t for t in types if not t.is_needling], key=lambda t: -t.length_minutes)
        # The longest type without needling is the first assessment, the next a re-assessment;
        # a clinic with fewer types uses what it has.
        assessment = next(iter(others), needling[0])
        reassessment = others[1] if len(others) > 1 else assessment
        follow_up = others[-1] if others else needling[0]
        return cls(assessment, needling[0], reassessment, follow_up)

    def of(self, index: int, length: int, first_course: bool, finished: bool) -> VisitType:
        """The type of a course's visit number `index` (from 0) of `length`."""
        if index == 0:
            return self.assessment if first_course else self.reassessment
        if finished and index == length - 1 and length >= 4:
            return self.follow_up
        return self.reassessment if index % REASSESS_EVERY == 0 else self.ims


def add_locations(count: int) -> list[int]:
    """The clinic's first `count` open locations, made when missing, each open on weekdays."""
    first = main_location_id()
    for name, address in MORE_LOCATIONS[: max(count - 1, 0)]:
        Location.objects.get_or_create(name=name, defaults={"address": address,
                                                            "phone": "604-555-0100"})  # fmt: skip
    others = Location.objects.open().exclude(pk=first).order_by("pk")
    ids = [first, *others.values_list("pk", flat=True)][:count]
    # The small demo's second location (treatments/demo.py) is closed if this clinic has fewer:
    # a clinic with one location shows nothing about locations.
    Location.objects.open().exclude(pk__in=ids).update(is_open=False)
    for location_id in ids:
        for weekday in range(WEEKDAYS):
            ClinicHours.objects.get_or_create(
                location_id=location_id, weekday=weekday,
                defaults={"opens_at": time(8), "closes_at": time(18)},
            )  # fmt: skip
    return ids


def working_week(physiotherapist_ids: list[int], location_ids: list[int]) -> list[list[Slot]]:
    """Each physiotherapist's hours at their location(s), replacing what they had, and the
    slots of those hours: one list per physiotherapist."""
    WorkingHours.objects.filter(physiotherapist_id__in=physiotherapist_ids).delete()
    per_location = max(len(physiotherapist_ids) // len(location_ids), 1)
    hours, slots = [], []
    for n, pk in enumerate(physiotherapist_ids):
        home = location_ids[min(n // per_location, len(location_ids) - 1)]
        # The last physiotherapist of each location spends two days a week at the next one.
        second = None
        if len(location_ids) > 1 and n % per_location == per_location - 1:
            second = location_ids[(location_ids.index(home) + 1) % len(location_ids)]
        starts = 8 if n % 2 == 0 else 10  # early and late shifts
        own = []
        for weekday in range(WEEKDAYS):
            where = second if second and weekday in SECOND_LOCATION_WEEKDAYS else home
            hours.append(WorkingHours(
                physiotherapist_id=pk, location_id=where, weekday=weekday,
                starts_at=time(starts), ends_at=time(starts + DAY_HOURS),
            ))  # fmt: skip
            own += [Slot(pk, weekday, time(starts + h), where) for h in SLOT_HOURS]
        slots.append(own)
    WorkingHours.objects.bulk_create(hours)
    return slots


def slots_for(week: list[list[Slot]], count: int) -> list[Slot]:
    """`count` slots spread evenly over the physiotherapists, the weekdays and the day."""
    per_day = min(math.ceil(count / (len(week) * WEEKDAYS)), len(SLOT_HOURS))
    picked = [k * len(SLOT_HOURS) // per_day for k in range(per_day)]
    chosen = []
    for k in picked:
        for weekday in range(WEEKDAYS):
            chosen += [own[weekday * len(SLOT_HOURS) + k] for own in week]
    return chosen[:count]


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
        write_rows(self.model, self.columns, self.rows)
        if not hasattr(self.model, "history"):
            self.rows = []
            return
        history = self.model.history.model
        first_versions = [
            {**row, "history_date": self.now, "history_change_reason": None,
             "history_type": "+", "history_user_id": None}
            for row in self.rows
        ]  # fmt: skip
        columns = [f.column for f in history._meta.concrete_fields if not f.primary_key]
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
    patients: int,
    visits: int,
    *,
    locations: int = 1,
    physiotherapists: int = 4,
    seed: int = 2026,
    progress: Callable[[int], None] = lambda patients_written: None,
) -> Written:
    """Add `patients` patients and about `visits` visits, the last ones booked ahead, at
    `locations` locations with `physiotherapists` physiotherapists. `progress` is told how many
    patients are written after each batch."""
    rng = random.Random(seed)  # noqa: S311 (repeatable demo data, not security)
    staff = create_staff(bulk_staff(physiotherapists))
    physiotherapist_ids = [
        staff[name].pk for name, *_, role in bulk_staff(physiotherapists) if role == PHYSIOTHERAPIST
    ]
    week = working_week(physiotherapist_ids, add_locations(locations))
    capacity = sum(len(own) for own in week)
    # Planned a little over: weeks off between courses and patients who stop booking leave
    # some slots empty.
    visits = round(visits * 1.07)
    weeks = max(math.ceil(visits / capacity), MIN_WEEKS)
    slots = slots_for(week, min(math.ceil(visits / weeks), capacity)) if visits else []
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday(), weeks=weeks - 1 - FUTURE_WEEKS)
    plan = Plan(rng, slots, weeks, monday, today, mean=visits / max(patients, 1))
    types = VisitTypes.installed()
    written = Written()
    for first in range(0, patients, PATIENTS_PER_BATCH):
        with transaction.atomic():
            tables = {model: Table(model, timezone.now()) for model in MODELS}
            for n in range(first, min(first + PATIENTS_PER_BATCH, patients)):
                add_patient(plan, types, tables, n, written)
            for table in tables.values():
                table.write()
        progress(written.patients)
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
    """Which slot and which weeks each patient gets, in the order the patients arrive."""

    def __init__(self, rng, slots: list[Slot], weeks: int, monday: date, today: date, mean):
        self.rng, self.slots, self.weeks = rng, slots, weeks
        self.monday, self.today = monday, today
        self.low = max(2, round(mean * 0.4))
        self.high = max(self.low, round(mean * 1.6))
        self.free = [(0, n) for n in range(len(slots))]  # (first free week, slot), a heap

    def courses(self) -> tuple[Slot | None, list[list[date]], bool]:
        """A slot, the days of each course (one a week, up to FUTURE_WEEKS ahead), and
        whether the patient stopped booking before the end of their last course."""
        if not self.free or self.free[0][0] >= self.weeks:
            return None, [], False  # the clinic is full: a new patient, not yet booked
        length = self.rng.randint(self.low, self.high)
        lengths = [min(length, 12)] + ([length - 12] if length > 12 else [])
        week, number = heapq.heappop(self.free)
        slot, courses = self.slots[number], []
        for n in lengths:
            days = [self.day(slot, w) for w in range(week, min(week + n, self.weeks))]
            courses += [days] if days else []
            week += n + 1  # a week off between two courses
        heapq.heappush(self.free, (week - 1, number))
        # A few patients have not booked the rest of their course: the due list calls them.
        if courses[-1][-1] >= self.today and self.rng.random() < 0.15:
            courses = [[d for d in days if d < self.today] for days in courses]
            return slot, [days for days in courses if days], True
        return slot, courses, False

    def day(self, slot: Slot, week: int) -> date:
        return self.monday + timedelta(weeks=week, days=slot.weekday)


def add_patient(plan: Plan, types: VisitTypes, tables: dict, n: int, written: Written) -> None:
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
    slot, courses, stopped = plan.courses()
    if not courses:
        if n % 25 == 0:  # a new patient waiting for a first visit
            tables[WaitlistEntry].add(patient_id=patient, note="Mornings only.")
        return
    physiotherapist = slot.physiotherapist_id
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
    if stopped and n % 3 == 0:  # would like an earlier time than their usual one
        tables[WaitlistEntry].add(
            patient_id=patient, note="Any afternoon.", location_id=slot.location_id
        )
    for i, days in enumerate(courses):
        region, segment, muscle = REGIONS[(n + i) % len(REGIONS)]
        baseline = rng.randint(5, 9)
        course = {"started_on": min(days[0] - timedelta(days=1), today)}
        # Finished courses have ended; the last one of a patient who stopped booking has not.
        finished = days[-1] < today and not (stopped and i == len(courses) - 1)
        if finished:
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
        for index, day in enumerate(days):
            visit_type = types.of(index, len(days), i == 0, finished)
            visit = add_visit(tables, rng, today, patient, course_id, slot, visit_type, day)
            written.visits += 1
            if visit and (day < today - timedelta(days=3) or n % 3):
                add_chart(tables, rng, today, visit, physiotherapist, baseline, segment, muscle)
                written.charts += 1


def add_visit(tables, rng, today, patient, course, slot, visit_type, day) -> tuple | None:
    """Add a visit; returns (its id, when it ended, whether it was needling) if attended."""
    starts_at = timezone.make_aware(datetime.combine(day, slot.at))  # what Visit.save() does
    ends_at = starts_at + timedelta(minutes=visit_type.length_minutes)
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
        physiotherapist_id=slot.physiotherapist_id,
        location_id=slot.location_id,
        visit_type_id=visit_type.pk,
        is_needling=visit_type.is_needling,  # copied from the type, as booking does
        date=day,
        start_time=slot.at,
        duration_minutes=visit_type.length_minutes,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        created_at=starts_at - timedelta(days=7),
        updated_at=starts_at,
        **cancelled,
    )
    return (pk, ends_at, visit_type.is_needling) if status == "attended" else None


def add_chart(tables, rng, today, visit, physiotherapist, baseline, segment, muscle) -> None:
    visit_id, ended, needling = visit
    pain = max(1, baseline - rng.randint(0, 3))
    signed = ended.date() < today - timedelta(days=14) or rng.random() < 0.7
    signature = {"signed_by_id": physiotherapist if signed else None,
                 "signed_at": ended + timedelta(hours=2) if signed else None}  # fmt: skip
    if not needling:  # an assessment or a follow-up: a visit note
        tables[Chart].add(
            visit_id=visit_id, kind=Chart.Kind.NOTE, pain_before=pain,
            charted_by_id=physiotherapist, charted_at=ended, updated_at=ended,
            reported=f"Pain in the {muscle.lower()} area, worse after sitting.",
            findings=f"Tender taut bands at {segment}; range of motion reduced.",
            plan="IMS once a week; home exercises.", **signature,
        )  # fmt: skip
        return
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
        **signature,
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
