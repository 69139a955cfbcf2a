#!/usr/bin/env python3
"""Regenerate testdata/detach/*.eml, the messages of the mp-detach tests.

Python's email package writes every message, as a mail client would:
multipart/mixed with an ISO-2022-JP body, base64 attachments, RFC 2231
names for Japanese file names.  report.pdf is a real PDF (one page of
text, with a correct cross-reference table) so that the browser test
downloads a file a person could open.  Other contents are pseudo-random
bytes from a fixed seed: a regenerated fixture is the same byte for
byte.  Run from the repository root:
    python3 testdata/detach/mkfixtures.py
"""
import email.encoders
import email.policy
import os
import sys
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

OUT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(OUT))
from fixturelib import blob  # noqa: E402
POLICY = email.policy.SMTP.clone(linesep="\n")


def pdf(lines):
    """A one-page PDF showing lines of ASCII text."""
    text = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(
        "(%s) Tj T*" % ln.replace("(", r"\(").replace(")", r"\)")
        for ln in lines) + " ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text),
                                                      text.encode()),
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, xref))
    return out


def jp_text(text):
    return MIMEText(text, "plain", "iso-2022-jp")


def attach(data, mtype, name):
    maintype, subtype = mtype.split("/")
    if maintype == "application":
        part = MIMEApplication(data, subtype)
    elif maintype == "image":
        part = MIMEImage(data, subtype)
    else:
        part = MIMEBase(maintype, subtype)
        part.set_payload(data)
        email.encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment",
                    filename=name if name.isascii() else ("utf-8", "", name))
    return part


def headers(msg, subject, msgid):
    msg["From"] = "=?ISO-2022-JP?B?GyRCOjRGIxsoQg==?= <sato@example.co.jp>"
    msg["To"] = "Tanaka <tanaka@customer.example>, suzuki@partner.example"
    msg["Cc"] = "boss@example.co.jp"
    msg["Subject"] = Header(subject, "iso-2022-jp").encode() \
        if not subject.isascii() else subject
    msg["Date"] = "Mon, 23 Nov 2026 09:30:00 +0900"
    msg["Message-ID"] = "<%s@example.co.jp>" % msgid
    return msg


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def report():
    """The everyday case: a Japanese body, a PDF and a spreadsheet."""
    m = MIMEMultipart("mixed", boundary="=_report_boundary_1")
    headers(m, "お見積りの件", "report.1")
    m.attach(jp_text("田中様\n\nお世話になっております。\n"
                     "お見積書と明細をお送りします。\n\n佐藤\n"))
    m.attach(attach(pdf(["Quotation No. 2026-1123", "Total: 1,234,000 JPY",
                         "Valid until 2026-12-31"]),
                    "application/pdf", "見積書.pdf"))
    m.attach(attach(blob("sheet", 40000), "application/vnd.ms-excel",
                    "明細①.xls"))
    return m.as_bytes(policy=POLICY)


def html_cid():
    """HTML with an inline logo (stays) and an attachment (goes)."""
    m = MIMEMultipart("mixed", boundary="=_outer_2")
    headers(m, "Newsletter", "html.2")
    rel = MIMEMultipart("related", boundary="=_related_2")
    alt = MIMEMultipart("alternative", boundary="=_alt_2")
    alt.attach(MIMEText("Hello, see the logo.\n", "plain", "us-ascii"))
    alt.attach(MIMEText('<p>Hello <img src="cid:logo@x"></p>\n', "html",
                        "us-ascii"))
    rel.attach(alt)
    img = MIMEImage(blob("logo", 3000), "png")
    img.add_header("Content-ID", "<logo@x>")
    img.add_header("Content-Disposition", "inline", filename="logo.png")
    rel.attach(img)
    m.attach(rel)
    m.attach(attach(blob("brochure", 25000), "application/pdf",
                    "brochure.pdf"))
    return m.as_bytes(policy=POLICY)


def sizes():
    """A small and a bigger attachment, for --min-size."""
    m = MIMEMultipart("mixed", boundary="=_sizes_3")
    headers(m, "sizes", "sizes.3")
    m.attach(MIMEText("Two files.\n", "plain", "us-ascii"))
    m.attach(attach(blob("small", 2000), "application/octet-stream",
                    "small.bin"))
    m.attach(attach(blob("big", 150000), "application/octet-stream",
                    "big.bin"))
    return m.as_bytes(policy=POLICY)


def hostile():
    """File names written to break a page or a header."""
    m = MIMEMultipart("mixed", boundary="=_hostile_4")
    headers(m, "names", "hostile.4")
    m.attach(MIMEText("Files.\n", "plain", "us-ascii"))
    m.attach(attach(b"<script>alert(1)</script>\n", "text/html",
                    '<img src=x onerror="alert(1)">.html'))
    m.attach(attach(b"plain\n", "text/plain", "a\"b;c%41 'q'&amp;.txt"))
    return m.as_bytes(policy=POLICY)


def noattach():
    m = MIMEMultipart("alternative", boundary="=_noattach_5")
    headers(m, "no files", "noattach.5")
    m.attach(MIMEText("Just text.\n", "plain", "us-ascii"))
    m.attach(MIMEText("<p>Just text.</p>\n", "html", "us-ascii"))
    return m.as_bytes(policy=POLICY)


def single():
    """A message that is one file (its whole body an attachment)."""
    m = attach(blob("single", 5000), "application/octet-stream", "only.bin")
    headers(m, "one file", "single.6")
    m["MIME-Version"] = "1.0"
    return m.as_bytes(policy=POLICY)


def main():
    rep = report()
    write("report.eml", rep)
    write("report-crlf.eml", rep.replace(b"\n", b"\r\n"))
    write("report-from.eml",
          b"From sato@example.co.jp Mon Nov 23 09:30:00 2026\n" + rep)
    write("html-cid.eml", html_cid())
    write("sizes.eml", sizes())
    write("hostile.eml", hostile())
    write("noattach.eml", noattach())
    write("single.eml", single())


if __name__ == "__main__":
    main()
