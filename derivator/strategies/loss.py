"""The strategy: which rule or rewrite comes next. It records Steps; it prints nothing.

The order follows the lecture: from the cost into the sum, the loss of one sample with
the intermediates kept opaque, each intermediate's derivative on the side (a named
function such as the sigmoid gets its own lemma first), substituted back, tidied, and
finally put back into the cost.
"""
import sympy as sp
from sympy.core.function import AppliedUndef

from .. import DerivatorError
from ..steps import rewrites
from ..steps.algebra import depends_on, product, replace_exact, tidy, total
from ..steps.derivation import Derivation, Step
from ..model.functions import sigmoid
from ..steps.rewrites import collapse_nested_deltas
from ..steps.textbook import textbook_form
from ..steps.rules import RULES, ChainThroughLemma, Context, D, LinearRule

NAMED_FUNCTIONS = {sigmoid}     # functions with a definition and a lemma of their own


def derivatives_in(expr):
    """The Derivative nodes of expr in written (pre-)order."""
    return [e for e in sp.preorder_traversal(expr) if isinstance(e, sp.Derivative)]


def merged_params(rule, hits, ctx):
    """The explanation's values for a rule applied at several places: lists are joined."""
    params = {}
    for d in hits:
        for key, value in rule.params(d, ctx).items():
            if isinstance(value, list):
                params[key] = list(dict.fromkeys(params.get(key, []) + value))
            else:
                params.setdefault(key, value)
    return params


class NotClosedForm(DerivatorError):
    """A derivation that stopped with a derivative no rule takes: it must not look finished."""
    exit_status = 1


def ensure_closed_form(model, wrt, result):
    """Raise NotClosedForm naming the first derivative left in `result`, if any."""
    left = derivatives_in(result)
    if left:
        from ..render.printing import to_text
        raise NotClosedForm(f"{model.name}: by {to_text(wrt)}, the derivation stops at "
                              f"{to_text(left[-1])}: no rule applies to it, so there is no "
                              f"closed form (yet)")


class Engine:
    def __init__(self, model, wrt, lemmas=None):
        self.model = model
        self.wrt = wrt
        self.steps = []
        self.lemmas = {} if lemmas is None else lemmas   # func -> its derivative, once derived
        self.lemma_forms = {}       # func -> (t, f'(t) before simplifying, f'(t) simplified)

    # --- recording ---------------------------------------------------------------
    def emit(self, section, lhs, expr, rule, follows=None, **params):
        self.steps.append(Step(section, lhs, expr, rule, params, follows=follows))
        return expr

    def context(self, var):
        return Context(var, frozenset(d.name for d in self.model.definitions if d.opaque),
                       self.model)

    def opaque_in(self, expr, ctx):
        """Derivatives of opaque intermediates left in expr, e.g. ∂h(x)/∂w."""
        return [d for d in derivatives_in(expr) if ctx.is_opaque(d.expr)]

    # --- the strategy ------------------------------------------------------------
    def run(self, others=True):
        target = self.model.target
        if target.func in NAMED_FUNCTIONS:
            result = self.lemma(target.func, section="lemma", var=target.args[0])
        else:
            result = self.derive(target, "cost")
            for other in self.model.params if others else ():
                if other != self.wrt:     # the lecture ends with every parameter's result
                    also = Engine(self.model, other, self.lemmas).run(others=False)
                    self.emit("result", also.steps[-1].lhs, also.result, "likewise", var=other)
            if self.model.update and others:
                self.gradient_descent(result)
        ensure_closed_form(self.model, self.wrt, result)
        return Derivation(self.model.name, self.wrt, self.steps, result, self.model)

    def derive(self, app, section):
        """d app / d wrt, from app's definition, all the way down."""
        ctx = self.context(self.wrt)
        lhs = D(app, self.wrt)
        definition = self.model.definition(app.func) if isinstance(app, AppliedUndef) else None
        if definition is not None:
            body = definition.apply(app.args)
            expr = self.emit(section, lhs, D(body, self.wrt), "definition", name=app)
        else:                       # a term without a name, such as (y - f(x))²
            expr = lhs
        expr = self.apply_rules(expr, lhs, section, ctx)
        if any(isinstance(e, sp.Sum) for e in sp.preorder_traversal(expr)):
            return self.through_one_sample(expr, lhs)
        return self.resolve_intermediates(expr, lhs, section, ctx)

    def apply_rules(self, expr, lhs, section, ctx, rules=RULES):
        """Apply differentiation rules, one kind per step, until none matches."""
        while True:
            nodes = [d for d in derivatives_in(expr) if not ctx.is_opaque(d.expr)]
            for rule in rules:
                hits = [d for d in nodes if rule.matches(d, ctx)]
                if not hits:
                    continue
                if isinstance(rule, ChainThroughLemma):
                    for d in hits:
                        self.ensure_lemma(d.expr.func)
                new = tidy(replace_exact(expr, {d: rule.apply(d, ctx) for d in hits}))
                expr = self.emit(section, lhs, new, rule.id, **merged_params(rule, hits, ctx))
                break
            else:
                return expr

    def through_one_sample(self, expr, lhs):
        """Σ_i ∂L(y_i, h(x_i))/∂w: derive for one sample (x, y), then put it back in the sum."""
        mapping = {}
        for d in derivatives_in(expr):
            one = self.model.to_one_sample(d.expr)
            per_sample = self.derive(one, "loss")
            named = rewrites.name_sigmoid(per_sample)     # e^u/(1 + e^u) written σ(u)
            if named != per_sample:
                per_sample = self.emit("loss", D(one, self.wrt), named, "recognise_sigmoid")
            mapping[d] = self.model.from_one_sample(per_sample)
        result = self.emit("result", lhs, tidy(replace_exact(expr, mapping)), "substitute_sample")
        neat = textbook_form(result)
        if neat != result:      # (1/f) f cancelled, powers combined, sinh/cosh = tanh
            result = self.emit("result", lhs, neat, "textbook_form")
        for rule, rewrite in (("constant_out_of_sum", rewrites.constant_out_of_sum),
                              ("vectorize", lambda e: rewrites.vectorize(e, self.model))):
            done = rewrite(result)
            if done:
                result = self.emit("result", lhs, done[0], rule, **done[1])
        return result

    def resolve_intermediates(self, expr, lhs, section, ctx):
        """Replace each ∂h/∂w of an opaque intermediate by its own derivation."""
        while True:
            pending = self.opaque_in(expr, ctx)
            if not pending:
                return expr
            first = pending[0]
            factored = rewrites.factor_out(expr, first)
            if factored and len(pending) > 1:
                expr = self.emit(section, lhs, factored[0], "factor_out", **factored[1])
                continue
            expr = self.resolve_one(expr, first, lhs, ctx)
            section = "back"

    def resolve_one(self, expr, d, lhs, ctx):
        app = d.expr
        body = self.model.definition(app.func).apply(app.args)
        if isinstance(body, tuple(NAMED_FUNCTIONS)) and depends_on(body, self.wrt, ctx.opaque):
            # h(x) = σ(z(x)): the lemma on the side, then the chain rule, then h again.
            self.ensure_lemma(body.func)
            rule = ChainThroughLemma()
            side = self.emit("back", d, rule.apply(D(body, self.wrt), ctx), rule.id,
                             **rule.params(D(body, self.wrt), ctx))
            side = self.emit("back", d, replace_exact(side, {body: app}), "name_again",
                             name=app, body=body)
            side = self.apply_rules(side, d, "back", ctx)      # ∂(wᵀx)/∂w = x, if not opaque
            expr = self.emit("back", lhs, tidy(replace_exact(expr, {d: side})), "substitute",
                             what=d)
            expr = self.apply_rules(self.simplify(expr, lhs, "back"), lhs, "back", ctx)
            return self.simplify(expr, lhs, "back")
        if not LinearRule().matches(D(body, self.wrt), ctx):
            # f(x) = (1 - e^(-wᵀx))/(1 + e^(-wᵀx)): its derivative on the side, then back
            side = self.side_derivation(d, body, ctx)
            expr = self.emit("back", lhs, tidy(replace_exact(expr, {d: side})), "substitute",
                             what=d)
            return self.simplify(expr, lhs, "back")
        # z(x) = w x + b: substitute the definition, then differentiate it.
        expr = self.emit("back", lhs, replace_exact(expr, {d: D(body, self.wrt)}),
                         "substitute_definition", name=app, body=body)
        return self.apply_rules(expr, lhs, "back", ctx)

    def side_derivation(self, d, body, ctx):
        """∂f/∂w from f's definition, then written with known functions and f itself."""
        if body.has(sp.exp):          # exponentials may turn out to be sigmoids
            for func in NAMED_FUNCTIONS:
                self.ensure_lemma(func)
        expr = self.emit("back", d, D(body, self.wrt), "substitute_definition", name=d.expr,
                         body=body)
        expr = self.apply_rules(expr, d, "back", ctx)
        expr = self.simplify(expr, d, "back")
        elementary = expr
        for func, (t, form, result) in self.lemma_forms.items():
            found = rewrites.recognise_lemma(expr, form, result, t)
            if found:
                expr = self.emit("back", d, found[0], "recognise_lemma", function=func)
        in_f = rewrites.in_terms_of(elementary, d.expr, body)
        if in_f:
            expr = self.emit("back", d, in_f[0], "in_terms_of", function=d.expr)
        return expr

    def simplify(self, expr, lhs, section):
        if any(isinstance(a, sp.KroneckerDelta) for a in sp.preorder_traversal(expr)):
            expr = self.emit(section, lhs, collapse_nested_deltas(expr), "kronecker_delta")
        for rule, rewrite in (("cancel", rewrites.cancel_into_bracket),
                              ("expand", rewrites.expand_bracket),
                              ("collect", rewrites.collect_terms)):
            done = rewrite(expr)
            if done:
                expr = self.emit(section, lhs, done[0], rule, **done[1])
        return expr

    def gradient_descent(self, gradient):
        """w_{t+1} = w_t - η ∂L/∂w, the gradient written at w_t, and the terms in w_t
        collected: with an L2 term, w_t shrinks by a constant factor (weight decay)."""
        u, wrt = self.model.update, self.wrt
        rate, now, nxt = u["rate"], u["current"], u["next"]
        at_now = D(self.model.target.xreplace({wrt: now}), now)
        self.emit("update", nxt, now - rate * at_now, "gradient_descent", rate=rate)
        W = self.model.data_matrix[2]
        if isinstance(gradient, sp.MatrixExpr):
            W_now = sp.MatrixSymbol(str(now), *W.shape)
            g = gradient.xreplace({W: W_now})
            step = sp.MatAdd(W_now, sp.MatMul(-1, rate, g, evaluate=False), evaluate=False)
        else:       # a sum over samples (f(x_i) stands for f(x_i; w_t))
            W_now, g = now, gradient.xreplace({wrt: now})
            step = total(now, product(-1, rate, g))
        self.emit("update", nxt, step, "substitute", what=D(self.model.target, wrt))
        decay = rewrites.collect_parameter(g, W_now, rate)
        if decay is not None:
            self.emit("update", nxt, decay[0], "weight_decay", **decay[1])

    def ensure_lemma(self, func):
        if func not in self.lemmas:
            self.lemma(func, section="lemma", var=sp.Symbol("x"))

    def lemma(self, func, section, var):
        """The derivative of a named function from its definition (section C)."""
        app = func(var)
        lhs = D(app, var)
        body = func.definition(var)
        ctx = Context(var)
        expr = self.emit(section, lhs, D(body, var), "definition", name=app)
        expr = self.apply_rules(expr, lhs, section, ctx)
        elementary = expr
        form = rewrites.reciprocal_form(expr, body, var)
        if form:
            _, g, c = form
            for rule, make in (("add_and_subtract", lambda: rewrites.add_and_subtract(g, c)),
                               ("split_fraction", lambda: rewrites.split_fraction(g, c)),
                               ("cancel", lambda: rewrites.cancel_fraction(g, c)),
                               ("recognise", lambda: rewrites.recognise(g, c, app)),
                               ("factor", lambda: rewrites.factor_function(g, c, app))):
                new, params = make()
                expr = self.emit(section, lhs, new, rule, **params)
        self.lemmas[func] = sp.Lambda(var, expr)
        self.lemma_forms[func] = (var, elementary, expr)
        return expr


def run_engine(model, wrt):
    return Engine(model, wrt).run()


def derive(problem, wrt):
    """A problem file's loss by `wrt` (a parameter's name; default the first)."""
    from .. import DerivatorError
    model = problem.model()
    params = {str(p): p for p in model.params}
    if wrt is not None and str(wrt) not in params:
        raise DerivatorError(f"{problem.id} has no parameter {str(wrt)!r}; "
                             f"differentiate with respect to {' or '.join(params)}")
    return run_engine(model, params[str(wrt)] if wrt is not None else model.params[0])
