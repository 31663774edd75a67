"""The benchmark's table, and the targets it is read against (the README states them too)."""

PUBLIC_THROUGHPUT = 0.9  # an education page serves at 0.9x the health check's requests/s or more
STAFF_P50 = 2.0  # on the large clinic, a staff page's median latency is at most 2x the floor's
LARGE_OVER_SMALL = 1.3  # a staff page costs at most 1.3x as much on the large clinic
BOOKING_QUERIES = 12  # booking one visit


def pages_of(results: dict, size: str) -> dict[str, dict]:
    return {page["name"]: page for page in results["sizes"][size].get("pages", [])}


def throughput_ratio(page: dict) -> float:
    """The page's requests per second over its baseline's (the health check, or the staff
    menu for a staff page), measured in turns with it."""
    return page["rps"] / page["baseline"]["rps"]


def latency_ratio(page: dict) -> float:
    """The page's median latency over its baseline's."""
    return page["p50_ms"] / page["baseline"]["p50_ms"]


def large_over_small(results: dict, name: str) -> float | None:
    """How much more a request costs on the large clinic: the ratio of the page's throughputs,
    each taken relative to its own baseline so that the machine's load at the time cancels."""
    if not {"small", "large"} <= set(results["sizes"]):
        return None
    small, large = pages_of(results, "small")[name], pages_of(results, "large")[name]
    return round(throughput_ratio(small) / throughput_ratio(large), 2)


def evaluate(results: dict) -> list[dict]:
    targets = []

    def check(target: str, page: str, size: str, value, limit, met: bool) -> None:
        targets.append({"target": target, "page": page, "size": size, "value": value,
                        "limit": limit, "met": met})  # fmt: skip

    for size in results["sizes"]:
        for page in pages_of(results, size).values():
            if page["name"] in ("education index", "aftercare page"):
                ratio = round(throughput_ratio(page), 2)
                check("req/s vs baseline", page["name"], size, ratio, PUBLIC_THROUGHPUT,
                      ratio >= PUBLIC_THROUGHPUT)  # fmt: skip
            if page["kind"] == "staff" and size == "large":
                ratio = round(latency_ratio(page), 2)
                check("p50 vs floor", page["name"], size, ratio, STAFF_P50, ratio <= STAFF_P50)
        booking = results["sizes"][size]["booking"]["one visit"]["queries"]
        check("queries", "book one visit", size, booking, BOOKING_QUERIES,
              booking <= BOOKING_QUERIES)  # fmt: skip
    if {"small", "large"} <= set(results["sizes"]):
        small, large = pages_of(results, "small"), pages_of(results, "large")
        for name, page in small.items():
            if page["kind"] != "staff":
                continue
            same = page["queries"] == large[name]["queries"]
            counts = f"{page['queries']}/{large[name]['queries']}"
            check("same queries at both sizes", name, "both", counts, "equal", same)
            ratio = large_over_small(results, name)
            check("large/small cost", name, "both", ratio, LARGE_OVER_SMALL,
                  ratio <= LARGE_OVER_SMALL)  # fmt: skip
    return targets


def table(results: dict) -> str:
    sizes = list(results["sizes"])
    head = f"{'page':<18}{'queries':>9}"
    for size in sizes:
        head += f" | {size + ' req/s':>12}{'p50 ms':>8}{'p95 ms':>8}{'x rps':>7}{'x p50':>7}"
    head += " | large/small" if len(sizes) == 2 else ""
    lines = [head, "-" * len(head)]
    first = pages_of(results, sizes[0])
    for name, page in first.items():
        counts = "/".join(str(pages_of(results, size)[name]["queries"]) for size in sizes)
        line = f"{name:<18}{counts:>9}"
        for size in sizes:
            this = pages_of(results, size)[name]
            line += (f" | {this['rps']:>12.0f}{this['p50_ms']:>8.1f}{this['p95_ms']:>8.1f}"
                     f"{throughput_ratio(this):>7.2f}{latency_ratio(this):>7.1f}")  # fmt: skip
        if len(sizes) == 2 and page["kind"] == "staff":
            line += f" | {large_over_small(results, name):>11.2f}"
        lines.append(line)
    for what in ["one visit", "weekly series of 12"]:
        line = f"{'book ' + what:<27}"
        for size in sizes:
            booking = results["sizes"][size]["booking"][what]
            line += f" | {size}: {booking['median_ms']:.1f} ms, {booking['queries']} queries"
        lines.append(line)
    targets = results.get("targets", [])
    missed = [t for t in targets if not t["met"]]
    lines.append("")
    lines.append(f"Targets met: {len(targets) - len(missed)} of {len(targets)}.")
    for target in missed:
        lines.append(
            f"  missed: {target['page']} ({target['size']}): {target['target']} "
            f"{target['value']}, limit {target['limit']}"
        )
    return "\n".join(lines)
