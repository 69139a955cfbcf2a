#!/usr/bin/env bats
# mp-ccguard: external mail needs one of the sender's superiors in To/Cc

load helper
bats_require_minimum_version 1.5.0

ORG=$TESTDATA/org

setup() {
	setup_tmp
	D=$TMP/org
	cat >"$TMP/mp.conf" <<-EOF
	[domains]
	internal = example.co.jp
	semi-internal = group.example.jp
	[orgsync]
	org-conf = $ORG/org.conf
	dir = $D
	[ccguard]
	snapshot = $D/current
	EOF
	export MP_CONFIG=$TMP/mp.conf
	mp-orgsync "$ORG/hr.csv" >/dev/null
}

teardown() {
	teardown_tmp
}

# org_with KEY=VALUE - republish the example org with one [org] setting
org_with() {
	sed "s/^${1%%=*} = .*/${1%%=*} = ${1#*=}/" "$ORG/org.conf" >"$TMP/org.conf"
	sleep 1
	mp-orgsync --org "$TMP/org.conf" "$ORG/hr.csv" >/dev/null
}

json() {
	python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

@test "every example message gets the verdict and reason it expects" {
	for f in "$ORG"/mail/*.eml; do
		want=$(sed -n 's/^X-Expect: //p' "$f")
		run mp-ccguard "$f"
		[[ "$output" == "$f: "* ]]
		got=$(awk '{ sub("reason=", "", $3); print $2, $3 }' <<<"$output")
		[ "$got" = "$want" ] || { echo "$f: want '$want', got '$output'"; false; }
		case $want in
		pass*) [ "$status" -eq 0 ] ;;
		refuse*) [ "$status" -eq 1 ] ;;
		esac
	done
}

@test "a refusal names the sender and the superiors who would do" {
	run mp-ccguard <"$ORG/mail/06-colleague-not-superior.eml"
	[ "$status" -eq 1 ]
	[ "$output" = "refuse reason=no-superior sender=sato@example.co.jp superiors=kacho111@example.co.jp,bucho110@example.co.jp" ]
	run mp-ccguard <"$ORG/mail/01-member-cc-section-head.eml"
	[ "$output" = "pass reason=superior-present sender=sato@example.co.jp superior=kacho111@example.co.jp" ]
}

@test "--json: verdict, reason, and superiors with names and reasons" {
	mp-ccguard --json "$ORG/mail/06-colleague-not-superior.eml" >"$TMP/j" ||
	    true
	[ "$(json 'd["verdict"], d["reason"], d["sender"], d["external"]' <"$TMP/j")" = "refuse no-superior sato@example.co.jp 1" ]
	[ "$(json 'd["superiors"][0]["name"]' <"$TMP/j")" = "営業一課長 木村 誠" ]
	[ "$(json 'd["superiors"][1]["reason"]' <"$TMP/j")" = "head of department 100/110 (higher up)" ]
	[ "$(json 'len(d["present"])' <"$TMP/j")" = 0 ]
	[ "$(json 'd["source"]' <"$TMP/j")" = "$ORG/mail/06-colleague-not-superior.eml" ]
}

@test "-a adds X-MP-Ccguard, exits 0 either way, and replaces a forged one" {
	f=$ORG/mail/06-colleague-not-superior.eml
	{ echo 'X-MP-Ccguard: pass reason=exempt'; cat "$f"; } >"$TMP/m"
	run mp-ccguard -a "$TMP/m"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^X-MP-Ccguard' <<<"$output")" -eq 1 ]
	grep -qx 'X-MP-Ccguard: refuse reason=no-superior' <<<"$output"
	mp-ccguard -a <"$f" >"$TMP/out"
	$HDR outside "$f" "$TMP/out" x-mp-ccguard
}

@test "batch: a record per message, --summary counts, exit 1 if any refused" {
	mkdir -p "$TMP/md/cur"
	cp "$ORG"/mail/0[1-7]-*.eml "$TMP/md/cur/"
	run mp-ccguard --summary --maildir "$TMP/md"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 8 ]
	[[ "${lines[0]}" == "$TMP/md/cur/01-member-cc-section-head.eml: pass reason=superior-present "* ]]
	[ "${lines[7]}" = "summary: total=7 pass=3 refuse=4 no-external=1 no-internal-recipient=1 no-related-recipient=1 no-superior=1 only-self=1 superior-present=2" ]
	run mp-ccguard --json --summary --maildir "$TMP/md"
	[ "$(json 'd["summary"]["refuse"], d["summary"]["reasons"]["superior-present"]' <<<"${lines[7]}")" = "4 2" ]
	rm "$TMP"/md/cur/0[3-6]-*
	run mp-ccguard --maildir "$TMP/md"
	[ "$status" -eq 0 ]
}

@test "--mbox replays an archive" {
	for f in "$ORG"/mail/*.eml; do
		echo "From sender@example.co.jp Mon Nov 23 10:00:00 2026"
		cat "$f"
		echo
	done >"$TMP/box"
	run mp-ccguard --summary --mbox "$TMP/box"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 31 ]
	[[ "${lines[30]}" == "summary: total=30 pass=18 refuse=12 "* ]]
}

@test "--sender checks the SMTP-AUTH user instead of From" {
	sed 's/^From: .*/From: list@example.co.jp/' \
	    "$ORG/mail/01-member-cc-section-head.eml" >"$TMP/m"
	run mp-ccguard <"$TMP/m"
	[ "$output" = "refuse reason=unknown-sender sender=list@example.co.jp" ]
	run mp-ccguard --sender sato@example.co.jp <"$TMP/m"
	[ "$status" -eq 0 ]
	[[ "$output" == "pass reason=superior-present sender=sato@example.co.jp "* ]]
	run mp-ccguard --sender 'not an address' "$TMP/m"
	[ "$status" -eq 64 ]
}

@test "[ccguard] exempt-senders globs pass" {
	printf 'exempt-senders = noreply@example.co.jp, *@Robots.Example.co.jp\n' \
	    >>"$TMP/mp.conf"
	sed 's/^From: .*/From: build@robots.example.co.jp/' \
	    "$ORG/mail/03-external-only.eml" >"$TMP/m"
	run mp-ccguard <"$TMP/m"
	[ "$status" -eq 0 ]
	[[ "$output" == "pass reason=exempt"* ]]
}

@test "sender-posts = any: superiors of concurrent posts count too" {
	run mp-ccguard "$ORG/mail/17-primary-post-only.eml"
	[ "$status" -eq 1 ]
	org_with sender-posts=any
	run mp-ccguard "$ORG/mail/17-primary-post-only.eml"
	[ "$status" -eq 0 ]
}

@test "chain = no: only the nearest head counts" {
	org_with chain=no
	run mp-ccguard <"$ORG/mail/02-member-cc-dept-head-chain.eml"
	[ "$status" -eq 1 ]
	[[ "$output" == "refuse reason=no-superior sender=sato@example.co.jp superiors=kacho111@example.co.jp" ]]
	run mp-ccguard "$ORG/mail/01-member-cc-section-head.eml"
	[ "$status" -eq 0 ]
}

@test "unknown-sender = pass lets senders outside the HR data through" {
	org_with unknown-sender=pass
	run mp-ccguard <"$ORG/mail/15-unknown-sender.eml"
	[ "$status" -eq 0 ]
	[ "$output" = "pass reason=unknown-sender sender=stranger@example.co.jp" ]
}

@test "a missing, unreadable or corrupt snapshot fails closed (75)" {
	f=$ORG/mail/07-internal-only.eml
	run mp-ccguard --snapshot "$TMP/nothing" "$f"
	[ "$status" -eq 75 ]
	[[ "$output" == "mp-ccguard: cannot open org snapshot: $TMP/nothing: No such file or directory" ]]
	head -c 3000 "$D/current" >"$TMP/truncated"
	run mp-ccguard --snapshot "$TMP/truncated" "$f"
	[ "$status" -eq 75 ]
	[[ "$output" == *"org snapshot is corrupt"* ]]
	head -c 5000 /dev/urandom >"$TMP/noise"
	run mp-ccguard --snapshot "$TMP/noise" "$f"
	[ "$status" -eq 75 ]
	: >"$TMP/empty"
	run mp-ccguard --snapshot "$TMP/empty" "$f"
	[ "$status" -eq 75 ]
	# a cdb that is not an org snapshot: bare, then with checksums
	python3 - "$TMP/other.cdb" "$TMP/summed.cdb" <<-'EOF'
	import struct, sys, zlib
	# the cdb format: 256 (pos,len) pairs, records, then empty tables
	recs = b"".join(struct.pack("<II", len(k), len(v)) + k + v
	                for k, v in [(b"k", b"v")])
	end = 2048 + len(recs)
	head = b"".join(struct.pack("<II", end, 0) for _ in range(256))
	cdb = head + recs
	open(sys.argv[1], "wb").write(cdb)
	# mp-orgsync(1): a CRC-32 per 4096 bytes, then the 32-byte trailer
	sums = b"".join(struct.pack("<I", zlib.crc32(cdb[i:i + 4096]))
	                for i in range(0, len(cdb), 4096))
	t = b"mpsum\0\0\1" + struct.pack("<QIII", len(cdb), 4096,
	    len(sums) // 4, zlib.crc32(sums))
	open(sys.argv[2], "wb").write(cdb + sums + t +
	    struct.pack("<I", zlib.crc32(t)))
	EOF
	run mp-ccguard --snapshot "$TMP/other.cdb" "$f"
	[ "$status" -eq 75 ]
	[[ "$output" == *"org snapshot is corrupt"* ]]
	run mp-ccguard --snapshot "$TMP/summed.cdb" "$f"
	[ "$status" -eq 75 ]
	[[ "$output" == *"no mp-org-snapshot 1 record"* ]]
}

@test "the snapshot in force is the one the current link names" {
	run mp-ccguard "$ORG/mail/12-no-superior-defined.eml"
	[ "$status" -eq 1 ]
	# a new export gives bucho110 a division head; roll back undoes it
	sed 's/^E003,\(.*\)$/E003,\1\nE060,honbu100@example.co.jp,営業本部長 西村 剛,100,,,,10,0/' \
	    "$ORG/hr.csv" >"$TMP/hr.csv"
	sleep 1
	mp-orgsync "$TMP/hr.csv" >/dev/null
	run mp-ccguard "$ORG/mail/12-no-superior-defined.eml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"superiors=honbu100@example.co.jp" ]]
	mp-orgsync --rollback >/dev/null
	run mp-ccguard <"$ORG/mail/12-no-superior-defined.eml"
	[[ "$output" == "refuse reason=no-superior-defined"* ]]
}

@test "bad input and output: 65, 66, a full disk 75" {
	run mp-ccguard </dev/null
	[ "$status" -eq 65 ]
	run mp-ccguard "$TMP/missing.eml"
	[ "$status" -eq 66 ]
	run sh -c 'mp-ccguard "$1" >/dev/full' sh "$ORG/mail/01-member-cc-section-head.eml"
	[ "$status" -eq 75 ]
	run sh -c 'mp-ccguard -a <"$1" >/dev/full' sh "$ORG/mail/01-member-cc-section-head.eml"
	[ "$status" -eq 75 ]
}

@test "no internal domain is a configuration error: every recipient would be external" {
	run mp-ccguard -c /dev/null --snapshot "$D/current" \
	    "$ORG/mail/01-member-cc-section-head.eml"
	[ "$status" -eq 78 ]
	[ "$output" = "mp-ccguard: no internal domain: set [domains] internal in /dev/null or give --internal" ]
}

@test "usage errors exit 64; configuration errors 78" {
	run mp-ccguard -a --json
	[ "$status" -eq 64 ]
	run mp-ccguard -a --summary
	[ "$status" -eq 64 ]
	run mp-ccguard --mbox a --maildir b
	[ "$status" -eq 64 ]
	run mp-ccguard --bogus
	[ "$status" -eq 64 ]
	printf 'snapshot = %s\nbogus = 1\n' "$D/current" >>"$TMP/mp.conf"
	run mp-ccguard "$ORG/mail/01-member-cc-section-head.eml"
	[ "$status" -eq 78 ]
	run mp-ccguard --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: mp-ccguard "* ]]
	run mp-ccguard --version
	[[ "$output" == "mp-ccguard "[0-9]* ]]
}

@test "procmail: hold refused mail; a missing snapshot defers (75)" {
	command -v procmail || skip "procmail not installed"
	mkdir -p "$TMP/held/new" "$TMP/held/cur" "$TMP/held/tmp" \
	    "$TMP/out/new" "$TMP/out/cur" "$TMP/out/tmp"
	cat >"$TMP/rc" <<-EOF
	SHELL=/bin/sh
	:0 fw
	| mp-ccguard -a
	:0 e
	{
		EXITCODE=75
		HOST
	}
	:0
	* ^X-MP-Ccguard: refuse
	$TMP/held/
	:0
	$TMP/out/
	EOF
	for f in 01-member-cc-section-head 06-colleague-not-superior; do
		procmail -m MP_CONFIG="$MP_CONFIG" PATH="$MP_BIN:/usr/bin:/bin" \
		    "$TMP/rc" <"$ORG/mail/$f.eml"
	done
	[ "$(ls "$TMP/held/new" | wc -l)" -eq 1 ]
	[ "$(ls "$TMP/out/new" | wc -l)" -eq 1 ]
	grep -q '^X-MP-Ccguard: refuse reason=no-superior$' "$TMP"/held/new/*
	rm "$D/current"
	run procmail -m MP_CONFIG="$MP_CONFIG" PATH="$MP_BIN:/usr/bin:/bin" \
	    "$TMP/rc" <"$ORG/mail/01-member-cc-section-head.eml"
	[ "$status" -eq 75 ]
	[ "$(ls "$TMP/out/new" | wc -l)" -eq 1 ]
}

@test "empty encoded-words in names and Subject: no GLib critical" {
	for f in "$TESTDATA"/charset/empty-word-*.eml; do
		for o in "" --json -a; do
			G_DEBUG=fatal-criticals mp-ccguard $o "$f" >"$TMP/out" 2>"$TMP/err"
			[ ! -s "$TMP/err" ] || { cat "$TMP/err"; false; }
		done
		grep -q 'reason=superior-present' "$TMP/out"
	done
}

# mini_org - publish $TMP/mini/org.conf and hr.csv (written by the test)
# into $TMP/mini/snap; mail is then checked with --snapshot $SNAP
mini_org() {
	SNAP=$TMP/mini/snap/current
	mp-orgsync --org "$TMP/mini/org.conf" --dir "$TMP/mini/snap" \
	    "$TMP/mini/hr.csv" >/dev/null
}

# mini_mail FROM CC - a message to a client with CC in Cc
mini_mail() {
	printf 'From: %s\nTo: client@customer.example\nCc: %s\nSubject: x\n\nx\n' \
	    "$1" "$2"
}

mini_conf() {
	mkdir -p "$TMP/mini"
	cat >"$TMP/mini/org.conf"
}

mini_hr() {
	mkdir -p "$TMP/mini"
	{ echo 'employee_id,email,name,division,department,section,unit,title,concurrent'; cat; } >"$TMP/mini/hr.csv"
}

@test "a concurrent post whose head another post already gave gets no fallback" {
	mini_conf <<-EOF
	[org]
	sender-posts = any
	[pattern default]
	units = *
	head.department = 20
	members = 50
	[fallback]
	unit.100/120 = approver@example.co.jp
	EOF
	# the primary post is in a section without a head (the department
	# head is its superior); the concurrent one is in the department
	# itself, which has its head: neither post has nobody
	mini_hr <<-EOF
	E1,b120@example.co.jp,B,100,120,,,20,0
	E2,p@example.co.jp,P,100,120,121,,50,0
	E2,p@example.co.jp,P,100,120,,,50,1
	EOF
	mini_org
	run mp-ccguard --snapshot "$SNAP" < <(mini_mail p@example.co.jp approver@example.co.jp)
	[ "$status" -eq 1 ]
	[ "$output" = "refuse reason=no-related-recipient sender=p@example.co.jp superiors=b120@example.co.jp" ]
	# the rows in the other order: the same
	sed -i '3{h;d};4{G}' "$TMP/mini/hr.csv"
	sed -n 4p "$TMP/mini/hr.csv" | grep -q ',121,'
	sleep 1
	mini_org
	run mp-ccguard --snapshot "$SNAP" < <(mini_mail p@example.co.jp approver@example.co.jp)
	[ "$output" = "refuse reason=no-related-recipient sender=p@example.co.jp superiors=b120@example.co.jp" ]
}

@test "a fallback that names the sender does not make them their own superior" {
	mini_conf <<-EOF
	[pattern default]
	units = *
	head.division = 10
	head.department = 20
	members = 50
	[fallback]
	unit.200 = d200@example.co.jp; board@example.co.jp
	title.10 = D200@example.co.jp
	EOF
	mini_hr <<-EOF
	E1,d200@example.co.jp,D,200,,,,10,0
	E2,m@example.co.jp,M,200,210,,,50,0
	EOF
	mini_org
	run mp-ccguard --snapshot "$SNAP" < <(mini_mail d200@example.co.jp d200@example.co.jp)
	[ "$status" -eq 1 ]
	[ "$output" = "refuse reason=only-self sender=d200@example.co.jp superiors=board@example.co.jp" ]
	# the department member still has the division head
	run mp-ccguard --snapshot "$SNAP" < <(mini_mail m@example.co.jp d200@example.co.jp)
	[ "$status" -eq 0 ]
	# with only himself named, he has no superior at all
	sed -i 's/; board@example.co.jp//' "$TMP/mini/org.conf"
	sleep 1
	mini_org
	run mp-ccguard --snapshot "$SNAP" < <(mini_mail d200@example.co.jp d200@example.co.jp)
	[ "$output" = "refuse reason=no-superior-defined sender=d200@example.co.jp" ]
}

@test "posts without a division code are one division, for every rule" {
	mini_conf <<-EOF
	[pattern default]
	units = *
	head.department = 20
	special = 15
	peers = department
	members = 50
	EOF
	mini_hr <<-EOF
	E1,s@example.co.jp,S,,110,111,,50,0
	E2,x@example.co.jp,X,,120,,,15,0
	E3,r@example.co.jp,R,,130,,,50,0
	E4,o@example.co.jp,O,100,130,,,50,0
	E5,h1@example.co.jp,H1,,140,,,20,0
	E6,h2@example.co.jp,H2,,150,,,20,0
	EOF
	mini_org
	run mp-orgsync --dir "$TMP/mini/snap" --explain s@example.co.jp
	[ "${lines[4]}" = "    x@example.co.jp (X): special title 15 without a division" ]
	[ "${#lines[@]}" -eq 5 ]
	run mp-orgsync --dir "$TMP/mini/snap" --explain h1@example.co.jp
	[[ "$output" == *"    h2@example.co.jp (H2): peer: head of department 150"* ]]
	[[ "$output" == *"    x@example.co.jp (X): special title 15 without a division"* ]]
	# r works in the sender's (empty) division; o, in division 100, not
	run mp-ccguard --snapshot "$SNAP" < <(mini_mail s@example.co.jp r@example.co.jp)
	[ "$output" = "refuse reason=no-superior sender=s@example.co.jp superiors=x@example.co.jp" ]
	run mp-ccguard --snapshot "$SNAP" < <(mini_mail s@example.co.jp o@example.co.jp)
	[ "$output" = "refuse reason=no-related-recipient sender=s@example.co.jp superiors=x@example.co.jp" ]
}

@test "fallbacks and pattern globs can name the level of a unit path" {
	# department 100/111 and section 100/-/111 share the path 100/111
	mini_conf <<-EOF
	[pattern section111]
	units = section:100/111
	members = 50;60
	[pattern default]
	units = *
	head.department = 20
	members = 50
	[fallback]
	unit.100/111 = both@example.co.jp
	unit.section:100/111 = sec@example.co.jp
	EOF
	mini_hr <<-EOF
	E1,h@example.co.jp,H,100,111,,,20,0
	E2,d@example.co.jp,D,100,111,,,50,0
	E3,s@example.co.jp,S,100,,111,,60,0
	E4,u@example.co.jp,U,100,,111,1,50,0
	EOF
	mini_org
	run mp-orgsync --dir "$TMP/mini/snap" --explain s@example.co.jp
	[ "${lines[1]}" = "  post 100/111, title 60, primary, pattern section111: member" ]
	[ "${lines[4]}" = "    sec@example.co.jp: fallback for unit section:100/111" ]
	[ "${#lines[@]}" -eq 5 ]
	# below the section: the nearest unit with a fallback
	run mp-orgsync --dir "$TMP/mini/snap" --explain u@example.co.jp
	[ "${lines[4]}" = "    sec@example.co.jp: fallback for unit section:100/111" ]
	# the department has a head: no fallback for its member
	run mp-orgsync --dir "$TMP/mini/snap" --explain d@example.co.jp
	[ "${lines[4]}" = "    h@example.co.jp (H): head of department 100/111" ]
	[ "${#lines[@]}" -eq 5 ]
	# the head of the department gets the fallback that names no level
	run mp-orgsync --dir "$TMP/mini/snap" --explain h@example.co.jp
	[ "${lines[4]}" = "    both@example.co.jp: fallback for unit 100/111" ]
	# title 60 is named only for the section, not the department
	echo 'E5,x@example.co.jp,X,100,111,,,60,0' >>"$TMP/mini/hr.csv"
	run mp-orgsync --org "$TMP/mini/org.conf" --dir "$TMP/mini/snap" \
	    "$TMP/mini/hr.csv"
	[ "$status" -eq 65 ]
	[[ "$output" == *"hr.csv:6: title 60 is not named by [pattern default] (unit 100/111)"* ]]
}

@test "two units of one level with one unit path are an error of the export" {
	# section 100/-/111 and section -/100/111 (department 100 of the
	# division without a code) both read "section 100/111"
	mini_conf <<-EOF
	[pattern default]
	units = *
	head.division = 10
	head.section = 30
	members = 50
	[fallback]
	unit.section:100/111 = fb@example.co.jp
	EOF
	mini_hr <<-EOF
	E1,a@example.co.jp,A,,100,111,,50,0
	E2,b@example.co.jp,B,100,,111,,50,0
	E3,c@example.co.jp,C,,100,111,,30,0
	E4,d@example.co.jp,D,100,,,,10,0
	E5,e@example.co.jp,E,100,,111,1111,50,0
	EOF
	run mp-orgsync --org "$TMP/mini/org.conf" --dir "$TMP/mini/snap" \
	    "$TMP/mini/hr.csv"
	[ "$status" -eq 65 ]
	[ "${lines[0]}" = "mp-orgsync: $TMP/mini/hr.csv:3: section 100/111 of codes 100//111 is another unit than the section 100/111 of codes /100/111 (line 2): two units of one level cannot share a unit path" ]
	[ "${lines[1]}" = "mp-orgsync: $TMP/mini/hr.csv: 1 problem in the export; nothing published" ]
	[ ! -e "$TMP/mini/snap/current" ]
	# one level apart they are two units all the same
	sed -i 's/^E1,a@example.co.jp,A,,100,111,,50,0$/E1,a@example.co.jp,A,100,111,,,50,0/' "$TMP/mini/hr.csv"
	sed -i '/^E3,/d' "$TMP/mini/hr.csv"
	mini_org
	run mp-orgsync --dir "$TMP/mini/snap" --explain b@example.co.jp
	[ "${lines[4]}" = "    d@example.co.jp (D): head of division 100" ]
}

@test "a fallback PATH with an empty code, or a level not in levels, is refused (78)" {
	for key in unit.100/120/ unit./100 unit.100//120 unit.sektion:100/120; do
		printf '[pattern default]\nunits = *\nmembers = 50\n[fallback]\n%s = a@example.co.jp\n' \
		    "$key" >"$TMP/o.conf"
		run mp-orgsync --dry-run --org "$TMP/o.conf" --dir "$TMP/d" \
		    "$ORG/hr.csv"
		[ "$status" -eq 78 ]
		[[ "$output" == "mp-orgsync: [fallback] $key: the unit path "*"/o.conf:5); nothing published" ]]
	done
	printf '[pattern default]\nunits = 100/*;900/\nmembers = 50\n' >"$TMP/o.conf"
	run mp-orgsync --dry-run --org "$TMP/o.conf" --dir "$TMP/d" "$ORG/hr.csv"
	[ "$status" -eq 78 ]
	[[ "$output" == "mp-orgsync: units glob 900/ has an empty org code"*"/o.conf:2); nothing published" ]]
}

@test "a title in two roles of one pattern is a configuration error (78)" {
	for roles in 'exempt-titles = 20' 'members = 20' 'special = 20' \
	    'head.section = 20'; do
		printf '[pattern default]\nunits = *\nhead.department = 20\n%s\nmembers = 50\n' \
		    "$roles" | sed 's/^members = 20$/members = 20;50/' |
		    awk '!(/^members = 50$/ && seen) { print } /^members/ { seen = 1 }' \
		    >"$TMP/o.conf"
		run mp-orgsync --dry-run --org "$TMP/o.conf" --dir "$TMP/d" "$ORG/hr.csv"
		[ "$status" -eq 78 ]
		[[ "$output" == "mp-orgsync: title 20 "*"/o.conf:4); nothing published" ]]
	done
	printf '[org]\nexempt-titles = 01\n[pattern default]\nunits = *\nhead.division = 01\n' \
	    >"$TMP/o.conf"
	run mp-orgsync --dry-run --org "$TMP/o.conf" --dir "$TMP/d" "$ORG/hr.csv"
	[ "$status" -eq 78 ]
	[[ "$output" == "mp-orgsync: title 01 is exempt in [org] exempt-titles and head.division in [pattern default] ("*"/o.conf:5); nothing published" ]]
	# the same title in two patterns, or an [org] exempt title repeated
	# in a pattern's exempt-titles, is fine
	printf '[org]\nexempt-titles = 01;02;99\n[pattern a]\nunits = 900;900/*\nhead.department = 20;30\nhead.section = 40\nexempt-titles = 99\nmembers = 50;15\n[pattern b]\nunits = *\nhead.division = 10\nhead.department = 20\nhead.section = 30\nmembers = 40;50;77\n' \
	    >"$TMP/o.conf"
	run mp-orgsync --dry-run --org "$TMP/o.conf" --dir "$TMP/d" "$ORG/hr.csv"
	[ "$status" -eq 0 ]
}

@test "superiors: the primary post's first, co-heads, one reason per address" {
	mini_conf <<-EOF
	[org]
	sender-posts = any
	[pattern default]
	units = *
	head.division = 10
	head.department = 20
	head.section = 30
	special = 15
	members = 50
	EOF
	# p's concurrent row comes first; p heads section 111 with c
	mini_hr <<-EOF
	E1,d@example.co.jp,D,100,,,,10,0
	E2,h120@example.co.jp,H120,100,120,,,20,0
	E3,p@example.co.jp,P,100,120,,,50,1
	E3,p@example.co.jp,P,100,110,111,,50,0
	E3,p@example.co.jp,P,100,110,111,,30,1
	E4,c@example.co.jp,C,100,110,111,,30,0
	E5,sv@example.co.jp,SV,100,,,,15,0
	EOF
	mini_org
	run mp-orgsync --dir "$TMP/mini/snap" --explain p@example.co.jp
	[ "${lines[4]}" = "  superiors counted from every post (sender-posts = any)" ]
	[ "${lines[6]}" = "    c@example.co.jp (C): head of section 100/110/111" ]
	[ "${lines[7]}" = "    d@example.co.jp (D): head of division 100 (higher up)" ]
	[ "${lines[8]}" = "    sv@example.co.jp (SV): special title 15 in division 100" ]
	[ "${lines[9]}" = "    h120@example.co.jp (H120): head of department 100/120" ]
	[ "${#lines[@]}" -eq 10 ]
}

@test "an unreadable recipient is refused, even with a superior in Cc" {
	for f in "$TESTDATA"/charset/unreadable-[0-9]*.eml; do
		run mp-ccguard <"$f"
		[ "$status" -eq 1 ]
		[ "$output" = "refuse reason=unreadable-recipient sender=sato@example.co.jp superiors=kacho111@example.co.jp,bucho110@example.co.jp" ] ||
		    { echo "$f: $output"; false; }
		# dropped, it would have left no external recipient: a pass
		sed 's/^Cc: .*/Cc: kacho111@example.co.jp/' "$f" >"$TMP/m"
		run mp-ccguard --json <"$TMP/m"
		[ "$status" -eq 1 ]
		[[ "$output" == *'"verdict":"refuse","reason":"unreadable-recipient"'* ]]
		[[ "$output" == *'"external":1,'* ]]
		mp-ccguard -a <"$TMP/m" | grep -qx 'X-MP-Ccguard: refuse reason=unreadable-recipient'
	done
	# readable ones, however odd, get the usual verdicts
	for f in "$TESTDATA"/charset/readable-*.eml; do
		run mp-ccguard <"$f"
		[[ "$output" == "refuse reason=no-superior "* ]]
	done
}

@test "an unreadable recipient passes only by a rule about the sender" {
	printf 'exempt-senders = sato@example.co.jp\n' >>"$TMP/mp.conf"
	run mp-ccguard <"$TESTDATA/charset/unreadable-13.eml"
	[ "$status" -eq 0 ]
	[ "$output" = "pass reason=exempt sender=sato@example.co.jp" ]
}

@test "an unreadable sender is refused, never unknown; --sender must be one address" {
	org_with unknown-sender=pass
	run mp-ccguard <"$TESTDATA/charset/unreadable-from.eml"
	[ "$status" -eq 1 ]
	[ "$output" = "refuse reason=unreadable-sender" ]
	for s in sato@example.co.jp@ext.example '"sato@example.co.jp' \
	    'sato@example.co.jp, x@ext.example'; do
		run --separate-stderr mp-ccguard --sender "$s" \
		    <"$TESTDATA/charset/readable-01.eml"
		[ "$status" -eq 64 ]
		[ "$stderr" = "mp-ccguard: --sender: not an address: $s" ]
	done
}
