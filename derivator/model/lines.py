"""Where a key is written in a TOML text: the line that an error in a problem file names."""
import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def _key_pattern(key):
    name = re.escape(str(key))
    return re.compile(rf'^\s*(?:{name}|"{name}"|\'{name}\')\s*[.=]|[{{,]\s*(?:{name}|"{name}")\s*=')


def locate(text, key):
    """The line (1-based) where `key` is written; its table's header if the key is not
    written there; None when the table is not found either."""
    lines = text.splitlines()
    table, rest = (None, list(key)) if len(key) == 1 else (key[0], list(key[1:]))
    start, end = 0, len(lines)
    if table is not None:
        occurrence = rest.pop(0) if rest and isinstance(rest[0], int) else 0
        seen, start = -1, None
        for n, line in enumerate(lines):
            m = _HEADER.match(line)
            if m and m.group(2) == table:
                seen += 1
                if seen == occurrence:
                    start = n
                    break
        if start is None:                      # a dotted key at the top: derive.wrt = ...
            return _find_key(lines, 0, _first_header(lines), table) or None
        end = next((k for k in range(start + 1, len(lines)) if _HEADER.match(lines[k])),
                   len(lines))
        header = start + 1
        start += 1
    else:
        end, header = _first_header(lines), None
    found = header
    for part in rest:                         # names.X.kind: the line of X, then kind on it
        at = _find_key(lines, (found or 1) - 1 if found and found != header else start, end,
                       part)
        if at is None:
            break
        found = at
    return found


def _first_header(lines):
    return next((n for n, line in enumerate(lines) if _HEADER.match(line)), len(lines))


def _find_key(lines, start, end, key):
    pattern = _key_pattern(key)
    for n in range(start, end):
        if pattern.search(lines[n]):
            return n + 1
    return None


# --- reading -------------------------------------------------------------------------------
