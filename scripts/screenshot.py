"""Screenshot a section of the real main window (for looking at the UI during development).

    xvfb-run -a python scripts/screenshot.py --section 接待登记 --out /tmp/reg.png [--demo 300]

Uses a throwaway data folder unless --db is given.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--section", default="接待登记")
    parser.add_argument("--out", required=True)
    parser.add_argument("--db")
    parser.add_argument("--demo", type=int, default=0, help="demo visits to generate first")
    parser.add_argument("--size", default="1280x820")
    parser.add_argument("--wait", type=int, default=800, help="ms to let the window settle")
    parser.add_argument("--hall", action="store_true", help="the hall display (叫号屏) instead")
    parser.add_argument("--login", help="act as this account (default: every role, nobody named)")
    args = parser.parse_args()
    if not args.db:
        os.environ["DESKTOP_DATA_DIR"] = tempfile.mkdtemp(prefix="desk-shot-")

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWidget

    from desktop.services.bootstrap import open_database
    from desktop.services.demo.generate import generate_demo_data
    from desktop.views.app import create_application
    from desktop.views.main_window import MainWindow

    app = create_application()
    database = open_database(args.db)
    if args.demo:
        generate_demo_data(database, visits=args.demo)
    database.actor = _actor(database, args.login)
    width, height = (int(v) for v in args.size.split("x"))
    window: QWidget
    if args.hall:
        from desktop.views.reception.hall_display import HallDisplay

        window = HallDisplay(database=database)
        window.resize(width, height)
        window.show()
    else:
        main = MainWindow(database=database)
        main.resize(width, height)
        main.show()
        main.show_section(args.section)
        window = main

    def shoot() -> None:
        screen = app.primaryScreen()
        pixmap = screen.grabWindow(0) if os.environ.get("DISPLAY") else window.grab()
        if pixmap.isNull() or pixmap.width() < 10:
            pixmap = window.grab()
        pixmap.save(str(Path(args.out)))
        print(args.out)
        app.quit()

    QTimer.singleShot(args.wait, shoot)
    app.exec()
    database.dispose()
    return 0


def _actor(database: object, login: str | None) -> object:
    """The account the window acts as: a login's own roles, or every role."""
    from sqlalchemy import select

    from desktop.models import Staff
    from desktop.services.admin import auth

    if login is None:
        return auth.Actor(None, "截图", auth.ALL_ROLES)
    with database.read() as session:  # type: ignore[attr-defined]
        staff = session.scalar(select(Staff).where(Staff.login == login))
        if staff is None:
            raise SystemExit(f"no account {login!r}")
        return auth.Actor(staff.id, staff.name, frozenset(r.role for r in staff.roles))


if __name__ == "__main__":
    sys.exit(main())
