"""The HTML page: self-contained (no script, nothing fetched), every step's rule and
explanation, and, in a real headless Chromium at 800 px, every formula rendered as a box
of non-zero size and no horizontal scrolling. Chromium is installed by .ci/run; without
it the browser tests skip and say so."""
import io
import json
import re
import shutil
import subprocess
from html import unescape

import pytest

import derivator
from derivator import cli
from derivator.render import captioned

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed "
                                    "(Debian: chromium)")

# Added to a copy of the page by the test only: measures the layout after loading.
MEASURE = """<script>
window.addEventListener("load", () => {
  const boxes = [...document.querySelectorAll("math")].map(m => m.getBoundingClientRect());
  const out = {formulas: boxes.length,
               empty: boxes.filter(b => !(b.width > 0 && b.height > 0)).length,
               scrollWidth: document.documentElement.scrollWidth,
               clientWidth: document.documentElement.clientWidth,
               mathml: typeof MathMLElement !== "undefined"};
  const pre = document.createElement("pre");
  pre.id = "measured";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def _page(argv):
    out = io.StringIO()
    assert cli.main(argv, out=out) == 0
    return out.getvalue()


def _chromium(tmp_path, page, *flags):
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    run = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                          "--hide-scrollbars", "--window-size=800,1000",
                          "--virtual-time-budget=10000", *flags, path.as_uri()],
                         capture_output=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-2000:]
    return run.stdout.decode("utf-8", errors="replace")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_is_self_contained_and_explains_every_step(lang):
    page = _page(["handout", "--format", "html", "--lang", lang])
    assert "<script" not in page and not re.search(r"(src|href)=\"(https?:)?//", page)
    assert page.count("<details open>") >= len(derivator.catalog())
    text = unescape(page)
    for name in derivator.catalog():
        for _, _, heading, steps in captioned(derivator.derive(name), lang):
            assert heading in text
            for label, _, _, rule, explanation in steps:
                assert f">{rule}<" in text and f">{explanation}<" in text, (name, label)


def test_every_step_has_mathml():
    page = _page(["show", "p7b", "--format", "html"])
    steps = page.count('class="step"')
    assert steps == len(derivator.derive("p7b").steps)
    assert page.count('<math display="block">') == steps + 1          # and the result


@needs_chromium
def test_formulas_render_without_horizontal_scroll_at_800px(tmp_path):
    page = _page(["handout", "--format", "html"]).replace("</body>", MEASURE + "</body>")
    dom = _chromium(tmp_path, page, "--dump-dom")
    measured = json.loads(unescape(re.search(r'<pre id="measured">(.*?)</pre>', dom).group(1)))
    assert measured["mathml"]
    assert measured["formulas"] == page.count("<math ")
    assert measured["empty"] == 0
    assert measured["scrollWidth"] <= measured["clientWidth"] <= 800


@needs_chromium
def test_screenshot_of_a_korean_derivation(tmp_path):
    page = _page(["show", "bce", "--format", "html", "--lang", "ko"])
    _chromium(tmp_path, page, "--screenshot=" + str(tmp_path / "bce.png"))
    png = (tmp_path / "bce.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
