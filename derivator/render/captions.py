"""The values a caption names, read from its own step (and the line it rewrites), so that
every caption fits its line: the exponent that is differentiated, the factor that stays
outside a sum, the indices a delta collapses. A rule without an entry here is named by
the values its rule recorded (Step.params) alone.
"""
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .catalogue import fill

# Fragments that join the values, per language.
WORDS = {
    "en": {"and": " and ", "is": "is", "are": "are", "it": "it", "they": "they",
           "moves": "moves", "move": "move", "constant": "a constant", "constants": "constants",
           "outside": "; the constant factor {c} stays outside",
           "one": ", and with u = 1, (1/v)' = -v'/v²",
           "entrywise": ", and {f} acts entry by entry",
           "square": "∂({v}ᵀ{v})/∂{v} = 2{v}: Σ_k {v}_k² differentiated entry by entry",
           "entries": ", and ∂{a}/∂{b} = {delta}",
           "plus": ", and two minus signs make a plus", "minus": "",
           "power_title": "power rule", "square_title": "quadratic-form rule",
           "power": "Power rule: {identity}",
           "follows": "once the loss's derivative is known, the cost's follows",
           "follows_log": "the derivative of the log-likelihood follows"},
    "ko": {"and": ", ", "is": "", "are": "", "it": "", "they": "", "moves": "", "move": "",
           "constant": "", "constants": "",
           "outside": "; 상수 {c}는 밖에 남는다",
           "one": ", u = 1이면 (1/v)' = -v'/v²",
           "entrywise": ", {f}는 성분별로 적용된다",
           "square": "∂({v}ᵀ{v})/∂{v} = 2{v}: Σ_k {v}_k²을 성분별로 미분",
           "entries": ", ∂{a}/∂{b} = {delta}",
           "plus": "마이너스를 플러스로", "minus": "마이너스를 밖으로",
           "power_title": "거듭제곱의 미분", "square_title": "이차 형식의 미분",
           "power": "거듭제곱의 미분: {identity}",
           "follows": "먼저 Loss Function의 편미분을 구하면 Cost Function의 편미분은 어렵지 않게 "
                      "구할 수 있다",
           "follows_log": "샘플 하나의 미분을 합에 다시 넣으면 로그 우도의 미분이 된다"},
}


def _text(expr):
    from .printing import to_text
    return to_text(expr)


def _nodes(expr, kind):
    return [] if expr is None else [a for a in sp.preorder_traversal(expr) if isinstance(a, kind)]


def _joined(values, lang):
    return WORDS[lang]["and"].join(_text(v) for v in values)


def _delta(a, b):
    a, b = _index(a), _index(b)
    return "δ_%s%s" % (a, b) if len(a + b) == 2 else "δ_{%s %s}" % (a, b)


def _index(i):
    return _text(i)


def _deltas(entry, var):
    """δ_ik δ_jl for ∂X_ij/∂X_kl; the layer of w_{1,b,a} is part of the name, not an index."""
    pairs = [(a, b) for a, b in zip(entry.indices, var.indices) if a != b]
    return " ".join(_delta(a, b) for a, b in pairs) or "1"


def _derivatives_gone(step, before):
    """The derivatives of the line before that this step evaluated."""
    now = set(_nodes(step.expr, sp.Derivative))
    return [d for d in dict.fromkeys(_nodes(before, sp.Derivative)) if d not in now]


def into_sum(step, before, lang):
    outside = []
    for d in _nodes(before, sp.Derivative):
        if isinstance(d.expr, sp.Mul) and any(isinstance(f, sp.Sum) for f in d.expr.args):
            outside += [f for f in d.expr.args if not isinstance(f, sp.Sum)]
    c = sp.Mul(*outside) if outside else None
    return {"outside": fill(WORDS[lang]["outside"], lang, c=_text(c)) if c is not None else ""}


def constant_factor(step, before, lang):
    constants = step.params.get("constants") or []
    many = not isinstance(constants, sp.Basic) and len(constants) > 1
    w = WORDS[lang]
    return {"is_are": w["are" if many else "is"], "it_they": w["they" if many else "it"],
            "moves": w["move" if many else "moves"]}


def quotient_rule(step, before, lang):
    # with a constant numerator only the denominator's derivative is left: -v'/v²
    one = len(set(_nodes(step.expr, sp.Derivative))) == 1
    return {"one": WORDS[lang]["one"] if one else ""}


def exponential_rule(step, before, lang):
    exps = _nodes(step.expr, sp.exp) or _nodes(before, sp.exp)
    return {"exponent": _text(exps[0].args[0]) if exps else "u"}


def recognise(step, before, lang):
    function = step.params.get("function")            # the function applied: sigmoid(x)
    argument = function.args[0] if isinstance(function, sp.Basic) and function.args else "x"
    return {"argument": _text(argument) if isinstance(argument, sp.Basic) else argument}


def linear(step, before, lang):
    """Only v varies: the names that stay constant (not the summation indices, not the
    array a name is an entry of), and ∂h_d/∂h_j = δ_dj for entries of v's own array."""
    var = step.params.get("var")
    constants = step.params.get("constants") or []
    arrays = {str(c.base.label) for c in constants if isinstance(c, sp.Indexed)}
    constants = [c for c in constants if not isinstance(c, sp.IndexedBase)
                 and not (isinstance(c, sp.Symbol) and (c.is_integer or c.name in arrays))]
    same = [c for c in constants if isinstance(c, sp.Indexed) and isinstance(var, sp.Indexed)
            and c.base == var.base]
    constants = [c for c in constants if c not in same]
    w = WORDS[lang]
    many = len(constants) > 1
    entries = "".join(w["entries"].format(a=_text(c), b=_text(var), delta=_deltas(c, var))
                      for c in same)
    return {"constants": _joined(constants, lang), "is_are": w["are" if many else "is"],
            "constant_s": w["constants" if many else "constant"], "entries": entries}


def _power(step, before):
    """(u^n)' = n u^(n-1) with the exponent of the power this step differentiated."""
    powers = [p for d in _derivatives_gone(step, before) for p in _nodes(d.expr, sp.Pow)
              if p.exp.is_Number and p.exp > 0]
    if not powers:
        return "(u^n)' = n u^(n-1)"
    n = powers[0].exp
    return "(u%s)' = %s u%s" % ("²" if n == 2 else "^%s" % n, n,
                                 "" if n == 2 else "^%s" % (n - 1))


def power_rule(step, before, lang):
    from ..model.functions import inner
    # vᵀv anywhere in what was differentiated (λ wᵀw in a user's file too): the quadratic
    # form's rule, not the power rule of scalars
    squares = [q.args[0] for d in _derivatives_gone(step, before) for q in _nodes(d.expr, inner)
               if q.args[0] == q.args[1] and q.args[0] == d.variables[0]]
    w = WORDS[lang]
    if before is None:             # not known which: both identities, each true as stated
        return {"power_title": w["power_title"], "power": w["power"].format(
            identity="(u^n)' = n u^(n-1)"), "square": "; " + w["square"].format(v="v")}
    if squares:
        return {"power_title": w["square_title"], "power": "",
                "square": w["square"].format(v=_text(squares[0]))}
    return {"power_title": w["power_title"], "square": "",
            "power": w["power"].format(identity=_power(step, before))}


def power_chain(step, before, lang):
    return {"power": _power(step, before)}


def vectorize(step, before, lang):
    sums = _nodes(before, sp.Sum)
    n = sums[0].limits[0][0] if sums else sp.Symbol("n")
    vectors = [str(i.base.label) for i in _nodes(before, sp.Indexed)
               if n in i.indices and str(i.base.label) == "x"]
    functions = [a.function.expr.func for a in _nodes(step.expr, ElementwiseApplyFunction)]
    entrywise = fill(WORDS[lang]["entrywise"], lang, f=_text(functions[0](sp.Symbol("·"))).split(
        "(")[0]) if functions else ""
    return {"n": _text(n), "x": vectors[0] if vectors else "x", "entrywise": entrywise}


def entry_derivative(step, before, lang):
    entry, var = step.params.get("entry"), step.params.get("var")
    if entry is None or var is None:
        i, j, k, l = sp.symbols("i j k l")
        X = sp.IndexedBase("X")
        entry, var = X[i, j], X[k, l]
    return {"entry": _text(entry), "var": _text(var), "deltas": _deltas(entry, var)}


def kronecker_delta(step, before, lang):
    """Σ_a δ_ab u(a) = u(b) with the indices of the delta this step collapsed."""
    gone = [d for d in dict.fromkeys(_nodes(before, sp.KroneckerDelta))
            if d not in set(_nodes(step.expr, sp.KroneckerDelta))]
    bound = {lim[0] for s in _nodes(before, sp.Sum) for lim in s.limits}
    for d in gone:
        a, b = d.args if d.args[0] in bound else reversed(d.args)
        if a in bound:
            a, b = _index(a), _index(b)
            return {"collapse": "Σ_%s %s u(%s) = u(%s)" % (a, _delta(sp.Symbol(a), sp.Symbol(b)),
                                                        a, b)}
    return {"collapse": "Σ_i δ_ik u(i) = u(k)"}


def sign(step, before, lang):
    """Two minus signs make a plus only where the factor in front was negative."""
    from .printing import _flat_factors
    negative = False
    for node in _nodes(before, sp.Mul):
        if any(isinstance(f, sp.Derivative) and f.expr.could_extract_minus_sign()
               for f in node.args):
            negative = sp.Mul(*[f for f in _flat_factors(node) if f.is_Number]) < 0
            break
    if lang == "en":
        return {"plus": WORDS[lang]["plus"] if negative else ""}
    return {"plus": WORDS[lang]["plus" if negative else "minus"]}


def substitute_sample(step, before, lang):
    """A cost and its loss (the lectures), or a log-likelihood and its terms (p4)."""
    of_log = isinstance(step.lhs, sp.Derivative) and isinstance(step.lhs.expr, sp.log)
    return {"follows": WORDS[lang]["follows_log" if of_log else "follows"]}


def differentiate(step, before, lang):
    lhs = step.lhs
    return {"var": _text(lhs.variables[0]) if isinstance(lhs, sp.Derivative) else "w"}


def index_notation(step, before, lang):
    """A file that gives no explanation of its index form is explained by the index form
    itself, printed (never the file's own markup, sum_{i=1}^{N} X_{ij})."""
    explain = step.params.get("explain")
    text = explain.get(lang, explain.get("en", "")) if isinstance(explain, dict) else explain
    if text and not any(mark in str(text) for mark in ("\\", "sum_", "prod_")):
        return {}
    return {"explain": f"{_text(step.lhs)} = {_text(step.expr)}"}


VALUES = {f.__name__: f for f in (
    into_sum, constant_factor, quotient_rule, exponential_rule, recognise, linear, power_rule,
    power_chain, sign, substitute_sample,
    vectorize, entry_derivative, kronecker_delta, differentiate, index_notation)}


def values(step, before, lang):
    """The computed names of step's caption, as text."""
    compute = VALUES.get(step.rule)
    return compute(step, before, lang) if compute else {}
