#!/usr/bin/env python3
"""Regenerate testdata/facts/mail/*, the messages of test/facts.bats.

Python's email package writes every MIME structure, RFC 2047 word and
base64 body; zipfile and zip(1) write the archives (zip -P: ZipCrypto,
as Windows users send them).  A few header lines are put in front as
text because the email package rewrites them: "Date: ... JST" (it would
write -0000) and a From with a Unicode domain (it would encode it).
Run from the repository root:  python3 testdata/facts/mkmail.py

With --bomb FILE or --ooxml-bomb FILE it writes one large message for a
test to use and keep out of the repository: a ZIP of more entries than
mp reads (MP_ARCSCAN_ENTRIES), or an OOXML document whose XML inflates
past MP_TEXT_READ_BYTES.  With --with OUT FILE... it writes to OUT a
message with those files attached.
"""
import mimetypes
import email.policy
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from email.header import Header
from email.message import EmailMessage

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mail")
POLICY = email.policy.SMTP.clone(linesep="\n")


def word(text):
    """An RFC 2047 encoded-word, as the email package writes it."""
    return Header(text, "utf-8").encode()


def message(head, body="Hello.\n", subtype="plain"):
    """A message: head (raw header lines) in front of what the email
    package writes for the content."""
    m = EmailMessage(policy=POLICY)
    m.set_content(body, subtype=subtype)
    return m, head


def as_bytes(m, head):
    if m.is_multipart():
        m.set_boundary("=-facts-%d-=" % len(head))
    lines = "".join("%s: %s\n" % kv for kv in head)
    return lines.encode() + m.as_bytes()


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def zip_plain(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, (2026, 11, 24, 0, 0, 0)), data,
                       zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def zip_encrypted(name, data):
    """A ZipCrypto archive written by zip(1)."""
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        os.utime(os.path.join(d, name), (1795478400, 1795478400))
        subprocess.run(["zip", "-q", "-X", "-P", "secret", "a.zip", name],
                       cwd=d, check=True)
        with open(os.path.join(d, "a.zip"), "rb") as f:
            return f.read()


BASE = [("From", "Sato <sato@example.co.jp>"),
        ("Date", "Tue, 24 Nov 2026 10:15:00 +0900")]


def recipients():
    m, _ = message(None)
    head = [("From", "Sato <sato@example.co.jp>"),
            ("To", "a@example.co.jp, b@partner.example, c@ext.example, "
                   "C@EXT.example"),
            ("Cc", "b@partner.example, d@ext2.example"),
            ("Bcc", "e@ext.example, f@example.co.jp"),
            ("Date", "Tue, 24 Nov 2026 10:15:00 +0900"),
            ("Subject", "recipients")]
    write("recipients.eml", as_bytes(m, head))


def senders():
    m, _ = message(None)
    write("tagged.eml", as_bytes(m, [
        ("From", "Sato <Sato+news@Example.CO.JP>"),
        ("To", "x@ext.example"),
        ("Date", "Tue, 24 Nov 2026 10:15:00 +0900")]))
    write("idn.eml", as_bytes(m, [
        ("From", "Tanaka <tanaka@例え.jp>"),
        ("To", "x@ext.example"),
        ("Date", "Tue, 24 Nov 2026 10:15:00 +0900")]))
    write("nofrom.eml", as_bytes(m, [
        ("To", "x@ext.example"),
        ("Date", "Tue, 24 Nov 2026 10:15:00 +0900")]))


def times():
    m, _ = message(None)
    to = ("To", "x@ext.example")
    write("date-jst.eml", as_bytes(m, [
        BASE[0], to, ("Date", "Sun, 22 Nov 2026 22:30:00 JST")]))
    write("date-utc.eml", as_bytes(m, [
        BASE[0], to, ("Date", "Mon, 23 Nov 2026 13:30:00 +0000")]))
    write("nodate.eml", as_bytes(m, [BASE[0], to]))
    write("nodate-fromline.eml", b"From sato@example.co.jp Wed Nov 25 "
          b"07:05:09 2026\n" + as_bytes(m, [BASE[0], to]))


def attachments():
    m, _ = message(None, "Files attached.\n")
    m.add_attachment(b"%PDF-1.4\n" + bytes(range(256)) * 4,
                     maintype="application", subtype="pdf",
                     filename="report.pdf")
    m.add_attachment(zip_plain([("a.txt", b"plain text\n" * 100)]),
                     maintype="application", subtype="zip",
                     filename="plain.zip")
    m.add_attachment(zip_encrypted("secret.txt", b"top secret\n" * 50),
                     maintype="application", subtype="zip",
                     filename="locked.zip")
    write("attachments.eml", as_bytes(m, BASE + [
        ("To", "x@ext.example"), ("Subject", "files")]))


def undecodable():
    m, _ = message(None, "Two files nobody can read.\n")
    m.add_attachment(b"data" * 100, maintype="application",
                     subtype="octet-stream", filename="a.bin")
    m.add_attachment(b"data" * 100, maintype="application",
                     subtype="octet-stream", filename="b.bin")
    m.add_attachment(b"data" * 100, maintype="application",
                     subtype="octet-stream", filename="c.bin")
    parts = list(m.iter_attachments())
    # a transfer encoding no decoder knows
    parts[0].replace_header("Content-Transfer-Encoding", "x-gzip64")
    # "base64" over text that is not
    parts[1].set_payload("This is not base64 at all!!! (really): "
                         "{}[]<>;~ *** ### $$$ %%% ^^^ &&&\n" * 5)
    # base64 with a mailing-list footer after it, as real mail has: fine
    parts[2].set_payload(parts[2].get_payload() +
                         "_______________________________________________\n"
                         "list mailing list\n")
    write("undecodable.eml", as_bytes(m, BASE + [
        ("To", "x@ext.example"), ("Subject", "unreadable")]))


def keywords():
    body = ("ＣＯＮＦＩＤＥＮＴＩＡＬ: this is confidential.\n"
            "テスト テスト\n"
            "Project  X starts; project x again.\n"
            "電話 03-1234-5678, また 03-1234-5678。\n")
    m, _ = message(None, body)
    m.add_attachment("名前,電話\n佐藤,03-1234-5678\n極秘 confidential\n"
                     .encode("utf-8"), maintype="text", subtype="csv",
                     filename="社外秘_名簿.csv")
    write("keywords.eml", as_bytes(m, BASE + [
        ("To", "x@ext.example"),
        ("Subject", word("【社外秘】ﾃｽﾄ confidential"))]))


def html():
    m = EmailMessage(policy=POLICY)
    m.set_content("secret plan\n")
    m.add_alternative("<html><body><p>secret plan</p>"
                      "<script>secret()</script></body></html>\n",
                      subtype="html")
    write("alternative.eml", as_bytes(m, BASE + [("To", "x@ext.example")]))
    m = EmailMessage(policy=POLICY)
    m.set_content("<html><body><p>the s&#101;cret <b>plan</b></p>"
                  "<style>p { secret: 1 }</style></body></html>\n",
                  subtype="html")
    write("html.eml", as_bytes(m, BASE + [("To", "x@ext.example")]))


def bomb(path):
    """A ZIP of one entry more than mp reads."""
    m, _ = message(None, "Many files.\n")
    entries = [("f%d" % i, b"") for i in range(10001)]
    m.add_attachment(zip_plain(entries), maintype="application",
                     subtype="zip", filename="many.zip")
    with open(path, "wb") as f:
        f.write(as_bytes(m, BASE + [("To", "x@ext.example")]))


def ooxml_bomb(path):
    """A .docx whose document.xml inflates to 80 MB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                   'xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"/>')
        z.writestr("word/document.xml", b"<w:document>" +
                   b"<w:t>a</w:t>" * (80 * 1024 * 1024 // 12) +
                   b"</w:document>")
    m, _ = message(None, "A big document.\n")
    m.add_attachment(buf.getvalue(), maintype="application",
                     subtype="vnd.openxmlformats-officedocument."
                             "wordprocessingml.document",
                     filename="big.docx")
    with open(path, "wb") as f:
        f.write(as_bytes(m, BASE + [("To", "x@ext.example")]))


def with_files(out, paths):
    """A message with the files attached, typed by their names."""
    m, _ = message(None, "Files attached.\n")
    for p in paths:
        t = mimetypes.guess_type(p)[0] or "application/octet-stream"
        with open(p, "rb") as f:
            m.add_attachment(f.read(), maintype=t.split("/")[0],
                             subtype=t.split("/")[1],
                             filename=os.path.basename(p))
    with open(out, "wb") as f:
        f.write(as_bytes(m, BASE + [("To", "x@ext.example")]))


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "--with":
        return with_files(sys.argv[2], sys.argv[3:])
    if len(sys.argv) == 3 and sys.argv[1] == "--bomb":
        return bomb(sys.argv[2])
    if len(sys.argv) == 3 and sys.argv[1] == "--ooxml-bomb":
        return ooxml_bomb(sys.argv[2])
    os.makedirs(OUT, exist_ok=True)
    recipients()
    senders()
    times()
    attachments()
    undecodable()
    keywords()
    html()


if __name__ == "__main__":
    main()
