"""Chinese fonts for every PDF and figure ringtrace writes, embedded, never fetched.

reportlab embeds only TrueType-outline (``glyf``) fonts; its built-in CID fonts
(STSong-Light) are *not* embedded, so a police officer's PDF reader would have to
supply them. The fonts on offer are often not in that form: the PyPI package
``justmytype-intl-cjk`` ships Google's variable ``NotoSansSC[wght].ttf`` whose
default instance is Thin, and Debian's ``fonts-noto-cjk`` ships CFF collections.
So a found font is *prepared* once: instanced at Regular and Bold (variable fonts),
converted to quadratic TrueType outlines (CFF fonts), and cached as a static TTF.
Matplotlib is pointed at the same files, so figures and text match.

Search order: ``$RINGTRACE_CJK_FONT`` (a .ttf/.otf/.ttc path), the
``justmytype_intl_cjk`` package, then Debian's Noto CJK, WenQuanYi, Droid and AR PL
fonts. The prepared files go to ``$RINGTRACE_FONT_CACHE`` or
``~/.cache/ringtrace/fonts`` (the first use takes about 30 s of CPU for both weights;
later runs load the cached files at once).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ringtrace.errors import RingtraceError

__all__ = [
    "FontMissing",
    "CJKFont",
    "FONT",
    "FONT_BOLD",
    "cjk_font",
    "register_reportlab",
    "matplotlib_fonts",
]

FONT = "RingtraceSans"
FONT_BOLD = "RingtraceSans-Bold"

# Characters every prepared font must draw; a Latin-only face fails this check.
_PROBE = "涉嫌犯罪案件移送书数额较大统筹基金"

_SYSTEM_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


class FontMissing(RingtraceError):
    """No font that can draw Chinese was found, or the one named cannot be used."""


@dataclass(frozen=True)
class CJKFont:
    """Static TrueType files ready for reportlab and matplotlib."""

    regular: Path
    bold: Path
    source: str  # the file it was prepared from, for messages


def _package_font() -> Path | None:
    try:
        from importlib.resources import files

        path = Path(str(files("justmytype_intl_cjk") / "fonts" / "ofl" / "notosanssc" / "NotoSansSC[wght].ttf"))
    except (ModuleNotFoundError, TypeError):
        return None
    return path if path.is_file() else None


def _candidates() -> list[Path]:
    found: list[Path] = []
    pkg = _package_font()
    if pkg:
        found.append(pkg)
    found += [Path(p) for p in _SYSTEM_FONTS if Path(p).is_file()]
    return found


def _cache_dir() -> Path:
    env = os.environ.get("RINGTRACE_FONT_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "ringtrace" / "fonts"


def _face_index(path: Path) -> int:
    """In a collection, the Simplified Chinese face (Noto CJK puts JP first)."""
    if path.suffix.lower() != ".ttc":
        return 0
    from fontTools.ttLib import TTCollection

    coll = TTCollection(str(path), lazy=True)
    for i, face in enumerate(coll.fonts):
        family = str(face["name"].getDebugName(1) or "")
        if family.endswith(" SC") and "Mono" not in family:
            return i
    return 0


def _cff_to_glyf(font) -> None:
    """Replace CFF outlines by quadratic TrueType ones, in place (what reportlab needs)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in font.getGlyphOrder():
        pen = TTGlyphPen(glyph_set)
        # reverse_direction: cubic (CFF) contours run counter-clockwise, TrueType clockwise
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = font.getGlyphOrder()
    glyf.glyphs = glyphs
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    maxp.maxPoints = maxp.maxContours = maxp.maxCompositePoints = maxp.maxCompositeContours = 0
    head = font["head"]
    head.indexToLocFormat = 0
    head.glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = font.getGlyphOrder()
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True


def _prepare(src: Path, weight: int) -> Path:
    """A static TrueType-outline file for ``src`` at ``weight``; cached by source identity."""
    stat = src.stat()
    key = hashlib.sha256(f"{src.resolve()}|{stat.st_size}|{int(stat.st_mtime)}|{weight}|v1".encode()).hexdigest()[:16]
    cache = _cache_dir()
    target = cache / f"{src.stem.replace('[', '').replace(']', '')}-{weight}-{key}.ttf"
    if target.is_file():
        return target
    from fontTools.ttLib import TTFont

    # once per machine, and long enough (15-30 s a weight) to look like a hang without a word
    print(f"ringtrace: 首次使用,正在准备中文字体 / preparing the Chinese font once ({src.name}, "
          f"weight {weight}) …", file=sys.stderr, flush=True)
    font = TTFont(str(src), fontNumber=_face_index(src), lazy=False)
    if "fvar" in font:
        from fontTools.varLib import instancer

        limits = {}
        for axis in font["fvar"].axes:
            value = axis.defaultValue
            if axis.axisTag == "wght":
                value = min(max(weight, axis.minValue), axis.maxValue)
            limits[axis.axisTag] = value
        font = instancer.instantiateVariableFont(font, limits)
    if "CFF " in font or "CFF2" in font:
        _cff_to_glyf(font)
    cmap = font.getBestCmap() or {}
    if any(ord(ch) not in cmap for ch in _PROBE):
        raise FontMissing(
            f"The font {src} cannot draw Chinese (it lacks characters such as 涉 and 移). "
            f"Point RINGTRACE_CJK_FONT at a Chinese font, or install the package "
            f"justmytype-intl-cjk (pip install justmytype-intl-cjk)."
        )
    try:
        cache.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache, suffix=".tmp")
    except OSError:  # read-only home: prepare into the temp folder instead
        cache = Path(tempfile.gettempdir()) / "ringtrace-fonts"
        cache.mkdir(parents=True, exist_ok=True)
        target = cache / target.name
        fd, tmp = tempfile.mkstemp(dir=cache, suffix=".tmp")
    os.close(fd)
    font.save(tmp)
    os.replace(tmp, target)
    return target


@lru_cache(maxsize=1)
def cjk_font() -> CJKFont:
    """Find and prepare the Chinese font (Regular and Bold), once per process.

    Raises
    ------
    FontMissing
        when no usable font exists, with what to install.
    """
    env = os.environ.get("RINGTRACE_CJK_FONT")
    if env:
        src = Path(env)
        if not src.is_file():
            raise FontMissing(
                f"RINGTRACE_CJK_FONT names {src}, which is not a file. Point it at a Chinese "
                f".ttf/.otf/.ttc font, or unset it to use the installed Noto Sans SC."
            )
        sources = [src]
    else:
        sources = _candidates()
    if not sources:
        raise FontMissing(
            "No Chinese font was found, so the PDF cannot be written (reportlab's built-in "
            "Chinese fonts are not embedded and would not display on another computer). Install "
            "the Python package justmytype-intl-cjk (pip install justmytype-intl-cjk), or "
            "Debian's fonts-noto-cjk, or set RINGTRACE_CJK_FONT to a Chinese .ttf/.otf file."
        )
    errors = []
    for src in sources:
        try:
            regular = _prepare(src, 400)
            bold_src = src.with_name(src.name.replace("Regular", "Bold"))
            if bold_src != src and bold_src.is_file():
                bold = _prepare(bold_src, 700)
            else:
                bold = _prepare(src, 700) if _is_variable(src) else regular
            return CJKFont(regular=regular, bold=bold, source=str(src))
        except FontMissing as e:
            errors.append(str(e))
        except Exception as e:  # a damaged file: try the next one, report all at the end
            errors.append(f"{src}: {type(e).__name__}: {e}")
    raise FontMissing("No usable Chinese font: " + " | ".join(errors))


def _is_variable(src: Path) -> bool:
    from fontTools.ttLib import TTFont

    font = TTFont(str(src), fontNumber=_face_index(src), lazy=True)
    return "fvar" in font


def register_reportlab() -> tuple[str, str]:
    """Register the font with reportlab (idempotent); returns (regular, bold) names."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        font = cjk_font()
        pdfmetrics.registerFont(TTFont(FONT, str(font.regular)))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(font.bold)))
        addMapping(FONT, 0, 0, FONT)
        addMapping(FONT, 1, 0, FONT_BOLD)
        addMapping(FONT, 0, 1, FONT)
        addMapping(FONT, 1, 1, FONT_BOLD)
    return FONT, FONT_BOLD


@lru_cache(maxsize=1)
def _matplotlib_family() -> str:
    """Add the prepared files to matplotlib's font list once per process; their family name."""
    from matplotlib import font_manager

    font = cjk_font()
    for path in (font.regular, font.bold):
        font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(font.regular)).get_name()


@contextmanager
def matplotlib_fonts():
    """rc settings under which matplotlib draws Chinese with the same font (no global change)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import rc_context

    family = _matplotlib_family()
    with rc_context({
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,
    }):
        yield family
