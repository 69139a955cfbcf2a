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


def main():
    for i, word in enumerate(EMPTY_WORDS):
        write("empty-word-%d.eml" % (i + 1), empty_words(word))
    for i, to in enumerate(UNREADABLE):
        write("unreadable-%02d.eml" % (i + 1), with_to(to))
    for i, (to, _) in enumerate(READABLE):
        write("readable-%02d.eml" % (i + 1), with_to(to))
    with open(os.path.join(OUT, "readable.txt"), "w") as f:
        f.write("".join(addr + "\n" for _, addr in READABLE))
    # an unreadable sender: the forger's choice, never "unknown"
    write("unreadable-from.eml",
          with_to("a@ext.example", sender="sato@example.co.jp@ext.example"))


if __name__ == "__main__":
    main()
