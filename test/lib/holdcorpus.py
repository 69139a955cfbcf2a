#!/usr/bin/env python3
"""holdcorpus.py BINDIR CORPUS - every corpus file through mp-hold.

Each file is queued as Postfix's pipe(8) hands it over (-f, --,
recipients), then one `mp-hold --run` a minute later delivers them all
to a stand-in sendmail that keeps what it reads.  Every file must be
held (0; 65 only for an empty one) and delivered once, byte for byte
after the X-MP-Hold: field (which goes after an mbox From_ line), with
no sanitizer report.  The file list is corpus.py's.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus import files, sanitizer  # noqa: E402

TIMEOUT = 60
TRACE = re.compile(rb"X-MP-Hold: id=([0-9a-f]{32});[^\n]*\n")


def main():
    bindir, corpus = sys.argv[1:3]
    hold = os.path.join(bindir, "mp-hold")
    tmp = tempfile.mkdtemp(prefix="mp-holdcorpus-")
    got = os.path.join(tmp, "got")
    os.mkdir(got)
    sm = os.path.join(tmp, "sendmail")
    with open(sm, "w") as f:
        f.write('#!/bin/sh\nexec cat >"%s/$$.msg"\n' % got)
    os.chmod(sm, 0o755)
    conf = os.path.join(tmp, "mp.conf")
    with open(conf, "w") as f:
        f.write("[domains]\ninternal = example.co.jp\n"
                "[limits]\nmessage-bytes = 64M\n"
                "[hold]\nspool = %s/spool\nsendmail = %s\n" % (tmp, sm))
    base = ["-c", conf, "--now", "2026-11-30T09:00:00+09:00"]
    failures = 0
    held = {}
    for path in files(corpus):
        with open(path, "rb") as fh:
            data = fh.read()
        p = subprocess.run([hold] + base + ["--for", "1m", "-f",
                           "sato@example.co.jp", "--", "a@example.com",
                           "b@example.co.jp"], input=data,
                           capture_output=True, timeout=TIMEOUT)
        if sanitizer(p.stderr):
            print("%s: sanitizer: %s" % (path, p.stderr.decode(
                "utf-8", "replace")))
            failures += 1
        elif p.returncode == 0:
            held[p.stdout.decode().strip()] = data
        elif not (p.returncode == 65 and not data):
            print("%s: exit %d: %s" % (path, p.returncode,
                  p.stderr.decode("utf-8", "replace").strip()))
            failures += 1
    p = subprocess.run([hold, "-c", conf, "--run", "--now",
                        "2026-11-30T09:01:00+09:00"], capture_output=True,
                       timeout=TIMEOUT * 10)
    if p.returncode != 0 or sanitizer(p.stderr):
        print("--run: exit %d: %s" % (p.returncode, p.stderr.decode(
            "utf-8", "replace")))
        failures += 1
    delivered = {}
    for n in os.listdir(got):
        with open(os.path.join(got, n), "rb") as fh:
            out = fh.read()
        m = TRACE.search(out)
        if m is None:
            print("%s: no X-MP-Hold: field" % n)
            failures += 1
            continue
        ident = m.group(1).decode()
        if ident in delivered:
            print("%s: delivered twice" % ident)
            failures += 1
        # the field out (a CRLF mail's CR with it): the rest is the file
        delivered[ident] = out[:m.start()] + out[m.end():]
    for ident, data in held.items():
        if ident not in delivered:
            print("%s: held, never delivered" % ident)
            failures += 1
        elif delivered[ident] != data:
            print("%s: delivered bytes differ" % ident)
            failures += 1
    print("%d files held, %d delivered, %d failures" % (
        len(held), len(delivered), failures))
    subprocess.run(["rm", "-rf", tmp])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
