"""A reader in a process of its own: for a vendor's 32-bit DLL beside a 64-bit program.

A 64-bit Python cannot load a 32-bit DLL. The program then starts a 32-bit
Python running this module and talks to it over its standard input and output,
one JSON object per line (UTF-8):

    → {"op": "read"}
    ← {"ok": true, "card": null}                                   no card on the reader
    ← {"ok": true, "card": {"name": "…", "id_number": "…", …, "photo": "<base64>"}}
    ← {"ok": false, "unavailable": "身份证阅读器已断开…"}              ReaderUnavailable
    ← {"ok": false, "error": "…"}                                   anything else (a defect)
    → {"op": "close"}                                              release the port and exit
    ← {"ok": true, "closed": true}

Before the first request the helper writes ``{"ok": true, "protocol": 1, "label": …}``.
Nothing else is ever written to standard output; the helper's own log goes to
standard error. It needs only the standard library and this package, so a bare
32-bit embeddable Python with ``desktop/services/reception/idcard`` beside it runs it:

    python -m desktop.services.reception.idcard.helper --driver huashi --dll C:\\CVR\\termb.dll
    python -m desktop idcard-helper --driver huashi --dll C:\\CVR\\termb.dll   (the same)

``--driver demo`` serves a simulated reader with one invented card on it (for tests).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from desktop.services.reception.idcard.card import CardData
from desktop.services.reception.idcard.reader import (
    CardReader,
    ReaderUnavailable,
    UnavailableReader,
)

PROTOCOL = 1
ANSWER_TIMEOUT_S = 10.0  # a read with the photo takes about a second
log = logging.getLogger(__name__)


def serve(reader: CardReader, requests: IO[str], answers: IO[str]) -> int:
    """Answer the requests on ``requests`` until ``close`` or the end of the input."""
    def say(message: dict[str, Any]) -> None:
        answers.write(json.dumps(message, ensure_ascii=False) + "\n")
        answers.flush()

    say({"ok": True, "protocol": PROTOCOL, "label": reader.label})
    for line in requests:
        if not line.strip():
            continue
        try:
            op = json.loads(line).get("op")
        except (ValueError, AttributeError):
            say({"ok": False, "error": "请求不是 JSON 对象"})
            continue
        if op == "close":
            reader.close()
            say({"ok": True, "closed": True})
            return 0
        if op != "read":
            say({"ok": False, "error": f"未知的请求：{op}"})
            continue
        try:
            card = reader.read()
        except ReaderUnavailable as exc:
            say({"ok": False, "unavailable": str(exc)})
        except Exception as exc:  # a defect of the driver: say it, keep serving
            log.exception("reading the card failed")
            say({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
        else:
            say({"ok": True, "card": card.to_json() if card else None})
    reader.close()
    return 0


def _reader_for(driver: str, dll: Path | None) -> CardReader:
    if driver == "demo":
        from desktop.services.reception.idcard.simulated import SimulatedReader

        simulated = SimulatedReader()
        simulated.present()
        return simulated
    from desktop.services.reception.idcard.drivers import load_library, make_reader
    from desktop.services.reception.idcard.locate import photo_library

    if dll is None:
        raise ReaderUnavailable("读卡助手需要 --dll")
    return make_reader(driver, load_library(dll), photo_lib=photo_library(dll))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="idcard-helper", description="身份证阅读器读卡助手")
    parser.add_argument("--driver", required=True, choices=["huashi", "shensi", "sdtapi", "demo"])
    parser.add_argument("--dll", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO)
    try:
        reader: CardReader = _reader_for(args.driver, args.dll)
    except ReaderUnavailable as exc:
        reader = UnavailableReader(str(exc))
    stdin = open(sys.stdin.fileno(), encoding="utf-8", closefd=False)  # noqa: SIM115
    stdout = open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    return serve(reader, stdin, stdout)


class HelperReader:
    """The client: a :class:`CardReader` whose reads are made by the helper process.

    The helper is started at the first read and started again after it died; an
    answer that does not come within ``timeout`` seconds ends the helper and counts
    as an unplugged reader (the next read starts a new one).
    """

    def __init__(self, command: Sequence[str], *, label: str, env: dict[str, str] | None = None,
                 timeout: float = ANSWER_TIMEOUT_S) -> None:
        self.command = list(command)
        self.label = label
        self.env = env
        self.timeout = timeout
        self.process: subprocess.Popen[str] | None = None
        self._answers: queue.Queue[str | None] = queue.Queue()

    def _start(self) -> None:
        try:
            self.process = subprocess.Popen(
                self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, text=True, encoding="utf-8", bufsize=1, env=self.env,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        except OSError as exc:
            raise ReaderUnavailable(f"无法启动读卡助手（{self.command[0]}）：{exc}") from exc
        self._answers = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None
        # A daemon thread per helper process: it ends when the helper's output closes.
        threading.Thread(target=self._pump, args=(stdout, self._answers), daemon=True,
                         name="idcard-helper-output").start()
        hello = self._answer()
        if hello.get("protocol") != PROTOCOL:
            self._stop()
            raise ReaderUnavailable("读卡助手版本不符，请重新安装程序")

    @staticmethod
    def _pump(stream: IO[str], answers: queue.Queue[str | None]) -> None:
        with stream:  # closed here, by its only reader, when the helper has gone
            for line in stream:
                answers.put(line)
        answers.put(None)

    def _answer(self) -> dict[str, Any]:
        try:
            line = self._answers.get(timeout=self.timeout)
        except queue.Empty:
            self._stop()
            raise ReaderUnavailable("读卡助手无响应，请检查身份证阅读器") from None
        if line is None:
            self._stop()
            raise ReaderUnavailable("读卡助手已退出，请检查身份证阅读器驱动")
        try:
            answer = json.loads(line)
        except ValueError:
            self._stop()
            raise ReaderUnavailable("读卡助手的应答无法识别") from None
        return answer if isinstance(answer, dict) else {}

    def _ask(self, op: str) -> dict[str, Any]:
        if self.process is None or self.process.poll() is not None:
            self._start()
        assert self.process is not None and self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps({"op": op}) + "\n")
            self.process.stdin.flush()
        except OSError:
            self._stop()
            raise ReaderUnavailable("读卡助手已退出，请检查身份证阅读器驱动") from None
        return self._answer()

    def read(self) -> CardData | None:
        answer = self._ask("read")
        if answer.get("ok"):
            card = answer.get("card")
            return CardData.from_json(card) if isinstance(card, dict) else None
        if "unavailable" in answer:
            raise ReaderUnavailable(str(answer["unavailable"]))
        raise RuntimeError(f"读卡助手出错：{answer.get('error')}")

    def close(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ReaderUnavailable):
                self._ask("close")
        self._stop()

    def _stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
        try:
            process.wait(timeout=2)  # it ends by itself once its input is closed
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def helper_environment() -> dict[str, str]:
    """The environment that lets another Python import this package from its source tree."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


if __name__ == "__main__":
    sys.exit(main())
