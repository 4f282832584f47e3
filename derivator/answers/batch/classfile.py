"""Reading a class file (columns student, problem, answer) as spreadsheets save it:
UTF-8 with or without a byte-order mark, CRLF or LF, ',' ';' or tab between cells, the
header in any letter case, extra columns ignored.

Each row is read on its own: a row that cannot be read (a cell too long, a quote never
closed, bytes that are not UTF-8, too few or too many cells) becomes a `Row` with an
`error` and its line number, and the rows after it are read as usual. Only a file that
has no usable header is refused as a whole (a DerivatorError that says which line).
"""
from dataclasses import dataclass

from ... import DerivatorError

COLUMNS = ("student", "problem", "answer")
MAX_CELL = 131_072             # characters; a longer cell is a bad row, not a bad file
SEPARATORS = ",;\t"
MAX_BYTES = 64 << 20           # a class file larger than this is refused before it is read
MAX_ROWS = 50_000              # answers: 1,000 students x 50 problems; more is refused in one
#                                line (at ~10 ms each, a million rows would run for hours)


@dataclass
class Row:
    line: int                  # where the row starts in the file (1-based)
    student: str = ""
    problem: str = ""
    answer: str = ""
    error: str = None          # why the row cannot be judged, if it cannot
    raw_student: str = ""      # the name with its spaces, to keep "Kim" and "Kim " apart


def read_class_file(path):
    """The rows of `path`, each with its line number."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as error:
        raise DerivatorError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise DerivatorError(f"{path} is larger than {MAX_BYTES >> 20} MiB; split it into "
                             f"smaller class files")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = [_decode(line) for line in
             data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")]
    if lines[-1] == "":
        lines.pop()
    start = next((k for k, line in enumerate(lines) if line is None or line.strip()), None)
    if start is None:
        raise DerivatorError(f"{path} is empty; it needs a header line "
                             f"{','.join(COLUMNS)} and one row per answer")
    names, separator = _header(lines[start], f"{path}, line {start + 1}")
    rows = []
    k = start + 1
    while k < len(lines):
        line = k + 1
        if lines[k] is None:
            rows.append(Row(line, error=f"line {line} is not UTF-8 text"))
            k += 1
            continue
        if not lines[k].strip():
            k += 1
            continue
        cells, k, error = _record(lines, k, separator)
        error = error or _count_error(cells, names, separator)
        if error:
            rows.append(Row(line, error=f"line {line}: {error}"))
        elif len(rows) >= MAX_ROWS:
            raise DerivatorError(f"{path} has more than {MAX_ROWS:,} answers (line {line}); "
                                 f"split it into smaller class files")
        elif any(c.strip() for c in cells):
            rows.append(Row(line, *[cells[names.index(c)].strip() for c in COLUMNS[:2]],
                            cells[names.index("answer")],
                            raw_student=cells[names.index("student")]))
    if not rows:
        raise DerivatorError(f"{path} has a header (line {start + 1}) but no answers after it")
    return rows


def _header(line, where):
    """The header's column names (in lower case) and the separator it uses."""
    if line is None:
        raise DerivatorError(f"{where}: the header is not UTF-8 text")
    separator = max(SEPARATORS, key=lambda s: _count_outside_quotes(line, s))
    cells, _, error = _record([line], 0, separator)
    names = [c.strip().lower() for c in cells]
    if error or not set(COLUMNS) <= set(names):
        found = error or ", ".join(c.strip() for c in cells if c.strip()) or "nothing"
        raise DerivatorError(f"{where}: the header needs the columns {', '.join(COLUMNS)}; "
                             f"found {found}")
    return names, separator


def _count_error(cells, names, separator):
    """Too few cells to hold student, problem and answer, or more than the header has."""
    needed = max(names.index(c) for c in COLUMNS) + 1
    if len(cells) < needed and any(c.strip() for c in cells):
        return f"{len(cells)} cells; the header has {len(names)}"
    if len(cells) > len(names) and any(c.strip() for c in cells[len(names):]):
        return (f"{len(cells)} cells; the header has {len(names)} (an answer with "
                f"'{separator}' in it must be in double quotes)")
    return None


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
