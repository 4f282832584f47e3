"""Renderers: the same Derivation as rich terminal output, text, LaTeX, Markdown or JSON."""

FORMATS = ("rich", "text", "latex", "markdown", "json")
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
