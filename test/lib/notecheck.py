#!/usr/bin/env python3
"""Checks of the note in the message's text, with Python's email package.

  notecheck.py attachments FILE
      what Python's email lists as attachments (iter_attachments of the
      message and of every multipart in it), one "type name" a line
  notecheck.py body ORIG NEW NAME...
      the leaves of NEW are those of ORIG, in order, byte for byte (cmp
      of the raw bytes), except: the attachments named NAME are gone, a
      ZIP may stand where the first was, and the text parts that took
      the note.  Of those, the decoded text must be the note followed by
      the original text (text/plain), or the original HTML with the note
      inside <body> (text/html).  Prints one line per changed part:
      "TYPE CHARSET CTE"; the header must be the same but the trace.
  notecheck.py text FILE TYPE     the decoded text of the first TYPE part
  notecheck.py width FILE...      the widest line of the decoded text
      parts of each message, in columns (East Asian Wide, Fullwidth and
      Ambiguous count two), the widest first
"""
import email
import email.policy
import html
import re
import sys
import unicodedata

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import hdr  # noqa: E402
from detachcheck import leaves  # noqa: E402

NOTE_DIV = re.compile(r'<div style="margin:0 0 1em 0;[^"]*">.*?</div>\r?\n',
                      re.S)
RULE = "-" * 40


def parse_bytes(data):
    return email.message_from_bytes(data, policy=email.policy.default)


def parse(path):
    with open(path, "rb") as f:
        return parse_bytes(f.read())


def cmd_attachments(path):
    m = parse(path)
    for part in m.walk():
        if part.is_multipart():
            for a in part.iter_attachments():
                if not a.is_multipart():
                    print(a.get_content_type(), a.get_filename())
    return 0


def described(raw):
    p = parse_bytes(raw)
    return (p.get_content_type(), p.get_content_charset(),
            (p["content-transfer-encoding"] or "7bit").strip().lower(),
            p.get_content() if p.get_content_maintype() == "text" else None)


def cmd_body(orig, new, names):
    o = leaves(open(orig, "rb").read())
    n = leaves(open(new, "rb").read())
    want = [raw for raw, fn in o if fn not in names]
    if len(want) != len(o) - len(names):
        print("not every NAME is an attachment of %s" % orig)
        return 1
    got = [raw for raw, fn in n
           if not (fn not in [f for _, f in o] and fn is not None and
                   fn.endswith(".zip"))]
    if len(got) != len(want):
        print("%d leaves kept, %d wanted" % (len(got), len(want)))
        return 1
    changed = 0
    for a, b in zip(want, got):
        if a == b:
            continue
        ta, ca, ea, xa = described(a)
        tb, cb, eb, xb = described(b)
        if ta != tb or ta not in ("text/plain", "text/html"):
            print("a %s part changed" % ta)
            return 1
        xa = xa.replace("\r\n", "\n")
        xb = xb.replace("\r\n", "\n")
        if ta == "text/plain":
            if not xb.endswith(xa) or RULE + "\n\n" not in xb[:-len(xa) or None]:
                print("the text is not the note and then the original")
                return 1
        elif NOTE_DIV.sub("", xb, count=1) != xa:
            print("the HTML is not the original with the note inside")
            return 1
        changed += 1
        print(tb, cb, eb)
    if changed == 0:
        print("no text took the note")
        return 1
    p1, f1, _ = hdr.split(open(orig, "rb").read())
    p2, f2, _ = hdr.split(open(new, "rb").read())
    k1 = [raw for name, raw in f1 if not name.startswith(b"x-mp-")]
    k2 = [raw for name, raw in f2 if not name.startswith(b"x-mp-")]
    if p1 != p2 or k1 != k2:
        print("the header differs outside the trace field")
        return 1
    return 0


def cmd_text(path, ctype):
    for part in parse(path).walk():
        if part.get_content_type() == ctype:
            sys.stdout.write(part.get_content().replace("\r\n", "\n"))
            return 0
    return 1


def columns(line):
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else
               0 if unicodedata.combining(c) else 1 for c in line)


def cmd_width(paths):
    widest = []
    for path in paths:
        w = 0
        for part in parse(path).walk():
            if part.get_content_maintype() == "text" and \
                    not part.is_multipart():
                text = part.get_content()
                if part.get_content_type() == "text/html":
                    text = NOTE_DIV.search(text)
                    text = html.unescape(re.sub(r"<[^>]*>", "",
                                                text.group(0))) \
                        if text else ""
                for line in text.splitlines():
                    w = max(w, columns(line))
        widest.append((w, path))
    for w, path in sorted(widest, reverse=True):
        print(w, path)
    return 0


def main(argv):
    cmd = argv[1]
    if cmd == "attachments":
        return cmd_attachments(argv[2])
    if cmd == "body":
        return cmd_body(argv[2], argv[3], set(argv[4:]))
    if cmd == "text":
        return cmd_text(argv[2], argv[3])
    if cmd == "width":
        return cmd_width(argv[2:])
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
