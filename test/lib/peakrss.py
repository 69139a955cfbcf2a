#!/usr/bin/env python3
"""Run a command on a file and print its peak resident set size.

  peakrss.py IN OUT CMD...   CMD with standard input from IN and output
      to OUT; prints the peak RSS in KiB (getrusage of the child, what
      /usr/bin/time -v calls Maximum resident set size) and exits with
      the command's status
"""
import resource
import subprocess
import sys

src, dst, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(src, "rb") as fi, open(dst, "wb") as fo:
    r = subprocess.run(cmd, stdin=fi, stdout=fo)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(r.returncode)
