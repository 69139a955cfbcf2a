#!/usr/bin/env python3
"""Regenerate testdata/zipenc/*.eml, the messages of test/zipenc.bats.

Nothing here is hand-typed bytes: Python's email package writes the MIME
structure, RFC 2231 names and base64; nkf(1) writes ISO-2022-JP with the
Microsoft extensions (CP50220, as Outlook does) for bodies and the
RFC 2047 names Japanese mailers put inside quotes; zip(1) and 7-Zip
(7zz or 7z) write the archives, encrypted ones included.  File contents
are pseudo-random bytes from a fixed seed, so a regenerated fixture has
the same attachments (only the archives' time stamps differ).  Run from
the repository root:  python3 testdata/zipenc/mkfixtures.py
"""
import base64
import email.encoders
import email.policy
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from email.message import EmailMessage, Message
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

OUT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(OUT))
from fixturelib import blob  # noqa: E402
POLICY = email.policy.SMTP.clone(linesep="\n")
SEVENZ = shutil.which("7zz") or shutil.which("7z")


def text_blob(seed, n):
    """n bytes of compressible text."""
    words = [hashlib.md5(b"%s%d" % (seed.encode(), i)).hexdigest()[:6]
             for i in range(50)]
    out, i = [], 0
    while sum(len(w) + 1 for w in out) < n:
        out.append(words[(i * 7) % 50])
        i += 1
    return (" ".join(out)[:n - 1] + "\n").encode()


def nkf(text, *flags):
    return subprocess.run(["nkf", "--ic=UTF-8", "--oc=CP50220"] + list(flags),
                          input=text.encode(), capture_output=True,
                          check=True).stdout


def jis_word(text):
    """RFC 2047 B-encoded ISO-2022-JP-MS, as Japanese mailers write it."""
    return nkf(text, "-M").decode("ascii").strip().replace("\n", "")


def headers(msg, subject, extra=None):
    msg["From"] = jis_word("佐藤") + " <sato@example.co.jp>"
    msg["To"] = "Tanaka <tanaka@customer.example>, suzuki@partner.example"
    msg["Cc"] = "boss@example.co.jp"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 23 Nov 2026 09:30:00 +0900"
    msg["Message-ID"] = "<%s@example.co.jp>" % extra
    return msg


def jp_text(text):
    part = MIMEBase("text", "plain", charset="ISO-2022-JP")
    part.set_payload(nkf(text).decode("ascii"))
    part["Content-Transfer-Encoding"] = "7bit"
    return part


def attach(data, mtype, name, disposition="attachment"):
    maintype, subtype = mtype.split("/")
    part = MIMEApplication(data, subtype) if maintype == "application" \
        else MIMEBase(maintype, subtype)
    if maintype != "application":
        part.set_payload(base64.encodebytes(data).decode("ascii"))
        part["Content-Transfer-Encoding"] = "base64"
    if name is not None:
        # RFC 2231 for names that are not ASCII (Python's own encoder)
        part.add_header("Content-Disposition", disposition,
                        filename=name if name.isascii() else
                        ("utf-8", "", name))
    else:
        part.add_header("Content-Disposition", disposition)
    return part


def raw_name_part(data, mtype, name_param):
    """A base64 part whose filename parameter is given as raw bytes."""
    if not name_param.startswith(b"\n"):
        name_param = b" filename=" + name_param
    return (b"Content-Type: " + mtype.encode() + b"\n"
            b"Content-Transfer-Encoding: base64\n"
            b"Content-Disposition: attachment;" + name_param +
            b"\n\n" + base64.encodebytes(data))


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def as_bytes(msg):
    return msg.as_bytes(policy=POLICY)


def archives(tmp):
    """Encrypted and plain archives holding one small text file."""
    src = os.path.join(tmp, "secret.txt")
    with open(src, "wb") as f:
        f.write(text_blob("secret", 2000))
    out = {}

    def run(*argv):
        subprocess.run(argv, cwd=tmp, check=True, capture_output=True)
    run(SEVENZ, "a", "-tzip", "-pSesame-1234", "-mem=AES256", "aes.zip",
        "secret.txt")
    run("zip", "-q", "-P", "Sesame-1234", "zipcrypto.zip", "secret.txt")
    run(SEVENZ, "a", "-t7z", "-pSesame-1234", "-mhe=on", "headers.7z",
        "secret.txt")
    run(SEVENZ, "a", "-t7z", "-pSesame-1234", "entries.7z", "secret.txt")
    run("zip", "-q", "plain.zip", "secret.txt")
    for n in ("aes.zip", "zipcrypto.zip", "headers.7z", "entries.7z",
              "plain.zip"):
        with open(os.path.join(tmp, n), "rb") as f:
            out[n] = f.read()
    return out


def main():
    subject = jis_word("お見積りの件")

    # The everyday case: a Japanese text and three attachments, named in
    # RFC 2231 (UTF-8), RFC 2047 ISO-2022-JP-MS inside quotes, and ASCII.
    m = headers(MIMEMultipart("mixed"), subject, "mixed.1")
    m.attach(jp_text("お世話になっております。\n見積書をお送りします。\n"))
    m.attach(attach(blob("pdf", 30000), "application/pdf", "見積書.pdf"))
    xls = MIMEApplication(blob("xls", 12000), "vnd.ms-excel")
    xls["Content-Disposition"] = 'attachment; filename="%s"' % \
        jis_word("①売上表.xls")
    m.attach(xls)
    m.attach(attach(text_blob("csv", 5000), "text/csv", "data.csv"))
    mixed = as_bytes(m)
    write("mixed.eml", mixed)
    write("mixed-crlf.eml", mixed.replace(b"\n", b"\r\n"))
    write("mixed-from.eml",
          b"From sato@example.co.jp  Mon Nov 23 09:30:00 2026\n" + mixed)

    # An HTML body whose logo is a cid: image (it stays), an inline photo
    # nothing refers to (zipped) and a PDF attachment (zipped).
    m = headers(MIMEMultipart("mixed"), "Report with a logo", "html.1")
    rel = MIMEMultipart("related")
    alt = MIMEMultipart("alternative")
    alt.attach(MIMEText("See the report.\n", "plain", "us-ascii"))
    alt.attach(MIMEText('<p><img src="cid:logo.1@example.co.jp"> See the '
                        'report.</p>\n', "html", "us-ascii"))
    rel.attach(alt)
    logo = attach(blob("logo", 800), "image/png", "logo.png", "inline")
    logo["Content-ID"] = "<logo.1@example.co.jp>"
    rel.attach(logo)
    m.attach(rel)
    photo = attach(blob("photo", 4000), "image/jpeg", "photo.jpg", "inline")
    photo["Content-ID"] = "<photo.1@example.co.jp>"
    m.attach(photo)
    m.attach(attach(blob("report", 9000), "application/pdf", "report.pdf"))
    write("html-cid.eml", as_bytes(m))

    with tempfile.TemporaryDirectory() as tmp:
        arc = archives(tmp)
    # Archives that are encrypted already stay as they are; a plain ZIP
    # and a text file are zipped.
    m = headers(MIMEMultipart("mixed"), "Archives", "archives.1")
    m.attach(MIMEText("Four archives.\n", "plain", "us-ascii"))
    m.attach(attach(arc["aes.zip"], "application/zip", "aes.zip"))
    m.attach(attach(arc["zipcrypto.zip"], "application/zip",
                    "zipcrypto.zip"))
    m.attach(attach(arc["headers.7z"], "application/x-7z-compressed",
                    "headers.7z"))
    m.attach(attach(arc["entries.7z"], "application/octet-stream",
                    "entries.bin"))
    m.attach(attach(arc["plain.zip"], "application/zip", "plain.zip"))
    m.attach(attach(text_blob("notes", 3000), "text/plain", "notes.txt"))
    write("archives.eml", as_bytes(m))

    m = headers(MIMEMultipart("mixed"), "Only encrypted", "only.1")
    m.attach(MIMEText("Already encrypted.\n", "plain", "us-ascii"))
    m.attach(attach(arc["aes.zip"], "application/zip", "aes.zip"))
    write("only-encrypted.eml", as_bytes(m))

    # The whole message is the file.
    m = headers(EmailMessage(), "Contract", "single.1")
    m.set_content(blob("contract", 7000), maintype="application",
                  subtype="pdf", filename="契約書.pdf")
    write("single.eml", as_bytes(m))

    # No attachments at all.
    m = headers(MIMEMultipart("alternative"), "No files", "plain.1")
    m.attach(MIMEText("Just text.\n", "plain", "us-ascii"))
    m.attach(MIMEText("<p>Just text.</p>\n", "html", "us-ascii"))
    write("noattach.eml", as_bytes(m))

    # Names as real mailers write them.
    nfd = unicodedata.normalize("NFD", "ガイド.pdf")
    parts = [
        b"Content-Type: text/plain; charset=us-ascii\n\nNames.\n",
        raw_name_part(blob("sjis", 1000), "application/vnd.ms-excel",
                      b'"' + "表計算.xls".encode("cp932") + b'"'),
        raw_name_part(blob("cont", 1100), "application/pdf",
                      b"\n filename*0*=ISO-2022-JP''" + "".join(
                          "%%%02X" % c for c in nkf("長い名前の")).encode() +
                      b";\n filename*1*=" + "".join(
                          "%%%02X" % c for c in nkf("報告書.pdf")).encode()),
        raw_name_part(blob("nfd", 1200), "application/pdf",
                      b'"=?UTF-8?B?' + base64.b64encode(nfd.encode()) +
                      b'?="'),
        raw_name_part(blob("dup1", 1300), "text/plain", b'"a.txt"'),
        raw_name_part(blob("dup2", 1400), "text/plain", b'"A.txt"'),
        b"Content-Type: application/octet-stream\n"
        b"Content-Transfer-Encoding: base64\n"
        b"Content-Disposition: attachment\n\n" +
        base64.encodebytes(blob("noname", 1500)),
        raw_name_part(blob("path", 1600), "application/pdf",
                      b'"C:\\TEMP\\scan.pdf"'),
        raw_name_part(blob("emoji", 1700), "text/plain",
                      b'"=?UTF-8?B?' + base64.b64encode(
                          "笑顔😀.txt".encode()) + b'?="'),
    ]
    body = b"".join(b"--NAMES\n" + p.rstrip(b"\n") + b"\n" for p in parts)
    names = (b"From: sato@example.co.jp\nTo: tanaka@customer.example\n"
             b"Subject: names\nDate: Mon, 23 Nov 2026 09:30:00 +0900\n"
             b"Message-ID: <names.1@example.co.jp>\nMIME-Version: 1.0\n"
             b"Content-Type: multipart/mixed; boundary=NAMES\n\n" +
             body + b"--NAMES--\n")
    write("names.eml", names)

    # A forwarded message (message/rfc822) is one attachment, and a
    # nested multipart/mixed whose parts are all zipped goes with them.
    inner = headers(EmailMessage(), "Inner", "inner.1")
    inner.set_content("The forwarded text.\n")
    m = headers(MIMEMultipart("mixed"), "Forward", "forward.1")
    m.attach(MIMEText("See below.\n", "plain", "us-ascii"))
    fwd = MIMEBase("message", "rfc822")
    fwd.set_payload([inner])
    fwd["Content-Disposition"] = "attachment"
    m.attach(fwd)
    sub = MIMEMultipart("mixed")
    sub.attach(attach(blob("n1", 2000), "application/pdf", "n1.pdf"))
    sub.attach(attach(blob("n2", 2100), "application/pdf", "n2.pdf"))
    m.attach(sub)
    m.attach(MIMEText("Signature.\n", "plain", "us-ascii"))
    write("forward.eml", as_bytes(m))

    nameless()


def base64_part(mtype, data):
    """A part of data in base64, with no name and no disposition."""
    part = MIMEBase(*mtype.split("/"))
    part.set_payload(base64.encodebytes(data).decode("ascii"))
    part["Content-Transfer-Encoding"] = "base64"
    return part


def nameless():
    """Files that carry no name: attachments all the same."""
    # A PDF as MIMEApplication makes it, with no name and no disposition;
    # a CSV whose disposition RFC 2183 does not know (2.8: an attachment);
    # a photo marked inline that nothing shows; and a multipart/related
    # HTML page with its own image, which stays.
    m = headers(MIMEMultipart("mixed"), "Files without names", "nameless.1")
    m.attach(MIMEText("Three files.\n", "plain", "us-ascii"))
    m.attach(MIMEApplication(blob("nameless-pdf", 6000), "pdf"))
    csv = MIMEText(text_blob("nameless-csv", 3000).decode(), "csv",
                   "us-ascii")
    csv["Content-Disposition"] = "x-archive"
    m.attach(csv)
    photo = base64_part("image/jpeg", blob("nameless-jpg", 4000))
    photo["Content-Disposition"] = "inline"
    m.attach(photo)
    rel = MIMEMultipart("related")
    rel.attach(MIMEText('<p><img src="cid:map.1@example.co.jp"> The map.'
                        '</p>\n', "html", "us-ascii"))
    img = base64_part("image/png", blob("nameless-png", 700))
    img["Content-ID"] = "<map.1@example.co.jp>"
    rel.attach(img)
    m.attach(rel)
    write("nameless.eml", as_bytes(m))

    # The whole message is a PDF without a name.
    m = headers(MIMEApplication(blob("nameless-whole", 5000), "pdf"),
                "Scan", "nameless.2")
    write("nameless-whole.eml", as_bytes(m))

    # What no one attached: a signature, and a report's status.
    m = headers(MIMEMultipart("mixed"), "Signed, with a status", "nameless.3")
    signed = MIMEMultipart("signed", protocol="application/pgp-signature",
                           micalg="pgp-sha256")
    signed.attach(MIMEText("Signed text.\n", "plain", "us-ascii"))
    sig = MIMEApplication(b"-----BEGIN PGP SIGNATURE-----\n\n"
                          b"iQEzBAEBCAAdFiEE\n=abcd\n"
                          b"-----END PGP SIGNATURE-----\n",
                          "pgp-signature", email.encoders.encode_7or8bit)
    signed.attach(sig)
    m.attach(signed)
    status = MIMEBase("message", "delivery-status")
    per_message, per_rcpt = Message(), Message()
    per_message["Reporting-MTA"] = "dns; mx.example.co.jp"
    per_rcpt["Final-Recipient"] = "rfc822; tanaka@customer.example"
    per_rcpt["Action"] = "delivered"
    per_rcpt["Status"] = "2.0.0"
    status.set_payload([per_message, per_rcpt])
    m.attach(status)
    write("nameless-kept.eml", as_bytes(m))


if __name__ == "__main__":
    main()
