"""The build-time helpers that keep the bundle small: installer/fontface.py (one face of
AR PL UMing), installer/icudata.py (ICU's data package) and installer/slim.py (libraries
nothing links). tests/test_bundle_build.py builds the real bundle with them."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from reportlab.pdfbase.ttfonts import TTFontFile

from desktop import paths

ROOT = Path(__file__).resolve().parent.parent
QT_LIB = Path(importlib.util.find_spec("PySide6").origin).parent / "Qt" / "lib"  # type: ignore[union-attr, arg-type]
ICU_DATA = QT_LIB / "libicudata.so.73"
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF libraries")


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "installer" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


fontface, icudata, slim = _load("fontface"), _load("icudata"), _load("slim")


def test_the_serif_font_keeps_every_glyph_of_the_face_the_documents_use(tmp_path: Path) -> None:
    source = paths.resource("fonts", "ar-pl-uming.ttc")
    single = fontface.one_face(source, tmp_path / "ar-pl-uming.ttc")
    assert single.stat().st_size < source.stat().st_size - 3_000_000
    full, one = TTFontFile(str(source), subfontIndex=0), TTFontFile(str(single), subfontIndex=0)
    assert one.numSubfonts == 1
    assert one.charToGlyph == full.charToGlyph
    assert (one.name, one.ascent, one.descent, one.bbox, one.defaultWidth) == \
        (full.name, full.ascent, full.descent, full.bbox, full.defaultWidth)
    assert "EBDT" not in one.table and "glyf" in one.table
    # What ReportLab embeds in a PDF is the same, byte for byte, rare characters included.
    glyphs = [full.charToGlyph[ord(ch)] for ch in "人民调解协议书甲乙双方龘𠀀" if ord(ch) in
              full.charToGlyph]
    assert one.makeSubset(glyphs) == full.makeSubset(glyphs)


def test_a_font_file_that_is_no_collection_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain.ttf"
    plain.write_bytes(b"\0\1\0\0" + b"\0" * 60)
    with pytest.raises(ValueError, match="not a TrueType collection"):
        fontface.one_face(plain, tmp_path / "out.ttc")


@linux_only
def test_icu_data_package_is_rebuilt_byte_for_byte() -> None:
    symbol, package = icudata.symbol_data(ICU_DATA)
    assert symbol == "icudt73_dat"
    header, items = icudata.items(package)
    assert len(items) > 3000
    assert icudata.package(header, items) == package


def test_icu_keeps_chinese_and_english_and_what_qt_reads() -> None:
    kept = ["icudt73l/root.res", "icudt73l/zh.res", "icudt73l/zh_Hans_CN.res",
            "icudt73l/en_GB.res", "icudt73l/coll/zh.res", "icudt73l/coll/ucadata.icu",
            "icudt73l/zone/zh_Hant.res", "icudt73l/zone/pool.res", "icudt73l/zoneinfo64.res",
            "icudt73l/supplementalData.res", "icudt73l/cnvalias.icu", "icudt73l/gb18030.cnv",
            "icudt73l/windows-936-2000.cnv", "icudt73l/ibm-5348_P100-1997.cnv",
            "icudt73l/res_index.res", "icudt73l/likelySubtags.res"]
    dropped = ["icudt73l/fr.res", "icudt73l/coll/ko.res", "icudt73l/zone/ja.res",
               "icudt73l/brkitr/cjdict.dict", "icudt73l/translit/root.res",
               "icudt73l/lang/zh.res", "icudt73l/curr/pool.res", "icudt73l/ibm-37_P100-1995.cnv",
               "icudt73l/yue.res"]
    assert [name for name in kept if not icudata.wanted(name)] == []
    assert [name for name in dropped if icudata.wanted(name)] == []


@linux_only
def test_needed_reads_the_libraries_a_binary_links() -> None:
    core = QT_LIB / "libQt6Core.so.6"
    assert {"libicuuc.so.73", "libicudata.so.73"} <= set(slim.needed(core))
    readelf = subprocess.run(["readelf", "-d", str(core)], capture_output=True, text=True)
    if readelf.returncode == 0:
        listed = [line.split("[")[1].split("]")[0] for line in readelf.stdout.splitlines()
                  if "(NEEDED)" in line]
        assert slim.needed(core) == listed
    assert slim.needed(ROOT / "README.md") == []


@linux_only
def test_only_top_level_libraries_nothing_links_are_left_out() -> None:
    binaries = [
        ("PySide6/Qt/lib/libQt6Core.so.6", str(QT_LIB / "libQt6Core.so.6"), "BINARY"),
        # linked by Qt Core: stays
        ("libicuuc.so.73", str(QT_LIB / "libicuuc.so.73"), "BINARY"),
        # linked by libicuuc only: stays through it
        ("libicudata.so.73", str(ICU_DATA), "BINARY"),
        # nothing links Qt Widgets here: a top-level library that goes
        ("libQt6Widgets.so.6", str(QT_LIB / "libQt6Widgets.so.6"), "BINARY"),
        # in a package's own folder: never a candidate
        ("PySide6/Qt/lib/libQt6Pdf.so.6", str(QT_LIB / "libQt6Pdf.so.6"), "BINARY"),
    ]
    assert slim.unreachable(binaries) == {"libQt6Widgets.so.6"}
