"""Draw the program's emblem and write resources/icons/app.ico.

    python scripts/make_icon.py

A red round badge with a gold ring and 综 in white, drawn with the bundled
WenQuanYi Micro Hei; the .ico holds 16 to 256 pixels. Run again only to change
the emblem; the files are committed.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
SIZES = [16, 24, 32, 48, 64, 128, 256]
RED, GOLD, WHITE = (183, 28, 28, 255), (255, 193, 7, 255), (255, 255, 255, 255)


def emblem(size: int = 1024) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = size // 32
    draw.ellipse((margin, margin, size - margin, size - margin), fill=GOLD)
    ring = size // 14
    draw.ellipse((margin + ring, margin + ring, size - margin - ring, size - margin - ring),
                 fill=RED)
    font = ImageFont.truetype(str(FONT), int(size * 0.56), index=0)
    draw.text((size / 2, size / 2), "综", font=font, fill=WHITE, anchor="mm")
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    big = emblem()
    big.save(ICONS / "app.ico", sizes=[(s, s) for s in SIZES])
    print(f"wrote {ICONS / 'app.ico'} ({(ICONS / 'app.ico').stat().st_size} bytes)")


if __name__ == "__main__":
    main()
