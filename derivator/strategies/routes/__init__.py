"""Other routes to the course's gradients, from the course's other notes: where BCE comes
from (bce-mle), labels in {+1, -1} (logistic-pm1), and the e^z route to the BCE gradient.

Each is derived from its definitions by the engine's rules and the rewrites in
routes/algebra.py, and checks itself line by line (routes/explicit.py)."""

# derivation name -> {route name: the module in this package that derives it}. The route
# None is a derivation that exists only here; a lecture derivation's own route (show bce)
# is not listed: it is derived by the registry, as before.
ROUTES = {
    "bce-mle": {None: "mle"},
    "logistic-pm1": {None: "pm1"},
    "bce": {"ez": "ez"},
}


def names():
    """The derivations that exist only as routes (not in the lecture registry)."""
    return [name for name, routes in ROUTES.items() if None in routes]


def routes_of(name):
    """The named routes a derivation can take, besides its default one."""
    return [r for r in ROUTES.get(name, {}) if r is not None]


def derive_route(name, route, wrt=None):
    from importlib import import_module

    from ... import DerivatorError
    routes = ROUTES.get(name, {})
    if route not in routes:
        known = ", ".join(routes_of(name)) or "none"
        raise DerivatorError(f"{name} has no route {route!r}; its routes: {known}")
    module = import_module(f".{routes[route]}", __name__)
    # a route that can be taken by another parameter lists them (bce-mle: w or b)
    derivation = module.derive(str(wrt)) if str(wrt) in getattr(module, "PARAMS", ()) \
        else module.derive()
    if wrt is not None and str(wrt) != str(derivation.wrt):
        raise DerivatorError(f"{name} is differentiated with respect to {derivation.wrt} only")
    return derivation


def title(name, lang="en"):
    """The one-line description `derivator list` prints: the route's own title."""
    from importlib import import_module
    model = import_module(f".{ROUTES[name][None]}", __name__).model()
    return model.title.get(lang, model.title["en"])
