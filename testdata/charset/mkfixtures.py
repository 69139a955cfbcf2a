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


def main():
    for i, word in enumerate(EMPTY_WORDS):
        write("empty-word-%d.eml" % (i + 1), empty_words(word))


if __name__ == "__main__":
    main()
