#!/usr/bin/env python3
"""Hold mp's MIME tree against Python's email package.

  parttree.py PARTTREE [--allow FILE] MESSAGE...

PARTTREE is the test program test/lib/parttree.c (mp's view).  For each
message, Python's email package (policy.compat32, which keeps what it
reads) gives the leaves, depth first, a message/rfc822 part counted as
one leaf as mp does; the attachments are worked out from Python's view
by the rule mp-zipenc(1) documents, written here apart from the C:
an attachment disposition or one RFC 2183 does not know, a file name,
a forwarded message (not the message a multipart/report returns), or
any other leaf that is not text, named or not, but for what no one
attaches (a report's status, a multipart/signed's signature, the parts
of a multipart/encrypted, a nameless image of a multipart/related);
except an image without an
attachment disposition whose Content-ID an HTML body's markup shows: a
start tag's attribute value that is its cid: URL, or a url() of it in
a style attribute, read with Python's html.parser (an HTML file that is
itself an attachment shows nothing).  Compared:
the sequence of leaf types, which leaves are attachments, and the file
names.  --allow FILE lists messages (path suffixes, # comments) where
the two may differ, each with the reason; one that no longer differs is
reported, so the list cannot go stale.  A message mp refuses (no header,
65) must be one where Python finds no header field either.  An mbox of
several messages is also compared message by message, each cut out
where mp's mbox reader found it.  Exit 1 on any other difference.
"""
import email
import email.policy
import html.parser
import re
import subprocess
import sys
import unicodedata
import urllib.parse


class Cids(html.parser.HTMLParser):
    """cid: URLs that attribute values are (src=, background=), or that
    a style attribute names in url()"""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.cids = set()

    def add(self, url):
        end = re.search(r"[\"'<> \t\r\n\f)]", url)
        if end:
            url = url[:end.start()]
        if url:
            self.cids.add(urllib.parse.unquote(url).lower())

    def handle_starttag(self, tag, attrs):
        for name, v in attrs:
            v = (v or "").strip(" \t\n\f\r")
            if v[:4].lower() == "cid:":
                self.add(v[4:])
            elif name == "style":
                for m in re.finditer(r"(?i)url\([\s\"']*cid:(.*)", v):
                    self.add(m.group(1))

    handle_startendtag = handle_starttag


def leaves(part, parent=None):
    """[(leaf, its parent part or None)]"""
    # a message/* part is one leaf for mp: it does not descend (compat32
    # would read a delivery-status as several little messages)
    if part.get_content_maintype() == "message":
        return [(part, parent)]
    if part.is_multipart():
        out = []
        for p in part.get_payload():
            out += leaves(p, part)
        return out
    # a multipart Python could not split (no delimiter found) has no
    # parts, as for mp
    if part.get_content_maintype() == "multipart":
        return []
    # a part with neither header nor body (two delimiters a line apart)
    if not part.keys() and not part.get_payload():
        return []
    return [(part, parent)]


def text_of(part):
    data = part.get_payload(decode=True) or b""
    cs = part.get_content_charset() or "us-ascii"
    try:
        return data.decode(cs, "replace")
    except LookupError:
        return data.decode("latin-1")


def kept(p, t, parent):
    """whether a leaf without a name is nobody's attachment"""
    up = parent.get_content_type() if parent is not None else ""
    if t.startswith("message/") and (t != "message/partial" or
                                     up == "multipart/report"):
        return True
    if up == "multipart/encrypted":
        return True
    if up == "multipart/signed":
        kids = parent.get_payload()
        return len(kids) > 1 and kids[1] is p
    return up == "multipart/related" and t.startswith("image/")


def python_view(msg):
    ls = leaves(msg)
    shown = set()
    for p, _ in ls:
        # an HTML body: an HTML file attached shows nothing
        if p.get_content_type() == "text/html" and \
                p.get_content_disposition() != "attachment" and \
                not p.get_filename():
            cids = Cids()
            try:
                cids.feed(text_of(p))
                cids.close()
            except Exception:  # noqa: BLE001 - hostile HTML: keep going
                pass
            shown |= cids.cids
    out = []
    for p, parent in ls:
        t = p.get_content_type()
        raw = p.get("Content-Disposition")
        # the type is what comes before ";" or white space; none: None
        disp = None if raw is None else \
            re.split(r"[;\s]", str(raw).strip(), maxsplit=1)[0].lower()
        try:
            name = p.get_filename()
        except Exception:  # noqa: BLE001
            name = None
        if isinstance(name, str) and "=?" in name and \
                not name.startswith("=?"):
            name = ""  # a word inside a quoted name: mp decodes, Python not
        elif isinstance(name, str) and "=?" in name:
            try:
                name = str(email.header.make_header(
                    email.header.decode_header(name)))
            except Exception:  # noqa: BLE001 - a bad word stays raw
                pass
        up = parent.get_content_type() if parent is not None else ""
        # any disposition but inline (RFC 2183 2.8), a forwarded message
        # but not the one a report returns, a name, or a file of no name
        att = (disp is not None and disp != "inline") or (
            t in ("message/rfc822", "message/global") and
            up != "multipart/report")
        if not att and name:
            att = True
        elif not att and not t.startswith("text/") and \
                not t.startswith("multipart/") and not kept(p, t, parent):
            att = True
        cid = str(p.get("Content-ID") or "").strip().strip("<>").lower()
        if att and disp != "attachment" and t.startswith("image/") and \
                cid and cid in shown:
            att = False
        # mp-zipenc(1): a file name is used without its directory
        name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
        out.append((t, "A" if att else "-", name))
    return out


def mp_views(tool, paths, mbox=False):
    """{label: (offset, length, leaves)}: leaves None when mp refused the
    message; offset and length where an mbox message is in its file"""
    if not paths:
        return {}
    r = subprocess.run([tool] + (["--mbox"] if mbox else []) + paths,
                       capture_output=True, check=True)
    views, cur, path = {}, None, None
    for line in r.stdout.decode("utf-8", "replace").split("\n"):
        if line.startswith("== "):
            path = line[3:]
            cur = []
            views[path] = (0, None, cur)
        elif line.startswith("@ "):
            off, length = map(int, line[2:].split())
            views[path] = (off, length, cur)
        elif line.startswith("!! "):
            views[path] = (0, None, None)
        elif line:
            t, a, n = (line.split("\t") + ["", ""])[:3]
            # empty parts Python drops; a multipart mp could not split
            # (no boundary) Python does not list
            if t != "(empty)" and not t.startswith("multipart/"):
                cur.append((t, a, n))
    return views


def norm(name):
    return unicodedata.normalize("NFC", name).replace("\ufffd", "?")


def main():
    args = sys.argv[1:]
    tool = args.pop(0)
    allow = {}
    if args and args[0] == "--allow":
        args.pop(0)
        for line in open(args.pop(0), encoding="utf-8"):
            line = line.split("#", 1)
            path = line[0].strip()
            if path:
                allow[path] = line[1].strip() if len(line) > 1 else ""
    bad, allowed_used, count = [], set(), 0
    for i in range(0, len(args), 200):
        chunk = args[i:i + 200]
        views = mp_views(tool, chunk)
        # an mbox of several messages (as mp's mbox reader splits it):
        # each message too, its bytes cut out where mp found them
        data = {p: open(p, "rb").read() for p in chunk}
        split = mp_views(tool, [p for p in chunk
                                if data[p].startswith(b"From ")], True)
        for label in split:
            if label.endswith(":2"):
                path = label.rsplit(":", 1)[0]
                chunk.extend(k for k in split
                             if k.rsplit(":", 1)[0] == path)
        views.update(split)
        for label in chunk:
            off, length, mine = views[label]
            path = label if label in data else label.rsplit(":", 1)[0]
            blob = data[path] if length is None else \
                data[path][off:off + length]
            msg = email.message_from_bytes(blob,
                                           policy=email.policy.compat32)
            count += 1
            if mine is None:
                # mp refuses what has no header (65); Python must find
                # none either
                if msg.keys():
                    bad.append("%s: mp refused it, Python reads %d header "
                               "fields" % (label, len(msg.keys())))
                continue
            theirs = python_view(msg)
            same = len(mine) == len(theirs) and all(
                a[0] == b[0] and a[1] == b[1] and
                (norm(a[2]) == norm(b[2]) or not a[2].isascii() or
                 not b[2].isascii())
                for a, b in zip(mine, theirs))
            hit = [k for k in allow if label.endswith(k)]
            if same:
                if hit:
                    bad.append("%s: listed in --allow but the trees agree"
                               % path)
                continue
            if hit:
                allowed_used.add(hit[0])
                continue
            bad.append("%s:\n  mp:     %s\n  python: %s" % (label, mine,
                                                          theirs))
    for b in bad:
        print(b)
    print("%d messages, %d differ (%d allowed)" % (
        count, len(bad), len(allowed_used)), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
