#!/usr/bin/env python3
"""Regenerate testdata/notice/*.eml: messages whose text takes the note.

Python's email package writes every message, as a mail client would.
The texts come in the charsets and transfer encodings mail carries:

  jis-alt.eml    multipart/alternative in ISO-2022-JP (7bit), text and
                 HTML, and two attachments whose names ISO-2022-JP holds
  qp-alt.eml     UTF-8 quoted-printable text and HTML, as Outlook sends
  b64-plain.eml  UTF-8 base64 text, CRLF line breaks
  ascii.eml      US-ASCII 7bit text
  html-only.eml  an HTML body without a <body> tag, no text/plain
  kept-txt.eml   a text body and a small text/plain attachment that is
                 not the body (readme.txt): the note must not go there

Attachments are pseudo-random bytes from a fixed seed: a regenerated
fixture is the same byte for byte.  Run from the repository root:
    python3 testdata/notice/mkfixtures.py
"""
import hashlib
import os
import sys
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.message import MIMEPart
import email.charset
import email.policy

OUT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(OUT))
from fixturelib import blob  # noqa: E402
POLICY = email.policy.SMTP.clone(linesep="\n")


def head(m, subject):
    m["From"] = "Sato <sato@example.co.jp>"
    m["To"] = "Tanaka <tanaka@customer.example>"
    m["Subject"] = Header(subject, "iso-2022-jp").encode() \
        if not subject.isascii() \
        else subject
    m["Date"] = "Mon, 23 Nov 2026 09:30:00 +0900"
    m["Message-ID"] = "<%s@example.co.jp>" % hashlib.sha1(
        subject.encode()).hexdigest()[:12]


def attach(m, name, data, ctype="application/octet-stream"):
    maintype, subtype = ctype.split("/")
    a = MIMEApplication(data, subtype) if maintype == "application" else \
        MIMEText(data, subtype, "us-ascii")
    a.add_header("Content-Disposition", "attachment",
                 filename=name if name.isascii() else ("utf-8", "", name))
    m.attach(a)


def text(body, subtype, charset, cte="7bit"):
    t = MIMEPart(policy=POLICY)
    t.set_content(body, subtype, charset=charset, cte=cte)
    del t["MIME-Version"]
    return t


def multipart(kind, n):
    m = MIMEMultipart(kind)
    m.set_boundary("=_%s_%d" % (kind, n))
    return m


def write(name, m, crlf=False):
    data = m.as_bytes(policy=POLICY)
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    body_ja = "田中様\n\nお世話になっております。\n見積書をお送りします。\n\n佐藤\n"
    html_ja = ("<html><head><title>見積</title></head>\n"
               "<body style=\"font-family:sans-serif\">\n"
               "<p>田中様</p>\n<p>お世話になっております。"
               "見積書をお送りします。</p>\n</body></html>\n")

    m = multipart("mixed", 1)
    head(m, "お見積り")
    alt = multipart("alternative", 2)
    alt.attach(text(body_ja, "plain", "iso-2022-jp"))
    alt.attach(text(html_ja, "html", "iso-2022-jp"))
    m.attach(alt)
    attach(m, "見積書.pdf", blob("pdf", 3000), "application/pdf")
    attach(m, "明細.xlsx", blob("xlsx", 5000))
    write("jis-alt.eml", m)

    m = multipart("mixed", 3)
    head(m, "Quote / お見積り")
    alt = multipart("alternative", 4)
    alt.attach(text("Dear Tanaka,\n\nThe quote = attached; café.\n"
                    "見積書です。\n", "plain", "utf-8", "quoted-printable"))
    alt.attach(text("<html><body>\n<p>Dear Tanaka,</p>\n<p>The quote = "
                    "attached; café. 見積書です。</p>\n</body></html>\n",
                    "html", "utf-8", "quoted-printable"))
    m.attach(alt)
    attach(m, "quote.pdf", blob("quote", 2000), "application/pdf")
    write("qp-alt.eml", m)

    m = multipart("mixed", 5)
    head(m, "Base64 text")
    m.attach(text("こんにちは。\nファイルを送ります。\n", "plain", "utf-8",
                  "base64"))
    attach(m, "data.bin", blob("bin", 1500))
    write("b64-plain.eml", m, crlf=True)

    m = multipart("mixed", 6)
    head(m, "Plain ASCII")
    m.attach(MIMEText("Hello,\n\nthe file is attached.\n", "plain",
                      "us-ascii"))
    attach(m, "report.pdf", blob("report", 2500), "application/pdf")
    write("ascii.eml", m)

    m = multipart("mixed", 7)
    head(m, "HTML only")
    m.attach(text("<p>Hello, <b>the file</b> is attached.</p>\n", "html",
                  "us-ascii"))
    attach(m, "slides.pdf", blob("slides", 1800), "application/pdf")
    write("html-only.eml", m)

    m = multipart("mixed", 8)
    head(m, "Kept text attachment")
    m.attach(MIMEText("Hello,\n\nsee the files.\n", "plain", "us-ascii"))
    attach(m, "readme.txt", "small readme\n", "text/plain")
    attach(m, "big.bin", blob("big", 4000))
    write("kept-txt.eml", m)


if __name__ == "__main__":
    main()
