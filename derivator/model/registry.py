"""The derivations the course covers, declared as the lectures declare them."""
import sympy as sp

from .functions import inner, sigmoid
from .lecture import Definition, Domain, Model

x, y, w, b, m = sp.symbols("x y w b m")
i = sp.Symbol("i")
X, Y = sp.IndexedBase("x"), sp.IndexedBase("y")
z, h, L, J = (sp.Function(n) for n in ("z", "h", "L", "J"))
p = sp.Symbol("p")   # the parameter of L that h(x) fills


def _bce():
    with sp.evaluate(False):
        loss = -y * sp.log(p) - (1 - y) * sp.log(1 - p)
        linear = w * x + b
    cost = sp.Mul(sp.Pow(m, -1), sp.Sum(L(Y[i], h(X[i])), (i, 1, m)), evaluate=False)
    return Model(
        name="bce",
        title={"en": "Binary cross-entropy: the gradient for logistic regression",
               "ko": "Binary cross-entropy: 로지스틱 회귀의 기울기"},
        definitions=(
            Definition(z, (x,), linear),
            Definition(h, (x,), sigmoid(z(x))),
            Definition(L, (y, p), loss),
            Definition(J, (w, b), cost),
        ),
        target=J(w, b), params=(w, b), sample_index=i, sample_count=m, samples=(X, Y),
        domains={Y: Domain(0, 1, integer=True), m: Domain(3, 3, integer=True)},
    )


def _mse():
    n, N, D = sp.symbols("n N D")
    yhat, J0 = sp.Function("yhat"), sp.Function("J_0")
    with sp.evaluate(False):
        loss = (y - p) ** 2
        linear = inner(x, w) + b
    cost = sp.Mul(sp.Pow(N, -1), sp.Sum(J0(Y[n], yhat(X[n])), (n, 1, N)), evaluate=False)
    return Model(
        name="mse",
        title={"en": "Linear regression with squared error (lecture 7): the gradient",
               "ko": "제곱 오차 선형 회귀 (7강): 기울기"},
        definitions=(
            Definition(yhat, (x,), linear),
            Definition(J0, (y, p), loss),
            Definition(J, (w, b), cost),
        ),
        target=J(w, b), params=(w, b), sample_index=n, sample_count=N, samples=(X, Y),
        domains={N: Domain(4, 4, integer=True), D: Domain(3, 3, integer=True)},
        vectors=(x, w), data_matrix=(sp.MatrixSymbol("X", N, D), sp.MatrixSymbol("y", N, 1),
                                     sp.MatrixSymbol("w", D, 1)),
        notes={"en": "The lecture writes ŷ = Xᵀ·w + b with Xᵀ the matrix whose rows are the "
                     "samples; with X (N×D) holding the samples as rows, as here, ŷ = Xw + b𝟙.",
               "ko": "강의는 샘플을 행으로 갖는 행렬을 Xᵀ로 써서 ŷ = Xᵀ·w + b라고 했다. 여기서는 "
                     "샘플을 행으로 갖는 N×D 행렬을 X로 쓰므로 ŷ = Xw + b𝟙이다."},
    )


def _sigmoid():
    return Model(
        name="sigmoid",
        title={"en": "The sigmoid's derivative by the quotient rule",
               "ko": "몫의 미분법으로 구하는 sigmoid의 미분"},
        definitions=(), target=sigmoid(sp.Symbol("x")), params=(sp.Symbol("x"),),
    )


BUILDERS = {"bce": _bce, "sigmoid": _sigmoid, "mse": _mse}
_built = {}


def catalog():
    """The names of the derivations `show` knows."""
    return list(BUILDERS)


def get_model(name):
    if name not in BUILDERS:
        raise KeyError(name)
    if name not in _built:
        _built[name] = BUILDERS[name]()
    return _built[name]
