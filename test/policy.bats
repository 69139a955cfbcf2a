#!/usr/bin/env bats
# mp-policy: the rules of mp.conf over a message's facts

load helper
bats_require_minimum_version 1.5.0

ORG=$TESTDATA/org

setup() {
	setup_tmp
	NOW="2026-11-30 10:00"	# a Monday, working hours
	M=$TMP/m.eml
	mkmsg "$M" --to "tanaka@example.co.jp,ext1@customer.example.com"
}

teardown() {
	teardown_tmp
}

# mkmsg OUT ARGS... - a message made by Python's email (test/lib/mkmsg.py)
mkmsg() {
	python3 "$BATS_TEST_DIRNAME/lib/mkmsg.py" "$@"
}

# rules TEXT - mp.conf: our domains, then the rules given on stdin
rules() {
	{
		printf '[domains]\ninternal = example.co.jp\n'
		printf 'semi-internal = group.example.jp\n'
		cat
	} >"$TMP/mp.conf"
	export MP_CONFIG=$TMP/mp.conf
}

json() {
	python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

@test "policy: a message no rule matches passes, exit 0" {
	rules <<-EOF
	[rule big]
	if = size >= 10M
	action = reject
	EOF
	run mp-policy --now "$NOW" "$M"
	[ "$status" -eq 0 ]
	[ "$output" = "$M: pass" ]
	run mp-policy --now "$NOW" <"$M"
	[ "$output" = "pass" ]
}

@test "policy: reject exits 1 with its rule; the reason in the configured language" {
	rules <<-EOF
	[policy]
	lang = en
	[rule any-external]
	if = external >= 1
	action = reject
	reason = 社外宛は送信できません
	reason.en = No external mail
	EOF
	run mp-policy --now "$NOW" <"$M"
	[ "$status" -eq 1 ]
	[ "$output" = "reject rules=any-external" ]
	run mp-policy --json --now "$NOW" <"$M"
	[ "$status" -eq 1 ]
	[ "$(json 'd["reason"]' <<<"$output")" = "No external mail" ]
	sed -i 's/^lang = en/lang = ja/' "$TMP/mp.conf"
	run mp-policy --json --now "$NOW" <"$M"
	[ "$(json 'd["reason"]' <<<"$output")" = "社外宛は送信できません" ]
}

@test "policy: if compares numbers; and binds tighter than or; not and bare facts" {
	rules <<-EOF
	[rule r]
	if = external >= 2 or internal >= 1 and external == 1
	action = hold 5m
	EOF
	run mp-policy --now "$NOW" <"$M"
	[ "$output" = "hold 5m rules=r" ]
	mkmsg "$TMP/ext2.eml" --to "a@customer.example.com,b@other.example.net"
	run mp-policy --now "$NOW" <"$TMP/ext2.eml"
	[ "$output" = "hold 5m rules=r" ]
	mkmsg "$TMP/int.eml" --to "a@example.co.jp"
	run mp-policy --now "$NOW" <"$TMP/int.eml"
	[ "$output" = "pass" ]
	rules <<-EOF
	[rule r]
	if = not external and internal
	action = tag [社内]
	EOF
	run mp-policy --now "$NOW" <"$TMP/int.eml"
	[ "$output" = "pass actions=tag rules=r" ]
	run mp-policy --now "$NOW" <"$M"
	[ "$output" = "pass" ]
}

@test "policy: sizes take units; attachments are counted, summed and the largest found" {
	mkmsg "$TMP/a.eml" --to x@customer.example.com \
	    --attach a.bin:3000000 --attach b.bin:100 --attach c.pdf:2000:application/pdf
	rules <<-EOF
	[rule three]
	if = attachments >= 3
	action = reject
	EOF
	run mp-policy --now "$NOW" "$TMP/a.eml"
	[ "$status" -eq 1 ]
	rules <<-EOF
	[rule largest]
	if = attachment-largest >= 2M and attachment-largest < 3M
	action = detach
	[rule total]
	if = attachment-bytes == 3002100
	action = bccify
	EOF
	run mp-policy --now "$NOW" "$TMP/a.eml"
	[ "$output" = "$TMP/a.eml: pass actions=detach,bccify rules=largest,total" ]
}

@test "policy: time windows, outside, past midnight, workdays and holidays" {
	printf '# 2026\n2026-12-01\n' >"$TMP/holidays"
	rules <<-EOF
	[policy]
	holidays = $TMP/holidays
	[rule after-hours]
	time = outside workday 09:00-19:00
	action = reject
	EOF
	run mp-policy --now "2026-11-30 10:00" <"$M"	# Monday
	[ "$output" = "pass" ]
	run mp-policy --now "2026-11-30 19:00" <"$M"	# the end is not in it
	[ "$output" = "reject rules=after-hours" ]
	run mp-policy --now "2026-11-30 08:59" <"$M"
	[ "$output" = "reject rules=after-hours" ]
	run mp-policy --now "2026-12-01 10:00" <"$M"	# a holiday
	[ "$output" = "reject rules=after-hours" ]
	run mp-policy --now "2026-12-05 10:00" <"$M"	# Saturday
	[ "$output" = "reject rules=after-hours" ]
	rules <<-EOF
	[rule night]
	time = fri 22:00-06:00; sun
	action = hold 1h
	EOF
	run mp-policy --now "2026-12-04 23:30" <"$M"	# Friday night
	[ "$output" = "hold 1h rules=night" ]
	run mp-policy --now "2026-12-05 05:59" <"$M"	# Saturday morning: Friday's
	[ "$output" = "hold 1h rules=night" ]
	run mp-policy --now "2026-12-05 06:00" <"$M"
	[ "$output" = "pass" ]
	run mp-policy --now "2026-12-06 12:00" <"$M"	# Sunday, all day
	[ "$output" = "hold 1h rules=night" ]
	run mp-policy --now "2026-12-03 23:30" <"$M"	# Thursday night
	[ "$output" = "pass" ]
}

@test "policy: --time date judges by the Date field (JST read as +0900)" {
	mkmsg "$TMP/late.eml" --to x@customer.example.com \
	    --date "Mon, 30 Nov 2026 20:30:00 +0900"
	rules <<-EOF
	[rule after-hours]
	time = outside mon-fri 09:00-19:00
	action = reject
	EOF
	run mp-policy --time date "$TMP/late.eml"
	[ "$status" -eq 1 ]
	run mp-policy --now "$NOW" "$TMP/late.eml"
	[ "$status" -eq 0 ]
	sed 's/^Date: .*/Date: Mon, 30 Nov 2026 10:30:00 JST/' "$TMP/late.eml" >"$TMP/jst.eml"
	run mp-policy --time date "$TMP/jst.eml"
	[ "$status" -eq 0 ]
}

@test "policy: sender lists: address, domain, glob, file, except-sender; AUTH user first" {
	printf '# new staff\nnew1@example.co.jp\n' >"$TMP/new.txt"
	rules <<-EOF
	[rule new]
	sender = file:$TMP/new.txt, *-temp@example.co.jp
	except-sender = boss-temp@example.co.jp
	action = approve
	EOF
	mkmsg "$TMP/n.eml" --from New1@Example.CO.JP --to x@customer.example.com
	run mp-policy --now "$NOW" "$TMP/n.eml"
	[ "$output" = "$TMP/n.eml: approve rules=new" ]
	mkmsg "$TMP/t.eml" --from ito-temp@example.co.jp --to x@customer.example.com
	run mp-policy --now "$NOW" "$TMP/t.eml"
	[ "$output" = "$TMP/t.eml: approve rules=new" ]
	mkmsg "$TMP/b.eml" --from boss-temp@example.co.jp --to x@customer.example.com
	run mp-policy --now "$NOW" "$TMP/b.eml"
	[ "$output" = "$TMP/b.eml: pass" ]
	# the SMTP AUTH user is the sender the rules judge, not From
	run mp-policy --now "$NOW" --auth-user new1@example.co.jp "$TMP/b.eml"
	[ "$output" = "$TMP/b.eml: approve rules=new" ]
	rules <<-EOF
	[rule dom]
	sender = example.co.jp
	action = tag [社内発]
	EOF
	run mp-policy --now "$NOW" "$TMP/b.eml"
	[ "$output" = "$TMP/b.eml: pass actions=tag rules=dom" ]
}

@test "policy: sender title: and unit: come from the org snapshot" {
	cat >"$TMP/base.conf" <<-EOF
	[orgsync]
	org-conf = $ORG/org.conf
	dir = $TMP/org
	[policy]
	snapshot = $TMP/org/current
	EOF
	rules <<-EOF
	$(cat "$TMP/base.conf")
	[rule staff]
	sender = title:50
	action = approve
	[rule sales]
	sender = unit:100/110
	action = tag [営業]
	EOF
	mp-orgsync "$ORG/hr.csv" >/dev/null
	mkmsg "$TMP/s.eml" --from sato@example.co.jp --to x@customer.example.com
	run mp-policy --now "$NOW" "$TMP/s.eml"
	[ "$output" = "$TMP/s.eml: approve actions=tag rules=staff,sales" ]
	mkmsg "$TMP/p.eml" --from president@example.co.jp --to x@customer.example.com
	run mp-policy --now "$NOW" "$TMP/p.eml"
	[ "$output" = "$TMP/p.eml: pass" ]
	# no snapshot: fail closed
	rm -rf "$TMP/org"
	run mp-policy --now "$NOW" "$TMP/s.eml"
	[ "$status" -eq 75 ]
}

@test "policy: recipient lists, for = matched and the per-recipient zipenc/detach choice" {
	printf 'partner.example.com\n' >"$TMP/partners"
	rules <<-EOF
	[rule partner-zip]
	recipient = file:$TMP/partners
	if = attachments >= 1
	action = zipenc
	for = matched
	[rule big-detach]
	if = attachment-bytes >= 1M
	action = detach
	for = external, semi-internal
	EOF
	mkmsg "$TMP/a.eml" --to "tanaka@example.co.jp,p@sub.partner.example.com" \
	    --cc "x@customer.example.com,g@group.example.jp" --attach big.bin:1200000
	run mp-policy --json --now "$NOW" "$TMP/a.eml"
	[ "$status" -eq 0 ]
	[ "$(json '[(a["action"], a["for"]) for a in d["actions"]]' <<<"$output")" = \
	    "[('zipenc', ['p@sub.partner.example.com']), ('detach', ['x@customer.example.com', 'g@group.example.jp'])]" ]
	[ "$(json 'd["rules"]' <<<"$output")" = "['partner-zip', 'big-detach']" ]
	# except-recipient takes an address out of the rule's reach
	sed -i "s|^recipient = .*|&\nexcept-recipient = p@sub.partner.example.com|" "$TMP/mp.conf"
	run mp-policy --json --now "$NOW" "$TMP/a.eml"
	[ "$(json '[(a["action"], a["for"]) for a in d["actions"]]' <<<"$output")" = \
	    "[('detach', ['p@sub.partner.example.com', 'x@customer.example.com', 'g@group.example.jp'])]" ]
}

@test "policy: header.NAME matches decoded fields with a regular expression" {
	mkmsg "$TMP/h.eml" --to x@customer.example.com --subject "【極秘】来期計画"
	grep -q '^Subject: =?utf-8?' "$TMP/h.eml"
	rules <<-EOF
	[rule secret]
	header.Subject = 極秘|(?i)confidential
	action = reject
	EOF
	run mp-policy --now "$NOW" "$TMP/h.eml"
	[ "$status" -eq 1 ]
	run mp-policy --now "$NOW" "$M"
	[ "$status" -eq 0 ]
}

@test "policy: precedence: reject over approve over confirm over hold over stagger; the longest hold" {
	rules <<-EOF
	[rule s]
	action = stagger 2h
	[rule h1]
	action = hold 10m
	[rule h2]
	action = hold 1h
	[rule h3]
	action = hold 30m
	[rule b]
	action = bccify
	EOF
	run mp-policy --json --now "$NOW" <"$M"
	[ "$(json 'd["verdict"], d["duration"], d["rule"]' <<<"$output")" = "hold 3600 h2" ]
	run mp-policy --now "$NOW" <"$M"
	[ "$output" = "hold 1h actions=bccify rules=s,h1,h2,h3,b" ]
	cat >>"$TMP/mp.conf" <<-EOF
	[rule c]
	action = confirm
	[rule a]
	action = approve
	EOF
	run mp-policy --now "$NOW" <"$M"
	[ "$output" = "approve actions=bccify rules=s,h1,h2,h3,b,c,a" ]
	printf '[rule r]\naction = reject\n' >>"$TMP/mp.conf"
	run mp-policy --now "$NOW" <"$M"
	[ "$status" -eq 1 ]
	[ "$output" = "reject rules=s,h1,h2,h3,b,c,a,r" ]
}

@test "policy: stagger names the recipients that wait; pass ends the rules" {
	rules <<-EOF
	[rule vip]
	recipient = customer.example.com
	action = stagger 60m
	EOF
	run mp-policy --json --now "$NOW" <"$M"
	[ "$(json 'd["verdict"], d["later"]' <<<"$output")" = "stagger ['ext1@customer.example.com']" ]
	rules <<-EOF
	[rule trusted]
	sender = sato@example.co.jp
	action = pass
	[rule any]
	action = reject
	EOF
	run mp-policy --now "$NOW" <"$M"
	[ "$status" -eq 0 ]
	[ "$output" = "pass rules=trusted" ]
	run mp-policy --explain --now "$NOW" <"$M"
	[[ "$output" == *"any: not reached (pass by trusted)"* ]]
}

@test "policy: auth-mismatch: the SMTP AUTH user must be the From address" {
	rules <<-EOF
	[rule auth]
	if = auth-mismatch
	action = reject
	EOF
	run mp-policy --now "$NOW" --auth-user sato@example.co.jp <"$M"
	[ "$status" -eq 0 ]
	run mp-policy --now "$NOW" --auth-user SATO@EXAMPLE.CO.JP <"$M"
	[ "$status" -eq 0 ]
	run mp-policy --now "$NOW" --auth-user suzuki@example.co.jp <"$M"
	[ "$status" -eq 1 ]
	run mp-policy --now "$NOW" <"$M"
	[ "$status" -eq 0 ]
}

@test "policy: ccguard refuses as a reject; add-superior names the superior to Cc" {
	rules <<-EOF
	[orgsync]
	org-conf = $ORG/org.conf
	dir = $TMP/org
	[policy]
	snapshot = $TMP/org/current
	[rule guard]
	action = ccguard
	EOF
	mp-orgsync "$ORG/hr.csv" >/dev/null
	run mp-policy --json --now "$NOW" "$ORG/mail/06-colleague-not-superior.eml"
	[ "$status" -eq 1 ]
	[ "$(json 'd["reason"]' <<<"$output")" = "ccguard: no-superior" ]
	run mp-policy --now "$NOW" "$ORG/mail/01-member-cc-section-head.eml"
	[ "$status" -eq 0 ]
	sed -i 's/^action = ccguard/action = add-superior/' "$TMP/mp.conf"
	run mp-policy --json --now "$NOW" "$ORG/mail/06-colleague-not-superior.eml"
	[ "$status" -eq 0 ]
	[ "$(json '[(a["action"], a["superior"]) for a in d["actions"]]' <<<"$output")" = \
	    "[('add-superior', 'kacho111@example.co.jp')]" ]
}

@test "policy: -a adds X-MP-Policy and keeps every other byte" {
	rules <<-EOF
	[rule h]
	if = external >= 1
	action = hold 60m
	EOF
	run -0 mp-policy -a --now "$NOW" <"$M"
	printf '%s\n' "$output" >"$TMP/out"
	grep -qx 'X-MP-Policy: hold 60m rules=h' "$TMP/out"
	grep -v '^X-MP-Policy: ' "$TMP/out" | cmp - "$M"
}

@test "policy: --json carries the facts the rules read" {
	rules <<-EOF
	[rule r]
	if = external >= 5 or recipients >= 2
	action = tag [x]
	EOF
	run mp-policy --json --now "$NOW" <"$M"
	[ "$(json 'd["facts"]' <<<"$output")" = "{'external': 1, 'recipients': 2}" ]
}

@test "policy: --explain says which condition failed for every rule" {
	rules <<-EOF
	[rule many]
	if = external >= 10
	action = bccify
	[rule night]
	time = 22:00-06:00
	action = hold 1h
	[rule vip]
	recipient = vip.example.com
	action = stagger 1h
	[rule any]
	action = tag [社外]
	EOF
	run mp-policy --explain --now "$NOW" <"$M"
	[ "${lines[0]}" = "pass actions=tag rules=any" ]
	[ "${lines[1]}" = "  many: no: if: external >= 10 (external is 1)" ]
	[ "${lines[2]}" = "  night: no: time: 2026-11-30 10:00 Mon is outside 22:00-06:00" ]
	[ "${lines[3]}" = "  vip: no: recipient: no recipient is in vip.example.com" ]
	[ "${lines[4]}" = "  any: match: tag [社外]" ]
}

@test "policy: a header-only policy does not read the body's MIME structure" {
	# five multiparts deep, over a mime-depth of 2: only reading the
	# body finds that out
	python3 - "$TMP/deep.eml" <<-'PY'
	import sys
	from email.mime.multipart import MIMEMultipart
	from email.mime.text import MIMEText
	inner = MIMEText("deep")
	for _ in range(5):
	    outer = MIMEMultipart()
	    outer.attach(inner)
	    inner = outer
	inner["From"] = "sato@example.co.jp"
	inner["To"] = "x@customer.example.com"
	inner["Subject"] = "deep"
	open(sys.argv[1], "w").write(inner.as_string())
	PY
	rules <<-EOF
	[limits]
	mime-depth = 2
	[rule r]
	if = external >= 1
	action = hold 5m
	EOF
	run mp-policy --now "$NOW" "$TMP/deep.eml"
	[ "$status" -eq 0 ]
	[ "$output" = "$TMP/deep.eml: hold 5m rules=r" ]
	printf '[rule a]\nif = attachments >= 1\naction = reject\n' >>"$TMP/mp.conf"
	run mp-policy --now "$NOW" "$TMP/deep.eml"
	echo "$output"
	[ "$status" -eq 65 ]
}

@test "policy: a bad rule is a configuration error naming file, section and key" {
	check() {
		rules
		run mp-policy --now "$NOW" "$M"
		echo "$output"
		[ "$status" -eq 78 ]
		[[ "$output" == *"$1"* ]] || { echo "want: $1"; false; }
	}
	printf '[rule a]\nif = phonez >= 1\naction = reject\n' |
	    check "[rule a] if: phonez: unknown fact ($TMP/mp.conf:5)"
	printf '[rule a]\nif = phone >= ten\naction = reject\n' |
	    check "[rule a] if: phone >=: \"ten\" is not a number (like 10, 2M) ($TMP/mp.conf:5)"
	printf '[rule a]\nif = phone >= 1 and\naction = reject\n' |
	    check "[rule a] if: a fact is missing at the end"
	printf '[rule a]\nif = keyword.nope >= 1\naction = reject\n' |
	    check "[rule a] if: keyword.nope: no [keywords nope]"
	printf '[rule a]\ntime = mon-fry 09:00-19:00\naction = reject\n' |
	    check "[rule a] time: \"mon-fry 09:00-19:00\" is not a time window"
	printf '[rule a]\ntime = 25:00-26:00\naction = reject\n' |
	    check "[rule a] time: \"25:00-26:00\" is not a time window"
	printf '[rule a]\nheader.Subject = (open\naction = reject\n' |
	    check "[rule a] header.Subject: not a regular expression"
	printf '[rule a]\naction = quarantine\n' |
	    check "[rule a] action: unknown action \"quarantine\" ($TMP/mp.conf:5)"
	printf '[rule a]\naction = hold\n' |
	    check "[rule a] action: hold needs a duration"
	printf '[rule a]\naction = hold 31d\n' |
	    check "[rule a] action: hold needs a duration from 1s to 30d"
	printf '[rule a]\naction = reject now\n' |
	    check "[rule a] action: reject takes nothing, not \"now\""
	printf '[rule a]\naction = reject\nfor = external\n' |
	    check "[rule a] for: for is for zipenc and detach, not reject"
	printf '[rule a]\naction = zipenc\nfor = matched\n' |
	    check "[rule a] for: matched needs a recipient = list"
	printf '[rule a]\nsender = file:/nonexistent\naction = reject\n' |
	    check "[rule a] sender: cannot read"
	printf '[rule a]\nrecipient = title:10\naction = reject\n' |
	    check "[rule a] recipient: \"title:10\": title: and unit: are for senders"
	printf '[rule a]\nrecipient = nodot\naction = reject\n' |
	    check "[rule a] recipient: \"nodot\" is not an address, domain or glob"
	printf '[rule a]\niff = external\naction = reject\n' |
	    check "unknown key [rule a] iff ($TMP/mp.conf:5)"
	printf '[rule a]\nif = external\n' |
	    check "[rule a]: no action"
	printf '[rule a b]\naction = reject\n' |
	    check "unknown section [rule a b]"
	printf '[policy]\nlang = en\n' |
	    check "no [rule NAME] in $TMP/mp.conf"
	printf '[policy]\nholidays = /nonexistent\n[rule a]\naction = pass\n' |
	    check "/nonexistent"
}

@test "policy: bad command lines are usage errors" {
	rules <<-EOF
	[rule a]
	action = pass
	EOF
	run mp-policy --now yesterday "$M"
	[ "$status" -eq 64 ]
	[[ "$output" == *"--now: not a time"* ]]
	run mp-policy --time later "$M"
	[ "$status" -eq 64 ]
	run mp-policy -r 'not an address' "$M"
	[ "$status" -eq 64 ]
	run mp-policy -a --explain "$M"
	[ "$status" -eq 64 ]
	run mp-policy -c "$TMP/none.conf" "$M"
	[ "$status" -eq 78 ]
}

@test "policy: a batch prints a record per message and goes on after a bad one" {
	rules <<-EOF
	[rule ext]
	if = external >= 1
	action = reject
	EOF
	mkmsg "$TMP/i.eml" --to a@example.co.jp
	run mp-policy --now "$NOW" "$M" "$TMP/i.eml"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$M: reject rules=ext" ]
	[ "${lines[1]}" = "$TMP/i.eml: pass" ]
	cat "$M" "$TMP/i.eml" | python3 -c '
import mailbox, sys, email
mb = mailbox.mbox(sys.argv[1])
for p in sys.argv[2:]:
    mb.add(email.message_from_binary_file(open(p, "rb")))
mb.flush()' "$TMP/box" "$M" "$TMP/i.eml"
	run mp-policy --now "$NOW" --mbox "$TMP/box"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$TMP/box:1: reject rules=ext" ]
	[ "${lines[1]}" = "$TMP/box:2: pass" ]
}

@test "policy: --explain shows where personal data and keywords were found, masked" {
	rules <<-EOF
	[keywords secret]
	words = 社外秘, confidential
	[rule pii]
	if = phone >= 2 and keyword.secret >= 1
	action = reject
	EOF
	mkmsg "$TMP/p.eml" --to x@customer.example.com --subject "社外秘 資料" \
	    --body "連絡先 ０９０－１２３４－５６７８ または 03-9876-5432、再掲 090-1234-5678。" \
	    --attach note.txt:0:text/plain
	run mp-policy --explain --now "$NOW" "$TMP/p.eml"
	[ "$status" -eq 1 ]
	[ "${lines[1]}" = "  pii: match: reject" ]
	[ "${lines[2]}" = "  found: keyword secret 社外秘 in subject" ]
	[ "${lines[3]}" = "  found: phone 09*****5678 in body" ]
	[ "${lines[4]}" = "  found: phone 03****5432 in body" ]
	[ "${#lines[@]}" -eq 5 ]
	[[ "$output" != *1234* && "$output" != *9876* ]]
	run mp-policy --json --now "$NOW" "$TMP/p.eml"
	[ "$(json 'd["facts"]' <<<"$output")" = "{'phone': 2, 'keyword.secret': 1}" ]
}

@test "policy: --explain of an outside window says where the time is" {
	rules <<-EOF
	[rule after-hours]
	time = outside workday 09:00-19:00
	action = reject
	EOF
	run mp-policy --explain --now "$NOW" <"$M"
	[ "${lines[1]}" = "  after-hours: no: time: 2026-11-30 10:00 Mon is inside workday 09:00-19:00" ]
	run mp-policy --explain --now "2026-11-30 20:00" <"$M"
	[ "${lines[1]}" = "  after-hours: match: reject" ]
}

@test "policy: the demo (make demo) runs the sample policy on the sample mail" {
	run sh "$ROOT/scripts/demo" "$MP_BIN"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"hold 5m actions=bccify rules=many-external,hold-external"* ]]
	[[ "$output" == *"reject rules=after-hours,many-external,hold-external"* ]]
	[[ "$output" == *"identical outside To, Cc and the X-MP- lines"* ]]
}
