"""The catalogue of messages: every key in both languages with the same placeholders,
Korean particles that follow how a formula is read aloud, and the checker's English
sentences read back and written in Korean."""
import importlib
import pkgutil
import string

import pytest

import derivator
from derivator.render.catalogue import MESSAGES, add, fill, particle, say, translate


def _placeholders(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _pairs():
    """Every {"en": …, "ko": …} pair in the package: the catalogue's, and those other
    modules keep beside their code (gradcheck's, the batch's, the routes' titles)."""
    yield from (("catalogue", key, entry) for key, entry in MESSAGES.items())
    for info in pkgutil.walk_packages(derivator.__path__, "derivator."):
        if info.name.endswith(("__main__", "catalogue")):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, dict) and not name.startswith("_"):
                for key, entry in value.items():
                    if isinstance(entry, dict) and "en" in entry and \
                            isinstance(entry["en"], str):
                        yield info.name, f"{name}[{key}]", entry


PAIRS = list(_pairs())


def test_the_catalogue_is_large_and_keyed():
    assert len(MESSAGES) > 300
    assert all("." in key for key in MESSAGES)          # area.name: check.differs


@pytest.mark.parametrize("where, key, entry", PAIRS, ids=[f"{w}:{k}" for w, k, _ in PAIRS])
def test_every_message_has_both_languages_with_the_same_placeholders(where, key, entry):
    assert set(entry) >= {"en", "ko"}, f"{where} {key} lacks a language"
    assert entry["en"].strip() and entry["ko"].strip(), f"{where} {key} is empty"
    assert _placeholders(entry["en"]) == _placeholders(entry["ko"]), (where, key)


def test_a_key_lacking_korean_is_found():
    """The test above fails on such an entry (checked here on a made-up one)."""
    entry = {"en": "a sentence"}
    assert not set(entry) >= {"en", "ko"}


@pytest.mark.parametrize("word, subject, object_", [
    ("1/m", "1/m은", "1/m을"),          # read "m분의 1": it ends in 일
    ("1/N", "1/N은", "1/N을"),
    ("X", "X는", "X를"), ("Xᵀw", "Xᵀw는", "Xᵀw를"), ("σ(z)", "σ(z)는", "σ(z)를"),
    ("2w", "2w는", "2w를"), ("λ", "λ는", "λ를"),
    ("M", "M은", "M을"), ("n", "n은", "n을"), ("l", "l은", "l을"),   # 엠, 엔, 엘
    ("(XᵀX)⁻¹", "(XᵀX)⁻¹은", "(XᵀX)⁻¹을"),                          # 역행렬
    ("x²", "x²은", "x²을"),                                          # 제곱
    ("3", "3은", "3을"), ("2", "2는", "2를"), ("10", "10은", "10을"),
    ("샘플", "샘플은", "샘플을"), ("기울기", "기울기는", "기울기를"),
])
def test_korean_particles_follow_how_the_word_is_read(word, subject, object_):
    assert fill("{c}는", "ko", c=word) == subject
    assert fill("{c}을", "ko", c=word) == object_


def test_particles_with_and_by():
    assert particle("1", "로") == "로" and particle("X", "으로") == "로"     # 일로, 엑스로
    assert particle("값", "로") == "으로" and particle("M", "로") == "으로"
    assert fill("{a}와 {b}", "ko", a="A", b="B") == "A와 B"
    assert fill("{a}와 {b}", "ko", a="M", b="B") == "M과 B"


def test_english_templates_are_left_alone():
    assert fill("{c} is constant", "en", c="1/m") == "1/m is constant"


def test_say_fills_a_message():
    assert say("check.differs", "ko") == "유도한 결과와 다르다"
    assert say("note.factor", "en", factor="2") == \
        "off by a constant factor: your answer is 2 times the right one"


@pytest.mark.parametrize("english, korean", [
    ("it differs from the derivation's result", "유도한 결과와 다르다"),
    ("missing the term 2 w of the gradient (the regularisation)",
     "기울기의 항 2 w가 빠졌다 (정규화 항)"),                 # a message inside a message
    ("right only when X is symmetric; in general it is not",
     "X가 대칭일 때만 맞고, 일반적으로는 틀리다"),
    ("column 4: the answer ends where a value was expected",
     "4번째 글자: 값이 와야 할 곳에서 답이 끝난다"),
    ("the first wrong step is at line 2; some lines could not be read (marked ?)",
     "처음 틀린 단계는 2번째 줄이다; 읽지 못한 줄이 있다 (? 표시)"),
    ("at D = 2 with w = [1, 2]ᵀ: your answer gives 3 but the right answer is 4",
     "D = 2, w = [1, 2]ᵀ에서 제출한 답은 3이지만 정답은 4이다"),
    ("your answer is a 1×D row vector; the answer is a D×1 column vector",
     "제출한 답은 1×D 행 벡터인데, 정답은 D×1 열 벡터이다"),
])
def test_the_checkers_sentences_in_korean(english, korean):
    assert translate(english, "ko") == korean
    assert translate(english, "en") == english


def test_a_sentence_the_catalogue_does_not_know_is_left_as_it_is():
    assert translate("a sentence nobody wrote", "ko") == "a sentence nobody wrote"


def test_a_sentence_with_with_in_it_is_not_read_as_a_counterexample_place():
    """"{sizes} with {inputs}" is read only inside a counterexample."""
    text = "it agrees with the derivation at 7 random points, at 2 sizes"
    assert translate(text, "ko") == "임의의 점 7개, 크기 2가지에서 유도한 결과와 일치한다"


def test_another_modules_messages_can_be_added():
    add({"test.added": {"en": "the {thing} was added", "ko": "{thing}를 더했다"}})
    try:
        assert translate("the sum was added", "ko") == "sum을 더했다"
    finally:
        del MESSAGES["test.added"]
        add({})
