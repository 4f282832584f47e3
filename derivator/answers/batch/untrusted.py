"""Strings from a class file (names, problems, answers) made safe for where they go: a
terminal (no escape sequence, no bidi override acts), a spreadsheet (no formula runs),
a file name (no path, no clash). They are shown, never interpreted."""
import re
import unicodedata

# Unicode's "other" categories: controls (ESC, BEL, CR), formats (bidi overrides, zero
# widths), surrogates, private use, unassigned; and the line and paragraph separators.
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def visible(text):
    """`text` with every control or formatting character written out (ESC as \\x1b,
    U+202E as \\u202e), so what a terminal shows is exactly what the file holds."""
    text = str(text)
    if text.isprintable() and not any(unicodedata.category(c) in _HIDDEN for c in text):
        return text
    out = []
    for c in text:
        if unicodedata.category(c) in _HIDDEN or not c.isprintable() and c != " ":
            code = ord(c)
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(c)
    return "".join(out)


def json_text(value):
    """JSON whose strings keep every printable character (Korean stays Korean) but write
    control and formatting characters as \\u escapes: the same data, nothing for a
    terminal to act on when the file is shown."""
    import json
    text = json.dumps(value, ensure_ascii=False, indent=2)
    if not any(unicodedata.category(c) in _HIDDEN for c in text if c not in "\n "):
        return text
    out = []
    for c in text:
        if c not in "\n " and unicodedata.category(c) in _HIDDEN:
            code = ord(c)
            if code > 0xFFFF:                            # as a surrogate pair
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(c)
    return "".join(out)


def spreadsheet_cell(value):
    """A cell that a spreadsheet shows as text, never runs as a formula (OWASP's advice
    on CSV injection): a cell starting with =, +, -, @, tab or carriage return gets a
    leading apostrophe. Numbers are left as they are."""
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


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
