"""The benchmark driver's checks and its report; the benchmark itself is run by `make bench`."""

import pytest

from bench.report import evaluate, large_over_small, table
from bench.run import NotPostgreSQL, bench_database_urls, main


@pytest.mark.parametrize("url", ["", "sqlite:///db.sqlite3", "mysql://root@127.0.0.1/ims"])
def test_it_refuses_anything_but_postgresql_with_a_clear_message(url):
    with pytest.raises(NotPostgreSQL, match="make bench measures the app on PostgreSQL"):
        bench_database_urls(url)


def test_it_stops_before_doing_anything_when_there_is_no_postgresql(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(SystemExit, match="DATABASE_URL is not set"):
        main([])


def test_it_makes_its_own_databases_on_the_server_it_is_given():
    urls = bench_database_urls("postgres://ims:secret@db.example.org:5433/ims")
    assert urls == {
        "small": "postgres://ims:secret@db.example.org:5433/ims_bench_small",
        "large": "postgres://ims:secret@db.example.org:5433/ims_bench_large",
    }


def page(name: str, kind: str, rps: float, p50: float, queries: int, base_rps=1000.0) -> dict:
    baseline = {"rps": base_rps, "p50_ms": 5.0, "p95_ms": 9.0}  # the health check or the floor
    return {"name": name, "kind": kind, "rps": rps, "p50_ms": p50, "p95_ms": p50 * 2,
            "queries": queries, "baseline": baseline}  # fmt: skip


def results(large_calendar_rps: float, large_base_rps: float = 1000.0) -> dict:
    booking = {"one visit": {"median_ms": 9.0, "queries": 12},
               "weekly series of 12": {"median_ms": 90.0, "queries": 144}}  # fmt: skip
    small = [page("health", "baseline", 1000, 5, 0), page("aftercare page", "public", 950, 5, 0),
             page("staff menu", "floor", 400, 5, 2),
             page("calendar week", "staff", 100, 9, 9)]  # fmt: skip
    large = [page("health", "baseline", large_base_rps, 5, 0, large_base_rps),
             page("aftercare page", "public", 800, 5, 0, large_base_rps),
             page("staff menu", "floor", 400, 5, 2, large_base_rps),
             page("calendar week", "staff", large_calendar_rps, 12, 9, large_base_rps)]  # fmt: skip
    return {"sizes": {"small": {"pages": small, "booking": booking},
                      "large": {"pages": large, "booking": booking}}}  # fmt: skip


def test_it_reads_each_page_against_the_targets():
    found = {(t["page"], t["size"], t["target"]): t["met"] for t in evaluate(results(90))}
    assert found[("aftercare page", "small", "req/s vs baseline")]
    assert not found[("aftercare page", "large", "req/s vs baseline")]
    assert ("calendar week", "small", "p50 vs floor") not in found  # read on the large one
    assert not found[("calendar week", "large", "p50 vs floor")]  # 12 ms: over 2 x 5 ms
    assert found[("calendar week", "both", "same queries at both sizes")]
    assert found[("calendar week", "both", "large/small cost")]  # 100 / 90: 1.11
    assert found[("book one visit", "small", "queries")]  # 12: the limit


def test_a_staff_page_within_twice_the_floors_median_meets_its_target():
    data = results(90)
    data["sizes"]["large"]["pages"][-1]["p50_ms"] = 9.5
    found = {(t["page"], t["size"], t["target"]): t["met"] for t in evaluate(data)}
    assert found[("calendar week", "large", "p50 vs floor")]


def test_a_page_running_more_queries_on_the_large_clinic_misses_its_target():
    data = results(90)
    data["sizes"]["large"]["pages"][-1]["queries"] = 10
    found = {(t["page"], t["size"], t["target"]): t["met"] for t in evaluate(data)}
    assert not found[("calendar week", "both", "same queries at both sizes")]


def test_the_large_over_small_ratio_cancels_a_slower_machine():
    # Everything ran at half speed during the large run, the baseline too: the page did not
    # get more expensive.
    assert large_over_small(results(50, large_base_rps=500), "calendar week") == 1.0
    assert large_over_small(results(50), "calendar week") == 2.0


def test_the_table_lists_every_page_and_the_targets_missed():
    data = results(50)
    data["targets"] = evaluate(data)
    text = table(data)
    assert "calendar week" in text and "book weekly series of 12" in text
    assert "missed: calendar week (both): large/small cost 2.0, limit 1.3" in text
