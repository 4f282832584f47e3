"""bce --route ez: the BCE gradient through e^z forms, per weight w_j
(../shared/reference/notes_bce_vectorized.md), in the notes' letters: n samples, m
features, b(z) = 1/(1 + e^(-z)) the sigmoid, z = Σ_k w_k x_k + b.

    ∂L/∂w_j = -y (1/b) ∂b/∂z ∂z/∂w_j - (1 - y) (1/(1 - b)) ∂(1 - b)/∂z ∂z/∂w_j
    ∂b/∂z = e^z/(1 + e^z)²;  (1/b) ∂b/∂z = 1/(1 + e^z);  (1/(1 - b)) ∂(1 - b)/∂z = -e^z/(1 + e^z)
    ... = b(z) - y, so ∂L/∂w_j = (b(z) - y) x_j, and over the data (1/n)(b(z) - y) X.
"""
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from ...steps import rewrites
from ...steps.algebra import factors_of, product, replace_exact, terms_of, tidy, total, transform
from ...model.functions import sigmoid
from ...model.lecture import Definition, Model
from ...steps.rules import RULES, ConstantFactor, Context, D, EntryRule, IntoSum, SumRule
from . import algebra
from .base import RouteEngine, note
from .explicit import World
from .rules import Itself, LogChainThrough

n, m = sp.symbols("n m")                  # the notes' letters: n samples, m features
i, j, k = sp.symbols("i j k")
y, z, bias, eta, t, p = sp.symbols("y z b eta t p")
W, Xc, Y, Z = (sp.IndexedBase(s) for s in "wxyz")   # w_k; x_k and x_k⁽ⁱ⁾; y⁽ⁱ⁾; z⁽ⁱ⁾
w = sp.Symbol("w")
b, L, J = sp.Function("b"), sp.Function("L"), sp.Function("J")
W_next, b_next = sp.IndexedBase("w'"), sp.Symbol("b'")
X_rows = sp.MatrixSymbol("X", n, m)
y_row, z_row, w_row = sp.MatrixSymbol("y", 1, n), sp.MatrixSymbol("z", 1, n), \
    sp.MatrixSymbol("w", 1, m)

SIGMOID = sp.Lambda(t, 1 / (1 + sp.exp(-t)))
# ∂z/∂w_j entry by entry, as the index notation does it: w_k depends on w_j only when k = j
INDEX_RULES = (Itself(), SumRule(), IntoSum(), ConstantFactor(), EntryRule())


def _loss(label, prob):
    with sp.evaluate(False):
        return -label * sp.log(prob) - (1 - label) * sp.log(1 - prob)


def _linear(sample=None):
    entry = Xc[k] if sample is None else Xc[sample, k]
    return total(sp.Sum(product(W[k], entry), (k, 1, m)), bias)


# Where the notes slip: 1/(1 + e^z) written for b(z) = 1/(1 + e^(-z)), twice.
SLIP_B = note(" The notes write 1/(1/(1 + e^z)) here, a slip: b(z) = 1/(1 + e^(-z)), so "
              "1/b(z) = 1 + e^(-z), as their next line has.",
              " 노트는 여기서 1/(1/(1 + e^z))라고 썼는데 실수다: b(z) = 1/(1 + e^(-z))이므로 "
              "1/b(z) = 1 + e^(-z)이고, 노트의 다음 줄도 그렇다.")
SLIP_ONE_MINUS_B = note(" The notes write 1 - 1/(1 + e^z) here, a slip: 1 - b(z) = "
                        "1 - 1/(1 + e^(-z)) = e^(-z)/(1 + e^(-z)), as their next line has.",
                        " 노트는 여기서 1 - 1/(1 + e^z)라고 썼는데 실수다: 1 - b(z) = "
                        "1 - 1/(1 + e^(-z)) = e^(-z)/(1 + e^(-z))이고, 노트의 다음 줄도 그렇다.")


def world():
    cost = product(sp.Pow(n, -1), sp.Sum(L(Y[i], b(Z[i])), (i, 1, n)))
    return World(
        functions={b: SIGMOID, L: sp.Lambda((y, p), _loss(y, p)),
                   J: sp.Lambda((w, bias), cost)},
        names={z: _linear(), Z: sp.Lambda(i, _linear(i)),
               z_row: sp.MatAdd(sp.MatMul(w_row, sp.Transpose(X_rows)),
                                sp.MatMul(bias, sp.OneMatrix(1, n))),
               W_next: sp.Lambda(j, W[j] - eta * D(J(w, bias), W[j])),
               b_next: bias - eta * D(J(w, bias), bias)},
        matrices={X_rows: (Xc, "rows"), y_row: (Y, "row"), w_row: (W, "row")},
        labels={y: (0, 1)}, domains={eta: (0.01, 0.5)},
        sizes=({n: 4, m: 3}, {n: 3, m: 5}), free={j: m})


def model():
    return Model(
        name="bce", samples=(Xc, Y), sample_index=i, sample_count=n, params=(W[j], bias),
        title={"en": "Binary cross-entropy through e^z forms, per weight w_j, to (1/n)(b(z) - y)X",
               "ko": "e^z 꼴로 구하는 binary cross-entropy의 기울기: w_j마다, (1/n)(b(z) - y)X까지"},
        definitions=(Definition(b, (t,), SIGMOID(t)), Definition(L, (y, p), _loss(y, p))),
        target=J(w, bias), sample_style="subscript",
        notes={"en": "The notes' letters: n samples and m features (the lecture has m "
                     "samples); x_ij is feature j of sample i (the notes' x_j⁽ⁱ⁾), y_i and z_i "
                     "sample i's label and z; b(z) = σ(z) is the sigmoid, and b is also the "
                     "bias, as in the notes. The notes call the mean L(w, b); here it is "
                     "J(w, b), as in the lecture, and L is the loss of one sample.",
               "ko": "노트의 문자를 따른다: 샘플 n개, 특성 m개 (강의는 샘플이 m개). x_ij는 샘플 i의 "
                     "j번째 특성 (노트의 x_j⁽ⁱ⁾), y_i와 z_i는 샘플 i의 레이블과 z. b(z) = σ(z)는 "
                     "시그모이드이고, 노트처럼 b는 편향이기도 하다. 노트는 평균을 L(w, b)라 부르지만 "
                     "여기서는 강의처럼 J(w, b)로 쓰고, L은 샘플 하나의 손실이다."})


def _at_sample(expr):
    """One sample's letters as sample i's: y -> y⁽ⁱ⁾, z -> z⁽ⁱ⁾, x_j -> x_j⁽ⁱ⁾."""
    def one(e):
        if e == y:
            return Y[i]
        if e == z:
            return Z[i]
        if isinstance(e, sp.Indexed) and e.base == Xc and len(e.indices) == 1:
            return Xc[i, e.indices[0]]
        return None
    return transform(expr, one)


def _row_vector(expr):
    """(1/n) Σ_i r⁽ⁱ⁾ x_j⁽ⁱ⁾ for every j = (1/n) (r⁽¹⁾, …, r⁽ⁿ⁾) X: the sum over samples read
    as a row vector times the data matrix (rows are samples)."""
    coeff = [f for f in sp.Mul.make_args(expr) if not isinstance(f, sp.Sum)]
    s = next(f for f in sp.Mul.make_args(expr) if isinstance(f, sp.Sum))
    r = product(*[f for f in sp.Mul.make_args(s.function) if f != Xc[i, j]])

    def row(e):
        if e == Y[i]:
            return y_row
        if isinstance(e, sp.Add):
            return sp.MatAdd(*[row(a) for a in e.args], evaluate=False)
        if isinstance(e, sp.Mul):
            c, rest = e.as_coeff_Mul()
            return sp.MatMul(c, row(rest), evaluate=False)
        if isinstance(e, sp.Function) and e.args == (Z[i],):
            return ElementwiseApplyFunction(e.func, z_row)
        raise ValueError(f"{e} is not a function of sample i")
    return sp.MatMul(*coeff, row(r), X_rows, evaluate=False)


def _replace_products(expr, mapping):
    """Replace a product of factors met inside the terms of a sum by its value:
    -y (1/b) ∂b/∂z with (1/b) ∂b/∂z = 1/(1 + e^z) is -y (1/(1 + e^z))."""
    out = []
    for term in terms_of(expr):
        fs = factors_of(term)
        for group, value in mapping.items():
            needed = factors_of(group)
            if all(f in fs for f in needed):
                for f in needed:
                    fs.remove(f)
                fs.append(value)
        out.append(product(*fs))
    return total(*out)


def _substitute_derivatives(expr, values):
    """Derivatives first (their insides hold what else is substituted), then the rest."""
    derivs = {d: v for d, v in values.items() if isinstance(d, sp.Derivative)}
    others = {a: v for a, v in values.items() if not isinstance(a, sp.Derivative)}
    return tidy(replace_exact(replace_exact(expr, derivs), others))


def derive():
    engine = RouteEngine(model(), W[j])
    emit, rewrite = engine.emit, engine.rewrite
    at_w = Context(W[j], frozenset({b}))
    at_z = Context(z, frozenset({b}))
    # --- B. one sample: the chain rule through b(z) and z ------------------------------
    one = L(y, b(z))
    lhs = D(one, W[j])
    expr = emit("ez_loss", lhs, D(_loss(y, b(z)), W[j]), "definition", name=one)
    expr = engine.apply_rules(expr, lhs, "ez_loss", at_w, (SumRule(), ConstantFactor()))
    expr = engine.apply_rules(expr, lhs, "ez_loss", at_w, (LogChainThrough(through=z),))
    dz = D(z, W[j])
    bracket_expr, params = rewrites.factor_out(expr, dz)
    expr = emit("ez_loss", lhs, bracket_expr, "factor_out", **params)
    bracket = product(*[f for f in factors_of(expr) if f != dz])
    # --- C. ∂b/∂z through e^z ------------------------------------------------------------
    db = D(b(z), z)
    side = emit("ez_lemma", db, D(SIGMOID(z), z), "definition", name=b(z))
    side = rewrite("ez_lemma", db, side, "times_exponential",
                   algebra.in_derivative(algebra.clear_negative_exponent))
    side = rewrite("ez_lemma", db, side, "divide_out", algebra.in_derivative(algebra.divide_out))
    lemma = engine.apply_rules(side, db, "ez_lemma", Context(z), RULES)
    # --- Q. the two quotients -------------------------------------------------------------
    quotients = {}
    for g, slip in ((b(z), SLIP_B), (total(1, product(-1, b(z))), SLIP_ONE_MINUS_B)):
        q = product(sp.Pow(g, -1), D(g, z))
        expr = engine.apply_rules(q, q, "ez_quotients", at_z, (SumRule(),))  # ∂(1 - b) = -∂b
        expr = emit("ez_quotients", q, _substitute_derivatives(
            expr, {db: lemma, b(z): SIGMOID(z)}), "substitute_both", what=[b(z), db], note=slip)
        for rule, step in (("invert_reciprocal", algebra.invert_reciprocal),
                           ("multiply_out", algebra.multiply_out_negative_exponents),
                           ("cancel_common", algebra.cancel_common)):
            expr = rewrite("ez_quotients", q, expr, rule, step)
        quotients[q] = expr
    # --- R. combined: b(z) - y ---------------------------------------------------------------
    expr = emit("ez_combined", bracket, _replace_products(bracket, quotients),
                "substitute", what=list(quotients))
    expr = rewrite("ez_combined", bracket, expr, "collect_label", algebra.collect_label, y,
                   label=y)
    expr = rewrite("ez_combined", bracket, expr, "to_negative_exponent",
                   algebra.to_negative_exponent)
    residual = rewrite("ez_combined", bracket, expr, "fold_definition", algebra.fold_definition,
                       model().definition(b), name=b(z))
    # --- D. back to ∂L/∂w_j, and likewise ∂L/∂b -------------------------------------------------
    per_sample = {}
    for var, ctx in ((W[j], at_w), (bias, Context(bias, frozenset({b})))):
        lhs_v = D(one, var)
        expr = emit("back", lhs_v, product(residual, D(z, var)),
                    "substitute" if var == W[j] else "likewise", what=bracket, var=var)
        expr = emit("back", lhs_v, replace_exact(expr, {D(z, var): D(_linear(), var)}),
                    "substitute_definition", name=z, body=_linear())
        expr = engine.apply_rules(expr, lhs_v, "back", ctx, INDEX_RULES)
        per_sample[var] = engine.simplify(expr, lhs_v, "back")
    # --- M. the mean over the n samples -------------------------------------------------------
    cost = J(w, bias)
    gradients = {}
    for var in (W[j], bias):
        lhs_v = D(cost, var)
        mean = product(sp.Pow(n, -1), sp.Sum(L(Y[i], b(Z[i])), (i, 1, n)))
        expr = emit("ez_mean", lhs_v, D(mean, var), "definition", name=cost)
        expr = engine.apply_rules(expr, lhs_v, "ez_mean", Context(var), (RULES[0],))
        gradients[var] = emit("ez_mean", lhs_v, tidy(replace_exact(
            expr, {D(L(Y[i], b(Z[i])), var): _at_sample(per_sample[var])})), "substitute_sample")
    # --- G. the update ---------------------------------------------------------------------------
    for now, after in ((W[j], W_next[j]), (bias, b_next)):
        emit("update", after, total(now, product(-1, eta, D(cost, now))), "gradient_descent",
             rate=eta)
        emit("update", after, total(now, product(-1, eta, gradients[now])), "substitute",
             what=D(cost, now))
    # --- V. vectorized: the samples as the rows of X --------------------------------------------
    row = D(cost, w_row)
    expr = emit("ez_vector", row, _row_vector(gradients[W[j]]), "row_vector")
    expr = emit("ez_vector", row, replace_exact(expr, {z_row: world().names[z_row]}),
                "substitute_definition", name=z_row, body=world().names[z_row])
    expr = emit("ez_vector", row, sp.Transpose(algebra.transpose_through(expr)), "transpose_form")
    lecture = transform(expr, lambda e: ElementwiseApplyFunction(sigmoid, e.expr)
                        if isinstance(e, ElementwiseApplyFunction) else None)
    emit("ez_vector", row, lecture, "sigmoid_is_b")
    return engine.derivation("bce", gradients[W[j]], world(), result_lhs=D(cost, W[j]),
                             wrt=sp.Symbol("w_j"))
