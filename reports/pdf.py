"""Shared reportlab (platypus) pieces: Chinese styles, tables that wrap, page furniture.

Every style uses the embedded CJK font from :mod:`reports.fonts`, and paragraphs
wrap with ``wordWrap="CJK"`` so Chinese lines break between any two characters.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Table, TableStyle

from reports.fonts import register_reportlab

__all__ = ["Styles", "styles", "para", "table", "png_image", "write_pdf", "esc", "zh_punct"]


_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}
_HALF_NEXT_TO_CJK = re.compile(f"(?<=[{_CJK}])[,:;()]|[,:;()](?=[{_CJK}])")


def zh_punct(text: str) -> str:
    """ASCII , : ; ( ) next to Chinese become full-width, as a Chinese document sets them.

    Numbers, times and ids are untouched.

    >>> zh_punct("经查,该团伙(R0001)合计 1,234.50 元,时段 09:00")
    '经查，该团伙（R0001）合计 1,234.50 元，时段 09:00'
    """
    return _HALF_NEXT_TO_CJK.sub(lambda m: _FULL[m.group(0)], text)


def esc(text) -> str:
    """Text safe inside a reportlab Paragraph (which reads a little XML), punctuated for Chinese."""
    return escape(zh_punct("" if text is None else str(text)))


@dataclass
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    indent: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    right: ParagraphStyle


def styles() -> Styles:
    regular, bold = register_reportlab()
    base = dict(fontName=regular, wordWrap="CJK", leading=17, fontSize=11)
    return Styles(
        title=ParagraphStyle("title", **{**base, "fontName": bold, "fontSize": 20, "leading": 28},
                             alignment=TA_CENTER, spaceAfter=6),
        subtitle=ParagraphStyle("subtitle", **base, alignment=TA_CENTER, spaceAfter=10),
        # headings stay on the page of what follows them
        h1=ParagraphStyle("h1", **{**base, "fontName": bold, "fontSize": 14, "leading": 20},
                          spaceBefore=10, spaceAfter=6, keepWithNext=1),
        h2=ParagraphStyle("h2", **{**base, "fontName": bold, "fontSize": 12}, spaceBefore=6, spaceAfter=4,
                          keepWithNext=1),
        body=ParagraphStyle("body", **base, spaceAfter=4),
        indent=ParagraphStyle("indent", **base, firstLineIndent=22, spaceAfter=4),
        small=ParagraphStyle("small", **{**base, "fontSize": 8.5, "leading": 12}, textColor=colors.HexColor("#444444")),
        cell=ParagraphStyle("cell", **{**base, "fontSize": 8.5, "leading": 11}),
        cell_right=ParagraphStyle("cell_right", **{**base, "fontSize": 8.5, "leading": 11}, alignment=TA_RIGHT),
        cell_head=ParagraphStyle("cell_head", **{**base, "fontName": bold, "fontSize": 8.5, "leading": 11}),
        right=ParagraphStyle("right", **base, alignment=TA_RIGHT),
    )


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph from plain text (escaped)."""
    return Paragraph(esc(text), style)


def table(rows: list[list], widths_mm: list[float], st: Styles, right_cols: tuple[int, ...] = (),
          bold_last: bool = False) -> Table:
    """A bordered table; the first row is the header and repeats on every page."""
    data = []
    for i, row in enumerate(rows):
        out = []
        for j, v in enumerate(row):
            if hasattr(v, "wrap"):
                out.append(v)
            elif i == 0 or (bold_last and i == len(rows) - 1):
                out.append(Paragraph(esc(v), st.cell_head))
            else:
                out.append(Paragraph(esc(v), st.cell_right if j in right_cols else st.cell))
        data.append(out)
    t = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1)
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return t


def png_image(png: bytes, width_mm: float) -> Image:
    """A PNG scaled to ``width_mm``, keeping its aspect ratio."""
    from reportlab.lib.utils import ImageReader

    w, h = ImageReader(io.BytesIO(png)).getSize()
    width = width_mm * mm
    return Image(io.BytesIO(png), width=width, height=width * h / w)


def write_pdf(path: Path, story: list, title: str, footer: str, author: str = "",
              page_label: str = "第 {} 页") -> Path:
    """Build ``story`` into an A4 PDF with page numbers and a footer line on every page."""
    regular, _ = register_reportlab()

    def furniture(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, page_label.format(doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm, title=title, author=author,
                            creator="ringtrace")
    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return path
