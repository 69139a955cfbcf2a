#!/usr/bin/env bats
# mp-classify: recipients and their classes

load helper
bats_require_minimum_version 1.5.0

setup() {
	setup_tmp
	write_conf "$TMP/mp.conf" <<-'EOF'
	[domains]
	# ours, and a subsidiary that counts as semi-internal
	internal = example.co.jp
	semi-internal = group.example.jp; partner.example.jp
	EOF
	export MP_CONFIG=$TMP/mp.conf
}

teardown() {
	teardown_tmp
}

# json FILTER: a Python expression over `d`, the JSON record on stdin
json() {
	python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

@test "one line with the counts per class" {
	run mp-classify <"$MAIL/many.eml"
	[ "$status" -eq 0 ]
	[ "$output" = "internal=2 semi-internal=1 external=12" ]
}

@test "--json: from, message_id, recipients and counts" {
	mp-classify --json <"$MAIL/many.eml" >"$TMP/j"
	[ "$(json 'd["from"]' <"$TMP/j")" = sato@example.co.jp ]
	[ "$(json 'd["message_id"]' <"$TMP/j")" = many.1@example.co.jp ]
	[ "$(json 'd["counts"]["internal"], d["counts"]["semi-internal"], d["counts"]["external"]' <"$TMP/j")" = "2 1 12" ]
	[ "$(json 'len(d["recipients"])' <"$TMP/j")" = 15 ]
	run json '"\n".join("%s %s %s" % (r["field"], r["class"], r["address"]) for r in d["recipients"])' <"$TMP/j"
	[ "${lines[0]}" = "to external john@customer-a.example" ]
	[ "${lines[3]}" = "to internal suzuki@example.co.jp" ]
	[ "${lines[10]}" = "cc internal boss@sales.example.co.jp" ]
	[ "${lines[13]}" = "cc semi-internal f@group.example.jp" ]
	[ "${lines[14]}" = "bcc external secret@customer-d.example" ]
	# one object per line
	[ "$(wc -l <"$TMP/j")" -eq 1 ]
}

@test "Japanese display names: ISO-2022-JP-MS, UTF-8, raw Shift_JIS and raw JIS" {
	mp-classify --json <"$MAIL/jp-names.eml" >"$TMP/j"
	run json '"\n".join(r["name"] for r in d["recipients"])' <"$TMP/j"
	[ "${lines[0]}" = "①㈱髙橋商事" ]
	[ "${lines[1]}" = "鈴木花子" ]
	[ "${lines[2]}" = "表ソフト" ]
	[ "${lines[3]}" = "ソフト表" ]
	[ "${lines[4]}" = "生ＪＩＳ" ]
	run json '" ".join(r["class"] for r in d["recipients"])' <"$TMP/j"
	[ "$output" = "external internal semi-internal external external" ]
}

@test "case, comments, quoted local parts, groups and <> are read" {
	cat >"$TMP/m" <<-'EOF'
	From: me@example.co.jp
	To: "Doe, John" <John@EXAMPLE.CO.JP>, x@y.example (a comment, with comma)
	Cc: "odd local"@example.co.jp, <>, undisclosed-recipients:;
	Cc: Team: t1@example.co.jp, t2@other.example;
	Subject: s

	b
	EOF
	mp-classify --json <"$TMP/m" >"$TMP/j"
	run json '"\n".join("%s %s" % (r["address"], r["class"]) for r in d["recipients"])' <"$TMP/j"
	[ "${lines[0]}" = "John@EXAMPLE.CO.JP internal" ]
	[ "${lines[1]}" = "x@y.example external" ]
	[ "${lines[2]}" = '"odd local"@example.co.jp internal' ]
	[ "${lines[3]}" = "t1@example.co.jp internal" ]
	[ "${lines[4]}" = "t2@other.example external" ]
	[ "${#lines[@]}" -eq 5 ]
	[ "$(json 'd["unreadable"]' <"$TMP/j")" = 0 ]
}

@test "counts are of distinct addresses; case does not make a new one" {
	cat >"$TMP/m" <<-'EOF'
	From: me@example.co.jp
	To: a@x.example, A@X.EXAMPLE
	Cc: a@x.example
	Subject: s

	b
	EOF
	run mp-classify <"$TMP/m"
	[ "$output" = "internal=0 semi-internal=0 external=1" ]
}

@test "IDN: Unicode and punycode forms of a domain are the same domain" {
	cat >"$TMP/m" <<-'EOF'
	From: me@example.co.jp
	To: a@xn--bcher-kva.example, b@bücher.example, c@BÜCHER.example
	Subject: s

	b
	EOF
	run mp-classify --internal bücher.example <"$TMP/m"
	[ "$output" = "internal=3 semi-internal=0 external=0" ]
	run mp-classify --internal xn--bcher-kva.example <"$TMP/m"
	[ "$output" = "internal=3 semi-internal=0 external=0" ]
}

@test "a domain matches its subdomains; the most specific listing wins" {
	cat >"$TMP/m" <<-'EOF'
	From: me@example.co.jp
	To: a@example.co.jp, b@tokyo.example.co.jp, c@subsidiary.example.co.jp,
	 d@notexample.co.jp, e@example.co.jp.evil.example
	Subject: s

	b
	EOF
	mp-classify --json -c /dev/null --internal example.co.jp \
	    --semi-internal subsidiary.example.co.jp <"$TMP/m" >"$TMP/j"
	run json '" ".join(r["class"] for r in d["recipients"])' <"$TMP/j"
	[ "$output" = "internal internal semi-internal external external" ]
}

@test "-r adds envelope recipients; ones the headers name are not repeated" {
	mp-classify --json -r hidden@example.co.jp -r John@Customer-A.example \
	    -r new@outside.example <"$MAIL/many.eml" >"$TMP/j"
	run json '"\n".join("%s %s" % (r["field"], r["address"]) for r in d["recipients"] if r["field"] == "envelope")' <"$TMP/j"
	[ "${lines[0]}" = "envelope hidden@example.co.jp" ]
	[ "${lines[1]}" = "envelope new@outside.example" ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(json 'd["counts"]["internal"], d["counts"]["external"]' <"$TMP/j")" = "3 13" ]
	run mp-classify -r 'not an address' <"$MAIL/many.eml"
	[ "$status" -eq 64 ]
}

@test "Resent-* fields count only with --resent or [classify] resent" {
	{ echo 'Resent-To: r@outside.example'; cat "$MAIL/many.eml"; } >"$TMP/m"
	run mp-classify <"$TMP/m"
	[ "$output" = "internal=2 semi-internal=1 external=12" ]
	run mp-classify --resent <"$TMP/m"
	[ "$output" = "internal=2 semi-internal=1 external=13" ]
	printf '[classify]\nresent = yes\n' >>"$TMP/mp.conf"
	run mp-classify --json <"$TMP/m"
	[[ "$output" == *'"field":"resent-to"'* ]]
}

@test "-a passes the message through with one X-MP-Classify field added" {
	for f in many many-crlf many-from jp-names malformed; do
		mp-classify -a <"$MAIL/$f.eml" >"$TMP/out"
		$HDR outside "$MAIL/$f.eml" "$TMP/out" x-mp-classify
		[ "$(grep -c '^X-MP-Classify:' "$TMP/out")" -eq 1 ]
		# only bytes were added: the output minus that line is the input
		perl -ne 'print unless /^X-MP-Classify:/' "$TMP/out" >"$TMP/back"
		cmp "$MAIL/$f.eml" "$TMP/back"
	done
	mp-classify -a <"$MAIL/many-crlf.eml" | grep -q $'^X-MP-Classify: internal=2 semi-internal=1 external=12\r$'
}

@test "-a replaces an X-MP-Classify the sender put in" {
	{ echo 'X-MP-Classify: internal=99 semi-internal=0 external=0'
	  cat "$MAIL/many.eml"; } >"$TMP/m"
	mp-classify -a <"$TMP/m" >"$TMP/out"
	[ "$(grep -c '^X-MP-Classify' "$TMP/out")" -eq 1 ]
	grep -q '^X-MP-Classify: internal=2 semi-internal=1 external=12$' "$TMP/out"
}

@test "a header without a final line break still gets its field on a line" {
	printf 'From: me@example.co.jp\nTo: a@x.example' >"$TMP/m"
	mp-classify -a <"$TMP/m" >"$TMP/out"
	[ "$(cat "$TMP/out")" = "$(printf 'From: me@example.co.jp\nTo: a@x.example\nX-MP-Classify: internal=0 semi-internal=0 external=1')" ]
}

@test "--mbox: one record per message, named FILE:N" {
	run mp-classify --mbox "$TESTDATA/mbox/sample.mbox"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "$TESTDATA/mbox/sample.mbox:1: internal=2 semi-internal=1 external=12" ]
	[ "${lines[2]}" = "$TESTDATA/mbox/sample.mbox:3: internal=1 semi-internal=1 external=3" ]
	mp-classify --json --mbox "$TESTDATA/mbox/sample.mbox" >"$TMP/j"
	[ "$(wc -l <"$TMP/j")" -eq 3 ]
	[ "$(sed -n 2p "$TMP/j" | json 'd["source"], d["index"], d["counts"]["external"]')" = "$TESTDATA/mbox/sample.mbox 2 1" ]
}

@test "--mbox: a bad message gives an error record and the batch goes on" {
	{ cat "$MAIL/many-from.eml"; echo
	  printf 'From x@y Mon Nov 23 10:00:00 2026\n\nno header at all\n\n'
	  cat "$MAIL/many-from.eml"; } >"$TMP/box"
	run --separate-stderr mp-classify --mbox "$TMP/box"
	[ "$status" -eq 65 ]
	[ "${lines[0]}" = "$TMP/box:1: internal=2 semi-internal=1 external=12" ]
	[ "${lines[1]}" = "$TMP/box:2: error: no header fields" ]
	[ "${lines[2]}" = "$TMP/box:3: internal=2 semi-internal=1 external=12" ]
	[ "$stderr" = "mp-classify: $TMP/box:2: no header fields" ]
	mp-classify --json --mbox "$TMP/box" 2>/dev/null >"$TMP/j" || true
	[ "$(sed -n 2p "$TMP/j" | json 'd["error"], d["status"]')" = "no header fields 65" ]
}

@test "--mbox never hangs: GMime's stuck-parser message splits and reads" {
	run timeout 10 mp-classify --mbox "$TESTDATA/mbox/long-header-line.mbox"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[3]}" == *":4: internal=0 semi-internal=0 external=1" ]]
	run timeout 10 mp-classify --json --mbox "$TESTDATA/mbox/long-header-line.mbox"
	[ "$(echo "${lines[1]}" | json 'd["message_id"]')" = "fb45a588-31d2-48f4-abec-9f0f2accfee7@example.com" ]
}

@test "--mbox: an unescaped From in a body does not split a message" {
	printf 'From a@b Mon Nov 23 10:00:00 2026\nFrom: a@b.example\nTo: c@d.example\n\nline\nFrom the start\n\nFrom a@b Mon Nov 23 10:00:01 2026\nFrom: a@b.example\nTo: e@f.example\n\nx\n' >"$TMP/box"
	run mp-classify --mbox "$TMP/box"
	[ "${#lines[@]}" -eq 2 ]
}

@test "--mbox: a file that is not an mbox is refused" {
	run mp-classify --mbox "$MAIL/many.eml"
	[ "$status" -eq 65 ]
	[[ "$output" == *"not an mbox file"* ]]
	run mp-classify --mbox "$TMP/missing"
	[ "$status" -eq 66 ]
	: >"$TMP/empty"
	run mp-classify --mbox "$TMP/empty"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "--maildir: cur/ and new/, in name order, each record named by its file" {
	mkdir -p "$TMP/md/cur" "$TMP/md/new" "$TMP/md/tmp"
	cp "$MAIL/many.eml" "$TMP/md/cur/2:2,S"
	cp "$MAIL/jp-names.eml" "$TMP/md/cur/1:2,S"
	cp "$MAIL/malformed.eml" "$TMP/md/new/3"
	cp "$MAIL/many.eml" "$TMP/md/tmp/ignored"
	run mp-classify --maildir "$TMP/md"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "$TMP/md/cur/1:2,S: internal=1 semi-internal=1 external=3" ]
	[ "${lines[1]}" = "$TMP/md/cur/2:2,S: internal=2 semi-internal=1 external=12" ]
	[ "${lines[2]}" = "$TMP/md/new/3: internal=1 semi-internal=0 external=11 unreadable=1" ]
	run mp-classify --maildir "$TMP"
	[ "$status" -eq 66 ]
}

@test "several file arguments are a batch with named records" {
	run mp-classify "$MAIL/many.eml" "$MAIL/jp-names.eml"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$MAIL/many.eml: internal=2 semi-internal=1 external=12" ]
	[ "${lines[1]}" = "$MAIL/jp-names.eml: internal=1 semi-internal=1 external=3" ]
}

@test "line endings: CRLF and old Mac CR-only mail are read" {
	run mp-classify <"$MAIL/many-crlf.eml"
	[ "$output" = "internal=2 semi-internal=1 external=12" ]
	tr '\n' '\r' <"$MAIL/many.eml" >"$TMP/m"
	run mp-classify <"$TMP/m"
	[ "$output" = "internal=2 semi-internal=1 external=12" ]
}

@test "limits: message-bytes and header-bytes give 65" {
	printf '[limits]\nmessage-bytes = 1K\n' >>"$TMP/mp.conf"
	head -c 2000 /dev/zero | tr '\0' 'x' >"$TMP/body"
	cat "$MAIL/many.eml" "$TMP/body" >"$TMP/m"
	run mp-classify <"$TMP/m"
	[ "$status" -eq 65 ]
	[ "$output" = "mp-classify: stdin: message larger than message-bytes limit (1024 bytes)" ]
	sed -i 's/message-bytes = 1K/header-bytes = 1K/' "$TMP/mp.conf"
	{ for i in $(seq 60); do echo "X-Pad-$i: padding padding padding"; done
	  cat "$MAIL/many.eml"; } >"$TMP/m"
	run mp-classify <"$TMP/m"
	[ "$status" -eq 65 ]
	[ "$output" = "mp-classify: stdin: header block larger than header-bytes limit (1024 bytes)" ]
	# the same limits when only the header block of a file is read
	run mp-classify "$TMP/m"
	[ "$status" -eq 65 ]
	[ "$output" = "mp-classify: $TMP/m: header block larger than header-bytes limit (1024 bytes)" ]
	sed -i 's/header-bytes = 1K/message-bytes = 1K/' "$TMP/mp.conf"
	run mp-classify "$TMP/m"
	[ "$status" -eq 65 ]
	[ "$output" = "mp-classify: $TMP/m: message larger than message-bytes limit (1024 bytes)" ]
}

@test "--json size is the whole message's, even when only its header is read" {
	run mp-classify --json "$MAIL/many.eml"
	[ "$(json 'd["size"]' <<<"$output")" = "$(wc -c <"$MAIL/many.eml")" ]
	run mp-classify --json <"$MAIL/many-from.eml"
	[ "$(json 'd["size"]' <<<"$output")" = "$(wc -c <"$MAIL/many.eml")" ]
}

@test "the default limits let a 135 KB To header through" {
	python3 - >"$TMP/m" <<-'EOF'
	import email.header
	words = ", ".join("%s <u%d@x%d.example>" % (
	    email.header.Header("名前%d" % i, "utf-8").encode(), i, i % 7)
	    for i in range(3500))
	print("From: me@example.co.jp\nTo: " + words + "\nSubject: s\n\nb")
	EOF
	[ "$(wc -c <"$TMP/m")" -gt 130000 ]
	run mp-classify <"$TMP/m"
	[ "$status" -eq 0 ]
	[ "$output" = "internal=0 semi-internal=0 external=3500" ]
}

@test "bad input: empty 65, no header fields 65, missing file 66; NUL is read" {
	run mp-classify </dev/null
	[ "$status" -eq 65 ]
	[ "$output" = "mp-classify: stdin: empty message" ]
	run sh -c 'printf "just text\n" | mp-classify'
	[ "$status" -eq 65 ]
	[ "$output" = "mp-classify: stdin: no header fields" ]
	# a NUL byte in a header reads as a space; the bytes pass unchanged
	printf 'From: a@b.example\nTo: c@x.example,\0d@e.example\n\nb\n' >"$TMP/m"
	run mp-classify <"$TMP/m"
	[ "$status" -eq 0 ]
	[ "$output" = "internal=0 semi-internal=0 external=2" ]
	mp-classify -a <"$TMP/m" | perl -ne 'print unless /^X-MP-Classify:/' |
	    cmp - "$TMP/m"
	run mp-classify "$TMP/missing"
	[ "$status" -eq 66 ]
}

@test "a full disk gives 75; nothing claims success" {
	run sh -c 'mp-classify <"$1" >/dev/full' sh "$MAIL/many.eml"
	[ "$status" -eq 75 ]
	[ "$output" = "mp-classify: write to standard output: No space left on device" ]
	run sh -c 'mp-classify -a <"$1" >/dev/full' sh "$MAIL/many.eml"
	[ "$status" -eq 75 ]
	run sh -c 'mp-classify --json --mbox "$1" >/dev/full' sh "$TESTDATA/mbox/sample.mbox"
	[ "$status" -eq 75 ]
}

@test "usage errors exit 64 with the usage text" {
	run mp-classify --bogus
	[ "$status" -eq 64 ]
	[[ "${lines[1]}" == "usage: mp-classify "* ]]
	run mp-classify -a --json
	[ "$status" -eq 64 ]
	run mp-classify -a --mbox x
	[ "$status" -eq 64 ]
	run mp-classify -a "$MAIL/many.eml" "$MAIL/many.eml"
	[ "$status" -eq 64 ]
	run mp-classify --mbox x --maildir y
	[ "$status" -eq 64 ]
}

@test "--syslog and [log] syslog do not change the output" {
	run mp-classify --syslog <"$MAIL/many.eml"
	[ "$status" -eq 0 ]
	[ "$output" = "internal=2 semi-internal=1 external=12" ]
}

@test "batch error records name the file once" {
	mkdir -p "$TMP/md/cur"
	: >"$TMP/md/cur/1"
	cp "$MAIL/many.eml" "$TMP/md/cur/2"
	run --separate-stderr mp-classify --maildir "$TMP/md"
	[ "$status" -eq 65 ]
	[ "${lines[0]}" = "$TMP/md/cur/1: error: empty message" ]
	[ "$stderr" = "mp-classify: $TMP/md/cur/1: empty message" ]
	run mp-classify "$TMP/md/cur/1"
	[ "$output" = "mp-classify: $TMP/md/cur/1: empty message" ]
}

@test "an empty encoded-word is an empty name, quietly" {
	printf 'From: a@example.co.jp\nTo: =?ISO-2022-JP?B??= <b@x.example>\n\nb\n' >"$TMP/m"
	run --separate-stderr mp-classify --json "$TMP/m"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(json 'd["recipients"][0]["address"]' <<<"$output")" = b@x.example ]
}

@test "Latin-1 names are not mistaken for Shift_JIS" {
	printf 'From: a@example.co.jp\nTo: "Fr\xf6sche" <b@x.example>, Andr\xe9 <c@x.example>\n\nb\n' >"$TMP/m"
	run mp-classify --json "$TMP/m"
	[ "$(json '" ".join(r["name"] for r in d["recipients"])' <<<"$output")" = "Frösche André" ]
}

@test "empty encoded-words in names and Subject: no GLib critical" {
	# G_DEBUG makes a GLib-CRITICAL abort, as ASan would on memchr(NULL)
	for f in "$TESTDATA"/charset/empty-word-*.eml; do
		G_DEBUG=fatal-criticals mp-classify --json "$f" >"$TMP/out" 2>"$TMP/err"
		[ ! -s "$TMP/err" ] || { cat "$TMP/err"; false; }
		[ "$(json '[r.get("name", "") for r in d["recipients"]]' <"$TMP/out")" = "['', '', '']" ]
		[ "$(json 'd["from"]' <"$TMP/out")" = sato@example.co.jp ]
		G_DEBUG=fatal-criticals mp-classify -a "$f" >"$TMP/out" 2>"$TMP/err"
		[ ! -s "$TMP/err" ]
	done
}

@test "an unreadable recipient is external, listed with its text" {
	for f in "$TESTDATA"/charset/unreadable-[0-9]*.eml; do
		to=$(sed -n 's/^To: //p' "$f")
		run mp-classify "$f"
		[ "$status" -eq 0 ]
		[ "$output" = "$f: internal=1 semi-internal=0 external=1 unreadable=1" ] ||
		    { echo "$to: $output"; false; }
		mp-classify --json "$f" >"$TMP/j"
		[ "$(json 'd["recipients"][0]' <"$TMP/j")" = \
		    "{'address': None, 'unreadable': True, 'raw': '$to', 'class': 'external', 'field': 'to'}" ]
		[ "$(json 'd["counts"]["external"], d["unreadable"]' <"$TMP/j")" = "1 1" ]
		mp-classify -a <"$f" | grep -qx 'X-MP-Classify: internal=1 semi-internal=0 external=1 unreadable=1'
	done
}

@test "unusual but readable addresses keep their address and class" {
	i=0
	while read -r want; do
		i=$((i + 1))
		f=$(printf '%s/charset/readable-%02d.eml' "$TESTDATA" "$i")
		mp-classify --json "$f" >"$TMP/j"
		[ "$(json 'd["recipients"][0]["address"], d["recipients"][0]["class"], d["unreadable"]' <"$TMP/j")" = \
		    "$want external 0" ] || { cat "$TMP/j"; false; }
	done <"$TESTDATA/charset/readable.txt"
	[ "$i" -eq 9 ]
}

@test "an unreadable item counts once however often it is written" {
	printf 'From: a@example.co.jp\nTo: x@example.co.jp@y, b@example.co.jp\nCc: x@example.co.jp@y, <>, (just a comment)\n\nb\n' >"$TMP/m"
	run mp-classify <"$TMP/m"
	[ "$output" = "internal=1 semi-internal=0 external=1 unreadable=1" ]
}

@test "-r: an envelope recipient that is not one address is a usage error" {
	for r in a@example.co.jp@ext.example '"a@ext.example' @ext.example \
	    'a@example.co.jp, b@ext.example' 'g: a@example.co.jp;'; do
		run --separate-stderr mp-classify -r "$r" "$MAIL/many.eml"
		[ "$status" -eq 64 ]
		[ "$stderr" = "mp-classify: -r: not an address: $r" ]
		[ -z "$output" ]
	done
}

@test "a byte wrong for its charset is one U+FFFD; the bytes after it stay" {
	mp-classify --json "$TESTDATA/charset/bad-bytes.eml" >"$TMP/j"
	run json '"\n".join(r["name"] for r in d["recipients"])' <"$TMP/j"
	# a Latin-1 byte in UTF-8 must not eat the "a" after it (蛎)
	[ "${lines[0]}" = "Dij�at" ]
	# JIS row 9 has no characters: its second byte is not an "@"
	[ "${lines[1]}" = "山��田" ]
	# Shift_JIS sent as UTF-8 is still read when it is plainly Japanese
	[ "${lines[2]}" = "たなか田中" ]
	[ "${lines[3]}" = "見積書" ]
}

@test "an unreadable From: no sender, nothing leaked (mp-classify, mp-bccify)" {
	printf 'From: Big Bug bb@bug.example\nTo: a@x.example, b@y.example\nSubject: s\n\nbody\n' \
	    >"$TMP/m.eml"
	run --separate-stderr mp-classify -c /dev/null --internal example.co.jp \
	    --json "$TMP/m.eml"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "$output" == *'"from":null'* ]]
	run --separate-stderr mp-bccify -c /dev/null --internal example.co.jp \
	    -n 1 "$TMP/m.eml"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}
