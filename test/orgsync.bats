#!/usr/bin/env bats
# mp-orgsync: HR export + org.conf -> checked, diffed, published snapshot

load helper
bats_require_minimum_version 1.5.0

ORG=$TESTDATA/org

setup() {
	setup_tmp
	D=$TMP/org
	printf '[orgsync]\norg-conf = %s\ndir = %s\n' "$ORG/org.conf" "$D" \
	    >"$TMP/mp.conf"
	export MP_CONFIG=$TMP/mp.conf
}

teardown() {
	teardown_tmp
}

# export_without ID... - the example export minus some employees
export_without() {
	local pat
	pat=$(printf '^%s,\\|' "$@")
	grep -v "${pat%\\|}" "$ORG/hr.csv"
}

events() {
	python3 -c 'import json,sys
for l in sys.stdin:
    d = json.loads(l)
    print(d["event"], d.get("address") or "%s %s" % (d["unit"], d["group"]))'
}

@test "the example org publishes: a generation, the current link, joined events" {
	run --separate-stderr mp-orgsync "$ORG/hr.csv"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ -L "$D/current" ]
	gen=$(readlink "$D/current")
	[[ "$gen" == org-20*.cdb ]]
	[ -f "$D/$gen" ]
	[ "$(grep -c '"event":"joined"' <<<"$output")" -eq 24 ]
	# one superiors group and one members group per unit
	[ "$(grep -c '"event":"group-created"' <<<"$output")" -eq 32 ]
	grep -q '"event":"joined","address":"sato@example.co.jp","id":"E005","name":"佐藤 花子","posts":\[{"unit":"100/110/111","title":"50","primary":true}\]' <<<"$output"
}

@test "--explain: posts, pattern, and each superior with its reason" {
	mp-orgsync "$ORG/hr.csv" >/dev/null
	run mp-orgsync --explain Sato@Example.CO.JP
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "佐藤 花子 <sato@example.co.jp>, employee E005 (generation "* ]]
	[ "${lines[1]}" = "  post 100/110/111, title 50, primary, pattern default: member" ]
	[ "${lines[4]}" = "    kacho111@example.co.jp (営業一課長 木村 誠): head of section 100/110/111" ]
	[ "${lines[5]}" = "    bucho110@example.co.jp (営業一部長 井上 健): head of department 100/110 (higher up)" ]
	run mp-orgsync --explain member320@example.co.jp
	[ "${lines[4]}" = "    yamada@example.co.jp (山田 太郎): head of department 300/320" ]
	run mp-orgsync --explain cc-head2@example.co.jp
	[[ "$output" == *"cc-special@example.co.jp (統括SV 石井 学): special title 15 in division 900"* ]]
	[[ "$output" == *"cc-head@example.co.jp (コールセンター第一部長 岡田 聡): peer: head of department 900/910"* ]]
	run mp-orgsync --explain unit1201@example.co.jp
	[[ "$output" == *"    approver@example.co.jp: fallback for unit 100/120"* ]]
	run mp-orgsync --explain bucho110@example.co.jp
	[[ "$output" == *"no superior: external mail is refused (no-superior-defined)"* ]]
	run mp-orgsync --explain nobody@example.co.jp
	[ "$status" -eq 1 ]
	[[ "$output" == "nobody@example.co.jp: not in the org snapshot (generation "*"): mail from this address is refused as unknown-sender" ]]
}

@test "a CP932 export (as HR systems on Windows write it) is read the same" {
	mp-orgsync --dir "$TMP/u" "$ORG/hr.csv" >/dev/null
	iconv -f UTF-8 -t CP932 "$ORG/hr.csv" | sed 's/$/\r/' >"$TMP/hr-sjis.csv"
	refute iconv -f UTF-8 -t UTF-8 "$TMP/hr-sjis.csv" >/dev/null 2>&1
	run mp-orgsync --dir "$TMP/s" "$TMP/hr-sjis.csv"
	[ "$status" -eq 0 ]
	for a in sato member320 cc-op1; do
		diff <(mp-orgsync --dir "$TMP/u" --explain $a@example.co.jp |
		    sed 1d) <(mp-orgsync --dir "$TMP/s" --explain $a@example.co.jp |
		    sed 1d)
	done
	run mp-orgsync --dir "$TMP/s2" --encoding CP932 "$TMP/hr-sjis.csv"
	[ "$status" -eq 0 ]
}

@test "a UTF-8 export with a byte order mark and CRLF line ends" {
	{ printf '\xef\xbb\xbf'; sed 's/$/\r/' "$ORG/hr.csv"; } >"$TMP/hr.csv"
	run mp-orgsync "$TMP/hr.csv"
	[ "$status" -eq 0 ]
	run mp-orgsync --explain sato@example.co.jp
	[[ "${lines[0]}" == "佐藤 花子 <sato@example.co.jp>"* ]]
}

@test "wrong or unknown encodings are errors, not mojibake (65)" {
	iconv -f UTF-8 -t CP932 "$ORG/hr.csv" >"$TMP/hr-sjis.csv"
	run mp-orgsync --encoding UTF-8 "$TMP/hr-sjis.csv"
	[ "$status" -eq 65 ]
	[[ "$output" == *"not UTF-8 text"* ]]
	[[ "$output" == *"nothing published"* ]]
	run mp-orgsync --encoding NO-SUCH-CHARSET "$ORG/hr.csv"
	[ "$status" -eq 65 ]
	[ ! -e "$D/current" ]
}

@test "every problem is reported with its CSV line; nothing is published" {
	mp-orgsync "$ORG/hr.csv" >/dev/null
	before=$(readlink "$D/current")
	{ cat "$ORG/hr.csv"
	  echo 'E005,sato2@example.co.jp,佐藤 花子,100,110,111,,50,0'
	  echo 'E900,,名無し,100,110,,,50,0'
	  echo 'E901,not an address,誰か,100,110,,,50,0'
	  echo 'E902,odd@example.co.jp,変な役職,100,110,,,88,0'
	  echo 'E903,conc@example.co.jp,兼務のみ,100,110,,,50,1'
	  echo 'E904,sato@example.co.jp,同じアドレス,100,110,,,50,0'
	  echo 'E905,flag@example.co.jp,兼務フラグ,100,110,,,50,yes'
	  echo 'E906,nounit@example.co.jp,所属なし,,,,,50,0'
	  echo ',noid@example.co.jp,番号なし,100,,,,50,0'
	  echo 'E003,bucho110@example.co.jp,営業一部長 井上 健,300,310,,,20,0'
	} >"$TMP/bad.csv"
	run --separate-stderr mp-orgsync "$TMP/bad.csv"
	[ "$status" -eq 65 ]
	[ -z "$output" ]
	f=$TMP/bad.csv
	grep -qF "$f:28: employee E005 has two addresses: sato@example.co.jp (line 5) and sato2@example.co.jp" <<<"$stderr"
	grep -qF "$f:28: duplicate primary post for employee E005 (first at line 5)" <<<"$stderr"
	grep -qF "$f:29: empty email" <<<"$stderr"
	grep -qF "$f:30: malformed email address: not an address" <<<"$stderr"
	grep -qF "$f:31: title 88 is not named by [pattern default] (unit 100/110)" <<<"$stderr"
	grep -qF "$f:32: employee E903 has no primary post (concurrent = 0)" <<<"$stderr"
	grep -qF "$f:33: address sato@example.co.jp belongs to employee E005 (line 5) and E904" <<<"$stderr"
	grep -qF "$f:34: concurrent must be 0 or 1, not yes" <<<"$stderr"
	grep -qF "$f:35: no org code in any of the level columns" <<<"$stderr"
	grep -qF "$f:36: empty employee_id" <<<"$stderr"
	grep -qF "$f:37: duplicate primary post for employee E003 (first at line 3)" <<<"$stderr"
	[[ "$stderr" == *"mp-orgsync: $f: 11 problems in the export; nothing published" ]]
	[ "$(readlink "$D/current")" = "$before" ]
}

@test "a missing column is named, with the header line" {
	cut -d, -f1-7,9 "$ORG/hr.csv" >"$TMP/no-title.csv"
	run mp-orgsync "$TMP/no-title.csv"
	[ "$status" -eq 65 ]
	[[ "$output" == *"$TMP/no-title.csv:1: missing column title"* ]]
}

@test "columns can be renamed in [orgsync]" {
	sed '1s/.*/社員番号,mail,氏名,本部,部,課,係,役職,兼務/' "$ORG/hr.csv" \
	    >"$TMP/renamed.csv"
	cat >>"$TMP/mp.conf" <<-'EOF'
	column.employee_id = 社員番号
	column.email = mail
	column.name = 氏名
	column.division = 本部
	column.department = 部
	column.section = 課
	column.unit = 係
	column.title = 役職
	column.concurrent = 兼務
	EOF
	run mp-orgsync "$TMP/renamed.csv"
	[ "$status" -eq 0 ]
	run mp-orgsync --explain sato@example.co.jp
	[[ "$output" == *"kacho111@example.co.jp"* ]]
}

@test "a truncated morning upload is refused; --force publishes it" {
	mp-orgsync "$ORG/hr.csv" >/dev/null
	before=$(readlink "$D/current")
	export_without E020 E021 E022 E023 >"$TMP/short.csv"
	run --separate-stderr mp-orgsync "$TMP/short.csv"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"refusing to publish: 20 people, 17% fewer than the 24 of generation"*"(more than max-drop 10%); check the export, or use --force"* ]]
	[ "$(readlink "$D/current")" = "$before" ]
	printf 'max-drop = 20\n' >>"$TMP/mp.conf"
	sleep 1
	run mp-orgsync "$TMP/short.csv"
	[ "$status" -eq 0 ]
	[ "$(readlink "$D/current")" != "$before" ]
}

@test "--force overrides the drop check" {
	mp-orgsync "$ORG/hr.csv" >/dev/null
	export_without E020 E021 E022 E023 E025 >"$TMP/short.csv"
	run mp-orgsync "$TMP/short.csv"
	[ "$status" -eq 65 ]
	run mp-orgsync --force "$TMP/short.csv"
	[ "$status" -eq 0 ]
}

@test "the change set: joined, left, moved, title-changed, group changes only" {
	mp-orgsync "$ORG/hr.csv" >/dev/null
	export_without E009 | sed \
	    -e 's/^E007,kato@example.co.jp,加藤 亮,100,110,112,,50,0$/E007,kato@example.co.jp,加藤 亮,100,120,121,,50,0/' \
	    -e 's/^E006,ito@example.co.jp,伊藤 翔,100,110,111,,40,0$/E006,ito@example.co.jp,伊藤 翔,100,110,111,,30,0/' \
	    >"$TMP/next.csv"
	echo 'E040,new@example.co.jp,新人 太郎,300,310,311,,50,0' >>"$TMP/next.csv"
	sleep 1
	run mp-orgsync "$TMP/next.csv"
	[ "$status" -eq 0 ]
	events <<<"$output" >"$TMP/ev"
	grep -qx 'joined new@example.co.jp' "$TMP/ev"
	grep -qx 'left member121@example.co.jp' "$TMP/ev"
	grep -qx 'moved kato@example.co.jp' "$TMP/ev"
	grep -qx 'title-changed ito@example.co.jp' "$TMP/ev"
	grep -q '"event":"title-changed","address":"ito@example.co.jp","id":"E006","name":"伊藤 翔","unit":"100/110/111","from":"40","to":"30"' <<<"$output"
	grep -q '"event":"moved","address":"kato@example.co.jp".*"from":\["100/110/112"\],"to":\["100/120/121"\]' <<<"$output"
	# ito now heads 100/110/111 as well: its members' superiors grew
	grep -q '"event":"group-changed","unit":"100/110/111","level":"section","group":"superiors","added":\["ito@example.co.jp"\],"removed":\[\]' <<<"$output"
	grep -q '"event":"group-changed","unit":"300/310/311","level":"section","group":"members","added":\["new@example.co.jp"\],"removed":\[\]' <<<"$output"
	# 100/110/112 lost its only member: both of its groups go
	grep -qx 'group-deleted 100/110/112 superiors' "$TMP/ev"
	grep -qx 'group-deleted 100/110/112 members' "$TMP/ev"
	# nothing about units that did not change
	refute grep -q '"unit":"900/' <<<"$output"
	[ "$(wc -l <"$TMP/ev")" -eq 9 ]
}

@test "--changes FILE receives the change set; stdout stays empty" {
	run mp-orgsync --changes "$TMP/changes.jsonl" "$ORG/hr.csv"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(grep -c joined "$TMP/changes.jsonl")" -eq 24 ]
	[ ! -e "$TMP/changes.jsonl.tmp" ]
}

@test "--dry-run checks and diffs but publishes nothing" {
	run mp-orgsync --dry-run -v "$ORG/hr.csv"
	[ "$status" -eq 0 ]
	[ ! -e "$D/current" ]
	[[ "$output" == *"would publish generation"* ]]
	[ "$(grep -c '"event":"joined"' <<<"$output")" -eq 24 ]
}

@test "generations: --list, --rollback, --rollback GEN, keep" {
	printf 'keep = 2\n' >>"$TMP/mp.conf"
	mp-orgsync "$ORG/hr.csv" >/dev/null
	first=$(readlink "$D/current")
	sleep 1
	mp-orgsync "$ORG/hr.csv" >/dev/null
	second=$(readlink "$D/current")
	[ "$first" != "$second" ]
	run mp-orgsync --list
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[1]}" = "$(basename "$second" .cdb | sed 's/^org-//') (current)" ]
	run mp-orgsync --rollback
	[ "$status" -eq 0 ]
	[ "$(readlink "$D/current")" = "$first" ]
	run mp-orgsync --rollback
	[ "$status" -eq 66 ]
	g=$(basename "$second" .cdb | sed 's/^org-//')
	run mp-orgsync --rollback "$g"
	[ "$output" = "current: $g" ]
	[ "$(readlink "$D/current")" = "$second" ]
	run mp-orgsync --rollback 19990101T000000Z
	[ "$status" -eq 66 ]
	sleep 1
	mp-orgsync "$ORG/hr.csv" >/dev/null
	[ "$(ls "$D" | grep -c '^org-.*\.cdb$')" -eq 2 ]
	[ ! -e "$D/$first" ]
}

@test "a second mp-orgsync while one publishes gets 75" {
	mkdir -p "$D"
	exec 9>"$D/.lock"
	flock 9
	run mp-orgsync "$ORG/hr.csv"
	exec 9>&-
	[ "$status" -eq 75 ]
	[[ "$output" == *"another mp-orgsync is publishing"* ]]
}

@test "org.conf mistakes are configuration errors with file and line (78)" {
	for bad in 'bogus = 1:[org]' 'levels = a;b;a:[org]' 'chain = maybe:[org]' \
	    'head.floor = 10:[pattern default]' 'colour = red:[pattern default]' \
	    'head.section = 20:[pattern default]' 'x.1 = a@b.example:[fallback]' \
	    'unit.1 = not-an-address:[fallback]'; do
		key=${bad%%:*} section=${bad#*:}
		awk -v s="$section" -v k="$key" '{ print } $0 == s { print k }' \
		    "$ORG/org.conf" >"$TMP/org.conf"
		run mp-orgsync --org "$TMP/org.conf" "$ORG/hr.csv"
		[ "$status" -eq 78 ]
		[[ "$output" == *"($TMP/org.conf:"[0-9]*")"* ]]
	done
	printf '[weird]\n' >>"$TMP/org.conf"
	run mp-orgsync --org "$TMP/org.conf" "$ORG/hr.csv"
	[ "$status" -eq 78 ]
	run mp-orgsync --org "$TMP/missing.conf" "$ORG/hr.csv"
	[ "$status" -eq 78 ]
	printf '[org]\n' >"$TMP/empty.conf"
	run mp-orgsync --org "$TMP/empty.conf" "$ORG/hr.csv"
	[ "$status" -eq 78 ]
	[[ "$output" == *"no [pattern NAME] section"* ]]
}

@test "a title that no pattern names for its unit is a data error (65)" {
	sed 's/^units = \*$/units = 100;100\/*;300;300\/*/' "$ORG/org.conf" \
	    >"$TMP/org.conf"
	echo 'E050,far@example.co.jp,遠方,500,510,,,50,0' >"$TMP/hr.csv"
	cat "$ORG/hr.csv" - <"$TMP/hr.csv" >"$TMP/hr2.csv"
	run mp-orgsync --org "$TMP/org.conf" "$TMP/hr2.csv"
	[ "$status" -eq 65 ]
	[[ "$output" == *"$TMP/hr2.csv:28: no [pattern] matches unit 500/510"* ]]
}

@test "missing input 66, uncreatable snapshot directory 73, usage 64" {
	run mp-orgsync "$TMP/missing.csv"
	[ "$status" -eq 66 ]
	run mp-orgsync --dir /dev/null/org "$ORG/hr.csv"
	[ "$status" -eq 73 ]
	run mp-orgsync
	[ "$status" -eq 64 ]
	run mp-orgsync --list --rollback
	[ "$status" -eq 64 ]
	run mp-orgsync --explain a@b.example extra
	[ "$status" -eq 64 ]
	run mp-orgsync --bogus
	[ "$status" -eq 64 ]
}

@test "--help and --version" {
	run mp-orgsync --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: mp-orgsync "* ]]
	run mp-orgsync --version
	[[ "$output" == "mp-orgsync "[0-9]* ]]
}

@test "a head title on a post without that level is a warning, not a head" {
	{ cat "$ORG/hr.csv"
	  echo 'E070,tanto@example.co.jp,担当課長 村上,100,110,,,30,0'; } >"$TMP/hr.csv"
	run --separate-stderr mp-orgsync "$TMP/hr.csv"
	[ "$status" -eq 0 ]
	[ "$stderr" = "mp-orgsync: warning: $TMP/hr.csv:28: title 30 heads a section, but the post has no section code: it heads nothing" ]
	run mp-orgsync --explain tanto@example.co.jp
	[[ "$output" == *"pattern default: member"* ]]
}

@test "the change set is kept beside its generation; a renamed person is reported" {
	mp-orgsync "$ORG/hr.csv" >/dev/null
	sed 's/^E005,sato@example.co.jp,佐藤 花子,/E005,sato@example.co.jp,田中 花子,/' \
	    "$ORG/hr.csv" >"$TMP/hr.csv"
	sleep 1
	run mp-orgsync "$TMP/hr.csv"
	[ "$status" -eq 0 ]
	[ "$output" = '{"event":"renamed","address":"sato@example.co.jp","id":"E005","name":"田中 花子","from":"佐藤 花子"}' ]
	gen=$(readlink "$D/current" | sed 's/^org-//; s/\.cdb$//')
	[ "$(cat "$D/org-$gen.changes")" = "$output" ]
	# stdout fails: the generation is live and its change set kept
	sleep 1
	run sh -c 'mp-orgsync "$1" >/dev/full' sh "$ORG/hr.csv"
	[ "$status" -eq 75 ]
	[[ "$output" == *"is published and its change set kept in $D/org-"*".changes, but: write to standard output: No space left on device" ]]
}

@test "[orgsync] column.NAME must name a column of the export" {
	printf 'column.mail = mail\n' >>"$TMP/mp.conf"
	run mp-orgsync "$ORG/hr.csv"
	[ "$status" -eq 78 ]
	[[ "$output" == *"unknown key [orgsync] column.mail: not a column of the export"* ]]
}

@test "--encoding UTF-8 skips a byte order mark too" {
	{ printf '\xef\xbb\xbf'; cat "$ORG/hr.csv"; } >"$TMP/hr.csv"
	run mp-orgsync --encoding UTF-8 "$TMP/hr.csv"
	[ "$status" -eq 0 ]
}

@test "--dry-run leaves no trace: no directory, no lock" {
	run mp-orgsync --dry-run "$ORG/hr.csv"
	[ "$status" -eq 0 ]
	[ ! -e "$D" ]
}

# flip FILE OFFSET - invert one bit of the byte at OFFSET
flip() {
	python3 - "$1" "$2" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2]))
    b = f.read(1)
    f.seek(int(sys.argv[2]))
    f.write(bytes([b[0] ^ 1]))
PY
}

@test "a snapshot one byte short, or with a bit flipped anywhere a lookup reads, fails closed (75)" {
	mp-orgsync "$ORG/hr.csv" >/dev/null
	printf '[domains]\ninternal = example.co.jp\n' >"$TMP/cc.conf"
	good=$TMP/good
	cp "$D/$(readlink "$D/current")" "$good"
	size=$(stat -c %s "$good")
	msg=$ORG/mail/01-member-cc-section-head.eml
	cp "$good" "$TMP/snap"
	run mp-ccguard -c "$TMP/cc.conf" --snapshot "$TMP/snap" "$msg"
	[ "$status" -eq 0 ]
	head -c $((size - 1)) "$good" >"$TMP/snap"
	run mp-ccguard -c "$TMP/cc.conf" --snapshot "$TMP/snap" "$msg"
	[ "$status" -eq 75 ]
	[[ "$output" == *"org snapshot is corrupt"* ]]
	# a flip in the header, the middle, the checksum table, the trailer:
	# never a verdict other than the right one, most often 75
	for at in 10 2100 $((size / 2)) $((size - 40)) $((size - 3)); do
		cp "$good" "$TMP/snap"
		flip "$TMP/snap" "$at"
		run mp-ccguard -c "$TMP/cc.conf" --snapshot "$TMP/snap" "$msg"
		[ "$status" -eq 75 ] || [ "$status" -eq 0 ]
	done
	for at in 10 $((size - 40)) $((size - 3)); do
		cp "$good" "$TMP/snap"
		flip "$TMP/snap" "$at"
		run mp-ccguard -c "$TMP/cc.conf" --snapshot "$TMP/snap" "$msg"
		[ "$status" -eq 75 ]
	done
}

@test "a flipped bit in the sender's own record is 75, not unknown-sender" {
	sed 's/^unknown-sender = reject/unknown-sender = pass/' "$ORG/org.conf" \
	    >"$TMP/org.conf"
	sed -i "s|^org-conf = .*|org-conf = $TMP/org.conf|" "$TMP/mp.conf"
	run mp-orgsync "$ORG/hr.csv"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	printf '[domains]\ninternal = example.co.jp\n' >"$TMP/cc.conf"
	snap=$D/$(readlink "$D/current")
	# the byte after "p:sato@example.co.jp" in its record: the key
	at=$(python3 -c 'import sys
d = open(sys.argv[1], "rb").read()
print(d.index(b"p:sato@example.co.jp") + 3)' "$snap")
	flip "$snap" "$at"
	run mp-ccguard -c "$TMP/cc.conf" --snapshot "$D/current" \
	    "$ORG/mail/06-colleague-not-superior.eml"
	[ "$status" -eq 75 ]
	[[ "$output" == *"fails its checksum"* ]]
}

@test "a FIFO as the snapshot is refused at once (75), never waited on" {
	mkfifo "$TMP/fifo"
	printf '[domains]\ninternal = example.co.jp\n' >"$TMP/cc.conf"
	run timeout 10 mp-ccguard -c "$TMP/cc.conf" --snapshot "$TMP/fifo" \
	    "$ORG/mail/01-member-cc-section-head.eml"
	[ "$status" -eq 75 ]
	[[ "$output" == *"not a regular file"* ]]
}

@test "a snapshot written before checksums is refused with a way out" {
	mp-orgsync "$ORG/hr.csv" >/dev/null
	snap=$D/$(readlink "$D/current")
	# the cdb alone, as mp-orgsync wrote it before the checksums
	python3 -c 'import sys
d = open(sys.argv[1], "rb").read()
n = int.from_bytes(d[-24:-20], "little")
open(sys.argv[1], "wb").write(d[:n])' "$snap"
	printf '[domains]\ninternal = example.co.jp\n' >"$TMP/cc.conf"
	run mp-ccguard -c "$TMP/cc.conf" --snapshot "$D/current" \
	    "$ORG/mail/01-member-cc-section-head.eml"
	[ "$status" -eq 75 ]
	[[ "$output" == *"publish it again"* ]]
	# the next publication replaces it
	run mp-orgsync --force "$ORG/hr.csv"
	[ "$status" -eq 0 ]
	run mp-ccguard -c "$TMP/cc.conf" --snapshot "$D/current" \
	    "$ORG/mail/01-member-cc-section-head.eml"
	[ "$status" -eq 0 ]
}

@test "temporary files of a killed publication are removed by the next" {
	mp-orgsync "$ORG/hr.csv" >/dev/null
	: >"$D/.org-20260101T000000Z.cdb.tmp"
	: >"$D/.current.tmp"
	run mp-orgsync "$ORG/hr.csv"
	[ "$status" -eq 0 ]
	[ ! -e "$D/.org-20260101T000000Z.cdb.tmp" ]
	[ ! -e "$D/.current.tmp" ]
	# a killed run: SIGKILL while it writes
	python3 "$TESTDATA/../scripts/mkorg.py" "$TMP/big" --people 20000 \
	    --posts 25000 --units 2000 --seed 7 --messages 1 \
	    --domain example.co.jp 2>/dev/null
	printf '[orgsync]\norg-conf = %s\ndir = %s\n' "$TMP/big/org.conf" \
	    "$TMP/bigorg" >"$TMP/big.conf"
	mp-orgsync -c "$TMP/big.conf" "$TMP/big/hr.csv" >/dev/null
	mp-orgsync -c "$TMP/big.conf" --force "$TMP/big/hr2.csv" >/dev/null &
	pid=$!
	for _ in $(seq 200); do
		ls "$TMP/bigorg"/.org-*.cdb.tmp >/dev/null 2>&1 && break
		sleep 0.02
	done
	kill -9 "$pid"
	wait "$pid" || true
	mp-orgsync -c "$TMP/big.conf" --force "$TMP/big/hr2.csv" >/dev/null
	run ls -A "$TMP/bigorg"
	[[ "$output" != *".tmp"* ]]
	# and what is current checks
	run mp-orgsync -c "$TMP/big.conf" --explain nobody@example.co.jp
	[ "$status" -eq 1 ]
}

@test "a failed directory sync after the switch warns; the generation is in force (0)" {
	need_faultshim
	mp-orgsync "$ORG/hr.csv" >/dev/null
	before=$(readlink "$D/current")
	export_without 1003 >"$TMP/hr.csv"
	run --separate-stderr faulty after:current,fsync-dir mp-orgsync -c "$TMP/mp.conf" \
	    --force "$TMP/hr.csv"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[[ "$stderr" == *"could not be synced"* ]]
	[ "$(readlink "$D/current")" != "$before" ]
	# a sync that fails before the switch is still a failure, and the
	# old generation stays
	before=$(readlink "$D/current")
	run faulty fsync mp-orgsync -c "$TMP/mp.conf" "$ORG/hr.csv"
	[ "$status" -eq 74 ]
	[[ "$output" == *"Input/output error"* ]]
	[ "$(readlink "$D/current")" = "$before" ]
}

@test "encoding: half-width katakana CP932 that is valid UTF-8 is read as CP932" {
	C=$TESTDATA/charset
	run mp-orgsync "$C/hr-hankaku.csv"
	[ "$status" -eq 0 ]
	run mp-orgsync --explain president@example.co.jp
	[[ "${lines[0]}" == "ﾏｷ ﾐｶ <president@example.co.jp>"* ]]
	# the same bytes, as UTF-8 on request, are the Greek and Cyrillic
	run mp-orgsync --encoding UTF-8 "$C/hr-hankaku.csv"
	[ "$status" -eq 0 ]
	run mp-orgsync --explain president@example.co.jp
	[[ "${lines[0]}" == "Ϸ ж <president@example.co.jp>"* ]]
	# Japanese in the UTF-8 reading settles it: UTF-8
	run mp-orgsync "$ORG/hr.csv"
	run mp-orgsync --explain sato@example.co.jp
	[[ "${lines[0]}" == "佐藤 花子 <sato@example.co.jp>"* ]]
}

@test "encoding: Latin-only UTF-8 that is also CP932 katakana is refused (65)" {
	C=$TESTDATA/charset
	run --separate-stderr mp-orgsync "$C/hr-latin.csv"
	[ "$status" -eq 65 ]
	[ "$stderr" = "mp-orgsync: $C/hr-latin.csv: cannot tell the encoding: valid UTF-8 (Latin letters) and valid CP932 (Japanese); give --encoding; nothing published" ]
	[ ! -e "$D/current" ]
	run mp-orgsync --encoding UTF-8 "$C/hr-latin.csv"
	[ "$status" -eq 0 ]
	run mp-orgsync --explain president@example.co.jp
	[[ "${lines[0]}" == "José Müller <president@example.co.jp>"* ]]
}

@test "encoding: an invalid CP932 byte is reported with its file and line" {
	C=$TESTDATA/charset
	for e in "" --encoding=CP932; do
		run --separate-stderr mp-orgsync $e "$C/hr-bad-cp932.csv"
		[ "$status" -eq 65 ]
		[ "$stderr" = "mp-orgsync: $C/hr-bad-cp932.csv:5: not CP932 text: invalid byte 0x85; nothing published" ]
	done
}

@test "encoding: a byte order mark means UTF-8; with another --encoding it is refused" {
	{ printf '\xef\xbb\xbf'; cat "$TESTDATA/charset/hr-hankaku.csv"; } >"$TMP/bom.csv"
	# a BOM overrides the katakana guess: the file says it is UTF-8
	run mp-orgsync "$TMP/bom.csv"
	[ "$status" -eq 0 ]
	run mp-orgsync --explain president@example.co.jp
	[[ "${lines[0]}" == "Ϸ ж <president@example.co.jp>"* ]]
	run --separate-stderr mp-orgsync --dir "$TMP/o2" --encoding CP932 "$TMP/bom.csv"
	[ "$status" -eq 65 ]
	[ "$stderr" = "mp-orgsync: $TMP/bom.csv: starts with a UTF-8 byte order mark, but the encoding is CP932; nothing published" ]
	{ printf '\xef\xbb\xbf'; cat "$TESTDATA/charset/hr-bad-cp932.csv"; } >"$TMP/bom.csv"
	run --separate-stderr mp-orgsync --dir "$TMP/o2" "$TMP/bom.csv"
	[ "$status" -eq 65 ]
	[ "$stderr" = "mp-orgsync: $TMP/bom.csv:5: not UTF-8 text after a UTF-8 byte order mark: invalid byte 0x85; nothing published" ]
}

@test "under umask 077 the snapshot is still readable by the filter's account" {
	run sh -c 'umask 077 && exec mp-orgsync "$1"' sh "$ORG/hr.csv"
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$D")" = 755 ]
	[ "$(stat -c %a "$D/$(readlink "$D/current")")" = 644 ]
	gen=$(readlink "$D/current")
	[ "$(stat -c %a "$D/${gen%.cdb}.changes")" = 644 ]
	# a directory the administrator made keeps its mode
	chmod 750 "$D"
	run sh -c 'umask 077 && exec mp-orgsync --force "$1"' sh "$ORG/hr.csv"
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$D")" = 750 ]
}

@test "[org] levels: eight org-code columns are read; nine, or none, are refused (78)" {
	printf '[org]\nlevels = l1;l2;l3;l4;l5;l6;l7;l8\n[pattern all]\nunits = *\nhead.l1 = 10\nmembers = 50\n' \
	    >"$TMP/org8.conf"
	{
		echo 'employee_id,email,name,l1,l2,l3,l4,l5,l6,l7,l8,title,concurrent'
		echo 'E1,boss@example.co.jp,Boss,1,,,,,,,,10,0'
		echo 'E2,deep@example.co.jp,Deep,1,2,3,4,5,6,7,8,50,0'
	} >"$TMP/hr8.csv"
	run mp-orgsync --org "$TMP/org8.conf" "$TMP/hr8.csv"
	[ "$status" -eq 0 ]
	run mp-orgsync --explain deep@example.co.jp
	[ "$status" -eq 0 ]
	[[ "$output" == *"post 1/2/3/4/5/6/7/8, title 50, primary"* ]]
	[[ "$output" == *"boss@example.co.jp (Boss): head of l1 1"* ]]
	sed 's/^levels = .*/&;l9/' "$TMP/org8.conf" >"$TMP/org9.conf"
	run mp-orgsync --org "$TMP/org9.conf" "$TMP/hr8.csv"
	[ "$status" -eq 78 ]
	[[ "$output" == *"[org] levels must name 1 to 8 org-code columns ($TMP/org9.conf:2)"* ]]
	sed 's/^levels = .*/levels =/' "$TMP/org8.conf" >"$TMP/org0.conf"
	run mp-orgsync --org "$TMP/org0.conf" "$TMP/hr8.csv"
	[ "$status" -eq 78 ]
	[[ "$output" == *"[org] levels must name 1 to 8 org-code columns ($TMP/org0.conf:2)"* ]]
}

@test "keep = 1 keeps the generation in force alone" {
	printf 'keep = 1\n' >>"$TMP/mp.conf"
	mp-orgsync "$ORG/hr.csv" >/dev/null
	sleep 1
	mp-orgsync "$ORG/hr.csv" >/dev/null
	[ "$(ls "$D" | grep -c '^org-.*\.cdb$')" -eq 1 ]
	[ "$(ls "$D" | grep -c '^org-.*\.changes$')" -eq 1 ]
	[ -f "$D/$(readlink "$D/current")" ]
	run mp-orgsync --rollback
	[ "$status" -eq 66 ]
}

@test "max-drop at its edges: exactly max-drop per cent fewer publishes, one more is refused" {
	printf 'max-drop = 25\n' >>"$TMP/mp.conf"
	mp-orgsync "$ORG/hr.csv" >/dev/null
	export_without E020 E021 E022 E023 E025 E005 >"$TMP/18.csv"
	export_without E020 E021 E022 E023 E025 E005 E006 >"$TMP/17.csv"
	run --separate-stderr mp-orgsync "$TMP/17.csv"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"refusing to publish: 17 people, 30% fewer than the 24 of generation"*"(more than max-drop 25%)"* ]]
	run mp-orgsync "$TMP/18.csv"
	[ "$status" -eq 0 ]
	# 0: not one person fewer
	sed -i 's/^max-drop = .*/max-drop = 0/' "$TMP/mp.conf"
	run mp-orgsync "$TMP/18.csv"
	[ "$status" -eq 0 ]
	run mp-orgsync "$TMP/17.csv"
	[ "$status" -eq 65 ]
	# 100: the check is off
	sed -i 's/^max-drop = .*/max-drop = 100/' "$TMP/mp.conf"
	head -2 "$ORG/hr.csv" >"$TMP/1.csv"
	run mp-orgsync "$TMP/1.csv"
	[ "$status" -eq 0 ]
}
