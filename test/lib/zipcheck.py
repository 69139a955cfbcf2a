#!/usr/bin/env python3
"""Checks of mp-zipenc output that do not use mp's own parser.

  zipcheck.py leaves FILE             one line per leaf part, in order:
      index, type, sha256 of the decoded body, file name (Python's view)
  zipcheck.py sha FILE I,J,...        sha256 of the decoded leaves I, J...
  zipcheck.py zip ORIG OUT ZIPFILE    write the ZIP part that OUT has and
      ORIG has not (the one mp-zipenc added) to ZIPFILE
  zipcheck.py fidelity ORIG OUT I,J,...
      OUT is ORIG with leaves I, J... removed (a multipart left empty
      goes too) and two new leaves, text/plain then application/zip,
      where leaf I was; every other byte is the same: the From_ line, the
      header (but X-MP-Zipenc), preambles, delimiter lines, epilogues and
      every other part.  Exit 1 with the first difference.
  zipcheck.py names ZIP               entry names, one a line, as UTF-8:
      "utf8 NAME" when the UTF-8 flag is set, "raw NAME" (read as CP932)
      when not
  zipcheck.py notice FILE             the notice as Python's email package
      reads it: Subject, From, To, Cc, X-MP-Deliver-After, charset, then
      an empty line and the body text; exit 1 on a defect or a missing
      Date or Message-ID
"""
import email
import email.policy
import hashlib
import re
import sys
import zipfile

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import hdr  # noqa: E402


def header_end(data, start):
    """(end of header block, start of body) from start."""
    m = re.compile(rb"\r?\n\r?\n|\r\r").search(data, start)
    if m is None:
        return len(data), len(data)
    return m.start() + (1 if data[m.start()] == 13 and data[m.start() + 1]
                        == 10 else 0) + 1, m.end()


class Part:
    def __init__(self, data, start, end):
        self.data, self.start, self.end = data, start, end
        hend, self.body = header_end(data, start)
        if self.body > end:
            self.body = end
        # unfold first: a boundary folded inside its quotes keeps the
        # white space of the fold (RFC 5322 2.2.3), as mail readers do
        msg = email.message_from_bytes(
            re.sub(rb"\r?\n(?=[ \t])", b"", data[start:self.body]))
        self.boundary = msg.get_boundary() if \
            msg.get_content_maintype() == "multipart" else None
        self.children = []     # (delimiter line start, Part)
        self.close = None      # start of the close delimiter line
        if self.boundary:
            self.split()

    def split(self):
        d = self.data
        delim = b"--" + self.boundary.encode()
        pat = re.compile(rb"(?m)^" + re.escape(delim) +
                         rb"(--)?[ \t]*(\r\n|\n|\r|$)")
        pos, opened = self.body, None
        while True:
            m = pat.search(d, pos, self.end)
            if m is None:
                break
            if opened is not None:
                e = m.start()
                if d[e - 1:e] == b"\n":
                    e -= 1
                if d[e - 1:e] == b"\r":
                    e -= 1
                self.children.append((opened[0], Part(d, opened[1], e)))
                opened = None
            if m.group(1):
                self.close = m.start()
                break
            opened = (m.start(), m.end())
            pos = m.end()
        if opened is not None:
            self.children.append((opened[0], Part(d, opened[1], self.end)))

    def leaves(self):
        if not self.boundary:
            return [self]
        out = []
        for _, c in self.children:
            out += c.leaves()
        return out

    def raw(self):
        return self.data[self.start:self.end]

    def decoded(self):
        msg = email.message_from_bytes(self.raw())
        if msg.get_content_maintype() == "message":
            return self.data[self.body:self.end]
        return msg.get_payload(decode=True) or b""


def root(path):
    data = open(path, "rb").read()
    prefix, _, _ = hdr.split(data)
    return Part(data, len(prefix), len(data))


def cmd_leaves(path):
    for i, p in enumerate(root(path).leaves()):
        msg = email.message_from_bytes(p.raw(), policy=email.policy.default)
        print("%d\t%s\t%s\t%s" % (i, msg.get_content_type(),
                                  hashlib.sha256(p.decoded()).hexdigest(),
                                  msg.get_filename()))
    return 0


def cmd_sha(path, idx):
    leaves = root(path).leaves()
    for i in idx:
        print(hashlib.sha256(leaves[i].decoded()).hexdigest())
    return 0


def cmd_zip(orig, out, zpath):
    before = open(orig, "rb").read()
    for p in root(out).leaves():
        msg = email.message_from_bytes(p.raw())
        if msg.get_content_type() == "application/zip" and \
                p.raw() not in before:
            open(zpath, "wb").write(p.decoded())
            return 0
    print("no new application/zip part in %s" % out)
    return 1


def skeleton(part, removed, new, eol=b"\n"):
    """The bytes of part with leaves as tokens; removed leaves (by id)
    disappear with their delimiter line, and the leaf in new (if any)
    becomes two tokens NEW1, NEW2 with a delimiter line between."""
    d = part.data
    if not part.boundary:
        if id(part) in new:
            return [b"<NEW1>", b"<NEW2>"]
        return [b"<LEAF:" + part.raw() + b">"]
    out = [d[part.start:part.children[0][0] if part.children else part.end]]
    kids = [c for c in part.children if not all_removed(c[1], removed)]
    for k, (dstart, child) in enumerate(part.children):
        nxt = part.children[k + 1][0] if k + 1 < len(part.children) else \
            (part.close if part.close is not None else part.end)
        if (dstart, child) not in kids:
            continue
        toks = skeleton(child, removed, new, eol)
        line = d[dstart:child.start]
        if toks[:2] == [b"<NEW1>", b"<NEW2>"]:
            out += [line, b"<NEW1>", eol + b"--" + part.boundary.encode() +
                    eol, b"<NEW2>"]
        else:
            out += [line] + toks
        out.append(d[child.end:nxt])
    if part.close is not None:
        out.append(d[part.close:part.end])
    return out


def all_removed(part, removed):
    if not part.boundary:
        return id(part) in removed
    return all(all_removed(c, removed) for _, c in part.children)


def cmd_fidelity(orig, out, idx):
    ro, rn = root(orig), root(out)
    lo = ro.leaves()
    first, rest = lo[idx[0]], {id(lo[i]) for i in idx[1:]}
    eol = b"\r\n" if b"\r\n" in ro.data[ro.start:ro.body] else b"\n"
    want = b"".join(skeleton(ro, rest, {id(first)}, eol))
    # the new parts, as tokens
    ln = rn.leaves()
    new = [p for p in ln if p.raw() not in open(orig, "rb").read()]
    if len(new) != 2:
        print("expected 2 new parts, found %d" % len(new))
        return 1
    t1 = email.message_from_bytes(new[0].raw()).get_content_type()
    t2 = email.message_from_bytes(new[1].raw()).get_content_type()
    if (t1, t2) != ("text/plain", "application/zip"):
        print("new parts are %s, %s" % (t1, t2))
        return 1
    got = b"".join(skeleton(rn, set(), set()))
    got = got.replace(b"<LEAF:" + new[0].raw() + b">", b"<NEW1>")
    got = got.replace(b"<LEAF:" + new[1].raw() + b">", b"<NEW2>")
    # the top header apart from the trace field
    po, fo, _ = hdr.split(ro.data)
    pn, fn, _ = hdr.split(rn.data)
    ko = [r for n, r in fo if n != b"x-mp-zipenc"]
    kn = [r for n, r in fn if n != b"x-mp-zipenc"]
    if po != pn or ko != kn:
        print("prefix or header fields differ")
        return 1
    want_body = want[ro.body - ro.start:]
    got_body = got[rn.body - rn.start:]
    if want_body != got_body:
        for i, (a, b) in enumerate(zip(want_body, got_body)):
            if a != b:
                print("body differs at %d:\n- %r\n+ %r" %
                      (i, want_body[max(0, i - 60):i + 60],
                       got_body[max(0, i - 60):i + 60]))
                break
        else:
            print("body lengths differ: %d vs %d" % (len(want_body),
                                                     len(got_body)))
        return 1
    return 0


def cmd_names(path):
    for i in zipfile.ZipFile(path).infolist():
        if i.flag_bits & 0x800:
            print("utf8 " + i.filename)
        else:
            print("raw " + i.orig_filename.encode("cp437").decode("cp932"))
    return 0


def cmd_notice(path):
    msg = email.message_from_binary_file(open(path, "rb"),
                                         policy=email.policy.default)
    bad = [d for d in msg.defects]
    for h in ("date", "message-id", "from", "subject"):
        if msg[h] is None:
            print("missing %s" % h)
            return 1
        bad += msg[h].defects
    if bad:
        print("defects: %r" % bad)
        return 1
    for h in ("Subject", "From", "To", "Cc", "Bcc", "X-MP-Deliver-After",
              "Auto-Submitted"):
        if msg[h] is not None:
            print("%s: %s" % (h, msg[h]))
    print("charset: %s" % msg.get_content_charset())
    print()
    sys.stdout.write(msg.get_content().replace("\r\n", "\n"))
    return 0


def main():
    cmd = sys.argv[1]
    if cmd == "leaves":
        return cmd_leaves(sys.argv[2])
    if cmd == "sha":
        return cmd_sha(sys.argv[2], [int(x) for x in sys.argv[3].split(",")])
    if cmd == "zip":
        return cmd_zip(sys.argv[2], sys.argv[3], sys.argv[4])
    if cmd == "fidelity":
        return cmd_fidelity(sys.argv[2], sys.argv[3],
                            [int(x) for x in sys.argv[4].split(",")])
    if cmd == "names":
        return cmd_names(sys.argv[2])
    if cmd == "notice":
        return cmd_notice(sys.argv[2])
    return 2


if __name__ == "__main__":
    sys.exit(main())
