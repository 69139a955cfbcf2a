#!/usr/bin/env python3
"""Run mp's tools over every message of the real-mail corpus.

  corpus.py BINDIR CORPUS

For every file: mp-classify (plain, --json, -a), mp-bccify -n 1,
mp-policy (--json, -a, with rules over every fact) and mp-zipenc must exit with a documented status (0 or 65 for a file that
is not a usable message) within the time limit, without a sanitizer report.  Files
that start with a From_ line also go through --mbox.  The outputs are
checked without mp's own parser:

  * mp-classify -a output equals the input plus one X-MP-Classify line;
  * mp-bccify output equals the input outside To/Cc/Bcc/X-MP-Bccify, and
    is the input itself when it did not act;
  * mp-zipenc's rewritten message and its notice are read to the last
    part by Python's email package;
  * so are mp-detach's, whose store entry must exist when it rewrote
    the message, and must not when it did not;
  * the visible recipients of the rewritten message, as Python's email
    package reads them, are exactly the input's internal and
    semi-internal ones (messages whose To/Cc Python cannot read, or reads
    differently from the RFC, are counted and listed, not failed).

Prints a summary; exits 1 on any failure.
"""
import email
import email.policy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hdr  # noqa: E402

INTERNAL = ["example.com", "example.co.jp"]
SEMI = ["example.org"]
DOCUMENTED = {0, 65}
# mp-ccguard also says 1 (refused); it runs when a snapshot is given
CCGUARD_DOCUMENTED = {0, 1, 65}
# mp-policy also says 1 (rejected)
POLICY_DOCUMENTED = {0, 1, 65}
TIMEOUT = 30
# rules that read every fact mp-policy has, text and personal data too
POLICY_CONF = """
[domains]
internal = example.com, example.co.jp
semi-internal = example.org
[keywords secret]
words = confidential, 社外秘, 極秘
regex = (?i)pass(word)?\\s*[:：]
[rule people]
if = phone >= 3 or postal >= 3 or address >= 1 or mynumber >= 1 or card >= 1 or email.body >= 5
action = reject
[rule words]
if = keyword.secret >= 1 or keyword.secret.attachment >= 1
action = hold 10m
[rule files]
if = attachments >= 2 or attachment-largest >= 100K or encrypted or plain-archives or undecodable or archive-limit
action = detach
for = external
[rule odd]
if = no-from or unreadable or to-cc.external >= 3
header.Subject = .
time = outside workday 09:00-19:00
action = bccify
"""
SKIP_NAMES = ("LICENSE", "COPYING", "README", "NOTICE", "copyright",
              "ARTISTIC")


def files(corpus):
    for top in sorted(os.listdir(corpus)):
        if top == "tools" or not os.path.isdir(os.path.join(corpus, top)):
            continue
        for d, _, names in sorted(os.walk(os.path.join(corpus, top))):
            for n in sorted(names):
                if any(n.startswith(s) or s in n for s in SKIP_NAMES):
                    continue
                yield os.path.join(d, n)


def canon(domain):
    d = domain.strip().rstrip(".").lower()
    try:
        return d.encode("idna").decode("ascii")
    except UnicodeError:
        return d


def kept_class(addr):
    """Whether mp-bccify (external mode) leaves addr visible."""
    if "@" not in addr:
        return False
    d = canon(addr.rsplit("@", 1)[1])
    best = None
    for lst, cls in ((INTERNAL, True), (SEMI, True)):
        for e in lst:
            if d == e or d.endswith("." + e):
                if best is None or len(e) > best[0]:
                    best = (len(e), cls)
    return bool(best and best[1])


def py_visible(data):
    """To/Cc addr-specs as Python reads them, or None if it cannot."""
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
        out = []
        for name in ("to", "cc"):
            for h in msg.get_all(name) or []:
                if h.defects:
                    return None
                for a in h.addresses:
                    if a.addr_spec and a.addr_spec != "<>":
                        out.append(a.addr_spec.lower())
        return out
    except Exception:  # noqa: BLE001 - Python's own parser gave up
        return None


def run(argv, data=None):
    try:
        p = subprocess.run(argv, input=data, capture_output=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, b"", b"timeout"
    return p.returncode, p.stdout, p.stderr


def sanitizer(err):
    return b"AddressSanitizer" in err or b"runtime error:" in err or \
        b"LeakSanitizer" in err


def main():
    bindir, corpus = sys.argv[1], sys.argv[2]
    snapshot = sys.argv[3] if len(sys.argv) > 3 else None
    ccguard = os.path.join(bindir, "mp-ccguard")
    classify = os.path.join(bindir, "mp-classify")
    bccify = os.path.join(bindir, "mp-bccify")
    zipenc = os.path.join(bindir, "mp-zipenc")
    detach = os.path.join(bindir, "mp-detach")
    dom = []
    for d in INTERNAL:
        dom += ["--internal", d]
    for d in SEMI:
        dom += ["--semi-internal", d]
    base = ["-c", "/dev/null"] + dom
    policy_dir = tempfile.mkdtemp(prefix="mp-corpus-policy.")
    policy_conf = os.path.join(policy_dir, "mp.conf")
    with open(policy_conf, "w") as f:
        f.write(POLICY_CONF)
    policy = [os.path.join(bindir, "mp-policy"), "-c", policy_conf,
              "--now", "2026-11-30 20:00"]
    failures, skipped, stats = [], [], {"files": 0, "messages": 0,
                                        "rewritten": 0, "exit": {}}

    def fail(path, what):
        failures.append("%s: %s" % (path, what))

    def check_status(path, tool, st, err, documented=DOCUMENTED):
        key = "%s=%s" % (tool, st)
        stats["exit"][key] = stats["exit"].get(key, 0) + 1
        if st is None:
            fail(path, "%s hung (over %ds)" % (tool, TIMEOUT))
            return False
        if st < 0:
            fail(path, "%s killed by signal %d" % (tool, -st))
            return False
        if st not in documented:
            fail(path, "%s exit %d: %s" % (tool, st, err[:200]))
            return False
        if sanitizer(err):
            fail(path, "%s sanitizer report: %s" % (tool, err[:400]))
            return False
        return True

    def check_zipenc(path, data):
        """mp-zipenc: a documented status; its output and its notice
        are messages Python's email package reads to the last part."""
        notice = "/tmp/mp-corpus-notice.%d" % os.getpid()
        if data.startswith(b"From "):
            st, out, err = run([zipenc, "-c", "/dev/null", "--mbox", path])
            check_status(path, "zipenc --mbox", st, err)
        st, out, err = run([zipenc, "-c", "/dev/null", "--notice", notice],
                           data)
        if not check_status(path, "zipenc", st, err) or st != 0 or \
                out == data:
            return
        stats["zipped"] = stats.get("zipped", 0) + 1
        try:
            for blob in (out, open(notice, "rb").read()):
                m = email.message_from_bytes(blob,
                                             policy=email.policy.default)
                for part in m.walk():
                    part.get_payload(decode=True)
            assert re.search(rb"(^|[\r\n])X-MP-Zipenc: ", out)
        except Exception as e:  # noqa: BLE001
            fail(path, "zipenc output or notice unreadable: %r" % e)
        os.unlink(notice)

    def check_detach(path, data):
        """mp-detach: a documented status; an entry in the store exactly
        when it rewrote; its output and its notice readable to the end."""
        tmp = tempfile.mkdtemp(prefix="mp-corpus-detach.")
        store, notice = os.path.join(tmp, "store"), os.path.join(tmp, "n")
        args = [detach, "-c", "/dev/null", "--store", store,
                "--base-url", "https://dl.example/d/", "--notice", notice]
        try:
            if data.startswith(b"From "):
                st, out, err = run(args + ["--mbox", path])
                check_status(path, "detach --mbox", st, err)
            st, out, err = run(args, data)
            if not check_status(path, "detach", st, err) or st != 0:
                return
            entries = os.listdir(store) if os.path.isdir(store) else []
            if out == data:
                if entries:
                    fail(path, "detach stored without rewriting")
                return
            stats["detached"] = stats.get("detached", 0) + 1
            if len(entries) != 1 or not re.search(
                    rb"(^|[\r\n])X-MP-Detach: detached=", out):
                fail(path, "detach rewrote, store holds %r" % entries)
                return
            for blob in (out, open(notice, "rb").read()):
                m = email.message_from_bytes(blob,
                                             policy=email.policy.default)
                for part in m.walk():
                    part.get_payload(decode=True)
        except Exception as e:  # noqa: BLE001
            fail(path, "detach output or notice unreadable: %r" % e)
        finally:
            shutil.rmtree(tmp)

    def check_policy(path, data):
        """mp-policy: a documented status; --json's record names a
        verdict; -a adds exactly one X-MP-Policy field"""
        st, out, err = run(policy + ["--json", path])
        if check_status(path, "policy --json", st, err, POLICY_DOCUMENTED) \
                and st in (0, 1):
            try:
                rec = json.loads(out)
                assert (rec["verdict"] == "reject") == (st == 1)
            except Exception as e:  # noqa: BLE001
                fail(path, "policy --json: %s" % e)
        st, out, err = run(policy + ["-a"], data)
        if check_status(path, "policy -a", st, err) and st == 0 and \
                len(re.findall(rb"(^|[\r\n])X-MP-Policy: ", out)) != 1:
            fail(path, "policy -a added no X-MP-Policy")
        if data.startswith(b"From "):
            st, out, err = run(policy + ["--mbox", path])
            check_status(path, "policy --mbox", st, err, POLICY_DOCUMENTED)

    for path in files(corpus):
        stats["files"] += 1
        data = open(path, "rb").read()
        check_policy(path, data)
        st, out, err = run([classify] + base + [path])
        check_status(path, "classify", st, err)
        st, out, err = run([classify, "--json"] + base + [path])
        if check_status(path, "classify --json", st, err) and st == 0:
            try:
                rec = json.loads(out)
                assert set(rec["counts"]) == {"internal", "semi-internal",
                                              "external"}
            except Exception as e:  # noqa: BLE001
                fail(path, "classify --json: bad JSON: %s" % e)
        st, out, err = run([classify, "-a"] + base, data)
        if check_status(path, "classify -a", st, err) and st == 0:
            lines = out.splitlines(keepends=True)
            added = [ln for ln in lines if ln.startswith(b"X-MP-Classify:")]
            back = b"".join(ln for ln in lines
                            if not ln.startswith(b"X-MP-Classify:"))
            stripped = b"".join(
                ln for ln in data.splitlines(keepends=True)
                if not ln.startswith(b"X-MP-Classify:"))
            # a header cut off at EOF gets a line break before the field
            if len(added) != 1 or (back != stripped and
                                   back.rstrip(b"\r\n") != stripped):
                fail(path, "classify -a changed more than one field")
        if snapshot:
            gbase = base + ["--snapshot", snapshot]
            st, out, err = run([ccguard, "--json"] + gbase + [path])
            if check_status(path, "ccguard", st, err, CCGUARD_DOCUMENTED) \
                    and st in (0, 1):
                try:
                    rec = json.loads(out)
                    assert rec["verdict"] == ("refuse" if st else "pass")
                except Exception as e:  # noqa: BLE001
                    fail(path, "ccguard --json: %s" % e)
            st, out, err = run([ccguard, "-a"] + gbase, data)
            if check_status(path, "ccguard -a", st, err, {0, 65}) and \
                    st == 0 and out.count(b"X-MP-Ccguard:") < 1:
                fail(path, "ccguard -a added no X-MP-Ccguard")
            if data.startswith(b"From "):
                st, out, err = run([ccguard, "--mbox", path] + gbase)
                check_status(path, "ccguard --mbox", st, err,
                             CCGUARD_DOCUMENTED)
        if data.startswith(b"From "):
            st, out, err = run([classify, "--mbox", path] + base)
            check_status(path, "classify --mbox", st, err)
            stats["messages"] += out.count(b"\n")
            st, out, err = run([bccify, "-n", "1", "--mbox", path] + base)
            check_status(path, "bccify --mbox", st, err)
        else:
            stats["messages"] += 1

        check_zipenc(path, data)
        check_detach(path, data)

        st, out, err = run([bccify, "-n", "1"] + base, data)
        if not check_status(path, "bccify", st, err) or st != 0:
            continue
        if out == data:
            continue
        stats["rewritten"] += 1
        tmp_in, tmp_out = "/tmp/mp-corpus-in.%d" % os.getpid(), \
            "/tmp/mp-corpus-out.%d" % os.getpid()
        open(tmp_in, "wb").write(data)
        open(tmp_out, "wb").write(out)
        p1, f1, r1 = hdr.split(data)
        p2, f2, r2 = hdr.split(out)
        names = {b"to", b"cc", b"bcc", b"x-mp-bccify"}
        if p1 != p2 or r1 != r2 or \
                [x for n, x in f1 if n not in names] != \
                [x for n, x in f2 if n not in names]:
            fail(path, "bccify changed bytes outside To/Cc/Bcc")
        before, after = py_visible(data), py_visible(out)
        if before is None or after is None:
            skipped.append(path)
            continue
        want = sorted(a for a in before if kept_class(a))
        if sorted(after) != want:
            skipped.append("%s (python sees %s, expected %s)"
                           % (path, sorted(after), want))
        for a in after:
            if not kept_class(a):
                fail(path, "external address still visible: %s" % a)
        os.unlink(tmp_in)
        os.unlink(tmp_out)

    shutil.rmtree(policy_dir)
    print("corpus: %d files, %d messages, %d rewritten by mp-bccify, "
          "%d by mp-zipenc, %d by mp-detach"
          % (stats["files"], stats["messages"], stats["rewritten"],
             stats.get("zipped", 0), stats.get("detached", 0)))
    print("exit codes: " + ", ".join("%s: %d" % kv for kv in
                                     sorted(stats["exit"].items())))
    if skipped:
        print("%d rewritten messages whose To/Cc Python cannot read or reads "
              "differently from mp "
              "(not failures):" % len(skipped))
        for s in skipped[:20]:
            print("  " + s)
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
