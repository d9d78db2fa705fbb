"""Each kind of process logs to its own file, and a rotation another process blocks loses nothing.

On Windows a log file another process holds open cannot be renamed (WinError 32):
the window and the hall display sharing ``desk.log`` broke its rotation, and the
standard handler then dropped every record with a "Logging error" on stderr. Linux
renames open files freely, so the blocked rename is simulated by the handler's rotator.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from desktop import cli, logging_setup, paths
from desktop.logging_setup import SharedRotatingFileHandler, log_file, setup_logging


def _in_use(_source: str, _dest: str) -> None:
    raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。")


@pytest.mark.parametrize(("kind", "name"), [
    ("window", "desk.log"), ("hall-display", "hall-display.log"), ("kiosk", "kiosk.log"),
    ("cli", "cli.log"),
])
def test_each_kind_of_process_has_its_own_log(fresh_logging: None, kind: str, name: str) -> None:
    setup_logging(kind=kind)
    logging.getLogger("desktop.test").info("started as %s", kind)
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert log_file() == str(paths.log_dir() / name)
    assert [p.name for p in paths.log_dir().iterdir()] == [name]
    assert f"started as {kind}" in (paths.log_dir() / name).read_text(encoding="utf-8")


def test_the_command_line_does_not_write_the_windows_log(
    fresh_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["db", "upgrade"]) == 0
    assert (paths.log_dir() / "cli.log").exists()
    assert not (paths.log_dir() / "desk.log").exists()


def _root_file_handler() -> SharedRotatingFileHandler:
    (handler,) = [h for h in logging.getLogger().handlers
                  if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert isinstance(handler, SharedRotatingFileHandler)
    return handler


def test_a_blocked_rotation_loses_no_record(
    fresh_logging: None, capfd: pytest.CaptureFixture[str]
) -> None:
    setup_logging(kind="window")
    handler = _root_file_handler()
    handler.maxBytes = 2_000
    handler.rotator = _in_use  # the hall display has the file open
    log = logging.getLogger("desktop.test")
    for n in range(200):
        log.info("record %03d", n)
    handler.flush()
    text = Path(log_file()).read_text(encoding="utf-8")
    assert all(f"record {n:03d}" in text for n in range(200))
    assert "log rotation put off: PermissionError" in text
    # Put off, not tried on every record: once per tenth of the limit written.
    tries = text.count("log rotation put off")
    assert 1 <= tries <= len(text.encode()) // (handler.maxBytes // 10) + 1 < 200
    assert "Logging error" not in capfd.readouterr().err

    # The other process let go: the next attempt rotates.
    handler.rotator = None
    for n in range(200, 400):
        log.info("record %03d", n)
    handler.flush()
    assert Path(log_file() + ".1").exists()
    assert Path(log_file()).stat().st_size <= handler.maxBytes + 200
    assert "Logging error" not in capfd.readouterr().err


def test_the_kind_is_kept_per_process(fresh_logging: None,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A second set-up in the same process keeps the first file (one handler per process)."""
    setup_logging(kind="hall-display")
    setup_logging(kind="cli")
    assert logging_setup._kind == "hall-display"
    assert log_file("cli").endswith("cli.log")
