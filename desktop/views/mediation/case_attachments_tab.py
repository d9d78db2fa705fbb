"""附件: scans kept with the case and bound into its 卷宗."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from desktop.services import mediation
from desktop.services.mediation import (
    CaseDetail,
)
from desktop.views import dialogs
from desktop.views.mediation.case_widgets import CaseTab, set_row, table_widget
from desktop.views.pdf_preview import PdfPreviewDialog
from desktop.views.widgets import named

if TYPE_CHECKING:
    from desktop.views.mediation.case_editor import CaseEditor


class AttachmentsTab(CaseTab):
    """附件 of the case editor."""

    def __init__(self, editor: CaseEditor) -> None:
        super().__init__(editor)
        self._build()
        self._connect_signals()

    def _build(self) -> None:
        self.attachments_table = table_widget("case.attachments.table", self.tr("附件列表"),
                                        [self.tr("类别"), self.tr("名称"), self.tr("文件"),
                                         self.tr("大小"), self.tr("添加时间")])
        self.attachment_kind = named(QComboBox(), "case.attachments.kind", self.tr("材料类别"))
        self.attachment_kind.addItems(mediation.ATTACHMENT_KINDS)
        self.attachment_add = named(QPushButton(self.tr("添加扫描件…")), "case.attachments.add",
                                    self.tr("添加扫描件"))
        self.attachment_remove = named(QPushButton(self.tr("删除")), "case.attachments.remove",
                                       self.tr("删除所选附件"))
        self.attachment_view = named(QPushButton(self.tr("查看")), "case.attachments.view",
                                     self.tr("查看所选附件"))
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("类别")))
        buttons.addWidget(self.attachment_kind)
        buttons.addWidget(self.attachment_add)
        buttons.addWidget(self.attachment_view)
        buttons.addWidget(self.attachment_remove)
        buttons.addStretch(1)
        note = QLabel(self.tr("身份证明、证据材料、履行凭证等扫描件（PDF、JPG、PNG）"
                              "按类别放入卷宗相应位置。"))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.attachments_table, 1)
        layout.addWidget(note)

    def _connect_signals(self) -> None:
        self.attachment_add.clicked.connect(self.on_add_attachment)
        self.attachment_remove.clicked.connect(self.on_remove_attachment)
        self.attachment_view.clicked.connect(self.on_view_attachment)
        self.attachments_table.itemDoubleClicked.connect(lambda _item: self.on_view_attachment())

    def fill_attachments(self, detail: CaseDetail) -> None:
        table = self.attachments_table
        table.setRowCount(len(detail.attachments))
        for row, a in enumerate(detail.attachments):
            size = f"{a.size / 1024:.0f} KB" if a.size < 1024 * 1024 else \
                f"{a.size / 1024 / 1024:.1f} MB"
            set_row(table, row, [a.kind, a.title, a.filename, size,
                                  f"{a.added_at:%Y-%m-%d %H:%M}"], a.id)

    def on_add_attachment(self) -> None:
        if self.case_id is None:
            return
        path = dialogs.ask_open_path(self, self.tr("添加扫描件"),
                                     self.tr("扫描件 (*.pdf *.jpg *.jpeg *.png)"))
        if path is None:
            return
        case_id, kind = self.case_id, self.attachment_kind.currentText()
        try:
            ok = self.run_save(lambda: mediation.add_attachment_file(self.database, case_id, path,
                                                                 kind=kind),
                           {}, self.tr("已添加：{0}").format(path.name))
        except OSError as exc:
            dialogs.warn(self, self.tr("无法读取文件"), str(exc))
            return
        if ok:
            self.editor.reload_case()

    def on_view_attachment(self) -> PdfPreviewDialog | None:
        """Show a scan as it will appear in the case file (an image placed on an A4 page)."""
        item = self.attachments_table.item(self.attachments_table.currentRow(), 0)
        if item is None:
            return None
        from desktop.printing.casefile import attachment_pdf

        with self.database.read() as session:
            data, content = mediation.attachment(session, item.data(Qt.ItemDataRole.UserRole))
        return self.editor.show_pdf(attachment_pdf(data, content), f"{data.kind}：{data.title}",
                             self.editor.file_name(data.title))

    def on_remove_attachment(self) -> None:
        item = self.attachments_table.item(self.attachments_table.currentRow(), 0)
        if item is None:
            return
        attachment_id = item.data(Qt.ItemDataRole.UserRole)
        if not dialogs.confirm(self, self.tr("删除附件"), self.tr("确定删除所选附件吗？")):
            return
        if self.run_save(lambda: mediation.remove_attachment(self.database, attachment_id), {},
                     self.tr("附件已删除。")):
            self.editor.reload_case()
