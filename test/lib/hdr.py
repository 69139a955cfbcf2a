#!/usr/bin/env python3
"""Checks of rewritten mail that do not use mp's own parser.

  hdr.py outside ORIG NEW FIELD...   every byte of NEW outside the named
      header fields equals ORIG: the same prefix (From_ line), the same
      other fields in the same order with the same bytes, the same empty
      line and body.  Exit 1 with a diff-like message otherwise.
  hdr.py visible FILE               To/Cc addresses as Python's email
      package reads them, lower-cased, one per line, sorted.
  hdr.py field FILE NAME            raw bytes of every NAME field.
"""
import email
import email.policy
import re
import sys

FIELD = re.compile(rb"^[!-9;-~]+[ \t]*:")


def split(data):
    """(prefix, [(name, raw)], rest) by RFC 5322 alone."""
    prefix = b""
    if data.startswith(b"\xef\xbb\xbf"):
        prefix, data = data[:3], data[3:]
    if data.startswith(b"From "):
        first = data.splitlines(keepends=True)[0]
        prefix, data = prefix + first, data[len(first):]
    lines = data.splitlines(keepends=True)
    fields, i = [], 0
    while i < len(lines):
        ln = lines[i]
        if ln in (b"\n", b"\r\n", b"\r"):
            break
        if ln[:1] in (b" ", b"\t") and fields:
            fields[-1][1] += ln
        elif FIELD.match(ln):
            fields.append([ln.split(b":", 1)[0].strip().lower(), ln])
        else:
            break
        i += 1
    return prefix, fields, b"".join(lines[i:])


def outside(orig, new, names):
    names = {n.lower().encode() for n in names}
    p1, f1, r1 = split(open(orig, "rb").read())
    p2, f2, r2 = split(open(new, "rb").read())
    ok = True
    if p1 != p2:
        print("prefix differs: %r != %r" % (p1, p2))
        ok = False
    k1 = [raw for n, raw in f1 if n not in names]
    k2 = [raw for n, raw in f2 if n not in names]
    if k1 != k2:
        for a, b in zip(k1 + [b""] * len(k2), k2 + [b""] * len(k1)):
            if a != b:
                print("field differs:\n- %r\n+ %r" % (a, b))
                break
        ok = False
    if r1 != r2:
        print("body differs (%d vs %d bytes)" % (len(r1), len(r2)))
        ok = False
    return 0 if ok else 1


def visible(path):
    msg = email.message_from_binary_file(open(path, "rb"),
                                         policy=email.policy.default)
    out = []
    for name in ("to", "cc"):
        for h in msg.get_all(name) or []:
            for a in h.addresses:
                if a.addr_spec and a.addr_spec != "<>":
                    out.append(a.addr_spec.lower())
    for a in sorted(out):
        print(a)
    return 0


def field(path, name):
    _, fields, _ = split(open(path, "rb").read())
    for n, raw in fields:
        if n == name.lower().encode():
            sys.stdout.buffer.write(raw)
    return 0


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "outside":
        sys.exit(outside(sys.argv[2], sys.argv[3], sys.argv[4:]))
    if cmd == "visible":
        sys.exit(visible(sys.argv[2]))
    if cmd == "field":
        sys.exit(field(sys.argv[2], sys.argv[3]))
    sys.exit(2)
