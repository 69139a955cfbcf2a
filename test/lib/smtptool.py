#!/usr/bin/env python3
"""smtptool.py - an SMTP client for the tests that run a real Postfix

  smtptool.py submit PORT [--login LOGIN] SENDER RCPT... <MESSAGE
      Submit MESSAGE to 127.0.0.1:PORT.  --login sends XCLIENT LOGIN=
      first, which gives the session the SMTP AUTH login name that
      pipe(8) passes on as ${sasl_username}.  Prints the reply to the end
      of DATA; exits 1 when the server refuses.

  smtptool.py sendmail PORT -G -i -f SENDER -- RCPT... <MESSAGE
      A sendmail(1) for a content filter inside a private Postfix, whose
      own sendmail would need the private configuration directory blessed
      in /etc/postfix/main.cf: it hands MESSAGE to PORT, an smtpd without
      the content filter.  Exits 75 on any failure, as sendmail would.

  smtptool.py arrived DUMP
      The message in an smtp-sink dump: without the X-Client-*, X-Helo-,
      X-Mail- and X-Rcpt-Args lines smtp-sink writes before it, and the
      newline it writes after it.

  smtptool.py same SENT DUMP
      Whether the message in DUMP is SENT as Postfix passes it on: the
      same body byte for byte, and the same header fields in the same
      order, but for the Received fields Postfix and smtp-sink put on
      top and a Date field Postfix adds when there is none.
"""

import smtplib
import sys


def crlf(data):
    """the message as SMTP carries it: CR LF line ends (smtplib adds an
    empty line after a last line that ends in a bare LF)"""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def submit(argv):
    port = int(argv[0])
    argv = argv[1:]
    login = None
    if argv[:1] == ["--login"]:
        login = argv[1]
        argv = argv[2:]
    sender, rcpts = argv[0], argv[1:]
    data = crlf(sys.stdin.buffer.read())
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        s.ehlo("client.example")
        if login is not None:
            code, msg = s.docmd("XCLIENT", "LOGIN=" + login)
            if code != 220:
                print("XCLIENT:", code, msg.decode(), file=sys.stderr)
                return 1
            s.ehlo_resp = None
            s.ehlo("client.example")
        try:
            s.sendmail(sender, rcpts, data)
        except smtplib.SMTPException as e:
            print("refused:", e, file=sys.stderr)
            return 1
    return 0


def sendmail(argv):
    port = int(argv[0])
    argv = argv[1:]
    sender = None
    while argv and argv[0] != "--":
        if argv[0] == "-f":
            sender = argv[1]
            argv = argv[2:]
        elif argv[0] in ("-G", "-i"):
            argv = argv[1:]
        else:
            print("sendmail: unknown option", argv[0], file=sys.stderr)
            return 75
    rcpts = argv[1:]
    if sender is None or not rcpts:
        print("sendmail: usage", file=sys.stderr)
        return 75
    data = crlf(sys.stdin.buffer.read())
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
            s.sendmail(sender, rcpts, data)
    except (OSError, smtplib.SMTPException) as e:
        print("sendmail:", e, file=sys.stderr)
        return 75
    return 0


def arrived(path):
    data = open(path, "rb").read()
    lines = data.split(b"\n")
    i = 0
    while i < len(lines) and lines[i].split(b":")[0] in (
            b"X-Client-Addr", b"X-Client-Proto", b"X-Helo-Args",
            b"X-Mail-Args", b"X-Rcpt-Args"):
        i += 1
    msg = b"\n".join(lines[i:])
    # smtp-sink ends the dump with a newline of its own after the
    # message's last line
    if not msg.endswith(b"\n\n"):
        raise SystemExit("%s: not an smtp-sink dump" % path)
    return msg[:-1]


def fields(head):
    """the header block as a list of unfolded-raw fields (name, bytes)"""
    out = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and out:
            out[-1] = (out[-1][0], out[-1][1] + b"\n" + line)
        else:
            out.append((line.split(b":")[0].lower(), line))
    return out


def same(sent_path, dump_path):
    sent = open(sent_path, "rb").read()
    got = arrived(dump_path)
    sh, _, sb = sent.partition(b"\n\n")
    gh, _, gb = got.partition(b"\n\n")
    if sb != gb:
        print("the bodies differ:", file=sys.stderr)
        print("  sent:", repr(sb[-200:]), file=sys.stderr)
        print("  got: ", repr(gb[-200:]), file=sys.stderr)
        return 1
    sf, gf = fields(sh), fields(gh)
    while gf and gf[0][0] == b"received":
        gf.pop(0)
    if b"date" not in [n for n, _ in sf]:
        gf = [f for f in gf if f[0] != b"date"]
    if sf != gf:
        print("the header fields differ:", file=sys.stderr)
        for f in sf:
            print("  sent:", f[1].decode("utf-8", "replace"), file=sys.stderr)
        for f in gf:
            print("  got: ", f[1].decode("utf-8", "replace"), file=sys.stderr)
        return 1
    return 0


def main():
    cmd, argv = sys.argv[1], sys.argv[2:]
    if cmd == "submit":
        return submit(argv)
    if cmd == "sendmail":
        return sendmail(argv)
    if cmd == "arrived":
        sys.stdout.buffer.write(arrived(argv[0]))
        return 0
    if cmd == "same":
        return same(argv[0], argv[1])
    print("usage: smtptool.py submit|sendmail|arrived|same ...",
          file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main())
