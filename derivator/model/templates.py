"""Commented problem files to start from: `derivator new loss|matrix|likelihood FILE`.
Each derives and verifies as it is (the tests lint them)."""

LOSS = '''\
# A loss over a data set, differentiated by its parameters (derivator new loss).
# Every expression is read by derivator's own grammar: + - * / ^, juxtaposition
# (2 w), wᵀx written w^T x, sum(body, i=1..N), exp, log, sqrt, sigmoid, tanh,
# softplus, relu. See docs/problem-files.md for every key.
title = "Logistic regression with a bias: the mean cross-entropy"
strategy = "loss"

# Every name with its kind (matrix, vector, scalar, size) and shape.
[names]
X = { kind = "matrix", shape = ["N", "D"], description = "the data, row i is x_iᵀ" }
x_i = { kind = "vector", shape = ["D"], sample = "x", rows_of = "X" }
y = { kind = "vector", shape = ["N"], domain = [0, 1], integer = true }
y_i = { kind = "scalar", sample = "y", rows_of = "y", domain = [0, 1], integer = true }
w = { kind = "vector", shape = ["D"] }
b = { kind = "scalar" }
N = { kind = "size", check = [4] }          # the sizes the steps are checked at
D = { kind = "size", check = [3] }

# The definitions, innermost first: the hypothesis, the loss of one sample, the cost.
[[definitions]]
name = "f"
params = ["x"]
body = "sigmoid(w^T x + b)"

[[definitions]]
name = "L_i"
params = ["y", "p"]
body = "-y log(p) - (1 - y) log(1 - p)"

[[definitions]]
name = "L"
params = ["w", "b"]
body = "(1/N) sum(L_i(y_i, f(x_i)), i=1..N)"

# What is differentiated (target) by what (wrt: the first is the default of --wrt).
[derive]
target = "L"
wrt = ["w", "b"]
samples = ["x", "y"]      # the names that carry the sample index
index = "i"
count = "N"
'''

MATRIX = '''\
# A scalar function of a matrix, derived in index notation (derivator new matrix).
# The matrices need not be square: A is P×M, X is M×R, B is R×P.
title = "d/dX tr(AXB)"
strategy = "index"

[names]
A = { kind = "matrix", shape = ["P", "M"] }
X = { kind = "matrix", shape = ["M", "R"] }
B = { kind = "matrix", shape = ["R", "P"] }
P = { kind = "size", check = [2, 3] }       # checked at two sizes each
M = { kind = "size", check = [3, 4] }
R = { kind = "size", check = [2, 4] }

[function]
name = "f"
matrix = "tr(A X B)"                         # the function in matrix form
# the same as a sum over indices (index letters: i j m n a b c d k l)
index = "sum_{i=1}^{P} sum_{j=1}^{M} sum_{n=1}^{R} A_{ij} X_{jn} B_{ni}"
explain.en = "tr(AXB) = Σ_i (AXB)_ii = Σ_i Σ_j Σ_n A_ij X_jn B_ni"
explain.ko = "tr(AXB) = Σ_i (AXB)_ii = Σ_i Σ_j Σ_n A_ij X_jn B_ni"

[derive]
wrt = "X"
entry = ["k", "l"]        # the entry ∂f/∂X_kl that is derived first
'''

LIKELIHOOD = '''\
# Maximum likelihood (derivator new likelihood): the log of a product of densities,
# its gradient, set to zero and solved for the parameter.
title = "Gaussian maximum likelihood for a linear model"
strategy = "likelihood"

[names]
X = { kind = "matrix", shape = ["N", "D"] }
x_i = { kind = "vector", shape = ["D"], sample = "x", rows_of = "X" }
y = { kind = "vector", shape = ["N"] }
y_i = { kind = "scalar", sample = "y", rows_of = "y" }
w = { kind = "vector", shape = ["D"] }
s = { kind = "scalar", domain = [0.5, 2.0], description = "the noise's standard deviation" }
N = { kind = "size", check = [5] }
D = { kind = "size", check = [3] }

[[definitions]]
name = "f"
params = ["x"]
body = "w^T x"

[[definitions]]
name = "P"
params = ["w"]
body = "prod(exp(-(y_i - f(x_i))^2/(2 s^2))/sqrt(2 pi s^2), i=1..N)"

[derive]
target = "P"
wrt = "w"
samples = ["x", "y"]
index = "i"
count = "N"
'''

TEMPLATES = {"loss": LOSS, "matrix": MATRIX, "likelihood": LIKELIHOOD}
