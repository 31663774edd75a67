"""The clinic's list of muscles, with their spinal levels, and linking earlier charts' free
text to it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from tests.factories import (
    TODAY,
    chart_visit,
    make_clinic_admin,
    make_visit,
    ready_for_needling,
)
from treatments.models import Muscle, NeedledSite
from treatments.muscles import muscle_list

pytestmark = pytest.mark.django_db


def test_the_list_names_the_segmental_supply_of_the_muscles_ims_commonly_needles():
    assert Muscle.objects.get(name="Gluteus medius").nerve_supply.startswith("L4-S1")
    assert Muscle.objects.get(name="Infraspinatus").levels == ["C5", "C6"]
    upper_trapezius = Muscle.objects.get(name="Upper trapezius")
    assert upper_trapezius.levels == ["C3", "C4"]
    assert "accessory nerve" in upper_trapezius.nerve_supply
    assert Muscle.objects.get(name="Gluteus maximus").levels == ["L5", "S1", "S2"]


def test_every_muscle_of_the_file_is_loaded_with_its_anatomy_source():
    source, muscles = muscle_list()
    assert "Gray's Anatomy" in source
    assert Muscle.objects.count() == len(muscles) >= 40
    assert set(Muscle.objects.values_list("source", flat=True)) == {source}
    assert list(Muscle.objects.filter(is_paraspinal=True).values_list("name", flat=True)) == [
        "Multifidus"
    ]


def test_a_muscle_whose_last_level_comes_before_its_first_is_refused():
    muscle = Muscle(name="Test muscle", region="trunk", first_segment="L5", last_segment="L1",
                    source="A textbook")  # fmt: skip
    with pytest.raises(ValidationError, match="The last spinal level comes after the first"):
        muscle.full_clean()


def test_a_muscle_with_only_one_of_its_levels_is_refused():
    muscle = Muscle(name="Test muscle", region="trunk", first_segment="L5", source="A textbook")
    with pytest.raises(ValidationError, match="Give both the first and the last spinal level"):
        muscle.full_clean()


def test_the_database_refuses_a_muscle_named_twice():
    with pytest.raises(ValidationError, match="already on the list"):
        Muscle(name="gluteus MEDIUS", region="hip_leg", source="A textbook").full_clean()
    with pytest.raises(IntegrityError):
        Muscle.objects.create(name="gluteus MEDIUS", region="hip_leg", source="A textbook")


@pytest.mark.postgresql
def test_the_database_refuses_a_muscle_with_one_level_on_postgresql():
    with pytest.raises(IntegrityError):
        Muscle.objects.create(name="Half", region="trunk", first_segment="L1", source="A book")


# Linking the free text of earlier charts ---------------------------------------------------


@pytest.fixture
def earlier_charts(physiotherapist):
    course = ready_for_needling(physiotherapist=physiotherapist)
    day = TODAY - timedelta(days=14)
    chart = chart_visit(make_visit(course, day), physiotherapist,
                        muscles=["glut med", "G. medius", "Rhomboids", "Tibia muscle"])  # fmt: skip
    # Charted before the list: the service links exact names only, so unlink them all.
    chart.sites.update(listed_muscle=None)
    return chart


def test_the_command_links_certain_spellings_and_reports_the_rest(earlier_charts, capsys):
    call_command("map_muscle_names")
    out = capsys.readouterr().out
    assert "Linked “glut med” to Gluteus medius: 1 site(s)." in out
    assert "Linked “G. medius” to Gluteus medius: 1 site(s)." in out
    assert "Left as free text, not certain: “Rhomboids”: 1 site(s)." in out
    assert "2 site(s) linked; 2 left as free text." in out
    sites = earlier_charts.sites.order_by("pk")
    assert [site.muscle for site in sites] == [
        "Gluteus medius", "Gluteus medius", "Rhomboids", "Tibia muscle"
    ]  # fmt: skip
    assert [site.muscle_display for site in sites][2:] == [
        "Rhomboids (not on the muscle list)", "Tibia muscle (not on the muscle list)"
    ]  # fmt: skip


def test_the_history_keeps_the_spelling_a_linked_site_had(earlier_charts):
    call_command("map_muscle_names", stdout=None)
    site = earlier_charts.sites.order_by("pk").first()
    latest, before = site.history.all()[:2]
    assert "was “glut med”" in latest.history_change_reason
    assert before.muscle == "glut med"


def test_a_dry_run_changes_nothing(earlier_charts, capsys):
    call_command("map_muscle_names", "--dry-run")
    assert "Would link “glut med” to Gluteus medius" in capsys.readouterr().out
    assert not NeedledSite.objects.filter(listed_muscle__isnull=False).exists()


# The clinic admin keeps the list -----------------------------------------------------------


def muscle_form(muscle: Muscle, **changes) -> dict:
    fields = ["name", "other_names", "region", "first_segment", "last_segment", "other_nerve",
              "source"]  # fmt: skip
    data = {name: getattr(muscle, name) for name in fields}
    data.update(has_sides="on", is_active="on")
    return {**data, **changes}


def test_the_clinic_admin_corrects_a_muscles_levels_in_the_admin(client):
    client.force_login(make_clinic_admin())
    muscle = Muscle.objects.get(name="Teres major")
    url = reverse("admin:treatments_muscle_change", args=[muscle.pk])
    response = client.post(url, muscle_form(muscle, last_segment="C7", source="Kendall 2005"))
    assert response.status_code == 302
    muscle.refresh_from_db()
    assert (muscle.levels, muscle.source) == (["C5", "C6", "C7"], "Kendall 2005")


def test_the_admin_refuses_levels_in_the_wrong_order_and_never_deletes_a_muscle(client):
    client.force_login(make_clinic_admin())
    muscle = Muscle.objects.get(name="Teres major")
    url = reverse("admin:treatments_muscle_change", args=[muscle.pk])
    response = client.post(url, muscle_form(muscle, first_segment="T1"))
    assert "The last spinal level comes after the first." in response.content.decode()
    delete = reverse("admin:treatments_muscle_delete", args=[muscle.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    muscle.refresh_from_db()
    assert muscle.levels == ["C5", "C6"]


def test_a_physiotherapist_reads_the_list_but_does_not_change_it(client, physiotherapist):
    client.force_login(physiotherapist)
    muscle = Muscle.objects.get(name="Teres major")
    url = reverse("admin:treatments_muscle_change", args=[muscle.pk])
    assert client.post(url, muscle_form(muscle, last_segment="T1")).status_code == 403
