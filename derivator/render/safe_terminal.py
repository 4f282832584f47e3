"""One sanitizer for every user-supplied string the CLI shows on a terminal (file names,
problem ids, answers echoed, column names, CSV cells, names in problem files, what a
student's code prints): control characters, ANSI/OSC escape sequences (their ESC or C1
introducer), bidi overrides and zero-width characters are written out as escapes (ESC as
\\x1b, U+202E as \\u202e), so what the terminal shows is what the input holds, and
nothing in it can move the cursor, recolour, retitle or reorder a verdict."""
import unicodedata

# Unicode's "other" categories: controls (ESC, BEL, CR), formats (bidi overrides, zero
# widths), surrogates (bad bytes in argv), private use, unassigned; line/paragraph breaks.
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _escape(c):
    code = ord(c)
    return (f"\\x{code:02x}" if code < 0x100 else
            f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")


def _hidden(c):
    return unicodedata.category(c) in _HIDDEN or not c.isprintable() and c != " "


def visible(text, limit=None, keep=""):
    """`text` with every control or formatting character but those in `keep` written out;
    cut to `limit` characters (with "…") when given."""
    text = str(text)
    if not (text.isprintable() and not any(unicodedata.category(c) in _HIDDEN
                                            for c in text)):
        text = "".join(_escape(c) if c not in keep and _hidden(c) else c for c in text)
    if limit is not None and len(text) > limit:
        return text[:limit] + "…"
    return text


def visible_tree(value):
    """Every string in a verdict's dicts and lists through `visible`: for renderers (rich)
    that write codes of their own, so their stream cannot be escaped as a whole."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {k: visible_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(visible_tree(v) for v in value)
    return value


def json_text(value):
    """JSON whose strings keep every printable character (Korean stays Korean) but write
    control and formatting characters as \\u escapes: the same data, nothing for a
    terminal to act on when the file is shown."""
    import json
    return json_safe(json.dumps(value, ensure_ascii=False, indent=2))


def json_safe(text):
    """JSON text (from json.dumps) with its hidden characters as \\u escapes: they can
    only stand inside strings there, where the escape means the same character."""
    if not any(c not in "\n " and unicodedata.category(c) in _HIDDEN for c in text):
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


class SafeWriter:
    """A text stream whose writes pass through `visible` (newlines and tabs kept): the
    CLI's stderr, where every error names what the user gave, and its plain-text or JSON
    stdout (`json`: hidden characters as JSON's \\u escapes, the same data). `raw` is the
    stream itself, for rich's own progress bars (whose text is ours)."""

    def __init__(self, stream, keep="\n\t", json=False):
        self.raw, self.keep, self.json = stream, keep, json

    def write(self, text):
        return self.raw.write(json_safe(text) if self.json else visible(text, keep=self.keep))

    def __getattr__(self, name):            # flush, isatty, fileno, encoding, ...
        return getattr(self.raw, name)
