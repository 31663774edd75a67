"""Text written to a CSV file that staff open in a spreadsheet."""

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value) -> str:
    """A value as a spreadsheet shows it: text that a spreadsheet would run as a formula is
    kept as text by a leading apostrophe."""
    text = str(value)
    return f"'{text}" if text[:1] in FORMULA_STARTS else text
