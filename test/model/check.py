#!/usr/bin/env python3
"""check.py - hold mp-orgsync and mp-ccguard against the model of the pages

usage: test/model/check.py --bin DIR [--seed S] [--orgs N] [--people N]
                           [--messages N] [--keep DIR] [--show N] [--jobs N]

For each of N organisations (seeds S, S+1, ...): generate it, write the
HR export, org.conf and mp.conf, publish it with mp-orgsync, then compare
with orgmodel.py
  - every person's posts, exemption, superiors (order and reasons) with
    `mp-orgsync --explain`;
  - the superiors and members groups of every unit with the change set;
  - the verdict, reason, sender, superiors and present of random
    messages with `mp-ccguard --json --mbox`.
Every disagreement is printed with its seed; the exit status is 1 when
there was one, 0 when mp and the model agree on everything.
"""
import argparse
import dataclasses
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from genorg import gen_messages, gen_org, write_mbox, write_org  # noqa
from orgmodel import Model, path_clashes  # noqa

SUP_LINE = re.compile(r"^    (\S+?)(?: \((.*)\))?: (.*)$")
COUNTS = ("orgs", "clashes", "unnamed", "people", "groups", "messages")
POST_LINE = re.compile(r"^  post (\S+), title (\S+), (primary|concurrent), "
                       r"pattern (\S+): (.*)$")


class Check:
    def __init__(self, args):
        self.args = args
        self.bad = 0
        self.lines = []
        self.counts = dict.fromkeys(COUNTS, 0)

    def fail(self, seed, what, want, got):
        self.bad += 1
        self.lines.append("seed %d: %s\n  model: %s\n  mp:    %s" % (
            seed, what, want, got))

    def run(self, argv, d, ok=(0,)):
        env = dict(os.environ, MP_CONFIG=d + "/mp.conf")
        p = subprocess.run(argv, capture_output=True, text=True, env=env)
        if p.returncode not in ok:
            raise RuntimeError("%s: exit %d: %s" % (" ".join(argv),
                                                     p.returncode, p.stderr))
        return p.stdout

    def one(self, seed):
        a = self.args
        org, rng = gen_org(seed, a.people)
        m = Model(org)
        d = tempfile.mkdtemp(prefix="mp-model-%d." % seed, dir=a.keep)
        try:
            if org.clash:
                self.clash(seed, org, d)
            if org.unnamed:
                self.unnamed(seed, org, m, d)
            write_org(org, d)
            changes = self.run([a.bin + "/mp-orgsync", d + "/hr.csv"], d)
            self.groups(seed, m, changes)
            for k in sorted(m.people):
                self.person(seed, m, k, d)
            msgs = gen_messages(org, m, rng, a.messages)
            write_mbox(msgs, d + "/mail.mbox")
            out = self.run([a.bin + "/mp-ccguard", "--json", "--mbox",
                            d + "/mail.mbox"], d, ok=(0, 1))
            recs = [json.loads(line) for line in out.splitlines()]
            if len(recs) != len(msgs):
                self.fail(seed, "records", len(msgs), len(recs))
            for i, (msg, rec) in enumerate(zip(msgs, recs)):
                self.message(seed, m, i + 1, msg, rec)
            # the same mail from one sender given with --sender, as an MTA
            # passes the SMTP AUTH user
            who = m.people[sorted(m.people)[seed % len(m.people)]]["email"]
            if seed % 2:
                who = who.upper()
            out = self.run([a.bin + "/mp-ccguard", "--json", "--sender", who,
                            "--mbox", d + "/mail.mbox"], d, ok=(0, 1))
            for i, (msg, line) in enumerate(zip(msgs, out.splitlines())):
                self.message(seed, m, i + 1, (who,) + msg[1:],
                             json.loads(line))
        finally:
            if a.keep is None:
                shutil.rmtree(d)
        self.counts["orgs"] += 1

    def clash(self, seed, org, d):
        """The export with a row that makes two units of one level share
        a unit path: refused (65), nothing published, the row named."""
        rows = list(org.rows)
        at = random.Random(seed).randrange(len(rows) + 1)
        rows[at:at] = org.clash
        lines = write_org(org, d, rows)
        want = {lines[n - 2] for n in path_clashes(org.levels, rows)}
        p = subprocess.run([self.args.bin + "/mp-orgsync", d + "/hr.csv"],
                           capture_output=True, text=True,
                           env=dict(os.environ, MP_CONFIG=d + "/mp.conf"))
        got = {int(n) for n in re.findall(r"hr\.csv:(\d+): .* cannot share "
                                          r"a unit path", p.stderr)}
        if want:
            self.counts["clashes"] += 1
        if not want:
            # the unit it would clash with has no post in the export
            if p.returncode != 0:
                self.fail(seed, "export without a clash", "0",
                          "%d %s" % (p.returncode, p.stderr))
        elif p.returncode != 65 or not got or not got <= want or \
                os.path.exists(d + "/snap/current"):
            self.fail(seed, "export with two units at one path, lines %s"
                      % sorted(want), "65", "%d %s" % (p.returncode,
                                                     p.stderr))
        # whatever happened, the organisation itself starts afresh
        shutil.rmtree(d + "/snap", ignore_errors=True)

    def unnamed(self, seed, org, m, d):
        """A title the pattern of its post does not name: an error of the
        export with its line, the pattern and the unit (mp-org.conf(5))."""
        n, title = org.unnamed
        rows = list(org.rows)
        rows[n] = dataclasses.replace(rows[n], title=title)
        lines = write_org(org, d, rows)
        p = subprocess.run([self.args.bin + "/mp-orgsync", d + "/hr.csv"],
                           capture_output=True, text=True,
                           env=dict(os.environ, MP_CONFIG=d + "/mp.conf"))
        want = "mp-orgsync: %s/hr.csv:%d: title %s is not named by " \
            "[pattern %s] (unit %s)" % (d, lines[n], title,
                                        org.patterns[m.posts[n].pattern].name,
                                        m.posts[n].unit[1])
        self.counts["unnamed"] += 1
        if p.returncode != 65 or want not in p.stderr.splitlines() or \
                os.path.exists(d + "/snap/current"):
            self.fail(seed, "export with an unnamed title", want,
                      "%d %s" % (p.returncode, p.stderr))
        shutil.rmtree(d + "/snap", ignore_errors=True)

    def groups(self, seed, m, changes):
        got = {}
        for line in changes.splitlines():
            e = json.loads(line)
            if e["event"] == "group-created":
                got.setdefault((e["unit"], e["level"]), {})[e["group"]] = \
                    sorted(e["addresses"])
        for (unit, level), (sups, members) in sorted(m.groups().items()):
            g = got.pop((unit, level), {})
            self.counts["groups"] += 1
            if g.get("superiors", []) != sups:
                self.fail(seed, "group superiors of %s %s" % (level, unit),
                          sups, g.get("superiors"))
            if g.get("members", []) != members:
                self.fail(seed, "group members of %s %s" % (level, unit),
                          members, g.get("members"))
        for u in got:
            self.fail(seed, "group of %s %s" % (u[1], u[0]), None, got[u])

    def person(self, seed, m, k, d):
        self.counts["people"] += 1
        p = m.people[k]
        out = self.run([self.args.bin + "/mp-orgsync", "--explain",
                        p["email"]], d).splitlines()
        posts, sups, exempt = [], [], False
        for line in out[1:]:
            pm = POST_LINE.match(line)
            sm = SUP_LINE.match(line)
            if pm:
                role = pm.group(5)
                posts.append((pm.group(1), pm.group(2),
                              pm.group(3) == "primary", pm.group(4),
                              "special" if role.startswith("special")
                              else role))
            elif line.startswith("  exempt:"):
                exempt = True
            elif sm:
                sups.append((sm.group(1).lower(), sm.group(2) or "",
                             sm.group(3)))
        want_posts = []
        for n in p["posts"]:
            q = m.posts[n]
            want_posts.append((q.unit[1], q.title, q.primary,
                               m.o.patterns[q.pattern].name, m.role_text(q)))
        if sorted(want_posts) != sorted(posts):
            self.fail(seed, "posts of %s" % k, want_posts, posts)
        if m.exempt(k) != exempt:
            self.fail(seed, "exempt %s" % k, m.exempt(k), exempt)
        if exempt:
            return
        want = [(a, m.name_of(a), why) for a, why in m.superiors(k)]
        if want != sups:
            self.fail(seed, "superiors of %s" % k, want, sups)

    def message(self, seed, m, i, msg, rec):
        self.counts["messages"] += 1
        sender, to, cc, _ = msg
        v, reason, s, sups, present = m.verdict(sender, to + cc)
        want = (v, reason, s, m.external,
                [(a, m.name_of(a), why) for a, why in sups],
                [(a, m.name_of(a), why) for a, why in present])
        got = (rec.get("verdict"), rec.get("reason"),
               rec.get("sender"), rec.get("external"),
               [(x["address"].lower(), x["name"], x["reason"])
                for x in rec.get("superiors", [])],
               [(x["address"].lower(), x["name"], x["reason"])
                for x in rec.get("present", [])])
        if want != got:
            self.fail(seed, "message %d from %s to %s cc %s" % (
                i, sender, to, cc), want, got)


def one_org(job):
    args, seed = job
    c = Check(args)
    c.one(seed)
    return c.bad, c.counts, c.lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--orgs", type=int, default=5)
    ap.add_argument("--people", type=int, default=50)
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--keep", help="keep each organisation under this dir")
    ap.add_argument("--show", type=int, default=20,
                    help="print at most this many disagreements")
    ap.add_argument("--jobs", type=int, default=2,
                    help="organisations checked at once")
    a = ap.parse_args()
    jobs = [(a, s) for s in range(a.seed, a.seed + a.orgs)]
    bad, lines = 0, []
    total = dict.fromkeys(COUNTS, 0)
    with multiprocessing.Pool(max(1, a.jobs)) as pool:
        for b, counts, ls in pool.imap(one_org, jobs):
            bad += b
            lines += ls
            for k in total:
                total[k] += counts[k]
    for line in lines[:a.show]:
        print(line)
    print("model: %d orgs (%d also with two units at one path, %d with an "
          "unnamed title), %d people, %d groups, %d messages: %d "
          "disagreements" % (total["orgs"], total["clashes"],
                             total["unnamed"], total["people"],
                             total["groups"], total["messages"], bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
