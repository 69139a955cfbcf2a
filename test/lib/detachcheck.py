#!/usr/bin/env python3
"""Checks of mp-detach's output that do not use mp's own parser.

  detachcheck.py kept ORIG NEW NAME...   the leaf parts of NEW are those
      of ORIG, byte for byte and in order, except that the attachments
      named NAME are gone and one new part (the note) stands where the
      first of them was; the header outside X-MP-Detach is unchanged.
      With the note in the message's text (the default), the text parts
      that took it are the only ones changed (notecheck.py body).
  detachcheck.py note FILE       the decoded text of the part with the link
  detachcheck.py url FILE        the download link in that text
  detachcheck.py password FILE   the password of a notice
  detachcheck.py sha FILE NAME   sha256 of the decoded attachment NAME
  detachcheck.py names FILE      the attachments' file names, one a line
"""
import email
import email.parser
import email.policy
import hashlib
import re
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import hdr  # noqa: E402

URL = re.compile(r"https?://[^\s<>\"]+")


def split_head(data):
    """(header, body) at the first empty line."""
    m = re.search(rb"\r?\n\r?\n", data)
    if m is None:
        return data, b""
    return data[:m.end()], data[m.end():]


def leaves(data):
    """[(raw bytes, file name)] of every leaf part, depth first."""
    head, body = split_head(data)
    m = email.parser.BytesHeaderParser(policy=email.policy.default) \
        .parsebytes(head)
    b = m.get_boundary() if m.get_content_maintype() == "multipart" \
        else None
    if b is None:
        return [(data, m.get_filename())]
    delim = re.compile(rb"(?:^|\r?\n)--" + re.escape(b.encode()) +
                       rb"(--)?[ \t]*(?:\r?\n|$)", re.M)
    out, pos, first = [], 0, True
    for d in delim.finditer(body):
        if not first:
            out.extend(leaves(body[pos:d.start()]))
        first = False
        pos = d.end()
        if d.group(1):
            break
    return out


def parse(path):
    with open(path, "rb") as f:
        return email.message_from_binary_file(f, policy=email.policy.default)


def note_text(path):
    for part in parse(path).walk():
        if part.get_content_type() == "text/plain" and \
                URL.search(part.get_content() or ""):
            return part.get_content().replace("\r\n", "\n")
    return None


def kept(orig, new, names):
    o = leaves(open(orig, "rb").read())
    n = leaves(open(new, "rb").read())
    gone = [i for i, (_, fn) in enumerate(o) if fn in names]
    if len(gone) != len(names):
        print("not every NAME is an attachment of %s" % orig)
        return 1
    want = [raw for i, (raw, _) in enumerate(o) if i not in gone]
    at = gone[0]
    got = n[:at] + n[at + 1:]
    ok = [raw for raw, _ in got] == want and len(n) == len(want) + 1
    if not ok and len(n) == len(want):
        # the note went into the text: checked part by part
        import notecheck
        import contextlib
        import io
        with contextlib.redirect_stdout(io.StringIO()):
            if notecheck.cmd_body(orig, new, names) == 0:
                return 0
    if not ok:
        print("leaves differ: %d kept of %d, %d in the output" %
              (len(want), len(o), len(n)))
        for a, b in zip(want, [raw for raw, _ in got]):
            if a != b:
                print("- %r\n+ %r" % (a[:200], b[:200]))
                break
        return 1
    if URL.search(n[at][0].decode("ascii", "replace")) is None and \
            note_text(new) is None:
        print("no note with a link where the first attachment was")
        return 1
    # the header: every field but the trace, byte for byte
    p1, f1, _ = hdr.split(open(orig, "rb").read())
    p2, f2, _ = hdr.split(open(new, "rb").read())
    k1 = [raw for name, raw in f1 if name != b"x-mp-detach"]
    k2 = [raw for name, raw in f2 if name != b"x-mp-detach"]
    if p1 != p2 or k1 != k2:
        print("the header differs outside X-MP-Detach")
        return 1
    return 0


def main(argv):
    cmd = argv[1]
    if cmd == "kept":
        return kept(argv[2], argv[3], set(argv[4:]))
    if cmd == "note":
        text = note_text(argv[2])
        if text is None:
            return 1
        sys.stdout.write(text)
        return 0
    if cmd == "url":
        text = note_text(argv[2])
        if text is None:
            return 1
        print(URL.search(text).group(0))
        return 0
    if cmd == "password":
        m = re.search(r"(?:パスワード|Password): (\S+)",
                      parse(argv[2]).get_body().get_content())
        if m is None:
            return 1
        print(m.group(1))
        return 0
    if cmd == "sha":
        for part in parse(argv[2]).walk():
            if part.get_filename() == argv[3]:
                print(hashlib.sha256(part.get_payload(decode=True))
                      .hexdigest())
                return 0
        return 1
    if cmd == "names":
        for part in parse(argv[2]).walk():
            if part.get_filename() is not None:
                print(part.get_filename())
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
