#!/usr/bin/env bats
# The MIME splitter and which parts are attachments, held against
# Python's email package (test/lib/parttree.py) and through mp-zipenc
# and mp-detach: a file that mp does not see goes out in clear.

load helper
load lib/lighttpd
bats_require_minimum_version 1.5.0

M=$TESTDATA/mime
PT=${MP_PARTTREE:-$ROOT/build/parttree}

setup() {
	[ -x "$PT" ] || skip "no $PT (make check builds it)"
	setup_tmp
}

teardown() {
	if [ -n "${LTD:-}" ]; then
		lighttpd_stop "$LTD"
	fi
	teardown_tmp
}

# tree FILE - mp's leaves: TYPE A|- NAME, one a line
tree() {
	"$PT" "$1" | sed 1d
}

# pdf_lines FILE - the base64 lines of the PDF attached in FILE
pdf_lines() {
	python3 - "$1" <<-'EOF'
	import email, email.policy, sys
	m = email.message_from_binary_file(open(sys.argv[1], "rb"),
	                                   policy=email.policy.compat32)
	for p in m.walk():
	    if p.get_content_type() == "application/pdf":
	        for line in p.get_payload().split("\n"):
	            if len(line) > 40:
	                print(line.strip())
	EOF
}

# in_clear FILE OUT - whether any base64 line of FILE's PDF is in OUT
in_clear() {
	local line

	pdf_lines "$1" >"$TMP/lines"
	[ -s "$TMP/lines" ] || { echo "no PDF in $1"; return 2; }
	while read -r line; do
		grep -qF "$line" "$2" && return 0
	done <"$TMP/lines"
	return 1
}

@test "every test message: mp's MIME tree is Python's, but for the listed ones" {
	run python3 "$BATS_TEST_DIRNAME/lib/parttree.py" "$PT" \
	    --allow "$M/testdata-differences.txt" \
	    $(find "$TESTDATA" -name '*.eml' -o -name '*.mbox' | sort)
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "every corpus message: mp's MIME tree is Python's, but for the listed ones" {
	need_corpus
	run python3 -c 'import sys; sys.path.insert(0, sys.argv[1])
import corpus
print("\n".join(corpus.files(sys.argv[2])))' "$BATS_TEST_DIRNAME/lib" "$CORPUS"
	[ "$status" -eq 0 ]
	mapfile -t files <<<"$output"
	[ "${#files[@]}" -gt 1000 ]
	run python3 "$BATS_TEST_DIRNAME/lib/parttree.py" "$PT" \
	    --allow "$M/corpus-differences.txt" "${files[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "the comparison fails on a tree that is not Python's, in an mbox too" {
	# a stand-in for parttree that sees no attachment
	printf '#!/bin/sh\n"%s" "$@" | sed "s/\tA\t/\t-\t/"\n' "$PT" \
	    >"$TMP/blind"
	chmod +x "$TMP/blind"
	run python3 "$BATS_TEST_DIRNAME/lib/parttree.py" "$TMP/blind" \
	    "$TESTDATA/zipenc/mixed.eml"
	[ "$status" -eq 1 ]
	# the attachments of an mbox's second message are in the first
	# message's epilogue when the file is read whole
	{
		echo 'From sato@example.co.jp Mon Nov 30 09:00:00 2026'
		cat "$TESTDATA/zipenc/noattach.eml"
		echo
		echo 'From sato@example.co.jp Mon Nov 30 09:01:00 2026'
		cat "$TESTDATA/zipenc/mixed.eml"
	} >"$TMP/two.mbox"
	run python3 "$BATS_TEST_DIRNAME/lib/parttree.py" "$PT" "$TMP/two.mbox"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "3 messages, 0 differ (0 allowed)" ]
	run python3 "$BATS_TEST_DIRNAME/lib/parttree.py" "$TMP/blind" \
	    "$TMP/two.mbox"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "$TMP/two.mbox:2:" ]]
	# a listed message that agrees is an error too
	echo 'zipenc/mixed.eml  # not so' >"$TMP/allow"
	run python3 "$BATS_TEST_DIRNAME/lib/parttree.py" "$PT" \
	    --allow "$TMP/allow" "$TESTDATA/zipenc/mixed.eml"
	[ "$status" -eq 1 ]
}

@test "a line that only starts like the close delimiter does not end the multipart" {
	for f in close-x close-text delim-x; do
		run tree "$M/$f-in-text.eml"
		[ "${lines[1]}" = "$(printf 'application/pdf\tA\tquote.pdf')" ]
		run mp-zipenc --notice "$TMP/n" "$M/$f-in-text.eml"
		[ "$status" -eq 0 ]
		mp-zipenc --notice "$TMP/n" <"$M/$f-in-text.eml" >"$TMP/out"
		run in_clear "$M/$f-in-text.eml" "$TMP/out"
		[ "$status" -eq 1 ]
		mp-detach --store "$TMP/st" --base-url https://dl.example.co.jp/d/ \
		    --notice "$TMP/n" <"$M/$f-in-text.eml" >"$TMP/out"
		run in_clear "$M/$f-in-text.eml" "$TMP/out"
		[ "$status" -eq 1 ]
	done
}

@test "a close-delimiter look-alike inside an attachment stays its content" {
	run tree "$M/close-in-attachment.eml"
	[ "${#lines[@]}" -eq 2 ]
	mp-detach --store "$TMP/st" --base-url https://dl.example.co.jp/d/ \
	    --notice "$TMP/n" <"$M/close-in-attachment.eml" >"$TMP/out"
	# the rewritten message closes its multipart and keeps the epilogue
	grep -q '^--MPBOUND--$' "$TMP/out"
	grep -q '^epilogue after the close delimiter$' "$TMP/out"
	python3 -c 'import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
assert not m.defects, m.defects
assert [p.get_content_type() for p in m.walk()][0] == "multipart/mixed"' \
	    "$TMP/out"
	# the stored file is the attachment, to its last byte
	id=$(ls "$TMP/st" | grep -E '^[A-Za-z0-9_-]{24}$')
	run mp-detach --store "$TMP/st" --show "$id"
	[ "$status" -eq 0 ]
	got=$(printf '%s' "$output" | python3 -c 'import json, sys
f = json.load(sys.stdin)["files"]
print(len(f), f[0]["name"], f[0]["sha256"])')
	want=$(printf 'id,name\n1,a\n--MPBOUND--x\n2,b\n' | sha256sum | cut -d' ' -f1)
	[ "$got" = "1 data.csv $want" ]
}

@test "after a close-delimiter look-alike both tools write a message that closes (LF, CRLF)" {
	mc="python3 $BATS_TEST_DIRNAME/lib/mimecheck.py"
	zc="python3 $BATS_TEST_DIRNAME/lib/zipcheck.py"
	echo pw-4711 >"$TMP/pw"
	for f in close-x-in-text close-text-in-text delim-x-in-text \
	    close-in-attachment; do
		cp "$M/$f.eml" "$TMP/$f.eml"
		sed 's/$/\r/' "$M/$f.eml" >"$TMP/$f-crlf.eml"
		for g in "$TMP/$f.eml" "$TMP/$f-crlf.eml"; do
			want=$($mc closed "$g" | tail -1)
			mp-zipenc --notice "$TMP/n" --password-file "$TMP/pw" \
			    <"$g" >"$TMP/z"
			$mc closed "$TMP/z"
			[ "$($mc closed "$TMP/z" | tail -1)" = "$want" ]
			rm -rf "$TMP/st"
			mp-detach --store "$TMP/st" \
			    --base-url https://dl.example.co.jp/d/ \
			    --notice "$TMP/n" <"$g" >"$TMP/d"
			$mc closed "$TMP/d"
			[ "$($mc closed "$TMP/d" | tail -1)" = "$want" ]
		done
	done
	# the file in the ZIP ends where the attachment does
	$zc zip "$TMP/close-in-attachment.eml" "$TMP/z" "$TMP/a.zip"
	mkdir "$TMP/x"
	bsdtar -x --passphrase pw-4711 -C "$TMP/x" -f "$TMP/a.zip"
	[ "$(sha256sum <"$TMP/x/data.csv")" = \
	    "$(printf 'id,name\r\n1,a\r\n--MPBOUND--x\r\n2,b\r\n' | sha256sum)" ]
}

@test "a forwarded message is one attachment, with or without a disposition" {
	for f in forward-nodisp forward-inline; do
		run tree "$M/$f.eml"
		[ "${lines[1]}" = "$(printf 'message/rfc822\tA\t')" ]
		mp-zipenc --notice "$TMP/n" <"$M/$f.eml" >"$TMP/out"
		run in_clear "$M/$f.eml" "$TMP/out"
		[ "$status" -eq 1 ]
		grep -q 'application/zip' "$TMP/out"
	done
}

@test "the message a report returns is no forward: it stays where it is" {
	run tree "$M/report-returned.eml"
	[ "${lines[2]}" = "$(printf 'message/rfc822\t-\t')" ]
	mp-zipenc --notice "$TMP/n" <"$M/report-returned.eml" >"$TMP/out"
	cmp "$M/report-returned.eml" "$TMP/out"
	mp-detach --store "$TMP/st" --base-url https://dl.example.co.jp/d/ \
	    --notice "$TMP/n" <"$M/report-returned.eml" >"$TMP/out"
	cmp "$M/report-returned.eml" "$TMP/out"
}

@test "cid: in a comment, in text or in a script keeps nothing inline" {
	run tree "$M/cid-comment.eml"
	[ "${lines[2]}" = "$(printf 'application/pdf\tA\tquote.pdf')" ]
	run tree "$M/cid-text.eml"
	[ "${lines[2]}" = "$(printf 'image/png\tA\tlogo.png')" ]
	[ "${lines[3]}" = "$(printf 'application/pdf\tA\tquote.pdf')" ]
	run tree "$M/cid-script.eml"
	[ "${lines[2]}" = "$(printf 'image/png\tA\tlogo.png')" ]
	for f in cid-comment cid-text; do
		mp-zipenc --notice "$TMP/n" <"$M/$f.eml" >"$TMP/out"
		run in_clear "$M/$f.eml" "$TMP/out"
		[ "$status" -eq 1 ]
	done
}

@test "only an image the HTML markup shows stays inline; a PDF it names does not" {
	run tree "$M/cid-pdf.eml"
	[ "${lines[2]}" = "$(printf 'application/pdf\tA\tquote.pdf')" ]
	mp-zipenc --notice "$TMP/n" <"$M/cid-pdf.eml" >"$TMP/out"
	run in_clear "$M/cid-pdf.eml" "$TMP/out"
	[ "$status" -eq 1 ]
	# img src=cid: unquoted, and url(cid:) in a style attribute
	run tree "$M/cid-image.eml"
	[ "${lines[2]}" = "$(printf 'image/png\t-\tlogo.png')" ]
	[ "${lines[3]}" = "$(printf 'image/png\t-\tlogo.png')" ]
	mp-zipenc --notice "$TMP/n" <"$M/cid-image.eml" >"$TMP/out"
	cmp "$M/cid-image.eml" "$TMP/out"
}

@test "format and control characters leave file names: ZIP entries, the page, filename*" {
	run tree "$M/bidi-names.eml"
	[ "${lines[1]}" = "$(printf 'application/octet-stream\tA\tfdp.exe')" ]
	[ "${lines[2]}" = "$(printf 'application/octet-stream\tA\treport.pdf')" ]
	[ "${lines[3]}" = "$(printf 'application/octet-stream\tA\tab.txt')" ]
	# the ZIP's entry names, as Python's zipfile reads them
	mp-zipenc --notice "$TMP/n" <"$M/bidi-names.eml" >"$TMP/out"
	python3 "$BATS_TEST_DIRNAME/lib/zipcheck.py" zip "$M/bidi-names.eml" \
	    "$TMP/out" "$TMP/a.zip"
	run python3 -c 'import sys, zipfile
print(",".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$TMP/a.zip"
	[ "$output" = "fdp.exe,report.pdf,ab.txt" ]
	# the download page and the file's Content-Disposition
	ST=$TMP/st
	mp-detach --store "$ST" --base-url https://dl.example.co.jp/d/ \
	    --notice "$TMP/n" <"$M/bidi-names.eml" >"$TMP/out"
	id=$(ls "$ST" | grep -E '^[A-Za-z0-9_-]{24}$')
	printf '[detach]\nstore = %s\n' "$ST" >"$TMP/dl.conf"
	pw=$(python3 "$BATS_TEST_DIRNAME/lib/detachcheck.py" password "$TMP/n")
	for req in "GET " "POST password=$pw&file=1"; do
		body=${req#* }
		env GATEWAY_INTERFACE=CGI/1.1 MP_CONFIG="$TMP/dl.conf" \
		    REQUEST_METHOD="${req%% *}" PATH_INFO="/$id" \
		    REMOTE_ADDR=127.0.0.1 \
		    CONTENT_TYPE=application/x-www-form-urlencoded \
		    CONTENT_LENGTH=${#body} mp-download <<<"$body" 2>/dev/null |
		    sed '/^\r*$/q' >>"$TMP/page"
	done
	# the GET page's body too (the download's body is the file itself)
	env GATEWAY_INTERFACE=CGI/1.1 MP_CONFIG="$TMP/dl.conf" \
	    REQUEST_METHOD=GET PATH_INFO="/$id" REMOTE_ADDR=127.0.0.1 \
	    mp-download </dev/null >>"$TMP/page" 2>/dev/null
	grep -q 'fdp.exe' "$TMP/page"
	grep -q "filename\*=UTF-8''fdp.exe" "$TMP/page"
	# no U+202E, U+200B or U+0085 anywhere: page, header, notice, mail
	for f in "$TMP/page" "$TMP/out" "$TMP/n"; do
		run grep -c -P '\x{202E}|\x{200B}|\x{0085}' "$f"
		[ "$output" = 0 ]
	done
}

# cid_check NAME - mp's leaves of $M/NAME.eml are attachments ("file")
# or stay inline ("keep") as $M/NAME.expect says; mp-zipenc zips exactly
# the files, and leaves the others in the message as they were
cid_check() {
	local f=$M/$1.eml keep file

	keep=$(awk -F'\t' '$2 == "keep" { print $1 }' "$M/$1.expect")
	file=$(awk -F'\t' '$2 == "file" { print $1 }' "$M/$1.expect")
	diff <(grep -v '^#' "$M/$1.expect") <(tree "$f" |
	    awk -F'\t' '$3 != "" { print $3 "\t" ($2 == "A" ? "file" : "keep") }')
	mp-zipenc --notice "$TMP/n" <"$f" >"$TMP/out"
	if [ -z "$file" ]; then
		cmp "$f" "$TMP/out"
		return
	fi
	python3 "$BATS_TEST_DIRNAME/lib/zipcheck.py" zip "$f" "$TMP/out" \
	    "$TMP/a.zip"
	[ "$(python3 "$BATS_TEST_DIRNAME/lib/zipcheck.py" names "$TMP/a.zip" |
	    sed 's/^raw //')" = "$file" ]
	# shellcheck disable=SC2086 # one name a word
	python3 "$BATS_TEST_DIRNAME/lib/mimecheck.py" clear "$f" "$TMP/out" \
	    $file
	# shellcheck disable=SC2086
	run python3 "$BATS_TEST_DIRNAME/lib/mimecheck.py" clear "$f" \
	    "$TMP/out" $keep
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "${lines[@]}" |
	    sed 's/^in the clear: \([^:]*\):.*/\1/')" = "$keep" ]
}

@test "hostile HTML: only a start tag's attribute keeps an image inline" {
	# comments, text, script and style text, CDATA, end tags,
	# declarations, an unclosed tag, an attached HTML file: nothing
	cid_check html-cid
}

@test "cid: references as browsers tokenize HTML, not as Python's html.parser" {
	cid_check html5-cid
}

@test "HTML in ISO-2022-JP is read as text, not as its JIS bytes" {
	cid_check html-jis
}

# the names of format-names.eml as mp makes them safe
FORMAT_NAMES='invoicefdp.exe
report 2026.pdf
abcd.txt
請求書xcod.scr'

@test "format characters, C1 controls, line separators: 7z, unzip and bsdtar list the names without" {
	f=$M/format-names.eml
	echo pw-4711 >"$TMP/pw"
	mp-zipenc --notice "$TMP/n" --password-file "$TMP/pw" <"$f" >"$TMP/out"
	python3 "$BATS_TEST_DIRNAME/lib/zipcheck.py" zip "$f" "$TMP/out" \
	    "$TMP/a.zip"
	bsdtar -tf "$TMP/a.zip" >"$TMP/bsdtar"
	[ "$(cat "$TMP/bsdtar")" = "$FORMAT_NAMES" ]
	[ "$(unzip -Z1 "$TMP/a.zip")" = "$FORMAT_NAMES" ]
	sevenz=$(command -v 7zz || command -v 7z || true)
	if [ -n "$sevenz" ]; then
		[ "$("$sevenz" l -slt -ppw-4711 "$TMP/a.zip" |
		    sed -n 's/^Path = //p' | tail -n +2)" = "$FORMAT_NAMES" ]
	fi
	# the notice names them so, and nothing anywhere hides or turns
	python3 "$BATS_TEST_DIRNAME/lib/zipcheck.py" notice "$TMP/n" |
	    grep -q '^.*invoicefdp\.exe'
	python3 "$BATS_TEST_DIRNAME/lib/mimecheck.py" hidden "$TMP/bsdtar" \
	    "$TMP/n" "$TMP/out"
}

@test "format characters: the download page, as lighttpd serves it, and filename* show the names without" {
	need_lighttpd
	LTD=$TMP/lt
	mkdir -p "$LTD"
	mkdir -m 700 "$LTD/store"
	printf '[detach]\nstore = %s\nbase-url = http://127.0.0.1/download/\nlang = en\n' \
	    "$LTD/store" >"$LTD/mp.conf"
	lighttpd_start "$LTD" "$LTD/mp.conf"
	mp-detach -c "$LTD/mp.conf" --notice "$TMP/n" \
	    <"$M/format-names.eml" >"$TMP/out"
	dc="python3 $BATS_TEST_DIRNAME/lib/detachcheck.py"
	id=$($dc url "$TMP/out" | sed 's|.*/||')
	pw=$($dc password "$TMP/n")
	curl -s -o "$TMP/page" "$LT_URL$id"
	[ "$(python3 "$BATS_TEST_DIRNAME/lib/mimecheck.py" cgi-names \
	    "$TMP/page")" = "$FORMAT_NAMES" ]
	python3 "$BATS_TEST_DIRNAME/lib/mimecheck.py" hidden "$TMP/page" \
	    "$TMP/out" "$TMP/n"
	curl -s -D "$TMP/h" -o /dev/null --data-raw "password=$pw&file=1" \
	    "$LT_URL$id"
	grep -i '^Content-Disposition:' "$TMP/h" | grep -q \
	    "filename=\"invoicefdp.exe\"; filename\*=UTF-8''invoicefdp.exe"
	curl -s -D "$TMP/h" -o /dev/null --data-raw "password=$pw&file=3" \
	    "$LT_URL$id"
	grep -i '^Content-Disposition:' "$TMP/h" | grep -q \
	    "filename\*=UTF-8''abcd.txt"
}
