"""CSV lines for downloads that a spreadsheet opens as plain text, never as formulas."""

import csv
import io

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value) -> str:
    """A cell a spreadsheet will show as text: one starting like a formula gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()
