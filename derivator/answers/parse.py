"""A grammar of our own for students' answers, in plain text or LaTeX.

Nothing here evaluates text: the answer is split into tokens and parsed by the rules
below into a small tree (Node), which a later stage turns into numbers or SymPy objects
for a problem's declared names. Every error says what is wrong and at which column.

    answer   := expr END
    expr     := term (("+" | "-") term)*
    term     := unary (("*" | "/" | "@" | "\\cdot" | "·" | <juxtaposition>) unary)*
    unary    := ("-" | "+") unary | sum | power
    sum      := ("sum" | "\\sum") "_" "{" NAME "=" expr "}" "^" bound term
              | "sum" "(" expr "," NAME "=" expr ".." expr ")"
    power    := postfix (("^" | "**") exponent)*        exponent: T, \\top, -1, a group
    postfix  := primary ("'" | ".T")*
    primary  := NUMBER | NAME subscript? call? | FUNC "(" args ")" | "(" expr ")"
              | "[" expr "]" | "{" expr "}" | "\\frac" group group | "\\sqrt" group
              | "\\left(" expr "\\right)" (and \\big, \\Big, ... sizes)

A sum covers the product that follows it, up to the next + or - at the same level, as
in handwriting. `a/2 x` is ambiguous and rejected with a request for brackets.
"""
import re
from dataclasses import dataclass

MAX_LENGTH = 2000          # characters
MAX_DEPTH = 60             # nested brackets, powers and sums
MAX_EXPONENT = 64          # a literal exponent larger than this is refused: 9^9^9 never ends

GREEK = {"eta", "sigma", "lambda", "alpha", "beta", "mu", "delta", "epsilon", "theta"}
GREEK_LETTERS = {"σ": "sigma", "η": "eta", "λ": "lambda", "α": "alpha", "β": "beta",
                 "μ": "mu", "δ": "delta", "ε": "epsilon", "θ": "theta"}
FUNCTIONS = {"tr": "tr", "trace": "tr", "exp": "exp", "log": "log", "ln": "log",
             "sigma": "sigma", "sigmoid": "sigma", "sqrt": "sqrt", "transpose": "transpose",
             "inv": "inv", "tanh": "tanh", "softplus": "softplus", "relu": "relu",
             "softmax": "softmax", "logsumexp": "logsumexp", "norm": "norm", "max": "max",
             "abs": "abs", "det": "det", "logdet": "logdet"}
TYPOGRAPHY = {"mathbf", "boldsymbol", "bm", "mathrm", "text", "operatorname", "mathit"}
SIZES = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr"}


class AnswerError(ValueError):
    """An answer that cannot be read: the message says what and where (1-based column)."""

    def __init__(self, message, column=None):
        super().__init__(message if column is None else f"column {column}: {message}")
        self.column = column


@dataclass(frozen=True)
class Node:
    kind: str          # num, name, call, add, sub, mul, div, neg, pow, transpose, inv, sum
    args: tuple = ()
    value: object = None     # the number, the name, the function, the sum's index
    column: int = 0

    def __repr__(self):
        parts = ([repr(self.value)] if self.value is not None else []) + [repr(a) for a in self.args]
        return f"{self.kind}({', '.join(parts)})"


@dataclass(frozen=True)
class Token:
    kind: str      # num, word, cmd, op, end
    text: str
    column: int


TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<num>\d+\.(?!\.)\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?)
  | (?P<cmd>\\[A-Za-z]+|\\[,;!:{}|\\ ])
  | (?P<word>[A-Za-z]+)
  | (?P<greek>[σηλαβμδεθ])
  | (?P<op>\*\*|\.\.|\.T\b|[-+*/^_=(){}\[\],'@·.;|ᵀ⊤−×])
""", re.VERBOSE)


def tokenize(text):
    if "\x00" in text:
        raise AnswerError("the answer contains a NUL byte", text.index("\x00") + 1)
    if len(text) > MAX_LENGTH:
        raise AnswerError(f"the answer is {len(text)} characters long; at most {MAX_LENGTH}")
    tokens, pos = [], 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise AnswerError(f"unexpected character {text[pos]!r}", pos + 1)
        if m.lastgroup != "space":
            kind = m.lastgroup
            word = m.group()
            if kind == "greek":                   # σ, η typed directly
                kind, word = "word", GREEK_LETTERS[word]
            word = {"−": "-", "×": "*"}.get(word, word)
            if kind == "cmd" and word in ("\\,", "\\;", "\\!", "\\:", "\\ "):
                pass                                  # LaTeX spacing
            else:
                tokens.append(Token(kind, word, pos + 1))
        pos = m.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


class Parser:
    def __init__(self, text, functions=()):
        self.text = text
        self.functions = frozenset(functions)     # names a problem file declares as functions
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0

    # --- helpers ------------------------------------------------------------------
    @property
    def tok(self):
        return self.tokens[self.pos]

    def take(self):
        t = self.tokens[self.pos]
        self.pos += 1
        return t

    def at(self, *texts):
        return self.tok.text in texts and self.tok.kind in ("op", "cmd", "word")

    def expect(self, text, what=None):
        if self.tok.text != text:
            found = "the end" if self.tok.kind == "end" else repr(self.tok.text)
            raise AnswerError(f"expected {what or repr(text)} but found {found}", self.tok.column)
        return self.take()

    def deeper(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise AnswerError(f"more than {MAX_DEPTH} levels of nesting", self.tok.column)

    # --- grammar ------------------------------------------------------------------
    def answer(self):
        if self.tok.kind == "end":
            raise AnswerError("the answer is empty")
        node = self.expr()
        if self.tok.kind != "end":
            t = self.tok
            if t.text in (")", "]", "}") or t.text in ("\\right",):
                raise AnswerError(f"unbalanced {t.text!r}: no bracket opened it", t.column)
            raise AnswerError(f"unexpected {t.text!r}", t.column)
        return node

    def expr(self):
        self.deeper()
        node = self.term()
        while self.at("+", "-"):
            op = self.take()
            node = Node("add" if op.text == "+" else "sub", (node, self.term()),
                        column=op.column)
        self.depth -= 1
        return node

    def starts_factor(self):
        t = self.tok
        if t.kind in ("num", "word"):
            return t.text not in ("T",)
        if t.kind == "cmd":
            name = t.text[1:]
            closing = self.tokens[self.pos + 1].text in (")", "]", "}", "|", "\\}")
            return name not in ("right", "cdot", "top", "intercal", "times") and not (
                name in SIZES and closing)
        return t.text in ("(", "[", "{")

    def term(self):
        node = self.unary()
        divided = False
        while True:
            if self.at("*", "@", "\\cdot", "·", "\\times", "×"):
                op = self.take()
                node = Node("mul", (node, self.unary()), column=op.column)
                divided = False
            elif self.at("/"):
                op = self.take()
                node = Node("div", (node, self.unary()), column=op.column)
                divided = True
            elif self.starts_factor():
                if divided:
                    raise AnswerError("ambiguous: is `a/2 x` (a/2) x or a/(2 x)? Add brackets",
                                      self.tok.column)
                column = self.tok.column
                node = Node("mul", (node, self.unary()), column=column)
            else:
                return node

    def unary(self):
        if self.at("-", "+"):
            op = self.take()
            inner = self.unary()
            return Node("neg", (inner,), column=op.column) if op.text == "-" else inner
        if self.at("sum", "\\sum", "prod", "\\prod"):
            return self.sum()
        return self.power()

    def sum(self):
        start = self.take()
        self.deeper()
        if self.at("("):                               # sum(body, i=1..N)
            self.take()
            body = self.expr()
            self.expect(",")
            index = self.index_name()
            self.expect("=")
            lower = self.expr()
            self.expect("..", "'..' in i=1..N")
            upper = self.expr()
            self.expect(")", "')' closing the sum")
        else:                                          # sum_{i=1}^{N} body
            self.expect("_", "'_{i=1}' after the sum")
            self.expect("{")
            index = self.index_name()
            self.expect("=")
            lower = self.expr()
            self.expect("}", "'}' closing the sum's lower limit")
            self.expect("^", "'^{N}' after the sum's lower limit")
            upper = self.group_or_atom()
            body = self.term()
        self.depth -= 1
        kind = "prod" if start.text in ("prod", "\\prod") else "sum"
        return Node(kind, (lower, upper, body), value=index, column=start.column)

    def index_name(self):
        t = self.tok
        if t.kind != "word":
            raise AnswerError("expected the name of the summation index", t.column)
        return self.take().text

    def power(self):
        node = self.postfix()
        while self.at("^", "**"):
            op = self.take()
            node = self.exponent(node, op)
        return node

    def exponent(self, base, op):
        t = self.tok
        if t.text in ("T", "\\top", "\\intercal") or t.text == "{" and self.tokens[self.pos + 1] \
                .text in ("T", "\\top", "\\intercal") and self.tokens[self.pos + 2].text == "}":
            if t.text == "{":
                self.take()
                self.take()
                self.expect("}")
            else:
                self.take()
            return Node("transpose", (base,), column=op.column)
        self.deeper()
        if self.at("-") and self.tokens[self.pos + 1].text == "1":
            self.take()
            self.take()
            self.depth -= 1
            return Node("inv", (base,), column=op.column)
        exp = self.group_or_atom(allow_sign=True)
        self.depth -= 1
        if exp.kind == "neg" and exp.args[0] == Node("num", value=1, column=exp.args[0].column):
            return Node("inv", (base,), column=op.column)
        _check_exponent(exp, op.column)
        if base.kind == "pow":            # (a^b)^c: only while b c stays small
            inner = base.args[1]
            if not (inner.kind == exp.kind == "num" and abs(inner.value * exp.value) <= MAX_EXPONENT):
                raise AnswerError("a power of a power is not accepted here; write one exponent",
                                  op.column)
        return Node("pow", (base, exp), column=op.column)

    def postfix(self):
        node = self.primary()
        while self.at("'", ".T", "ᵀ", "⊤"):
            op = self.take()
            node = Node("transpose", (node,), column=op.column)
        return node

    def group_or_atom(self, allow_sign=False):
        if self.at("{", "("):
            close = "}" if self.tok.text == "{" else ")"
            self.take()
            node = self.expr()
            self.expect(close, f"{close!r}")
            return node
        if allow_sign and self.at("-"):
            op = self.take()
            return Node("neg", (self.primary(),), column=op.column)
        return self.primary()

    def primary(self):
        t = self.tok
        self.deeper()
        try:
            if t.kind == "num":
                self.take()
                return Node("num", value=_number(t.text), column=t.column)
            if t.kind == "op" and t.text in ("(", "[", "{"):
                close = {"(": ")", "[": "]", "{": "}"}[t.text]
                self.take()
                node = self.expr()
                if self.tok.kind == "end":
                    raise AnswerError(f"unbalanced {t.text!r}: it is never closed", t.column)
                self.expect(close, repr(close))
                return node
            if t.kind == "cmd":
                return self.command()
            if t.kind == "word":
                return self.word()
            if t.kind == "end":
                raise AnswerError("the answer ends where a value was expected", t.column)
            raise AnswerError(f"unexpected {t.text!r}", t.column)
        finally:
            self.depth -= 1

    def command(self):
        t = self.take()
        name = t.text[1:]
        if name in SIZES:                       # \left( ... \right)
            if name in ("right", "bigr", "Bigr"):
                raise AnswerError(f"unbalanced \\{name}: no bracket opened it", t.column)
            opener = self.take()
            if opener.text not in ("(", "[", "{", "\\{", "|", "."):
                raise AnswerError(f"expected a bracket after \\{name}", opener.column)
            node = self.expr()
            if self.at("\\right", "\\big", "\\Big", "\\bigg", "\\Bigg", "\\bigr", "\\Bigr"):
                self.take()
                self.take()
            else:
                raise AnswerError(f"\\{name}{opener.text} is never closed", t.column)
            return node
        if name in TYPOGRAPHY:                  # \mathbf{X} is X
            self.expect("{", f"'{{' after \\{name}")
            inner = self.expr()
            self.expect("}", f"'}}' closing \\{name}")
            return self.maybe_call(inner)
        if name == "frac":
            top = self.group_or_atom()
            bottom = self.group_or_atom()
            return Node("div", (top, bottom), column=t.column)
        if name == "sqrt":
            arg = self.group_or_atom()
            return Node("call", (arg,), value="sqrt", column=t.column)
        if name in FUNCTIONS or name in GREEK:
            return self.word(Token("word", name, t.column))
        raise AnswerError(f"unknown LaTeX command \\{name}", t.column)

    def word(self, token=None):
        t = token or self.take()
        name = t.text
        # a subscript: x_i, w_{2,j}, X_{ij}
        sub = None
        if self.at("_"):
            self.take()
            sub = self.subscript()
        node = Node("name", (), value=(name, sub), column=t.column)
        attached = self.tok.column == self.tokens[self.pos - 1].column + len(
            self.tokens[self.pos - 1].text)
        if name not in FUNCTIONS and not attached:      # g (1 - g) multiplies; g(x) calls
            return node
        return self.maybe_call(node)

    def subscript(self):
        if self.at("{"):
            self.take()
            parts = []
            while not self.at("}"):
                t = self.take()
                if t.kind == "end":
                    raise AnswerError("a subscript's '{' is never closed", t.column)
                if t.text != ",":
                    parts.append(t.text)
            self.take()
            return tuple(parts)
        t = self.take()
        if t.kind not in ("word", "num"):
            raise AnswerError("expected a subscript after '_'", t.column)
        return (t.text,)

    def maybe_call(self, node):
        """f(x_i), f(x_i; w), tr(X): a name followed at once by brackets is a call when
        it names a function; otherwise the brackets multiply."""
        if not self.at("(") or node.kind != "name":
            return node
        name, sub = node.value
        declared = name in self.functions or f"{name}_{''.join(sub or ())}" in self.functions
        if name not in FUNCTIONS and not declared and not (len(name) == 1 and name.islower()
                                                           and name in "fghz"):
            return node
        self.take()
        args = [self.expr()]
        while self.at(",", ";"):
            self.take()
            args.append(self.expr())
        self.expect(")", f"')' closing {name}(")
        return Node("call", tuple(args), value=(FUNCTIONS.get(name, name), sub),
                    column=node.column)


def _number(text):
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _check_exponent(exp, column):
    """Only small literal exponents; names (k, k-1) are checked by whoever evaluates them."""
    for node in _walk(exp):
        if node.kind == "num" and abs(node.value) > MAX_EXPONENT:
            raise AnswerError(f"the exponent {node.value} is too large (at most {MAX_EXPONENT})",
                              column)
        if node.kind == "pow":
            raise AnswerError("a power inside an exponent is not accepted", column)


def _walk(node):
    yield node
    for a in node.args:
        yield from _walk(a)


def parse(text, functions=()):
    """The tree of an answer, or AnswerError saying what is wrong and where.

    `functions`: further names that are called when brackets follow them (a problem file's
    own definitions, such as L_i(y, p))."""
    if not isinstance(text, str):
        raise AnswerError("the answer must be text")
    return Parser(text, functions).answer()
