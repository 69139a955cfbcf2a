#!/usr/bin/env python3
"""Checks of a rewritten message that do not use mp's own parser.

  mimecheck.py clear ORIG OUT NAME...
      exit 1 if a part NAME of ORIG (at any depth, forwarded messages
      included) is in OUT in the clear: one of its encoded body lines
      (16 characters or more) as a line of OUT, or its decoded bytes;
      prints what was found
  mimecheck.py closed FILE
      exit 1 unless Python's email package (compat32) reads FILE to the
      end: every multipart has its first delimiter and its close
      delimiter; prints the top-level epilogue, repr()
  mimecheck.py sha FILE NAME
      sha256 of the decoded part NAME (at any depth)
  mimecheck.py cgi-names FILE
      the file names of an mp-download page, one a line
  mimecheck.py hidden FILE...
      exit 1 if a file holds a character that changes how the text
      around it shows (Unicode Cf, Zl, Zp, or a control other than
      tab and line ends): in its bytes read as UTF-8 (ESC allowed:
      ISO-2022-JP) and, for a message, in every decoded text part;
      prints what and where
"""
import email
import email.errors
import email.policy
import hashlib
import html
import re
import sys
import unicodedata

BAD = (email.errors.StartBoundaryNotFoundDefect,
       email.errors.CloseBoundaryNotFoundDefect,
       email.errors.MultipartInvariantViolationDefect)


def parse(path):
    with open(path, "rb") as f:
        return email.message_from_binary_file(f,
                                              policy=email.policy.compat32)


def named(msg, name):
    """The parts called name, at any depth (walk() opens message/rfc822
    too)."""
    return [p for p in msg.walk() if p.get_filename() == name]


def cmd_clear(orig, out, names):
    data = open(out, "rb").read()
    out_lines = {ln.strip() for ln in data.splitlines()}
    found = []
    for name in names:
        parts = named(parse(orig), name)
        if not parts:
            print("%s has no part %s" % (orig, name))
            return 2
        for p in parts:
            raw = p.get_payload(decode=False)
            lines = [ln.strip() for ln in raw.splitlines()
                     if len(ln.strip()) >= 16]
            body = p.get_payload(decode=True) or b""
            hits = [ln for ln in lines if ln.encode() in out_lines]
            if hits:
                found.append("%s: %d of its %d encoded lines, e.g. %s" %
                             (name, len(hits), len(lines), hits[0]))
            if len(body) >= 16 and body in data:
                found.append("%s: its decoded bytes" % name)
    for f in found:
        print("in the clear: " + f)
    return 1 if found else 0


def cmd_closed(path):
    msg = parse(path)
    bad = [(p.get_content_type(), type(d).__name__)
           for p in msg.walk() for d in p.defects if isinstance(d, BAD)]
    for t, d in bad:
        print("%s: %s" % (t, d))
    print(repr(msg.epilogue))
    return 1 if bad else 0


def cmd_sha(path, name):
    parts = named(parse(path), name)
    if not parts:
        return 1
    print(hashlib.sha256(parts[0].get_payload(decode=True)).hexdigest())
    return 0


def cmd_cgi_names(path):
    page = open(path, encoding="utf-8").read()
    for m in re.finditer(r'<td class="name">(.*?)</td>', page):
        print(html.unescape(m.group(1)))
    return 0


def hidden_in(text, allowed="\t\r\n"):
    return sorted({"U+%04X" % ord(c) for c in text
                   if unicodedata.category(c) in ("Cf", "Zl", "Zp") or
                   (unicodedata.category(c) == "Cc" and c not in allowed)})


def cmd_hidden(paths):
    found = []
    for path in paths:
        data = open(path, "rb").read()
        # raw: ESC too, which starts ISO-2022-JP's shifts
        found += ["%s: %s" % (path, " ".join(h)) for h in
                  [hidden_in(data.decode("utf-8", "replace"),
                             "\t\r\n\x1b")] if h]
        texts = []
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        if msg.keys():
            for p in msg.walk():
                if p.get_content_maintype() != "text":
                    continue
                body = p.get_payload(decode=True) or b""
                try:
                    texts.append(body.decode(p.get_content_charset() or
                                             "us-ascii", "replace"))
                except LookupError:
                    texts.append(body.decode("latin-1"))
        for t in texts:
            h = hidden_in(t)
            if h:
                found.append("%s: %s" % (path, " ".join(h)))
    for f in found:
        print("hidden characters in " + f)
    return 1 if found else 0


def main(argv):
    cmd = argv[1]
    if cmd == "clear":
        return cmd_clear(argv[2], argv[3], argv[4:])
    if cmd == "closed":
        return cmd_closed(argv[2])
    if cmd == "sha":
        return cmd_sha(argv[2], argv[3])
    if cmd == "hidden":
        return cmd_hidden(argv[2:])
    if cmd == "cgi-names":
        return cmd_cgi_names(argv[2])
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
