"""A kernel: the loss, its gradient and the hypothesis of a derivation, as NumPy functions.

    k = derivator.kernel("p2")
    k.params                       # {"w": ("D",)}: each parameter's shape, by size names
    k.loss(params, X, y)           # params a dict of arrays
    k.grad(params, X, y)           # a dict of arrays, the same names and shapes
    k.loss(w, b, X, y)             # or the parameters in order (bce and mse as before);
    k.grad(w, b, X, y)             # the gradient then comes as a tuple (dw, db)
"""
import dataclasses
import inspect
from collections.abc import Mapping

import numpy as np
import sympy as sp

from .. import DerivatorError
from .stable import NUMPY_FUNCTIONS, np_sigmoid, stable_form
from . import arguments
from ..render.notebook import KernelDisplay
from .blocks import block_rows, finite_rows, over_blocks


@dataclasses.dataclass(repr=False)
class Kernel(KernelDisplay):
    name: str
    params: dict            # parameter name -> its shape as size names, e.g. ("M", "D")
    source: str             # the generated code
    functions: dict = dataclasses.field(repr=False)    # loss, grad, predict (positional)
    columns: str = "D"      # the size that is X's number of columns
    network: bool = False   # weights start random (a network), or at zero
    labels: tuple = None    # the two classes y takes (0, 1), (-1, 1); None: real y
    penalty_text: dict = dataclasses.field(default_factory=dict)  # terms free of the data
    hyper: dict = dataclasses.field(default_factory=dict)   # λ as lam, γ, T: their defaults

    def penalty(self, params, **hyper):
        """The gradient's terms that do not depend on the data (2w from ‖w‖²), as a dict."""
        values = self.functions.get("penalty")
        if values is None:
            return {p: np.zeros_like(np.asarray(v, dtype=float)) for p, v in params.items()}
        return {p: np.zeros(np.shape(params[p])) + v
                for p, v in zip(self.params, values(*params.values(), *self._hyper(hyper)))}

    def loss(self, *args, **hyper):
        """The loss (a NumPy scalar of X's dtype); hyperparameters by keyword (lam=0.1)."""
        params, X, y = self._arguments(args, "loss")
        return self.functions["loss"](*params.values(), X, y, *self._hyper(hyper))

    def grad(self, *args, **hyper):
        """The gradient: a dict like the params given, or a tuple in positional calls."""
        params, X, y = self._arguments(args, "grad")
        out = self.functions["grad"](*params.values(), X, y, *self._hyper(hyper))
        if isinstance(args[0], Mapping) and len(args) == 3:
            return dict(zip(self.params, out))
        return tuple(out) if len(out) > 1 else out[0]

    def hessian(self, params, X, y, **hyper):
        """The Hessian from the second-order derivation: {(p, q): an array of shape
        shape(p) + shape(q)} for every pair of parameters (kernels/hessian.py)."""
        from .hessian import hessian
        return hessian(self, params, X, y, **hyper)

    def predict(self, params, X, **hyper):
        """What the loss compares with y (σ(wᵀx), tanh(wᵀx/2), g(x)), for each row of X."""
        params, X, _ = self._checked(params, X, None)
        return self.functions["predict"](*params.values(), X, *self._hyper(hyper))

    def with_hyper(self, **values):
        """The same kernel with other defaults for its hyperparameters (train --set lam=0.1)."""
        self._hyper(values)                   # unknown names and non-numbers are refused
        return dataclasses.replace(self, hyper={**self.hyper, **values})

    def _hyper(self, given):
        """The hyperparameters' values in order: the defaults, overridden by keyword."""
        unknown = sorted(set(given) - set(self.hyper))
        if unknown:
            raise TypeError(f"{self.name} has no hyperparameter {unknown[0]!r}"
                            + (f"; it has {', '.join(self.hyper)}" if self.hyper else ""))
        values = {**self.hyper, **given}
        for k, v in values.items():
            if not (np.isscalar(v) and np.isfinite(v)):
                raise ValueError(f"{k} must be a finite number; got {v!r}")
        return [float(v) for v in values.values()]

    def initial(self, X, sizes=None, seed=0):
        """Starting parameters for training: zeros, or for a network small random weights
        (zeros would keep its hidden nodes identical). `sizes` gives the hidden sizes."""
        sizes = {self.columns: np.shape(X)[1], **(sizes or {})}
        rng = np.random.default_rng(seed)
        out = {}
        for name, shape in self.params.items():
            missing = [s for s in shape if s not in sizes]
            if missing:
                raise DerivatorError(f"{self.name} needs the size {missing[0]} "
                                     f"(e.g. --size {missing[0]}=8)")
            dims = tuple(sizes[s] for s in shape)
            out[name] = (rng.normal(scale=1 / np.sqrt(dims[-1]), size=dims) if self.network
                         else np.zeros(dims) if dims else 0.0)
        return out

    def _arguments(self, args, method):
        params, X, y = arguments.split(args, list(self.params), method)
        return self._checked(params, X, y)

    def _checked(self, params, X, y):
        X, y, dtype = arguments.data(X, y)
        params, _ = arguments.parameters(params, self.params, X.shape, dtype, self.columns)
        return params, X, y


def build_kernel(name):
    """The kernel for a derivation (a name `derive` knows) whose result is the gradient of
    a loss over samples."""
    from .. import derive
    derivation = derive(name)
    model = _cost_as_derived(derivation)
    if not is_loss_over_samples(model):
        raise DerivatorError(f"{name} is not a loss over samples; kernels: "
                             f"{', '.join(kernel_names())}")
    if any(isinstance(p, sp.Indexed) for p in model.params):
        return _network_kernel(name, model, derivation)
    from .linear import generate
    derivations = {str(p): derive(name, str(p)) for p in model.params}
    shapes, source, namespace = generate(name, model, derivations)
    return Kernel(name, shapes, source,
                  {f: namespace[f] for f in ("loss", "grad", "predict", "penalty")},
                  labels=labels_of(model), penalty_text=namespace["penalty_text"],
                  hyper=namespace["hyper"])


def _network_kernel(name, model, derivation):
    from .network import Emitter, Network, aligned, collapse_deltas, substitute_loss
    net = Network.of(model)
    params = ", ".join(str(w) for w in net.weights)
    sizes = [f"    {model.sample_count}, {net.feature_size} = X.shape"]
    known = {model.sample_count, net.feature_size}
    for w, shape in net.weights.items():
        for k, s in enumerate(shape):
            if s not in known:
                known.add(s)
                sizes.append(f"    {s} = {w}.shape[{k}]")

    width = "max(" + ", ".join(str(s) for s in net.sizes[1:]) + ")"

    def function(header, doc, emit, blocked=False):
        e = Emitter(net)
        results = emit(e)
        if not (blocked and all(_over_samples(expr, model.sample_index)
                                for expr, _ in results)):
            return "\n".join([f"def {header}:", f'    """{doc}"""', *sizes,
                              *("    " + line for line in e.lines),
                              "    return " + ", ".join(code for _, code in results)])
        # every result is a sum over the samples: computed block by block of rows
        return "\n".join([
            f"def {header}:", f'    """{doc}"""', *sizes, "",
            "    def block(start, rows, X=X, y=y):",
            "        X, y = X[rows], y[rows]",
            "        check(X, start)",
            *("        " + line for line in e.lines),
            "        return " + ", ".join(code for _, code in results) + ",", "",
            f"    return over_blocks(block, X, network_rows(X, {width}))"
            + ("[0]" if len(results) == 1 else "")])

    def loss(e):
        cost = collapse_deltas(substitute_loss(net, model.definition(model.target.func)
                                               .apply(model.target.args)))
        return [(cost, e.value(cost)[0])]

    def grad(e):
        out = []
        for w in net.weights:
            expr, indices = net.gradient(w, derivation)
            expr = collapse_deltas(stable_form(expr))
            v, axes = e.value(expr)
            out.append((expr, aligned(v, axes, indices, strict=True)))
        return out

    def predict(e):
        i = model.sample_index
        app = net.hypothesis(model.samples[0][i])
        return [(app, e.value(app)[0])]

    code = "\n\n\n".join([
        function(f"loss({params}, X, y)", "The loss over the N rows of X.", loss, True),
        function(f"grad({params}, X, y)", "The gradient for every weight array: a "
                 "forward pass, then the derived sums as matrix products.", grad, True),
        function(f"predict({params}, X)", "The network's output for each row of X.",
                 predict)])
    namespace = {"np": np, "sigmoid": np_sigmoid, "einsum": _einsum, "check": finite_rows,
                 "over_blocks": over_blocks, "block_rows": block_rows,
                 "network_rows": network_rows, **NUMPY_FUNCTIONS}
    exec(compile(code, f"<derivator kernel {name}>", "exec"), namespace)
    source = "\n\n".join([
        f"# Generated by derivator from the derivation of {name!r}: a forward pass "
        f"(t... = activations), then each weight's gradient.",
        code,
        "# sigmoid, evaluated without overflow:",
        inspect.getsource(np_sigmoid).rstrip()])
    shapes = {str(w): tuple(str(s) for s in shape) for w, shape in net.weights.items()}
    return Kernel(name, shapes, source, {f: namespace[f] for f in ("loss", "grad", "predict")},
                  columns=str(net.feature_size), network=True, labels=labels_of(model))


def labels_of(model):
    """The two values y takes when the model declares it so (labels 0/1, -1/1)."""
    domain = model.domains.get(model.samples[1])
    if domain and domain.integer and domain.high - domain.low in (1, 2):
        return (domain.low, domain.high)
    return None


NETWORK_BLOCK_BYTES = 1 << 20    # per block: its widest activation array stays in cache


def network_rows(X, width):
    return block_rows(X, width, NETWORK_BLOCK_BYTES)


def _over_samples(expr, i):
    """expr is c Σ_i (...) with c free of the samples: it adds up over blocks of rows."""
    from ..steps.algebra import factors_of
    sums = [f for f in factors_of(expr) if isinstance(f, sp.Sum)]
    return len(sums) == 1 and i in [lim[0] for lim in sums[0].limits] and all(
        not f.has(sp.Indexed) for f in factors_of(expr) if f is not sums[0])


def _einsum(spec, *operands):
    return np.einsum(spec, *operands, optimize=True)      # pairwise, through BLAS


def kernel_names():
    """The derivations that have a kernel: the losses over samples."""
    from ..model.problemset import all_problems
    from ..model.registry import catalog, get_model
    models = [(n, get_model(n)) for n in catalog()]
    models += [(n, p.model()) for n, p in all_problems().items()
               if p.strategy in ("loss", "likelihood")]
    from .. import derive
    from ..strategies.routes import names as route_names
    models += [(n, _cost_as_derived(derive(n))) for n in route_names()]
    return [n for n, m in models if is_loss_over_samples(m)]


def _cost_as_derived(derivation):
    """The model, with its cost as the derivation last wrote it as a sum over samples when
    its definition is not one (a negative log-likelihood -log ∏ p_i becomes Σ log(1 + e^…)
    in verified steps): the kernel is built from what the derivation proved equal."""
    from .linear import sum_terms
    model = derivation.model
    if model is None or getattr(model, "sample_index", None) is None or \
            is_loss_over_samples(model):
        return model
    target = model.definition(model.target.func)
    for step in reversed(derivation.steps):
        if step.lhs != model.target:
            continue
        try:
            if sum_terms(step.expr, model.sample_index)[0]:
                rewritten = dataclasses.replace(target, body=step.expr.xreplace(
                    dict(zip(model.target.args, target.params))))
                return dataclasses.replace(model, definitions=tuple(
                    rewritten if d is target else d for d in model.definitions))
        except DerivatorError:
            continue
    return model


def is_loss_over_samples(model):
    """A cost that is a sum over samples (plus terms of the parameters alone)."""
    from .linear import sum_terms
    if getattr(model, "sample_index", None) is None or not model.samples:
        return False
    cost = model.definition(model.target.func).apply(model.target.args)
    try:
        return bool(sum_terms(cost, model.sample_index)[0])
    except DerivatorError:
        return False
