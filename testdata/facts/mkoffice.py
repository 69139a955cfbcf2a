#!/usr/bin/python3
"""Office documents, CSV and HTML for test/text.bats, made by real producers.

Run from anywhere as /usr/bin/python3 testdata/facts/mkoffice.py; it
writes into the directory it lives in.  Debian 12 packages it needs:

    python3-docx python3-openpyxl python3-odf python3-uno
    python3-msoffcrypto-tool qpdf libreoffice-writer libreoffice-impress
    libreoffice-calc

What each file is and who made it:

    report.docx        python-docx: paragraphs, a table, runs split inside
                       a word, a tab, a line break, a header and a footer
    report-lo.html     LibreOffice Writer saves report.docx as HTML
    report.pdf         LibreOffice Writer exports report.docx as PDF
    report-enc.pdf     qpdf --encrypt (AES-256) of report.pdf
    report-encx.pdf    the same with object streams: the trailer is an
                       xref stream's dictionary
    report-enc.docx    LibreOffice Writer saves report.docx with a password
                       ("mp-secret"): ECMA-376 Standard encryption in a
                       CFB file; msoffcrypto-tool must decrypt it back
    customers.xlsx     openpyxl: shared strings, a phone number stored as a
                       number, a second sheet
    customers-lo.xlsx  LibreOffice Calc opens customers-utf8.csv, saves XLSX
    slides.odp         odfpy: two slides and a speaker's note
    slides.pptx        LibreOffice Impress saves slides.odp as PPTX
    customers-cp932.csv, customers-jis.csv, customers-utf8.csv
                       Python's codecs: CP932 (with ① and 髙, which only
                       CP932 has, and half-width katakana), ISO-2022-JP,
                       and UTF-8 with a byte-order mark, as Excel saves it
    notoffice.zip      Python's zipfile: a ZIP that is not OOXML
    page.html          by hand: scripts, styles, entities, a table, a lying
                       <meta charset>

Each document's FILE.expect holds the lines an independent reader finds
in it (python-docx, openpyxl, ElementTree over the PPTX's XML), one a
line: test/text.bats looks for each in mp's text.  Zip bombs and the
truncated DOCX are made by the test itself, in its temporary directory.
"""
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile

import docx
import openpyxl
from odf.draw import Frame, Page, TextBox
from odf.namespaces import PRESENTATIONNS
from odf.opendocument import OpenDocumentPresentation
from odf.presentation import Notes
from odf.style import MasterPage, PageLayout
from odf.text import P

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = "mp-secret"

ROWS = [
    ["氏名", "電話", "郵便番号", "住所"],
    ["山田太郎", "03-1234-5678", "〒100-0005", "東京都千代田区丸の内1-1-1"],
    ["鈴木花子", "06-6543-2100", "〒530-0001", "大阪府大阪市北区梅田1-2-3"],
]


def path(name):
    return os.path.join(HERE, name)


def write_expect(name, lines):
    with open(path(name + ".expect"), "w", encoding="utf-8") as f:
        for line in lines:
            if line.strip():
                f.write(line.strip() + "\n")


def make_docx():
    d = docx.Document()
    d.add_heading("社外秘 見積書", level=1)
    d.add_paragraph("お客様各位")
    d.add_paragraph("担当: 山田太郎 電話番号 03-1234-5678")
    d.add_paragraph("〒100-0005 東京都千代田区丸の内1-1-1")
    d.add_paragraph("携帯：０９０－１２３４－５６７８ ﾔﾏﾀﾞ ﾀﾛｳ")
    p = d.add_paragraph()
    p.add_run("この資料は")
    p.add_run("機").bold = True
    p.add_run("密").italic = True
    p.add_run("です。")
    d.add_paragraph("品名\t数量")
    p = d.add_paragraph("一行目")
    p.add_run().add_break()
    p.add_run("二行目 info@example.co.jp")
    t = d.add_table(rows=0, cols=2)
    for left, right in (("氏名", "鈴木花子"), ("電話", "06-6543-2100")):
        cells = t.add_row().cells
        cells[0].text = left
        cells[1].text = right
    sec = d.sections[0]
    sec.header.paragraphs[0].text = "ヘッダー 株式会社サンプル"
    sec.footer.paragraphs[0].text = "フッター 090-8765-4321"
    d.save(path("report.docx"))

    r = docx.Document(path("report.docx"))
    lines = [para.text for para in r.paragraphs]
    for table in r.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [para.text for para in cell.paragraphs]
    for s in r.sections:
        lines += [para.text for para in s.header.paragraphs]
        lines += [para.text for para in s.footer.paragraphs]
    # python-docx shows a <w:br/> as nothing (0.8) or "\n" (later)
    lines = [piece for line in lines for piece in line.split("\n")]
    write_expect("report.docx", lines)
    return lines


def make_xlsx():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "顧客"
    for row in ROWS:
        ws.append(row)
    ws.append(["携帯(数値)", 9012345678, 3.5, "ﾊﾝｶｸ"])
    memo = wb.create_sheet("メモ")
    memo.append(["社外秘", "取扱注意"])
    wb.save(path("customers.xlsx"))
    expect_xlsx("customers.xlsx")


def expect_xlsx(name):
    wb = openpyxl.load_workbook(path(name))
    lines = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            lines.append("\t".join("" if v is None else str(v)
                                   for v in row))
    write_expect(name, lines)


def make_csv():
    rows = ROWS + [["髙橋①", "090-1111-2222", "〒060-0001", "ﾃｽﾄ"]]
    text = "".join(",".join(r) + "\r\n" for r in rows)
    with open(path("customers-cp932.csv"), "wb") as f:
        f.write(text.encode("cp932"))
    jis = "".join(",".join(r) + "\r\n" for r in ROWS)
    with open(path("customers-jis.csv"), "wb") as f:
        f.write(jis.encode("iso2022_jp"))
    with open(path("customers-utf8.csv"), "wb") as f:
        f.write(jis.encode("utf-8-sig"))


def make_odp():
    doc = OpenDocumentPresentation()
    layout = PageLayout(name="MpLayout")
    doc.automaticstyles.addElement(layout)
    master = MasterPage(name="MpMaster", pagelayoutname=layout)
    doc.masterstyles.addElement(master)
    slides = [
        ["第1四半期 売上報告", "社外秘"],
        ["連絡先: 営業部 03-5555-0101", "〒100-0005 東京都千代田区丸の内1-1-1"],
    ]
    for i, texts in enumerate(slides):
        page = Page(masterpagename=master, name="page%d" % (i + 1))
        doc.presentation.addElement(page)
        frame = Frame(width="24cm", height="12cm", x="1cm", y="1cm")
        page.addElement(frame)
        box = TextBox()
        frame.addElement(box)
        for t in texts:
            box.addElement(P(text=t))
        if i == 1:
            notes = Notes()
            page.addElement(notes)
            nframe = Frame(width="16cm", height="8cm", x="2cm", y="12cm")
            nframe.setAttrNS(PRESENTATIONNS, "class", "notes")
            notes.addElement(nframe)
            nbox = TextBox()
            nframe.addElement(nbox)
            nbox.addElement(P(text="発表者メモ: 担当 鈴木 06-6543-2100"))
    doc.save(path("slides.odp"))


def expect_pptx(name):
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    lines = []
    with zipfile.ZipFile(path(name)) as z:
        for part in sorted(n for n in z.namelist()
                           if n.startswith("ppt/slides/slide") or
                           n.startswith("ppt/notesSlides/notesSlide")):
            if not part.endswith(".xml"):
                continue
            root = ET.fromstring(z.read(part))
            for p in root.iter(a + "p"):
                lines.append("".join(t.text or "" for t in p.iter(a + "t")))
    write_expect(name, lines)


class Office:
    """A headless LibreOffice driven over UNO."""

    def __init__(self):
        import uno
        self.uno = uno
        self.proc = subprocess.Popen(
            ["soffice", "--headless", "--norestore", "--nologo",
             "--accept=pipe,name=mpfixtures;urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(100):
            try:
                ctx = resolver.resolve("uno:pipe,name=mpfixtures;urp;"
                                       "StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.3)
        else:
            sys.exit("mkoffice: LibreOffice did not start")
        self.desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx)

    def prop(self, name, value):
        from com.sun.star.beans import PropertyValue
        p = PropertyValue()
        p.Name = name
        p.Value = value
        return p

    def ooxml_password(self, password):
        """Writer's "Save with password" for DOCX: EncryptionData with
        the password as OOXPassword and the ECMA-376 Standard
        encryption LibreOffice writes (AES-128) as CryptoType."""
        from com.sun.star.beans import NamedValue
        nv = NamedValue()
        nv.Name = "OOXPassword"
        nv.Value = password
        ct = NamedValue()
        ct.Name = "CryptoType"
        ct.Value = "Standard"
        return self.prop("EncryptionData", self.uno.Any(
            "[]com.sun.star.beans.NamedValue", (nv, ct)))

    def convert(self, src, dst, filt, load=(), store=()):
        url = self.uno.systemPathToFileUrl
        doc = self.desktop.loadComponentFromURL(
            url(path(src)), "_blank", 0,
            (self.prop("Hidden", True),) + tuple(load))
        doc.storeToURL(url(path(dst)),
                       (self.prop("FilterName", filt),) + tuple(store))
        doc.close(True)

    def quit(self):
        try:
            self.desktop.terminate()
        except Exception:
            pass
        self.proc.wait(timeout=60)


def main():
    docx_lines = make_docx()
    make_xlsx()
    make_csv()
    make_odp()
    with zipfile.ZipFile(path("notoffice.zip"), "w",
                         zipfile.ZIP_DEFLATED) as z:
        z.writestr("readme.txt", "社外秘 03-1234-5678\n")
        z.writestr("data/list.csv", "a,b\n")

    office = Office()
    try:
        office.convert("report.docx", "report-enc.docx", "MS Word 2007 XML",
                       store=[office.ooxml_password(PASSWORD)])
        office.convert("report.docx", "report.pdf", "writer_pdf_Export")
        office.convert("report.docx", "report-lo.html", "HTML (StarWriter)")
        office.convert("slides.odp", "slides.pptx",
                       "Impress MS PowerPoint 2007 XML")
        office.convert("customers-utf8.csv", "customers-lo.xlsx",
                       "Calc MS Excel 2007 XML",
                       load=[office.prop("FilterName",
                                         "Text - txt - csv (StarCalc)"),
                             office.prop("FilterOptions", "44,34,76,1")])
    finally:
        office.quit()
    # a browser shows a tab in HTML as a space
    write_expect("report-lo.html", [l.replace("\t", " ") for l in docx_lines])
    expect_pptx("slides.pptx")
    expect_xlsx("customers-lo.xlsx")
    for name, extra in (("report-enc.pdf", []),
                        ("report-encx.pdf", ["--object-streams=generate"])):
        subprocess.run(["qpdf"] + extra + ["--encrypt", PASSWORD, PASSWORD,
                        "256", "--", path("report.pdf"), path(name)],
                       check=True)
    check_encrypted("report-enc.docx")


def check_encrypted(name):
    """The password opens it, and nothing else would."""
    import io
    import msoffcrypto
    with open(path(name), "rb") as f:
        office = msoffcrypto.OfficeFile(f)
        if not office.is_encrypted():
            sys.exit("mkoffice: %s is not encrypted" % name)
        office.load_key(password=PASSWORD)
        plain = io.BytesIO()
        office.decrypt(plain)
    with zipfile.ZipFile(plain) as z:
        if "word/document.xml" not in z.namelist():
            sys.exit("mkoffice: %s does not decrypt to a DOCX" % name)


if __name__ == "__main__":
    main()
