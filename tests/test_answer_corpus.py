"""A broad corpus of answers as students type them (tests/data/answer_corpus.txt: every
class of issue 8, every problem), each with the verdict worked out by hand. Measured and
printed: the share of correct answers read and judged correct, and the share of wrong
answers whose notes name the mistake. Asserted: no wrong answer is ever accepted, no right
one is called wrong, and both shares meet the issue's targets."""
import re
from pathlib import Path

import derivator

CORPUS = Path(__file__).resolve().parent / "data" / "answer_corpus.txt"
CLASSES = {"lhs", "bold", "implicit", "transpose", "function", "sum", "unicode", "wrap",
           "entry", "time", "plain", "several"}
PROBLEMS = {"p1a", "p1b", "p1c", "p2", "p3", "p4", "p5", "p6", "p7a", "p7b"}
TARGET = 0.9


def rows():
    out = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        problem, expected, kind, phrases, answer = (part.strip() for part in
                                                    re.split(r"\s*:::\s*", line, 4))
        out.append((problem, expected, kind, [p for p in phrases.split("|") if p], answer))
    return out


def test_the_corpus_is_broad():
    corpus = rows()
    assert len(corpus) >= 150
    assert {r[2] for r in corpus} == CLASSES
    assert {r[0] for r in corpus} == PROBLEMS
    for problem in PROBLEMS:
        statuses = {r[1] for r in corpus if r[0] == problem}
        assert statuses == {"correct", "incorrect"}, problem
    assert all(r[3] for r in corpus if r[1] == "incorrect")


def test_shares_of_answers_read_and_of_mistakes_named():
    right, named, misread, accepted = [], [], [], []
    for problem, expected, kind, phrases, answer in rows():
        verdict = derivator.check(problem, answer)
        said = verdict.message + " " + " ".join(verdict.notes)
        if expected == "correct":
            right.append(verdict.status == "correct")
            if verdict.status == "incorrect":
                misread.append((problem, answer, verdict.message, verdict.read_as))
        else:
            named.append(verdict.status == "incorrect" and all(p in said for p in phrases))
            if verdict.status == "correct":
                accepted.append((problem, answer))
            if not named[-1]:
                print(f"  not named: {problem} {answer!r}: {verdict.status}: {said}")
        if expected == "correct" and verdict.status != "correct":
            print(f"  not read as right: {problem} {answer!r}: {verdict.status}: "
                  f"{verdict.message}")
    read_share, named_share = sum(right) / len(right), sum(named) / len(named)
    print(f"\ncorrect answers read and judged correct: {sum(right)}/{len(right)} = "
          f"{read_share:.1%}")
    print(f"wrong answers whose notes name the mistake: {sum(named)}/{len(named)} = "
          f"{named_share:.1%}")
    assert not accepted, accepted            # a wrong answer is never accepted
    assert not misread, misread              # nor a right one called wrong
    assert read_share >= TARGET and named_share >= TARGET
