"""A judged working for the terminal: each line with its mark (✓ follows, ✗ wrong,
? could not be read, · starts a chain), the first wrong step explained below it, and
the last line's verdict as the answer. Works on the verdict's dict, so a verdict that
comes back from a worker process renders the same."""
from rich.console import Console
from rich.text import Text


# the labels around a judged working, in English and Korean
WORKING = {
    "en": {"working": "Working", "read_as": "read as", "first_wrong": "First wrong step",
           "line": "line", "why": "why", "counterexample": "counterexample",
           "answer": "The last line as the answer", "flags": "For a person to look at",
           "legend": "✓ follows  ✗ wrong  ? could not be read  · starts a chain"},
    "ko": {"working": "풀이", "read_as": "읽은 식", "first_wrong": "처음 틀린 단계",
           "line": "줄", "why": "이유", "counterexample": "반례",
           "answer": "마지막 줄을 답으로 채점", "flags": "사람이 확인할 부분",
           "legend": "✓ 앞 줄에서 나옴  ✗ 틀림  ? 읽지 못함  · 새 식의 시작"},
}

MARKS = {"follows": ("✓", "green"), "wrong": ("✗", "bold red"), "unreadable": ("?", "yellow"),
         "start": ("·", "dim")}


def render_working(verdict, out, lang="en"):
    """Print `verdict` (WorkingVerdict.as_dict()) on `out`; no markup is read from the
    student's text. Long lines wrap under their own text (a hanging indent), so that a
    continuation never starts at column 0 and "read as:" stays readable."""
    from ..answers.read.notation import LABELS
    from .catalogue import english, read_as_text
    from .terminal import MIN_WIDTH, display_width, wrap, wrap_items
    words, say, status = WORKING[lang], english(lang), LABELS[lang]
    console = Console(file=out, highlight=False)
    columns = max(console.width, MIN_WIDTH)

    def show(prefix, text, style=None, lead=""):
        """`lead` + `prefix` + text, its continuation lines indented under the text."""
        hang = display_width(prefix)
        rows = wrap(text, max(columns - hang, 12)) if text else [""]
        block = [prefix + rows[0]] + [" " * hang + row for row in rows[1:]]
        console.print(Text(lead + "\n".join(block), style=style), soft_wrap=True)

    show("", f"{verdict['problem']}: {status.get(verdict['status'], verdict['status'])}: "
             f"{say(verdict['message'])}", style="bold")
    for line in wrap_items(words["legend"].split("  "), columns, "  "):
        console.print(Text(line, style="dim"), soft_wrap=True)
    lines = verdict.get("lines") or []
    width = max((len(str(r["line"])) for r in lines), default=1)
    pad = f"   {' ' * width}  "
    for row in lines:
        mark, style = MARKS.get(row["status"], ("?", "yellow"))
        hang = display_width(f" {mark} {row['line']:>{width}}  ")
        rows = wrap(row["text"], max(columns - hang, 12))
        text = Text(f" {mark} ", style=style)
        text.append(f"{row['line']:>{width}}  " + f"\n{' ' * hang}".join(rows))
        console.print(text, soft_wrap=True)
        if row.get("read_as"):
            show(f"{pad}{words['read_as']}: ", read_as_text(row["read_as"], lang), style="dim")
        if row["status"] in ("wrong", "unreadable") and row.get("note"):
            show(pad, say(row["note"]), style=style)
    first = verdict.get("first_wrong_line")
    if first is not None:
        row = next(r for r in lines if r["line"] == first)
        show("", f"{words['first_wrong']}: {words['line']} {first}", style="bold red", lead="\n")
        step = verdict.get("first_wrong_step") or {}
        if step.get("before") and step["from_line"] != step["line"]:
            show(f"  {words['line']} {step['from_line']}: ", step["before"])
        if step.get("after"):
            show(f"  {words['line']} {step['line']}: ", step["after"])
        show(f"  {words['why']}: ", say(row["note"]))
        if verdict.get("counterexample"):
            show(f"  {words['counterexample']}: ", say(verdict["counterexample"]))
    flags = [(r["line"], f) for r in lines for f in r.get("flags", [])]
    if flags:
        show("", f"{words['flags']}:", style="bold", lead="\n")
        for number, flag in flags:
            show(f"  {words['line']} {number}: ", say(flag))
    final = verdict.get("final")
    if final:
        show(f"{words['answer']}: ", f"{status.get(final['status'], final['status'])}: "
                                     f"{say(final['message'])}", lead="\n")
        for note in final.get("notes", []):
            show(f"  {status['note']}: ", say(note))
