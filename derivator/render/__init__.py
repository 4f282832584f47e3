"""Renderers: the same Derivation as rich terminal output, text, LaTeX, Markdown or JSON."""

FORMATS = ("rich", "text", "latex", "markdown", "json", "html")
LANGUAGES = ("en", "ko")


def numbered(derivation):
    """(section id, letter, [(label, step, show_lhs)]) in order, labelled as in the lecture
    (A1, A2, ...); show_lhs is true where a line starts a new quantity (∂L/∂w = ...)."""
    from .messages import SECTIONS
    out = []
    previous = None
    used = set()
    for section, steps in derivation.sections:
        letter = SECTIONS[section][0]
        while letter in used:             # two sections that both claim A: the next letter
            letter = chr(ord(letter) + 1)
        used.add(letter)
        rows = []
        for k, step in enumerate(steps, 1):
            rows.append((f"{letter}{k}", step, step.lhs is not None and step.lhs != previous))
            previous = step.lhs
        out.append((section, letter, rows))
    return out


def captioned(derivation, lang="en"):
    """numbered(), with each section's heading and each step's rule name and caption:
    (section, letter, heading, [(label, step, show_lhs, rule name, caption)]). A caption
    is read from its step and the line the step rewrites (the last line for the same
    quantity)."""
    from .messages import explain, rule_title, section_title
    out = []
    last = {}                      # lhs -> the last line that computed it
    previous = None
    for section, letter, rows in numbered(derivation):
        heading = section_title(section, [s for _, s, _ in rows], lang)[1]
        captions = []
        for label, step, show_lhs in rows:
            before = last.get(step.lhs, previous)
            before = None if before is None else before.expr
            captions.append((label, step, show_lhs, rule_title(step, lang, before),
                             explain(step, lang, before)))
            last[step.lhs] = previous = step
        out.append((section, letter, heading, captions))
    return out


def result_lhs(derivation):
    """What the result is: ∂J/∂w for a gradient, w* for the solved-for maximiser."""
    import sympy as sp
    lhs = derivation.steps_result_lhs()
    if lhs == derivation.wrt or (isinstance(lhs, sp.MatrixSymbol) and lhs.name == str(derivation.wrt)):
        return sp.Symbol(f"{derivation.wrt}*")
    return lhs
