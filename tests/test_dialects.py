"""Answers in every dialect (tests/data/dialect_corpus.txt): code, prose in Korean and
English, Word's linear format, MathType's TeX, where-clauses. Each row names what the
answer means; here that meaning is computed with NumPy and compared with the problem's
own gradient by finite differences at random points (non-square, non-symmetric, two
sizes), which gives the verdict the checker must reach. Asserted: at least 95 % exact
verdicts and no wrong answer accepted."""
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import derivator
from corpora import working_blocks

CORPUS = Path(__file__).resolve().parent / "data" / "dialect_corpus.txt"
H = 1e-6


def sig(z):
    return 1 / (1 + np.exp(-z))


def fd(f, x):
    """Central differences of the scalar f at the array x, entry by entry."""
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = H
        g[idx] = (f(x + e) - f(x - e)) / (2 * H)
    return g


def point(problem, rng, size):
    """Random values for a problem's names: vectors are columns, X is never symmetric."""
    N, D, M = 3 + size, 2 + size, 2 + size
    v = SimpleNamespace(N=N, D=D, M=M)
    v.X = rng.normal(size=(N, D)) if problem in ("p2", "p3", "p4") else rng.normal(size=(D, D))
    v.w = rng.normal(size=(D, 1)) * 0.5
    v.eta = rng.uniform(0.05, 0.4)
    v.k = int(rng.integers(2, 6))
    v.A, v.B = rng.normal(size=(D, D)), rng.normal(size=(D, D))
    v.y = rng.integers(0, 2, size=(N, 1)).astype(float)
    if problem == "p3":
        v.y = 2 * v.y - 1
        v.f = np.tanh(v.X @ v.w / 2)
    if problem == "p4":
        v.y = rng.normal(size=(N, 1))
        v.sigma = rng.uniform(0.5, 2)
    v.x, v.yy = rng.normal(size=D), float(rng.integers(0, 2))
    v.xs, v.ys = rng.normal(size=(N, D)), rng.integers(0, 2, size=N).astype(float)
    v.w0, v.w1, v.w2 = rng.normal(size=(M, D)), rng.normal(size=(D, M)), rng.normal(size=D)
    return v


def network(v, x, w1=None):
    """h, g and the pieces of problem 7's network at one sample."""
    w1 = v.w1 if w1 is None else w1
    z = sig(v.w0 @ x)
    s = sig(w1 @ z)
    h = x + s
    return SimpleNamespace(z=z, s=s, h=h, g=sig(v.w2 @ h))


def truth(problem, v):
    """The right answer by finite differences of the problem's function."""
    if problem == "p1a":
        return fd(lambda X: np.trace(X @ X), v.X)
    if problem == "p1b":
        return fd(lambda X: np.trace(X @ X @ X), v.X)
    if problem == "p1c":
        return fd(lambda X: np.trace(np.linalg.matrix_power(X, v.k)), v.X)
    if problem == "p2":
        def L(w):
            p = sig(v.X @ w)
            return float(np.sum(-v.y * np.log(p) - (1 - v.y) * np.log(1 - p)) + np.sum(w * w))
        return v.w - v.eta * fd(L, v.w)
    if problem == "p3":
        def L(w):
            f = (1 - np.exp(-v.X @ w)) / (1 + np.exp(-v.X @ w))
            return 0.5 * float(np.sum((f - v.y) ** 2))
        return v.w - v.eta * fd(L, v.w)
    if problem == "p5":
        return fd(lambda A: np.trace(A.T @ v.B), v.A)
    if problem == "p6":
        return fd(lambda w: float(np.sum(w * (v.X @ w))), v.w)
    if problem == "p7a":
        h = network(v, v.x).h
        return fd(lambda hh: 0.5 * (sig(v.w2 @ hh) - v.yy) ** 2, h)
    if problem == "p7b":
        def L(w1):
            return 0.5 * sum((network(v, x, w1).g - y) ** 2 for x, y in zip(v.xs, v.ys))
        return fd(L, v.w1)
    raise KeyError(problem)


def p4_right(v, w):
    """w maximises P when the gradient of ln P vanishes there (finite differences)."""
    def log_p(u):
        r = v.y - v.X @ u
        return float(-np.sum(r ** 2) / (2 * v.sigma ** 2))
    w = np.asarray(w, dtype=float)
    if w.shape != (v.X.shape[1], 1):
        return False
    return bool(np.allclose(fd(log_p, w), 0, atol=1e-5 * (1 + np.abs(w).max())))


def mp(X, k):
    return np.linalg.matrix_power(X, k)


def p7b_sum(v, factor):
    """Σ_i factor(network at x_i, y_i) as a D×M array of entries (d, m)."""
    total = 0
    for x, y in zip(v.xs, v.ys):
        total = total + factor(network(v, x), y)
    return total


def _p7b(v, pieces):
    return p7b_sum(v, lambda n, y: np.outer(pieces(n, y) * v.w2, n.z))


MEANINGS = {
    "p1a": {"right": lambda v: 2 * v.X.T, "plain": lambda v: 2 * v.X, "half": lambda v: v.X.T,
            "negative": lambda v: -2 * v.X.T, "symmetric": lambda v: v.X + v.X.T},
    "p1b": {"right": lambda v: 3 * (v.X @ v.X).T, "notransposed": lambda v: 3 * v.X @ v.X,
            "xtx": lambda v: 3 * v.X.T @ v.X, "two": lambda v: 2 * (v.X @ v.X).T,
            "cube": lambda v: 3 * mp(v.X, 3).T, "entrywise": lambda v: 3 * (v.X ** 2).T},
    "p1c": {"right": lambda v: v.k * mp(v.X, v.k - 1).T,
            "notransposed": lambda v: v.k * mp(v.X, v.k - 1),
            "power-k": lambda v: v.k * mp(v.X, v.k).T,
            "wrong-factor": lambda v: (v.k - 1) * mp(v.X, v.k - 1).T,
            "no-factor": lambda v: mp(v.X, v.k - 1).T},
    "p2": {"update": lambda v: v.w - v.eta * (v.X.T @ (sig(v.X @ v.w) - v.y) + 2 * v.w),
           "gradient": lambda v: v.X.T @ (sig(v.X @ v.w) - v.y) + 2 * v.w,
           "no-regulariser": lambda v: v.w - v.eta * v.X.T @ (sig(v.X @ v.w) - v.y),
           "ascent": lambda v: v.w + v.eta * (v.X.T @ (sig(v.X @ v.w) - v.y) + 2 * v.w),
           "reg-one": lambda v: v.w - v.eta * (v.X.T @ (sig(v.X @ v.w) - v.y) + v.w),
           "residual-flipped": lambda v: v.w - v.eta * (v.X.T @ (v.y - sig(v.X @ v.w))
                                                         + 2 * v.w),
           "mean": lambda v: v.w - v.eta * (v.X.T @ (sig(v.X @ v.w) - v.y) / v.N + 2 * v.w)},
    "p3": {"update": lambda v: v.w - v.eta / 2 * v.X.T @ ((v.f - v.y) * (1 - v.f ** 2)),
           "no-half": lambda v: v.w - v.eta * v.X.T @ ((v.f - v.y) * (1 - v.f ** 2)),
           "logistic": lambda v: v.w - v.eta * v.X.T @ ((v.f - v.y) * v.f * (1 - v.f)),
           "gradient": lambda v: 0.5 * v.X.T @ ((v.f - v.y) * (1 - v.f ** 2)),
           "ascent": lambda v: v.w + v.eta / 2 * v.X.T @ ((v.f - v.y) * (1 - v.f ** 2)),
           "no-derivative": lambda v: v.w - v.eta * v.X.T @ (v.f - v.y)},
    "p4": {"right": lambda v: np.linalg.solve(v.X.T @ v.X, v.X.T @ v.y),
           "twice": lambda v: 2 * np.linalg.solve(v.X.T @ v.X, v.X.T @ v.y),
           "xty": lambda v: v.X.T @ v.y,
           "variance": lambda v: v.sigma ** 2 * np.linalg.solve(v.X.T @ v.X, v.X.T @ v.y),
           "negative": lambda v: -np.linalg.solve(v.X.T @ v.X, v.X.T @ v.y)},
    "p5": {"right": lambda v: v.B, "transposed": lambda v: v.B.T, "a-itself": lambda v: v.A,
           "atb": lambda v: v.A.T @ v.B},
    "p6": {"right": lambda v: (v.X + v.X.T) @ v.w, "twice": lambda v: 2 * v.X @ v.w,
           "xw": lambda v: v.X @ v.w, "xtw": lambda v: v.X.T @ v.w,
           "row": lambda v: v.w.T @ (v.X + v.X.T), "entrywise": lambda v: (v.X + v.X.T) * v.w,
           "scalar": lambda v: v.w.T @ v.X @ v.w},
    "p7a": {"right": lambda v: _p7a(v, lambda g, y: (g - y) * g * (1 - g) * v.w2),
            "no-sigma-prime": lambda v: _p7a(v, lambda g, y: (g - y) * v.w2),
            "negative": lambda v: _p7a(v, lambda g, y: (y - g) * g * (1 - g) * v.w2),
            "no-weight": lambda v: _p7a(v, lambda g, y: (g - y) * g * (1 - g) + 0 * v.w2),
            "square": lambda v: _p7a(v, lambda g, y: (g - y) * g ** 2 * v.w2)},
    "p7b": {"right": lambda v: _p7b(v, lambda n, y: (n.g - y) * n.g * (1 - n.g) * n.s * (1 - n.s)),
            "no-sigma-prime": lambda v: _p7b(v, lambda n, y: (n.g - y) * n.g * (1 - n.g) + 0 * n.s),
            "half": lambda v: _p7b(v, lambda n, y: 0.5 * (n.g - y) * n.g * (1 - n.g) * n.s
                                   * (1 - n.s)),
            "negative": lambda v: _p7b(v, lambda n, y: -(n.g - y) * n.g * (1 - n.g) * n.s
                                       * (1 - n.s)),
            "no-output-derivative": lambda v: _p7b(v, lambda n, y: (n.g - y) * n.s * (1 - n.s))},
}


def _p7a(v, entries):
    return entries(network(v, v.x).g, v.yy)


def rows():
    out = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            problem, meaning, dialect, answer = re.split(r"\s*:::\s*", line.strip(), 3)
            out.append((problem, meaning, dialect, answer))
    return out


def expected(problem, meaning):
    """correct or incorrect, from NumPy and finite differences at two random points."""
    rng = np.random.default_rng(sum(map(ord, problem + meaning)))
    for size in (0, 1):
        v = point(problem, rng, size)
        got = MEANINGS[problem][meaning](v)
        if problem == "p4":
            if not p4_right(v, got):
                return "incorrect"
            continue
        want = truth(problem, v)
        got = np.asarray(got, dtype=float)
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-5, atol=1e-6):
            return "incorrect"
    return "correct"


def test_the_corpus_is_broad_and_half_wrong():
    corpus = rows()
    assert len(corpus) >= 200
    assert {r[0] for r in corpus} == set(MEANINGS)
    kinds = {r[2] for r in corpus}
    assert {"code", "prose-ko", "prose-en", "word", "mathtype", "where", "trailing"} <= kinds
    verdicts = [expected(p, m) for p, m, _, _ in corpus]
    assert 0.35 <= verdicts.count("incorrect") / len(verdicts) <= 0.65
    for problem in MEANINGS:                 # every problem has right and wrong answers
        assert {expected(p, m) for p, m, _, _ in corpus if p == problem} == \
            {"correct", "incorrect"}, problem


def test_the_meanings_right_answers_agree_with_finite_differences():
    # the independent side of the measurement: each problem's right meaning is right
    for problem, meanings in MEANINGS.items():
        key = "update" if "update" in meanings else "right"
        assert expected(problem, key) == "correct", problem


def test_every_dialect_is_judged_exactly():
    exact, accepted, misses, by_dialect = 0, [], [], {}
    corpus = rows()
    cache = {}
    for problem, meaning, dialect, answer in corpus:
        want = cache.setdefault((problem, meaning), expected(problem, meaning))
        verdict = derivator.check(problem, answer)
        ok = verdict.status == want
        exact += ok
        tally = by_dialect.setdefault(dialect, [0, 0])
        tally[0] += ok
        tally[1] += 1
        if want == "incorrect" and verdict.status == "correct":
            accepted.append((problem, answer))
        if not ok:
            misses.append(f"{problem} {answer!r}: want {want}, got {verdict.status}: "
                          f"{verdict.message}")
    print("\n".join(misses))
    print({d: f"{a}/{b}" for d, (a, b) in sorted(by_dialect.items())})
    print(f"exact: {exact}/{len(corpus)} = {exact / len(corpus):.1%}")
    assert not accepted
    assert exact / len(corpus) >= 0.95


WORKINGS = Path(__file__).resolve().parent / "data" / "working_corpus.txt"


def workings():
    return working_blocks(WORKINGS)


def test_workings_first_wrong_lines_are_found_and_right_workings_stay_right():
    from derivator.answers.judge.working import check_working
    corpus = workings()
    assert len(corpus) >= 30 and sum(f is None for _, f, _ in corpus) >= 10
    found, marked_wrong, misses = 0, [], []
    for problem, first, text in corpus:
        v = check_working(problem, text)
        found += v.first_wrong_line == first
        if first is None and v.first_wrong_line is not None:
            marked_wrong.append((problem, text, v.first_wrong_line))
        if v.first_wrong_line != first:
            misses.append(f"{problem}: want {first}, got {v.first_wrong_line}: {v.message}\n"
                          f"{text}")
        for row in v.lines:                     # the file's own line, and its text
            assert text.splitlines()[row["line"] - 1].strip(), row
    print("\n".join(misses))
    print(f"first wrong lines: {found}/{len(corpus)}")
    assert not marked_wrong
    assert found / len(corpus) >= 0.9


# --- single behaviours --------------------------------------------------------------------

def test_read_as_says_the_dialect_what_was_set_aside_and_what_was_guessed():
    v = derivator.check("p2", "w - lr * (X.T @ (sigmoid(X @ w) - y) + 2*w)")
    assert v.status == "correct" and "Python/NumPy code" in v.read_as
    assert "lr read as η" in v.read_as
    v = derivator.check("p1a", "따라서 ∂f/∂X = 2X^T 이다")
    assert v.status == "correct" and "set aside" in v.read_as and "따라서" in v.read_as
    v = derivator.check("p6", "(𝑋+𝑋^𝑇 )𝑤")
    assert v.status == "correct" and "Word's linear format" in v.read_as


def test_code_reads_star_as_numpy_does():
    # * is entrywise in NumPy: X * w of a matrix and a vector is not the product X w
    assert derivator.check("p6", "X @ w + X.T @ w").status == "correct"
    assert derivator.check("p6", "X * w + X.T * w").status != "correct"
    v = derivator.check("logistic-pm1", "-X.T @ (y * sigmoid(-y * (X @ w)))")
    assert v.status == "correct" and "⊙" in v.read_as


def test_a_product_of_two_same_shape_vectors_is_read_as_entrywise_and_flagged():
    right = derivator.check("logistic-pm1", r"-X^T (y \sigma(-y (X w)))")
    assert right.status == "correct" and "loose notation" in right.read_as
    assert right.guesses and all("entrywise" in g for g in right.guesses)
    wrong = derivator.check("logistic-pm1", r"X^T (y \sigma(-y (X w)))")     # sign
    assert wrong.status == "incorrect" and "loose notation" in wrong.read_as


def test_a_where_clause_and_statements_joined_by_a_semicolon_are_substituted():
    v = derivator.check("p6", r"A w, \text{where } A = X + X^\top")
    assert v.status == "correct" and "substituted: A = X + X^\\top" in v.read_as
    assert derivator.check("p6", r"A w, \text{where } A = X + X").status == "incorrect"
    assert derivator.check("p2", r"g = X^T(\sigma(Xw) - y) + 2w; \; w - \eta g").status == \
        "correct"


def test_another_problems_answer_is_incorrect_and_named():
    v = derivator.check("p1a", "(X + X^T) w")
    assert v.status == "incorrect" and "the answer to p6" in v.message
    v = derivator.check("p1b", "2X^T")
    assert v.status == "incorrect" and any("the answer to p1a" in n for n in v.notes)
    assert derivator.check("p1a", "(X + X^T) q").status == "unreadable"   # nobody's answer


@pytest.mark.parametrize("text, said", [
    ("a = b = X.T", "assignment chain"),
    ("import os", "import statement"),
    ("os.system('ls')", "os.system(…) is not a function"),
    ("X.T.foo", "attribute .foo"),
    ("__import__('os').getpid()", "not"),
    ("np.exp(X)(1)", "a call of a call"),
    ("X.T @ w if True else w", "if-expression"),
    ("9**9**9", "power inside an exponent"),
])
def test_code_that_is_not_an_expression_gets_one_line(text, said):
    v = derivator.check("p4", text)
    assert v.status == "unreadable" and said in v.message and "\n" not in v.message


def test_bad_input_is_one_line_and_exit_status_2(tmp_path):
    import subprocess
    import sys
    marker = tmp_path / "ran"
    for text in ["x" * 1_000_000, "(" * 10_000 + "X" + ")" * 10_000, "가a" * 990,
                 f"__import__('os').system('touch {marker}')", "for i in range(3): pass"]:
        run = subprocess.run([sys.executable, "-m", "derivator", "check", "p1a", "-"],
                             input=text, capture_output=True, text=True, timeout=60)
        assert run.returncode == 2 and run.stderr == "", text[:20]
        assert run.stdout.startswith("unreadable: ") and "Traceback" not in run.stdout
    assert not marker.exists()


# --- workings -------------------------------------------------------------------------------

def test_a_workings_lines_are_the_files_and_json_gives_their_text():
    from derivator.answers.judge.working import check_working
    text = "Step 1: f = w^T X w\n\n먼저 전개하면\nStep 2: \\frac{df}{dw} = X w + X^T w\n(3) = 2 X w"
    v = check_working("p6", text)
    assert [r["line"] for r in v.lines] == [1, 4, 5]         # blank and prose lines count
    assert v.first_wrong_line == 5 and v.lines[2]["text"] == "(3) = 2 X w"


def test_a_step_across_unreadable_lines_says_so_and_is_never_wrong_for_them():
    from derivator.answers.judge.working import check_working
    right = check_working("p6", "f = w^T X w\n\\frac{df}{dw} = X w + X^T w\n= X w @@ w\n"
                                "= (X + X^T) w")
    assert right.first_wrong_line is None
    assert "spans line 3" in right.lines[-1]["note"]
    unjudged = check_working("p6", "f = w^T X w\n\\frac{df}{dw} = X w + X^T w\n= X w @@ w\n"
                                   "= 2 X w")
    assert unjudged.first_wrong_line is None and unjudged.lines[-1]["status"] == "unreadable"
    assert "not judged" in unjudged.lines[-1]["note"]


def test_the_note_says_what_the_line_was_compared_with():
    from derivator.answers.judge.working import check_working
    own = check_working("p6", "\\frac{df}{dw} = 2 X w")
    assert "its own left-hand side ∂f/∂w" in own.lines[0]["note"]
    before = check_working("p6", "\\frac{df}{dw} = X w + X^T w\n= X^T w + X^T w")
    assert "the one before" in before.lines[1]["note"]


def test_read_as_never_shows_the_range_placeholder():
    from derivator.answers.judge.working import check_working
    v = check_working("p1b", "g = \\sum_i \\sum_j \\sum_m X_{ij} X_{jm} X_{mi}\n"
                             "\\frac{\\partial g}{\\partial X_{kl}} = 3 \\sum_m X_{lm} X_{mk}")
    assert all("range" not in r["read_as"] for r in v.lines)
    assert "Σ_m" in v.lines[1]["read_as"]
