"""Reading a class file (columns student, problem, answer) as spreadsheets save it:
UTF-8 with or without a byte-order mark, CRLF or LF, ',' ';' or tab between cells, the
header in any letter case, extra columns ignored.

Each row is read on its own: a row that cannot be read (a cell too long, a quote never
closed, bytes that are not UTF-8, too few or too many cells) becomes a `Row` with an
`error` and its line number, and the rows after it are read as usual. Only a file that
has no usable header is refused as a whole (a DerivatorError that says which line).
"""
from dataclasses import dataclass

from .. import DerivatorError

COLUMNS = ("student", "problem", "answer")
MAX_CELL = 131_072             # characters; a longer cell is a bad row, not a bad file
SEPARATORS = ",;\t"


@dataclass
class Row:
    line: int                  # where the row starts in the file (1-based)
    student: str = ""
    problem: str = ""
    answer: str = ""
    error: str = None          # why the row cannot be judged, if it cannot


def read_class_file(path):
    """The rows of `path`, each with its line number."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as error:
        raise DerivatorError(f"cannot read {path}: {error.strerror or error}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    header_at = next((k for k, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        raise DerivatorError(f"{path} is empty; it needs a header line "
                             f"{','.join(COLUMNS)} and one row per answer")
    header_line = _decode(lines[header_at])
    if header_line is None:
        raise DerivatorError(f"{path}, line {header_at + 1}: the header is not UTF-8 text")
    separator = max(SEPARATORS, key=lambda s: _count_outside_quotes(header_line, s))
    header, _, error = _record([header_line], 0, separator)
    names = [h.strip().lower() for h in header] if not error else []
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        found = ", ".join(h.strip() for h in header if h.strip()) if not error else error
        raise DerivatorError(f"{path}, line {header_at + 1}: the header needs the columns "
                             f"{', '.join(COLUMNS)}; found {found or 'nothing'}")
    where = {c: names.index(c) for c in COLUMNS}
    rows = []
    decoded = {}

    def line_text(n):
        if n not in decoded:
            decoded[n] = _decode(lines[n])
        return decoded[n]

    k = header_at + 1
    while k < len(lines):
        start = k
        first = line_text(k)
        if first is None:
            rows.append(Row(start + 1, error=f"line {start + 1} is not UTF-8 text"))
            k += 1
            continue
        if not first.strip():
            k += 1
            continue
        cells, k, error = _record(_Lines(line_text, len(lines)), start, separator)
        if error:
            rows.append(Row(start + 1, error=f"line {start + 1}: {error}"))
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(names) and len(cells) <= max(where.values()):
            rows.append(Row(start + 1, error=f"line {start + 1}: {len(cells)} cells; the "
                                             f"header has {len(names)}"))
            continue
        if len(cells) > len(names) and any(c.strip() for c in cells[len(names):]):
            rows.append(Row(start + 1, error=f"line {start + 1}: {len(cells)} cells; the "
                        f"header has {len(names)} (an answer with '{separator}' in it "
                        "must be in double quotes)"))
            continue
        rows.append(Row(start + 1, cells[where["student"]].strip(),
                        cells[where["problem"]].strip(), cells[where["answer"]]))
    if not rows:
        raise DerivatorError(f"{path} has a header (line {header_at + 1}) but no answers "
                             "after it")
    return rows


class _Lines:
    """The file's lines, decoded when first needed (None for a line that is not UTF-8)."""

    def __init__(self, text_of, count):
        self.text_of, self.count = text_of, count

    def __len__(self):
        return self.count

    def __getitem__(self, n):
        return self.text_of(n)


def _decode(line):
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _count_outside_quotes(line, separator):
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == separator and not quoted:
            count += 1
    return count


def _record(lines, start, separator):
    """The cells of the record that starts at lines[start], as the csv module reads them
    (a quoted cell may span lines, "" is a quote): (cells, next line, error). A quote
    never closed, or closed in the middle of a cell (the quote of a later row), is an
    error and reading goes on at the line after `start`, so one bad quote never swallows
    the rows after it; a cell past MAX_CELL characters is an error for its own row."""
    cells, cell, quoted, too_long = [], [], False, False
    k = start
    while k < len(lines):
        line = lines[k]
        if line is None:
            return [], start + 1, "a quoted cell runs into a line that is not UTF-8 text"
        if not quoted and '"' not in line:           # the common case, at once
            cells.extend((("".join(cell)) + line).split(separator))
            cell = []
        else:
            n, length = 0, len(line)
            while n < length:
                c = line[n]
                if quoted:
                    if c != '"':
                        cell.append(c)
                    elif n + 1 < length and line[n + 1] == '"':
                        cell.append('"')
                        n += 1
                    elif n + 1 < length and line[n + 1] != separator:
                        return [], start + 1, ("a quote (\") opened on this line is closed "
                                               "in the middle of a cell")
                    else:
                        quoted = False
                elif c == '"' and not "".join(cell).strip():
                    quoted, cell = True, []
                elif c == separator:
                    cells.append("".join(cell))
                    cell = []
                else:
                    cell.append(c)
                n += 1
            if not quoted:
                cells.append("".join(cell))
        k += 1
        if len(cell) > MAX_CELL or any(len(c) > MAX_CELL for c in cells):
            too_long, cell = True, []
            cells = []
        if not quoted:
            if too_long:
                return [], k, f"a cell longer than {MAX_CELL:,} characters"
            return cells, k, None
        cell.append("\n")                        # a quoted cell goes on to the next line
    return [], start + 1, "a quote (\") opened on this line is never closed"
