"""orgmodel.py - the org rules of mp-org.conf(5) and the verdicts of
mp-ccguard(1), written again from the pages alone

This is the reference the model test holds mp against.  It knows nothing
of how mp does it: every rule below is a sentence of mp-org.conf(5),
mp-ccguard(1) or mp-orgsync(1), cited where it is applied.  An
organisation is given as plain data (see Org); the generator writes the
same data as an HR export and an org.conf for mp.
"""
import re
from dataclasses import dataclass, field


@dataclass
class Pattern:
    name: str
    units: list                 # of (level index or None, glob)
    roles: dict                 # title -> ("head", level) | "special" |
                                # "exempt" | "member"
    peers: list = field(default_factory=list)   # level indexes


@dataclass
class Row:
    id: str
    email: str
    name: str
    codes: list                 # one per level, "" when empty
    title: str
    primary: bool


@dataclass
class Org:
    levels: list
    exempt: list                # [org] exempt-titles
    unknown_pass: bool
    any_post: bool
    chain: bool
    patterns: list
    fb_units: list              # of (level index or None, path, addrs)
    fb_titles: dict             # title -> addrs
    rows: list
    internal: list              # [domains] of mp.conf
    semi: list
    exempt_senders: list        # [ccguard] exempt-senders globs
    clash: list = field(default_factory=list)   # rows that make two
                                # units of one level share a unit path
    unnamed: tuple = None       # (row, title) its pattern does not name
    style: dict = field(default_factory=dict)   # how the export is written


def glob_re(glob, fold=False):
    """mp-org.conf(5) units: '*' any string including '/', '?' any one
    character, nothing else special."""
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c)
                 for c in glob)
    return re.compile(rx, re.S | (re.I if fold else 0))


def path_clashes(levels, rows):
    """The lines of the export (1 is the header) of posts whose unit, or
    a unit above it, has the unit path and level of another unit: two
    units of one level cannot share a unit path (mp-org.conf(5))."""
    seen, out = {}, set()
    for n, r in enumerate(rows):
        for lv in range(len(levels)):
            if not r.codes[lv]:
                continue
            k = (lv, "/".join(c for c in r.codes[:lv + 1] if c))
            first = seen.setdefault(k, r.codes[:lv + 1])
            if first != r.codes[:lv + 1]:
                out.add(n + 2)
    return out


def key(addr):
    """Addresses are compared without regard to case."""
    return addr.lower()


@dataclass
class Post:
    row: int
    person: str                 # address key
    codes: list
    title: str
    primary: bool
    level: int                  # of its most junior non-empty code
    unit: tuple                 # (level, path)
    pattern: int
    role: object
    headed: tuple = None        # the unit it heads, or None
    head_level: int = -1


class Model:
    def __init__(self, org):
        self.o = org
        self.posts = []
        self.people = {}        # key -> dict(email, name, posts)
        self.units = {}         # (level, path) -> dict(parent, heads)
        for i, r in enumerate(org.rows):
            self._post(i, r)
        for k, p in self.people.items():
            p["posts"].sort(key=lambda n: (not self.posts[n].primary, n))

    # -- units and posts ------------------------------------------------
    def path(self, codes, level):
        """A unit path: its non-empty org codes, most senior first,
        joined by '/'."""
        return "/".join(c for c in codes[:level + 1] if c)

    def unit_of(self, codes, level):
        """The unit of a post's codes at a level; the units above it are
        those of its more senior non-empty codes, a level whose code is
        empty is skipped."""
        u = (level, self.path(codes, level))
        if u not in self.units:
            parent = None
            for i in range(level - 1, -1, -1):
                if codes[i]:
                    parent = self.unit_of(codes, i)
                    break
            self.units[u] = {"parent": parent, "heads": [], "members": [],
                             "codes": list(codes[:level + 1]) + [""] * (
                                 len(codes) - level - 1)}
        return u

    def pattern_for(self, path, level):
        """The first pattern, in the order of the file, one of whose
        units globs matches the unit path; LEVEL:glob only at that
        level."""
        for n, pat in enumerate(self.o.patterns):
            for lv, g in pat.units:
                if (lv is None or lv == level) and glob_re(g).fullmatch(path):
                    return n
        return None

    def role(self, pattern, title):
        if title in self.o.exempt:
            return "exempt"
        return self.o.patterns[pattern].roles.get(title)

    def _post(self, i, r):
        level = max(n for n, c in enumerate(r.codes) if c)
        unit = self.unit_of(r.codes, level)
        pat = self.pattern_for(unit[1], level)
        assert pat is not None, "the generator lets every post match"
        role = self.role(pat, r.title)
        assert role is not None, "the generator names every title"
        k = key(r.email)
        p = Post(i, k, r.codes, r.title, r.primary, level, unit, pat, role)
        # A post whose title heads a level heads the unit of its codes at
        # that level; without a code at that level it heads nothing.
        if isinstance(role, tuple) and r.codes[role[1]]:
            p.head_level = role[1]
            p.headed = self.unit_of(r.codes, role[1])
            self.units[p.headed]["heads"].append(i)
        self.units[unit]["members"].append(i)
        self.posts.append(p)
        person = self.people.setdefault(k, {"email": r.email, "name": "",
                                            "posts": []})
        person["posts"].append(i)
        if r.primary:
            # "The name of the primary row is used."
            person["name"] = r.name

    def up(self, unit):
        while unit is not None:
            yield unit
            unit = self.units[unit]["parent"]

    def division(self, post):
        """The org code at the first level; "" is the division without a
        code, one division for every rule."""
        return post.codes[0]

    # -- superiors of one post -----------------------------------------
    def heads(self, post, self_key):
        """Heads: from the post's own unit (a member) or from one unit
        above the unit it heads (a head), up to the nearest unit with a
        head other than the sender; with chain = yes, every head further
        up too (higher up)."""
        out = []
        if post.headed is not None:
            start = self.units[post.headed]["parent"]
        else:
            start = post.unit
        found = False
        for u in self.up(start):
            hs = [h for h in self.units[u]["heads"]
                  if self.posts[h].person != self_key]
            if not hs:
                continue
            lvname = self.o.levels[u[0]]
            for h in hs:
                out.append((self.posts[h].person, "head of %s %s%s" % (
                    lvname, u[1], " (higher up)" if found else "")))
            if not found:
                found = True
                if not self.o.chain:
                    break
        return out

    def specials(self, post, self_key):
        """Every holder of a special title in the post's division, the
        title special by the pattern of the holder's post; in the order
        of their rows."""
        out = []
        div = self.division(post)
        lv0 = self.o.levels[0]
        for q in self.posts:
            if q.role == "special" and self.division(q) == div and \
                    q.person != self_key:
                why = ("special title %s in %s %s" % (q.title, lv0, div)
                       if div else
                       "special title %s without a %s" % (q.title, lv0))
                out.append((q.person, why))
        return out

    def peers(self, post, self_key):
        """For a head of a unit at a level named by peers in the post's
        pattern: the heads of the other units at that level in the same
        division, whatever their patterns, in the order of their rows."""
        out = []
        if post.headed is None or \
                post.head_level not in self.o.patterns[post.pattern].peers:
            return out
        for q in self.posts:
            if q.headed is None or q.headed == post.headed or \
                    q.head_level != post.head_level or \
                    self.division(q) != self.division(post) or \
                    q.person == self_key:
                continue
            out.append((q.person, "peer: head of %s %s" % (
                self.o.levels[q.head_level], q.headed[1])))
        return out

    def unit_fallback(self, unit):
        """The nearest unit from the post's own up with a unit.PATH entry;
        at one unit, one that names its level wins."""
        for u in self.up(unit):
            named = [e for e in self.o.fb_units
                     if e[1] == u[1] and e[0] == u[0]]
            plain = [e for e in self.o.fb_units
                     if e[1] == u[1] and e[0] is None]
            for e in named + plain:
                written = (self.o.levels[e[0]] + ":" + e[1]
                           if e[0] is not None else e[1])
                return [(key(a), "fallback for unit %s" % written)
                        for a in e[2]]
        return []

    def post_sups(self, post, self_key):
        cands = (self.heads(post, self_key) + self.specials(post, self_key)
                 + self.peers(post, self_key))
        if cands:
            return cands
        # A fallback only when heads, special titles and peers give the
        # post nobody but the sender; a fallback address that is the
        # sender's own is left out.
        fb = self.unit_fallback(post.unit)
        fb += [(key(a), "fallback for title %s" % post.title)
               for a in self.o.fb_titles.get(post.title, [])]
        return [c for c in fb if c[0] != self_key]

    # -- a person ----------------------------------------------------------
    def counting(self, k):
        """sender-posts: the primary post alone, or every post (primary
        first, then the concurrent ones in the order of the rows)."""
        posts = self.people[k]["posts"]
        return posts if self.o.any_post else posts[:1]

    def exempt(self, k):
        """An exempt title counts only on a post that counts."""
        return any(self.posts[n].role == "exempt" for n in self.counting(k))

    def superiors(self, k):
        """Listed once each, at the first place, with the reason found
        there."""
        out, seen = [], set()
        for n in self.counting(k):
            for a, why in self.post_sups(self.posts[n], k):
                if a not in seen:
                    seen.add(a)
                    out.append((a, why))
        return out

    def role_text(self, post):
        r = post.role
        if post.headed is not None:
            return "head of " + self.o.levels[post.head_level]
        if r == "special":
            return "special"
        if r == "exempt":
            return "exempt"
        return "member"

    def name_of(self, addr):
        p = self.people.get(key(addr))
        return p["name"] if p else ""

    # -- groups (mp-orgsync(1), the change set) -------------------------
    def groups(self):
        """Per unit: superiors, whom a plain member of the unit must have
        in To or Cc; members, who hold a post in the unit itself."""
        out = {}
        for u, U in self.units.items():
            virt = Post(-1, None, U["codes"], None, True, u[0], u, 0,
                        "member")
            sups = self.heads(virt, None) + self.specials(virt, None)
            if not sups:
                sups = self.unit_fallback(u)
            out[(u[1], self.o.levels[u[0]])] = (
                sorted({a for a, _ in sups}),
                sorted({self.posts[n].person for n in U["members"]}))
        return out

    # -- mp-ccguard(1) ---------------------------------------------------
    def domain_in(self, addr, domains):
        """A domain also matches its subdomains; case-folded."""
        d = addr.rsplit("@", 1)[-1].lower()
        return any(d == x.lower() or d.endswith("." + x.lower())
                   for x in domains)

    def verdict(self, sender, rcpts):
        """(verdict, reason, sender key or None, superiors, present) for
        a message from sender (or None) to the To and Cc addresses."""
        ext = [a for a in rcpts if not self.domain_in(a, self.o.internal)
               and not self.domain_in(a, self.o.semi)]
        self.external = len({key(a) for a in ext})
        if not ext:
            return ("pass", "no-external", None, [], [])
        if sender is not None and any(glob_re(g, True).fullmatch(sender)
                                      for g in self.o.exempt_senders):
            return ("pass", "exempt", sender, [], [])
        k = key(sender) if sender else None
        if k not in self.people:
            return ("pass" if self.o.unknown_pass else "refuse",
                    "unknown-sender", sender, [], [])
        if self.exempt(k):
            return ("pass", "exempt", sender, [], [])
        sups = self.superiors(k)
        rk = {key(a) for a in rcpts}
        present = [s for s in sups if s[0] in rk]
        if present:
            return ("pass", "superior-present", sender, sups, present)
        if not sups:
            return ("refuse", "no-superior-defined", sender, sups, [])
        internal = {key(a) for a in rcpts
                    if self.domain_in(a, self.o.internal)}
        if not internal:
            return ("refuse", "no-internal-recipient", sender, sups, [])
        others = internal - {k}
        if not others:
            return ("refuse", "only-self", sender, sups, [])
        # works in the sender's division: any post of theirs in one of the
        # divisions of the sender's posts that count by sender-posts
        sdivs = {self.posts[n].codes[0] for n in self.counting(k)}
        for a in others:
            if a in self.people and any(self.posts[n].codes[0] in sdivs
                                        for n in self.people[a]["posts"]):
                return ("refuse", "no-superior", sender, sups, [])
        return ("refuse", "no-related-recipient", sender, sups, [])
