#!/usr/bin/env python3
"""Write a message with one big attachment, as a mail client would.

  bigmail.py MB FILE   FILE: a multipart/mixed message from Python's
      email package with a short text and MB megabytes (10^6 bytes) of
      random bytes as a base64 attachment, big.bin
"""
import os
import sys
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTP

mb, path = int(sys.argv[1]), sys.argv[2]
m = MIMEMultipart()
m["From"] = "sato@example.co.jp"
m["To"] = "tanaka@customer.example"
m["Subject"] = "big"
m["Date"] = "Mon, 23 Nov 2026 09:30:00 +0900"
m["Message-ID"] = "<big.1@example.co.jp>"
m.attach(MIMEText("The file.\n"))
a = MIMEApplication(os.urandom(mb * 1000 * 1000), "octet-stream")
a.add_header("Content-Disposition", "attachment", filename="big.bin")
m.attach(a)
with open(path, "wb") as f:
    f.write(m.as_bytes(policy=SMTP.clone(linesep="\n")))
