"""The algebra between differentiation rules, as the lecture does it: one function per
named rewrite. Each takes the expression and returns (new expression, params), or None
when it does not apply or would not make the expression simpler."""
import sympy as sp

from .algebra import (canonical, factors_of, product, rebuild, replace_exact,
                      split_coefficient, terms_of, total)


def _ops(expr):
    return sp.count_ops(canonical(expr))


def _first_bracket(factors):
    """The first sum among the factors: the bracket the lecture works on."""
    return next((f for f in factors if isinstance(f, sp.Add)), None)


def factor_out(expr, derivative):
    """a ∂f + b ∂f = (a + b) ∂f."""
    terms = terms_of(expr)
    if len(terms) < 2 or not all(derivative in factors_of(t) for t in terms):
        return None
    coeffs = []
    for t in terms:
        fs = factors_of(t)
        fs.remove(derivative)
        coeffs.append(product(*fs))
    return product(total(*coeffs), derivative), {"f": derivative}


def cancel_into_bracket(expr):
    """(a/f + b/g) f g ∂z = (a g + b f) ∂z: multiply the bracket out term by term and cancel."""
    fs = factors_of(expr)
    bracket = _first_bracket(fs)
    if bracket is None:
        return None
    reciprocals = {g.base for t in terms_of(bracket) for g in factors_of(t)
                   if isinstance(g, sp.Pow) and g.exp == -1}
    others = [f for f in fs if f is not bracket and f in reciprocals]   # what cancels
    if not others:
        return None
    new_terms = [sp.Mul(t, *others) for t in terms_of(bracket)]
    new_bracket = total(*new_terms)
    if _ops(new_bracket) >= _ops(product(bracket, *others)):
        return None
    kept = [f for f in fs if f is not bracket and f not in others]
    return product(new_bracket, *kept), {"factors": others}


def _distribute(term):
    """Multiply out one product of sums, left to right, keeping the written order."""
    partial = [sp.Integer(1)]
    for f in factors_of(term):
        parts = terms_of(f) if isinstance(f, sp.Add) else [f]
        partial = [sp.Mul(p, q) for p in partial for q in parts]
    return partial


def expand_bracket(expr):
    """(a (b + c) + (d + e) f) ∂z = (a b + a c + d f + e f) ∂z, if it leads somewhere simpler."""
    fs = factors_of(expr)
    bracket = _first_bracket(fs)
    if bracket is None:
        return None
    if not any(isinstance(g, sp.Add) for t in terms_of(bracket) for g in factors_of(t)):
        return None
    expanded = [p for t in terms_of(bracket) for p in _distribute(t)]
    if _ops(sp.Add(*expanded)) >= _ops(bracket):   # expanding only pays if terms cancel
        return None
    new = total(*expanded)
    return product(*[new if f is bracket else f for f in fs]), {}


def collect_terms(expr):
    """Add like terms: -y + y h + h - y h = h - y."""
    fs = factors_of(expr)
    bracket = _first_bracket(fs)
    if bracket is None:
        return None
    collected = sp.Add(*terms_of(bracket))
    if len(terms_of(collected)) >= len(terms_of(bracket)):
        return None
    new = ordered_sum(collected)
    return product(*[new if f is bracket else f for f in fs]), {}


def ordered_sum(expr):
    """Write a sum as a person would: positive terms first, functions before constants."""
    terms = terms_of(expr)
    terms.sort(key=lambda t: (split_coefficient(t)[0].is_negative is True,
                           not t.atoms(sp.Function)))
    return total(*terms)


# The side derivation of a function f = 1/g whose derivative came out as N/g²
# (the sigmoid, section C of the lecture): write N/g² in terms of f itself.

def reciprocal_form(expr, definition_body, var):
    """(N, g) when expr = N/g² and the definition is 1/g with N - g free of var."""
    if not (isinstance(definition_body, sp.Pow) and definition_body.exp == -1):
        return None
    g = definition_body.base
    fs = factors_of(expr)
    dens = [f for f in fs if isinstance(f, sp.Pow) and f.exp == -2 and f.base == g]
    if len(dens) != 1:
        return None
    numerator = product(*[f for f in fs if f is not dens[0]])
    c = sp.expand(canonical(numerator) - g)
    if c.has(var) or c == 0:
        return None
    return numerator, g, c


def add_and_subtract(g, c):
    """N/g² = (g + (N - g))/g²: add and subtract to make the denominator appear on top."""
    return product(total(g, c), sp.Pow(g, -2, evaluate=False)), {"c": abs(c)}


def split_fraction(g, c):
    """(g + c)/g² = g/g² + c/g²."""
    den = sp.Pow(g, -2, evaluate=False)
    return total(product(g, den), product(c, den)), {}


def cancel_fraction(g, c):
    """g/g² + c/g² = 1/g + c (1/g)²."""
    inv = sp.Pow(g, -1, evaluate=False)
    return total(inv, product(c, sp.Pow(inv, 2, evaluate=False))), {"factors": [g]}


def recognise(g, c, app):
    """1/g is the function itself: 1/g + c (1/g)² = f + c f²."""
    return total(app, product(c, sp.Pow(app, 2, evaluate=False))), {"function": app}


def factor_function(g, c, app):
    """f + c f² = f (1 + c f)."""
    return product(app, total(1, product(c, app))), {"function": app}


def constant_out_of_sum(expr):
    """(1/N) Σ c f = (c/N) Σ f: a number in every term moves out of the sum."""
    fs = factors_of(expr)
    sums = [f for f in fs if isinstance(f, sp.Sum)]
    if len(sums) != 1:
        return None
    s = sums[0]
    coeff, rest = split_coefficient(s.function)
    if coeff == 1:
        return None
    new = [sp.Sum(rest, *s.limits) if f is s else f for f in fs]
    return product(coeff, *new), {"c": coeff}


def vectorize(expr, model):
    """(c/N) Σ_n x⁽ⁿ⁾ r⁽ⁿ⁾ = (c/N) Xᵀ r over the data matrix X whose rows are x⁽ⁿ⁾ᵀ
    (and (c/N) 𝟙ᵀ r when no sample vector multiplies r); other terms (2w) as they are.
    None if some part is not a matrix expression of the samples."""
    if not model.data_matrix:
        return None
    parts = [_vector_term(t, model) for t in terms_of(expr)]
    if any(p is None for p in parts) or not any(t.has(sp.Sum) for t in terms_of(expr)):
        return None
    return (parts[0] if len(parts) == 1 else sp.MatAdd(*parts, evaluate=False)), {}


def _vector_term(term, model):
    X, Y, W = model.data_matrix
    N = X.shape[0]
    fs = factors_of(term)
    sums = [f for f in fs if isinstance(f, sp.Sum)]
    outside = [f for f in fs if not isinstance(f, sp.Sum)]
    if not sums:                                      # 2w, λw: the weight vector, scaled
        coeff, rest = split_coefficient(term)
        scalars = [f for f in factors_of(rest) if f != sp.Symbol(W.name)]
        if len(scalars) == len(factors_of(rest)) or any(f.has(*model.samples) for f in scalars):
            return None
        coeff = product(coeff, *scalars)
        return W if coeff == 1 else sp.MatMul(coeff, W, evaluate=False)
    s = sums[0]
    n = s.limits[0][0]
    x_base = model.samples[0]
    inside, body = split_coefficient(_sample_vector_out(s.function, x_base[n]))
    if inside != 1:                                   # Σ -2 r x = -2 Σ r x
        outside = [product(inside, *outside)] if outside else [inside]
    vector_rows = [f for f in factors_of(body) if f == x_base[n]]
    rest = product(*[f for f in factors_of(body) if f not in vector_rows])
    column = _column(rest, model, n)
    if column is None:
        return None
    left = sp.Transpose(X) if vector_rows else sp.Transpose(sp.OneMatrix(N, 1))
    return sp.MatMul(*outside, left, column, evaluate=False)


def _column(expr, model, n):
    terms = _vector_terms(expr, model, n)
    if terms is None:
        return None
    return sp.MatAdd(*terms, evaluate=False) if len(terms) > 1 else terms[0]


def _vector_terms(expr, model, n):
    """The N-vector (r⁽¹⁾, …, r⁽ᴺ⁾) as a list of matrix terms, or None."""
    X, Y, W = model.data_matrix
    N = X.shape[0]
    x_base, y_base = model.samples
    if isinstance(expr, sp.Add):
        out = []
        for t in terms_of(expr):
            part = _vector_terms(t, model, n)
            if part is None:
                return None
            out += part
        return out
    if isinstance(expr, sp.Mul):
        coeff, rest = split_coefficient(expr)
        if coeff != 1:
            part = _vector_terms(rest, model, n)
            return None if part is None else [_scaled(coeff, t) for t in part]
        return _hadamard_terms(expr, model, n)
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer and expr.exp > 1:   # f², entrywise
        inside = _column(expr.base, model, n)
        return None if inside is None else [sp.HadamardPower(inside, expr.exp)]
    if isinstance(expr, sp.Heaviside):              # the step function of relu', entrywise
        inside = _column(expr.args[0], model, n)
        t = sp.Dummy("t")
        return None if inside is None else [inside.applyfunc(sp.Lambda(t, sp.Heaviside(t, 0)))]
    if expr == y_base[n]:
        return [Y]
    if not expr.has(n):
        return [sp.MatMul(expr, sp.OneMatrix(N, 1), evaluate=False)]
    definition = model.definition(expr.func) if isinstance(expr, sp.Function) else None
    if definition is not None and definition.opaque:
        body = definition.apply(expr.args)
        named = name_sigmoid(body)          # h = e^u/(1 + e^u) is σ(u): the column σ(Xw)
        return _vector_terms(named if named.func.__name__ == "sigmoid" else body, model, n)
    if getattr(expr.func, "__name__", "") == "inner" and x_base[n] in expr.args:
        weights = [a for a in expr.args if a != x_base[n]]      # xᵀw or xᵀu: whichever is there
        if len(weights) != 1 or not isinstance(weights[0], sp.Symbol):
            return None
        v = W if weights[0].name == W.name else sp.MatrixSymbol(weights[0].name, *W.shape)
        return [sp.MatMul(X, v, evaluate=False)]
    if isinstance(expr, sp.Function) and len(expr.args) == 1:     # σ(wᵀx⁽ⁿ⁾) -> σ(Xw)
        inside = _column(expr.args[0], model, n)
        return None if inside is None else [inside.applyfunc(expr.func)]
    return None


def _scaled(c, term):
    if c == -1:
        return sp.MatMul(-1, term, evaluate=False) if not isinstance(term, sp.MatMul) \
            else sp.MatMul(-1, *term.args, evaluate=False)
    return sp.MatMul(c, term, evaluate=False)


def collect_parameter(gradient, w, rate):
    """w - η (A + c w) = (1 - η c) w - η A: the terms in w collected (weight decay)."""
    terms = list(gradient.args) if isinstance(gradient, sp.MatAdd) else [gradient]
    c, rest = sp.Integer(0), []
    for t in terms:
        if t == w:
            c += 1
        elif isinstance(t, sp.MatMul) and t.args[-1] == w and len(t.args) == 2 \
                and not isinstance(t.args[0], sp.MatrixExpr):
            c += t.args[0]
        else:
            rest.append(t)
    if c == 0:
        return None
    shrink = sp.MatMul(sp.Add(1, -rate * c, evaluate=False), w, evaluate=False)
    data = rest[0] if len(rest) == 1 else sp.MatAdd(*rest, evaluate=False)
    return (sp.MatAdd(shrink, sp.MatMul(-1, rate, data, evaluate=False), evaluate=False),
            {"factor": 1 - rate * c, "current": w})


def recognise_lemma(expr, form, result, t):
    """e^(-u)/(1 + e^(-u))² = σ(u)(1 - σ(u)): a lemma's unsimplified form, met again."""
    fs = factors_of(expr)
    for candidate in {-e.args[0] for e in expr.atoms(sp.exp)}:
        pattern = [canonical(f) for f in factors_of(canonical(form.xreplace({t: candidate})))
                   if not f.is_Number]
        present = [canonical(f) for f in fs]
        if all(p in present for p in pattern):
            rest = list(fs)
            for p in pattern:
                rest.pop([canonical(f) for f in rest].index(p))
            coeff = canonical(form.xreplace({t: candidate})).as_coeff_Mul()[0]
            lemma = replace_exact(result, {t: candidate})       # keeps σ(u)(1 - σ(u)) in order
            numbers = [f for f in rest if f.is_Number]
            others = [f for f in rest if not f.is_Number]
            return product(*numbers, 1 / coeff, *factors_of(lemma), *others), {}
    return None


def in_terms_of(derivative, app, body):
    """f' as a polynomial in f times what is left: 2e^(-u)x/(1 + e^(-u))² = ½(1 - f²) x.

    The part made of exponentials is matched against c0 + c1 f + c2 f² with f = body."""
    fs = factors_of(canonical(derivative))
    exp_part = sp.Mul(*[f for f in fs if f.has(sp.exp)])
    rest = [f for f in fs if not f.has(sp.exp)]
    exps = {e for e in body.atoms(sp.exp)}
    if not exps or not exp_part.has(sp.exp) or len({e.args[0] for e in exps}) != 1:
        return None
    T = sp.Dummy("T", positive=True)
    e = exps.pop()
    c = sp.symbols("c0:3")
    f_T = canonical(body).xreplace({e: T})
    target = canonical(sp.Mul(*[f for f in rest if f.is_Number]) * exp_part).xreplace({e: T})
    if target.has(sp.exp) or f_T.has(sp.exp):
        return None
    equation = sp.together(target - sum(c[k] * f_T**k for k in range(3)))
    numerator = sp.Poly(sp.numer(equation), T)
    solution = sp.solve(numerator.coeffs(), c, dict=True)
    if not solution:
        return None
    coeffs = [solution[0].get(ck, 0) for ck in c]
    poly = sum(coeffs[k] * app**k for k in range(3))
    if poly == 0:
        return None
    others = [f for f in rest if not f.is_Number]
    lead, inner = sp.factor_terms(poly).as_coeff_Mul()
    return product(lead, inner, *others), {}


def collapse_deltas(expr):
    """Σ_i δ_ik f(i) = f(k): each Kronecker delta removes one sum."""
    out = []
    for outer in terms_of(expr):
        coeff = [f for f in factors_of(outer) if not isinstance(f, sp.Sum)]
        sums = [f for f in factors_of(outer) if isinstance(f, sp.Sum)]
        if not sums:
            out.append(outer)
            continue
        # the sum that holds a delta; the other sums are factors kept whole (dropping
        # them made (aᵀx)³ come out as 3(aᵀx)a)
        s = next((f for f in sums if f.has(sp.KroneckerDelta)), sums[0])
        coeff = coeff + [f for f in sums if f is not s]
        for term in _delta_terms(s.function):
            limits = list(s.limits)
            bound = [lim[0] for lim in limits]
            for d in [f for f in factors_of(term) if isinstance(f, sp.KroneckerDelta)]:
                a, b = d.args
                gone, keep = (a, b) if a in bound else (b, a) if b in bound else (None, None)
                if gone is None:
                    continue
                term = replace_exact(term, {gone: keep})       # keeps the written order
                bound.remove(gone)
                limits = [lim for lim in limits if lim[0] != gone]
            term = product(*coeff, term)
            out.append(sp.Sum(term, *limits) if limits and term != 0 else term)
    return total(*[t for t in out if t != 0])


def _delta_terms(expr):
    """The terms to collapse one by one: a sum's terms, or a product distributed over
    the one bracket that holds the deltas (X_ij (δ_ik w_j + w_i δ_jk))."""
    if isinstance(expr, sp.Add):
        return terms_of(expr)
    fs = factors_of(expr)
    bracket = next((f for f in fs if isinstance(f, sp.Add) and f.has(sp.KroneckerDelta)), None)
    if bracket is None:
        return [expr]
    others = [f for f in fs if f is not bracket]
    return [product(*others, t) for t in terms_of(bracket)]


# Maximum likelihood: the log turns the product into a sum (problem 4).

def log_of_product(expr):
    """ln Π_i p_i = Σ_i ln p_i."""
    product_ = expr.args[0]
    return sp.Sum(sp.log(product_.function, evaluate=False), *product_.limits)


def log_of_terms(expr):
    """ln(a b) = ln a + ln b and ln e^u = u, inside the sum."""
    index = expr.limits[0][0]

    def expand_log(e):
        if isinstance(e, sp.exp):
            return e.args[0]
        if isinstance(e, sp.Pow) and e.exp.has(index):       # ln p^(y_i) = y_i ln p
            return product(e.exp, sp.log(e.base, evaluate=False))
        return sp.log(e, evaluate=False)
    body = expr.function.args[0]
    return sp.Sum(total(*[expand_log(f) for f in factors_of(body)]), *expr.limits)


def split_sum(expr):
    """Σ_i (c + a g_i) = N c + a Σ_i g_i: constants add up N times and factor out."""
    (i, lo, hi), = expr.limits
    count = hi - lo + 1
    out = []
    for t in terms_of(expr.function):
        if not t.has(i):
            out.append(product(count, t))
            continue
        fs = factors_of(t)
        outside = [f for f in fs if not f.has(i)]
        inside = [f for f in fs if f.has(i)]
        out.append(product(canonical(product(*outside)), sp.Sum(product(*inside), (i, lo, hi))))
    return total(*out)


# Sums whose every term carries the sample vector, products of several columns (⊙), and
# the sigmoid recognised where a file writes it without its name.

def _sample_vector_out(body, x):
    """Σ (a x⁽ⁱ⁾ - b x⁽ⁱ⁾) = Σ (a - b) x⁽ⁱ⁾: the sample vector factored out of every term."""
    done = factor_out(body, x)
    return body if done is None else done[0]


def _hadamard_terms(expr, model, n):
    """a⁽ⁱ⁾ b⁽ⁱ⁾ over the samples: the columns a ⊙ b (a quotient is left alone: None)."""
    columns, scalars = [], []
    for f in factors_of(expr):
        if not f.has(n):
            scalars.append(f)
            continue
        if isinstance(f, sp.Pow) and (not f.exp.is_Integer or f.exp < 0):
            return None
        column = _column(f, model, n)
        if column is None:
            return None
        columns.append(column)
    if len(columns) < 2:
        return None
    whole = sp.HadamardProduct(*columns)
    return [whole if not scalars else sp.MatMul(product(*scalars), whole, evaluate=False)]


def name_sigmoid(expr):
    """1/(1 + e^(-u)) = σ(u) and e^u/(1 + e^u) = σ(u): the sigmoid named where it is
    written out, in the written order of everything else."""
    from .algebra import rebuild
    from ..model.functions import sigmoid

    def reciprocal(e):          # 1/(1 + e^v) = σ(-v)
        if isinstance(e, sp.Pow) and e.exp == -1 and isinstance(e.base, sp.Add):
            terms = terms_of(e.base)
            exps = [t for t in terms if isinstance(t, sp.exp)]
            if len(terms) == 2 and 1 in terms and len(exps) == 1:
                return sigmoid(canonical(-exps[0].args[0]))
        return None

    def walk(e):
        new = reciprocal(e)
        if new is not None:
            return new
        if not e.args or isinstance(e, sp.Derivative):
            return e
        args = [walk(a) for a in e.args]
        out = e if all(a is b for a, b in zip(args, e.args)) else rebuild(e, args)
        if isinstance(out, sp.Mul):                 # e^v σ(-v) = σ(v)
            fs = factors_of(out)
            for k, f in enumerate(fs):
                if isinstance(f, sp.exp):
                    partner = sigmoid(canonical(-f.args[0]))
                    if partner in fs:
                        fs[fs.index(partner)] = sigmoid(f.args[0])
                        del fs[k]
                        return product(*fs)
        return out
    return walk(expr)


def collapse_nested_deltas(expr):
    """Σ_j δ_jk f(j) = f(k) in every sum, innermost first, so that deltas inside a bracket
    or a quotient collapse the sum around them too."""
    def one(e):
        if not isinstance(e, sp.Sum):
            return None
        inner = e.function
        inner_new = _bottom_up(inner)
        return collapse_deltas(sp.Sum(inner_new, *e.limits)) if inner_new.has(
            sp.KroneckerDelta) else (e if inner_new == inner else sp.Sum(inner_new, *e.limits))

    def _bottom_up(e):
        if not e.args or isinstance(e, (sp.Indexed, sp.KroneckerDelta)):
            return e
        new = one(e)
        if new is not None:
            return new
        args = [_bottom_up(a) for a in e.args]
        if all(a is b for a, b in zip(args, e.args)):
            return e
        return rebuild(e, args)
    return collapse_deltas(_bottom_up(expr))


# The log of a softmax (cross-entropy over K classes): logs expanded before differentiating,
# labels that sum to one, and the softmax named.

def expand_logs(expr):
    """ln(a/b) = ln a - ln b and ln e^u = u wherever a log of a product stands:
    ln(e^(z_k) / Σ_c e^(z_c)) = z_k - ln Σ_c e^(z_c)."""
    from .algebra import transform

    def one(e):
        if not (isinstance(e, sp.log) and isinstance(e.args[0], (sp.Mul, sp.exp))):
            return None
        out = []
        for f in factors_of(e.args[0]):
            if isinstance(f, sp.exp):
                out.append(f.args[0])
            elif isinstance(f, sp.Pow) and f.exp.is_Number:
                out.append(product(f.exp, sp.log(f.base, evaluate=False)))
            else:
                out.append(sp.log(f, evaluate=False))
        return total(*out)
    return transform(expr, one)


def sum_to_one(expr, bases):
    """Σ_k y_k r = r when the entries of y sum to one and r does not depend on k; for a
    matrix of labels Y (one row per sample) its rows sum to one: Σ_k Y_ik r = r."""
    from .algebra import transform

    def one(e):
        if not isinstance(e, sp.Sum):
            return None
        fs = factors_of(e.function)
        for n, (k, *_) in enumerate(e.limits):       # Σ_i Σ_k Y_ik r_i: the k sum goes
            labels = [f for f in fs if isinstance(f, sp.Indexed) and f.base in bases
                      and f.indices[-1] == k and not any(i.has(k) for i in f.indices[:-1])]
            rest = [f for f in fs if f not in labels]
            if len(labels) == 1 and not any(f.has(k) for f in rest):
                others = e.limits[:n] + e.limits[n + 1:]
                return sp.Sum(product(*rest), *others) if others else product(*rest)
        return None
    return transform(expr, one)


def name_softmax(expr, vectors):
    """e^(z_m) / Σ_c e^(z_c) = softmax(z)_m, for a declared vector z (name -> MatrixSymbol)."""
    from .algebra import transform
    from ..model.functions import Softmax, entry

    def one(e):
        if not isinstance(e, sp.Mul):
            return None
        fs = factors_of(e)
        for f in fs:
            if not (isinstance(f, sp.exp) and isinstance(f.args[0], sp.Indexed)):
                continue
            z = f.args[0].base
            for g in fs:
                if isinstance(g, sp.Pow) and g.exp == -1 and isinstance(g.base, sp.Sum) \
                        and len(g.base.limits) == 1:
                    c = g.base.limits[0][0]
                    if g.base.function == sp.exp(z[c]) and str(z.label) in vectors:
                        rest = [h for h in fs if h is not f and h is not g]
                        return product(*rest, entry(Softmax(vectors[str(z.label)]),
                                                    *f.args[0].indices))
        return None
    return transform(expr, one)
