#!/usr/bin/env python3
"""Regenerate testdata/zipenc/hostile.eml, hostile-methods.eml and
honest.eml: archives that only look encrypted, and archives that really
are.

hostile.eml holds attachments that an encryption flag alone would pass
unencrypted, each with a plain secret inside:

  mixed.zip     zip -P wrote an encrypted dummy.txt; Python's zipfile
                then appended secret.txt in the clear
  flagonly.zip  Python's zipfile, stored; the encryption bit of the
                general-purpose flags patched on in the local header and
                the central directory, the data left in the clear
  flagdeflate.zip  the same, deflated
  report.pdf    a PDF with a small zip -P archive appended
  trailing.zip  a zip -P archive with plain text appended after it
  trailing.7z   a 7z -p -mhe=on archive with plain text appended

hostile-methods.eml holds flagbzip2.zip and flaglzma.zip, the same with
bzip2 and LZMA, which mp does not read back: unproven, they are zipped.

honest.eml holds archives that are encrypted through and through:
7-Zip's AES ZIP (deflated), zip -P with a folder entry (empty, in the
clear, as zip writes it), and 7z -p with -mhe=on.

Nothing is typed by hand: zip(1), 7-Zip (7zz or 7z) and Python's
zipfile and email packages write every byte but the flag patch.  Run
from the repository root:  python3 testdata/zipenc/mkhostile.py
"""
import email.policy
import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
import zipfile
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

OUT = os.path.dirname(os.path.abspath(__file__))
POLICY = email.policy.SMTP.clone(linesep="\n")
SEVENZ = shutil.which("7zz") or shutil.which("7z")
PW = "Sesame-1234"
DATE = (2026, 11, 23, 9, 30, 0)
SECRET = b"".join(b"secret line %d: the quarterly figures\n" % i
                  for i in range(60))


def blob(seed, n):
    """n pseudo-random bytes, the same every run."""
    out, i = b"", 0
    while len(out) < n:
        out += hashlib.sha256(b"%s:%d" % (seed.encode(), i)).digest()
        i += 1
    return out[:n]


def run(tmp, *argv):
    subprocess.run(argv, cwd=tmp, check=True, capture_output=True)


def read(tmp, name):
    with open(os.path.join(tmp, name), "rb") as f:
        return f.read()


def put(tmp, name, data):
    path = os.path.join(tmp, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def flag_only(tmp, method):
    """A zip whose entry claims encryption and is not."""
    path = os.path.join(tmp, "flagonly.zip")
    with zipfile.ZipFile(path, "w", method) as z:
        z.writestr(zipfile.ZipInfo("secret.txt", DATE), SECRET,
                   method)
    data = bytearray(read(tmp, "flagonly.zip"))
    # bit 0 of the flags: at 6 in a local header, 8 in a central one
    for sig, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = data.find(sig)
        flags, = struct.unpack_from("<H", data, i + at)
        struct.pack_into("<H", data, i + at, flags | 1)
    return bytes(data)


def pdf():
    """A one-page PDF with a correct cross-reference table."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i + 1, o)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, xref))
    return out


def hostile(tmp):
    put(tmp, "dummy.txt", b"nothing to see\n")
    put(tmp, "secret.txt", SECRET)
    run(tmp, "zip", "-q", "-P", PW, "mixed.zip", "dummy.txt")
    with zipfile.ZipFile(os.path.join(tmp, "mixed.zip"), "a") as z:
        z.writestr(zipfile.ZipInfo("secret.txt", DATE), SECRET)
    run(tmp, "zip", "-q", "-P", PW, "small.zip", "dummy.txt")
    run(tmp, "zip", "-q", "-P", PW, "trailing.zip", "dummy.txt")
    run(tmp, SEVENZ, "a", "-t7z", "-p" + PW, "-mhe=on", "trailing.7z",
        "dummy.txt")
    atts = [
        ("mixed.zip", "zip", read(tmp, "mixed.zip")),
        ("flagonly.zip", "zip", flag_only(tmp, zipfile.ZIP_STORED)),
        ("flagdeflate.zip", "zip", flag_only(tmp, zipfile.ZIP_DEFLATED)),
        ("report.pdf", "pdf", pdf() + SECRET + read(tmp, "small.zip")),
        ("trailing.zip", "zip", read(tmp, "trailing.zip") + SECRET),
        ("trailing.7z", "x-7z-compressed",
         read(tmp, "trailing.7z") + SECRET),
    ]
    m = MIMEMultipart("mixed")
    head(m, "Not really encrypted", "hostile.1")
    m.attach(MIMEText("Six archives that only look encrypted.\n", "plain",
                      "us-ascii"))
    for name, sub, data in atts:
        p = MIMEApplication(data, sub)
        p.add_header("Content-Disposition", "attachment", filename=name)
        m.attach(p)
    return m.as_bytes(policy=POLICY)


def honest(tmp):
    put(tmp, "data.bin", blob("honest", 5000))
    put(tmp, "folder/inner.txt", SECRET)
    run(tmp, SEVENZ, "a", "-tzip", "-p" + PW, "-mem=AES256", "aes.zip",
        "secret.txt")
    run(tmp, "zip", "-q", "-r", "-P", PW, "folder.zip", "folder")
    run(tmp, SEVENZ, "a", "-t7z", "-p" + PW, "-mhe=on", "headers.7z",
        "secret.txt", "data.bin")
    m = MIMEMultipart("mixed")
    head(m, "Encrypted archives", "honest.1")
    m.attach(MIMEText("Three encrypted archives.\n", "plain", "us-ascii"))
    for name, sub in (("aes.zip", "zip"), ("folder.zip", "zip"),
                      ("headers.7z", "x-7z-compressed")):
        p = MIMEApplication(read(tmp, name), sub)
        p.add_header("Content-Disposition", "attachment", filename=name)
        m.attach(p)
    return m.as_bytes(policy=POLICY)


def head(m, subject, mid):
    m["From"] = "Sato <sato@example.co.jp>"
    m["To"] = "Tanaka <tanaka@customer.example>"
    m["Subject"] = subject
    m["Date"] = "Mon, 23 Nov 2026 09:30:00 +0900"
    m["Message-ID"] = "<%s@example.co.jp>" % mid


def flag_other(tmp):
    """The flag alone on entries compressed with bzip2 and LZMA, methods
    whose data mp does not read back: they cannot be shown encrypted."""
    m = MIMEMultipart("mixed")
    head(m, "Not really encrypted either", "hostile.2")
    m.attach(MIMEText("Two more archives that only look encrypted.\n",
                      "plain", "us-ascii"))
    for name, method in (("flagbzip2.zip", zipfile.ZIP_BZIP2),
                         ("flaglzma.zip", zipfile.ZIP_LZMA)):
        p = MIMEApplication(flag_only(tmp, method), "zip")
        p.add_header("Content-Disposition", "attachment", filename=name)
        m.attach(p)
    return m.as_bytes(policy=POLICY)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        h = hostile(tmp)
        k = honest(tmp)
        o = flag_other(tmp)
    for name, data in (("hostile.eml", h), ("honest.eml", k),
                       ("hostile-methods.eml", o)):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
