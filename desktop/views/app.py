"""Starting the window: the application object, fonts, error hook, database."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import APP_NAME, APP_TITLE, paths
from desktop.db import Database
from desktop.services.bootstrap import open_database
from desktop.services.failures import user_message
from desktop.views.errors import ExceptionHook
from desktop.views.main_window import MainWindow

log = logging.getLogger(__name__)

UI_FONT_FILE = "wqy-microhei.ttc"


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
    from desktop.services.auth import has_accounts
    from desktop.views.setup_wizard import SetupWizard
    from desktop.views.sign_in import ask_sign_in

    with database.read() as session:
        accounts = has_accounts(session)
    if accounts:
        return ask_sign_in(database)
    wizard = SetupWizard(database=database)
    log.info("first start: set-up wizard opened for the centre administrator")
    # In the application's own loop (not a nested one), so quitting the program ends it.
    wizard.finished.connect(lambda _result: QApplication.quit())
    wizard.show()
    QApplication.exec()
    return database.actor is not None


def run_gui(*, db_url: str | None = None, no_err_windows: bool = False) -> int:
    app = create_application()
    ExceptionHook(show_dialogs=not no_err_windows).install()
    database = open_or_explain(db_url, show_dialogs=not no_err_windows)
    if not sign_in_or_set_up(database):
        database.dispose()
        return 0
    window = MainWindow(database=database)
    window.show()
    log.info("window opened")
    window.open_setup_wizard_if_needed()
    try:
        return app.exec()
    finally:
        database.dispose()


def run_hall_display(*, db_url: str | None = None, windowed: bool = False,
                     no_err_windows: bool = False) -> int:
    """The hall screen on its own (a PC driving the TV in the hall)."""
    from desktop.views.hall_display import HallDisplay

    app = create_application()
    ExceptionHook(show_dialogs=not no_err_windows).install()
    database = open_or_explain(db_url, show_dialogs=not no_err_windows)
    display = HallDisplay(database=database)
    if windowed:
        display.show()
    else:
        display.showFullScreen()
    log.info("hall display opened")
    try:
        return app.exec()
    finally:
        database.dispose()
