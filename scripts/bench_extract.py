#!/usr/bin/env python3
"""bench_extract.py - the Python peer of "mp-classify --mbox" for scripts/bench.

Reads an mbox with the standard library the way an ordinary script would
(mailbox + email, policy=email.policy.default), takes every To and Cc
field of every message, and prints one line per message:

    INDEX: to=N cc=N internal=N external=N [errors=N]

to/cc count the addresses found in those fields (every occurrence);
internal/external count distinct addresses (case-insensitive), an address
being internal when its domain is one of the --internal domains or a
subdomain of one.  errors counts To/Cc fields the email package raised on;
a message with such a field is still reported.
"""

import argparse
import email
import email.policy
import mailbox
import sys


def parse_message(fp):
    """mailbox factory: the message parsed with the modern policy."""
    return email.message_from_binary_file(fp, policy=email.policy.default)


def is_internal(domain, internal):
    """True when domain is one of internal or a subdomain of one."""
    d = domain.rstrip(".").lower()
    return any(d == i or d.endswith("." + i) for i in internal)


def extract(msg, internal):
    """(to, cc, internal, external, errors) for one message."""
    found = {"to": 0, "cc": 0}
    seen = {}
    errors = 0
    for name in ("to", "cc"):
        try:
            values = msg.get_all(name) or []
        except Exception:  # a field the parser cannot even fetch
            errors += 1
            continue
        for value in values:
            try:
                addresses = value.addresses
            except Exception:
                errors += 1
                continue
            for a in addresses:
                found[name] += 1
                key = a.addr_spec.lower()
                if key not in seen:
                    seen[key] = bool(a.domain) and is_internal(a.domain, internal)
    n_int = sum(1 for v in seen.values() if v)
    return found["to"], found["cc"], n_int, len(seen) - n_int, errors


def main():
    ap = argparse.ArgumentParser(
        description="To/Cc addresses of every message of an mbox")
    ap.add_argument("--internal", action="append", default=[],
                    metavar="DOMAIN", help="an internal domain (repeatable)")
    ap.add_argument("mbox", help="mbox file to read")
    args = ap.parse_args()
    internal = [d.rstrip(".").lower() for d in args.internal]

    try:
        box = mailbox.mbox(args.mbox, factory=parse_message, create=False)
    except mailbox.NoSuchMailboxError:
        print(f"bench_extract.py: {args.mbox}: no such file", file=sys.stderr)
        return 66
    except OSError as e:
        print(f"bench_extract.py: {args.mbox}: {e.strerror}", file=sys.stderr)
        return 66
    out = sys.stdout
    for index, msg in enumerate(box, 1):
        to, cc, n_int, n_ext, errors = extract(msg, internal)
        line = f"{index}: to={to} cc={cc} internal={n_int} external={n_ext}"
        if errors:
            line += f" errors={errors}"
        out.write(line + "\n")
    box.close()
    out.flush()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(74)
