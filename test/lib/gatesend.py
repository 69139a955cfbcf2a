#!/usr/bin/env python3
"""gatesend.py - one SMTP or LMTP transaction, the replies printed

  gatesend.py --form FILE
  gatesend.py [--lmtp] [--xforward 'NAME=VALUE ...'] [--mail-opt OPT]...
              PORT SENDER RCPT[:"OPT OPT"] ... < MESSAGE

Sends the message (its bytes as they are; smtplib makes CR LF line
endings and stuffs dots) from SENDER ("" for the null sender) to each
RCPT, with the ESMTP parameters given, to 127.0.0.1:PORT.  Prints one
line per recipient, "RCPT CODE TEXT", with the reply that recipient got
(RCPT's when it was refused, else DATA's; LMTP: its own), and exits 0
when the whole transaction took place, 1 when the connection failed.
With --form, prints what is sent after DATA for FILE.
"""

import argparse
import re
import smtplib
import sys


def smtp_form(data):
    """the bytes a client sends after DATA: CR LF line endings, a dot
    before each line that starts with one, the "." line"""
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return re.sub(rb"(?m)^\.", b"..", data) + b".\r\n"


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--form":
        with open(sys.argv[2], "rb") as f:
            sys.stdout.buffer.write(smtp_form(f.read()))
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument("--lmtp", action="store_true")
    ap.add_argument("--xforward")
    ap.add_argument("--mail-opt", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("port", type=int)
    ap.add_argument("sender")
    ap.add_argument("rcpts", nargs="+")
    a = ap.parse_args()
    data = sys.stdin.buffer.read()
    cls = smtplib.LMTP if a.lmtp else smtplib.SMTP
    try:
        s = cls("127.0.0.1", a.port, timeout=a.timeout)
        s.ehlo_or_helo_if_needed()
        if a.xforward:
            code, msg = s.docmd("XFORWARD", a.xforward)
            if code != 250:
                print("xforward %d %s" % (code, msg.decode()))
        code, msg = s.mail(a.sender, a.mail_opt)
        if code != 250:
            for r in a.rcpts:
                print("%s %d %s" % (r.split(":")[0], code, msg.decode()))
            return 0
        accepted = []
        for spec in a.rcpts:
            r, _, opts = spec.partition(":")
            code, msg = s.rcpt(r, opts.split() if opts else [])
            if code // 100 != 2:
                print("%s %d %s" % (r, code, msg.decode()))
            else:
                accepted.append(r)
        if not accepted:
            s.rset()
            s.quit()
            return 0
        s.putcmd("data")
        code, msg = s.getreply()
        if code != 354:
            for r in accepted:
                print("%s %d %s" % (r, code, msg.decode()))
            return 0
        s.send(smtp_form(data))
        for r in accepted:
            code, msg = s.getreply()
            print("%s %d %s" % (r, code, msg.decode()))
            if not a.lmtp:
                for r2 in accepted[1:]:
                    print("%s %d %s" % (r2, code, msg.decode()))
                break
        s.quit()
    except (OSError, smtplib.SMTPException) as e:
        print("error %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
