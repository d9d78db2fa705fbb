"""The command line never crashes on text its console cannot encode."""

from __future__ import annotations

import io

import pytest

from desktop import cli


def _stream(encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict")


@pytest.mark.parametrize(("encoding", "after"), [
    ("ascii", "utf-8"), ("latin-1", "utf-8"), ("cp936", "cp936"), ("utf-8", "utf-8"),
])
def test_every_console_writes_chinese_without_raising(encoding: str, after: str) -> None:
    stream = _stream(encoding)
    cli.speak_chinese(stream)
    assert stream.encoding.replace("_", "-").lower() == after
    # A rare character outside GBK and a lone surrogate (a broken file name) as well.
    stream.write("王𠀀英 C:\\数据\\\udcff.xlsx\n")
    stream.flush()
    written = stream.buffer.getvalue()  # type: ignore[attr-defined]
    assert "王".encode(after) in written


def test_a_command_prints_chinese_to_an_ascii_console(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    out, err = _stream("ascii"), _stream("ascii")
    monkeypatch.setattr(cli.sys, "stdout", out)
    monkeypatch.setattr(cli.sys, "stderr", err)
    assert cli.main(["backup", "restore", "不存在的备份𠀀.sqlite3"]) == 2
    err.flush()
    assert "不存在的备份" in err.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]
