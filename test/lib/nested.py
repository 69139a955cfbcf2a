#!/usr/bin/env python3
"""A message whose multiparts nest N deep (for the mime-depth limit)."""
import sys

depth = int(sys.argv[1])
out = ["From: a@example.co.jp", "To: b@outside.example", "Subject: nest",
       "MIME-Version: 1.0"]
for d in range(depth):
    out.append('Content-Type: multipart/mixed; boundary="b%d"' % d)
    out.append("")
    out.append("--b%d" % d)
out.append("Content-Type: text/plain")
out.append("")
out.append("innermost")
for d in reversed(range(depth)):
    out.append("--b%d--" % d)
print("\n".join(out))
