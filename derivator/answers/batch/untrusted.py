"""Strings from a class file (names, problems, answers) made safe for where they go: a
terminal (no escape sequence, no bidi override acts), a spreadsheet (no formula runs),
a file name (no path, no clash). They are shown, never interpreted."""
import re
import unicodedata

from ...render.safe_terminal import json_text, visible  # noqa: F401 (their home)


def spreadsheet_cell(value):
    """A cell that a spreadsheet shows as text, never runs as a formula (OWASP's advice
    on CSV injection): a cell starting with =, +, -, @, tab, a line break (or a full-width
    =, +, -, @) gets a leading apostrophe. Numbers are left as they are."""
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    if text and text[0] in FORMULA_STARTS:
        return "'" + text
    return text


# What makes Excel, LibreOffice or Sheets read a cell as a formula (or a DDE call such as
# =cmd|' /C calc'!A0): also a line break first, and the full-width forms some convert.
FORMULA_STARTS = "=+-@\t\r\n\uff1d\uff0b\uff0d\uff20"


class SpreadsheetWriter:
    """csv.writer for every CSV the tool exports: each cell of each row, headers too,
    passes `spreadsheet_cell`, so no column can carry a formula."""

    def __init__(self, stream):
        import csv
        self.writer = csv.writer(stream, lineterminator="\r\n")

    def writerow(self, row):
        self.writer.writerow([spreadsheet_cell(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


MAX_STEM = 200     # bytes: with "-123" and ".md" within the 255 bytes a file name may take


def file_name(text, taken):
    """A file name for `text` (a student's name): letters, digits, '-', '_' and '.' kept,
    anything else '_', never empty nor hidden, at most MAX_STEM bytes of UTF-8 (a name
    of 80 four-byte letters is 320), and not one already in `taken`."""
    stem = re.sub(r"[^\w.-]", "_", unicodedata.normalize("NFC", str(text)))
    stem = stem.encode("utf-8")[:MAX_STEM].decode("utf-8", "ignore")    # whole letters
    stem = stem.lstrip(".") or "student"
    name, k = stem, 1
    while name.lower() in taken:
        k += 1
        name = f"{stem}-{k}"
    taken.add(name.lower())
    return name
