"""How derivator's objects show themselves in a Jupyter notebook (`_repr_html_`,
`_repr_markdown_`, `_repr_latex_`) and at a Python prompt (a short `repr`): mixins the data
classes inherit, so that the data modules stay free of presentation."""
from html import escape

FORMATS = ("text", "latex", "markdown", "html", "json")


class DerivationDisplay:
    """A Derivation: the same steps `show` prints, as HTML with MathML in a notebook."""

    def to(self, fmt, lang="en"):
        """The derivation as text, latex (an align* fragment), markdown, html (a whole
        page) or json, as `show --format` writes it."""
        from . import documents, html, terminal
        render = {"text": terminal.render_text, "latex": documents.render_latex,
                  "markdown": documents.render_markdown, "html": html.render_html,
                  "json": documents.render_json}
        if fmt not in render:
            from .. import DerivatorError
            raise DerivatorError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
        return render[fmt](self, lang)

    def __repr__(self):
        from .printing import samples_of, to_text
        from . import result_lhs
        with samples_of(self.model):
            result = f"{to_text(result_lhs(self))} = {to_text(self.result)}"
        return f"<Derivation {self.name} (∂/∂{self.wrt}), {len(self.steps)} steps: {result}>"

    def _repr_html_(self):
        from .html import _article
        return _article(self, "en", level=3)

    def _repr_markdown_(self):
        return self.to("markdown")

    def _repr_latex_(self):
        return self.to("latex")


class StepDisplay:
    """A Step: its rule, its caption and its line."""

    def _line(self, printer):
        if self.lhs is None:
            return printer(self.expr)
        return f"{printer(self.lhs)} = {printer(self.expr)}"

    def __repr__(self):
        from .printing import to_text
        return f"<Step {self.rule}: {self._line(to_text)}>"

    def _repr_markdown_(self):
        from .messages import explain, rule_title
        from .printing import to_latex
        return (f"*{rule_title(self)}* — {explain(self)}\n\n"
                f"$$ {self._line(to_latex)} $$\n")

    def _repr_latex_(self):
        from .printing import to_latex
        return f"$$ {self._line(to_latex)} $$"


class VerdictDisplay:
    """A check's Verdict: its status, how the answer was read, notes and counterexample."""

    def __repr__(self):
        return f"<Verdict {self.problem} {self.status}: {self.answer!r}>"

    def _repr_html_(self):
        colour = {"correct": "#2a7a2a", "incorrect": "#a11", "unreadable": "#a60"}.get(
            self.status, "#444")
        rows = [f'<b style="color:{colour}">{escape(self.status)}</b> '
                f"{escape(self.problem)}: <code>{escape(self.answer)}</code>",
                f"<div>{escape(self.message)}</div>"]
        rows += [f"<div>note: {escape(note)}</div>" for note in self.notes]
        if self.counterexample:
            rows.append(f"<div>counterexample: {escape(self.counterexample)}</div>")
        return "<div>" + "\n".join(rows) + "</div>"

    def _repr_markdown_(self):
        lines = [f"**{self.status}** {self.problem}: `{self.answer}`", "", self.message]
        lines += [f"- note: {note}" for note in self.notes]
        if self.counterexample:
            lines.append(f"- counterexample: {self.counterexample}")
        return "\n".join(lines) + "\n"


class KernelDisplay:
    """A Kernel: its name, what it computes, and the generated code."""

    def _signature(self):
        """What the kernel takes and gives, from its own parameters and their shapes."""
        shapes = ", ".join(f"{p}: ({', '.join(shape)})" if shape else f"{p}: scalar"
                           for p, shape in self.params.items())
        return f"loss(params, X, y), grad(params, X, y) -> a dict like params {{{shapes}}}"

    def __repr__(self):
        return f"<Kernel {self.name}: {self._signature()}>"

    def _repr_markdown_(self):
        return (f"**Kernel {self.name}**: `{self._signature()}`, generated from the "
                f"derivation\n\n```python\n{self.source.rstrip()}\n```\n")
