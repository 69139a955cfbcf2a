"""mkmsg.py - one test message made by Python's email package.

    python3 mkmsg.py OUT [--from A] [--to A,B] [--cc A,B] [--bcc A,B]
        [--subject S] [--date RFC5322-DATE] [--body TEXT]
        [--attach NAME:SIZE[:TYPE]]... [--header 'Name: value']...

Attachments hold SIZE pseudo-random bytes (seeded by the name), so two
runs make the same message.
"""
import argparse
import email.message
import email.policy
import email.utils
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--from", dest="sender", default="sato@example.co.jp")
    ap.add_argument("--to", default="")
    ap.add_argument("--cc", default="")
    ap.add_argument("--bcc", default="")
    ap.add_argument("--subject", default="test")
    ap.add_argument("--date", default="Mon, 30 Nov 2026 10:00:00 +0900")
    ap.add_argument("--body", default="Hello.\n")
    ap.add_argument("--attach", action="append", default=[])
    ap.add_argument("--header", action="append", default=[])
    a = ap.parse_args()
    m = email.message.EmailMessage(policy=email.policy.default)
    m["From"] = a.sender
    for field, value in (("To", a.to), ("Cc", a.cc), ("Bcc", a.bcc)):
        if value:
            m[field] = value
    m["Subject"] = a.subject
    m["Date"] = a.date
    m["Message-ID"] = email.utils.make_msgid(domain="example.co.jp")
    for h in a.header:
        name, _, value = h.partition(":")
        m[name.strip()] = value.strip()
    m.set_content(a.body)
    for spec in a.attach:
        parts = spec.split(":")
        name, size = parts[0], int(parts[1])
        ctype = parts[2] if len(parts) > 2 else "application/octet-stream"
        data = random.Random(name).randbytes(size)
        maintype, subtype = ctype.split("/")
        m.add_attachment(data, maintype=maintype, subtype=subtype,
                         filename=name)
    with open(a.out, "wb") as f:
        f.write(m.as_bytes())


if __name__ == "__main__":
    main()
