#!/usr/bin/env python3
"""A message with many attachments or many recipients, for the tests of
the store's limits (it is made when a test runs, not kept as a file).

    python3 testdata/detach/mkmany.py ATTACHMENTS [RECIPIENTS] >FILE

Python's email package writes it as a mail client would: multipart/mixed,
a text body, ATTACHMENTS small base64 attachments with Japanese names
(RFC 2231), and To: with RECIPIENTS addresses (1 unless given).  The
contents are fixed: the same arguments give the same bytes.
"""
import email.policy
import sys
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

# compat32 folds a To: of thousands of addresses in linear time
POLICY = email.policy.compat32.clone(linesep="\n", max_line_length=78)


def main():
    files = int(sys.argv[1])
    rcpts = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    msg = MIMEMultipart(boundary="mkmany-%d-%d" % (files, rcpts))
    msg["From"] = "sato@example.co.jp"
    msg["To"] = ", ".join("user%05d@example.com" % i for i in range(rcpts))
    msg["Subject"] = "many attachments"
    msg["Date"] = "Mon, 23 Nov 2026 09:00:00 +0900"
    msg["Message-ID"] = "<many-%d-%d@example.co.jp>" % (files, rcpts)
    msg.attach(MIMEText("Attached.\n", "plain", "us-ascii"))
    for i in range(files):
        part = MIMEApplication(b"file %d\n" % i, "octet-stream")
        part.add_header("Content-Disposition", "attachment",
                        filename=("utf-8", "", "明細書-%04d.bin" % i))
        msg.attach(part)
    sys.stdout.buffer.write(msg.as_bytes(policy=POLICY))


if __name__ == "__main__":
    main()
