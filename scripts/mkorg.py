#!/usr/bin/env python3
"""mkorg.py - a large, deterministic org for benchmarking mp-orgsync and mp-ccguard

usage: scripts/mkorg.py OUTDIR [--people N] [--posts N] [--units N]
                        [--seed S] [--domain D] [--messages N]

Writes, from nothing but the seed (the same arguments give the same bytes):

  OUTDIR/org.conf       the rules, in the vocabulary of testdata/org/org.conf:
                        [org] levels division;department;section;unit,
                        exempt titles 01;02; a call-centre pattern (900 and
                        below) where 30 heads a department and 40 a section,
                        with special title 15, peers and exempt title 99; a
                        default pattern; [fallback] by unit and by title
  OUTDIR/hr.csv         the HR export (UTF-8, header row with the default
                        column names): N people, N posts (primary and
                        concurrent rows), N org units counted over all four
                        levels, with units that have no head, departments
                        without sections, sections without a department,
                        posts held directly by a department or division,
                        acting heads on concurrent posts, directors who
                        head a division on a concurrent post
  OUTDIR/hr2.csv        the next morning's export: about 1 % joined, 1 %
                        left (heads among them, some replaced by a member
                        promoted on the spot), 2 % moved, 1 % title changes
  OUTDIR/msg.eml        one small message that passes: a unit member writes
                        to one external address with a superior in Cc
  OUTDIR/msg-refuse.eml the same sender with only a colleague of the same
                        unit in Cc: refused, no-superior
  OUTDIR/messages.mbox  N messages (default 20000) from the people of
                        hr2.csv: superior in Cc, colleague only, another
                        division only, external only, internal only,
                        sender not in the export
  OUTDIR/messages.expect  the verdict each message should get under
                        hr2.csv, "VERDICT REASON" per line, in mbox order
  OUTDIR/stats.txt      what was generated, as "name value" lines

Defaults: 100,000 people, 150,000 posts (so 50,000 concurrent posts),
10,000 units, seed 1, domain example.co.jp, 20,000 messages.
The senders of the messages are people whom the churn leaves alone, so
msg.eml gets the same verdict against either snapshot.  The exports use
CRLF line ends, as exports from Windows HR systems do.
"""
import argparse
import base64
import csv
import email.header
import io
import os
import random
import sys

LEVELS = ("division", "department", "section", "unit")

# Title codes.  The same code means different things in the two patterns:
# 30 heads a section by default and a department in the call centre; 40 is
# a plain member by default and heads a section in the call centre.
HEADS = {
    "default": ("10", "20", "30", "35"),
    "callcenter": (None, "20;30", "40", "45"),   # no division head there
}
MEMBERS = {"default": ("40", "50", "77"), "callcenter": ("50",)}
PRESIDENT, DIRECTOR = "01", "02"
FELLOW, SPECIAL, CC_EXEMPT = "77", "15", "99"
CALLCENTER = "900"

FAMILY = [
    ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"),
    ("田中", "tanaka"), ("伊藤", "ito"), ("渡辺", "watanabe"),
    ("山本", "yamamoto"), ("中村", "nakamura"), ("小林", "kobayashi"),
    ("加藤", "kato"), ("吉田", "yoshida"), ("山田", "yamada"),
    ("佐々木", "sasaki"), ("山口", "yamaguchi"), ("松本", "matsumoto"),
    ("井上", "inoue"), ("木村", "kimura"), ("林", "hayashi"),
    ("斎藤", "saito"), ("清水", "shimizu"), ("山崎", "yamazaki"),
    ("森", "mori"), ("池田", "ikeda"), ("橋本", "hashimoto"),
    ("阿部", "abe"), ("石川", "ishikawa"), ("山下", "yamashita"),
    ("中島", "nakajima"), ("石井", "ishii"), ("小川", "ogawa"),
    ("前田", "maeda"), ("岡田", "okada"), ("長谷川", "hasegawa"),
    ("藤田", "fujita"), ("後藤", "goto"), ("近藤", "kondo"),
    ("村上", "murakami"), ("遠藤", "endo"), ("青木", "aoki"),
    ("坂本", "sakamoto"), ("斉藤", "saito"), ("福田", "fukuda"),
    ("太田", "ota"), ("西村", "nishimura"), ("藤井", "fujii"),
    ("金子", "kaneko"), ("岡本", "okamoto"), ("藤原", "fujiwara"),
    ("中野", "nakano"), ("三浦", "miura"), ("原田", "harada"),
    ("中川", "nakagawa"), ("松田", "matsuda"), ("竹内", "takeuchi"),
    ("小野", "ono"), ("田村", "tamura"), ("中山", "nakayama"),
    ("和田", "wada"), ("石田", "ishida"), ("森田", "morita"),
    ("上田", "ueda"), ("原", "hara"), ("内田", "uchida"),
    ("柴田", "shibata"), ("酒井", "sakai"), ("宮崎", "miyazaki"),
    ("横山", "yokoyama"), ("高木", "takagi"), ("安藤", "ando"),
    ("宮本", "miyamoto"), ("大野", "ohno"), ("小島", "kojima"),
    ("谷口", "taniguchi"), ("今井", "imai"), ("工藤", "kudo"),
    ("高田", "takada"), ("増田", "masuda"), ("丸山", "maruyama"),
    ("杉山", "sugiyama"), ("村田", "murata"), ("大塚", "otsuka"),
    ("小山", "koyama"), ("藤本", "fujimoto"), ("平野", "hirano"),
    ("新井", "arai"), ("河野", "kono"), ("上野", "ueno"),
    ("武田", "takeda"), ("野口", "noguchi"), ("松井", "matsui"),
    ("千葉", "chiba"), ("岩崎", "iwasaki"), ("菅原", "sugawara"),
    ("木下", "kinoshita"), ("久保", "kubo"), ("佐野", "sano"),
    ("野村", "nomura"), ("松尾", "matsuo"), ("菊地", "kikuchi"),
    ("杉本", "sugimoto"), ("市川", "ichikawa"), ("古川", "furukawa"),
    ("大西", "onishi"), ("島田", "shimada"), ("水野", "mizuno"),
    ("桜井", "sakurai"), ("高野", "takano"), ("渡部", "watabe"),
    ("吉川", "yoshikawa"), ("山内", "yamauchi"), ("西田", "nishida"),
    ("飯田", "iida"), ("西川", "nishikawa"), ("小松", "komatsu"),
    ("北村", "kitamura"), ("安田", "yasuda"), ("五十嵐", "igarashi"),
    ("川口", "kawaguchi"), ("平田", "hirata"), ("関", "seki"),
    ("中田", "nakata"), ("久保田", "kubota"), ("東", "higashi"),
    ("服部", "hattori"), ("川崎", "kawasaki"), ("岩田", "iwata"),
    ("辻", "tsuji"), ("髙橋", "takahashi"), ("吉﨑", "yoshizaki"),
]
GIVEN = [
    ("翔", "sho"), ("蓮", "ren"), ("大翔", "hiroto"), ("陽翔", "haruto"),
    ("湊", "minato"), ("悠真", "yuma"), ("健", "ken"), ("誠", "makoto"),
    ("亮", "ryo"), ("直樹", "naoki"), ("大輔", "daisuke"),
    ("拓也", "takuya"), ("健太", "kenta"), ("翔太", "shota"),
    ("一郎", "ichiro"), ("太郎", "taro"), ("修", "osamu"),
    ("剛", "tsuyoshi"), ("聡", "satoshi"), ("学", "manabu"),
    ("浩", "hiroshi"), ("隆", "takashi"), ("勝", "masaru"),
    ("茂", "shigeru"), ("清", "kiyoshi"), ("和也", "kazuya"),
    ("達也", "tatsuya"), ("哲也", "tetsuya"), ("雄一", "yuichi"),
    ("康介", "kosuke"), ("俊介", "shunsuke"), ("慎吾", "shingo"),
    ("淳", "jun"), ("豊", "yutaka"), ("稔", "minoru"), ("進", "susumu"),
    ("悟", "satoru"), ("純一", "junichi"), ("正人", "masato"),
    ("秀樹", "hideki"), ("智也", "tomoya"), ("翼", "tsubasa"),
    ("颯太", "sota"), ("陸", "riku"), ("樹", "itsuki"), ("匠", "takumi"),
    ("海斗", "kaito"), ("大和", "yamato"), ("駿", "shun"),
    ("光", "hikaru"), ("花子", "hanako"), ("恵", "megumi"),
    ("美咲", "misaki"), ("恵子", "keiko"), ("愛", "ai"), ("彩", "aya"),
    ("舞", "mai"), ("優", "yu"), ("望", "nozomi"), ("陽菜", "hina"),
    ("結衣", "yui"), ("葵", "aoi"), ("さくら", "sakura"),
    ("美穂", "miho"), ("真由美", "mayumi"), ("由美子", "yumiko"),
    ("裕子", "yuko"), ("久美子", "kumiko"), ("直美", "naomi"),
    ("明美", "akemi"), ("智子", "tomoko"), ("陽子", "yoko"),
    ("幸子", "sachiko"), ("京子", "kyoko"), ("真理子", "mariko"),
    ("理恵", "rie"), ("沙織", "saori"), ("香織", "kaori"),
    ("千尋", "chihiro"), ("瞳", "hitomi"), ("遥", "haruka"),
    ("七海", "nanami"), ("美月", "mizuki"), ("杏", "an"), ("芽衣", "mei"),
    ("莉子", "riko"), ("凛", "rin"), ("結菜", "yuna"), ("美羽", "miu"),
    ("紗希", "saki"), ("奈々", "nana"), ("綾乃", "ayano"),
    ("瑞穂", "mizuho"), ("英樹", "eiki"), ("﨑子", "sakiko"),
]
SUBJECTS = ["お見積りの件", "打ち合わせ日程のご相談", "資料送付のご連絡",
            "契約更新について", "ご請求書の送付", "議事録の共有",
            "Re: 納期のご確認", "仕様変更のお願い", "Quarterly report",
            "訪問のお礼"]
PARTNERS = ["customer.example", "partner.example.net", "client.example.org",
            "vendor.example.com", "gmail.example"]


class Unit:
    __slots__ = ("idx", "level", "code", "parent", "codes", "path", "cc",
                 "children", "headless")

    def __init__(self, idx, level, code, parent):
        self.idx, self.level, self.code, self.parent = idx, level, code, parent
        codes = list(parent.codes) if parent else ["", "", "", ""]
        codes[level] = code
        self.codes = tuple(codes)
        self.path = "/".join(c for c in codes if c)
        self.cc = codes[0] == CALLCENTER
        self.children = []
        self.headless = False
        if parent:
            parent.children.append(self)

    def pattern(self):
        return "callcenter" if self.cc else "default"

    def head_titles(self):
        t = HEADS[self.pattern()][self.level]
        return t.split(";") if t else []

    def chain(self):
        u = self
        while u is not None:
            yield u
            u = u.parent


class Person:
    __slots__ = ("idx", "eid", "email", "name", "roman", "posts")

    def __init__(self, idx, eid, email, name, roman):
        self.idx, self.eid, self.email, self.name = idx, eid, email, name
        self.roman = roman
        self.posts = []     # [unit, title, primary]

    def primary(self):
        return next(p for p in self.posts if p[2])


def die(msg):
    sys.stderr.write("mkorg.py: %s\n" % msg)
    sys.exit(64)


class Org:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.units = []
        self.people = []
        self.emails = set()
        self.eids = set()
        self.fallback_units = []    # (path, address)
        self.stats = {}
        self.next_idx = 0

    # --- people -----------------------------------------------------
    def new_person(self, keep=True):
        rng = self.rng
        fam, froman = rng.choice(FAMILY)
        giv, groman = rng.choice(GIVEN)
        base = "%s.%s" % (groman, froman)
        n, local = 1, base
        while "%s@%s" % (local, self.a.domain) in self.emails:
            n += 1
            local = "%s%d" % (base, n)
        addr = "%s@%s" % (local, self.a.domain)
        self.emails.add(addr)
        if rng.random() < 0.01:     # as some HR systems spell them
            addr = local.capitalize() + "@" + self.a.domain.upper()
        while True:
            eid = "%07d" % rng.randrange(1000000, 9999999)
            if eid not in self.eids:
                break
        self.eids.add(eid)
        sep = "\u3000" if rng.random() < 0.1 else " "
        p = Person(self.next_idx, eid, addr, fam + sep + giv,
                   "%s %s" % (froman.capitalize(), groman.capitalize()))
        self.next_idx += 1
        if keep:
            self.people.append(p)
        return p

    # --- the tree -----------------------------------------------------
    def unit(self, level, code, parent):
        u = Unit(len(self.units), level, code, parent)
        self.units.append(u)
        return u

    def build_tree(self):
        a, rng = self.a, self.rng
        ndiv = max(4, round(a.units / 500))
        ndept = max(2 * ndiv, round(a.units * 0.06))
        nsec = max(ndept, round(a.units * 0.25))
        nleaf = a.units - ndiv - ndept - nsec
        if nleaf < 2:
            die("--units %d is too few (at least %d)" %
                (a.units, ndiv + ndept + nsec + 2))
        codes = (c for c in range(100, 10 ** 6, 10) if c != int(CALLCENTER))
        self.exec_office = self.unit(0, "010", None)
        self.callcenter = self.unit(0, CALLCENTER, None)
        divs = [self.unit(0, str(next(codes)), None) for _ in range(ndiv - 2)]
        self.default_divs = divs
        # the last division has no head: its people fall back on
        # [fallback] unit.DIV once the chain runs out
        divs[-1].headless = True
        self.fallback_units.append((divs[-1].path, "approver@" + a.domain))

        dcode = iter(range(1000, 10 ** 7))
        ncc = max(2, round(ndept * 0.1))
        depts = [self.unit(1, str(next(dcode)), self.callcenter)
                 for _ in range(ncc)]
        for i in range(ndept - ncc):
            depts.append(self.unit(1, str(next(dcode)), divs[i % len(divs)]))
        # departments without sections: units hang straight under them
        nflat = max(1, round(len(depts) * 0.05))
        flat = set(rng.sample(range(ncc, len(depts)), nflat))
        normal = [d for i, d in enumerate(depts) if i not in flat]
        flat = [depts[i] for i in sorted(flat)]

        scode = iter(range(10000, 10 ** 8))
        secs = []
        # sections without a department (the level is missing)
        for i in range(max(1, round(nsec * 0.01))):
            secs.append(self.unit(2, str(next(scode)), divs[i % len(divs)]))
        while len(secs) < nsec:
            k = len(secs)
            parent = normal[k % len(normal)] if k < len(normal) * 2 \
                else rng.choice(normal)
            secs.append(self.unit(2, str(next(scode)), parent))

        ucode = iter(range(100000, 10 ** 9))
        leaves = []
        for d in flat:
            leaves.append(self.unit(3, str(next(ucode)), d))
        while len(leaves) < nleaf:
            parent = rng.choice(flat) if rng.random() < 0.05 \
                else rng.choice(secs)
            leaves.append(self.unit(3, str(next(ucode)), parent))
        self.depts, self.secs, self.leaves = depts, secs, leaves

        # units without a head
        for group, share in ((depts, 0.02), (secs, 0.05), (leaves, 0.08)):
            for u in rng.sample(group, max(1, round(len(group) * share))):
                u.headless = True
        # a department without a head in the headless division: its
        # people go straight to the fallback; and one with its own
        dd = [d for d in depts if d.parent is divs[-1]]
        if dd:
            dd[0].headless = True
            if len(dd) > 1:
                dd[1].headless = True
                self.fallback_units.append(
                    (dd[1].path, "approver-%s@%s" % (dd[1].code, a.domain)))
        # where members sit: every unit nothing hangs under, and some
        # departments and divisions directly (staff, fellows)
        self.places = [u for u in self.units
                       if not u.children and u.level > 0]
        self.stats.update(divisions=ndiv, departments=ndept, sections=nsec,
                          leaf_units=nleaf, flat_departments=len(flat))

    # --- posts --------------------------------------------------------
    def staff(self):
        a, rng = self.a, self.rng
        self.president = self.new_person()
        self.president.posts.append([self.exec_office, PRESIDENT, True])
        ndir = max(2, len(self.default_divs) // 2)
        self.directors = []
        for _ in range(ndir):
            p = self.new_person()
            p.posts.append([self.exec_office, DIRECTOR, True])
            self.directors.append(p)
        concurrent = 0
        heads = {}      # unit -> person with the primary head post
        acting = 0
        # heads, top down so that acting heads can come from the parent
        for u in self.units:
            if u is self.exec_office or u.headless:
                continue
            titles = u.head_titles()
            if not titles:
                continue
            title = rng.choice(titles)
            if u.level == 0 and u in self.default_divs and \
                    self.directors and rng.random() < 0.5:
                # a director heads the division on a concurrent post
                d = self.directors[len(heads) % len(self.directors)]
                d.posts.append([u, title, False])
                heads[u] = d
                concurrent += 1
                continue
            par = u.parent
            if u.level >= 2 and par in heads and rng.random() < 0.08:
                # acting head: the parent's head holds this post too
                h = heads[par]
                if not any(p[0] is u for p in h.posts):
                    h.posts.append([u, title, False])
                    heads[u] = h
                    concurrent += 1
                    acting += 1
                    continue
            h = self.new_person()
            h.posts.append([u, title, True])
            heads[u] = h
        self.heads = heads
        # the call centre's supervisors and quality staff; fellows
        nspecial = max(1, round(a.people * 0.00005))
        for _ in range(nspecial):
            self.new_person().posts.append([self.callcenter, SPECIAL, True])
        ccdepts = [d for d in self.depts if d.cc]
        for i in range(max(1, round(a.people * 0.0001))):
            self.new_person().posts.append(
                [ccdepts[i % len(ccdepts)], CC_EXEMPT, True])
        for i in range(max(1, round(a.people * 0.001))):
            self.new_person().posts.append(
                [self.default_divs[i % len(self.default_divs)], FELLOW, True])
        nmembers = a.people - len(self.people)
        if nmembers < len(self.places):
            die("--people %d is too few for %d units (at least %d)" %
                (a.people, a.units, len(self.people) + len(self.places)))
        # members: one in every place first, the rest weighted (the call
        # centre's units are large)
        weights = [rng.uniform(0.5, 1.5) * (3.0 if u.cc else 1.0)
                   for u in self.places]
        where = list(self.places)
        where += rng.choices(self.places, weights, k=nmembers - len(where))
        for u in where:
            if rng.random() < 0.02:     # staff of the department itself
                d = next((x for x in u.chain() if x.level == 1), None)
                u = d or u
            p = self.new_person()
            p.posts.append([u, self.member_title(u), True])
        # concurrent member posts (projects, secondments) up to --posts
        want = a.posts - a.people - concurrent
        if want < 0:
            die("--posts %d is too few: %d people already hold %d posts" %
                (a.posts, a.people, a.people + concurrent))
        pool = [p for p in self.people if p.posts[0][1] not in
                (PRESIDENT, DIRECTOR)]
        n = 0
        while n < want:
            p = pool[int(len(pool) * rng.random() ** 1.3)]
            u = rng.choice(self.places)
            if any(q[0] is u for q in p.posts):
                continue
            p.posts.append([u, self.member_title(u), False])
            n += 1
        rng.shuffle(self.people)
        self.stats.update(people=len(self.people),
                          posts=sum(len(p.posts) for p in self.people),
                          concurrent_posts=concurrent + want,
                          acting_heads=acting,
                          headless_units=sum(u.headless for u in self.units))

    def member_title(self, u):
        if u.cc:
            return "50"
        return "40" if self.rng.random() < 0.2 else "50"

    # --- the next morning ---------------------------------------------
    def churn(self):
        """hr2: the same people, some left, some joined, moved, retitled."""
        a, rng = self.a, self.rng
        n = len(self.people)
        people = [Person(p.idx, p.eid, p.email, p.name, p.roman)
                  for p in self.people]
        for p, q in zip(self.people, people):
            q.posts = [list(x) for x in p.posts]
        protected = {self.president.idx} | {d.idx for d in self.directors}
        touched = set(protected)
        candidates = [p for p in people if p.idx not in protected]

        left = rng.sample(candidates, round(n * 0.01))
        touched.update(p.idx for p in left)
        leaving = {p.idx for p in left}
        title_changes = 0
        promoted = 0
        # a head who leaves is often replaced by a member of the unit
        members_of = {}
        for p in people:
            u, t, prim = p.primary()
            if t in MEMBERS[u.pattern()] and t != FELLOW:
                members_of.setdefault(u.idx, []).append(p)
        for p in left:
            for u, t, prim in p.posts:
                if t not in u.head_titles() or rng.random() < 0.3:
                    continue
                cand = [m for m in members_of.get(u.idx, [])
                        if m.idx not in touched]
                if cand:
                    m = rng.choice(cand)
                    m.primary()[1] = rng.choice(u.head_titles())
                    touched.add(m.idx)
                    title_changes += 1
                    promoted += 1
        people = [p for p in people if p.idx not in leaving]

        def plain_members():
            return [p for p in people if p.idx not in touched and
                    p.primary()[1] in ("40", "50")]

        moved = rng.sample(plain_members(), round(n * 0.02))
        for p in moved:
            touched.add(p.idx)
            post = p.primary()
            while True:
                u = rng.choice(self.places)
                if u is not post[0] and not any(q[0] is u for q in p.posts):
                    break
            post[0] = u
            if u.cc or post[1] not in MEMBERS[u.pattern()]:
                post[1] = "50"
        retitle = [p for p in plain_members() if not p.primary()[0].cc]
        for p in rng.sample(retitle, max(0, round(n * 0.01) - title_changes)):
            touched.add(p.idx)
            post = p.primary()
            post[1] = "50" if post[1] == "40" else "40"
            title_changes += 1

        joined = []
        for _ in range(round(n * 0.01)):
            p = self.new_person(keep=False)     # not in hr.csv
            u = rng.choice(self.places)
            p.posts.append([u, self.member_title(u), True])
            joined.append(p)
            touched.add(p.idx)
        people += joined
        self.people2 = people
        self.touched = touched
        self.stats.update(hr2_people=len(people),
                          hr2_posts=sum(len(p.posts) for p in people),
                          joined=len(joined), left=len(left),
                          moved=len(moved), title_changes=title_changes,
                          promoted_heads=promoted)

    # --- output -------------------------------------------------------
    def write_csv(self, path, people):
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(["employee_id", "email", "name", *LEVELS, "title",
                        "concurrent"])
            for p in sorted(people, key=lambda p: p.eid):
                for u, t, prim in sorted(p.posts, key=lambda x: not x[2]):
                    w.writerow([p.eid, p.email, p.name, *u.codes, t,
                                "0" if prim else "1"])

    def write_conf(self, path):
        a = self.a
        fb = "\n".join("unit.%s = %s" % x for x in self.fallback_units)
        text = f"""\
# org.conf - generated by scripts/mkorg.py (seed {a.seed}): {a.people} people,
# {a.posts} posts, {a.units} units.  The vocabulary of testdata/org/org.conf.

[org]
levels = division;department;section;unit
exempt-titles = {PRESIDENT};{DIRECTOR}                       # president, directors
unknown-sender = reject
sender-posts = primary
chain = yes

# The call centre: 30 heads a department here (a section elsewhere), 40
# heads a section (a plain member elsewhere).  No division head: the
# supervisors (15) count for every post of 900.
[pattern callcenter]
units = {CALLCENTER};{CALLCENTER}/*
head.department = 20;30
head.section = 40
head.unit = 45
special = {SPECIAL}
peers = department
exempt-titles = {CC_EXEMPT}
members = 50

[pattern default]
units = *
head.division = 10
head.department = 20
head.section = 30
head.unit = 35
members = 40;50;{FELLOW}

[fallback]
{fb}
title.{FELLOW} = fellows-office@{a.domain}
title.10 = {self.president.email}                   # division heads Cc the president
"""
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    # --- messages -----------------------------------------------------
    def index(self, people):
        heads, specials = {}, {}
        for p in people:
            for u, t, prim in p.posts:
                if t in u.head_titles():
                    heads.setdefault(u.idx, []).append(p)
                if u.cc and t == SPECIAL:
                    specials.setdefault(u.codes[0], []).append(p)
        return heads, specials

    def superiors(self, p, heads, specials):
        """The superiors of a plain member's primary post (chain = yes)."""
        u = p.primary()[0]
        sups = []
        for x in u.chain():
            sups += [h for h in heads.get(x.idx, []) if h is not p]
        sups += [s for s in specials.get(u.codes[0], []) if s is not p]
        seen, out = set(), []
        for s in sups:
            if s.idx not in seen:
                seen.add(s.idx)
                out.append(s)
        return out

    def messages(self, outdir):
        a, rng = self.a, self.rng
        people = self.people2
        heads, specials = self.index(people)
        divisions = {p.idx: {u.codes[0] for u, _, _ in p.posts}
                     for p in people}
        by_place = {}
        for p in people:
            by_place.setdefault(p.primary()[0].idx, []).append(p)
        # senders: untouched plain members with superiors and colleagues
        senders = []
        for p in people:
            if p.idx in self.touched or p.primary()[1] not in ("40", "50"):
                continue
            sups = self.superiors(p, heads, specials)
            if sups:
                senders.append((p, sups))
        if not senders:
            die("no plain member with a superior to send mail")
        supset = {}

        def colleague(p, sups):
            ids = supset.setdefault(p.idx, {s.idx for s in sups})
            mates = [m for m in by_place.get(p.primary()[0].idx, [])
                     if m is not p and m.idx not in ids and
                     m.primary()[1] in ("40", "50")]
            return rng.choice(mates) if mates else None

        def stranger(p, sups):
            mine = divisions[p.idx]
            for _ in range(50):
                q = rng.choice(people)
                if q is not p and not (divisions[q.idx] & mine) and \
                        q.idx not in {s.idx for s in sups}:
                    return q
            return None

        def ext():
            return "%s%d@%s" % (rng.choice(("info", "sales", "tanaka",
                                            "j.smith", "contact")),
                                rng.randrange(1, 999), rng.choice(PARTNERS))

        # the single message: the sender with the longest chain, so the
        # verdict looks up the most superiors
        senders.sort(key=lambda s: (-len(s[1]), s[0].eid))
        single = None
        for p, sups in senders[:200]:
            if colleague(p, sups) is not None:
                single = (p, sups)
                break
        if single is None:
            single = senders[0]
        p, sups = single
        rng.shuffle(senders)
        with open(os.path.join(outdir, "msg.eml"), "wb") as f:
            f.write(self.message(p, [ext()], [sups[0]], 0,
                                 "pass superior-present", mbox=False))
        mate = colleague(p, sups)
        if mate is not None:
            with open(os.path.join(outdir, "msg-refuse.eml"), "wb") as f:
                f.write(self.message(p, [ext()], [mate], 0,
                                     "refuse no-superior", mbox=False))

        counts = {}
        with open(os.path.join(outdir, "messages.mbox"), "wb") as mb, \
                open(os.path.join(outdir, "messages.expect"), "w") as ex:
            for i in range(a.messages):
                p, sups = senders[i % len(senders)]
                r = rng.random()
                to = [ext() for _ in range(rng.choice((1, 1, 1, 2, 3)))]
                cc = []
                if r < 0.60:
                    cc = [rng.choice(sups)]
                    expect = "pass superior-present"
                    if rng.random() < 0.3:
                        to.append(cc.pop())
                elif r < 0.72:
                    m = colleague(p, sups)
                    if m is None:
                        cc, expect = [rng.choice(sups)], "pass superior-present"
                    else:
                        cc, expect = [m], "refuse no-superior"
                elif r < 0.80:
                    q = stranger(p, sups)
                    if q is None:
                        cc, expect = [rng.choice(sups)], "pass superior-present"
                    else:
                        cc, expect = [q], "refuse no-related-recipient"
                elif r < 0.88:
                    expect = "refuse no-internal-recipient"
                elif r < 0.96:
                    to = [rng.choice(people) for _ in range(2)]
                    expect = "pass no-external"
                else:
                    expect = "refuse unknown-sender"
                    p = None
                counts[expect] = counts.get(expect, 0) + 1
                mb.write(self.message(p, to, cc, i + 1, expect, mbox=True))
                ex.write(expect + "\n")
        for k, v in sorted(counts.items()):
            self.stats["messages:" + k.replace(" ", "/")] = v

    def message(self, sender, to, cc, n, expect, mbox):
        a, rng = self.a, self.rng

        def addr(x):
            if isinstance(x, str):
                return x
            name = email.header.Header(x.name, "utf-8").encode()
            return "%s <%s>" % (name, x.email)

        if sender is None:
            frm = "%s <former.%d@%s>" % ("Taro Yamada", n, a.domain)
            envelope = "former.%d@%s" % (n, a.domain)
        else:
            frm, envelope = addr(sender), sender.email
        day = 1 + n % 28
        hh, mm = 8 + n % 10, n % 60
        subject = email.header.Header(rng.choice(SUBJECTS), "utf-8").encode()
        body = ("お世話になっております。\n資料を添付いたします。\n"
                "よろしくお願いいたします。\n")
        lines = []
        if mbox:
            lines.append("From %s Mon Jan %2d %02d:%02d:00 2024" %
                         (envelope, day, hh, mm))
        lines.append("From: " + frm)
        lines.append("To: " + ",\n ".join(addr(x) for x in to))
        if cc:
            lines.append("Cc: " + ",\n ".join(addr(x) for x in cc))
        lines += [
            "Subject: " + subject,
            "Date: Mon, %02d Jan 2024 %02d:%02d:00 +0900" % (day, hh, mm),
            "Message-ID: <bench-org-%d@%s>" % (n, a.domain),
            "X-Expect: " + expect,
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
            base64.encodebytes(body.encode()).decode().rstrip("\n"),
            "",
        ]
        if mbox:
            lines.append("")
        return "\n".join(lines).encode()


def main():
    ap = argparse.ArgumentParser(
        description="Generate a large org (HR export, org.conf, the next "
        "day's export, messages) for scripts/bench-org.")
    ap.add_argument("outdir")
    ap.add_argument("--people", type=int, default=100000)
    ap.add_argument("--posts", type=int, default=150000)
    ap.add_argument("--units", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--domain", default="example.co.jp")
    ap.add_argument("--messages", type=int, default=20000)
    a = ap.parse_args()
    if a.people < 1 or a.posts < a.people or a.units < 1 or a.messages < 0:
        die("need --people >= 1, --posts >= --people, --units >= 1, "
            "--messages >= 0")
    os.makedirs(a.outdir, exist_ok=True)
    org = Org(a)
    org.build_tree()
    org.staff()
    org.write_conf(os.path.join(a.outdir, "org.conf"))
    org.write_csv(os.path.join(a.outdir, "hr.csv"), org.people)
    org.churn()
    org.write_csv(os.path.join(a.outdir, "hr2.csv"), org.people2)
    org.messages(a.outdir)
    with open(os.path.join(a.outdir, "stats.txt"), "w") as f:
        for k, v in org.stats.items():
            f.write("%s %s\n" % (k, v))


if __name__ == "__main__":
    main()
