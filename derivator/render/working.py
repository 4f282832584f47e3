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
    student's text."""
    from ..answers.read.notation import LABELS
    from .catalogue import english
    words, say, status = WORKING[lang], english(lang), LABELS[lang]
    console = Console(file=out, highlight=False, soft_wrap=True)     # wrapped by the terminal,
    head = Text(f"{verdict['problem']}: {status.get(verdict['status'], verdict['status'])}: "
                f"{say(verdict['message'])}")
    head.stylize("bold")
    console.print(head)
    console.print(Text(words["legend"], style="dim"))
    lines = verdict.get("lines") or []
    width = max((len(str(r["line"])) for r in lines), default=1)
    for row in lines:
        mark, style = MARKS.get(row["status"], ("?", "yellow"))
        text = Text(f" {mark} ", style=style)
        text.append(f"{row['line']:>{width}}  {row['text']}")
        console.print(text)
        if row.get("read_as"):
            console.print(Text(f"   {' ' * width}  {words['read_as']}: {row['read_as']}",
                               style="dim"))
        if row["status"] in ("wrong", "unreadable") and row.get("note"):
            console.print(Text(f"   {' ' * width}  {say(row['note'])}", style=style))
    first = verdict.get("first_wrong_line")
    if first is not None:
        row = next(r for r in lines if r["line"] == first)
        console.print(Text(f"\n{words['first_wrong']}: {words['line']} {first}", style="bold red"))
        step = verdict.get("first_wrong_step") or {}
        if step.get("before") and step["from_line"] != step["line"]:
            console.print(Text(f"  {words['line']} {step['from_line']}: {step['before']}"))
        if step.get("after"):
            console.print(Text(f"  {words['line']} {step['line']}: {step['after']}"))
        console.print(Text(f"  {words['why']}: {say(row['note'])}"))
        if verdict.get("counterexample"):
            console.print(Text(f"  {words['counterexample']}: {say(verdict['counterexample'])}"))
    flags = [(r["line"], f) for r in lines for f in r.get("flags", [])]
    if flags:
        console.print(Text(f"\n{words['flags']}:", style="bold"))
        for number, flag in flags:
            console.print(Text(f"  {words['line']} {number}: {say(flag)}"))
    final = verdict.get("final")
    if final:
        console.print(Text(f"\n{words['answer']}: {status.get(final['status'], final['status'])}"
                           f": {say(final['message'])}"))
        for note in final.get("notes", []):
            console.print(Text(f"  {status['note']}: {say(note)}"))
