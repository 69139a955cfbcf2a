#!/usr/bin/env python3
"""Regenerate testdata/charset/*: messages and exports that probe the
charset decoders and the address reader at their edges.

The structure of each message comes from Python's email package; the
few header values that no encoder writes (empty encoded-words, broken
addresses) are what real mailers and attackers send and are set as
text.  Japanese bytes come from Python's codecs or nkf(1), never typed
as escapes.  Run from the repository root:
python3 testdata/charset/mkfixtures.py
"""
import email.generator
import email.message
import email.policy
import io
import os

OUT = os.path.dirname(os.path.abspath(__file__))

# The empty encoded-words of real mail: no bytes between "?B?" and "?=".
EMPTY_WORDS = ["=?UTF-8?B??=", "=?ISO-2022-JP?B??=", "=?UTF-8?Q??=",
               "=?Shift_JIS?B??="]


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def as_bytes(msg):
    buf = io.BytesIO()
    email.generator.BytesGenerator(buf, policy=email.policy.compat32).flatten(
        msg)
    return buf.getvalue()


def empty_words(word):
    """A message with the empty word in every decoded place: display
    names, Subject, RFC 2047 file names in quotes, and an RFC 2231 name
    whose value is empty."""
    m = email.message.EmailMessage(policy=email.policy.compat32)
    m["From"] = word + " <sato@example.co.jp>"
    m["To"] = word + " <a@ext.example>, " + word + word + " <b@ext.example>"
    m["Cc"] = word + " <kacho111@example.co.jp>"
    m["Subject"] = word + " report " + word
    m["Message-ID"] = "<empty-word@example.co.jp>"
    m["MIME-Version"] = "1.0"
    m.set_type("multipart/mixed")
    m.set_boundary("=-empty-word-=")
    body = email.message.Message()
    body.set_payload("hello\n")
    body["Content-Type"] = "text/plain; charset=us-ascii"
    m.attach(body)
    for header in ('attachment; filename="%s"' % word,
                   "attachment; filename*=UTF-8''",
                   "attachment; filename*=ISO-2022-JP''"):
        part = email.message.Message()
        part["Content-Type"] = 'application/octet-stream; name="%s"' % word
        part["Content-Disposition"] = header
        part["Content-Transfer-Encoding"] = "base64"
        part.set_payload("aGVsbG8K\n")
        m.attach(part)
    return as_bytes(m)


# List items that try to be an address and break its syntax.  A mail
# server may still deliver to what it makes of them, so mp must count
# each as external, never drop it or read an internal address out of it.
UNREADABLE = [
    "Name <a@ext.example> (",           # a comment that never ends
    '"a@ext.example',                   # a quote that never ends
    "a@[ext.example",                   # a domain literal never closed
    "@ext.example",                     # empty local part
    "<@ext.example>",                   # empty local part in <>
    "a@",                               # empty domain
    "Name <a@ext.example",              # '<' without '>'
    "Name a@ext.example>",              # '>' without '<'
    "<<a@ext.example>>",                # nested angle brackets
    'a"b@ext.example',                  # a stray quote
    '"Name" a@ext.example',             # a display name without <>
    "a@ext.example)",                   # a stray parenthesis
    "a@example.co.jp@ext.example",      # two '@': not internal
    "a@example.co.jp b@ext.example",    # a missing comma
    "Name <a@example.co.jp> b@ext.example",  # text after the <>
    "Name <a@example.co.jp (c>",        # a comment swallows the '>'
    "a@ext..example",                   # an empty domain label
    "a@.example.co.jp",                 # a leading dot
    "a@exa mple.co.jp",                 # white space in the domain
    "<@relay.example:>",                # a source route to nobody
]

# Unusual but readable: these must keep their address and class.
READABLE = [
    ("a..b@docomo.ne.jp", "a..b@docomo.ne.jp"),
    ('"a b"@ext.example', '"a b"@ext.example'),
    ('"a@example.co.jp"@ext.example', '"a@example.co.jp"@ext.example'),
    ("a@[192.0.2.1]", "a@[192.0.2.1]"),
    ("Name <a@ext.example> (comment)", "a@ext.example"),
    ("(comment) a@ext.example", "a@ext.example"),
    ('"Doe, John" <j@ext.example>', "j@ext.example"),
    ("john@ext.example <john@ext.example>", "john@ext.example"),
    ("Mary <@relay.example:mary@ext.example>", "mary@ext.example"),
]


def with_to(to, sender="sato@example.co.jp"):
    """sato writes to `to` with a colleague in Cc: were `to` dropped,
    mp-ccguard would see no external recipient and pass the message."""
    m = email.message.Message(policy=email.policy.compat32)
    m["From"] = sender
    m["To"] = to
    m["Cc"] = "suzuki@example.co.jp"
    m["Subject"] = "quote"
    m["Message-ID"] = "<unreadable@example.co.jp>"
    m.set_payload("hello\n")
    return as_bytes(m)


# Half-width katakana that, two bytes at a time, is also valid UTF-8:
# a CP932 lead in 0xC2-0xDF followed by one in 0xA1-0xBF.
KANA_LEAD = "ﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ"
KANA_TRAIL = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿｧｨｩｪｫｬｭｮｯｰ"


def hankaku_name(i):
    """'ﾏｷ ﾐｶ' for row 0; other rows other names of the same kind."""
    if i == 0:
        return "ﾏｷ ﾐｶ"
    k = [KANA_LEAD[(i * 7 + j * 3) % len(KANA_LEAD)] +
         KANA_TRAIL[(i * 5 + j) % len(KANA_TRAIL)] for j in range(2)]
    return k[0] + " " + k[1]


def hr_rows():
    path = os.path.join(OUT, "..", "org", "hr.csv")
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split(",") for line in f]


def hr_with_names(names):
    rows = hr_rows()
    name = rows[0].index("name")
    for i, row in enumerate(rows[1:]):
        row[name] = names(i)
    return "".join(",".join(r) + "\r\n" for r in rows)


def b_word(charset, data):
    """An RFC 2047 B word around bytes as they are."""
    import base64
    return "=?%s?B?%s?=" % (charset, base64.b64encode(data).decode())


def bad_bytes():
    """Names and file names whose bytes are wrong for their label: a
    Latin-1 byte in UTF-8 before a letter, and JIS row 9 (no characters)
    between real kanji.  Each bad byte must become one U+FFFD and nothing
    after it be lost; Shift_JIS sent as UTF-8 is still read when it is
    plainly Japanese."""
    latin = "Dijkstra".encode("latin-1")[:3] + b"\x8aat"
    jis = "山田".encode("iso2022_jp")            # ESC $ B ; 3 E D ESC ( B
    bad_jis = jis.replace(b";3", b";3)!")       # 山, row 9, 田
    sjis = "たなか田中".encode("cp932")
    names = [b_word("UTF-8", latin), b_word("ISO-2022-JP", bad_jis),
             b_word("UTF-8", sjis), b_word("UTF-8", "見積書".encode("cp932"))]
    m = email.message.Message(policy=email.policy.compat32)
    m["From"] = "sato@example.co.jp"
    m["To"] = ", ".join("%s <r%d@ext.example>" % (n, i)
                        for i, n in enumerate(names))
    m["Subject"] = "bad bytes"
    m["MIME-Version"] = "1.0"
    m.set_type("multipart/mixed")
    m.set_boundary("=-bad-bytes-=")
    body = email.message.Message()
    body.set_payload("hello\n")
    body["Content-Type"] = "text/plain; charset=us-ascii"
    m.attach(body)
    import urllib.parse
    rfc2231 = [("UTF-8", latin), ("ISO-2022-JP", bad_jis), ("UTF-8", sjis),
               ("Shift_JIS", "①見積書".encode("cp932"))]
    dispositions = ['attachment; filename="%s"' % n for n in names] + [
        "attachment; filename*=%s''%s" % (cs, urllib.parse.quote(data))
        for cs, data in rfc2231]
    for d in dispositions:
        part = email.message.Message()
        part["Content-Type"] = "application/octet-stream"
        part["Content-Disposition"] = d
        part["Content-Transfer-Encoding"] = "base64"
        part.set_payload("aGVsbG8K\n")
        m.attach(part)
    return as_bytes(m)


def main():
    for i, word in enumerate(EMPTY_WORDS):
        write("empty-word-%d.eml" % (i + 1), empty_words(word))
    for i, to in enumerate(UNREADABLE):
        write("unreadable-%02d.eml" % (i + 1), with_to(to))
    for i, (to, _) in enumerate(READABLE):
        write("readable-%02d.eml" % (i + 1), with_to(to))
    with open(os.path.join(OUT, "readable.txt"), "w") as f:
        f.write("".join(addr + "\n" for _, addr in READABLE))
    # HR exports: a CP932 one whose only non-ASCII text is half-width
    # katakana, valid UTF-8 by accident (it reads as Greek and Cyrillic)
    text = hr_with_names(hankaku_name)
    data = text.encode("cp932")
    data.decode("utf-8")    # the point of the fixture
    write("hr-hankaku.csv", data)
    # a UTF-8 one with Latin names only: each name is CP932 katakana too
    latin = ["José Müller", "Zoë Brontë", "Renée Dupré"]
    data = hr_with_names(lambda i: latin[i % 3]).encode("utf-8")
    data.decode("cp932")
    write("hr-latin.csv", data)
    # a CP932 one with a byte no CP932 character has, in line 5
    lines = hr_with_names(lambda i: "ﾏｷ ﾐｶ" if i != 3 else "X").encode(
        "cp932").split(b"\r\n")
    lines[4] = lines[4].replace(b",X,", b",\x85\x40,")
    write("hr-bad-cp932.csv", b"\r\n".join(lines))
    write("bad-bytes.eml", bad_bytes())
    # an unreadable sender: the forger's choice, never "unknown"
    write("unreadable-from.eml",
          with_to("a@ext.example", sender="sato@example.co.jp@ext.example"))


if __name__ == "__main__":
    main()
