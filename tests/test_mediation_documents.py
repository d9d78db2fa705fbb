"""The mediation documents read back from the PDF: every required element, page breaks, fonts."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.units import mm

from desktop.cli import main
from desktop.db import Database
from desktop.printing import case_documents, casefile, legal
from desktop.printing.agreement import render_agreement, render_oral_agreement
from desktop.printing.casefile import render_casefile
from desktop.services import mediation
from desktop.services.mediation import CaseDetail
from tests import mediation_helpers as h
from tests import poppler
from tests.conftest import TEST_ADMIN_NAME
from tests.test_paper_letters_rules import page_lines, pdf_info


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    return poppler.text_of(pdf, *(["-layout"] if layout else []))


def page_texts(pdf: bytes) -> list[str]:
    return pdf_text(pdf).split("\f")[:-1]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def words_with_boxes(pdf: bytes
                     ) -> list[tuple[int, float, float, float, float, float, float, str]]:
    """(page, page width, page height, xMin, yMin, xMax, yMax, word) from pdftotext -bbox."""
    html = poppler.text_of(pdf, "-bbox")
    words = []
    page, width, height = 0, 0.0, 0.0
    for line in html.splitlines():
        if m := re.search(r'<page width="([\d.]+)" height="([\d.]+)"', line):
            page += 1
            width, height = float(m[1]), float(m[2])
        elif m := re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                            r"(.*)</word>", line):
            words.append((page, width, height, float(m[1]), float(m[2]), float(m[3]),
                          float(m[4]), m[5]))
    return words  # type: ignore[return-value]


def _detail(database: Database, ref: mediation.CaseRef) -> CaseDetail:
    with database.read() as session:
        return mediation.case_detail(session, ref.case_id)


def test_agreement_has_every_required_element(database: Database) -> None:
    parties = [
        h.person(1, agent_name="李明", agent_relation="北京市某律师事务所律师"),
        h.person(2, "被申请人"),
        h.organisation(),
    ]
    ref = h.make_case(database, parties=parties)
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    detail = _detail(database, ref)
    pdf = render_agreement(detail)
    text = flat(pdf_text(pdf))
    required = [
        "人民调解协议书",
        ref.case_no,
        # every party's particulars
        "申请人：当事人1，男，汉族，1971年3月14日出生", f"公民身份号码：{parties[0].id_number}",
        "职业或工作单位：个体经营", "住址：东城区建设路1号", "联系电话：13800130001",
        "委托代理人：李明，北京市某律师事务所律师",
        "被申请人：当事人2，女，汉族", f"公民身份号码：{parties[1].id_number}",
        "被申请人：某某物业服务有限公司", f"统一社会信用代码：{h.CREDIT_CODE}",
        "法定代表人：周建国", "住所：东城区人民路88号",
        # facts, matters, clauses, performance
        "纠纷主要事实、争议事项", "楼上装修噪音扰民", "赔偿损失并停止夜间施工",
        "经调解，自愿达成如下协议",
        "一、被申请人于2026年12月10日前一次性赔偿申请人损失人民币3000元",
        "二、被申请人今后不在22时至次日7时之间施工",
        "履行方式：银行转账", "履行地点：东城区综治中心", "履行期限：2026年12月10日前",
        # three parties + the committee
        "本协议一式4份，当事人、人民调解委员会各持一份",
        # signatures for every party; the organisation through its representative, with seal
        "申请人：当事人1", "（签名、盖章或按指印）", "被申请人：当事人2",
        "被申请人：某某物业服务有限公司", "（盖章）", "法定代表人：周建国", "（签名）",
        "委托代理人：李明",
        "人民调解员：王志刚", "人民调解员：陈秀兰", "记录人：李慧敏",
        "东林街道人民调解委员会", "（人民调解委员会印）", "2026年11月20日",
    ]
    missing = [item for item in required if flat(item) not in text]
    assert not missing, missing
    pages = page_texts(pdf)
    for number, page in enumerate(pages, 1):
        assert f"第 {number} 页 共 {len(pages)} 页" in page


def test_copies_can_be_set_and_amount_is_printed(database: Database) -> None:
    ref = h.make_case(database)
    mediation.save_agreement(database, ref.case_id, h.agreement(copies=5, amount="12000.5"),
                             version=None)
    text = flat(pdf_text(render_agreement(_detail(database, ref))))
    assert "本协议一式5份" in text
    assert "本协议涉及金额：12,000.50元" in text


def test_long_agreement_with_many_parties_breaks_pages_cleanly(database: Database) -> None:
    long_address = "东城区建设路幸福小区" + "某某号楼某某单元某某室" * 4
    parties = [h.person(n, "申请人" if n <= 3 else "被申请人", address=long_address,
                        occupation="某某市某某区某某街道某某有限责任公司职工")
               for n in range(1, 6)]
    parties.append(h.organisation(name="某某建筑工程有限公司第三分公司", legal_rep="孙立",
                                  legal_rep_title="负责人", agent_name="郑律师"))
    clause = ("被申请人应当按照双方确认的清单分期向申请人支付赔偿款项，"
              "并在每期付款后三日内通知申请人核对；逾期未付的，申请人有权就全部未付款项申请司法确认并申请强制执行（含利息、违约金等）。")
    clauses = [f"{clause * 3}（第{n}项）" for n in range(1, 16)]
    ref = h.make_case(database, parties=parties, facts="双方因工程款结算发生争议。" * 30)
    mediation.save_agreement(database, ref.case_id, h.agreement(clauses), version=None)
    pdf = render_agreement(_detail(database, ref))
    pages = page_texts(pdf)
    assert len(pages) > 1
    for number, page in enumerate(pages, 1):
        assert f"第 {number} 页 共 {len(pages)} 页" in page
        if number > 1:
            assert ref.case_no in page  # the number heads every following page
    text = flat("".join(pages))
    for n in range(1, 16):
        assert f"{legal.chinese_number(n)}、" in text and f"（第{n}项）" in text
    assert "本协议一式7份" in text
    for party in parties:
        assert f"{party.side}：{party.name}" in text
    assert "负责人：孙立" in text
    # No text runs off the page: every word lies inside the page, and inside the
    # margins except for one hanging punctuation mark at a line end.
    words = words_with_boxes(pdf)
    assert words
    hang = legal.BODY_SIZE + 1
    for page, width, height, x0, y0, x1, y1, word in words:
        assert x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height, (page, word)
        assert x0 >= legal.LEFT - 1, (page, word, x0)
        assert x1 <= width - legal.RIGHT + hang, (page, word, x1)
    # Every page after the first starts in the body, not with a lone signature label.
    assert all(len(flat(p)) > 40 for p in pages)


def test_no_line_starts_with_a_comma(database: Database) -> None:
    ref = h.make_case(database, parties=[h.person(n) for n in range(1, 5)])
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    text = pdf_text(render_agreement(_detail(database, ref)), layout=True)
    assert not [line for line in text.splitlines() if line.strip().startswith(("，", "。", "；"))]


def test_fonts_are_embedded(database: Database, tmp_path: Path) -> None:
    ref = h.make_case(database)
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    out = tmp_path / "agreement.pdf"
    out.write_bytes(render_agreement(_detail(database, ref)))
    fonts = poppler.run("pdffonts", out).splitlines()[2:]
    assert fonts
    assert all(" yes yes " in line for line in fonts), fonts
    assert not any("Helvetica" in line for line in fonts)


def _full_case(database: Database) -> tuple[mediation.CaseRef, bytes]:
    ref = h.make_case(database, parties=[h.person(1), h.person(2, "被申请人")])
    for n in (1, 2):
        mediation.add_session(database, ref.case_id, h.session_input(n))
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    mediation.close_case(database, ref.case_id,
                         mediation.OutcomeInput("调解成功", closed_on=date(2026, 11, 20)))
    detail = _detail(database, ref)
    mediation.update_follow_up(database, detail.follow_ups[0].id, mediation.FollowUpInput(
        planned_on=date(2026, 12, 4), done_on=date(2026, 11, 25), method="电话",
        visitor_id=h.staff(database)[0], performance="已履行", satisfaction="满意",
        notes="已按约支付"), version=detail.follow_ups[0].version)
    mediation.save_judicial_confirmation(database, ref.case_id, mediation.JudicialInput(
        court="北京市东城区人民法院", applied_on=date(2026, 11, 24)), version=None)
    image = io.BytesIO()
    Image.new("RGB", (900, 600), "lightgray").save(image, "PNG")
    mediation.add_attachment(database, ref.case_id, kind="身份证明", filename="身份证复印件.png",
                             content=image.getvalue())
    scan = render_oral_agreement(_detail(database, ref))  # any PDF will do as a "scan"
    mediation.add_attachment(database, ref.case_id, kind="履行凭证", filename="转账凭证.pdf",
                             content=scan)
    return ref, scan


def test_other_documents_carry_their_content(database: Database) -> None:
    ref, _ = _full_case(database)
    detail = _detail(database, ref)
    checks = {
        case_documents.render_application(detail): ["人民调解申请书", "申请事项", "事实和理由",
                                                    "此致", "东林街道人民调解委员会"],
        case_documents.render_acceptance(detail): ["人民调解受理登记表", ref.case_no, "■当事人申请",
                                                   "□主动调解", "□公安移交", "□法院委托",
                                                   "□政府部门指定", "当事人1", "王志刚"],
        case_documents.render_rights_notice(detail): [
            "当事人权利义务告知书", "选择或者接受人民调解员", "如实陈述纠纷事实", "不收取任何费用"],
        case_documents.render_session_record(detail, detail.sessions[1].id): [
            "人民调解记录", "第二次", "2026年11月7日9时30分", "矛盾纠纷调解室", "第2次调解",
            # Written down by the signed-in account, who signs it (not the case's 记录人).
            "申请人：当事人1", "被申请人：当事人2", f"记录人：{TEST_ADMIN_NAME}"],
        render_oral_agreement(detail): ["口头调解协议登记表", "口头协议内容", "一、被申请人"],
        case_documents.render_follow_ups(detail): ["人民调解回访记录", "■已履行", "■满意",
                                                   "已按约支付"],
        case_documents.render_judicial_application(detail): [
            "司法确认申请书", "请求确认申请人之间于2026年11月20日", "北京市东城区人民法院",
            "没有恶意串通、规避法律的行为"],
    }
    for pdf, expected in checks.items():
        text = flat(pdf_text(pdf))
        missing = [e for e in expected if flat(e) not in text]
        assert not missing, (expected[0], missing)


def test_case_file_has_cover_contents_with_right_pages_and_scans(database: Database) -> None:
    ref, scan = _full_case(database)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
        contents = mediation.attachment_contents(session, ref.case_id)
    pdf = render_casefile(detail, contents)
    pages = page_texts(pdf)
    cover, toc, back = flat(pages[0]), flat(pages[1]), flat(pages[-1])
    for item in ("人民调解卷宗", "卷名", "当事人1与当事人2纠纷", "卷号", "调解员", "王志刚、陈秀兰",
                 "调解日期", "立卷人", "立卷日期", "保管期限", "长期"):
        assert flat(item) in cover, item
    assert "卷内目录" in toc and "卷内备考表" in back
    order = ["人民调解申请书", "人民调解受理登记表", "身份证明：身份证复印件",
             "当事人权利义务告知书", "调解记录（第一次）", "调解记录（第二次）",
             "人民调解协议书", "回访记录",
             "履行凭证：转账凭证", "司法确认申请书"]
    positions = [toc.index(flat(title)) for title in order]
    assert positions == sorted(positions)
    rows = {cells[1]: cells[2] for line in pdf_text(pdf, layout=True).split("\f")[1].splitlines()
            if len(cells := line.split()) > 3 and cells[0].isdigit()}
    # Each document's date: accepted, held, signed, followed up, applied, added.
    added = f"{date.today():%Y.%m.%d}"
    assert rows == {"人民调解申请书": "2026.11.02", "人民调解受理登记表": "2026.11.02",
                    "身份证明：身份证复印件": added, "当事人权利义务告知书": "2026.11.02",
                    "调解记录（第一次）": "2026.11.06", "调解记录（第二次）": "2026.11.07",
                    "人民调解协议书": "2026.11.20", "回访记录": "2026.11.25",
                    "履行凭证：转账凭证": added, "司法确认申请书": "2026.11.24"}
    body = pages[2:-1]
    scan_pages = len(PdfReader(io.BytesIO(scan)).pages)
    # Each entry's first page number points at the page where the document begins.
    starts = [("人民调解协议书", "人民调解协议书"), ("司法确认申请书", "司法确认申请书"),
              ("调解记录（第二次）", "第二次"), ("回访记录", "人民调解回访记录")]
    for title, first_line in starts:
        start = _toc_start_page(pdf, title)
        assert flat(first_line) in flat(body[start - 1]), title
    # The 卷内页号 is stamped at the top right of every page between contents and back cover.
    stamps: dict[int, str] = {}
    for page, width, _height, x0, _y0, _x1, y1, word in words_with_boxes(pdf):
        if y1 < 20 * 72 / 25.4 and x0 > width - 30 * 72 / 25.4:
            stamps[page] = word
    assert stamps == {n + 2: str(n) for n in range(1, len(body) + 1)}
    assert f"共{len(body)}页" in back
    assert sum("身份证明：身份证复印件" in p for p in body) == 1
    assert sum(flat("口头调解协议登记表") in flat(p) for p in body) == scan_pages


def _toc_start_page(pdf: bytes, title: str) -> int:
    toc = pdf_text(pdf, layout=True).split("\f")[1]
    for line in toc.splitlines():
        if title in line:
            match = re.search(r"\s(\d+)(?:—\d+)?\s*(扫描件)?\s*$", line)
            assert match, line
            return int(match[1])
    raise AssertionError(title)


def test_cli_prints_agreement_and_case_file(database: Database, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    ref, _ = _full_case(database)
    url = database.engine.url.render_as_string(hide_password=False)
    agreement = tmp_path / "agreement.pdf"
    casefile = tmp_path / "casefile.pdf"
    assert main(["--db", url, "print", "agreement", ref.case_no, "--out", str(agreement)]) == 0
    assert main(["--db", url, "print", "casefile", ref.case_no, "--out", str(casefile)]) == 0
    # ASCII parentheses are accepted too.
    ascii_no = ref.case_no.replace("（", "(").replace("）", ")")
    assert main(["--db", url, "print", "sessions", ascii_no, "--out",
                 str(tmp_path / "s.pdf")]) == 0
    assert "人民调解协议书" in pdf_text(agreement.read_bytes())
    assert "卷内目录" in flat(pdf_text(casefile.read_bytes()))
    assert main(["--db", url, "print", "agreement", "（2026）东人调字第9999号", "--out",
                 str(tmp_path / "x.pdf")]) == 2
    assert "没有案号为" in capsys.readouterr().err


def test_the_contents_page_numbers_are_drawn_where_they_are_read(
    database: Database, tmp_path: Path
) -> None:
    """The 卷内目录's 页号 are filled in at the end, each in a box of its own: every one is
    seen on the printed page, not only found in its text."""
    ref, _ = _full_case(database)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
        contents = mediation.attachment_contents(session, ref.case_id)
    out = tmp_path / "卷宗.pdf"
    out.write_bytes(render_casefile(detail, contents))
    numbers = [(x0, y0, x1, y1, word) for page, _w, _h, x0, y0, x1, y1, word
               in words_with_boxes(out.read_bytes())
               if page == 2 and re.fullmatch(r"\d+(—\d+)?", word)]
    assert len(numbers) >= 10
    poppler.run("pdftoppm", "-f", "2", "-l", "2", "-r", "72", "-gray", out, tmp_path / "toc")
    (picture,) = tmp_path.glob("toc*.pgm")
    with Image.open(picture) as image:
        for x0, y0, x1, y1, word in numbers:
            box = image.crop((int(x0), int(y0), int(x1) + 1, int(y1) + 1))
            assert box.getextrema()[0] < 128, f"页号 {word} is not drawn"


def test_each_document_in_the_case_file_keeps_its_own_pages_header_and_date(
    database: Database
) -> None:
    """A long case agreed orally: each document of the 卷宗 counts its own pages
    (第 X 页 共 Y 页), names itself at the top from its second page on, carries the 卷内页号,
    and is listed in the 卷内目录 with its date and pages."""
    from tests.test_case_documents_paper import _long_case

    detail = _long_case(database)
    mediation.save_agreement(database, detail.id, h.agreement(kind="oral"), version=None)
    mediation.close_case(database, detail.id,
                         mediation.OutcomeInput("调解成功", closed_on=date(2026, 11, 20)))
    detail = _detail(database, mediation.CaseRef(detail.id, detail.case_no))
    no = detail.case_no
    pages = page_lines(render_casefile(detail, {}))
    documents = [  # title in the 卷内目录, its date, its first line, its header from page 2
        ("人民调解申请书", "2026.11.02", "人民调解申请书", f"人民调解申请书 {no}"),
        ("人民调解受理登记表", "2026.11.02", "东林街道人民调解委员会", f"人民调解受理登记表 {no}"),
        ("当事人权利义务告知书", "2026.11.02", "人民调解当事人权利义务告知书",
         f"当事人权利义务告知书 {no}"),
        ("调解记录（第一次）", "2026.11.06", "人民调解记录", f"{no} 调解记录"),
        ("调解记录（第二次）", "2026.11.07", "人民调解记录", f"{no} 调解记录"),
        ("口头调解协议登记表", "2026.11.20", "口头调解协议登记表", f"口头调解协议登记表 {no}"),
    ]
    toc = pages[1]
    rows = [line.split() for line in toc if re.match(r"\d+ ", line)]
    assert [(row[1], row[2]) for row in rows] == [(d[0], d[1]) for d in documents]
    assert toc[-3:] == ["当事人身份证明 缺", "回访记录 缺", "卷内备考表 备考"]
    body = pages[2:-1]
    stamp = 0
    for row, (title, _day, first_line, header) in zip(rows, documents, strict=True):
        start, end = map(int, row[3].split("—"))
        assert start == stamp + 1, title
        count = end - start + 1
        assert count > 1, title  # every document of this case runs over pages
        for number in range(1, count + 1):
            stamp += 1
            page = body[stamp - 1]
            assert page[0] == str(stamp), (title, number)
            assert page[1] == (first_line if number == 1 else header), (title, number)
            assert page[-1] == f"第 {number} 页 共 {count} 页", (title, number)
    assert stamp == len(body)


def test_the_case_file_holds_every_follow_up_done_each_from_a_new_page(
    database: Database, tmp_path: Path
) -> None:
    from tests.test_case_documents_paper import _closed_with_follow_ups

    detail = _closed_with_follow_ups(database)
    planned = next(f for f in detail.follow_ups if f.done_on is None)
    mediation.update_follow_up(database, planned.id, mediation.FollowUpInput(
        planned_on=planned.planned_on, done_on=date(2026, 11, 28), method="上门",
        visitor_id=h.staff(database)[0], performance="已履行", satisfaction="满意",
        notes="第二次回访"), version=planned.version)
    detail = _detail(database, mediation.CaseRef(detail.id, detail.case_no))
    out = tmp_path / "卷宗.pdf"
    out.write_bytes(render_casefile(detail, {}))
    pages = page_lines(out.read_bytes())
    row = next(line.split() for line in pages[1] if " 回访记录 " in line)
    assert row[2] == "2026.11.23"  # the first follow-up done
    start, end = map(int, row[3].split("—"))
    part = pages[1 + start:2 + end]
    header = f"{detail.case_no} 回访记录"
    assert [page[1] for page in part] == ["人民调解回访记录"] + [header] * (len(part) - 1)
    assert [page[-1] for page in part] == [
        f"第 {n} 页 共 {len(part)} 页" for n in range(1, len(part) + 1)]
    # The second follow-up starts a page of its own, under the running header.
    second = next(n for n, page in enumerate(part) if "第二次回访" in " ".join(page))
    assert part[second][2] == "人民调解回访记录" and second >= 2
    assert sum("已按约履行" in " ".join(page) for page in part) == 1
    # Every font of the whole file is embedded, none of them Helvetica.
    fonts = poppler.run("pdffonts", out).splitlines()[2:]
    assert fonts and all(" yes yes " in line for line in fonts), fonts
    assert not any("Helvetica" in line for line in fonts)


def test_the_case_file_marks_its_pages_where_every_paper_does(database: Database) -> None:
    """Each document's 第 X 页 共 Y 页 and running header stand exactly where the paper
    printed alone has them; the 卷内页号 (12 pt) sits 12 mm from the top right corner and the
    draft's warning (10.5 pt) 14 mm from the top, at the left margin."""
    from tests.test_case_documents_paper import _long_case

    detail = _long_case(database)
    alone = [w for w in words_with_boxes(case_documents.render_application(detail))
             if w[0] == 2]
    filed = words_with_boxes(render_casefile(detail, {}, draft=True))
    width, height = legal.PAGE
    application_page_2 = [w for w in filed if w[0] == 4]  # cover, contents, its first page
    marks = [w for w in alone if w[4] > height - legal.BOTTOM or w[6] < legal.TOP]
    assert [w[7] for w in marks] == ["人民调解申请书", detail.case_no,
                                     "第", "2", "页", "共", "6", "页"]
    for word in marks:  # the header and the footer, where the paper alone has them
        assert word[1:] in [w[1:] for w in application_page_2], word
    footer = next(w for w in alone if w[7] == "第" and w[4] > height - legal.BOTTOM)
    descent = (footer[6] - (height - (legal.BOTTOM - 12 * mm))) / 10.5
    stamp = next(w for w in application_page_2 if w[7] == "2" and w[6] < 20 * mm)
    _p, _w, _h, _x0, y0, x1, y1, _text = stamp
    assert x1 == pytest.approx(width - 12 * mm, abs=0.3)
    assert (y1 - y0, y1) == pytest.approx((12, 12 * mm + 12 * descent), abs=0.3)
    draft = [w for w in application_page_2 if 10 * mm < w[6] < 16 * mm and w is not stamp]
    assert "".join(w[7] for w in draft) == casefile.DRAFT_MARK
    assert draft[0][3] == pytest.approx(legal.LEFT, abs=0.3)
    assert {round(w[6] - w[4], 1) for w in draft} == {10.5}
    assert draft[0][6] == pytest.approx(14 * mm + 10.5 * descent, abs=0.3)


def test_the_cover_contents_and_back_of_a_closed_case_file_read_back_line_by_line(
    database: Database
) -> None:
    ref, _ = _full_case(database)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
        contents = mediation.attachment_contents(session, ref.case_id)
    pages = page_lines(render_casefile(detail, contents))
    no = ref.case_no
    added = f"{date.today():%Y.%m.%d}"
    assert pages[0] == [
        "东林街道人民调解委员会", "人民调解卷宗", "卷 名 当事人1与当事人2纠纷", f"卷 号 {no}",
        f"案 号 {no}", "调解员 王志刚、陈秀兰", "调解日期 2026年11月2日 至 2026年11月20日",
        "调解结果 调解成功", "立卷人", "立卷日期 年 月 日", "保管期限 长期"]
    assert pages[1] == [
        "卷 内 目 录", no, "序号 文件题名 日期 页号 备注",
        "1 人民调解申请书 2026.11.02 1",
        "2 人民调解受理登记表 2026.11.02 2—3",
        f"3 身份证明：身份证复印件 {added} 4 扫描件",
        "4 当事人权利义务告知书 2026.11.02 5—6",
        "5 调解记录（第一次） 2026.11.06 7",
        "6 调解记录（第二次） 2026.11.07 8",
        "7 人民调解协议书 2026.11.20 9—10",
        "8 回访记录 2026.11.25 11",
        f"9 履行凭证：转账凭证 {added} 12—13 扫描件",
        "10 司法确认申请书 2026.11.24 14—15",
        "卷内备考表 备考"]
    assert pages[-1] == [
        "卷 内 备 考 表", no,
        "本卷情况说明 本卷共有文件材料 10 件，共 15 页（不含封面、卷内目录和备考",
        "表）。",
        "调解结果：调解成功",
        "应归档材料 ■人民调解申请书；■人民调解受理登记表；■当事人身份证明；■",
        "当事人权利义务告知书；■调解记录；■人民调解协议书；■回访记",
        "录；■履行凭证；■司法确认申请书；■结案",
        "立卷人", "检查人", "立卷日期 年 月 日"]


def test_a_long_contents_repeats_its_heading_on_every_page(database: Database) -> None:
    ref = h.make_case(database)
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "lightgray").save(image, "PNG")
    for n in range(1, 46):
        mediation.add_attachment(database, ref.case_id, kind="证据材料",
                                 filename=f"现场照片{n}.png", content=image.getvalue())
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
        contents = mediation.attachment_contents(session, ref.case_id)
    pages = page_lines(render_casefile(detail, contents))
    heading = "序号 文件题名 日期 页号 备注"
    contents_pages = [page for page in pages if heading in page]
    assert [page[0] for page in contents_pages] == ["卷 内 目 录", heading, heading]
    assert [page[1].split()[0] for page in contents_pages[1:]] == ["21", "43"]
    assert sum(line.count("证据材料：现场照片") for page in contents_pages for line in page) == 45


def test_an_agreement_not_yet_signed_is_listed_without_a_date(database: Database) -> None:
    ref = h.make_case(database)
    mediation.save_agreement(database, ref.case_id, h.agreement(signed_on=None), version=None)
    pdf = render_casefile(_detail(database, ref), {}, draft=True)
    toc = page_lines(pdf)[1]
    (row,) = [line for line in toc if "人民调解协议书" in line]
    assert re.fullmatch(r"\d+ 人民调解协议书 \d+(—\d+)?", row), row


def test_the_cover_of_an_open_case_and_of_one_filed(database: Database) -> None:
    ref = h.make_case(database)
    detail = _detail(database, ref)
    draft = render_casefile(detail, {}, draft=True)
    cover = page_lines(draft)[0]
    assert cover[2:3] + cover[7:11] == [
        "人民调解卷宗（草稿）", "调解日期 2026年11月2日", "调解结果 办理中", "立卷人",
        "立卷日期 年 月 日"]
    # Room to write the 立卷人's name by hand: 8 mm (and the cell's padding, 4 + 5 pt).
    tops = {w[7]: w[4] for w in words_with_boxes(draft) if w[0] == 1}
    assert tops["立卷日期"] - tops["立卷人"] == pytest.approx(8 * mm + 9, abs=0.5)
    filed = dataclasses.replace(detail, filed_by="李慧敏", filed_on=date(2026, 11, 30),
                                archive_no="2026-调-0001")
    cover = page_lines(render_casefile(filed, {}))[0]
    assert cover[3:4] + cover[8:10] == [
        "卷 号 2026-调-0001", "立卷人 李慧敏", "立卷日期 2026年11月30日"]
    words = {w[7]: w[3] for w in words_with_boxes(render_casefile(filed, {})) if w[0] == 1}
    assert words["2026年11月30日"] == pytest.approx(words["李慧敏"], abs=0.5)  # from the left


def test_the_back_of_an_open_case_and_of_a_failed_one_filed(database: Database) -> None:
    ref = h.make_case(database)
    detail = _detail(database, ref)
    draft = render_casefile(detail, {}, draft=True)
    pages = page_lines(draft)
    back = pages[-1]
    assert "调解结果：办理中" in back
    assert back[-3:] == ["立卷人", "检查人", "立卷日期 年 月 日"]
    # 8 mm to write each name by hand (and the cell's padding, 4 + 5 pt).
    tops = {w[7]: w[4] for w in words_with_boxes(draft) if w[0] == len(pages)}
    assert tops["检查人"] - tops["立卷人"] == pytest.approx(8 * mm + 9, abs=0.5)
    mediation.close_case(database, ref.case_id, mediation.OutcomeInput(
        "调解不成功", reason="被申请人拒绝赔偿", guided_to="诉讼", closed_on=date(2026, 11, 21)))
    failed = dataclasses.replace(_detail(database, ref), filed_by="李慧敏",
                                 filed_on=date(2026, 11, 30))
    pdf = render_casefile(failed, {})
    info = pdf_info(pdf)
    assert (info["Title"], info["Author"]) == (f"人民调解卷宗 {ref.case_no}",
                                               "东林街道人民调解委员会")
    pages = page_lines(pdf)
    back = pages[-1]
    assert "调解结果：调解不成功" in back and "说明：被申请人拒绝赔偿" in back
    assert back[-3:] == ["立卷人 李慧敏", "检查人", "立卷日期 2026年11月30日"]
    # 8 mm to write the 检查人's name by hand (and the cell's padding, 4 + 5 pt).
    last = len(pages)
    tops = {w[7]: w[4] for w in words_with_boxes(pdf) if w[0] == last}
    assert tops["立卷日期"] - tops["检查人"] == pytest.approx(8 * mm + 9, abs=0.5)
    # The 立卷人 written in: one line (18 pt) and the padding.
    assert tops["检查人"] - tops["立卷人"] == pytest.approx(18 + 9, abs=0.5)


def test_the_court_s_papers_and_other_scans_close_the_file_and_a_receipt_not_needed_is_none(
    database: Database
) -> None:
    ref = h.make_case(database)
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    mediation.close_case(database, ref.case_id,
                         mediation.OutcomeInput("调解成功", closed_on=date(2026, 11, 20)))
    planned = _detail(database, ref).follow_ups[0]
    mediation.update_follow_up(database, planned.id, mediation.FollowUpInput(
        planned_on=planned.planned_on, done_on=date(2026, 11, 25), method="电话",
        visitor_id=h.staff(database)[0], performance="已履行", satisfaction="满意"),
        version=planned.version)
    mediation.save_judicial_confirmation(database, ref.case_id, mediation.JudicialInput(
        court="北京市东城区人民法院", applied_on=date(2026, 11, 24), result="确认有效",
        result_on=date(2026, 11, 30)), version=None)
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "lightgray").save(image, "PNG")
    for kind, name in (("其他材料", "情况说明.png"), ("司法确认材料", "民事裁定书.png")):
        mediation.add_attachment(database, ref.case_id, kind=kind, filename=name,
                                 content=image.getvalue())
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
        contents = mediation.attachment_contents(session, ref.case_id)
    pages = page_lines(render_casefile(detail, contents))
    titles = [line.split()[1] for line in pages[1] if re.match(r"\d+ ", line)]
    assert titles[-3:] == ["司法确认申请书", "司法确认材料：民事裁定书", "其他材料：情况说明"]
    back = "".join(pages[-1])
    assert "□履行凭证（无）" in back and "■司法确认材料" in back
