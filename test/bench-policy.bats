#!/usr/bin/env bats
# bench-policy.bats - the policy benchmark's peer (scripts/bench_policy.py)
# counts what mp-policy counts, and the benchmark runs end to end on a
# small archive; the benchmark itself is `make bench-policy`.

load helper
bats_require_minimum_version 1.5.0

setup() {
	setup_tmp
	command -v python3 >/dev/null 2>&1 || skip "no python3"
	mkmbox "$TMP/small.mbox"
}

teardown() {
	teardown_tmp
}

# mkmbox FILE - eight messages from Python's email package: recipients
# inside and outside example.com, text and Word attachments, phone
# numbers, keywords in the body, the subject and an attachment
mkmbox() {
	python3 - "$1" <<'EOF'
import email.message, io, mailbox, sys, zipfile

def docx(text):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                   'xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document '
                   'xmlns:w="http://schemas.openxmlformats.org/'
                   'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>%s'
                   '</w:t></w:r></w:p></w:body></w:document>' % text)
    return b.getvalue()

specs = [
    ("a@example.com", "hello", "just text", None),
    ("a@example.com, b@example.com, c@example.com, d@example.com, "
     "e@example.com", "many", "five of us", None),
    ("x@other.example, y@other.example, z@other.example", "outside", "", None),
    ("a@example.com", "call me", "電話 03-1234-5678 まで", None),
    ("a@example.com", "社外秘 plan", "see subject", None),
    ("x@other.example", "notes", "body", ("notes.txt", b"confidential notes\n")),
    ("a@example.com", "word", "body", ("plan.docx", docx("Project X plan"))),
    ("a@example.com", "plain", "nothing", ("data.bin", b"\x00\x01")),
]
mb = mailbox.mbox(sys.argv[1])
for to, subject, body, att in specs:
    m = email.message.EmailMessage()
    m["From"] = "sender@example.com"
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = "Mon, 04 Mar 2024 10:00:00 +0900"
    m.set_content(body + "\n")
    if att and att[0].endswith(".txt"):
        m.add_attachment(att[1], maintype="text", subtype="plain",
                         filename=att[0])
    elif att:
        m.add_attachment(att[1], maintype="application",
                         subtype="octet-stream", filename=att[0])
    mb.add(m)
mb.close()
EOF
}

peer() {
	python3 "$ROOT/scripts/bench_policy.py" --internal example.com \
	    --word 社外秘 --word 極秘 --word confidential --word password \
	    --regex '(?i)project\s*x' "$@"
}

@test "bench_policy.py: the counts of each rule on known messages" {
	run peer "$TMP/small.mbox"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "summary: total=8 pass=2 reject=3 confirm=1 hold=2 failed=0" ]
	[ "${lines[1]}" = "rule many: 2" ]
	[ "${lines[2]}" = "rule attachments: 3" ]
	[ "${lines[3]}" = "rule pii: 1" ]
	[ "${lines[4]}" = "rule secret: 3" ]
	[ "${lines[5]}" = "rule secret-attachment: 2" ]
}

@test "bench_policy.py and mp-policy agree on the same rules" {
	write_conf "$TMP/mp.conf" <<'EOF'
[domains]
internal = example.com

[keywords secret]
words = 社外秘, 極秘, confidential, password
regex = (?i)project\s*x

[rule many]
if = recipients >= 5 or external >= 3
action = hold 30m

[rule attachments]
if = attachments >= 1
action = confirm

[rule pii]
if = phone >= 1
action = tag [PII]

[rule secret]
if = keyword.secret >= 1
action = reject

[rule secret-attachment]
if = keyword.secret.attachment >= 1
action = reject
EOF
	run --separate-stderr mp-policy -c "$TMP/mp.conf" --summary --mbox "$TMP/small.mbox"
	[ "$status" -eq 1 ]
	mp=$(grep '^rule ' <<<"$output")
	run peer "$TMP/small.mbox"
	[ "$mp" = "$(grep '^rule ' <<<"$output")" ]
}

@test "bench-policy: usage error without BINDIR" {
	run sh "$ROOT/scripts/bench-policy"
	[ "$status" -eq 64 ]
	[[ "$output" == *"usage: scripts/bench-policy BINDIR"* ]]
}

@test "bench-policy: runs end to end on a small archive, prints every figure" {
	command -v formail >/dev/null 2>&1 || skip "no formail"
	command -v cc >/dev/null 2>&1 || skip "no cc"
	before=$(stat -c %Y "$ROOT/bench-data/policy-summary.md" 2>/dev/null || echo none)
	MP_BENCH_MBOX=$TMP/small.mbox MP_BENCH_RUNS=1 MP_BENCH_SPAWN_N=3 \
	    MP_BENCH_ROUNDS=1 run sh "$ROOT/scripts/bench-policy" "$MP_BIN"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"  8 messages, "* ]]
	[[ "$output" == *"Replay: 8 messages"* ]]
	for row in "mp-classify --mbox" "mp-policy --summary, recipients only" \
	    "mp-policy --summary, every fact" "python3 bench_policy.py" \
	    "mp-policy (header-only rules)" "formail -x To:"; do
		[[ "$output" == *"  $row"* ]]
	done
	[[ "$output" =~ recipients-only\ policy\ within\ 1.2x\ mp-classify:\ (met|MISSED) ]]
	[[ "$output" =~ every\ fact\ at\ least\ 30x\ Python:\ (met|MISSED) ]]
	[[ "$output" =~ mp-policy\ \<=\ 1.5x\ formail:\ (met|MISSED) ]]
	# the table: its head and four figures
	[ "$(grep -c '^| ' <<<"$output")" -eq 5 ]
	# another archive's figures are not the corpus's: the file is untouched
	[ "$(stat -c %Y "$ROOT/bench-data/policy-summary.md" 2>/dev/null || echo none)" = "$before" ]
}
