"""Whether a problem statement's own LaTeX may reach the handout as it is written.

A problem file may come from anyone, and TeX is a programming language that reads and
writes files (\\input, \\openout, \\write18). A formula is used as written only if it is
made of a small grammar that compiles by construction: whitelisted commands with their
arguments, balanced braces, \\left matched by \\right in the same group, one superscript
and one subscript per atom, no blank line; everything else becomes escaped text.
"""
import re

# command -> the number of arguments it takes (a braced group or one letter or digit);
# each is defined by LaTeX, amsmath or amssymb, which the handout's preamble loads
COMMANDS = {
    "mathbf": 1, "mathbb": 1, "mathcal": 1, "mathrm": 1, "boldsymbol": 1, "sqrt": 1,
    "text": 1, "operatorname": 1, "frac": 2, "dfrac": 2, "tfrac": 2,
    **dict.fromkeys(
        "in sum prod sigma eta lambda alpha beta mu theta delta epsilon pi cdot times "
        "langle rangle exp log ln top partial dots ldots cdots le leq ge geq to mapsto "
        "nabla odot tanh quad qquad infty mid".split(), 0),
}
TEXT_ARGUMENT = {"text", "operatorname"}        # read in text mode: no ^, _, commands
SIZED = {"left", "right", "big", "Big"}         # each needs a delimiter after it
DELIMITERS = set("()[]|./") | {r"\{", r"\}", r"\|", r"\langle", r"\rangle"}
ESCAPES = set(r"{}|,;:! %$&_#")                 # \{ \, \% ...: a character, not a command
PLAIN = set("+-=()[]<>,.;:!'|/*?@\"") | set(" \t\n")

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|.", re.S)


def _printable(ch):
    return ch.isalnum() or ch in PLAIN or (ord(ch) > 127 and ch.isprintable())


class _Unsafe(Exception):
    pass


def text_is_safe(text):
    """Text outside $...$ that LaTeX prints as it is: no special character, no command."""
    return all(_printable(ch) or ch == "~" for ch in text)


def math_is_safe(tex):
    """Whether `tex` (the inside of $...$) is made only of the grammar above."""
    if re.search(r"\n[ \t]*\n", tex):              # a blank line ends the paragraph: $ lost
        return False
    try:
        _Reader(_TOKEN.findall(tex)).group(end=None)
    except _Unsafe:
        return False
    return True


class _Reader:
    def __init__(self, tokens):
        self.tokens, self.k = tokens, 0

    def peek(self):
        while self.k < len(self.tokens) and self.tokens[self.k] in (" ", "\t", "\n"):
            self.k += 1
        return self.tokens[self.k] if self.k < len(self.tokens) else None

    def take(self):
        token = self.peek()
        if token is None:
            raise _Unsafe
        self.k += 1
        return token

    def group(self, end="}"):
        """Atoms up to `end` (None: the end of the formula); \\left and \\right pair up
        within it, and a nucleus takes at most one ^ and one _."""
        depth, scripts = 0, set()
        while True:
            token = self.peek()
            if token == end:
                if depth:
                    raise _Unsafe
                if end is not None:
                    self.k += 1
                return
            if token is None or token == "}":
                raise _Unsafe
            self.k += 1
            if token in ("^", "_", "'"):
                mark = "^" if token == "'" else token
                if mark in scripts:               # a double superscript is a TeX error
                    raise _Unsafe
                if token != "'":
                    scripts.add(mark)
                    self.argument(script=True)
                continue
            scripts = set()
            if token == "{":
                self.group()
            elif token.startswith("\\") and token[1:] in SIZED:
                if token == r"\left":
                    depth += 1
                elif token == r"\right":
                    depth -= 1
                    if depth < 0:
                        raise _Unsafe
                if self.take() not in DELIMITERS:
                    raise _Unsafe
            elif token.startswith("\\") and len(token) == 2 and not token[1].isalpha():
                if token[1] not in ESCAPES:
                    raise _Unsafe
            elif token.startswith("\\"):
                name = token[1:]
                if name not in COMMANDS:
                    raise _Unsafe
                for _ in range(COMMANDS[name]):
                    self.argument(text=name in TEXT_ARGUMENT)
            elif not _printable(token):
                raise _Unsafe

    def argument(self, script=False, text=False):
        """A command's (or a script's) argument: a braced group, one letter or digit, or
        (for a script) a command without arguments such as \\top."""
        token = self.take()
        if token == "{":
            if text:
                while (token := self.take()) != "}":
                    if not (text_is_safe(token) or token in (r"\ ", r"\,")):
                        raise _Unsafe
            else:
                self.group()
        elif token.isalnum():
            return
        elif script and token.startswith("\\") and COMMANDS.get(token[1:]) == 0:
            return
        else:
            raise _Unsafe
