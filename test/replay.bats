#!/usr/bin/env bats
# mp-policy --summary and --report: a policy replayed over an archive

load helper
bats_require_minimum_version 1.5.0

setup() {
	setup_tmp
	mkarchive "$TMP"
	rules
}

teardown() {
	teardown_tmp
}

# mkarchive DIR - DIR/a.mbox and DIR/a.maildir, the same 40 messages made
# by Python's email package (Dates over ten days of March 2024 with two
# of them missing, some with attachments, phone numbers, external
# recipients, a hostile subject), the Maildir with one more message that
# has no Date; and DIR/expect.json, what each rule below must catch,
# computed by Python from the mbox as it reads it
mkarchive() {
	python3 - "$1" <<'EOF'
import datetime, email.message, email.policy, email.utils, json, mailbox
import random, re, sys

d = sys.argv[1]
rnd = random.Random(7)
jst = datetime.timezone(datetime.timedelta(hours=9))
pool = ["a@example.com", "b@example.com", "c@sub.example.com",
        "x@partner.example.net", "y@client.example.org", "z@client.example.org"]
days = [1, 2, 3, 4, 5, 8, 9, 10]
msgs = []
for i in range(40):
    m = email.message.EmailMessage()
    m["From"] = "Person %d <person%d@example.com>" % (i % 5, i % 5)
    m["To"] = ", ".join(rnd.sample(pool, rnd.randint(1, 3)))
    if i % 4 == 1:
        m["Cc"] = ", ".join(rnd.sample(pool, rnd.randint(1, 2)))
    if i == 7:
        m["Subject"] = '<script>alert("pwned")</script> & <b>bold</b>'
    else:
        m["Subject"] = "見積書の件 %d" % i if i % 2 else "Report %d" % i
    t = datetime.datetime(2024, 3, rnd.choice(days), rnd.randint(0, 23),
                          rnd.randint(0, 59), tzinfo=jst)
    m["Date"] = email.utils.format_datetime(t)
    body = "BODYTEXT-SECRET-%d: the quarterly figures.\n" % i
    if i % 3 == 0:
        body += "電話 03-1234-%04d までお願いします。\n" % (1000 + i)
    m.set_content(body)
    if i % 5 == 2:
        m.add_attachment(b"ATTACHTEXT-SECRET figures\n", maintype="text",
                         subtype="plain", filename="notes.txt")
    msgs.append(m)

mb = mailbox.mbox(d + "/a.mbox")
for m in msgs:
    mb.add(m)
mb.close()
md = mailbox.Maildir(d + "/a.maildir")
for m in msgs:
    md.add(m)
nodate = email.message.EmailMessage()
nodate["From"] = "person1@example.com"
nodate["To"] = "x@partner.example.net"
nodate["Subject"] = "no date"
nodate.set_content("BODYTEXT-SECRET-nodate\n")
md.add(nodate)

# what the rules of mp.conf (see rules below) catch, message by message
internal = lambda a: a.split("@")[1] in ("example.com",) or \
    a.split("@")[1].endswith(".example.com")
phone = re.compile(r"0\d{1,4}-\d{1,4}-\d{4}")
verdicts = {"pass": 0, "reject": 0, "approve": 0, "confirm": 0, "hold": 0,
            "stagger": 0, "failed": 0}
rules = ["big-list", "external", "attachment", "phone", "weekend", "never"]
counts = {r: 0 for r in rules}
bydays = {r: {} for r in rules}
alldays = set()
subjects = {r: [] for r in rules}
n = 0
for m in mailbox.mbox(d + "/a.mbox", factory=lambda f: email.message_from_binary_file(
        f, policy=email.policy.default)):
    n += 1
    rcpts = {a.lower() for _, a in email.utils.getaddresses(
        m.get_all("To", []) + m.get_all("Cc", []))}
    ext = [a for a in rcpts if not internal(a)]
    atts = list(m.iter_attachments())
    text = m.get_body(("plain",)).get_content()
    t = email.utils.parsedate_to_datetime(m["Date"]).astimezone(jst)
    day = t.strftime("%Y-%m-%d")
    alldays.add(day)
    hit = {"big-list": len(rcpts) >= 4, "external": len(ext) >= 1,
           "attachment": len(atts) >= 1,
           "phone": len(set(phone.findall(text))) >= 1,
           "weekend": t.isoweekday() >= 6, "never": False}
    for r in rules:
        if hit[r]:
            counts[r] += 1
            bydays[r][day] = bydays[r].get(day, 0) + 1
            subjects[r].append(str(m["Subject"]))
    v = ("reject" if hit["big-list"] else "confirm" if hit["attachment"]
         else "hold" if hit["external"] else "pass")
    verdicts[v] += 1
first = datetime.date.fromisoformat(min(alldays))
last = datetime.date.fromisoformat(max(alldays))
span = [(first + datetime.timedelta(k)).isoformat()
        for k in range((last - first).days + 1)]
json.dump({"total": n, "verdicts": verdicts, "rules": rules,
           "counts": counts, "days": bydays, "span": span,
           "subjects": subjects}, open(d + "/expect.json", "w"),
          ensure_ascii=False)
EOF
}

# rules [LANG] - mp.conf with the rules mkarchive's oracle knows
rules() {
	write_conf "$TMP/mp.conf" <<EOF
[domains]
internal = example.com

[general]
time-zone = Asia/Tokyo

[policy]
time = date
lang = ${1:-ja}

[rule big-list]
if = recipients >= 4
action = reject
reason = 宛先が多すぎます
reason.en = too many recipients

[rule external]
if = external >= 1
action = hold 30m

[rule attachment]
if = attachments >= 1
action = confirm

[rule phone]
if = phone >= 1
action = tag [PII]

[rule weekend]
time = sat,sun
action = tag [weekend]

[rule never]
if = size > 100M
action = reject
EOF
	export MP_CONFIG=$TMP/mp.conf
}

# expect EXPR - a value of expect.json (d) as Python prints it
expect() {
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" \
	    "$TMP/expect.json"
}

# replay_status - the exit status of a replay: 1 when the oracle has a
# message rejected
replay_status() {
	if [ "$(expect 'd["verdicts"]["reject"]')" -gt 0 ]; then echo 1; else echo 0; fi
}

@test "replay: --summary counts verdicts and rules as Python does" {
	[ "$(expect 'd["counts"]["weekend"] > 0 and d["counts"]["phone"] > 0 and
	    d["counts"]["attachment"] > 0 and d["verdicts"]["reject"] > 0')" = True ]
	run --separate-stderr mp-policy --summary --mbox "$TMP/a.mbox"
	[ "$status" -eq "$(replay_status)" ]
	[ -z "$stderr" ]
	# a record a message, then the summary
	[ "$(grep -c "^$TMP/a.mbox:[0-9]*: " <<<"$output")" -eq 40 ]
	want=$(expect '"summary: total=%d " % d["total"] + " ".join(
	    "%s=%d" % (k, v) for k, v in d["verdicts"].items())')
	grep -qxF "$want" <<<"$output"
	for r in big-list external attachment phone weekend never; do
		grep -qx "rule $r: $(expect "d['counts']['$r']")" <<<"$output"
	done
	# the rules in file order, each with at most 3 examples
	got=$(sed -n 's/^rule \([^:]*\): .*/\1/p' <<<"$output" | tr '\n' ' ')
	[ "$got" = "big-list external attachment phone weekend never " ]
	n=$(sed -n '/^rule weekend:/,/^rule never:/p' <<<"$output" | grep -c '^  ')
	[ "$n" -eq 3 ]
	[ "$(sed -n '/^rule never:/,$p' <<<"$output" | grep -c '^  ')" -eq 0 ]
	# an example: source, date, sender, recipients, the decoded subject
	line=$(sed -n '/^rule attachment:/{n;p}' <<<"$output")
	[[ "$line" =~ ^\ \ $TMP/a.mbox:[0-9]+:\ date=2024-03-[0-9]{2}\ [0-9]{2}:[0-9]{2}\ from=person[0-4]@example.com\ to=[^\ ]+\ subject=.+$ ]]
	first=$(expect 'd["subjects"]["attachment"][0]')
	[[ "$line" == *"subject=$first" ]]
	refute grep -q SECRET <<<"$output"
}

@test "replay: --summary --json: counts and days as Python computes them" {
	run --separate-stderr mp-policy --summary --json --mbox "$TMP/a.mbox"
	[ "$status" -eq "$(replay_status)" ]
	[ "${#lines[@]}" -eq 41 ]
	python3 - "$TMP/expect.json" "${lines[40]}" <<'EOF'
import json, sys
want = json.load(open(sys.argv[1]))
got = json.loads(sys.argv[2])["summary"]
assert got["total"] == want["total"], got
for k, v in want["verdicts"].items():
    assert got[k] == v, (k, got[k], v)
assert [r["rule"] for r in got["rules"]] == want["rules"]
for r in got["rules"]:
    assert r["count"] == want["counts"][r["rule"]], r
    assert r["days"] == want["days"][r["rule"]], (r["days"], want["days"][r["rule"]])
    assert len(r["examples"]) == min(3, r["count"]), r
    for ex in r["examples"]:
        assert set(ex) == {"source", "date", "subject", "from", "recipients",
                           "more_recipients"}, ex
    subj = [ex["subject"] for ex in r["examples"]]
    assert subj == want["subjects"][r["rule"]][:3], (subj, r["rule"])
assert "SECRET" not in sys.argv[2]
EOF
}

# check_report FILE LANG - the page as Python's html.parser reads it
# against expect.json: a section per rule in file order with its count,
# an <svg> with one bar per day of the replay and the oracle's counts,
# examples with subject, sender and recipients; no script, no outside
# resource, no body or attachment text
check_report() {
	python3 - "$TMP/expect.json" "$1" "$2" <<'EOF'
import html.parser, json, sys

want = json.load(open(sys.argv[1]))
page = open(sys.argv[2], encoding="utf-8").read()

class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections, self.tags, self.cell, self.lang = [], [], None, None
        self.charset = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "meta" and a.get("charset", "").lower() == "utf-8":
            self.charset = True
        if tag == "section" and a.get("class") == "rule":
            self.sections.append({"rule": a["data-rule"],
                                  "count": int(a["data-count"]),
                                  "svgs": 0, "bars": [], "rows": [],
                                  "strong": None})
        s = self.sections[-1] if self.sections else None
        if s is None:
            return
        if tag == "svg":
            s["svgs"] += 1
        if tag == "rect" and a.get("class") == "bar":
            s["bars"].append((a["data-day"], int(a["data-count"])))
        if tag == "tr":
            s["rows"].append([])
        if tag == "td":
            self.cell = a.get("class")
            s["rows"][-1].append([self.cell, ""])
    def handle_endtag(self, tag):
        self.cell = None if tag == "td" else self.cell
    def handle_data(self, data):
        if self.cell is not None:
            self.sections[-1]["rows"][-1][-1][1] += data
        elif self.sections and self.get_starttag_text() == "<strong>":
            self.sections[-1]["strong"] = self.sections[-1]["strong"] or data

p = P()
p.feed(page)
p.close()
assert p.lang == sys.argv[3], p.lang
assert p.charset
for bad in ("script", "iframe", "img", "link", "object", "embed"):
    assert bad not in p.tags, bad
for bad in ("src=", "href=", "url(", "@import", "<script", "SECRET"):
    assert bad not in page, bad
assert page.count("http") == page.count('xmlns="http://www.w3.org/2000/svg"')
assert [s["rule"] for s in p.sections] == want["rules"], p.sections
for s in p.sections:
    r = s["rule"]
    assert s["count"] == want["counts"][r], s
    assert s["strong"] == str(want["counts"][r]), s
    assert s["svgs"] == 1, s
    assert [d for d, _ in s["bars"]] == want["span"], s["bars"]
    assert {d: n for d, n in s["bars"] if n} == want["days"][r], s["bars"]
    rows = [dict(row) for row in s["rows"] if row]
    assert len(rows) == min(20, want["counts"][r]), (r, len(rows))
    assert [row["subject"] for row in rows] == want["subjects"][r][:20]
    for row in rows:
        assert set(row) == {"date", "subject", "sender", "rcpts"}, row
        assert row["sender"].startswith("person"), row
        assert "@" in row["rcpts"], row
print("ok")
EOF
}

@test "replay: --report writes one page: per rule its count, a chart by day, examples" {
	run --separate-stderr mp-policy --report "$TMP/r.html" --mbox "$TMP/a.mbox"
	[ "$status" -eq "$(replay_status)" ]
	[ "$(stat -c %a "$TMP/r.html")" = 644 ]
	run check_report "$TMP/r.html" ja
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '再生レポート' "$TMP/r.html"
	rules en
	mp-policy --report "$TMP/r.html" --mbox "$TMP/a.mbox" >/dev/null || true
	run check_report "$TMP/r.html" en
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q 'replay report' "$TMP/r.html"
	# no temporary file left beside it
	[ "$(ls -A "$TMP" | grep -c '^\.r\.html')" -eq 0 ]
}

@test "replay: a hostile subject is text in the report, never markup" {
	mp-policy --report "$TMP/r.html" --mbox "$TMP/a.mbox" >/dev/null || true
	grep -qF '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;' \
	    "$TMP/r.html"
	refute grep -q '<script' "$TMP/r.html"
	refute grep -q '<b>' "$TMP/r.html"
}

@test "replay: no body or attachment text reaches the report or the summary" {
	grep -q BODYTEXT-SECRET "$TMP/a.mbox"
	# the attachment in base64, as Python wrote it
	grep -q "$(printf 'ATTACHTEXT-SECRET figures\n' | base64)" "$TMP/a.mbox"
	run --separate-stderr mp-policy --summary --json --report "$TMP/r.html" \
	    --mbox "$TMP/a.mbox"
	[ -s "$TMP/r.html" ]
	refute grep -q 'BODYTEXT-SECRET\|ATTACHTEXT-SECRET\|quarterly figures' \
	    "$TMP/r.html"
	refute grep -q 'SECRET' <<<"$output"
}

@test "replay: a report that cannot be written is an error; nothing is left" {
	run --separate-stderr mp-policy --report "$TMP/none/r.html" --mbox "$TMP/a.mbox"
	[ "$status" -eq 73 ]
	[[ "$stderr" == *"$TMP/none/"* ]]
	[ ! -e "$TMP/none" ]
}

# on_pty CMD... - CMD's standard error on a pseudo-terminal, its standard
# output in $TMP/out (BOTH=1: on the terminal too); prints what the
# terminal got
on_pty() {
	python3 - "$TMP/out" "$@" <<'EOF'
import os, pty, subprocess, sys
m, s = pty.openpty()
with open(sys.argv[1], "wb") as out:
    p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL,
                         stdout=s if os.environ.get("BOTH") else out,
                         stderr=s)
os.close(s)
got = b""
while True:
    try:
        chunk = os.read(m, 65536)
    except OSError:
        break
    if not chunk:
        break
    got += chunk
sys.stdout.write(repr(got.decode()))
sys.exit(p.wait())
EOF
}

@test "replay: progress on a terminal only, cleared at the end" {
	run --separate-stderr mp-policy --summary --mbox "$TMP/a.mbox"
	[ -z "$stderr" ]
	run on_pty mp-policy --summary --mbox "$TMP/a.mbox"
	echo "$output"
	[ "$status" -eq "$(replay_status)" ]
	[[ "$output" =~ \\r\\x1b\[Kreplay:\ [0-9]+\ messages,\ [0-9.]+\ MB/s,\ [0-9]+%,\ [0-9]+:[0-9]{2}\ left ]]
	[[ "$output" == *"\\r\\x1b[K'" ]]
	grep -qx "rule never: 0" "$TMP/out"
	# a Maildir: how many of how many files
	run on_pty mp-policy --summary --maildir "$TMP/a.maildir"
	echo "$output"
	[[ "$output" =~ replay:\ [0-9]+\ of\ 41\ messages ]]
	[[ "$output" == *"\\r\\x1b[K'" ]]
	# records on the same terminal: no line to write them into
	BOTH=1 run on_pty mp-policy --summary --mbox "$TMP/a.mbox"
	[[ "$output" == *"rule never: 0"* ]]
	[[ "$output" != *"replay:"* ]]
	[[ "$output" != *'\x1b'* ]]
	# one message alone: no progress
	run on_pty mp-policy --summary "$TMP/a.maildir/new/$(ls "$TMP/a.maildir/new" | head -1)"
	[ "$output" = "''" ]
}

@test "replay: --maildir; a message with no Date counts under unknown or as failed" {
	# the weekend rule needs the time: the Date-less message fails
	run --separate-stderr mp-policy --summary --json --maildir "$TMP/a.maildir"
	[ "$status" -eq 65 ]
	python3 - "$TMP/expect.json" "${lines[-1]}" <<'EOF'
import json, sys
want = json.load(open(sys.argv[1]))
got = json.loads(sys.argv[2])["summary"]
assert got["total"] == 41 and got["failed"] == 1, got
for k, v in want["verdicts"].items():
    if k != "failed":
        assert got[k] == v, (k, got[k], v)
for r in got["rules"]:
    assert r["count"] == want["counts"][r["rule"]], r
    assert r["days"] == want["days"][r["rule"]], r
EOF
	# without it, the message is judged and its day is unknown
	sed -i '/^\[rule weekend\]/,/^action = tag \[weekend\]/d' "$TMP/mp.conf"
	run --separate-stderr mp-policy --summary --json --report "$TMP/r.html" \
	    --maildir "$TMP/a.maildir"
	[ "$status" -eq "$(replay_status)" ]
	python3 - "$TMP/expect.json" "${lines[-1]}" <<'EOF'
import json, sys
want = json.load(open(sys.argv[1]))
got = json.loads(sys.argv[2])["summary"]
assert got["total"] == 41 and got["failed"] == 0, got
ext = [r for r in got["rules"] if r["rule"] == "external"][0]
assert ext["count"] == want["counts"]["external"] + 1, ext
assert ext["days"]["unknown"] == 1, ext
assert ext["examples"][0]["subject"] in want["subjects"]["external"] + ["no date"]
EOF
	# the chart's last bar is the unknown day
	n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["span"]) + 1)' \
	    "$TMP/expect.json")
	section=$(sed -n '/data-rule="external"/,/<\/section>/p' "$TMP/r.html")
	[ "$(grep -o 'class="bar"' <<<"$section" | wc -l)" -eq "$n" ]
	grep -q 'data-day="不明" data-count="1"' <<<"$section"
}

@test "replay: a message that cannot be read counts as failed" {
	# the mbox of 40 and one message over a 64K message-bytes limit
	python3 - "$TMP/a.mbox" <<'EOF'
import email.message, mailbox, sys
m = email.message.EmailMessage()
m["From"] = "big@example.com"
m["To"] = "x@partner.example.net"
m["Subject"] = "too big"
m.set_content("x" * 100000)
mb = mailbox.mbox(sys.argv[1])
mb.add(m)
mb.close()
EOF
	printf '[limits]\nmessage-bytes = 64K\n' >>"$TMP/mp.conf"
	run --separate-stderr mp-policy --summary --json --mbox "$TMP/a.mbox"
	[ "$status" -eq 65 ]
	python3 -c '
import json, sys
got = json.loads(sys.argv[1])["summary"]
assert got["total"] == 41 and got["failed"] == 1, got' "${lines[-1]}"
}

# corpus_policy FILE - a policy that reads every fact: recipients,
# attachments and their text, personal data, keywords, the time
corpus_policy() {
	write_conf "$1" <<'EOF'
[domains]
internal = example.com

[policy]
time = date

[keywords secret]
words = 社外秘, 極秘, confidential, password
regex = (?i)project\s*x

[rule many]
if = recipients >= 5 or external >= 3
action = hold 30m

[rule attachments]
if = attachments >= 1 and attachment-bytes > 0 or encrypted or plain-archives or undecodable or archive-limit
action = confirm

[rule pii]
if = phone or postal or address or mynumber or card or email.body >= 2 or phone.attachment
action = tag [PII]

[rule secret]
if = keyword.secret or keyword.secret.subject or keyword.secret.attachment
action = reject

[rule night]
time = outside mon-fri 07:00-22:00
if = size > 1K
action = hold 1h
EOF
}

@test "replay: every corpus mbox with every fact: no crash, every message counted" {
	need_corpus
	corpus_policy "$TMP/all.conf"
	n=0
	while IFS= read -r -d '' f; do
		head -c 5 "$f" | grep -q '^From ' || continue
		n=$((n + 1))
		run --separate-stderr timeout 120 mp-policy -c "$TMP/all.conf" \
		    --summary --report "$TMP/c.html" --mbox "$f"
		if [ "$status" -gt 1 ] && [ "$status" -ne 65 ]; then
			echo "$f: exit $status: $stderr"
			return 1
		fi
		records=$(awk -v p="$f:" 'index($0, p) == 1 { n++ } END { print n + 0 }' \
		    <<<"$output")
		total=$(sed -n 's/^summary: total=\([0-9]*\) .*/\1/p' <<<"$output")
		if [ "$total" != "$records" ]; then
			echo "$f: summary total=$total for $records records"
			return 1
		fi
		grep -q '<section class="rule"' "$TMP/c.html"
	done < <(find "$CORPUS" -path "$CORPUS/tools" -prune -o -type f -print0)
	echo "$n mbox files"
	[ "$n" -gt 0 ]
}
