"""The command line. Without a sub-command it starts the window.

    python -m desktop                      start the window
    python -m desktop db upgrade           create or migrate the database
    python -m desktop demo-data --visits N fill the database with invented data
    python -m desktop hall-display [--screen N]  the full-screen hall display (叫号屏)
    python -m desktop kiosk [--printer NAME] [--id-reader demo]  the self-service kiosk (自助取号)
    python -m desktop rating-pad --room CODE [--screen N]  the rating pad (评价器) of a room
    python -m desktop print receipt J202611260001 --out receipt.pdf [--paper a5|80mm]
    python -m desktop print agreement "（2026）东人调字第0001号" --out agreement.pdf
    python -m desktop print casefile "（2026）东人调字第0001号" --out casefile.pdf [--draft]
    python -m desktop print application|acceptance|rights|sessions|oral|followups|judicial \
        CASE_NO --out F.pdf
    python -m desktop export visits|disputes|counselling|care|monthly \
        --from 2026-11-01 --to 2026-11-30 --out F.xlsx
        [--reveal-reason "理由"]   full 身份证号 and phones (personal.reveal; audited)
    python -m desktop template communities|staff|rooms|categories --out F.xlsx
    python -m desktop import communities|staff|rooms|categories F.xlsx
    python -m desktop audit verify         check that the audit log was not edited
    python -m desktop audit export --out F.xlsx [--from YYYY-MM-DD] [--to YYYY-MM-DD]
    python -m desktop backup create|list [--folder DIR]
    python -m desktop backup restore FILE
    python -m desktop --id-reader demo     the window with the simulated ID card reader
    python -m desktop idcard-helper --driver huashi|shensi|sdtapi --dll DLL
                                           the reader helper process (JSON lines; see
                                           desktop/services/reception/idcard/helper.py)

Every command that reads or writes the centre's records signs in first: with the
account and password in DESKTOP_USER / DESKTOP_PASSWORD (for scripts), or asked
for on a terminal. What the account's roles do not allow is refused (exit 2).
Whatever the user can fix (a mistyped option, a database that cannot be
reached, a date out of range, an output folder that does not exist, a file
that is not a workbook) ends with exit code 2 and a Chinese message on
stderr; a defect ends with exit code 1, a short message and the log's path
(the traceback, without personal data, is in the log only).

Everything the program writes (the data folder, the database, logs, backups,
exports) is readable by the user alone: the process creates files 0600 and
folders 0700, and the data folder is corrected at every start (Linux, macOS;
see :mod:`desktop.paths`).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from desktop import APP_TITLE, __version__, paths
from desktop.logging_setup import log_file, setup_logging
from desktop.services import files

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace], int]
# Arguments the terminal passed as bytes that are not UTF-8 arrive as lone surrogates.
_UNREADABLE = re.compile(r"[\ud800-\udfff\x00]")


class Parser(argparse.ArgumentParser):
    """argparse, with its complaints about the command line in Chinese (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：命令行参数不正确（{message}）。用 --help 查看用法。\n")


USER_ENV = "DESKTOP_USER"
PASSWORD_ENV = "DESKTOP_PASSWORD"


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from desktop.services.bootstrap import open_database

    database = open_database(args.db)
    for notice in database.notices:  # the backup before an upgrade, say
        print(notice, file=sys.stderr)
    return database


def _database(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The database, signed in (see :func:`sign_in_from_environment`)."""
    database = _open(args)
    sign_in_from_environment(database)
    return database


def sign_in_from_environment(database) -> None:  # type: ignore[no-untyped-def]
    """Sign in with DESKTOP_USER / DESKTOP_PASSWORD, or ask on a terminal.

    Without either, nobody is signed in and the services refuse what needs an account.
    The password is never echoed, logged or printed.
    """
    import getpass
    import os

    from desktop.services.admin import auth

    login = os.environ.get(USER_ENV, "")
    password = os.environ.get(PASSWORD_ENV, "")
    if not login and sys.stdin is not None and sys.stdin.isatty():
        login = input("账号：").strip()
    if login and not password and sys.stdin is not None and sys.stdin.isatty():
        password = getpass.getpass("密码：")
    if not login:
        return
    actor = auth.sign_in(database, login, password)
    if actor.must_change_password:
        database.actor = None
        raise auth.PermissionDenied(
            "password", "在修改初始密码前使用本账号（请先在窗口中登录并修改密码）")


def cmd_gui(args: argparse.Namespace) -> int:
    from desktop.views.app import run_gui

    return run_gui(db_url=args.db, no_err_windows=args.no_err_windows,
                   id_reader=args.id_reader)


def cmd_idcard_helper(args: argparse.Namespace) -> int:
    from desktop.services.reception.idcard import helper

    return helper.main(["--driver", args.driver, *(["--dll", str(args.dll)] if args.dll else [])])


def _screen_number(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError("屏幕编号应为从 1 开始的整数")
    return number


def cmd_hall_display(args: argparse.Namespace) -> int:
    from desktop.views.app import run_hall_display

    return run_hall_display(db_url=args.db, windowed=args.windowed, screen=args.screen,
                            no_err_windows=args.no_err_windows)


def cmd_kiosk(args: argparse.Namespace) -> int:
    from desktop.views.app import run_kiosk

    return run_kiosk(db_url=args.db, windowed=args.windowed, printer=args.printer,
                     no_err_windows=args.no_err_windows, id_reader=args.id_reader)


def cmd_rating_pad(args: argparse.Namespace) -> int:
    from desktop.views.app import run_rating_pad

    return run_rating_pad(room=args.room, db_url=args.db, windowed=args.windowed,
                          screen=args.screen, no_err_windows=args.no_err_windows)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from desktop.db import current_revision

    database = _open(args)
    print(f"数据库已是最新版本：{current_revision(database.engine)}（{database.url}）")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from desktop.services.admin import auth
    from desktop.services.demo.generate import generate_demo_data

    database = _open(args)
    with database.read() as session:
        accounts = auth.has_accounts(session)
    if accounts:
        # A database in use: only its administrator may add invented records to it.
        sign_in_from_environment(database)
        auth.require(database, "staff.manage")

    def progress(done: int, total: int) -> None:
        if total and (done == total or done % max(total // 20, 1) == 0):
            print(f"\r已生成 {done}/{total} 条来访记录", end="", file=sys.stderr, flush=True)

    summary = generate_demo_data(database, visits=args.visits, seed=args.seed, progress=progress)
    print(file=sys.stderr)
    for line in summary.lines():
        print(line)
    if summary.accounts:
        print("演示账号（每个角色一个；密码只显示这一次，请记下）：")
        for account in summary.accounts:
            print(f"  {account.role_label}：账号 {account.login}  密码 {account.password}"
                  f"（{account.name}）")
    return 0


def cmd_print_receipt(args: argparse.Namespace) -> int:
    from desktop.config import printer_settings
    from desktop.printing.receipt import render_receipt
    from desktop.services.reception.receipts import receipt_for_print

    files.check_output_path(args.out)
    data = receipt_for_print(_database(args), args.visit_no,
                             paper=args.paper or printer_settings().receipt_paper)
    out = files.write_bytes(args.out, render_receipt(data))
    print(f"已生成受理回执：{out}")
    if data.missing:
        print(f"提示：系统设置中未填写{'、'.join(data.missing)}，回执上未印出；"
              "请在“系统设置”中填写。", file=sys.stderr)
    return 0


CASE_DOCUMENTS = {
    "agreement": "人民调解协议书",
    "casefile": "人民调解卷宗（封面、卷内目录、全部文书和附件）",
    "application": "人民调解申请书",
    "acceptance": "人民调解受理登记表",
    "rights": "当事人权利义务告知书",
    "sessions": "调解记录（全部）",
    "oral": "口头调解协议登记表",
    "followups": "回访记录",
    "judicial": "司法确认申请书",
}


def cmd_print_case_document(args: argparse.Namespace) -> int:
    from desktop.services.mediation import documents as mediation_documents

    database = _database(args)
    files.check_output_path(args.out)
    pdf = mediation_documents.render(database, args.document, args.case_no,
                                     draft=getattr(args, "draft", False))
    out = files.write_bytes(args.out, pdf)
    print(f"已生成{CASE_DOCUMENTS[args.document]}：{out}")
    return 0


def _stderr_progress(what: str):  # type: ignore[no-untyped-def]
    def progress(done: int, total: int) -> None:
        if total:
            print(f"\r{what} {done}/{total}", end="", file=sys.stderr, flush=True)

    return progress


def cmd_export(args: argparse.Namespace) -> int:
    from desktop.services.registers.rows import Period

    period = Period.parse(args.date_from, args.date_to)
    out = files.check_output_path(args.out)
    database = _database(args)
    if args.what == "monthly":
        from desktop.exports.monthly import export_monthly

        result = export_monthly(database, period, out)
        print(f"已生成月报（{period.label()}）：{result.path}")
        return 0
    from desktop.exports.registers import REGISTERS, export_register

    result = export_register(database, args.what, period, out,
                             progress=_stderr_progress("已导出"),
                             reveal_reason=args.reveal_reason)
    print(file=sys.stderr)
    rows = sum(result.rows.values())
    print(f"已导出{REGISTERS[args.what].title}（{period.label()}，{rows} 条）：{result.path}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from desktop.exports.templates import write_template
    from desktop.services.admin.imports import IMPORTS

    files.check_output_path(args.out)
    path = write_template(_database(args), args.what, args.out)
    print(f"已生成{IMPORTS[args.what].title}导入模板：{path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from desktop.services.admin.imports import IMPORTS, ImportRejected, import_file

    try:
        result = import_file(_database(args), args.what, args.file)
    except ImportRejected as exc:
        print(f"错误：{exc}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    print(f"{IMPORTS[args.what].title}：{result.summary()}")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from desktop.services.admin import audit

    database = _database(args)
    with database.read() as session:
        result = audit.verify_chain(session)
    audit.log_event(database, "verify", "audit_entry", None,
                    {"结果": "完整" if result.ok else "被删改", "已校验": result.checked})
    if not result.ok:
        print(f"错误：{result.message()}", file=sys.stderr)
        return 2
    print(result.message())
    return 0


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        from desktop.services.errors import ValidationError

        raise ValidationError({"period": "日期格式应为 YYYY-MM-DD，如 2026-11-01"}) from None


def cmd_audit_export(args: argparse.Namespace) -> int:
    from desktop.exports.audit import export_audit
    from desktop.services.admin.audit import AuditFilter

    where = AuditFilter(start=_day(args.date_from), end=_day(args.date_to))
    out = files.check_output_path(args.out)
    result = export_audit(_database(args), out, where, progress=_stderr_progress("已导出"))
    print(file=sys.stderr)
    print(f"已导出审计日志（{where.label()}，{sum(result.rows.values())} 条）：{result.path}")
    return 0


def cmd_backup_create(args: argparse.Namespace) -> int:
    from desktop.config import resolve_database_url
    from desktop.services.admin.backups import create_backup

    backup = create_backup(resolve_database_url(args.db).url, folder=args.folder)
    print(f"已备份（{backup.size_text}，已通过完整性检查）：{backup.path}")
    return 0


def cmd_backup_list(args: argparse.Namespace) -> int:
    from desktop.config import backup_settings
    from desktop.services.admin.backups import BACKUP, list_backups

    folder = args.folder or backup_settings().folder
    found = list_backups(folder)
    if not found:
        print(f"备份文件夹中还没有备份：{folder}")
        return 0
    print(f"备份文件夹：{folder}（共 {len(found)} 个，最新的在前）")
    for backup in found:
        kind = "" if backup.kind == BACKUP else f"  （{backup.kind_text}）"
        print(f"{backup.taken_text}  {backup.size_text:>9}  {backup.path}{kind}")
    return 0


def cmd_backup_restore(args: argparse.Namespace) -> int:
    from desktop.config import resolve_database_url
    from desktop.services.admin.backups import restore_backup

    restored = restore_backup(resolve_database_url(args.db).url, args.file, folder=args.folder)
    print(f"已恢复备份：{restored.source}")
    if restored.kept is not None:
        print(f"恢复前的数据库已另存为：{restored.kept}")
    print("如程序窗口正在运行，请关闭后重新启动。")
    return 0


def _add_id_reader_option(parser: argparse.ArgumentParser, *, default: object = None) -> None:
    parser.add_argument(
        "--id-reader", dest="id_reader", choices=["auto", "demo", "off"], default=default,
        help="身份证阅读器：auto 自动识别本机安装的华视/神思/sdtapi 驱动（默认）；"
        "demo 模拟阅读器（演示、无读卡器的电脑）；off 不使用",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="python -m desktop",
        description=f"{APP_TITLE}。不带子命令时启动图形界面。",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db", metavar="URL",
        help="数据库地址（SQLAlchemy URL），默认使用环境变量 DESKTOP_DB_URL "
        "或用户数据目录中的 SQLite 文件",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="输出调试日志")
    parser.add_argument(
        "--no-err-windows", action="store_true",
        help="出现意外错误时只写日志、不弹出对话框（用于无人值守运行）",
    )
    _add_id_reader_option(parser)
    parser.set_defaults(handler=cmd_gui)
    sub = parser.add_subparsers(title="子命令", metavar="COMMAND")

    db = sub.add_parser("db", help="数据库维护")
    db_sub = db.add_subparsers(title="数据库命令", metavar="ACTION", required=True)
    up = db_sub.add_parser("upgrade", help="创建数据库或升级到最新结构")
    up.set_defaults(handler=cmd_db_upgrade)

    demo = sub.add_parser("demo-data", help="填充虚构的演示数据")
    demo.add_argument("--visits", type=int, default=500,
                      help="来访登记条数（默认 500，最多 1000000）")
    demo.add_argument("--seed", type=int, default=20261126, help="随机种子，相同种子生成相同数据")
    demo.set_defaults(handler=cmd_demo_data)

    hall = sub.add_parser("hall-display", help="全屏叫号屏（大厅电视）")
    hall.add_argument("--windowed", action="store_true", help="以普通窗口显示（默认全屏）")
    hall.add_argument("--screen", type=_screen_number, metavar="N",
                      help="显示在第 N 个屏幕（1 为第一个；默认按本机系统设置，未设置时为主屏幕）")
    hall.set_defaults(handler=cmd_hall_display)

    kiosk = sub.add_parser("kiosk", help="全屏自助取号机（触摸屏，无需登录）")
    kiosk.add_argument("--windowed", action="store_true", help="以普通窗口显示（默认全屏）")
    kiosk.add_argument("--printer", metavar="NAME",
                       help="打印排队号的打印机名称（默认为本机设置的回执打印机，未设置则为系统默认打印机）")
    # After the subcommand too (python -m desktop kiosk --id-reader demo); SUPPRESS keeps
    # the one given before it.
    _add_id_reader_option(kiosk, default=argparse.SUPPRESS)
    kiosk.set_defaults(handler=cmd_kiosk)

    pad = sub.add_parser("rating-pad", help="窗口评价器（面向群众的触摸屏，无需登录）")
    pad.add_argument("--room", required=True, metavar="CODE",
                     help="评价器所在的窗口或科室代码（如 mediation、window）")
    pad.add_argument("--windowed", action="store_true", help="以普通窗口显示（默认全屏）")
    pad.add_argument("--screen", type=_screen_number, metavar="N",
                     help="显示在第 N 个屏幕（1 为第一个；默认为主屏幕）")
    pad.set_defaults(handler=cmd_rating_pad)

    prt = sub.add_parser("print", help="生成 PDF 文书")
    prt_sub = prt.add_subparsers(title="文书", metavar="DOCUMENT", required=True)
    receipt = prt_sub.add_parser("receipt", help="受理回执")
    receipt.add_argument("visit_no", metavar="VISIT_NO", help="受理编号，如 J202611260001")
    receipt.add_argument("--out", required=True, help="输出的 PDF 文件")
    receipt.add_argument("--paper", choices=["a5", "80mm"],
                         help="纸张（默认按本机打印设置，未设置时按中心设置）")
    receipt.set_defaults(handler=cmd_print_receipt)
    for document, help_text in CASE_DOCUMENTS.items():
        doc = prt_sub.add_parser(document, help=help_text)
        doc.add_argument("case_no", metavar="CASE_NO", help="案号，如 （2026）东人调字第0001号")
        doc.add_argument("--out", required=True, help="输出的 PDF 文件")
        if document == "casefile":
            doc.add_argument("--draft", action="store_true",
                             help="未结案的案件：打印每页标明“草稿”的卷宗")
        doc.set_defaults(handler=cmd_print_case_document, document=document)

    export = sub.add_parser("export", help="导出台账或月报（.xlsx）")
    export.add_argument("what", choices=["visits", "disputes", "counselling", "police", "care",
                                         "social", "monthly"],
                        help="visits 来访登记台账；disputes 矛盾纠纷排查化解台账；"
                             "counselling 心理咨询个案台账；police 警民联络台账；"
                             "care 关爱对象名册；social 社会组织转介台账；monthly 月报")
    export.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD",
                        help="起始日期（含）")
    export.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD",
                        help="截止日期（含）")
    export.add_argument("--out", required=True, help="输出的 .xlsx 文件")
    export.add_argument("--reveal-reason", dest="reveal_reason", metavar="理由",
                        help="导出完整的身份证号和电话号码（须有相应权限，理由记入审计日志）")
    export.set_defaults(handler=cmd_export)

    lists = ["communities", "staff", "rooms", "categories"]
    lists_help = "communities 社区和网格；staff 工作人员；rooms 室和窗口；categories 事项类别"
    template = sub.add_parser("template", help="导出基础数据导入模板（含现有数据）")
    template.add_argument("what", choices=lists, help=lists_help)
    template.add_argument("--out", required=True, help="输出的 .xlsx 文件")
    template.set_defaults(handler=cmd_template)

    imp = sub.add_parser("import", help="从 .xlsx 导入基础数据（有任何错误则全部不导入）")
    imp.add_argument("what", choices=lists, help=lists_help)
    imp.add_argument("file", metavar="FILE", help="按模板填写的 .xlsx 文件")
    imp.set_defaults(handler=cmd_import)

    aud = sub.add_parser("audit", help="审计日志：校验是否被删改、导出")
    aud_sub = aud.add_subparsers(title="审计命令", metavar="ACTION", required=True)
    verify = aud_sub.add_parser("verify", help="逐条校验审计日志（被删改时退出码为 2）")
    verify.set_defaults(handler=cmd_audit_verify)
    aud_export = aud_sub.add_parser("export", help="导出审计日志（.xlsx）")
    aud_export.add_argument("--out", required=True, help="输出的 .xlsx 文件")
    aud_export.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                            help="起始日期（含；默认不限）")
    aud_export.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD",
                            help="截止日期（含；默认不限）")
    aud_export.set_defaults(handler=cmd_audit_export)
    backup = sub.add_parser("backup", help="备份和恢复数据库")
    backup_sub = backup.add_subparsers(title="备份命令", metavar="ACTION", required=True)
    folder_help = "备份文件夹（默认按系统设置，未设置时为数据目录中的 backups）"
    create = backup_sub.add_parser(
        "create", help="立即备份（SQLite 经完整性检查；PostgreSQL 调用 pg_dump）")
    create.add_argument("--folder", type=Path, help=folder_help)
    create.set_defaults(handler=cmd_backup_create)
    listing = backup_sub.add_parser("list", help="列出已有的备份")
    listing.add_argument("--folder", type=Path, help=folder_help)
    listing.set_defaults(handler=cmd_backup_list)
    restore = backup_sub.add_parser(
        "restore", help="从备份恢复（先检查备份文件，并把当前数据库另存一份）")
    restore.add_argument("file", metavar="FILE", help="备份文件（.sqlite3）")
    restore.add_argument("--folder", type=Path,
                         help="恢复前的数据库另存到此文件夹（默认为备份文件夹）")
    restore.set_defaults(handler=cmd_backup_restore)

    helper = sub.add_parser("idcard-helper",
                            help="读卡助手进程（32 位阅读器驱动用；由程序自动启动）")
    helper.add_argument("--driver", required=True, choices=["huashi", "shensi", "sdtapi", "demo"],
                        help="阅读器接口：华视、神思、sdtapi；demo 为模拟阅读器")
    helper.add_argument("--dll", type=Path, help="阅读器驱动 DLL 的路径")
    helper.set_defaults(handler=cmd_idcard_helper)
    return parser


def speak_chinese(*streams: Any) -> None:
    """Let the console streams write any Chinese text without raising.

    A Windows console or pipe may be in the locale's code page (cp936) or plain
    ASCII: a name or path it cannot encode (a rare character outside GBK, a stray
    surrogate) would crash a command after its work is done. Streams that cannot
    encode Chinese at all are switched to UTF-8; every stream replaces what it
    still cannot write instead of raising.
    """
    for stream in streams or (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            "综治中心".encode(stream.encoding or "ascii")
            reconfigure(errors="replace")
        except (UnicodeEncodeError, LookupError):
            reconfigure(encoding="utf-8", errors="replace")
        except (OSError, ValueError):  # a closed or detached stream: nothing to do
            pass


def main(argv: Sequence[str] | None = None) -> int:
    speak_chinese()
    arguments = list(sys.argv[1:] if argv is None else argv)
    if any(_UNREADABLE.search(a) for a in arguments):
        print("错误：命令行参数中含有无法识别的字符（请使用 UTF-8 编码输入）。", file=sys.stderr)
        return 2
    args = build_parser().parse_args(arguments)
    previous_umask = paths.restrict_new_files()
    try:
        return _run(args)
    finally:
        if previous_umask is not None:
            os.umask(previous_umask)


def _run(args: argparse.Namespace) -> int:
    kind = {cmd_gui: "window", cmd_hall_display: "hall-display",
            cmd_kiosk: "kiosk", cmd_rating_pad: "rating-pad"}.get(args.handler, "cli")
    try:
        corrected = paths.secure_data_folder()
        setup_logging(verbose=args.verbose, to_stderr=kind == "cli", kind=kind)
    except OSError as exc:
        print(f"错误：无法写入日志文件：{exc.strerror}", file=sys.stderr)
        return 2
    if corrected:
        log.info("made %d files and folders of the data folder private", len(corrected))
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("\n已中止。", file=sys.stderr)
        return 130
    except Exception as exc:  # every failure ends here: a message, never a traceback
        return _failed(exc)


def _failed(exc: BaseException) -> int:
    """Tell the user what went wrong: exit 2 when they can fix it, 1 for a defect."""
    from desktop.services.errors import ValidationError
    from desktop.services.failures import (
        NOT_A_DATABASE,
        database_trouble,
        describe,
        user_message,
    )

    message = user_message(exc)
    if message is not None:
        log.info("command refused: %s", describe(exc))
        trouble = None if isinstance(exc, ValidationError) else database_trouble(exc)
        if trouble is not None and trouble.kind == NOT_A_DATABASE:
            from desktop.services.admin.backups import last_good_backup, restore_hint

            message += restore_hint(last_good_backup(), button=False)
        print(f"错误：{message}", file=sys.stderr)
        return 2
    log.error("command failed", exc_info=exc, extra={"file_only": True})
    print(f"错误：命令执行失败（程序内部错误），详情见日志：{log_file()}", file=sys.stderr)
    return 1
