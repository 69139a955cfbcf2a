#!/usr/bin/env python3
"""A policy over an mbox with Python's standard library: the peer of
`mp-policy --summary` in scripts/bench-policy.

  bench_policy.py --internal DOMAIN [--word WORD ...] [--regex RE] MBOX

For every message, with the email package (policy.default): the distinct
To/Cc/Bcc addresses and how many are outside DOMAIN (and its
subdomains); the attachments, their decoded bytes and the largest; the
text of the body (text/plain, text/html without its tags) and of the
attachments (text/*, and the XML of Word, Excel and PowerPoint files);
in that text, NFKC-normalised, the distinct Japanese phone numbers (a
regular expression) and the occurrences of the keywords (case-folded
words and one regular expression), in all and in the attachments alone.
Then the rules scripts/bench-policy gives mp-policy:

  many                recipients >= 5 or external >= 3      hold
  attachments         attachments >= 1                      confirm
  pii                 phone >= 1                            tag
  secret              keywords >= 1                         reject
  secret-attachment   keywords in attachments >= 1          reject

Prints `summary: total=N pass=N reject=N confirm=N hold=N failed=N` and
`rule NAME: N` lines, as mp-policy --summary does.  A message the
package raises on counts as failed.
"""
import argparse
import email
import email.policy
import email.utils
import html.parser
import io
import mailbox
import re
import sys
import unicodedata
import zipfile

PHONE = re.compile(r"(?<![\d-])0\d{1,4}-\d{1,4}-\d{4}(?![\d-])")
OOXML = re.compile(r"^(word/document|xl/sharedStrings|ppt/slides/slide\d+)\.xml$")
TAG = re.compile(r"<[^>]*>")
RULES = ["many", "attachments", "pii", "secret", "secret-attachment"]
ACTIONS = {"many": "hold", "attachments": "confirm", "pii": "tag",
           "secret": "reject", "secret-attachment": "reject"}


class Text(html.parser.HTMLParser):
    """The text of an HTML part, without scripts and styles."""

    def __init__(self):
        super().__init__()
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_text(s):
    p = Text()
    p.feed(s)
    p.close()
    return " ".join(p.out)


def part_text(part):
    """The text of a text/* part, decoded, or ''."""
    try:
        s = part.get_content()
    except (LookupError, ValueError, AssertionError):
        raw = part.get_payload(decode=True) or b""
        s = raw.decode("utf-8", "replace")
    if not isinstance(s, str):
        return ""
    return html_text(s) if part.get_content_subtype() == "html" else s


def ooxml_text(data):
    """The text of a Word, Excel or PowerPoint file, or ''."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        return " ".join(TAG.sub(" ", z.read(n).decode("utf-8", "replace"))
                        for n in z.namelist() if OOXML.match(n))
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return ""


def addresses(msg):
    found = []
    for f in ("To", "Cc", "Bcc"):
        for v in msg.get_all(f, []):
            found.extend(a for _, a in email.utils.getaddresses([str(v)]))
    return {a.lower() for a in found if "@" in a}


def external(addr, domain):
    d = addr.rsplit("@", 1)[1]
    return not (d == domain or d.endswith("." + domain))


class Keywords:
    def __init__(self, words, regex):
        self.words = [unicodedata.normalize("NFKC", w).casefold()
                      for w in words]
        self.regex = re.compile(regex) if regex else None

    def count(self, text):
        text = unicodedata.normalize("NFKC", text)
        folded = text.casefold()
        n = sum(folded.count(w) for w in self.words if w)
        if self.regex is not None:
            n += sum(1 for _ in self.regex.finditer(text))
        return n


def facts(msg, args, kw):
    rcpts = addresses(msg)
    f = {"recipients": len(rcpts),
         "external": sum(1 for a in rcpts if external(a, args.internal)),
         "attachments": 0, "attachment-bytes": 0, "attachment-largest": 0}
    body, attached = [str(msg.get("Subject", ""))], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.is_attachment() or part.get_filename():
            data = part.get_payload(decode=True) or b""
            f["attachments"] += 1
            f["attachment-bytes"] += len(data)
            f["attachment-largest"] = max(f["attachment-largest"], len(data))
            if part.get_content_maintype() == "text":
                attached.append(part_text(part))
            elif data[:2] == b"PK":
                attached.append(ooxml_text(data))
        elif part.get_content_maintype() == "text":
            body.append(part_text(part))
    text = "\n".join(body + attached)
    f["phone"] = len(set(PHONE.findall(unicodedata.normalize("NFKC", text))))
    f["keywords"] = kw.count(text)
    f["keywords.attachment"] = kw.count("\n".join(attached))
    return f


def matches(f):
    return {"many": f["recipients"] >= 5 or f["external"] >= 3,
            "attachments": f["attachments"] >= 1,
            "pii": f["phone"] >= 1,
            "secret": f["keywords"] >= 1,
            "secret-attachment": f["keywords.attachment"] >= 1}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--internal", required=True)
    ap.add_argument("--word", action="append", default=[])
    ap.add_argument("--regex")
    ap.add_argument("mbox")
    args = ap.parse_args()
    kw = Keywords(args.word, args.regex)
    verdicts = dict.fromkeys(["pass", "reject", "confirm", "hold", "failed"],
                             0)
    counts = dict.fromkeys(RULES, 0)
    total = 0
    box = mailbox.mbox(args.mbox, create=False, factory=None)
    for key in box.iterkeys():
        total += 1
        try:
            msg = email.message_from_bytes(box.get_bytes(key),
                                           policy=email.policy.default)
            hit = matches(facts(msg, args, kw))
        except Exception:  # noqa: BLE001 - a message Python cannot read
            verdicts["failed"] += 1
            continue
        for r in RULES:
            counts[r] += hit[r]
        acts = {ACTIONS[r] for r in RULES if hit[r]}
        verdicts[next((v for v in ("reject", "confirm", "hold")
                       if v in acts), "pass")] += 1
    print("summary: total=%d " % total +
          " ".join("%s=%d" % kv for kv in verdicts.items()))
    for r in RULES:
        print("rule %s: %d" % (r, counts[r]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
