"""附件: scans and files kept with a case, checked before they are stored."""

from __future__ import annotations

import mimetypes
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import (
    CaseAttachment,
)
from desktop.services import files, validation
from desktop.services.admin import auth
from desktop.services.errors import ValidationError
from desktop.services.mediation.common import lock_case
from desktop.services.mediation.constants import (
    ATTACHMENT_KINDS,
    ATTACHMENT_MIMES,
    MAX_ATTACHMENT_BYTES,
    MAX_FILENAME_LENGTH,
)
from desktop.services.mediation.forms import AttachmentData
from desktop.services.validation import TextField, existing

# ---------------------------------------------------------------------------
# Attachments


def guess_mime(filename: str) -> str:
    mime, _ = mimetypes.guess_type(filename)
    return mime or "application/octet-stream"


def _file_problem(mime: str, content: bytes) -> str | None:
    if mime not in ATTACHMENT_MIMES:
        return "只能添加 PDF、JPG 或 PNG 文件"
    if not content:
        return "文件是空的"
    if len(content) > MAX_ATTACHMENT_BYTES:
        return "文件超过 30 MB，请压缩或分页扫描后再添加"
    if mime == "application/pdf" and not content.startswith(b"%PDF"):
        return "文件不是有效的 PDF"
    return None


def add_attachment(database: Database, case_id: int, *, kind: str, filename: str,
                   content: bytes, title: str = "", mime: str | None = None) -> int:
    auth.require(database, "case.edit")
    errors: dict[str, str] = {}
    filename = validation.clean_argument(errors, "file", filename,
                                         TextField(label="文件名", limit=MAX_FILENAME_LENGTH))
    title = validation.clean_argument(errors, "title", title,
                                      TextField(CaseAttachment.title, "材料名称"))
    mime = mime or guess_mime(filename)
    if kind not in ATTACHMENT_KINDS:
        errors["kind"] = "材料类别不正确"
    problem = _file_problem(mime, content)
    if problem:
        errors.setdefault("file", problem)
    if errors:
        raise ValidationError(errors)
    with database.write() as session:
        case_ = lock_case(session, case_id)  # closed too: 履行凭证 come after closing
        row = CaseAttachment(
            case=case_, kind=kind, title=(title or Path(filename).stem)[:128],
            filename=Path(filename).name[:255], mime=mime, size=len(content), content=content,
            added_at=datetime.now().replace(microsecond=0),
        )
        session.add(row)
        session.flush()
        return row.id


def add_attachment_file(database: Database, case_id: int, path: Path, *, kind: str,
                        title: str = "") -> int:
    """Add a scanned paper from a file (a folder, a device or a huge file is refused)."""
    files.check_input_file(path, max_bytes=MAX_ATTACHMENT_BYTES, field="file")
    return add_attachment(database, case_id, kind=kind, filename=path.name,
                          content=path.read_bytes(), title=title)


def remove_attachment(database: Database, attachment_id: int) -> None:
    auth.require(database, "case.edit")
    with database.write() as session:
        row = existing(session, CaseAttachment, attachment_id, "没有找到该材料")
        session.delete(row)


def attachment(session: Session, attachment_id: int) -> tuple[AttachmentData, bytes]:
    """One scanned paper and its bytes."""
    row = existing(session, CaseAttachment, attachment_id, "没有找到该材料")
    data = AttachmentData(row.id, row.kind, row.title, row.filename, row.mime, row.size,
                          row.added_at)
    return data, bytes(row.content)


def attachment_contents(session: Session, case_id: int) -> dict[int, bytes]:
    rows = session.execute(
        select(CaseAttachment.id, CaseAttachment.content).where(CaseAttachment.case_id == case_id)
    )
    return {i: bytes(c) for i, c in rows}
