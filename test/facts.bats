#!/usr/bin/env bats
# facts.bats - what a policy can know about a message, through
# mp-classify --facts --json.  The messages are testdata/facts/mail/,
# written by testdata/facts/mkmail.py with Python's email package.

load helper
bats_require_minimum_version 1.5.0

F=$TESTDATA/facts
FM=$TESTDATA/facts/mail

setup() {
	setup_tmp
	printf '[domains]\ninternal = example.co.jp\nsemi-internal = partner.example\n' \
	    >"$TMP/mp.conf"
	export MP_CONFIG=$TMP/mp.conf
}

teardown() {
	teardown_tmp
}

# numbers ARG... - the facts' numbers of one message, "name=value" a line
numbers() {
	mp-classify --facts --json "$@" | python3 -c '
import json, sys
for k, v in json.load(sys.stdin)["facts"]["numbers"].items():
    print("%s=%s" % (k, v))'
}

# facts EXPR ARG... - a Python expression over f, the facts object
facts() {
	local expr=$1

	shift
	mp-classify --facts --json "$@" | python3 -c '
import json, sys
f = json.load(sys.stdin)["facts"]
print(eval(sys.argv[1]))' "$expr"
}

# has LINE... - each LINE is a line of $output
has() {
	local l

	for l in "$@"; do
		grep -qxF -- "$l" <<<"$output" || { echo "no line: $l"; false; }
	done
}

@test "facts: recipients per class and per field, distinct" {
	run numbers -r e@ext.example -r new@example.co.jp "$FM/recipients.eml"
	[ "$status" -eq 0 ]
	has recipients=7 internal=3 semi-internal=1 external=3 unreadable=0 \
	    to=3 to.internal=1 to.semi-internal=1 to.external=1 \
	    cc=2 cc.semi-internal=1 cc.external=1 \
	    bcc=2 bcc.internal=1 bcc.external=1 \
	    to-cc=4 to-cc.internal=1 to-cc.semi-internal=1 to-cc.external=2 \
	    envelope=2 envelope.internal=1 envelope.external=1
}

@test "facts: the record says what mp-classify says, plus the facts" {
	run mp-classify --json "$FM/recipients.eml"
	plain=$output
	run mp-classify --facts --json "$FM/recipients.eml"
	[ "$status" -eq 0 ]
	run python3 -c '
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
f = b.pop("facts")
assert a == b, (a, b)
print(sorted(f))' "$plain" "$output"
	[ "$output" = "['attachments', 'keywords', 'level', 'numbers', 'pii', 'recipients', 'sender', 'size', 'time']" ]
}

@test "facts: --facts needs --json; -f, --auth-user, --now, --time need --facts" {
	run mp-classify --facts "$FM/recipients.eml"
	[ "$status" -eq 64 ]
	[ "${lines[0]}" = "mp-classify: --facts needs --json" ]
	[[ ${lines[1]} == "usage: mp-classify "* ]]
	for o in "-f a@example.co.jp" "--auth-user a@example.co.jp" \
	    "--now 2026-11-24T10:00:00" "--time date"; do
		# shellcheck disable=SC2086 # the option and its value
		run mp-classify --json $o "$FM/recipients.eml"
		[ "$status" -eq 64 ]
		[ "${lines[0]}" = "mp-classify: -f, --auth-user, --now and --time need --facts" ]
	done
	run mp-classify -a --facts "$FM/recipients.eml"
	[ "$status" -eq 64 ]
}

@test "facts: sender checks: auth user and -f against From, case-folded" {
	run numbers --auth-user SATO+NEWS@example.co.jp \
	    -f sato+news@EXAMPLE.CO.JP "$FM/tagged.eml"
	has auth-mismatch=0 sender-mismatch=0 null-sender=0 no-from=0
	run numbers --auth-user sato@example.co.jp -f sato@example.co.jp \
	    "$FM/tagged.eml"
	has auth-mismatch=1 sender-mismatch=1
	run facts 'f["sender"]["sender"], f["sender"]["from"]' \
	    --auth-user Sato@Example.co.jp "$FM/tagged.eml"
	[ "$output" = "('sato@example.co.jp', 'sato+news@example.co.jp')" ]
}

@test "facts: strip-tag = yes compares a+tag@d as a@d" {
	printf '[policy]\nstrip-tag = yes\n' >>"$TMP/mp.conf"
	run numbers --auth-user sato@example.co.jp -f sato+x@example.co.jp \
	    "$FM/tagged.eml"
	has auth-mismatch=0 sender-mismatch=0
	run facts 'f["sender"]["sender"]' --auth-user sato+y@example.co.jp \
	    "$FM/tagged.eml"
	[ "$output" = "sato@example.co.jp" ]
}

@test "facts: a Unicode domain is its xn-- form" {
	run numbers --auth-user tanaka@xn--r8jz45g.jp -f TANAKA@例え.JP \
	    "$FM/idn.eml"
	has auth-mismatch=0 sender-mismatch=0
	run numbers --auth-user tanaka@xn--r8jz45h.jp "$FM/idn.eml"
	has auth-mismatch=1
}

@test "facts: the null sender, and no From" {
	run numbers -f '' "$FM/nofrom.eml"
	has null-sender=1 sender-mismatch=0 no-from=1
	run numbers --auth-user a@example.co.jp "$FM/nofrom.eml"
	has auth-mismatch=1 null-sender=0
	run mp-classify --facts --json -f 'two words' "$FM/nofrom.eml"
	[ "$status" -eq 64 ]
	[ "$output" = "mp-classify: -f: not an address: two words" ]
}

@test "facts: --now in the configured zone, ISO 8601 or date and time" {
	run numbers --now '2026-11-23 22:30' "$FM/nofrom.eml"
	has hour=22 weekday=1 workday=1 holiday=0
	run numbers --now 2026-11-22T13:30:00Z "$FM/nofrom.eml"
	has hour=22 weekday=7 workday=0
	printf '[general]\ntime-zone = UTC\n' >>"$TMP/mp.conf"
	run numbers --now '2026-11-22 13:30:00' "$FM/nofrom.eml"
	has hour=13 weekday=7
	run mp-classify --facts --json --now '2026-11-31 10:00' "$FM/nofrom.eml"
	[ "$status" -eq 64 ]
	[[ $output == "mp-classify: --now: not a time "*": 2026-11-31 10:00" ]]
}

@test "facts: --time date: the Date field, JST as +0900" {
	run numbers --time date "$FM/date-jst.eml"
	has hour=22 weekday=7 workday=0
	run numbers --time date "$FM/date-utc.eml"
	has hour=22 weekday=1 workday=1
	printf '[policy]\ntime = date\n' >>"$TMP/mp.conf"
	run numbers "$FM/date-jst.eml"
	has hour=22 weekday=7
	run numbers --time now --now '2026-11-25 08:00' "$FM/date-jst.eml"
	has hour=8 weekday=3
}

@test "facts: --time date without a Date field: the From_ line, else 65" {
	run numbers --time date "$FM/nodate-fromline.eml"
	has hour=7 weekday=3
	run mp-classify --facts --json --time date "$FM/nodate.eml"
	[ "$status" -eq 65 ]
	[ "$output" = "mp-classify: $FM/nodate.eml: no Date field to replay by" ]
	# a batch goes on: a record for the first, an error record for the
	# second, whose From_ line has no date
	{ cat "$FM/nodate-fromline.eml"; echo; echo "From MAILER-DAEMON";
	    cat "$FM/nodate.eml"; } >"$TMP/m.mbox"
	run --separate-stderr mp-classify --facts --json --time date \
	    --mbox "$TMP/m.mbox"
	[ "$status" -eq 65 ]
	[ "${#lines[@]}" -eq 2 ]
	run python3 -c '
import json, sys
a, b = (json.loads(l) for l in sys.argv[1:])
print(a["facts"]["time"]["hour"], b["status"], b["error"])' "${lines[@]}"
	[ "$output" = "7 65 no Date field to replay by" ]
}

@test "facts: holidays from [policy] holidays" {
	printf '# days off\n\n2026-11-23  # Labour Thanksgiving\n2026-12-31\n' \
	    >"$TMP/holidays"
	printf '[policy]\nholidays = %s\n' "$TMP/holidays" >>"$TMP/mp.conf"
	run numbers --now '2026-11-23 10:00' "$FM/nofrom.eml"
	has holiday=1 workday=0 weekday=1
	run numbers --now '2026-11-24 10:00' "$FM/nofrom.eml"
	has holiday=0 workday=1
}

@test "facts: a holidays file that cannot be read or has no date is 78" {
	printf '2026-11-23\n2026-02-30\n' >"$TMP/holidays"
	printf '[policy]\nholidays = %s\n' "$TMP/holidays" >>"$TMP/mp.conf"
	run mp-classify --facts --json "$FM/nofrom.eml"
	[ "$status" -eq 78 ]
	[ "$output" = "mp-classify: $TMP/holidays:2: not a date (YYYY-MM-DD): 2026-02-30" ]
	rm "$TMP/holidays"
	run mp-classify --facts --json "$FM/nofrom.eml"
	[ "$status" -eq 78 ]
	[[ $output == "mp-classify: $TMP/holidays: cannot read the holidays: "* ]]
}

@test "facts: size, attachments, decoded bytes, the largest" {
	run numbers "$FM/attachments.eml"
	has size="$(stat -c %s "$FM/attachments.eml")" attachments=3 \
	    attachment-bytes=$((1033 + 131 + 165)) attachment-largest=1033
	run facts '[(a["name"], a["type"], a["size"]) for a in f["attachments"]]' \
	    "$FM/attachments.eml"
	[ "$output" = "[('report.pdf', 'application/pdf', 1033), ('plain.zip', 'application/zip', 131), ('locked.zip', 'application/zip', 165)]" ]
	run numbers "$FM/recipients.eml"
	has attachments=0 attachment-bytes=0 attachment-largest=0
	# files without a name count; the HTML page's own image does not
	run numbers "$TESTDATA/zipenc/nameless.eml"
	has attachments=3 attachment-largest=6000
}

@test "facts: a From_ line is no part of size" {
	run numbers "$FM/nodate-fromline.eml"
	# "From sato@example.co.jp Wed Nov 25 07:05:09 2026\n": 49 bytes
	has size=$(($(stat -c %s "$FM/nodate-fromline.eml") - 49))
}

@test "facts: encrypted and plain archives" {
	run numbers "$FM/attachments.eml"
	has encrypted=1 plain-archives=1 undecodable=0 archive-limit=0
	run facts '[(a["name"], a["encrypted"], a["plain_archive"]) for a in f["attachments"]]' \
	    "$FM/attachments.eml"
	[ "$output" = "[('report.pdf', False, False), ('plain.zip', False, True), ('locked.zip', True, False)]" ]
}

@test "facts: 7-Zip's encrypted archives are encrypted" {
	command -v 7zz >/dev/null || skip "no 7zz"
	printf 'secret\n' >"$TMP/a.txt"
	(cd "$TMP" && 7zz a -bso0 -psecret -mhe=on a.7z a.txt &&
	    7zz a -bso0 -psecret -mem=AES256 b.zip a.txt)
	python3 "$F/mkmail.py" --with "$TMP/m.eml" "$TMP/a.7z" "$TMP/b.zip"
	run numbers "$TMP/m.eml"
	has attachments=2 encrypted=2 plain-archives=0
}

@test "facts: password-protected Office files and PDF are encrypted" {
	[ -f "$F/report-enc.docx" ] || skip "no Office fixtures yet"
	python3 "$F/mkmail.py" --with "$TMP/m.eml" "$F/report-enc.docx" \
	    "$F/report-enc.pdf" "$F/report.pdf" "$F/report.docx"
	run numbers "$TMP/m.eml"
	has attachments=4 encrypted=2 plain-archives=0 undecodable=0
	run facts '[(a["name"], a["encrypted"], a["text"]) for a in f["attachments"]]' \
	    "$TMP/m.eml"
	[ "$output" = "[('report-enc.docx', True, 'encrypted'), ('report-enc.pdf', True, 'encrypted'), ('report.pdf', False, 'none'), ('report.docx', False, 'ok')]" ]
}

@test "facts: undecodable: an unknown transfer encoding, base64 that is none" {
	run numbers "$FM/undecodable.eml"
	has attachments=3 undecodable=2
	run facts '[a["undecodable"] for a in f["attachments"]]' \
	    "$FM/undecodable.eml"
	[ "$output" = "[True, True, False]" ]
}

@test "facts: a .docx that is no ZIP is undecodable" {
	printf 'not a document\n' >"$TMP/fake.docx"
	python3 "$F/mkmail.py" --with "$TMP/m.eml" "$TMP/fake.docx"
	run numbers "$TMP/m.eml"
	has attachments=1 undecodable=1
}

@test "facts: a ZIP of more entries than mp reads is archive-limit" {
	python3 "$F/mkmail.py" --bomb "$TMP/bomb.eml"
	run numbers "$TMP/bomb.eml"
	[ "$status" -eq 0 ]
	has attachments=1 archive-limit=1 plain-archives=1 encrypted=0
}

@test "facts: an OOXML file that inflates past the limit is archive-limit" {
	python3 "$F/mkmail.py" --ooxml-bomb "$TMP/bomb.eml"
	run timeout 20 mp-classify --facts --json "$TMP/bomb.eml"
	[ "$status" -eq 0 ]
	run numbers "$TMP/bomb.eml"
	has attachments=1 archive-limit=1 plain-archives=0
}

@test "facts: keywords per place, after NFKC, case-folded; a regex" {
	cat >>"$TMP/mp.conf" <<-'EOF'
	[keywords secret]
	words = 社外秘, 極秘, Confidential, テスト
	[keywords px]
	regex = (?i)project\s*x
	EOF
	run numbers "$FM/keywords.eml"
	[ "$status" -eq 0 ]
	# subject: 【社外秘】ﾃｽﾄ confidential; body: ＣＯＮＦＩＤＥＮＴＩＡＬ,
	# confidential, テスト twice; name 社外秘_名簿.csv; the CSV: 極秘,
	# confidential
	has keyword.secret=10 keyword.secret.subject=3 keyword.secret.body=4 \
	    keyword.secret.name=1 keyword.secret.attachment=2 \
	    keyword.px=2 keyword.px.body=2 keyword.px.subject=0
}

@test "facts: a words-file, and the longest word where two start" {
	printf '# words\n極秘\n\n極秘資料\n' >"$TMP/words"
	printf '[keywords k]\nwords-file = %s\n' "$TMP/words" >>"$TMP/mp.conf"
	printf 'Subject: 極秘資料と極秘\nFrom: a@example.co.jp\n\nx\n' >"$TMP/m.eml"
	run numbers "$TMP/m.eml"
	has keyword.k=2 keyword.k.subject=2
}

@test "facts: a bad keyword list is 78 naming file, section and key" {
	printf '[keywords k]\nregex = (unclosed\n' >>"$TMP/mp.conf"
	run mp-classify --facts --json "$FM/keywords.eml"
	[ "$status" -eq 78 ]
	[[ $output == "mp-classify: [keywords k] regex: not a regular expression: "*"($TMP/mp.conf:5)" ]]
	printf '[domains]\ninternal = example.co.jp\n[keywords k]\nwords-file = %s\n' \
	    "$TMP/nowords" >"$TMP/mp.conf"
	run mp-classify --facts --json "$FM/keywords.eml"
	[ "$status" -eq 78 ]
	[[ $output == "mp-classify: [keywords k] words-file: "*"($TMP/mp.conf:4)" ]]
}

@test "facts: plain text and HTML of one body count once; HTML as shown" {
	printf '[keywords s]\nwords = secret\n' >>"$TMP/mp.conf"
	run numbers "$FM/alternative.eml"
	has keyword.s.body=1
	# "s&#101;cret" is secret; a <style> is not shown
	run numbers "$FM/html.eml"
	has keyword.s.body=1
}

@test "facts: personal data counted once per distinct value" {
	run numbers "$FM/keywords.eml"
	[ "$status" -eq 0 ]
	# one phone number, twice in the body and once in the CSV
	has phone=1 phone.body=1 phone.attachment=1 phone.subject=0
	run facts 'f["pii"]["phone"]["count"], len(f["pii"]["phone"]["values"])' \
	    "$FM/keywords.eml"
	[ "$output" = "(1, 1)" ]
}

@test "facts: every fact name is in the numbers" {
	printf '[keywords secret]\nwords = x\n' >>"$TMP/mp.conf"
	run numbers "$FM/keywords.eml"
	for n in recipients internal semi-internal external unreadable to cc \
	    bcc envelope to-cc to-cc.external bcc.internal size attachments \
	    attachment-bytes attachment-largest encrypted plain-archives \
	    undecodable archive-limit auth-mismatch sender-mismatch \
	    null-sender no-from hour weekday holiday workday phone postal \
	    address mynumber card email phone.body card.attachment \
	    email.subject address.name keyword.secret keyword.secret.subject \
	    keyword.secret.body keyword.secret.name keyword.secret.attachment; do
		grep -q "^$n=" <<<"$output" || { echo "no $n"; false; }
	done
	# 32 names, 15 FIELD.CLASS, 24 PII.PLACE, a list in 5
	[ "${#lines[@]}" -eq $((32 + 15 + 24 + 5)) ]
}

@test "facts: every corpus message, no crash" {
	need_corpus
	run python3 - "$CORPUS" <<-'EOF'
	import os, subprocess, sys
	bad = []
	n = 0
	for root, dirs, files in os.walk(sys.argv[1]):
	    dirs.sort()
	    if "/tools" in root or root.endswith("tools"):
	        continue
	    for name in sorted(files):
	        if name.endswith((".md", ".py")) or name in ("LICENSE", "COPYING"):
	            continue
	        path = os.path.join(root, name)
	        n += 1
	        r = subprocess.run(["mp-classify", "-c", "/dev/null",
	                            "--internal", "example.com", "--facts",
	                            "--json", path], capture_output=True,
	                           timeout=60)
	        # 65: not a message (an empty file, no header)
	        if r.returncode not in (0, 65) or (r.returncode == 0 and
	                                            not r.stdout):
	            bad.append((path, r.returncode, r.stderr[:200]))
	print(n, "files")
	for b in bad:
	    print(b)
	sys.exit(1 if bad or n < 1000 else 0)
	EOF
	echo "$output"
	[ "$status" -eq 0 ]
}
