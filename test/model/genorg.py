"""genorg.py - random organisations and messages for the model test

From one seed: the levels, patterns (units globs with and without a
level, head.LEVEL, special, peers, exempt-titles, members), [org]
settings, [fallback] by unit (with and without a level) and by title,
a unit tree with skipped levels, the division without a code, and one
unit path at two levels; posts with co-heads, heads on concurrent posts,
head titles on posts deeper than the unit they head and on posts that
have no code at that level.  Written as an HR export (csv module), an
org.conf, an mp.conf and an mbox (email package).
"""
import csv
import io
import mailbox
import random
from email.message import Message
from email.utils import formataddr

from orgmodel import Model, Org, Pattern, Row

DEFAULT_LEVELS = ["division", "department", "section", "unit"]
OTHER_LEVELS = ["honbu", "bu", "ka", "kakari", "han"]
TITLES = ["10", "11", "12", "15", "16", "20", "21", "22", "30", "31",
          "32", "35", "36", "40", "41", "45", "50", "51", "60", "77", "88",
          "99"]
DOMAIN = "example.co.jp"
FAMILY = ["佐藤 花子", "鈴木 一郎", "髙橋 誠", "田中 陽子", "渡辺 翔",
          "山本 恵", "中村 亮", "小林 愛", "加藤 健", "吉田 美咲"]


def gen_levels(rng):
    r = rng.random()
    if r < 0.55:
        return list(DEFAULT_LEVELS)
    if r < 0.75:
        return OTHER_LEVELS[:3]
    if r < 0.85:
        return list(OTHER_LEVELS)
    if r < 0.9:
        return ["division"]
    if r < 0.95:
        return ["l%d" % n for n in range(1, 9)]     # the most there may be
    return ["division", "department"]


def gen_units(rng, nlev, size):
    """Unit code tuples: divisions d00 (5 is the division without a code),
    children by appending a digit; a level is skipped now and then."""
    units = []

    def grow(codes, level, code):
        kids = rng.randint(1, 3) if level < 2 else rng.randint(0, 2)
        for i in range(1, kids + 1):
            nxt = level + 1
            if nxt + 1 < nlev and rng.random() < 0.15:
                nxt += 1                # a level without a code
            if nxt >= nlev:
                return
            c = "%s%d0" % (code[0], i) if nxt == 1 else "%s%d" % (code, i)
            new = list(codes)
            new[nxt] = c
            units.append(new)
            if len(units) < size:
                grow(new, nxt, c)

    ndiv = rng.randint(2, 3)
    divs = rng.sample(["1", "2", "3", "4", "6", "7", "8", "9"], ndiv)
    for d in divs:
        codes = [d + "00"] + [""] * (nlev - 1)
        units.append(codes)
        grow(codes, 0, d + "00")
    if nlev > 1 and rng.random() < 0.6:
        # the division without a code
        grow([""] * nlev, 0, "500")
    if nlev > 2:
        # one unit path at two levels: a department X and a section X
        # directly under the division
        depts = [u for u in units if u[1] and u[0] and not any(u[2:])]
        if depts:
            d = rng.choice(depts)
            twin = [d[0], "", d[1]] + [""] * (nlev - 3)
            if twin not in units:
                units.append(twin)
    return units


def gen_patterns(rng, levels, units, gexempt):
    nlev = len(levels)
    npat = rng.choice([1, 2, 2, 3])
    pats = []
    divs = sorted({u[0] for u in units if u[0]})
    for n in range(npat):
        pool = list(TITLES)
        rng.shuffle(pool)
        roles = {}
        for lv in range(nlev):
            for _ in range(rng.choice([1, 1, 2])):
                roles[pool.pop()] = ("head", lv)
        for _ in range(rng.choice([0, 1, 1, 2])):
            roles[pool.pop()] = "special"
        for _ in range(rng.choice([0, 1])):
            roles[pool.pop()] = "exempt"
        for _ in range(rng.randint(2, 3)):
            roles[pool.pop()] = "member"
        # peers mostly at the levels with many units of one division
        wide = list(range(1, min(nlev, 3))) or [0]
        peers = sorted(rng.sample(wide, min(len(wide),
                                            rng.choice([0, 1, 2, 2]))))
        if rng.random() < 0.2:
            peers = sorted(set(peers) | {rng.randrange(nlev)})
        if n == npat - 1:
            globs = [(None, "*")]
        else:
            d = rng.choice(divs)
            k = rng.random()
            if k < 0.35:
                globs = [(None, d), (None, d + "/*")]
            elif k < 0.55 and nlev > 2:
                globs = [(rng.randrange(1, nlev), d + "/*")]
            elif k < 0.75:
                globs = [(None, d[0] + "?0/*"), (None, d[0] + "??")]
            else:
                globs = [(rng.randrange(nlev), "*")]
        pats.append(Pattern("p%d" % n, globs, roles, peers))
        if rng.random() < 0.2 and gexempt:
            # [org] exempt-titles again in a pattern's exempt-titles
            roles[gexempt[0]] = "exempt"
    return pats


def gen_org(seed, npeople=50):
    rng = random.Random(seed)
    levels = gen_levels(rng)
    nlev = len(levels)
    units = gen_units(rng, nlev, max(6, npeople // 3))
    gexempt = rng.choice([["01"], ["01", "02"], []])
    pats = gen_patterns(rng, levels, units, gexempt)
    org = Org(levels=levels, exempt=gexempt,
              unknown_pass=rng.random() < 0.25,
              any_post=rng.random() < 0.5, chain=rng.random() < 0.7,
              patterns=pats, fb_units=[], fb_titles={}, rows=[],
              internal=[DOMAIN], semi=["group.example.jp"],
              exempt_senders=[])

    probe = Model(Org(**{**org.__dict__, "rows": []}))

    def pattern_of(codes):
        lv = max(i for i, c in enumerate(codes) if c)
        return pats[probe.pattern_for(probe.path(codes, lv), lv)]

    def titles(codes, want):
        pat = pattern_of(codes)
        named = [t for t, r in pat.roles.items() if want(r)]
        return named

    # posts: (codes, title)
    posts = []
    for u in units:
        lv = max(i for i, c in enumerate(u) if c)
        for _ in range(rng.choice([0, 1, 1, 1, 2])):
            # a head of this unit; now and then on a post one level down
            codes = list(u)
            below = [v for v in units if v[:lv + 1] == u[:lv + 1] and v != u]
            if below and rng.random() < 0.1:
                codes = list(rng.choice(below))
            hs = titles(codes, lambda r: r == ("head", lv))
            if hs:
                posts.append((codes, rng.choice(hs)))
        for _ in range(rng.randint(0, 3)):
            r = rng.random()
            if r < 0.7:
                ts = titles(u, lambda r: r == "member")
            elif r < 0.8:
                ts = titles(u, lambda r: r == "special")
            elif r < 0.88:
                ts = titles(u, lambda r: r == "exempt") + gexempt
            else:
                # a head title that heads nothing here (no code at its
                # level), or heads an enclosing unit
                ts = titles(u, lambda r: isinstance(r, tuple))
            if ts:
                posts.append((list(u), rng.choice(ts)))
    while len(posts) < npeople * 1.25:
        u = rng.choice(units)
        ts = titles(u, lambda r: r == "member")
        if ts:
            posts.append((list(u), rng.choice(ts)))
    rng.shuffle(posts)
    posts = posts[:int(npeople * 1.25)]

    # people: most posts are someone's primary post, some concurrent
    japanese = rng.random() < 0.5
    people = []                 # (id, email, name)
    rows = []
    for codes, title in posts:
        if people and rng.random() < 0.2:
            pid, email, name = rng.choice(people)
            if rng.random() < 0.3:
                name += " (concurrent)"     # the primary row's name counts
            rows.append(Row(pid, email, name, codes, title, False))
            continue
        n = len(people) + 1
        local = "p%d" % n
        dom = DOMAIN if rng.random() < 0.9 else "branch." + DOMAIN
        email = local + "@" + dom
        if rng.random() < 0.15:
            email = email.capitalize()
        name = ("%s %d" % (rng.choice(FAMILY), n) if japanese
                else "Person %d" % n)
        person = ("E%03d" % n, email, name)
        people.append(person)
        rows.append(Row(*person, codes, title, True))
    rng.shuffle(rows)
    org.rows = rows

    # fallbacks
    paths = {}
    m = Model(org)
    for (lv, path) in m.units:
        paths.setdefault(path, []).append(lv)
    pool = ["approver@" + DOMAIN, "Shared-Box@Example.co.jp",
            "boss@partner.example"] + [recase(rng, p[1]) for p in people[:8]]
    used = set()
    upaths = sorted(paths)
    for _ in range(rng.randint(2, 6)):
        path = rng.choice(upaths)
        lvs = paths[path]
        lv = rng.choice(lvs) if (len(lvs) > 1 or rng.random() < 0.3) \
            else None
        if len(lvs) > 1 and rng.random() < 0.5:
            lv = None
        if rng.random() < 0.1:
            lv = rng.randrange(nlev)    # maybe a level the path is not at
        if (lv, path) in used:
            continue
        used.add((lv, path))
        addrs = rng.sample(pool, rng.choice([1, 1, 2]))
        # sometimes the fallback names a head of the unit itself
        heads = m.units[(lvs[0], path)]["heads"]
        if heads and rng.random() < 0.4:
            addrs.append(org.rows[heads[0]].email)
        org.fb_units.append((lv, path, addrs))
    alltitles = sorted({r.title for r in rows})
    for t in rng.sample(alltitles, min(len(alltitles), rng.randint(1, 4))):
        org.fb_titles[t] = rng.sample(pool, rng.choice([1, 2]))
        if rng.random() < 0.6:
            # a holder of the title: never their own fallback
            org.fb_titles[t].append(recase(rng, rng.choice(
                [r.email for r in rows if r.title == t])))

    # now and then a post that makes a second section with the path of
    # one: -/100/1001 against 100/-/1001
    if nlev > 2 and rng.random() < 0.6:
        skips = [u for u in units if u[0] and not u[1] and u[2]]
        if skips:
            u = rng.choice(skips)
            codes = ["", u[0]] + u[2:]
            ts = titles(codes, lambda r: r == "member")
            if ts:
                org.clash = [Row("E999", "clash@" + DOMAIN, "Clash",
                                 codes, rng.choice(ts), True)]

    # a title the pattern of its post does not name, for an export of
    # its own that must be refused
    n = rng.randrange(len(rows))
    pat = pats[m.posts[n].pattern]
    free = [t for t in TITLES + ["55"] if t not in pat.roles and
            t not in gexempt]
    if free:
        org.unnamed = (n, rng.choice(free))

    org.style = gen_style(rng)

    # exempt-senders of mp.conf
    if people and rng.random() < 0.5:
        e = rng.choice(people)[1]
        org.exempt_senders.append(e.upper())
    if rng.random() < 0.3:
        org.exempt_senders.append("p?9@*")
    return org, rng


def gen_style(rng):
    """How the HR system writes its export (mp-orgsync(1)): UTF-8 with or
    without a byte order mark, or CP932; LF or CR LF; quoted fields,
    white space around fields, empty lines; columns in any order, with
    one the rules do not use."""
    return {"encoding": rng.choice(["utf-8", "utf-8", "utf-8-sig", "cp932"]),
            "crlf": rng.random() < 0.4, "quote": rng.random() < 0.3,
            "pad": rng.random() < 0.3, "blank": rng.random() < 0.3,
            "shuffle": rng.random() < 0.4, "seed": rng.randrange(1 << 30)}


def write_hr(org, path, rows):
    """Write the export; return the line of each row (the header is 1)."""
    st = org.style or {}
    rng = random.Random(st.get("seed", 0))
    cols = ["employee_id", "email", "name"] + org.levels + \
        ["title", "concurrent"]
    if st.get("shuffle"):
        cols = cols + ["extension"]
        rng.shuffle(cols)
    f = io.StringIO(newline="")
    w = csv.writer(f, lineterminator="\r\n" if st.get("crlf") else "\n",
                   quoting=csv.QUOTE_ALL if st.get("quote")
                   else csv.QUOTE_MINIMAL)
    w.writerow(cols)
    lines, line = [], 1
    for r in rows:
        if st.get("blank") and rng.random() < 0.05:
            f.write("\r\n" if st.get("crlf") else "\n")
            line += 1
        v = dict(zip(org.levels, r.codes), employee_id=r.id, email=r.email,
                 name=r.name, title=r.title,
                 concurrent="0" if r.primary else "1",
                 extension=str(rng.randrange(1000, 9999)))
        if r.primary and rng.random() < 0.1:
            v["concurrent"] = ""        # empty is the primary post too
        out = [v[c] for c in cols]
        if st.get("pad") and not st.get("quote"):
            out = [(" " + x if rng.random() < 0.2 else x) +
                   (" " if rng.random() < 0.2 else "") for x in out]
        w.writerow(out)
        line += 1
        lines.append(line)
    with open(path, "wb") as b:
        b.write(f.getvalue().encode(st.get("encoding", "utf-8")))
    return lines


def write_org(org, d, rows=None):
    """The export, org.conf and mp.conf; the line of each row."""
    lv = org.levels
    lines = write_hr(org, d + "/hr.csv", org.rows if rows is None else rows)
    out = ["# org.conf - written by test/model/genorg.py", "[org]",
           "levels = " + " ".join(lv) + "   # most senior first",
           "exempt-titles = " + ";".join(org.exempt),
           "unknown-sender = " + ("pass" if org.unknown_pass else "reject"),
           "sender-posts = " + ("any" if org.any_post else "primary"),
           "chain = " + ("yes" if org.chain else "no"), ""]
    for p in org.patterns:
        out.append("[pattern %s]" % p.name)
        out.append("units = " + ";".join(
            (lv[l] + ":" if l is not None else "") + g for l, g in p.units))
        keys = {}
        for t, r in p.roles.items():
            k = "head." + lv[r[1]] if isinstance(r, tuple) else {
                "special": "special", "exempt": "exempt-titles",
                "member": "members"}[r]
            keys.setdefault(k, []).append(t)
        for k in sorted(keys):
            out.append("%s = %s" % (k, ";".join(sorted(keys[k]))))
        if p.peers:
            out.append("peers = " + ";".join(lv[l] for l in p.peers))
        out.append("")
    out.append("[fallback]")
    for l, path, addrs in org.fb_units:
        out.append("unit.%s%s = %s" % (lv[l] + ":" if l is not None else "",
                                        path, ";".join(addrs)))
    for n, (t, addrs) in enumerate(sorted(org.fb_titles.items())):
        # the three separators of a list, and a comment after a value
        out.append("title.%s = %s" % (t, (", ", "  ", "; ")[n % 3].join(
            addrs)) + ("   # fallback by title" if n % 2 else ""))
    with open(d + "/org.conf", "w") as f:
        f.write("\n".join(out) + "\n")
    with open(d + "/mp.conf", "w") as f:
        f.write("[domains]\ninternal = %s\nsemi-internal = %s\n"
                "[orgsync]\norg-conf = %s/org.conf\ndir = %s/snap\n"
                "[ccguard]\nsnapshot = %s/snap/current\n" % (
                    ";".join(org.internal), ";".join(org.semi), d, d, d))
        if org.exempt_senders:
            f.write("exempt-senders = %s\n" % ";".join(org.exempt_senders))
    return lines


def recase(rng, addr):
    if rng.random() < 0.2:
        return addr.upper()
    return addr


def gen_messages(org, model, rng, n):
    """(sender, to, cc, bcc) tuples: senders from the export, unknown
    ones and exempt ones; recipients a mix of colleagues, superiors,
    the sender, fallback addresses, semi-internal and external ones."""
    people = sorted(model.people)
    fbs = [a for _, _, aa in org.fb_units for a in aa] + \
        [a for aa in org.fb_titles.values() for a in aa]
    msgs = []
    for i in range(n):
        r = rng.random()
        if r < 0.88:
            s = model.people[rng.choice(people)]["email"]
        elif r < 0.94:
            s = "ghost%d@%s" % (i, DOMAIN)
        elif r < 0.98:
            s = "p%d9@%s" % (rng.randint(0, 9), DOMAIN)
        else:
            s = None            # no From: unknown-sender
        s = recase(rng, s) if s else s
        rc = []
        for _ in range(rng.choice([0, 1, 1, 1, 2])):
            rc.append(rng.choice(["client%d@customer.example" % i,
                                  "x@partner.example", "y@Partner.Example"]))
        if rng.random() < 0.2:
            rc.append("a@group.example.jp")
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            rc.append(model.people[rng.choice(people)]["email"])
        if key_in(model, s) and rng.random() < 0.45:
            sups = model.superiors(s.lower())
            if sups:
                rc.append(rng.choice(sups)[0])
        if s and rng.random() < 0.2:
            rc.append(s)
        if fbs and rng.random() < 0.08:
            rc.append(rng.choice(fbs))
        if rng.random() < 0.05:
            rc.append("nobody%d@%s" % (i, DOMAIN))
        rc = [recase(rng, a) for a in rc]
        if not rc:
            rc = ["client@customer.example"]
        rng.shuffle(rc)
        cut = rng.randint(1, len(rc))
        bcc = []
        if key_in(model, s) and rng.random() < 0.1:
            sups = model.superiors(s.lower())
            if sups:
                bcc.append(sups[0][0])
        msgs.append((s, rc[:cut], rc[cut:], bcc))
    return msgs


def key_in(model, s):
    return s is not None and s.lower() in model.people


def write_mbox(msgs, path):
    box = mailbox.mbox(path, create=True)
    for i, (s, to, cc, bcc) in enumerate(msgs):
        m = Message()           # compat32: the default policy is slow
        if s:
            m["From"] = formataddr(("Sender %d" % i, s)) if i % 3 else s
        m["To"] = ", ".join(to)
        if cc:
            m["Cc"] = ", ".join(cc)
        if bcc:
            m["Bcc"] = ", ".join(bcc)
        m["Subject"] = "model %d" % i
        m["Message-ID"] = "<model-%d@%s>" % (i, DOMAIN)
        m["MIME-Version"] = "1.0"
        m["Content-Type"] = "text/plain; charset=us-ascii"
        m.set_payload("body %d\n" % i)
        box.add(m)
    box.flush()
    box.close()
