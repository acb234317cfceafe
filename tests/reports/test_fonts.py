"""Finding and preparing the CJK font: clear errors, CFF fonts made usable by reportlab."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest
from fontTools.ttLib import TTFont

from reports import fonts
from reports.fonts import FontMissing, _PROBE, cjk_font


@pytest.fixture
def fresh_lookup(monkeypatch, tmp_path):
    """An empty font cache and no memoised answer; the real lookup is restored afterwards."""
    monkeypatch.setenv("RINGTRACE_FONT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("RINGTRACE_CJK_FONT", raising=False)
    cjk_font.cache_clear()
    yield monkeypatch
    cjk_font.cache_clear()


def tiny_cff_font(path: Path) -> Path:
    """A CFF-outline OpenType font drawing the probe characters (like Debian's Noto CJK)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    chars = _PROBE + "A1"
    names = [".notdef"] + [f"uni{ord(c):04X}" for c in chars]
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in chars})

    def glyph():
        pen = T2CharStringPen(600, None)
        pen.moveTo((100, 100))
        pen.lineTo((100, 700))
        pen.curveTo((200, 800), (400, 800), (500, 700))
        pen.lineTo((500, 100))
        pen.closePath()
        return pen.getCharString()

    fb.setupCFF("TinyCJK-Regular", {"FullName": "Tiny CJK"}, {n: glyph() for n in names}, {})
    fb.setupHorizontalMetrics({n: (600, 100) for n in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Tiny CJK", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    fb.save(str(path))
    return path


def test_the_installed_font_is_static_truetype_with_chinese():
    font = cjk_font()
    for path in (font.regular, font.bold):
        f = TTFont(str(path))
        assert "glyf" in f and "fvar" not in f and "CFF " not in f
        cmap = f.getBestCmap()
        assert all(ord(c) in cmap for c in _PROBE)
    assert TTFont(str(font.bold))["OS/2"].usWeightClass > TTFont(str(font.regular))["OS/2"].usWeightClass


def test_no_font_at_all_says_what_to_install(fresh_lookup):
    fresh_lookup.setattr(fonts, "_candidates", lambda: [])
    with pytest.raises(FontMissing, match="justmytype-intl-cjk"):
        cjk_font()


def test_named_font_that_is_not_a_file(fresh_lookup, tmp_path):
    fresh_lookup.setenv("RINGTRACE_CJK_FONT", str(tmp_path / "nope.ttf"))
    with pytest.raises(FontMissing, match="not a file"):
        cjk_font()


def test_latin_only_font_is_refused(fresh_lookup):
    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    fresh_lookup.setenv("RINGTRACE_CJK_FONT", str(dejavu))
    with pytest.raises(FontMissing, match="cannot draw Chinese"):
        cjk_font()


def test_cff_font_is_converted_for_reportlab(fresh_lookup, tmp_path):
    src = tiny_cff_font(tmp_path / "TinyCJK-Regular.otf")
    fresh_lookup.setenv("RINGTRACE_CJK_FONT", str(src))
    font = cjk_font()
    prepared = TTFont(str(font.regular))
    assert "glyf" in prepared and "CFF " not in prepared
    glyph = prepared["glyf"][f"uni{ord(_PROBE[0]):04X}"]
    assert glyph.numberOfContours == 1
    # reportlab accepts it (it refuses CFF outlines outright) and embeds it in a PDF
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont as RLFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(RLFont("TinyCJKTest", str(font.regular)))
    c = Canvas(str(tmp_path / "t.pdf"))
    c.setFont("TinyCJKTest", 12)
    c.drawString(50, 700, _PROBE)
    c.save()
    from pypdf import PdfReader

    assert _PROBE in PdfReader(str(tmp_path / "t.pdf")).pages[0].extract_text()
    # prepared once: a second lookup reuses the cached file
    cjk_font.cache_clear()
    assert cjk_font().regular == font.regular
