"""The share of hints that name the derivation's actual next step, over every prefix of
every derivation and route (each step written as `show --format markdown` writes it,
lhs = rhs): measured, never asserted (tests/test_hint.py asserts a sample).

Usage: python benchmarks/bench_hint_prefixes.py     (prints: right, total, share, seconds)
"""
import time, sys, derivator
from derivator.answers.judge.hint import hint, _steps, FAMILIES
from derivator.render.printing import to_latex
from derivator.render import captioned
from derivator.strategies.routes import routes_of
names = [n for n in derivator.catalog()]
total = ok = 0; bad = []
t0=time.time()
for n in names:
    for route in [None] + routes_of(n):
        d = derivator.derive(n, route=route)
        steps = [s for _, _, _, rows in captioned(d) for _, s, _, _, _ in rows]
        for k in range(0, len(steps) - 1):
            lines = []
            for s in steps[:k + 1]:
                lhs = (to_latex(s.lhs) + " = ") if s.lhs is not None else ""
                lines.append(f"$${lhs}{to_latex(s.expr)}$$")
            h = hint(n if route is None else n, "\n".join(lines))
            want = k + 1
            total += 1
            # the next step on the derivation's own route
            good = h.index == want and (route is None and h.route == n or h.route == f"{n} --route {route}") or \
                   (h.status in ("next",) and _steps(*h.route.split(" --route ") if " --route " in h.route else (h.route, None), "en")[h.index]["latex"] == to_latex(steps[want].expr))
            ok += good
            if not good: bad.append((n, route, k, h.route, h.status, h.index, h.wrong_line))
print(ok, total, ok/total, round(time.time()-t0,1))
for b in bad[:40]: print(b)
