"""What a student may type as an answer: the one place it is written down. `check --help`,
`derivator check --syntax` and the README's section are all made from GUIDE, and the
tests read every example here with the reader, so the guide cannot promise what the
reader does not do.
"""

# (what, examples): each example is read by tests/test_answer_parser.py
GUIDE = [
    ("Names: the problem's own, plain or bold; one-letter names may run together",
     ["X w", "Xw", r"\mathbf{X}^\top \mathbf{w}", "𝐗ᵀ𝐰", r"\boldsymbol{x}_{i}", "w_t",
      r"\vec{w}", "eta", r"\eta", "η"]),
    ("Transposes and inverses",
     ["X^T", "X^{T}", r"X^\top", r"X^\intercal", r"X^{\mathrm{T}}", "Xᵀ", "X'", "X.T",
      "transpose(X)", "X^{-1}", "X⁻¹", "inv(X)"]),
    ("Products, powers and fractions",
     ["2X^T", "(X^TX)^{-1}X^Ty", r"2 \cdot X", "X @ w", "3 (X^2)^T", "X²", "k X^{k-1}",
      r"\frac{1}{2}", "1/2 x", "(a/2) x"]),
    ("Functions (of a vector: entry by entry)",
     [r"\sigma\left(X w\right)", "sigmoid(X w)", r"\sigma'(z)", r"\sigma^\prime(z)",
      r"\tanh(z)", r"\exp(-z)", "e^{-z}", r"\ln(x)", r"\operatorname{tr}(X)", r"\sqrt{x}",
      r"f(\mathbf{x}_i; \mathbf{w})", "relu(z)", "softplus(z)", "H(z)", "softmax(z)"]),
    ("Matrices built from vectors, entry-by-entry powers, the identity (its size is its "
     "neighbour's)",
     ["diag(v)", "v^∘2", r"v^{\circ 2}", r"(\lambda I + X^TX)^{-1}X^Ty", r"\mathbb{I}"]),
    ("Sums over samples or indices (a sum covers the product after it)",
     [r"\sum_{i=1}^{N} (f(x_i) - y_i) x_i", r"\sum_i x_i", "Σ_{i=1}^{N} xᵢ",
      "sum((f(x_i) - y_i) x_i, i=1..N)", r"\langle a, b \rangle", r"a \cdot b", r"a \odot b"]),
    ("A left-hand side naming what is asked (read, checked and dropped)",
     [r"w_{t+1} = w_t - \eta g", r"\mathbf{w}^* = (X^TX)^{-1}X^Ty",
      r"\frac{\partial f}{\partial \mathbf{X}} = 2X^T", "df/dX = 2X^T",
      r"\nabla_{\mathbf{w}} f = (X + X^T) w", "w^{(t+1)} = w^{(t)} - η g"]),
    ("Entries, where the problem's answer is a matrix or a vector",
     ["B_{ij}", "2X_{ji}", "[(X + X^T)w]_k", r"\sum_j (X_{kj} + X_{jk}) w_j",
      r"\frac{\partial L}{\partial h_k} = (g - y) g (1 - g) w_{2,k}"]),
    ("Other dialects, chosen by what the text contains and said in 'read as': code from a "
     "notebook (Python's ast, never run: * and ** entrywise, @ a matrix product), Word's "
     "linear format, MathType's TeX, prose around the formula (set aside)",
     ["X.T @ (sigmoid(X @ w) - y) + 2*w", "np.linalg.solve(X.T @ X, X.T @ y)",
      "w - lr * grad", "∑_(i=1)^N▒〖(f(x_i)−y_i) x_i〗", "w_(2,j)", r"{\bf X}^{\rm T}",
      "답: 2X^T", "따라서 ∂f/∂X = 2X^T 이다", r"A w, \text{where } A = X + X^T",
      r"(X + X^T) w \in \mathbb{R}^{D}"]),
    ("Wrapping and decoration, ignored",
     ["$2X^T$", "$$2X^T$$", r"\[ 2X^T \]", r"\boxed{2X^T}", r"\displaystyle 2X^T",
      r"2X^T \quad \text{(by the product rule)}", "2X^T.", r"2\,X^T % a comment"]),
]

NOT_READ = [
    "`a/2 x` is ambiguous: write (a/2) x or a/(2 x)",
    "a name the problem does not declare is an error that names it (never a guess)",
    "an index outside its range (x_0, x_{N+1}) is an error, never a wrap-around",
    "nothing typed is ever run as code",
]


def as_text():
    """For the terminal: `check --syntax` and `check --help`."""
    lines = ["What an answer may look like (plain text or LaTeX, as in your notes):", ""]
    for what, examples in GUIDE:
        lines.append(f"  {what}:")
        lines.append("      " + "    ".join(examples))
    lines += ["", "Not read:"] + [f"  - {s.replace('`', '')}" for s in NOT_READ]
    return "\n".join(lines) + "\n"


def as_markdown():
    """For the README, between its `<!-- syntax -->` markers (a test keeps them equal)."""
    lines = []
    for what, examples in GUIDE:
        lines.append(f"- {what}: " + ", ".join(f"`{e}`" for e in examples))
    lines.append("- Not read: " + "; ".join(NOT_READ) + ".")
    return "\n".join(lines) + "\n"


def examples():
    return [e for _, group in GUIDE for e in group]
