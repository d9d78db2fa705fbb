"""Where a file may be written and which file may be read: every refusal in its words.

The exports, the import and the restore check their paths here before anything is read
or written; the desk sees these messages next to the field.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.services import files
from desktop.services.errors import ValidationError

TOO_LONG = "名" * 200  # 600 bytes: more than a file name may have
# Pipes and the operating system's own words for a name too long: as on a Linux desk.
posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def refused(call: object, *args: object, **kwargs: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return caught.value.errors


@pytest.mark.parametrize("path", ["", "  ", "..", "/"])
def test_a_path_that_names_no_file_asks_for_a_file_name(path: str) -> None:
    assert refused(files.check_output_path, path) == {"out": "请指定要保存的文件名"}


def test_where_a_file_cannot_be_written_is_said_in_words(tmp_path: Path) -> None:
    a_file = tmp_path / "台账.xlsx"
    a_file.write_bytes(b"x")
    assert refused(files.check_output_path, tmp_path / "没有" / "台账.xlsx") == {
        "out": f"文件夹不存在：{tmp_path / '没有'}"}
    assert refused(files.check_output_path, a_file / "台账.xlsx", field="export") == {
        "export": f"{a_file} 不是文件夹"}
    assert refused(files.check_output_path, tmp_path) == {
        "out": f"{tmp_path} 是一个文件夹，请指定要保存的文件名"}


@posix_only
def test_a_pipe_or_a_name_too_long_is_no_place_to_write(tmp_path: Path) -> None:
    pipe = tmp_path / "管道"
    os.mkfifo(pipe)
    assert refused(files.check_output_path, pipe) == {
        "out": f"{pipe} 不是普通文件（可能是设备或管道），不能覆盖"}
    assert refused(files.check_output_path, tmp_path / TOO_LONG) == {
        "out": f"文件名过长：{tmp_path / TOO_LONG}"}


def test_a_new_file_or_an_existing_one_may_be_written(tmp_path: Path) -> None:
    existing = tmp_path / "月报.pdf"
    existing.write_bytes(b"%PDF")
    assert files.check_output_path(existing) == existing
    assert files.check_output_path(str(tmp_path / "新.pdf")) == tmp_path / "新.pdf"


def test_which_file_cannot_be_read_is_said_in_words(tmp_path: Path) -> None:
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    check = files.check_input_file
    assert refused(check, tmp_path / "没有.xlsx", max_bytes=10) == {
        "file": f"找不到文件：{tmp_path / '没有.xlsx'}"}
    assert refused(check, tmp_path, max_bytes=10) == {
        "file": f"{tmp_path} 是一个文件夹，请选择 文件"}
    assert refused(check, tmp_path, max_bytes=10, kind="备份文件", field="backup") == {
        "backup": f"{tmp_path} 是一个文件夹，请选择 备份文件"}
    assert refused(check, empty, max_bytes=10) == {"file": "文件是空的"}


@posix_only
def test_a_pipe_or_a_name_too_long_is_no_file_to_read(tmp_path: Path) -> None:
    pipe = tmp_path / "管道"
    os.mkfifo(pipe)
    assert refused(files.check_input_file, tmp_path / TOO_LONG, max_bytes=10) == {
        "file": f"文件名过长：{tmp_path / TOO_LONG}"}
    assert refused(files.check_input_file, pipe, max_bytes=10) == {
        "file": f"{pipe} 不是普通文件（可能是设备或管道），不能读取"}


def test_a_file_up_to_its_limit_is_read_and_one_byte_more_is_too_large(tmp_path: Path) -> None:
    limit = 3 * 1024 * 1024
    source = tmp_path / "导入.xlsx"
    with source.open("wb") as handle:
        handle.truncate(limit)
    assert files.check_input_file(source, max_bytes=limit) == source
    with source.open("r+b") as handle:
        handle.truncate(limit + 1)
    assert refused(files.check_input_file, source, max_bytes=limit) == {
        "file": "文件过大（超过 3 MB）"}
    one_byte = tmp_path / "一.txt"
    one_byte.write_bytes(b"1")
    assert files.check_input_file(one_byte, max_bytes=limit) == one_byte


def test_a_file_must_start_as_its_kind_does(tmp_path: Path) -> None:
    zipped = tmp_path / "导入.xlsx"
    zipped.write_bytes(b"PK\x03\x04rest")
    other = tmp_path / "改了名的.xlsx"
    other.write_bytes(b"%PDF-1.4")
    assert files.check_input_file(zipped, max_bytes=100, signature=b"PK\x03\x04") == zipped
    assert refused(files.check_input_file, other, max_bytes=100, signature=b"PK\x03\x04",
                   kind="Excel 文件") == {"file": "无法读取：不是有效的 Excel 文件"}
