"""A grammar of our own for students' answers, in plain text or LaTeX.

Nothing here evaluates text: the answer is split into tokens and parsed by the rules
below into a small tree (Node), which a later stage turns into numbers or SymPy objects
for a problem's declared names. Every error says what is wrong and at which column.

    answer   := [lhs "="] expr END         (lhs: read by lhs.py, then dropped)
    expr     := term (("+" | "-") term)*
    term     := unary (("*" | "/" | "@" | "\\cdot" | "·" | "\\odot" | <juxtaposition>) unary)*
    unary    := ("-" | "+") unary | sum | power
    sum      := ("sum" | "\\sum" | "Σ") ["_" ("{" NAME ["=" expr] "}" | NAME) ["^" bound]] term
              | "sum" "(" expr "," NAME "=" expr ".." expr ")"
    power    := postfix (("^" | "**") exponent)*        exponent: T, \\top, -1, a group
    postfix  := primary ("'" | ".T" | "ᵀ")* ["_" subscript]     ([…]_k: an entry)
    primary  := NUMBER | NAME subscript? call? | FUNC "(" args ")" | "(" expr ")"
              | "[" expr "]" | "{" expr "}" | "\\frac" group group | "\\sqrt" group
              | "\\left(" expr "\\right)" (and \\big, \\Big, ... sizes) | "\\langle" a "," b "\\rangle"

A sum covers the product that follows it, up to the next + or - at the same level, as
in handwriting. `a/2 x` is ambiguous and rejected with a request for brackets (`1/2 x`,
a number over a number, is the fraction ½ times x). Chains of + and of products are built
left to right while short and as balanced trees when long, so a thousand terms nest
a dozen deep, not a thousand.
"""
import re
import unicodedata
from dataclasses import dataclass

MAX_LENGTH = 2000          # characters
# after `a/2` or `a/(…)` these begin a new factor, never the denominator's: (a/2) Σ…,
# (N/2) ln(…), (1/(2σ²)) Σ…
COEFFICIENT_OF = ("sum", "\\sum", "prod", "\\prod", "ln", "\\ln", "log", "\\log")
MAX_DEPTH = 60             # nested brackets, powers, signs, transposes and sums
MAX_TREE_DEPTH = 120       # the tree as built: everything that walks it stays shallow
SHORT_CHAIN = 16           # chains up to this long are built left to right, longer ones balanced
MAX_EXPONENT = 64          # a literal exponent larger than this is refused: 9^9^9 never ends

# Tables (kept as tables: problem files may add names here).
GREEK = {"eta", "sigma", "lambda", "alpha", "beta", "mu", "delta", "epsilon", "theta", "tau",
         "gamma", "phi", "rho", "omega", "kappa", "zeta"}
GREEK_LETTERS = {"σ": "sigma", "η": "eta", "λ": "lambda", "α": "alpha", "β": "beta",
                 "μ": "mu", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "θ": "theta",
                 "τ": "tau", "γ": "gamma", "φ": "phi", "ρ": "rho", "ω": "omega"}
FUNCTIONS = {"tr": "tr", "trace": "tr", "Tr": "tr", "exp": "exp", "log": "log", "ln": "log",
             "sigma": "sigma", "sigmoid": "sigma", "sqrt": "sqrt", "transpose": "transpose",
             "inv": "inv", "tanh": "tanh", "softplus": "softplus", "relu": "relu",
             "softmax": "softmax", "logsumexp": "logsumexp", "norm": "norm", "max": "max",
             "abs": "abs", "det": "det", "logdet": "logdet",
             "H": "step", "step": "step", "heaviside": "step",    # relu' is the step H
             "diag": "diag",
             "sin": "sin", "cos": "cos", "tan": "tan"}     # entry by entry (issue 20)
FUNCTIONS.update({"cosh": "cosh", "sinh": "sinh"})      # log-cosh regression (issue 21)
# f'(z): the derivative of a function the reader knows
DERIVATIVES = {"sigma": "dsigma", "tanh": "dtanh", "exp": "exp"}
# \mathbf{X} is X: typography around a name (or around a function's name)
TYPOGRAPHY = {"mathbf", "boldsymbol", "bm", "mathrm", "text", "textrm", "textbf", "textit",
              "operatorname", "mathit", "mathsf", "mathtt", "mathnormal", "boxed", "vec",
              "bar", "mbox", "pmb", "bold", "mathbb"}
SIZES = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
         "biggl", "biggr", "Biggl", "Biggr"}
# LaTeX that only spaces or styles: dropped
SPACING = {"\\,", "\\;", "\\!", "\\:", "\\ ", "\\displaystyle",
           "\\textstyle", "\\limits", "\\nolimits", "\\[", "\\]", "\\(", "\\)", "\\\\",
           "\\medspace", "\\thinspace", "\\enspace", "\\negthinspace", "\\nonumber",
           "\\notag"}
# LaTeX whose {argument} is layout, not mathematics: \begin{equation}, \label{eq:1}
LAYOUT = {"\\begin", "\\end", "\\label", "\\tag"}
OPERATORS = {"cdot", "times", "odot", "circ", "top", "intercal", "prime", "rangle", "leftarrow",
             "gets", "right", "partial", "nabla"}
# Unicode as students paste it: a character and the tokens it stands for
UNICODE = {"‖": "\\|", "Σ": "\\sum", "∑": "\\sum", "⋅": "\\cdot", "∙": "\\cdot", "•": "\\cdot",
           "−": "-", "–": "-", "×": "*", "⁄": "/", "∕": "/", "′": "'", "⊙": "\\odot",
           "∘": "\\odot", "∂": "\\partial", "∇": "\\nabla", "⟨": "\\langle", "⟩": "\\rangle",
           "←": "\\leftarrow", "≔": ":=", "√": "\\sqrt", "½": "(1/2)", "⅓": "(1/3)",
           "⅔": "(2/3)", "¼": "(1/4)", "¾": "(3/4)"}
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾ᵗⁱⁿᵏʲᵐ", "0123456789-+()tinkjm"))
SUPERSCRIPTS["ᵀ"] = "T"            # X⁻ᵀ, as derivator prints it: X^{-T} (issue 20)
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋ₜᵢⱼₖₗₘₙₐₓₑₒₚₛ", "0123456789+-tijklmnaxeops"))
# characters that stand for one ASCII character (math bold 𝐗, full-width Ｘ)
_FOLD_RANGES = ((0x1D400, 0x1D7FF), (0xFF01, 0xFF5E))


class AnswerError(ValueError):
    """An answer that cannot be read: the message says what and where (1-based column)."""

    def __init__(self, message, column=None, expected=None, hint=None):
        super().__init__(message if column is None else f"column {column}: {message}")
        self.column = column
        self.reason = message
        self.expected = expected
        self.hint = hint


@dataclass(frozen=True)
class Node:
    kind: str          # num, name, call, add, sub, mul, div, neg, pow, transpose, inv, sum,
    #                    entry ([…]_k), range (a sum's bound taken from the problem)
    args: tuple = ()
    value: object = None     # the number, the name, the function, the sum's index;
    #                          on mul: None, "dot" (a·b of vectors), "odot" (entrywise)
    #                          or "inner" (⟨a, b⟩: the sum of the entrywise product)
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
    (?P<space>\s+|\$+|&|`+)
  | (?P<comment>(?<!\\)%[^\n]*)
  | (?P<num>\d+\.(?!\.)\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?)
  | (?P<cmd>\\[A-Za-z]+|\\[,;!:{}|\\ \[\]()])
  | (?P<word>[A-Za-z]+)
  | (?P<greek>[σηλαβμδεϵθτγφρω])
  | (?P<sup>⁻ᵀ|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾ᵗⁱⁿᵏʲᵐ]+)
  | (?P<sub>[₀₁₂₃₄₅₆₇₈₉₊₋ₜᵢⱼₖₗₘₙₐₓₑₒₚₛ]+)
  | (?P<uni>[‖Σ∑⋅∙•−–×⁄∕′⊙∘∂∇⟨⟩←≔√½⅓⅔¼¾])
  | (?P<fro>"fro"|'fro')
  | (?P<op>\*\*|\.\.|\.T\b|:=|[-+*/^_=(){}\[\],'@·.;|ᵀ⊤<>])
""", re.VERBOSE)


def _fold(text):
    """Math-bold and full-width letters as the ASCII letters they are, one for one, so
    that columns still point into the text as typed."""
    out = []
    for ch in text:
        if any(lo <= ord(ch) <= hi for lo, hi in _FOLD_RANGES):
            folded = unicodedata.normalize("NFKC", ch)
            out.append(folded if len(folded) == 1 else ch)
        else:
            out.append(ch)
    return "".join(out)


def tokenize(text):
    tokens = _drop_annotations(_raw_tokens(text))
    while tokens and tokens[-1].text in (".", ","):   # a final full stop or comma
        tokens.pop()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def prose_start(text):
    """Where words for the reader begin (`\\quad \\text{where …}`), as a 0-based offset,
    or None: nothing from there on is mathematics, not even an '='."""
    raw = _raw_tokens(text)
    kept = _drop_annotations(raw)
    return raw[len(kept)].column - 1 if len(kept) < len(raw) else None


def _raw_tokens(text):
    if "\x00" in text:
        raise AnswerError("the answer contains a NUL byte", text.index("\x00") + 1)
    if len(text) > MAX_LENGTH:
        raise AnswerError(f"the answer is {len(text)} characters long; at most {MAX_LENGTH}")
    original, text = text, _fold(text)
    tokens, pos = [], 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise AnswerError(f"unexpected character {original[pos]!r}", pos + 1,
                              hint=_character_hint(original[pos]))
        kind, word, column = m.lastgroup, m.group(), pos + 1
        pos = m.end()
        if kind in ("space", "comment") or word in SPACING:
            continue
        if word in LAYOUT:                         # \begin{aligned}: skip its {name}
            close = text.find("}", pos) if text[pos:].lstrip().startswith("{") else -1
            pos = close + 1 if close >= 0 else pos
            continue
        if kind == "fro":                          # norm(A, "fro"): the one quoted word
            tokens.append(Token("word", "fro", column))
        elif kind == "greek":                      # σ, η typed directly
            tokens.append(Token("word", GREEK_LETTERS[word], column))
        elif kind == "uni":                        # Σ is \sum, ½ is (1/2)
            tokens.extend(Token(t.kind, t.text, column) for t in _raw_tokens(UNICODE[word]))
        elif kind in ("sup", "sub"):               # x², X⁻¹, wₜ, xᵢ
            table = SUPERSCRIPTS if kind == "sup" else SUBSCRIPTS
            inner = "".join(table[c] for c in word)
            tokens.append(Token("op", "^" if kind == "sup" else "_", column))
            tokens.append(Token("op", "{", column))
            tokens.extend(Token(t.kind, t.text, column) for t in _raw_tokens(inner))
            tokens.append(Token("op", "}", column))
        elif kind == "cmd" and word == "\\right" and text.startswith(".", pos):
            pos += 1                               # \right.: no bracket at all
        elif kind == "cmd" and word == "\\left" and text.startswith(".", pos):
            pos += 1                               # \left.: what \right|_{w = …} evaluates
            tokens.append(Token("cmd", "\\left.", column))
        else:
            tokens.append(Token(kind, word, column))
    return tokens


def _drop_annotations(tokens):
    """`… \\quad \\text{for all i}`, `… \\quad (2)` and a final `\\text{(update rule)}` are
    words for the reader, not mathematics: from a \\quad or prose in \\text{…} on, the rest
    is dropped. \\text{tr} and \\text{T} are typography and stay."""
    out, k, depth = [], 0, 0
    while k < len(tokens):
        t = tokens[k]
        if t.text in ("\\quad", "\\qquad"):       # a wide space: what follows is a remark
            if depth == 0 and out:               # (\quad \text{for all i}, \quad (2))
                return out
            k += 1
            continue
        if t.text in ("\\text", "\\mbox", "\\textrm") and k + 1 < len(tokens) \
                and tokens[k + 1].text == "{" and depth == 0:
            close = _closing(tokens, k + 1)
            inside = [u.text for u in tokens[k + 2:close]] if close else None
            if inside == []:                       # \text{ }: a space
                k = close + 1
                continue
            if inside and not (len(inside) == 1 and (inside[0] in FUNCTIONS
                                                     or len(inside[0]) <= 2)):
                return out
        depth += {"{": 1, "}": -1}.get(t.text, 0)
        out.append(t)
        k += 1
    return out


def _closing(tokens, k):
    depth = 0
    for j in range(k, len(tokens)):
        depth += {"{": 1, "}": -1}.get(tokens[j].text, 0)
        if depth == 0:
            return j
    return None


def _character_hint(ch):
    names = {"∈": "write only the answer, without 'for x ∈ …'", "≈": "write = or only the answer",
             "\\": "a LaTeX command needs letters after the backslash"}
    return names.get(ch)


class Parser:
    def __init__(self, text, names=None, functions=()):
        self.text = text
        self.functions = frozenset(functions)     # names a problem file declares as functions
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0
        self.norm_open = 0        # inside ‖…‖: the next bar closes it
        # the problem's names (x, w, X, eta, ...) for splitting `Xw` into X w; None: a run
        # of letters stays one word
        self.names = set(names) if names is not None else None
        # a function's name the problem declares as a value (σ, the noise, in p4): a name
        self.values = {n for n, kind in names.items() if kind != "function"} \
            if isinstance(names, dict) else set()

    # --- helpers ------------------------------------------------------------------
    @property
    def tok(self):
        return self.tokens[self.pos]

    def peek(self, k=1):
        return self.tokens[min(self.pos + k, len(self.tokens) - 1)]

    def take(self):
        t = self.tokens[self.pos]
        self.pos += 1
        return t

    def at(self, *texts):
        return self.tok.text in texts and self.tok.kind in ("op", "cmd", "word")

    def expect(self, text, what=None):
        if self.tok.text != text:
            found = "the end" if self.tok.kind == "end" else repr(self.tok.text)
            raise AnswerError(f"expected {what or repr(text)} but found {found}", self.tok.column,
                              expected=what or repr(text))
        return self.take()

    def deeper(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise AnswerError(f"more than {MAX_DEPTH} levels of nesting (brackets, signs, "
                              "powers, transposes)", self.tok.column)

    def split_token(self, first):
        """Replace the current word by its first `first` letters and the rest."""
        t = self.tok
        self.tokens[self.pos:self.pos + 1] = [
            Token("word", t.text[:first], t.column),
            Token("word", t.text[first:], t.column + first)]

    def attached(self):
        """The current token follows the previous one with no space."""
        prev = self.tokens[self.pos - 1]
        return self.pos > 0 and self.tok.column == prev.column + len(prev.text)

    # --- grammar ------------------------------------------------------------------
    def answer(self):
        if self.tok.kind == "end":
            raise AnswerError("the answer is empty", expected="an expression")
        node = self.expr()
        if self.bar_follows():                     # ∇L|_{w = w_t}
            if self.tok.text != "|":
                self.take()
            self.take()
            node = self.evaluated_at(node)
        if self.tok.kind != "end":
            t = self.tok
            if t.text in (")", "]", "}") or t.text in ("\\right",):
                raise AnswerError(f"unbalanced {t.text!r}: no bracket opened it", t.column)
            if t.text in ("=", ":=", "\\leftarrow"):
                raise AnswerError(f"unexpected {t.text!r}: write the answer alone, or one "
                                  "left-hand side and the answer", t.column)
            raise AnswerError(f"unexpected {t.text!r}", t.column,
                              expected="an operator (+, -, *, /) or the end")
        return node

    def expr(self):
        self.deeper()
        terms = [(1, self.term())]
        while self.at("+", "-"):
            op = self.take()
            terms.append((1 if op.text == "+" else -1, self.term(), op.column))
        self.depth -= 1
        return _balanced_sum(terms)

    def starts_factor(self):
        t = self.tok
        if t.kind in ("num", "word"):
            return t.text not in ("T",)
        if t.kind == "cmd":
            name = t.text[1:]
            if name == "|":                          # \| opens a norm, or closes one
                return not self.norm_open
            if name in ("}", "rVert"):                 # \} closes
                return False
            closing = self.peek().text in (")", "]", "}", "|", "\\}", "\\rangle")
            return name not in ("right", "cdot", "top", "intercal", "times", "odot", "rangle",
                                "circ", "prime", "leftarrow", "gets") and not (
                name in SIZES and closing)
        if t.text == "|" and self.peek().text == "|" and self.peek().kind == "op":
            return not self.norm_open                # ||w||: a norm in plain text
        return t.text in ("(", "[", "{", "\\{")

    def norm(self, close):
        """‖v‖, \\|v\\|, \\lVert v \\rVert, ||v||: the norm (of a matrix, Frobenius)."""
        start = self.tok
        self.norm_open += 1
        node = self.expr()
        self.norm_open -= 1
        for part in close:
            if self.tok.text != part:
                raise AnswerError(f"the norm opened here is never closed", start.column,
                                  expected=repr("".join(close)))
            self.take()
        return Node("call", (node,), value=("norm", None), column=start.column)

    def evaluated_at(self, node):
        """E|_{w = w_t}: E with the name w replaced by the value w_t (the bar's scope: from
        \\left. when it is written, else the whole side)."""
        self.expect("_", "'_{w = …}' after the evaluation bar")
        self.expect("{", "'{' after '|_'")
        name = self.expr()
        self.expect("=", "'=' in |_{w = …}")
        value = self.expr()
        self.expect("}", "'}' closing |_{w = …}")
        if name.kind != "name":
            raise AnswerError("the evaluation bar sets a name: |_{w = w_t}", name.column)
        return _replace(node, name, value)

    def bar_follows(self):
        """|_{…}, \\right|_{…}, \\Big|_{…}: an evaluation bar at the current token."""
        k = 1 if self.tok.kind == "cmd" and self.tok.text[1:] in SIZES else 0
        return self.peek(k).text == "|" and self.peek(k + 1).text == "_" and (
            k or self.tok.text == "|")

    def term(self):
        factors = [self.unary()]
        ops = []                           # (kind, value, column) between factors
        divided = False
        while True:
            if self.at("*", "@", "\\cdot", "·", "\\times", "\\odot", "\\circ"):
                op = self.take()
                value = {"\\cdot": "dot", "·": "dot", "\\odot": "odot", "\\circ": "odot"} \
                    .get(op.text)
                ops.append(("mul", value, op.column))
                factors.append(self.unary())
                divided = False
            elif self.at("/"):
                op = self.take()
                numeric = factors[-1].kind == "num" and self.tok.kind == "num"
                by_number = self.tok.kind == "num" or self.tok.text in ("(", "\\left")
                ops.append(("div", None, op.column))
                factors.append(self.unary())
                divided = not (numeric and len(factors) == 2)   # 1/2 x: the fraction ½
                if not divided:
                    factors[-2:] = [Node("div", tuple(factors[-2:]), column=op.column)]
                    ops.pop()
            elif self.starts_factor():
                if divided and by_number and self.at(*COEFFICIENT_OF) and \
                        [o[0] for o in ops].count("div") == 1:
                    # η/2 Σ…, N/2 ln(…): a number under a coefficient, as in handwriting
                    factors[-2:] = [Node("div", tuple(factors[-2:]), column=ops[-1][2])]
                    ops.pop()
                    divided = False
                if divided:
                    raise AnswerError("ambiguous: is `a/2 x` (a/2) x or a/(2 x)? Add brackets",
                                      self.tok.column, hint="write (a/2) x or a/(2 x)")
                ops.append(("mul", None, self.tok.column))
                factors.append(self.unary())
            else:
                return _balanced_product(factors, ops)

    def unary(self):
        signs = []
        while self.at("-", "+"):
            signs.append(self.take())
            self.deeper()
        if self.at("sum", "\\sum", "prod", "\\prod"):
            node = self.sum()
        else:
            node = self.power()
        for op in reversed(signs):
            self.depth -= 1
            if op.text == "-":
                node = Node("neg", (node,), column=op.column)
        return node

    def sum(self):
        start = self.take()
        self.deeper()
        if self.at("(") and start.text in ("sum", "prod"):   # sum(body, i=1..N)
            self.take()
            body = self.expr()
            self.expect(",")
            index = self.index_name()
            self.expect("=")
            lower = self.expr()
            self.expect("..", "'..' in i=1..N")
            upper = self.expr()
            self.expect(")", "')' closing the sum")
        else:                                          # sum_{i=1}^{N} body, \sum_i body
            self.expect("_", "'_{i=1}' after the sum")
            lower = upper = None
            if self.at("{"):
                self.take()
                index = self.index_name()
                if self.at("="):
                    self.take()
                    lower = self.expr()
                self.expect("}", "'}' closing the sum's lower limit")
            else:
                index = self.index_name(single=True)
            if self.at("^"):
                self.take()
                upper = self.group_or_atom()
            if lower is None or upper is None:          # \sum_i: the range from the problem
                if lower is not None or upper is not None:
                    raise AnswerError("a sum needs both limits, or neither (\\sum_i)",
                                      start.column)
                lower = Node("num", value=1, column=start.column)
                upper = Node("range", value=index, column=start.column)
            body = self.term()
        self.depth -= 1
        kind = "prod" if start.text in ("prod", "\\prod") else "sum"
        return Node(kind, (lower, upper, body), value=index, column=start.column)

    def index_name(self, single=False):
        t = self.tok
        if t.kind != "word":
            raise AnswerError("expected the name of the summation index", t.column,
                              expected="an index such as i")
        if single and len(t.text) > 1:                  # \sum_ix_i: LaTeX takes one letter
            self.split_token(1)
        return self.take().text

    def power(self):
        node = self.postfix()
        levels = 0
        while self.at("^", "**"):
            op = self.take()
            self.deeper()
            levels += 1
            node = self.exponent(node, op)
            node = self.more_postfix(node)
        self.depth -= levels
        return node

    def transpose_mark(self):
        """Whether a transpose mark follows '^' (and take it): T, \\top, \\intercal, ⊤,
        {T}, {\\mathrm{T}}, {\\mathsf{T}}, ..."""
        t = self.tok
        if t.text in ("T", "\\top", "\\intercal", "⊤", "\\prime"):     # X^\prime: X'
            self.take()
            return True
        if t.text in ("\\mathsf", "\\mathrm", "\\text", "\\mathbf", "\\rm") and \
                [self.peek(k).text for k in (1, 2, 3)] == ["{", "T", "}"]:
            for _ in range(4):                       # X^\mathsf{T}
                self.take()
            return True
        if t.kind == "word" and t.text.startswith("T") and self.splittable_after_T(t.text):
            self.split_token(1)                      # X^TX: Xᵀ X
            self.take()
            return True
        if t.text == "{":
            inner, k, depth = [], 0, 0
            while k < 12:
                text = self.peek(k).text
                depth += {"{": 1, "}": -1}.get(text, 0)
                if depth == 0 or text == "":
                    break
                if text not in ("{", "}", "\\mathrm", "\\mathsf", "\\text", "\\mathbf",
                                "\\rm", "\\textrm"):
                    inner.append(text)
                k += 1
            if depth == 0 and inner in (["T"], ["\\top"], ["\\intercal"], ["⊤"], ["\\prime"]):
                for _ in range(k + 1):
                    self.take()
                return True
        return False

    def splittable_after_T(self, word):
        rest = word[1:]
        if self.names is not None and word in self.names:
            return False
        return self.segment(rest) is not None or self.names is None

    def exponent(self, base, op):
        if self.transpose_mark():
            return Node("transpose", (base,), column=op.column)
        if self.at("\\prime", "'"):
            raise AnswerError("a prime as an exponent: write X' or X^T for a transpose, "
                              "sigma'(z) for a derivative", op.column)
        time = self.time_index() if base.kind == "name" and not base.value[1] else None
        if time is not None:                          # w^{(t)}, w^{(t)\top}
            node = Node("name", value=(base.value[0], time[0]), column=base.column)
            return Node("transpose", (node,), column=op.column) if time[1] else node
        if self.at("-") and self.peek().text == "1" and self.peek(2).kind != "num" and \
                self.peek(2).text not in (".",):
            self.take()
            self.take()
            return Node("inv", (base,), column=op.column)
        if self.at("{") and self.peek().text == "-" and self.peek(2).text in (
                "T", "\\top", "⊤") and self.peek(3).text == "}":
            for _ in range(4):                        # X⁻ᵀ, X^{-T}, X^{-\top}: (X⁻¹)ᵀ
                self.take()
            return Node("transpose", (Node("inv", (base,), column=op.column),),
                        column=op.column)
        entrywise = self.entrywise_power()
        if entrywise is not None:                     # v^∘2, v^{\circ 2}: entry by entry
            _check_exponent(entrywise, op.column)
            return Node("pow", (base, entrywise), value="entrywise", column=op.column)
        exp = self.group_or_atom(allow_sign=True)
        if exp.kind == "neg" and exp.args[0].kind == "num" and exp.args[0].value == 1:
            return Node("inv", (base,), column=op.column)
        _check_exponent(exp, op.column)
        if base.kind == "pow":            # (a^b)^c: only while b c stays small
            inner = base.args[1]
            if not (inner.kind == exp.kind == "num" and abs(inner.value * exp.value) <= MAX_EXPONENT):
                raise AnswerError("a power of a power is not accepted here; write one exponent",
                                  op.column)
        return Node("pow", (base, exp), column=op.column)

    def entrywise_power(self):
        """The exponent of an entrywise (Hadamard) power, ^∘2 or ^{\\circ 2}; else None."""
        marks = ("\\odot", "\\circ")
        if self.at(*marks):
            self.take()
            return self.group_or_atom()
        if self.at("{") and self.peek().text in marks:
            self.take()
            self.take()
            exp = self.expr()
            self.expect("}", "'}' closing the exponent")
            return exp
        return None

    def time_index(self):
        """w^{(t)}, w^{(t+1)}, x^{(i)}: a step or a sample written as a superscript in
        brackets (the lectures' x⁽ⁱ⁾), read as w_t, w_{t+1}, x_i."""
        k = 1 if self.at("{") else 0
        if self.peek(k).text != "(":
            return None
        inner, j = [], k + 1
        while self.peek(j).text not in (")", "") and j < k + 6:
            inner.append(self.peek(j).text)
            j += 1
        if self.peek(j).text != ")" or not inner or not re.fullmatch(r"[a-z]", inner[0]) or \
                (self.names is not None and inner[0] in self.names):
            return None
        if len(inner) > 1 and not (len(inner) == 3 and inner[1] in "+-" and inner[2].isdigit()):
            return None
        transposed = k and self.peek(j + 1).text in ("\\top", "T", "\\intercal", "⊤")
        if k and self.peek(j + 1 + transposed).text != "}":
            return None
        for _ in range(j + 1 + k + transposed):
            self.take()
        return ("".join(inner),), transposed

    def postfix(self):
        node = self.primary()
        return self.more_postfix(node)

    def more_postfix(self, node):
        levels = 0
        while True:
            if self.at("'", ".T", "ᵀ", "⊤"):
                op = self.take()
                node = Node("transpose", (node,), column=op.column)
            elif self.at("_") and node.kind not in ("name", "num"):   # [(X + Xᵀ) w]_k
                op = self.take()
                indices = self.subscript()
                if len(indices) == 1 and indices[0].isalpha() and indices[0].islower():
                    indices = tuple(indices[0])      # (X²)_{lk}: the entry l, k
                node = Node("entry", (node,), value=indices, column=op.column)
            else:
                break
            self.deeper()
            levels += 1
        self.depth -= levels
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
        if self.tok.kind == "word" and len(self.tok.text) > 1 and \
                self.tok.text not in GREEK and self.tok.text not in FUNCTIONS:
            self.split_token(1)                     # X^kx, \frac12: one character
        return self.primary()

    def primary(self):
        t = self.tok
        self.deeper()
        try:
            if t.kind == "num":
                self.take()
                value = _number(t.text)
                if value in (float("inf"), float("-inf")):        # 1e309
                    raise AnswerError(f"the number {t.text} is too large", t.column)
                return Node("num", value=value, column=t.column)
            if t.text in ("\\|", "\\lVert") and t.kind == "cmd":
                self.take()
                return self.norm(("\\|",) if t.text == "\\|" else ("\\rVert",))
            if t.text == "|" and self.peek().text == "|":
                self.take()
                self.take()
                return self.norm(("|", "|"))
            if t.text in ("(", "[", "{", "|", "\\{") and t.kind in ("op", "cmd"):
                close = {"(": ")", "[": "]", "{": "}", "|": "|", "\\{": "\\}"}[t.text]
                if t.text == "|":
                    raise AnswerError("absolute values and norms |…| are not read here; write "
                                      "w^T w for the squared norm", t.column)
                self.take()
                node = self.expr()
                if self.tok.kind == "end":
                    raise AnswerError(f"unbalanced {t.text!r}: it is never closed", t.column,
                                      expected=repr(close))
                self.expect(close, repr(close))
                if close in (")", "]") and self.at("_") and node.kind in ("name", "num"):
                    op = self.take()                 # (Xw)_k: the bracket's entry k
                    return Node("entry", (node,), value=self.subscript(), column=op.column)
                return self.maybe_call(node) if close == "}" else node
            if t.kind == "cmd":
                return self.command()
            if t.kind == "word":
                return self.word()
            if t.kind == "end":
                raise AnswerError("the answer ends where a value was expected", t.column,
                                  expected="a value")
            raise AnswerError(f"unexpected {t.text!r}", t.column, expected="a value")
        finally:
            self.depth -= 1

    def command(self):
        t = self.take()
        name = t.text[1:]
        if name == "left.":                     # \left. E \right|_{w = w_t}
            node = self.expr()
            if self.bar_follows():
                self.take()
                self.take()
                return self.evaluated_at(node)
            if self.at("\\right"):
                self.take()
                self.take()
            return node
        if name in SIZES:                       # \left( ... \right)
            if name in ("right", "bigr", "Bigr", "biggr", "Biggr"):
                raise AnswerError(f"unbalanced \\{name}: no bracket opened it", t.column)
            opener = self.take()
            if opener.text not in ("(", "[", "{", "\\{", "|", ".", "\\langle", "\\|", "\\lVert"):
                raise AnswerError(f"expected a bracket after \\{name}", opener.column,
                                  expected="(, [ or {")
            if opener.text == "\\langle":
                return self.inner_product(t)
            if opener.text in ("\\|", "\\lVert"):        # \left\| v \right\|
                node = self.norm(())
                self.expect("\\right", "\\right\\|")
                self.take()
                return node
            node = self.expr()
            if self.at("\\right", "\\big", "\\Big", "\\bigg", "\\Bigg", "\\bigr", "\\Bigr",
                       "\\biggr", "\\Biggr"):
                self.take()
                self.take()
            else:
                raise AnswerError(f"\\{name}{opener.text} is never closed", t.column,
                                  expected="\\right" + {"(": ")", "[": "]"}.get(opener.text, ""))
            return node
        if name == "langle":
            return self.inner_product(t)
        if name in TYPOGRAPHY:                  # \mathbf{X} is X
            if not self.at("{"):               # \mathbf w
                if self.tok.kind != "word":
                    raise AnswerError(f"expected '{{' after \\{name}", self.tok.column,
                                      expected="{")
                inner = self.word()
                return inner
            self.take()
            inner = self.expr()
            self.expect("}", f"'}}' closing \\{name}")
            if inner.kind == "name" and self.at("_") and not inner.value[1]:
                return self.word(Token("word", inner.value[0], inner.column))
            return self.maybe_call(inner)
        if name in ("frac", "dfrac", "tfrac"):
            top = self.group_or_atom()
            bottom = self.group_or_atom()
            return Node("div", (top, bottom), column=t.column)
        if name == "sqrt":
            arg = self.group_or_atom()
            return Node("call", (arg,), value=("sqrt", None), column=t.column)
        if name == "sum":
            self.pos -= 1
            return self.sum()
        if name in FUNCTIONS or name in GREEK:
            return self.word(Token("word", name, t.column))
        if name in OPERATORS:
            raise AnswerError(f"unexpected \\{name}", t.column, expected="a value")
        hint = _command_hint(name)
        raise AnswerError(f"unknown LaTeX command \\{name}", t.column, hint=hint)

    def inner_product(self, start):
        """\\langle a, b \\rangle: the inner product, aᵀb of vectors, tr(AᵀB) of matrices."""
        a = self.expr()
        self.expect(",", "',' between the two vectors of ⟨a, b⟩")
        b = self.expr()
        if self.at("\\right"):
            self.take()
        self.expect("\\rangle", "\\rangle")
        return Node("mul", (a, b), value="inner", column=start.column)

    def word(self, token=None):
        t = token or self.take()
        name = t.text
        if token is None and len(name) > 1:
            parts = self.resolve(name, t)
            if len(parts) > 1:                       # Xw: X w, the rest read again
                self.pos -= 1
                self.split_token(len(parts[0]))
                t = self.take()
                name = t.text
        sub = None
        if self.at("_"):
            self.take()
            sub = self.subscript(single_letter=True)
        node = Node("name", (), value=(name, sub), column=t.column)
        if not self.is_function(name) and not self.attached():   # g (1 - g) multiplies
            return node
        return self.maybe_call(node)

    def known_words(self):
        words = set(FUNCTIONS) | GREEK | {"e", "sum"}
        return words | (self.names or set())

    def segment(self, word):
        """Ways to read a run of letters as names: all of them, at most a few."""
        known = self.known_words()
        if self.names is None:
            known = known | set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        ways = {0: [[]]}
        for end in range(1, len(word) + 1):
            ways[end] = []
            for start in range(max(0, end - 8), end):
                if word[start:end] in known:
                    ways[end] += [w + [word[start:end]] for w in ways.get(start, [])][:4]
        return ways[len(word)] or None

    def resolve(self, name, token):
        """`Xw` is X w when both are the problem's names; `eta` stays eta. Without the
        problem's names a word stays whole (whoever reads it splits it)."""
        if self.names is None or name in self.known_words() or len(name) == 1:
            return [name]
        readings = self.segment(name)
        if not readings:
            return [name]                            # an unknown name: said later, with the names
        if len(readings) > 1:
            # prefer the reading with the fewest pieces when it is the only one that short
            readings.sort(key=len)
            if len(readings[0]) < len(readings[1]):
                return readings[0]
            shown = " or ".join(" ".join(r) for r in readings[:3])
            raise AnswerError(f"ambiguous: {name!r} can be read as {shown}; put spaces or "
                              "'*' between the names", token.column)
        return readings[0]

    def subscript(self, single_letter=False):
        if self.at("{"):
            self.take()
            parts, current, depth = [], "", 0
            while True:
                t = self.take()
                if t.kind == "end":
                    raise AnswerError("a subscript's '{' is never closed", t.column,
                                      expected="'}'")
                if t.text == "{":
                    depth += 1
                elif t.text == "}":
                    if depth == 0:
                        break
                    depth -= 1
                elif t.text == "," and depth == 0:
                    parts.append(current)
                    current = ""
                elif t.kind == "cmd" and t.text[1:] in TYPOGRAPHY:
                    continue
                else:
                    current += t.text
            parts.append(current)
            if any(p == "" for p in parts):
                raise AnswerError("an empty subscript", self.tokens[self.pos - 1].column)
            return tuple(parts)
        t = self.tok
        if t.kind not in ("word", "num"):
            raise AnswerError("expected a subscript after '_'", t.column,
                              expected="a letter, a number or {…}")
        if single_letter and t.kind == "word" and len(t.text) > 1 and self.continues(t.text):
            self.split_token(1)                      # x_ix_i^T: LaTeX takes one letter
        return (self.take().text,)

    def continues(self, word):
        """After '_', `ix` in x_ix_i: the letters after the first start a new factor."""
        nxt = self.peek().text
        rest = word[1:]
        if nxt in ("_", "^", "(") or nxt == "\\left":
            return True
        return self.names is not None and rest[:1] in self.names and \
            self.segment(rest) is not None

    def maybe_call(self, node):
        """f(x_i), f(x_i; w), tr(X), \\sigma\\left(z\\right), sigma'(z), f^{2}(x): a name
        followed at once by brackets is a call when it names a function; otherwise the
        brackets multiply."""
        if node.kind != "name":
            return node
        name, sub = node.value
        declared = name in self.functions or f"{name}_{''.join(sub or ())}" in self.functions
        function = self.is_function(name) or declared or (len(name) == 1 and name in "fghz")
        if not function:
            return node
        derivative = False
        if self.at("'", "\\prime") or self.at("^") and self.peek().text in ("\\prime", "'") \
                or self.at("^") and self.peek().text == "{" and self.peek(2).text == "\\prime":
            if self.at("^"):
                self.take()
                if self.at("{"):
                    self.take()
                    self.take()
                    self.expect("}")
                else:
                    self.take()
            else:
                self.take()
            derivative = True
        power = None
        if self.at("^") and not derivative:           # f^{2}(x) is f(x)^2
            save = self.pos
            self.take()
            if not self.transpose_mark():
                exp = self.group_or_atom()
                if self.at("(", "{", "\\left"):
                    power = exp
                else:
                    self.pos = save
            else:
                self.pos = save
        save = self.pos
        call = self.call_arguments(node, name, sub)
        if call is not None and name not in FUNCTIONS and not derivative and not declared \
                and not all(a.kind == "name" for a in call.args):
            self.pos = save             # g(1 - g) multiplies: a problem's own function
            call = None                 # takes a sample (g(x), f(x_i; w)), not a formula
        if call is None and name in FUNCTIONS and not derivative and power is None and \
                self.at("\\prod", "prod", "\\sum", "sum"):   # \ln \prod_i …: of the product
            arg = self.sum()
            call = Node("call", (arg,), value=(FUNCTIONS[name], sub), column=node.column)
        if call is None and name in FUNCTIONS and not derivative and power is None and \
                self.call_follows():            # \ln f(x_i): the log of the call after it
            arg = self.postfix()
            call = Node("call", (arg,), value=(FUNCTIONS[name], sub), column=node.column)
        if call is None and FUNCTIONS.get(name) in ("log", "exp", "tr") and not derivative \
                and power is None and self.at("\\frac", "\\dfrac", "\\tfrac"):
            arg = self.power()          # \ln \frac{1}{\sqrt{2\pi\sigma^2}}: TeX's ln of it
            if self.starts_factor():    # \ln 2 \pi: ln(2) π or ln(2π)?
                raise AnswerError(f"ambiguous: how much does {name} take? Write {name}(…) "
                                  "with brackets", self.tok.column)
            call = Node("call", (arg,), value=(FUNCTIONS[name], sub), column=node.column)
        if call is None:
            if derivative:
                raise AnswerError(f"{name}' needs its argument: write {name}'(…)",
                                  self.tok.column, expected="(")
            if power is not None:
                raise AnswerError("expected the function's argument", self.tok.column)
            return node
        if derivative:
            base = FUNCTIONS.get(name, name)
            if base not in DERIVATIVES:
                raise AnswerError(f"{name}'(…) is not read: write its derivative out "
                                  f"(for σ, σ(z)(1 - σ(z)))", node.column)
            call = Node("call", call.args, value=(DERIVATIVES[base], sub), column=node.column)
        if power is not None:
            _check_exponent(power, node.column)
            call = Node("pow", (call, power), column=node.column)
        return call

    def call_follows(self):
        """The next tokens are a function applied to brackets: f(x_i), \\sigma(z)."""
        t = self.tok
        name = t.text[1:] if t.kind == "cmd" else t.text
        if t.kind not in ("word", "cmd") or not (self.is_function(name) or name in self.functions
                                                 or len(name) == 1 and name in "fghz"):
            return False
        return self.peek().text in ("(", "\\left")

    def is_function(self, name):
        return name in FUNCTIONS and name not in self.values

    def call_arguments(self, node, name, sub):
        if self.at("{") and self.peek().text in ("\\left", "("):   # SymPy: f{\left(x \right)}
            self.take()
            inner = self.call_arguments(node, name, sub)
            self.expect("}", "'}'")
            return inner
        if self.at("\\left", "\\big", "\\Big", "\\bigl", "\\Bigl") and \
                self.peek().text in ("(", "["):
            self.take()
            close = {"(": ")", "[": "]"}[self.take().text]
            args = self.arguments()
            if not self.at("\\right", "\\big", "\\Big", "\\bigr", "\\Bigr"):
                raise AnswerError(f"\\left( after {name} is never closed", node.column,
                                  expected="\\right)")
            self.take()
            self.expect(close)
        elif self.at("(") or (self.at("[") and name in FUNCTIONS and name != "e"):
            close = {"(": ")", "[": "]"}[self.take().text]
            args = self.arguments()
            self.expect(close, f"{close!r} closing {name}(")
        elif self.at("{", "\\{") and name in FUNCTIONS:         # \exp{x}, \exp\{x\}
            close = "}" if self.take().text == "{" else "\\}"
            args = self.arguments()
            self.expect(close, f"{close!r} closing {name}")
        else:
            return None
        if FUNCTIONS.get(name) == "norm" and len(args) == 2 and args[1].kind == "name" \
                and args[1].value == ("fro", None):
            args = args[:1]               # norm(A, "fro"): the Frobenius norm, norm(A)
        return Node("call", tuple(args), value=(FUNCTIONS.get(name, name), sub),
                    column=node.column)

    def arguments(self):
        """f(x_i), f(x_i, w); after ';' come the parameters of the problem's own notation
        f(x_i; w), which the problem fixes: read, not passed."""
        args = [self.expr()]
        while self.at(","):
            self.take()
            args.append(self.expr())
        if self.at(";"):
            self.take()
            while True:
                start = self.tok
                parameter = self.expr()
                if parameter.kind != "name":         # f(x_i; -w) is another function
                    raise AnswerError("after ';' only the parameter's name, as in "
                                      "f(x_i; w)", start.column)
                if not self.at(","):
                    break
                self.take()
        return args


def _balanced_sum(terms):
    """Signed terms [(±1, node[, column]), ...] as a tree of depth log(n): a - b + c - d is
    (a - b) + (c - d); the signs inside a group are taken relative to its first."""
    first_sign, first = terms[0][0], terms[0][1]

    def build(items):
        if len(items) == 1:
            return items[0][1]
        mid = len(items) // 2 if len(items) > SHORT_CHAIN else len(items) - 1
        left = build(items[:mid])
        sign = items[mid][0]
        right_items = [(s * sign,) + tuple(rest) for s, *rest in items[mid:]]
        right = build(right_items)
        column = items[mid][2] if len(items[mid]) > 2 else right.column
        return Node("add" if sign == 1 else "sub", (left, right), column=column)

    return build([(first_sign, first, first.column)] + list(terms[1:]))


def _balanced_product(factors, ops):
    """Factors joined by ops [(kind, value, column)]: an entrywise product ⊙ binds looser
    than the others (y ⊙ X w is y ⊙ (X w)); runs of plain products are balanced (the matrix
    product is associative); a division or a tagged product keeps the order."""
    cuts = [k for k, (kind, value, _) in enumerate(ops) if value == "odot"]
    if cuts:
        bounds = [-1] + cuts + [len(ops)]
        parts = [_products(factors[a + 1:b + 1], ops[a + 1:b]) for a, b in zip(bounds, bounds[1:])]
        node = parts[0]
        for k, part in zip(cuts, parts[1:]):
            node = Node("mul", (node, part), value="odot", column=ops[k][2])
        return node
    return _products(factors, ops)


def _products(factors, ops):
    def build(run, columns):
        if len(run) == 1:
            return run[0]
        mid = len(run) // 2 if len(run) > SHORT_CHAIN else len(run) - 1
        return Node("mul", (build(run[:mid], columns[:mid]), build(run[mid:], columns[mid:])),
                    column=columns[mid])

    run, columns = [factors[0]], [factors[0].column]
    for (kind, value, column), factor in zip(ops, factors[1:]):
        if kind == "mul" and value is None:
            run.append(factor)
            columns.append(column)
            continue
        left = build(run, columns)
        run, columns = [Node(kind, (left, factor), value=value, column=column)], [column]
    return build(run, columns)


def _command_hint(name):
    import difflib
    if name in ("nabla", "partial"):
        return "write the gradient out as a formula: the checker compares formulas"
    known = sorted(set(FUNCTIONS) | GREEK | TYPOGRAPHY | {"frac", "sqrt", "sum", "left",
                                                          "right", "cdot", "top", "langle"})
    close = difflib.get_close_matches(name, sorted(set(known) - {name}), n=1, cutoff=0.7)
    return f"did you mean \\{close[0]}?" if close else None


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


def _replace(tree, name, value):
    """The tree with every node equal to `name` (kind and value) replaced by `value`."""
    if tree.kind == name.kind and tree.value == name.value and not tree.args:
        return value
    if not tree.args:
        return tree
    return Node(tree.kind, tuple(_replace(a, name, value) for a in tree.args), tree.value,
                tree.column)


def _walk(node):
    """Every node, without recursion (trees can be wide)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.args))


def tree_depth(node):
    deepest, stack = 0, [(node, 1)]
    while stack:
        n, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((a, d + 1) for a in n.args)
    return deepest


def parse(text, names=None, functions=()):
    """The tree of an answer, or AnswerError saying what is wrong and where.

    names: the problem's names (a set, or a dict name -> kind), to split `Xw` into X w;
    without them a run of letters stays one word. functions: further names that are called
    when brackets follow them (a problem file's own definitions, such as L_i(y, p))."""
    if not isinstance(text, str):
        raise AnswerError("the answer must be text")
    tree = Parser(text, names, functions).answer()
    if tree_depth(tree) > MAX_TREE_DEPTH:
        raise AnswerError(f"the answer nests more than {MAX_TREE_DEPTH} levels deep")
    return tree
