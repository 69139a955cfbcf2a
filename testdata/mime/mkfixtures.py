#!/usr/bin/env python3
"""Regenerate testdata/mime/*.eml, the messages of test/mime.bats.

Python's email package writes every message; the hostile lines (a text
line that only starts like a delimiter, an HTML comment naming a
Content-ID) are part of the text it is given, not patched in.  The PDF
is a small real one written here byte for byte from its specification
(one page, no content).  Run from the repository root:
python3 testdata/mime/mkfixtures.py
"""
import email.header
import email.policy
import hashlib
import os
import random
from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

OUT = os.path.dirname(os.path.abspath(__file__))
POLICY = email.policy.SMTP.clone(linesep="\n")
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n") + b"SECRET-QUOTATION-4711\n" * 8
# a 1x1 PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def head(m, subject):
    m["From"] = "sato@example.co.jp"
    m["To"] = "client@customer.example"
    m["Subject"] = subject
    m["Date"] = "Mon, 30 Nov 2026 09:00:00 +0900"
    m["Message-ID"] = "<%s@example.co.jp>" % subject.replace(" ", "-")
    return m


def pdf(name="quote.pdf", disposition="attachment", cid=None):
    p = MIMEApplication(PDF, "pdf")
    p.add_header("Content-Disposition", disposition, filename=name)
    if cid:
        p["Content-ID"] = "<%s>" % cid
    return p


def write(name, m):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(m.as_bytes(policy=POLICY))


def closing_lookalikes():
    # RFC 2046: only white space may follow a (close) delimiter
    for name, line in (("close-x", "--MPBOUND--x"),
                       ("close-text", "--MPBOUND-- and more text"),
                       ("delim-x", "--MPBOUNDx")):
        m = head(MIMEMultipart(boundary="MPBOUND"), name)
        m.attach(MIMEText("The quotation follows.\n%s\nRegards\n" % line))
        m.attach(pdf())
        write("%s-in-text.eml" % name, m)
    # inside a text attachment, before the real close delimiter
    m = head(MIMEMultipart(boundary="MPBOUND"), "close-in-attachment")
    m.attach(MIMEText("Data attached.\n"))
    csv = MIMEText("id,name\n1,a\n--MPBOUND--x\n2,b\n", "csv")
    csv.add_header("Content-Disposition", "attachment", filename="data.csv")
    m.attach(csv)
    m.epilogue = "epilogue after the close delimiter\n"
    write("close-in-attachment.eml", m)


def forwards():
    inner = head(MIMEMultipart(), "inner")
    inner.attach(MIMEText("See the quotation.\n"))
    inner.attach(pdf())
    for disp in (None, "inline"):
        m = head(MIMEMultipart(), "forward %s" % (disp or "none"))
        m.attach(MIMEText("Forwarding the message below.\n"))
        f = MIMEMessage(inner)
        if disp:
            f["Content-Disposition"] = disp
        m.attach(f)
        write("forward-%s.eml" % (disp or "nodisp"), m)


def cids():
    def related(html, *parts):
        m = head(MIMEMultipart("related"), "cid")
        alt = MIMEMultipart("alternative")
        alt.attach(MIMEText("plain text\n"))
        alt.attach(MIMEText(html, "html"))
        m.attach(alt)
        for p in parts:
            m.attach(p)
        return m

    def png(cid):
        p = MIMEImage(PNG, "png")
        p.add_header("Content-Disposition", "inline", filename="logo.png")
        p["Content-ID"] = "<%s>" % cid
        return p

    # the Content-ID only in a comment, in text, in a script: not shown
    write("cid-comment.eml", related(
        "<html><body><p>Hello</p><!-- <img src=\"cid:doc1\"> --></body></html>\n",
        pdf(disposition="inline", cid="doc1")))
    write("cid-text.eml", related(
        "<html><body><p>see cid:logo1 and cid:doc2</p></body></html>\n",
        png("logo1"), pdf(disposition="inline", cid="doc2")))
    write("cid-script.eml", related(
        "<html><body><script>var s = '<img src=\"cid:logo2\">';</script>"
        "</body></html>\n", png("logo2")))
    # markup refers to a PDF: not an image, so still an attachment
    write("cid-pdf.eml", related(
        "<html><body><img src=\"cid:doc3\"></body></html>\n",
        pdf(disposition="inline", cid="doc3")))
    # the one case that stays inline: an image the markup shows
    write("cid-image.eml", related(
        "<html><body style=\"background:url(cid:bg)\">"
        "<img src=cid:logo3 alt=\"x\"></body></html>\n", png("logo3"),
        png("bg")))


def bidi():
    # U+202E shows "\u202efdp.exe" as "exe.pdf"; U+200B hides; U+0085 is
    # a C1 control
    m = head(MIMEMultipart(), "bidi")
    m.attach(MIMEText("Files attached.\n"))
    for name in ("\u202efdp.exe", "report\u200b.pdf", "a\u0085b.txt"):
        p = MIMEApplication(b"MZ" + name.encode() * 20)
        p.add_header("Content-Disposition", "attachment", filename=name)
        m.attach(p)
    write("bidi-names.eml", m)


def report():
    # a bounce (RFC 3464) returning the whole message, PDF and all: the
    # report's returned message is nobody's forward, and stays where the
    # report machinery looks for it
    inner = head(MIMEMultipart(), "returned")
    inner.attach(MIMEText("See the quotation.\n"))
    inner.attach(pdf())
    m = head(MIMEMultipart("report", report_type="delivery-status"),
             "bounce")
    m.attach(MIMEText("The mail could not be delivered.\n"))
    per_message, per_recipient = Message(), Message()
    per_message["Reporting-MTA"] = "dns; mx.example.co.jp"
    per_recipient["Final-Recipient"] = "rfc822; nobody@customer.example"
    per_recipient["Action"] = "failed"
    per_recipient["Status"] = "5.1.1"
    status = MIMEBase("message", "delivery-status")
    status.set_payload([per_message, per_recipient])
    m.attach(status)
    m.attach(MIMEMessage(inner))
    write("report-returned.eml", m)


def blob(seed, n):
    """n pseudo-random bytes, the same every run, different per seed"""
    out, i = b"", 0
    while len(out) < n:
        out += hashlib.sha256(b"%s:%d" % (seed.encode(), i)).digest()
        i += 1
    return out[:n]


def named(data, subtype, name, disposition, cid):
    """an image/SUBTYPE or text/html part with a file name and a
    Content-ID"""
    if subtype == "html":
        p = MIMEText(data.decode(), "html")
    else:
        p = MIMEImage(data, subtype)
    p.add_header("Content-Disposition", disposition, filename=name)
    p["Content-ID"] = "<%s>" % cid
    return p


def html_expect(name, cases, more=""):
    """NAME.eml's NAME.expect: each image "keep" (stays inline) or
    "file" (an attachment)"""
    with open(os.path.join(OUT, name + ".expect"), "w") as f:
        f.write("# %s.eml: the files that stay inline (keep) and those that"
                " are\n# attachments (file); written by mkfixtures.py\n"
                % name)
        for case, keep, _ in cases:
            f.write("%s.png\t%s\n" % (case, "keep" if keep else "file"))
        f.write(more)


# One image per way of naming its Content-ID in HTML; True: the markup
# shows it, and it stays inline.
HTML_CASES = [
    ("src", True, '<img src="cid:{cid}" alt="a">'),
    ("unquoted", True, "<img alt=x src=cid:{cid}>"),
    ("single", True, "<table><tr><td background='cid:{cid}'>x</td></tr>"
     "</table>"),
    ("spaces", True, '<img\n  src = " cid:{cid} "\n/>'),
    ("upper", True, '<IMG SRC="CID:{cid}">'),
    ("entity", True, '<img src="&#99;id&#x3a;{cid}">'),
    ("style", True, "<div style=\"background-image: url('cid:{cid}')\">"
     "x</div>"),
    ("comment", False, '<!-- <img src="cid:{cid}"> -->'),
    ("comment2", False, '<!--\n<p><img src="cid:{cid}"></p>\n-->'),
    ("text", False, "<p>The picture is cid:{cid} in our archive.</p>"),
    ("fake-attr", False, '<p>src="cid:{cid}"</p>'),
    ("alt-text", False, '<img src="x.png" alt="was cid:{cid}">'),
    ("script", False, "<script>var s = '<img src=\"cid:{cid}\">';"
     "</script>"),
    ("style-element", False, "<style>p {{ background: url(cid:{cid}) }}"
     "</style>"),
    ("cdata", False, '<![CDATA[ <img src="cid:{cid}" ]]>'),
    ("end-tag", False, '</p src="cid:{cid}">'),
    ("doctype", False, '<!DOCTYPE html SYSTEM "cid:{cid}">'),
    ("pi", False, '<?xml-stylesheet href="cid:{cid}"?>'),
]

# What Python's html.parser reads otherwise than the tokenizer of
# browsers (WHATWG HTML 13.2.5), which mp follows: the text of title and
# textarea, a comment closed by "--!>", the empty comments "<!-->" and
# "<!--->", a script's "<!--<script>" nesting.
HTML5_CASES = [
    ("title", False, '<title><img src="cid:{cid}"></title>'),
    ("textarea", False, '<textarea><img src="cid:{cid}"></textarea>'),
    ("bang", True, '<!-- x --!><img src="cid:{cid}">'),
    ("empty", True, '<!--><img src="cid:{cid}"><!---><p>'),
    ("nested-script", False,
     '<script><!--<script></script><img src="cid:{cid}">--></script>'),
]


def html_tokens():
    # Hostile HTML, one image per case above, plus: a PDF the markup
    # shows like an image (a file all the same), an image the markup
    # shows with Content-Disposition: attachment (the sender said so),
    # an image named in an <img that never closes (no tag), and an HTML
    # file attached whose markup shows an image (an attached file shows
    # nothing).
    html = ["<html><head><title>Report</title></head><body>"]
    images = []
    for case, _, markup in HTML_CASES:
        cid = "%s.1@example.co.jp" % case
        html.append(markup.format(cid=cid))
        images.append(named(blob(case, 700), "png", case + ".png", "inline",
                            cid))
    html.append('<p><img src="cid:doc.1@example.co.jp">'
                '<img src="cid:said.1@example.co.jp"></p>')
    html.append('<p>End.</p></body></html>\n<img src="cid:eof.1@example.'
                'co.jp"')
    m = head(MIMEMultipart(boundary="=_html_mixed"), "html tokens")
    rel = MIMEMultipart("related", boundary="=_html_related")
    alt = MIMEMultipart("alternative", boundary="=_html_alternative")
    alt.attach(MIMEText("See the pictures.\n"))
    alt.attach(MIMEText("\n".join(html), "html"))
    rel.attach(alt)
    for img in images:
        rel.attach(img)
    rel.attach(pdf("doc.pdf", "inline", "doc.1@example.co.jp"))
    rel.attach(named(blob("said", 700), "png", "said.png", "attachment",
                     "said.1@example.co.jp"))
    rel.attach(named(blob("eof", 700), "png", "eof.png", "inline",
                     "eof.1@example.co.jp"))
    m.attach(rel)
    m.attach(named(b'<p><img src="cid:fromfile.1@example.co.jp"></p>\n',
                   "html", "page.html", "attachment",
                   "page.1@example.co.jp"))
    m.attach(named(blob("fromfile", 700), "png", "fromfile.png", "inline",
                   "fromfile.1@example.co.jp"))
    write("html-cid.eml", m)
    html_expect("html-cid", HTML_CASES, "doc.pdf\tfile\nsaid.png\tfile\n"
                "eof.png\tfile\npage.html\tfile\nfromfile.png\tfile\n")

    html = ["<html><body>"]
    m = head(MIMEMultipart("related", boundary="=_html5"), "html5 tokens")
    for case, _, markup in HTML5_CASES:
        html.append(markup.format(cid="%s.2@example.co.jp" % case))
    html.append("</body></html>\n")
    m.attach(MIMEText("\n".join(html), "html"))
    for case, _, _ in HTML5_CASES:
        m.attach(named(blob(case, 700), "png", case + ".png", "inline",
                       "%s.2@example.co.jp" % case))
    write("html5-cid.eml", m)
    html_expect("html5-cid", HTML5_CASES)

    # ISO-2022-JP HTML: the JIS bytes of 守 are "<i", of 就 '="'; read as
    # ASCII they open a tag and a quoted value that runs into the <img>
    cases = [("jis", True, '<p>\u5b88\u5c31\u306e\u8cc7\u6599</p>'
              '<img src="cid:{cid}">')]
    m = head(MIMEMultipart("related", boundary="=_html_jis"), "html jis")
    m.attach(MIMEText("<html><body>%s</body></html>\n" % cases[0][2].format(
        cid="jis.3@example.co.jp"), "html", "iso-2022-jp"))
    m.attach(named(blob("jis", 700), "png", "jis.png", "inline",
                   "jis.3@example.co.jp"))
    write("html-jis.eml", m)
    html_expect("html-jis", cases)


def format_names():
    # every kind of character mp drops from a file name: a right-to-left
    # override, isolates, zero-width ones, a BOM, a soft hyphen, C1
    # controls, the line and paragraph separators; in RFC 2231 (Python's
    # encoder) and in RFC 2047 inside quotes (what Japanese mailers write)
    m = head(MIMEMultipart(boundary="=_format_names"), "format names")
    m.attach(MIMEText("Four files.\n"))
    for i, name in enumerate(("invoice\u202efdp.exe",
                              "\ufeffre\u200bport\u2067\u2069 "
                              "\u00ad2026.pdf",
                              "a\u0085b\u2028c\u2029d\u009b.txt")):
        p = MIMEApplication(blob("format%d" % i, 3000))
        p.add_header("Content-Disposition", "attachment",
                     filename=("utf-8", "", name))
        m.attach(p)
    p = MIMEApplication(blob("format3", 3000))
    p["Content-Disposition"] = 'attachment; filename="%s"' % \
        email.header.Header("\u8acb\u6c42\u66f8\u202excod.scr",
                            "utf-8").encode()
    m.attach(p)
    write("format-names.eml", m)


if __name__ == "__main__":
    random.seed(2046)  # the boundaries Python draws, the same every run
    bidi()
    closing_lookalikes()
    forwards()
    cids()
    report()
    html_tokens()
    format_names()
