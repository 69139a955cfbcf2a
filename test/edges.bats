#!/usr/bin/env bats
# edges.bats - the limits of lib/mail's header edits and attachment
# names, each at its edge (lib/mail/edit.h, lib/mail/attach.h)

load helper

setup() {
	setup_tmp
}

teardown() {
	teardown_tmp
}

# kept_to N - a message whose To keeps a@example.co.jp and an internal
# address of N bytes after mp-bccify moves the external one
kept_to() {
	local local_part

	local_part=$(printf '%*s' $(($1 - 14)) '' | tr ' ' b)
	printf 'From: a@example.co.jp\nTo: a@example.co.jp, %s@example.co.jp, x@ext.example\nSubject: t\n\nhi\n' \
	    "$local_part"
}

# attached NAME - a message with one attachment called NAME (RFC 2231)
attached() {
	python3 - "$1" <<-'EOF'
	import sys
	from email.utils import encode_rfc2231
	name = encode_rfc2231(sys.argv[1], "utf-8")
	sys.stdout.write(
	    "From: a@example.co.jp\nTo: b@example.com\nSubject: t\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n"
	    "--XX\nContent-Type: text/plain\n\nhi\n"
	    "--XX\nContent-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; filename*=" + name + "\n"
	    "Content-Transfer-Encoding: base64\n\nZGF0YQ==\n--XX--\n")
	EOF
}

# entry NAME - the ZIP entry mp-zipenc makes of an attachment called NAME
entry() {
	attached "$1" >"$TMP/m"
	mp-zipenc --notice "$TMP/n" <"$TMP/m" >"$TMP/out"
	python3 "$BATS_TEST_DIRNAME/lib/zipcheck.py" zip "$TMP/m" "$TMP/out" \
	    "$TMP/a.zip"
	python3 -c 'import sys, zipfile
print(zipfile.ZipFile(sys.argv[1]).namelist()[0])' "$TMP/a.zip"
}

# repeat N TEXT - TEXT N times
repeat() {
	python3 -c 'import sys; print(sys.argv[2] * int(sys.argv[1]))' "$1" "$2"
}

@test "a rewritten address field folds past 78 characters, not at 78" {
	kept_to 57 >"$TMP/m"
	run mp-bccify --internal example.co.jp -n 1 "$TMP/m"
	[ "$status" -eq 0 ]
	to=$(grep '^To:' <<<"$output")
	[ "${#to}" -eq 78 ]
	kept_to 58 >"$TMP/m"
	run mp-bccify --internal example.co.jp -n 1 "$TMP/m"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "To: a@example.co.jp," ]
	[[ ${lines[2]} == " b"*"@example.co.jp" ]]
}

@test "an attachment's name is whole up to 200 bytes, then cut before its extension" {
	name=$(repeat 196 a).txt
	[ "$(entry "$name")" = "$name" ]
	[ "$(entry "$(repeat 197 a).txt")" = "$(repeat 196 a).txt" ]
	# an extension of 16 bytes with its dot is kept, of 17 it is not
	[ "$(entry "$(repeat 190 a).abcdefghijklmno")" = \
	    "$(repeat 184 a).abcdefghijklmno" ]
	[ "$(entry "$(repeat 190 a).abcdefghijklmnop")" = \
	    "$(repeat 190 a).abcdefghi" ]
	# the cut goes back to the start of the character it would split
	[ "$(entry "aa$(repeat 66 あ).txt")" = "aa$(repeat 64 あ).txt" ]
}
