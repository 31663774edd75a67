"""Text written to a CSV file that staff open in a spreadsheet."""

import csv

from django.http import HttpResponse

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value) -> str:
    """A value as a spreadsheet shows it: text that a spreadsheet would run as a formula is
    kept as text by a leading apostrophe."""
    text = str(value)
    return f"'{text}" if text[:1] in FORMULA_STARTS else text


def csv_download(filename: str, rows) -> HttpResponse:
    """A CSV file to download, every cell written as `spreadsheet_text`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow(spreadsheet_text(cell) for cell in row)
    return response
