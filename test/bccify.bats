#!/usr/bin/env bats
# mp-bccify: moving recipients out of To/Cc, byte for byte

load helper

setup() {
	setup_tmp
	write_conf "$TMP/mp.conf" <<-'EOF'
	[domains]
	internal = example.co.jp
	semi-internal = group.example.jp
	EOF
	export MP_CONFIG=$TMP/mp.conf
}

teardown() {
	teardown_tmp
}

# The eleven external To/Cc addresses of many.eml, as Python reads them.
moved_many() {
	printf '%s\n' '"quoted local"@customer-b.example' a@partner.example \
	    b@partner.example c@customer-b.example d@customer-c.example \
	    e@customer-c.example info@takahashi.example \
	    jane@customer-a.example john@customer-a.example \
	    ops@xn--bcher-kva.example user@bücher.example
}

@test "below the threshold the output is the input, byte for byte" {
	for f in many many-crlf many-from many-sjis-body jp-names \
	    malformed; do
		run mp-bccify -n 100 "$MAIL/$f.eml"
		[ "$status" -eq 0 ]
		mp-bccify -n 100 <"$MAIL/$f.eml" >"$TMP/out"
		cmp "$MAIL/$f.eml" "$TMP/out"
	done
}

@test "at the threshold external addresses leave To and Cc" {
	mp-bccify <"$MAIL/many.eml" >"$TMP/out"
	run $HDR visible "$TMP/out"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' boss@sales.example.co.jp \
	    f@group.example.jp suzuki@example.co.jp)" ]
	grep -q '^X-MP-Bccify: moved=11$' "$TMP/out"
}

@test "-n sets the threshold; [bccify] threshold too; the flag wins" {
	mp-bccify -n 12 <"$MAIL/many.eml" >"$TMP/out"
	cmp "$MAIL/many.eml" "$TMP/out"
	mp-bccify -n 11 <"$MAIL/many.eml" >"$TMP/out"
	refute cmp -s "$MAIL/many.eml" "$TMP/out"
	printf '[bccify]\nthreshold = 12\n' >>"$TMP/mp.conf"
	mp-bccify <"$MAIL/many.eml" >"$TMP/out"
	cmp "$MAIL/many.eml" "$TMP/out"
	mp-bccify -n 5 <"$MAIL/many.eml" >"$TMP/out"
	refute cmp -s "$MAIL/many.eml" "$TMP/out"
}

@test "every byte outside To, Cc, Bcc and the trace is unchanged" {
	for f in many many-crlf many-from many-sjis-body; do
		mp-bccify <"$MAIL/$f.eml" >"$TMP/$f.out"
		$HDR outside "$MAIL/$f.eml" "$TMP/$f.out" to cc bcc x-mp-bccify
	done
}

@test "a malformed message keeps its bytes and loses only the moved items" {
	mp-bccify <"$MAIL/malformed.eml" >"$TMP/out"
	$HDR outside "$MAIL/malformed.eml" "$TMP/out" to x-mp-bccify
	# the header ends at the line without a colon; the rest is body
	tail -c 70 "$TMP/out" | grep -q 'X-After: still body'
	tail -c 5 "$TMP/out" | grep -q 'line$'
	run $HDR field "$TMP/out" to
	[ "$output" = "To: undisclosed-recipients:;" ]
}

@test "addresses that stay keep their exact text, names and encodings" {
	mp-bccify <"$MAIL/many.eml" >"$TMP/out"
	run $HDR field "$TMP/out" to
	[ "$output" = "To: =?utf-8?b?6Yi05pyoIOS4gOmDjg==?= <suzuki@example.co.jp>" ]
	run $HDR field "$TMP/out" cc
	[ "$output" = "Cc: Boss <boss@sales.example.co.jp>, f@group.example.jp" ]
}

@test "CRLF input gives CRLF output, rewritten lines included" {
	mp-bccify <"$MAIL/many-crlf.eml" >"$TMP/out"
	# every line feed is preceded by a carriage return
	[ "$(tr -cd '\n' <"$TMP/out" | wc -c)" -eq \
	    "$(grep -c $'\r$' "$TMP/out")" ]
	grep -q $'^X-MP-Bccify: moved=11\r$' "$TMP/out"
}

@test "the From_ line of an mbox message is kept" {
	mp-bccify <"$MAIL/many-from.eml" >"$TMP/out"
	[ "$(head -1 "$TMP/out")" = "$(head -1 "$MAIL/many-from.eml")" ]
}

@test "an emptied To becomes undisclosed-recipients, an emptied Cc goes" {
	cat >"$TMP/m" <<-'EOF'
	From: me@example.co.jp
	To: a@x.example, b@x.example
	Cc: c@x.example
	Subject: s

	b
	EOF
	mp-bccify -n 2 <"$TMP/m" >"$TMP/out"
	run $HDR field "$TMP/out" to
	[ "$output" = "To: undisclosed-recipients:;" ]
	run $HDR field "$TMP/out" cc
	[ -z "$output" ]
	$HDR outside "$TMP/m" "$TMP/out" to cc x-mp-bccify
}

@test "every To and Cc occurrence is rewritten; emptied extra To fields go" {
	cat >"$TMP/m" <<-'EOF'
	From: me@example.co.jp
	To: a@x.example
	Cc: c@x.example, us@example.co.jp
	To: b@x.example
	Subject: s

	b
	EOF
	mp-bccify -n 2 <"$TMP/m" >"$TMP/out"
	[ "$(grep -c '^To:' "$TMP/out")" -eq 1 ]
	run $HDR field "$TMP/out" to
	[ "$output" = "To: undisclosed-recipients:;" ]
	run $HDR field "$TMP/out" cc
	[ "$output" = "Cc: us@example.co.jp" ]
}

@test "an existing Bcc is removed by default" {
	mp-bccify <"$MAIL/many.eml" >"$TMP/out"
	refute grep -qi '^Bcc:' "$TMP/out"
}

@test "--bcc-header writes the existing and the moved addresses into one Bcc" {
	mp-bccify --bcc-header <"$MAIL/many.eml" >"$TMP/out"
	[ "$(grep -ci '^Bcc:' "$TMP/out")" -eq 1 ]
	python3 - "$TMP/out" <<-'EOF'
	import email, email.policy, sys
	m = email.message_from_binary_file(open(sys.argv[1], "rb"),
	                                   policy=email.policy.default)
	got = sorted(a.addr_spec.lower() for a in m["bcc"].addresses)
	assert len(got) == 12, got
	assert "secret@customer-d.example" in got, got
	assert "john@customer-a.example" in got, got
	EOF
	$HDR outside "$MAIL/many.eml" "$TMP/out" to cc bcc x-mp-bccify
	printf '[bccify]\nbcc-header = yes\n' >>"$TMP/mp.conf"
	mp-bccify <"$MAIL/many.eml" | grep -qi '^Bcc:'
}

@test "--all moves every address but the sender's own" {
	cat >"$TMP/m" <<-'EOF'
	From: Me <ME@example.co.jp>
	To: me@example.co.jp, colleague@example.co.jp, a@x.example
	Cc: b@x.example
	Subject: s

	b
	EOF
	mp-bccify --all -n 2 <"$TMP/m" >"$TMP/out"
	run $HDR visible "$TMP/out"
	[ "$output" = "me@example.co.jp" ]
	# below the threshold --all does nothing
	mp-bccify --all -n 3 <"$TMP/m" >"$TMP/out"
	cmp "$TMP/m" "$TMP/out"
}

@test "--self-only keeps only the sender visible, whatever the count" {
	cat >"$TMP/m" <<-'EOF'
	From: me@example.co.jp
	To: colleague@example.co.jp, me@example.co.jp
	Subject: s

	b
	EOF
	mp-bccify --self-only <"$TMP/m" >"$TMP/out"
	run $HDR visible "$TMP/out"
	[ "$output" = "me@example.co.jp" ]
	grep -q '^X-MP-Bccify: moved=1$' "$TMP/out"
	printf '[bccify]\nmode = self-only\n' >>"$TMP/mp.conf"
	mp-bccify <"$TMP/m" | grep -q '^X-MP-Bccify: moved=1$'
}

@test "--sender names whose address stays" {
	cat >"$TMP/m" <<-'EOF'
	From: list@example.co.jp
	To: colleague@example.co.jp, me@example.co.jp
	Subject: s

	b
	EOF
	mp-bccify --self-only --sender me@example.co.jp <"$TMP/m" >"$TMP/out"
	run $HDR visible "$TMP/out"
	[ "$output" = "me@example.co.jp" ]
	run mp-bccify --sender 'not an address' <"$TMP/m"
	[ "$status" -eq 64 ]
}

@test "groups keep their name and remaining members; empty groups stay" {
	cat >"$TMP/m" <<-'EOF'
	From: me@example.co.jp
	To: Team: a@x.example, us@example.co.jp;, undisclosed-recipients:;
	Cc: Others: b@x.example, c@x.example;
	Subject: s

	b
	EOF
	mp-bccify -n 3 <"$TMP/m" >"$TMP/out"
	run $HDR field "$TMP/out" to
	[ "$output" = "To: Team: us@example.co.jp;, undisclosed-recipients:;" ]
	run $HDR field "$TMP/out" cc
	[ -z "$output" ]
}

@test "Japanese names that stay are kept as raw bytes (ISO-2022-JP, Shift_JIS)" {
	mp-bccify -n 1 --semi-internal external.example <"$MAIL/jp-names.eml" \
	    >"$TMP/out"
	$HDR outside "$MAIL/jp-names.eml" "$TMP/out" to cc x-mp-bccify
	# the two external.example items stay verbatim, whatever the folding
	python3 - "$MAIL/jp-names.eml" "$TMP/out" <<-'EOF'
	import sys
	orig, out = (open(p, "rb").read() for p in sys.argv[1:])
	for item in (b'"\x83\\\x83t\x83g\x95\\" <quoted-sjis@external.example>',
	             b'\x1b$B@8#J#I#S\x1b(B <rawjis@external.example>'):
	    assert item in orig, item
	    assert item in out, item
	assert b"sjis@partner.example.jp" not in out
	EOF
}

@test "the trace field is on by default and off with --no-trace or trace = no" {
	mp-bccify --no-trace <"$MAIL/many.eml" >"$TMP/out"
	refute grep -q '^X-MP-Bccify' "$TMP/out"
	$HDR outside "$MAIL/many.eml" "$TMP/out" to cc bcc
	printf '[bccify]\ntrace = no\n' >>"$TMP/mp.conf"
	mp-bccify <"$MAIL/many.eml" >"$TMP/out"
	refute grep -q '^X-MP-Bccify' "$TMP/out"
}

@test "a forged X-MP-Bccify in the input is replaced when acting" {
	{ echo 'X-MP-Bccify: moved=0'; cat "$MAIL/many.eml"; } >"$TMP/m"
	mp-bccify <"$TMP/m" >"$TMP/out"
	[ "$(grep -c '^X-MP-Bccify' "$TMP/out")" -eq 1 ]
	grep -q '^X-MP-Bccify: moved=11$' "$TMP/out"
}

@test "a DKIM signature over To or Cc draws a warning; one that is not does not" {
	mp-bccify <"$MAIL/many.eml" 2>"$TMP/err" >"$TMP/out"
	refute grep -q 'DKIM' "$TMP/err"
	sed 's/h=from:subject:date/h=From:To:Subject/' "$MAIL/many.eml" >"$TMP/m"
	mp-bccify <"$TMP/m" 2>"$TMP/err" >"$TMP/out"
	grep -q 'warning: .*DKIM-Signature signs To or Cc' "$TMP/err"
	mp-bccify <"$MAIL/many.eml" 2>"$TMP/err" >"$TMP/out"
	[ ! -s "$TMP/err" ]
	# no rewrite, no warning
	mp-bccify -n 100 <"$TMP/m" 2>"$TMP/err" >"$TMP/out"
	[ ! -s "$TMP/err" ]
}

@test "Python's email package reads exactly the expected recipients" {
	mp-bccify --bcc-header <"$MAIL/many.eml" >"$TMP/out"
	run $HDR visible "$TMP/out"
	[ "${lines[*]}" = "boss@sales.example.co.jp f@group.example.jp suzuki@example.co.jp" ]
	# no defect in the rewritten fields that the input did not have
	python3 - "$MAIL/many.eml" "$TMP/out" <<-'EOF'
	import email, email.policy, sys
	def defects(p):
	    m = email.message_from_binary_file(open(p, "rb"),
	                                       policy=email.policy.default)
	    return {type(d).__name__ for h in ("to", "cc", "bcc")
	            for v in m.get_all(h) or [] for d in v.defects}
	before, after = defects(sys.argv[1]), defects(sys.argv[2])
	assert after <= before, (before, after)
	EOF
}

@test "--mbox reports what would happen to each message, archive untouched" {
	{ cat "$MAIL/many-from.eml"; echo; cat "$MAIL/many-from.eml"; } \
	    >"$TMP/box"
	cp "$TMP/box" "$TMP/box.orig"
	run mp-bccify --mbox "$TMP/box"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$TMP/box:1: moved=11 external=11" ]
	[ "${lines[1]}" = "$TMP/box:2: moved=11 external=11" ]
	run mp-bccify -n 50 --mbox "$TMP/box"
	[ "${lines[0]}" = "$TMP/box:1: unchanged external=11" ]
	cmp "$TMP/box" "$TMP/box.orig"
}

@test "--maildir reports per file" {
	mkdir -p "$TMP/md/cur" "$TMP/md/new" "$TMP/md/tmp"
	cp "$MAIL/many.eml" "$TMP/md/cur/1:2,S"
	cp "$MAIL/jp-names.eml" "$TMP/md/new/2"
	run mp-bccify --maildir "$TMP/md"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$TMP/md/cur/1:2,S: moved=11 external=11" ]
	[ "${lines[1]}" = "$TMP/md/new/2: unchanged external=4" ]
}

@test "a full disk gives 75 and never exit 0" {
	run sh -c 'mp-bccify <"$1" >/dev/full' sh "$MAIL/many.eml"
	[ "$status" -eq 75 ]
	[[ "$output" == *"No space left on device"* ]]
	run sh -c 'mp-bccify -n 100 <"$1" >/dev/full' sh "$MAIL/many.eml"
	[ "$status" -eq 75 ]
}

@test "bad input: empty 65, no header 65, unreadable file 66" {
	run mp-bccify </dev/null
	[ "$status" -eq 65 ]
	[ "$output" = "mp-bccify: stdin: empty message" ]
	printf '\n\nbody only\n' >"$TMP/m"
	run mp-bccify "$TMP/m"
	[ "$status" -eq 65 ]
	run mp-bccify "$TMP/nonexistent"
	[ "$status" -eq 66 ]
	[[ "$output" == "mp-bccify: $TMP/nonexistent: No such file or directory" ]]
}

@test "usage errors exit 64" {
	run mp-bccify --no-such-flag
	[ "$status" -eq 64 ]
	run mp-bccify --all --self-only
	[ "$status" -eq 64 ]
	run mp-bccify -n 0
	[ "$status" -eq 64 ]
	run mp-bccify -n ten
	[ "$status" -eq 64 ]
	run mp-bccify --mbox x --maildir y
	[ "$status" -eq 64 ]
}

@test "bad configuration exits 78 naming file, key and line" {
	printf '[bccify]\nthreshold = ten\n' >>"$TMP/mp.conf"
	run mp-bccify <"$MAIL/many.eml"
	[ "$status" -eq 78 ]
	[ "$output" = "mp-bccify: bad value for [bccify] threshold: \"ten\" is not a whole number ($TMP/mp.conf:5)" ]
	printf '[bccify]\nmode = some\n' >"$TMP/c2"
	run mp-bccify -c "$TMP/c2" --internal example.co.jp <"$MAIL/many.eml"
	[ "$status" -eq 78 ]
	[[ "$output" == *'"some" is not one of external|all|self-only'* ]]
}

@test "--help prints the usage and exits 0; --version prints the version" {
	run mp-bccify --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: mp-bccify "* ]]
	run mp-bccify --version
	[ "$status" -eq 0 ]
	[[ "$output" == "mp-bccify "[0-9]* ]]
}

@test "--no-bcc-header and --trace override mp.conf; each pair excludes itself" {
	printf '[bccify]\nbcc-header = yes\ntrace = no\n' >>"$TMP/mp.conf"
	mp-bccify <"$MAIL/many.eml" >"$TMP/out"
	grep -qi '^Bcc:' "$TMP/out"
	refute grep -q '^X-MP-Bccify' "$TMP/out"
	mp-bccify --no-bcc-header --trace <"$MAIL/many.eml" >"$TMP/out"
	refute grep -qi '^Bcc:' "$TMP/out"
	grep -q '^X-MP-Bccify: moved=11$' "$TMP/out"
	run mp-bccify --bcc-header --no-bcc-header <"$MAIL/many.eml"
	[ "$status" -eq 64 ]
	run mp-bccify --trace --no-trace <"$MAIL/many.eml"
	[ "$status" -eq 64 ]
}

@test "an LF From_ line before a CRLF message: new lines follow the message" {
	{ printf 'From sato@example.co.jp  Mon Nov 23 09:30:00 2026\n'
	  cat "$MAIL/many-crlf.eml"; } >"$TMP/m"
	mp-bccify <"$TMP/m" >"$TMP/out"
	grep -q $'^X-MP-Bccify: moved=11\r$' "$TMP/out"
	grep -q $'^To: =?utf-8?b?6Yi05pyoIOS4gOmDjg==?= <suzuki@example.co.jp>\r$' "$TMP/out"
	$HDR outside "$TMP/m" "$TMP/out" to cc bcc x-mp-bccify
}

@test "empty encoded-words in names and Subject: no GLib critical" {
	for f in "$TESTDATA"/charset/empty-word-*.eml; do
		G_DEBUG=fatal-criticals mp-bccify --all -n 1 "$f" >"$TMP/out" 2>"$TMP/err"
		[ ! -s "$TMP/err" ] || { cat "$TMP/err"; false; }
		grep -q '^To: undisclosed-recipients:;$' "$TMP/out"
	done
}

@test "an unreadable item counts as external and moves with the external ones" {
	for f in "$TESTDATA"/charset/unreadable-[0-9]*.eml; do
		to=$(sed -n 's/^To: //p' "$f")
		# one external address is at a threshold of one
		mp-bccify -n 1 <"$f" >"$TMP/out"
		run $HDR field "$TMP/out" to
		[ "$output" = "To: undisclosed-recipients:;" ] || { echo "$f: $output"; false; }
		grep -qx 'Cc: suzuki@example.co.jp' "$TMP/out"
		grep -qx 'X-MP-Bccify: moved=1' "$TMP/out"
		$HDR outside "$f" "$TMP/out" to x-mp-bccify
		# with --bcc-header its text goes to Bcc as it was
		mp-bccify -n 1 --bcc-header <"$f" >"$TMP/out"
		grep -qxF "Bcc: $to" "$TMP/out"
		# below the threshold nothing changes
		mp-bccify -n 2 <"$f" >"$TMP/out"
		cmp "$f" "$TMP/out"
	done
}
