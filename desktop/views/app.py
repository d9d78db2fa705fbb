"""Starting the window: the application object, fonts, error hook, database, backups.

At start the SQLite file gets a quick integrity check, beside the sign-in rather
than before it (it reads the whole file: seconds on a few years of visits). A
damaged file closes every window; the user reads which backup is the last good
one and may restore it there and then. A file too damaged to open at all is
checked, and explained, before anything else. While the window runs,
:class:`BackupScheduler` takes the day's backup off the GUI thread (at start
when there is none today, then whenever the date has moved on); when the window
closes, one more backup is taken if anything was written since the last.
"""

from __future__ import annotations

import gc
import logging
import sys

from PySide6.QtCore import (
    QLibraryInfo,
    QLocale,
    QObject,
    Qt,
    QThreadPool,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import APP_NAME, APP_TITLE, paths
from desktop.config import id_reader_settings, resolve_database_url
from desktop.db import Database
from desktop.services.admin import backups
from desktop.services.bootstrap import open_database
from desktop.services.errors import ValidationError
from desktop.services.failures import user_message
from desktop.services.reception.idcard import CardReader
from desktop.services.reception.idcard.locate import open_reader
from desktop.views import dialogs, single_instance, tasks
from desktop.views.errors import ExceptionHook
from desktop.views.main_window import MainWindow

log = logging.getLogger(__name__)

UI_FONT_FILE = "wqy-microhei.ttc"
# The daily backup: looked for shortly after start, then every half hour.
BACKUP_FIRST_MS = 3_000
BACKUP_CHECK_MS = 30 * 60_000


def register_ui_font(app: QApplication) -> str | None:
    """Load the bundled Chinese font as the application font: Chinese renders on any PC."""
    font_id = QFontDatabase.addApplicationFont(str(paths.resource("fonts", UI_FONT_FILE)))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("bundled UI font could not be loaded")
        return None
    font = QFont(families[0])
    font.setPointSizeF(max(app.font().pointSizeF(), 10.5))
    app.setFont(font)
    return families[0]


def install_chinese(app: QApplication) -> bool:
    """Qt's own texts (OK/Cancel, Yes/No, the file dialog) and dates in Chinese.

    The binding ships Qt's translations; without them every standard button and the
    whole file dialog on Linux read English, and dates come out as "7 12 2026".
    Returns whether the translation was found (a build without it still starts).
    """
    locale = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    QLocale.setDefault(locale)
    if app.findChild(QTranslator, "qtbase_zh_CN") is not None:
        return True
    translator = QTranslator(app)
    translator.setObjectName("qtbase_zh_CN")
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(locale, "qtbase", "_", folder):
        log.warning("Qt's Chinese translation was not found in %s", folder)
        return False
    app.installTranslator(translator)
    return True


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setOrganizationName(APP_NAME)
    app.setWindowIcon(QIcon(str(paths.resource("icons", "app.ico"))))
    register_ui_font(app)
    install_chinese(app)
    return app


def open_or_explain(db_url: str | None, *, show_dialogs: bool) -> Database:
    """Open the database; when it cannot be, say why in a dialog too, then re-raise.

    The command line (the caller) prints the message and exits with code 2.
    """
    try:
        return open_database(db_url)
    except Exception as exc:
        message = user_message(exc)
        if message is not None and show_dialogs:
            QMessageBox.critical(None, APP_TITLE, QApplication.translate(
                "app", "无法打开数据库：{0}").format(message))
        raise


def sign_in_or_set_up(database: Database) -> bool:
    """Every start signs in; a new centre first creates its administrator in the wizard.

    False when the user closed the dialog (or the wizard) without signing in.
    """
    from desktop.services.admin.auth import has_accounts
    from desktop.views.admin.setup_wizard import SetupWizard
    from desktop.views.sign_in import ask_sign_in

    with database.read() as session:
        accounts = has_accounts(session)
    if accounts:
        log.info("sign-in dialog opened")
        return ask_sign_in(database)
    wizard = SetupWizard(database=database)
    log.info("first start: set-up wizard opened for the centre administrator")
    # In the application's own loop (not a nested one), so quitting the program ends it.
    wizard.finished.connect(lambda _result: QApplication.quit())
    wizard.show()
    QApplication.exec()
    return database.actor is not None


def check_at_start(db_url: str | None, *, show_dialogs: bool) -> None:
    """The quick integrity check of the SQLite file, waited for (the file cannot be opened).

    A damaged file: see :func:`offer_backup`.
    """
    url = resolve_database_url(db_url).url
    problem = backups.quick_check(url)
    if problem is not None:
        offer_backup(url, problem, show_dialogs=show_dialogs)


def offer_backup(url: str, problem: str, *, show_dialogs: bool,
                 then: str = "程序将继续启动") -> None:
    """A damaged file: name the last good backup and offer to restore it now.

    Declined (or no backup): ``ValidationError`` with that message, which the command
    line prints (exit code 2); the file is untouched.
    """
    log.error("the database failed its start check")
    backup = backups.last_good_backup()
    message = backups.damaged_message(problem, backup, button=False)
    if show_dialogs and backup is not None:
        question = QApplication.translate(
            "app", "{0}\n\n现在从该备份恢复吗？（选“否”则退出程序，数据库不作改动。）")
        if dialogs.confirm(None, APP_TITLE, question.format(message)):
            restored = backups.restore_backup(url, backup.path)
            dialogs.inform(None, APP_TITLE, QApplication.translate(
                "app", "已从 {0} 的备份恢复，{1}。损坏的数据库已另存为：{2}").format(
                    backup.taken_text, QApplication.translate("app", then), restored.kept))
            return
    elif show_dialogs:
        dialogs.warn(None, APP_TITLE, message)
    raise ValidationError({"database": message})


class StartCheck(QObject):
    """The quick integrity check of the SQLite file, run beside the sign-in, not before it.

    Nothing waits for it. Damage found closes every window (``damaged``); the start
    then explains it and offers the last good backup. Stopped at exit if still running.
    """

    damaged = Signal(str)

    def __init__(self, url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.url = url
        self.problem: str | None = None
        self.task: tasks.Task | None = None

    def start(self) -> tasks.Task:
        url = self.url
        task = tasks.Task(lambda _progress, cancelled: backups.quick_check(url, cancelled))
        task.succeeded.connect(self._checked)
        task.failed.connect(lambda exc: log.warning("start check could not run: %s", exc))
        self.task = task
        return tasks.start(task)

    def _checked(self, problem: object) -> None:
        if isinstance(problem, str):
            self.problem = problem
            self.damaged.emit(problem)

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()


class BackupScheduler(QObject):
    """The automatic backups of a SQLite database: daily while the window runs, and at exit."""

    message = Signal(str)  # what the status bar says about the last automatic backup

    def __init__(self, database: Database, *, check_ms: int = BACKUP_CHECK_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.url = database.engine.url.render_as_string(hide_password=False)
        self.timer = QTimer(self)
        self.timer.setInterval(check_ms)
        self.timer.timeout.connect(self.run_if_due)
        # The first look, soon after the start; a timer of its own so that stop() cancels it
        # (a bare single shot fired after the window had closed, on whatever was then open).
        self.first = QTimer(self)
        self.first.setSingleShot(True)
        self.first.setInterval(BACKUP_FIRST_MS)
        self.first.timeout.connect(self.run_if_due)
        self.task: tasks.Task | None = None

    def start(self) -> None:
        if not self.database.is_sqlite:
            return
        self.timer.start()
        self.first.start()

    def run_if_due(self) -> tasks.Task | None:
        """Take today's backup in the background unless there is one (or one is running).

        Even the look at the folder runs off the GUI thread: it may be a network share.
        """
        if self.task is not None or not self.database.is_sqlite:
            return None
        url = self.url

        def work(_progress: tasks.Progress, _cancelled: object) -> backups.Backup | None:
            return backups.create_backup(url) if backups.backup_due() else None

        task = tasks.Task(work)
        task.succeeded.connect(self._on_success, Qt.ConnectionType.QueuedConnection)
        task.failed.connect(self._on_failure, Qt.ConnectionType.QueuedConnection)
        task.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self.task = tasks.start(task)
        return task

    def _on_success(self, backup: backups.Backup | None) -> None:
        if backup is not None:
            self.message.emit(self.tr("已自动备份数据库：{0}").format(backup.path.name))

    def _on_failure(self, exc: BaseException) -> None:
        text = user_message(exc)
        if text is None:
            log.error("automatic backup failed", exc_info=exc)
            text = self.tr("程序内部错误，详情见日志")
        else:
            log.warning("automatic backup refused: %s", text)
        self.message.emit(self.tr("自动备份失败：{0}（请在“系统设置 → 备份”中检查）").format(text))

    def _on_finished(self) -> None:
        self.task = None

    def stop(self) -> None:
        """Stop the timers and wait for a backup under way (the window is closing)."""
        self.timer.stop()
        self.first.stop()
        if self.task is not None:
            QThreadPool.globalInstance().waitForDone()

    def backup_on_exit(self) -> backups.Backup | None:
        """After the window closed: one more backup if anything was written since the last."""
        if not self.database.is_sqlite:
            return None
        try:
            if not backups.changed_since_last_backup(self.url):
                return None
            return backups.create_backup(self.url)
        except Exception as exc:  # the window is gone: the log is the place to say it
            log.warning("backup at exit failed: %s", user_message(exc) or type(exc).__name__)
            return None


def freeze_startup_objects() -> None:
    """Keep what the start built out of the garbage collector's full passes.

    Modules, mappers and the window's own objects live as long as the program; a
    full pass walks them all and paused a refresh of 上报与移送 from 18 ms to about
    100 ms every few hundred refreshes. Frozen, the passes walk only newer objects.
    """
    gc.collect()
    gc.freeze()


def open_at_start(db_url: str | None, *, show_dialogs: bool) -> Database:
    """The database, opened; a file too damaged to open is checked and explained first."""
    try:
        return open_database(db_url)
    except Exception:
        check_at_start(db_url, show_dialogs=show_dialogs)  # damaged: explained, restored
    return open_or_explain(db_url, show_dialogs=show_dialogs)


def open_id_reader(option: str | None) -> CardReader | None:
    """This PC's 身份证阅读器 (``--id-reader`` over config.json), or ``None`` for none."""
    settings = id_reader_settings(option)
    reader = open_reader(settings.mode, dll=settings.dll, helper_python=settings.helper_python)
    log.info("ID card reader: %s", reader.label if reader is not None else "none")
    return reader


def run_gui(*, db_url: str | None = None, no_err_windows: bool = False,
            id_reader: str | None = None) -> int:
    app = create_application()
    instance = single_instance.claim()
    if instance is None:  # the window is already open: it came forward instead
        return 0
    instance.raise_requested.connect(lambda: single_instance.bring_to_front(_main_window()))
    show_dialogs = not no_err_windows
    ExceptionHook(show_dialogs=show_dialogs).install()
    database = open_at_start(db_url, show_dialogs=show_dialogs)
    check = StartCheck(resolve_database_url(db_url).url)
    check.damaged.connect(lambda _problem: QApplication.closeAllWindows())
    check.start()
    try:
        code = (_run_window(app, database, check, id_reader)
                if sign_in_or_set_up(database) else 0)
    finally:
        check.stop()
        database.dispose()
        instance.close()
    if check.problem is not None:
        offer_backup(check.url, check.problem, show_dialogs=show_dialogs,
                     then="请重新启动程序")
    return code


def _main_window() -> MainWindow | None:
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, MainWindow) and w.isVisible()), None)


def show_start_notices(window: MainWindow, database: Database) -> None:
    """What opening the database did (the backup before an upgrade) in the status bar."""
    for notice in database.notices:
        window.statusBar().showMessage(notice)


def _run_window(app: QApplication, database: Database, check: StartCheck,
                id_reader: str | None) -> int:
    if check.problem is not None:  # found while the sign-in was open
        return 0
    window = MainWindow(database=database, reader=open_id_reader(id_reader))
    scheduler = BackupScheduler(database, parent=window)
    scheduler.message.connect(window.statusBar().showMessage)
    window.show()
    log.info("window opened")
    show_start_notices(window, database)
    scheduler.start()
    window.open_setup_wizard_if_needed()
    freeze_startup_objects()
    try:
        return app.exec()
    finally:
        scheduler.stop()
        window.registration.stop_card_reader()
        if check.problem is None:  # a damaged file is not backed up over the good ones
            scheduler.backup_on_exit()


def run_hall_display(*, db_url: str | None = None, windowed: bool = False,
                     no_err_windows: bool = False, screen: int | None = None) -> int:
    """The hall screen on its own (a PC driving the TV in the hall), on screen ``screen``
    (1 = the first; default: this PC's 系统设置, else the primary screen)."""
    from desktop.config import hall_screen
    from desktop.views.reception.hall_display import HallDisplay
    from desktop.views.reception.hall_screen import choose_screen, place_on_screen

    app = create_application()
    ExceptionHook(show_dialogs=not no_err_windows).install()
    database = open_or_explain(db_url, show_dialogs=not no_err_windows)
    display = HallDisplay(database=database)
    target = choose_screen(app.screens(), screen or hall_screen(), app.primaryScreen())
    place_on_screen(display, target)
    log.info("hall display on screen %s", target.name() if target is not None else "?")
    if windowed:
        display.show()
    else:
        display.showFullScreen()
    log.info("hall display opened")
    try:
        return app.exec()
    finally:
        database.dispose()


def run_kiosk(*, db_url: str | None = None, windowed: bool = False, printer: str | None = None,
              no_err_windows: bool = False, id_reader: str | None = None) -> int:
    """The self-service kiosk (自助取号) on its own PC: nobody signs in.

    It acts as the kiosk, which may take tickets and read queue lengths, nothing else.
    Its ID card reader is chosen as the desk's (``--id-reader`` over config.json).
    """
    from desktop.config import printer_settings
    from desktop.services.admin.auth import KIOSK_ACTOR
    from desktop.views.reception.kiosk import KioskWindow, SystemPrinter

    app = create_application()
    ExceptionHook(show_dialogs=not no_err_windows).install()
    database = open_or_explain(db_url, show_dialogs=not no_err_windows)
    database.actor = KIOSK_ACTOR
    # The ticket printer named on the command line, else this PC's receipt printer
    # (系统设置 → 本机打印机), else the system's default printer.
    window = KioskWindow(database=database,
                         printer=SystemPrinter(printer or printer_settings().receipt_printer),
                         reader=open_id_reader(id_reader))
    if windowed:
        window.show()
    else:
        screen = app.primaryScreen()
        if screen is not None:  # the whole screen even where no window manager runs
            window.setGeometry(screen.geometry())
        window.showFullScreen()
    log.info("kiosk opened")
    try:
        return app.exec()
    finally:
        window.stop_card_reader()
        database.dispose()


def run_rating_pad(*, room: str, db_url: str | None = None, windowed: bool = False,
                   screen: int | None = None, no_err_windows: bool = False) -> int:
    """The rating pad (评价器) beside the window or room ``room`` (its code), on screen
    ``screen`` (1 = the first; default the primary): nobody signs in.

    It acts as the rating pad, which may rate a ticket just finished there, nothing else.
    """
    from desktop.services.admin.auth import RATING_PAD_ACTOR
    from desktop.services.closure.pad import pad_room
    from desktop.views.closure.rating_pad import RatingPadWindow
    from desktop.views.reception.hall_screen import choose_screen, place_on_screen

    app = create_application()
    ExceptionHook(show_dialogs=not no_err_windows).install()
    database = open_or_explain(db_url, show_dialogs=not no_err_windows)
    database.actor = RATING_PAD_ACTOR
    try:
        with database.read() as session:
            where = pad_room(session, room)
        window = RatingPadWindow(database=database, room=where)
        target = choose_screen(app.screens(), screen, app.primaryScreen())
        if windowed:
            window.show()
        else:
            place_on_screen(window, target)  # the whole screen even where no WM runs
            window.showFullScreen()
        log.info("rating pad opened for %s", where.code)
        return app.exec()
    finally:
        database.dispose()
