#!/usr/bin/env bats
# mp-zipenc: attachments into one encrypted ZIP, read back by other tools

load helper
bats_require_minimum_version 1.5.0

setup() {
	setup_tmp
	D=$TESTDATA/zipenc
	ZC="python3 $BATS_TEST_DIRNAME/lib/zipcheck.py"
	SEVENZ=$(command -v 7zz || command -v 7z || true)
	printf 'Sesame-open-42\n' >"$TMP/pw"
	PW=Sesame-open-42
	# every run of the tool below needs a place for the notice
	N="--notice $TMP/notice.eml --password-file $TMP/pw"
}

teardown() {
	teardown_tmp
}

need_7z() {
	[ -n "$SEVENZ" ] || skip "7-Zip is not installed (apt-get install 7zip)"
}

# zipped ORIG OUT - the ZIP part mp-zipenc added, as $TMP/a.zip
zipped() {
	$ZC zip "$1" "$2" "$TMP/a.zip"
}

# extract_with TOOL DIR - extract $TMP/a.zip with TOOL into DIR
extract_with() {
	rm -rf "$2"
	mkdir -p "$2"
	case $1 in
	7z) "$SEVENZ" x -y -p"$PW" -o"$2" "$TMP/a.zip" >/dev/null ;;
	bsdtar) bsdtar -x --passphrase "$PW" -C "$2" -f "$TMP/a.zip" ;;
	unzip) unzip -q -P "$PW" -d "$2" "$TMP/a.zip" ;;
	esac
}

# sums DIR FILE... - sha256 of the named files of DIR, one a line
sums() {
	local dir=$1

	shift
	for f; do
		sha256sum "$dir/$f" | cut -d' ' -f1
	done
}

@test "no attachment to encrypt: the output is the input, byte for byte" {
	for f in "$D/noattach.eml" "$D/only-encrypted.eml" "$MAIL"/*.eml; do
		run mp-zipenc $N "$f"
		[ "$status" -eq 0 ]
		mp-zipenc $N <"$f" >"$TMP/out"
		cmp "$f" "$TMP/out"
	done
	# no attachment, no notice
	[ ! -e "$TMP/notice.eml" ]
}

@test "AES-256: 7-Zip and bsdtar extract exactly the decoded attachments" {
	need_7z
	mp-zipenc $N <"$D/mixed.eml" >"$TMP/out"
	zipped "$D/mixed.eml" "$TMP/out"
	want=$($ZC sha "$D/mixed.eml" 1,2,3)
	extract_with 7z "$TMP/7z"
	[ "$(sums "$TMP/7z" 見積書.pdf ①売上表.xls data.csv)" = "$want" ]
	extract_with bsdtar "$TMP/bsd"
	[ "$(sums "$TMP/bsd" 見積書.pdf ①売上表.xls data.csv)" = "$want" ]
	"$SEVENZ" l -slt -p"$PW" "$TMP/a.zip" >"$TMP/list"
	[ "$(grep -c '^Method = AES-256 ' "$TMP/list")" -eq 3 ]
	[ "$(grep -c '^Encrypted = +$' "$TMP/list")" -eq 3 ]
	# random bytes are stored, text is deflated
	grep -A12 '^Path = 見積書.pdf$' "$TMP/list" |
	    grep -q '^Method = AES-256 Store$'
	grep -A12 '^Path = data.csv$' "$TMP/list" |
	    grep -q '^Method = AES-256 Deflate$'
	# and without the password nothing comes out
	refute "$SEVENZ" x -y -pwrong -o"$TMP/no" "$TMP/a.zip" >/dev/null 2>&1
}

@test "--cipher zipcrypto: unzip extracts it, 7-Zip calls it ZipCrypto" {
	need_7z
	mp-zipenc $N --cipher zipcrypto <"$D/mixed.eml" >"$TMP/out"
	zipped "$D/mixed.eml" "$TMP/out"
	extract_with unzip "$TMP/uz"
	[ "$(sums "$TMP/uz" 見積書.pdf ①売上表.xls data.csv)" = \
	    "$($ZC sha "$D/mixed.eml" 1,2,3)" ]
	"$SEVENZ" l -slt "$TMP/a.zip" >"$TMP/list"
	[ "$(grep -c '^Method = ZipCrypto ' "$TMP/list")" -eq 3 ]
	grep -q '^X-MP-Zipenc: zipped=3 cipher=zipcrypto$' "$TMP/out"
	printf '[zipenc]\ncipher = zipcrypto\n' >"$TMP/c"
	mp-zipenc -c "$TMP/c" $N <"$D/mixed.eml" >"$TMP/out"
	grep -q 'cipher=zipcrypto$' "$TMP/out"
	mp-zipenc --config "$TMP/c" $N <"$D/mixed.eml" >"$TMP/out"
	grep -q 'cipher=zipcrypto$' "$TMP/out"
	MP_CONFIG=$TMP/c mp-zipenc $N <"$D/mixed.eml" >"$TMP/out"
	grep -q 'cipher=zipcrypto$' "$TMP/out"
	# the flag wins over the file
	mp-zipenc -c "$TMP/c" --cipher aes256 $N <"$D/mixed.eml" >"$TMP/out"
	grep -q 'cipher=aes256$' "$TMP/out"
}

@test "every entry of every ZIP written is encrypted, read back by Python" {
	for c in aes256 zipcrypto; do
		for f in mixed html-cid archives names forward single; do
			mp-zipenc $N --cipher $c <"$D/$f.eml" >"$TMP/out"
			zipped "$D/$f.eml" "$TMP/out"
			python3 - "$TMP/a.zip" <<-'EOF'
			import sys, zipfile
			z = zipfile.ZipFile(sys.argv[1])
			assert z.infolist(), "empty"
			for i in z.infolist():
			    assert i.flag_bits & 1 or i.file_size == 0, i.filename
			EOF
		done
	done
}

@test "the read-back guard refuses a ZIP with entries in the clear" {
	command -v cc >/dev/null || skip "no C compiler"
	cc -D_GNU_SOURCE -I"$ROOT/lib" $(pkg-config --cflags glib-2.0) \
	    -o "$TMP/zipguard" "$BATS_TEST_DIRNAME/lib/zipguard.c" \
	    "$ROOT/lib/attach/zip.c" "$ROOT/lib/attach/arcscan.c" "$ROOT/lib/base/status.c" \
	    "$ROOT/lib/base/spool.c" "$ROOT/lib/base/output.c" \
	    $(pkg-config --libs glib-2.0 libarchive zlib) -lm
	printf 'text\n' >"$TMP/t.txt"
	printf 'more\n' >"$TMP/u.txt"
	(cd "$TMP" && zip -q plain.zip t.txt && zip -q -P pw enc.zip t.txt &&
	    cp enc.zip mixed.zip && zip -q mixed.zip u.txt)
	run "$TMP/zipguard" check 1 "$TMP/plain.zip"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not encrypted: 1 of 1 entries are in the clear"* ]]
	run "$TMP/zipguard" check 2 "$TMP/mixed.zip"
	[ "$status" -eq 1 ]
	[[ "$output" == *"1 of 2 entries are in the clear"* ]]
	run "$TMP/zipguard" check 1 "$TMP/enc.zip"
	[ "$status" -eq 0 ]
	run "$TMP/zipguard" check 3 "$TMP/enc.zip"
	[ "$status" -eq 1 ]
	"$TMP/zipguard" build aes256 >"$TMP/g.zip"
	"$TMP/zipguard" check 2 "$TMP/g.zip"
}

@test "the password in the notice opens the ZIP; it is random and unambiguous" {
	need_7z
	mp-zipenc --notice "$TMP/notice.eml" <"$D/mixed.eml" >"$TMP/out"
	PW=$($ZC notice "$TMP/notice.eml" | sed -n 's/^パスワード: //p')
	[[ "$PW" =~ ^[A-HJ-NP-Za-km-z2-9]{16}$ ]]
	zipped "$D/mixed.eml" "$TMP/out"
	extract_with 7z "$TMP/x"
	[ "$(sums "$TMP/x" data.csv)" = "$($ZC sha "$D/mixed.eml" 3)" ]
	mp-zipenc --notice "$TMP/n2" <"$D/mixed.eml" >/dev/null
	PW2=$($ZC notice "$TMP/n2" | sed -n 's/^パスワード: //p')
	[ "$PW" != "$PW2" ]
	# --password-length and [zipenc] password-length
	mp-zipenc --notice "$TMP/n3" --password-length 24 <"$D/mixed.eml" \
	    >/dev/null
	[[ "$($ZC notice "$TMP/n3" | sed -n 's/^パスワード: //p')" =~ ^[A-HJ-NP-Za-km-z2-9]{24}$ ]]
	printf '[zipenc]\npassword-length = 9\nnotice = %s\n' "$TMP/n4" \
	    >"$TMP/c"
	mp-zipenc -c "$TMP/c" <"$D/mixed.eml" >/dev/null
	[[ "$($ZC notice "$TMP/n4" | sed -n 's/^パスワード: //p')" =~ ^[A-HJ-NP-Za-km-z2-9]{9}$ ]]
}

@test "the password never reaches standard error or the message" {
	run --separate-stderr mp-zipenc $N --syslog <"$D/mixed.eml"
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"$PW"* ]]
	[[ "$output" != *"$PW"* ]]
	$ZC notice "$TMP/notice.eml" | grep -q "^パスワード: $PW$"
	run --separate-stderr mp-zipenc $N --notice-cmd 'exit 1' <"$D/mixed.eml"
	[[ "$stderr" != *"$PW"* ]]
}

@test "UTF-8 names carry the UTF-8 flag and read back as the original names" {
	mp-zipenc $N <"$D/mixed.eml" >"$TMP/out"
	zipped "$D/mixed.eml" "$TMP/out"
	run $ZC names "$TMP/a.zip"
	[ "${lines[0]}" = "utf8 見積書.pdf" ]
	[ "${lines[1]}" = "utf8 ①売上表.xls" ]
	# ASCII needs no flag
	[ "${lines[2]}" = "raw data.csv" ]
	run bsdtar -tf "$TMP/a.zip"
	[ "${lines[0]}" = "見積書.pdf" ]
}

@test "names: Shift_JIS, RFC 2231 continuations, NFD, duplicates, paths, none" {
	mp-zipenc $N <"$D/names.eml" >"$TMP/out"
	zipped "$D/names.eml" "$TMP/out"
	run $ZC names "$TMP/a.zip"
	[ "${lines[0]}" = "utf8 表計算.xls" ]
	[ "${lines[1]}" = "utf8 長い名前の報告書.pdf" ]
	# macOS's decomposed ガ becomes one character (NFC)
	[ "${lines[2]}" = "utf8 ガイド.pdf" ]
	[ "${lines[3]}" = "raw a.txt" ]
	[ "${lines[4]}" = "raw A (2).txt" ]
	[ "${lines[5]}" = "raw attachment-6.bin" ]
	[ "${lines[6]}" = "raw scan.pdf" ]
	[ "${lines[7]}" = "utf8 笑顔😀.txt" ]
	[ "${#lines[@]}" -eq 8 ]
}

@test "--names cp932: raw CP932 names, read back by Python and unzip" {
	mp-zipenc $N --names cp932 --cipher zipcrypto <"$D/names.eml" \
	    >"$TMP/out"
	zipped "$D/names.eml" "$TMP/out"
	run $ZC names "$TMP/a.zip"
	[ "${lines[0]}" = "raw 表計算.xls" ]
	[ "${lines[1]}" = "raw 長い名前の報告書.pdf" ]
	[ "${lines[2]}" = "raw ガイド.pdf" ]
	# a character CP932 does not have becomes _
	[ "${lines[7]}" = "raw 笑顔_.txt" ]
	# Info-ZIP's unzip writes the raw bytes as the file name (and takes
	# the 0x5c of 表 for a directory separator, as it does for any
	# ZIP from Windows); a name without that byte comes out whole
	extract_with unzip "$TMP/uz"
	ls "$TMP/uz" | iconv -f CP932 -t UTF-8 | grep -qx 'ガイド.pdf'
	[ "$(sums "$TMP/uz" "$(printf 'ガイド.pdf' | iconv -t CP932)")" = \
	    "$($ZC sha "$D/names.eml" 3)" ]
	printf '[zipenc]\nnames = cp932\n' >"$TMP/c"
	mp-zipenc -c "$TMP/c" $N <"$D/names.eml" >"$TMP/out"
	zipped "$D/names.eml" "$TMP/out"
	$ZC names "$TMP/a.zip" | grep -qx 'raw 表計算.xls'
}

@test "every other byte stays: From_ line, header, delimiters, other parts" {
	for t in "mixed 1,2,3" "mixed-crlf 1,2,3" "mixed-from 1,2,3" \
	    "html-cid 3,4" "archives 5,6" "names 1,2,3,4,5,6,7,8" \
	    "forward 1,2,3"; do
		set -- $t
		# the note as a part of its own: the ZIP beside it (the note
		# in the text is checked in test/notice.bats)
		mp-zipenc $N --note-place part <"$D/$1.eml" >"$TMP/$1.out"
		$ZC fidelity "$D/$1.eml" "$TMP/$1.out" "$2" ||
		    { echo "$1"; false; }
		$HDR outside "$D/$1.eml" "$TMP/$1.out" x-mp-zipenc 2>/dev/null ||
		    true
	done
	# the check itself notices a changed byte
	sed 's/Signature/Signatur3/' "$TMP/forward.out" >"$TMP/bad"
	refute $ZC fidelity "$D/forward.eml" "$TMP/bad" 1,2,3
}

@test "the untouched parts are byte-identical (cmp)" {
	mp-zipenc $N --note-place part <"$D/html-cid.eml" >"$TMP/out"
	# the first three leaves (text, HTML, the cid: logo) are kept
	python3 - "$D/html-cid.eml" "$TMP/out" "$BATS_TEST_DIRNAME/lib" <<-'EOF'
	import sys
	sys.path.insert(0, sys.argv[3])
	import zipcheck
	a = zipcheck.root(sys.argv[1]).leaves()
	b = zipcheck.root(sys.argv[2]).leaves()
	for i in range(3):
	    open("%s.%d.a" % (sys.argv[2], i), "wb").write(a[i].raw())
	    open("%s.%d.b" % (sys.argv[2], i), "wb").write(b[i].raw())
	EOF
	for i in 0 1 2; do
		cmp "$TMP/out.$i.a" "$TMP/out.$i.b"
	done
	grep -q 'Content-ID: <logo.1@example.co.jp>' "$TMP/out.2.b"
}

@test "an inline image the HTML refers to (cid:) stays; one it does not is zipped" {
	mp-zipenc $N <"$D/html-cid.eml" >"$TMP/out"
	zipped "$D/html-cid.eml" "$TMP/out"
	run $ZC names "$TMP/a.zip"
	[ "$output" = "$(printf 'raw photo.jpg\nraw report.pdf')" ]
	grep -q '^X-MP-Zipenc: zipped=2 cipher=aes256$' "$TMP/out"
}

@test "files without a name are zipped: no disposition, an unknown one, inline" {
	# a PDF as Python's MIMEApplication writes it, a CSV whose disposition
	# RFC 2183 does not know, a photo marked inline that nothing shows
	mp-zipenc $N <"$D/nameless.eml" >"$TMP/out"
	grep -q '^X-MP-Zipenc: zipped=3 cipher=aes256$' "$TMP/out"
	zipped "$D/nameless.eml" "$TMP/out"
	run $ZC names "$TMP/a.zip"
	[ "$output" = "$(printf 'raw attachment-1.pdf\nraw attachment-2.csv\nraw attachment-3.jpg')" ]
	extract_with bsdtar "$TMP/x"
	[ "$(sums "$TMP/x" attachment-1.pdf attachment-2.csv attachment-3.jpg)" = \
	    "$($ZC sha "$D/nameless.eml" 1,2,3)" ]
	# none of them is left in the clear
	for i in 1 2 3; do
		refute grep -qF "$(sed -n "$((i + 1))p" <($ZC leaves "$D/nameless.eml") | cut -f3)" \
		    <($ZC leaves "$TMP/out" | cut -f3)
	done
	# the HTML page and the image it shows stay as they were
	[ "$($ZC leaves "$TMP/out" | cut -f2,3 | tail -n 2)" = \
	    "$($ZC leaves "$D/nameless.eml" | cut -f2,3 | tail -n 2)" ]
}

@test "a message that is a PDF without a name is zipped whole" {
	mp-zipenc $N <"$D/nameless-whole.eml" >"$TMP/out"
	grep -q '^X-MP-Zipenc: zipped=1 cipher=aes256$' "$TMP/out"
	zipped "$D/nameless-whole.eml" "$TMP/out"
	run $ZC names "$TMP/a.zip"
	[ "$output" = "raw attachment-1.pdf" ]
	extract_with bsdtar "$TMP/x"
	[ "$(sums "$TMP/x" attachment-1.pdf)" = \
	    "$($ZC sha "$D/nameless-whole.eml" 0)" ]
}

@test "a signature and a report's status without a name are no attachments" {
	mp-zipenc $N <"$D/nameless-kept.eml" >"$TMP/out"
	cmp "$D/nameless-kept.eml" "$TMP/out"
	[ ! -e "$TMP/notice.eml" ]
}

@test "encrypted archives (AES and ZipCrypto ZIP, 7z) are left as they are" {
	mp-zipenc $N <"$D/archives.eml" >"$TMP/out"
	zipped "$D/archives.eml" "$TMP/out"
	run $ZC names "$TMP/a.zip"
	[ "$output" = "$(printf 'raw plain.zip\nraw notes.txt')" ]
	grep -q '^X-MP-Zipenc: zipped=2 cipher=aes256$' "$TMP/out"
	# a batch says how many were kept
	cp "$D/archives.eml" "$TMP/one.eml"
	run mp-zipenc "$TMP/one.eml" "$D/only-encrypted.eml"
	[[ "${lines[0]}" =~ ^"$TMP/one.eml: zipped=2 bytes="[0-9]+" kept=4"$ ]]
	[ "${lines[1]}" = "$D/only-encrypted.eml: unchanged kept=1" ]
}

@test "archives that only look encrypted are zipped: 7-Zip lists each inside" {
	# a plain entry beside an encrypted one, the flag alone (stored and
	# deflated), a ZIP after a PDF, data after a ZIP and after a 7z
	mp-zipenc $N <"$D/hostile.eml" >"$TMP/out"
	grep -q '^X-MP-Zipenc: zipped=6 cipher=aes256$' "$TMP/out"
	zipped "$D/hostile.eml" "$TMP/out"
	want='mixed.zip flagonly.zip flagdeflate.zip report.pdf trailing.zip trailing.7z'
	run $ZC names "$TMP/a.zip"
	[ "$output" = "$(printf 'raw %s\n' $want | head -c -1)" ]
	need_7z
	run "$SEVENZ" l -slt -p"$PW" "$TMP/a.zip"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | sed -n 's/^Path = //p' | tail -n +2 | tr '\n' ' ')" = "$want " ]
	[ "$(printf '%s\n' "$output" | grep -c '^Encrypted = +$')" -eq 6 ]
}

@test "the flag on bzip2 and LZMA entries, which are not read back, is not believed" {
	mp-zipenc $N <"$D/hostile-methods.eml" >"$TMP/out"
	grep -q '^X-MP-Zipenc: zipped=2 cipher=aes256$' "$TMP/out"
	zipped "$D/hostile-methods.eml" "$TMP/out"
	run $ZC names "$TMP/a.zip"
	[ "$output" = "$(printf 'raw flagbzip2.zip\nraw flaglzma.zip')" ]
}

@test "archives encrypted through and through pass byte for byte" {
	# 7-Zip's AES ZIP, zip -P with a folder entry, 7z -p -mhe=on
	mp-zipenc $N <"$D/honest.eml" >"$TMP/out"
	cmp "$D/honest.eml" "$TMP/out"
	[ ! -e "$TMP/notice.eml" ]
	run mp-zipenc "$D/honest.eml" "$D/hostile.eml"
	[ "${lines[0]}" = "$D/honest.eml: unchanged kept=3" ]
	[[ "${lines[1]}" =~ ^"$D/hostile.eml: zipped=6 bytes="[0-9]+" kept=0"$ ]]
}

@test "a forwarded message is one attachment; an emptied multipart goes" {
	mp-zipenc $N --note-place part <"$D/forward.eml" >"$TMP/out"
	zipped "$D/forward.eml" "$TMP/out"
	run $ZC names "$TMP/a.zip"
	[ "$output" = "$(printf 'raw attachment-1.eml\nraw n1.pdf\nraw n2.pdf')" ]
	extract_with bsdtar "$TMP/x"
	grep -q '^Subject: Inner' "$TMP/x/attachment-1.eml"
	[ "$(sums "$TMP/x" attachment-1.eml n1.pdf n2.pdf)" = \
	    "$($ZC sha "$D/forward.eml" 1,2,3)" ]
	# the signature after the removed multipart is still there
	[ "$($ZC leaves "$TMP/out" | wc -l)" -eq 4 ]
	tail -c 200 "$TMP/out" | grep -q 'Signature\.'
}

@test "the rewritten message says why, in the configured language" {
	mp-zipenc $N <"$D/html-cid.eml" >"$TMP/out"
	python3 - "$TMP/out" <<-'EOF'
	import email, email.policy, sys
	m = email.message_from_binary_file(open(sys.argv[1], "rb"),
	                                   policy=email.policy.default)
	notes = [p for p in m.walk() if p.get_content_type() == "text/plain"
	         and "ZIP" in p.get_content()]
	assert len(notes) == 1, notes
	n = notes[0]
	# ASCII names: every character fits ISO-2022-JP
	assert n.get_content_charset() == "iso-2022-jp", n.get_content_charset()
	t = n.get_content()
	assert "暗号化ZIPファイル「attachments-20261123.zip」" in t, t
	assert "パスワードは別にお知らせします" in t, t
	assert "- photo.jpg (3.9 KB)" in t, t
	assert "7-Zip" in t, t
	EOF
	mp-zipenc $N --lang en <"$D/html-cid.eml" >"$TMP/out"
	python3 - "$TMP/out" <<-'EOF'
	import email, email.policy, sys
	m = email.message_from_binary_file(open(sys.argv[1], "rb"),
	                                   policy=email.policy.default)
	t = [p.get_content() for p in m.walk()
	     if p.get_content_type() == "text/plain" and "ZIP" in p.get_content()]
	assert 'encrypted ZIP file "attachments-20261123.zip"' in t[0], t
	assert "password is sent separately" in t[0], t
	assert "Windows Explorer cannot open" in t[0], t
	EOF
	printf '[zipenc]\nlang = en\n' >"$TMP/c"
	mp-zipenc -c "$TMP/c" $N <"$D/html-cid.eml" >"$TMP/out"
	# the note in the text: ASCII, so the text stays US-ASCII
	python3 "$BATS_TEST_DIRNAME/lib/notecheck.py" body "$D/html-cid.eml" \
	    "$TMP/out" photo.jpg report.pdf | grep -qx 'text/plain us-ascii 7bit'
}

@test "CRLF in, CRLF out, new parts included; the From_ line is kept" {
	mp-zipenc $N <"$D/mixed-crlf.eml" >"$TMP/out"
	[ "$(tr -cd '\n' <"$TMP/out" | wc -c)" -eq "$(grep -c $'\r$' "$TMP/out")" ]
	grep -q $'^X-MP-Zipenc: zipped=3 cipher=aes256\r$' "$TMP/out"
	mp-zipenc $N <"$D/mixed-from.eml" >"$TMP/out"
	[ "$(head -1 "$TMP/out")" = "$(head -1 "$D/mixed-from.eml")" ]
}

@test "a message that is one file becomes multipart/mixed: note and ZIP" {
	mp-zipenc $N <"$D/single.eml" >"$TMP/out"
	$HDR outside "$D/single.eml" "$TMP/out" content-type \
	    content-transfer-encoding content-disposition x-mp-zipenc 2>&1 |
	    grep -v '^body differs' | { ! grep .; }
	python3 - "$TMP/out" <<-'EOF'
	import email, email.policy, sys
	m = email.message_from_binary_file(open(sys.argv[1], "rb"),
	                                   policy=email.policy.default)
	assert m.get_content_type() == "multipart/mixed"
	parts = [p.get_content_type() for p in m.iter_parts()]
	assert parts == ["text/plain", "application/zip"], parts
	assert not m.defects, m.defects
	assert m["Subject"] == "Contract"
	EOF
	zipped "$D/single.eml" "$TMP/out"
	extract_with bsdtar "$TMP/x"
	[ "$(sums "$TMP/x" 契約書.pdf)" = "$($ZC sha "$D/single.eml" 0)" ]
}

@test "the ZIP is named from the message's Date; --zip-name and zip-name" {
	mp-zipenc $N <"$D/mixed.eml" >"$TMP/out"
	grep -q 'filename=attachments-20261123.zip' "$TMP/out"
	mp-zipenc $N --zip-name 'files-%Y%m%d-%H%M.zip' <"$D/mixed.eml" \
	    >"$TMP/out"
	grep -q 'filename=files-20261123-0930.zip' "$TMP/out"
	$ZC notice "$TMP/notice.eml" | grep -q 'files-20261123-0930.zip'
	printf '[zipenc]\nzip-name = 添付-%%Y.zip\n' >"$TMP/c"
	mp-zipenc -c "$TMP/c" $N <"$D/mixed.eml" >"$TMP/out"
	python3 - "$TMP/out" <<-'EOF'
	import email, email.policy, sys
	m = email.message_from_binary_file(open(sys.argv[1], "rb"),
	                                   policy=email.policy.default)
	names = [p.get_filename() for p in m.walk()
	         if p.get_content_type() == "application/zip"]
	assert names == ["添付-2026.zip"], names
	EOF
	# no Date: today
	grep -v '^Date:' "$D/mixed.eml" >"$TMP/nodate"
	mp-zipenc $N <"$TMP/nodate" >"$TMP/out"
	grep -q "filename=attachments-$(date +%Y%m%d).zip" "$TMP/out"
}

@test "--level sets the deflate level; 0 stores everything" {
	need_7z
	mp-zipenc $N --level 0 <"$D/mixed.eml" >"$TMP/out"
	zipped "$D/mixed.eml" "$TMP/out"
	cp "$TMP/a.zip" "$TMP/l0.zip"
	"$SEVENZ" l -slt -p"$PW" "$TMP/l0.zip" | grep -q '^Method = AES-256 Store$'
	mp-zipenc $N --level 9 <"$D/mixed.eml" >"$TMP/out"
	zipped "$D/mixed.eml" "$TMP/out"
	[ "$(stat -c %s "$TMP/a.zip")" -lt "$(stat -c %s "$TMP/l0.zip")" ]
	printf '[zipenc]\ncompression-level = 0\n' >"$TMP/c"
	mp-zipenc -c "$TMP/c" $N <"$D/mixed.eml" >"$TMP/out"
	zipped "$D/mixed.eml" "$TMP/out"
	"$SEVENZ" l -slt -p"$PW" "$TMP/a.zip" | grep -q '^Method = AES-256 Store$'
}

@test "the notice to the sender: Japanese, ISO-2022-JP when it fits" {
	mp-zipenc $N <"$D/html-cid.eml" >/dev/null
	run $ZC notice "$TMP/notice.eml"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Subject: [パスワード通知(自分宛)] Report with a logo" ]
	[ "${lines[1]}" = "From: sato@example.co.jp" ]
	[ "${lines[2]}" = "To: sato@example.co.jp" ]
	[ "${lines[3]}" = "Auto-Submitted: auto-generated" ]
	[ "${lines[4]}" = "charset: iso-2022-jp" ]
	# wrapped at 78 columns
	[[ "$output" == *"宛先: Tanaka <tanaka@customer.example>, suzuki@partner.example,"$'\n'"boss@example.co.jp"* ]]
	[[ "$output" == *"- photo.jpg (3.9 KB)"* ]]
	[[ "$output" == *"- report.pdf (8.8 KB)"* ]]
	[[ "$output" == *"パスワード: $PW"* ]]
	grep -q '^Subject: =?ISO-2022-JP?B?' "$TMP/notice.eml"
	grep -q '^References: <html.1@example.co.jp>$' "$TMP/notice.eml"
	# ① is not in ISO-2022-JP: UTF-8
	mp-zipenc $N <"$D/mixed.eml" >/dev/null
	run $ZC notice "$TMP/notice.eml"
	[ "${lines[0]}" = "Subject: [パスワード通知(自分宛)] お見積りの件" ]
	[[ "$output" == *"charset: utf-8"* ]]
	[[ "$output" == *"- ①売上表.xls (12 KB)"* ]]
}

@test "the notice in English (--lang en, lang = en)" {
	mp-zipenc $N --lang en <"$D/html-cid.eml" >/dev/null
	run $ZC notice "$TMP/notice.eml"
	[ "${lines[0]}" = "Subject: [Password notice (to yourself)] Report with a logo" ]
	[[ "$output" == *"charset: us-ascii"* ]]
	[[ "$output" == *"Password: $PW"* ]]
	[[ "$output" == *"- report.pdf (8.8 KB)"* ]]
	printf '[zipenc]\nlang = en\n' >"$TMP/c"
	mp-zipenc -c "$TMP/c" $N <"$D/html-cid.eml" >/dev/null
	$ZC notice "$TMP/notice.eml" | grep -q '^Password: '
}

@test "--notify recipients: To and Cc of the message, with the delay hint" {
	mp-zipenc $N --notify recipients <"$D/mixed.eml" >/dev/null
	run $ZC notice "$TMP/notice.eml"
	[ "${lines[0]}" = "Subject: [パスワード通知] お見積りの件" ]
	[ "${lines[1]}" = "From: sato@example.co.jp" ]
	[ "${lines[2]}" = "To: tanaka@customer.example, suzuki@partner.example" ]
	[ "${lines[3]}" = "Cc: boss@example.co.jp" ]
	[ "${lines[4]}" = "X-MP-Deliver-After: 600" ]
	mp-zipenc $N --notify recipients --delay 3600 <"$D/mixed.eml" >/dev/null
	grep -qx 'X-MP-Deliver-After: 3600' "$TMP/notice.eml"
	mp-zipenc $N --notify recipients --delay 0 <"$D/mixed.eml" >/dev/null
	refute grep -q 'X-MP-Deliver-After' "$TMP/notice.eml"
	printf '[zipenc]\nnotify = recipients\ndelay = 60\n' >"$TMP/c"
	mp-zipenc -c "$TMP/c" $N <"$D/mixed.eml" >/dev/null
	grep -qx 'X-MP-Deliver-After: 60' "$TMP/notice.eml"
	# the sender's notice has no delay
	mp-zipenc $N --delay 60 <"$D/mixed.eml" >/dev/null
	refute grep -q 'X-MP-Deliver-After' "$TMP/notice.eml"
}

@test "--sender: the notice's sender and recipient instead of From" {
	mp-zipenc $N --sender 'Gate <gate@example.co.jp>' <"$D/mixed.eml" \
	    >/dev/null
	run $ZC notice "$TMP/notice.eml"
	[ "${lines[1]}" = "From: gate@example.co.jp" ]
	[ "${lines[2]}" = "To: gate@example.co.jp" ]
	grep -v '^From:' "$D/mixed.eml" >"$TMP/nofrom"
	run mp-zipenc $N "$TMP/nofrom"
	[ "$status" -eq 65 ]
	[ -z "$output" ] || [[ "$output" == *"no From address"*"--sender"* ]]
	run mp-zipenc $N --sender gate@example.co.jp "$TMP/nofrom"
	[ "$status" -eq 0 ]
}

@test "--notice-maildir: the notice arrives in new/ through tmp/" {
	mkdir -p "$TMP/md/tmp" "$TMP/md/new" "$TMP/md/cur"
	mp-zipenc --password-file "$TMP/pw" --notice-maildir "$TMP/md" \
	    <"$D/mixed.eml" >"$TMP/out"
	[ "$(ls "$TMP/md/new" | wc -l)" -eq 1 ]
	[ "$(ls "$TMP/md/tmp" | wc -l)" -eq 0 ]
	f=$TMP/md/new/$(ls "$TMP/md/new")
	$ZC notice "$f" | grep -q "^パスワード: $PW$"
	printf '[zipenc]\nnotice-maildir = %s\n' "$TMP/md" >"$TMP/c"
	mp-zipenc -c "$TMP/c" --password-file "$TMP/pw" <"$D/mixed.eml" \
	    >/dev/null
	[ "$(ls "$TMP/md/new" | wc -l)" -eq 2 ]
}

@test "--notice-cmd: the notice on the command's standard input" {
	mp-zipenc --password-file "$TMP/pw" \
	    --notice-cmd "cat >'$TMP/piped'; echo to-stderr" \
	    <"$D/mixed.eml" >"$TMP/out" 2>"$TMP/err"
	$ZC notice "$TMP/piped" | grep -q "^パスワード: $PW$"
	# the command's output goes to standard error, not into the message
	grep -qx 'to-stderr' "$TMP/err"
	refute grep -q 'to-stderr' "$TMP/out"
	printf '[zipenc]\nnotice-cmd = cat >%s\n' "$TMP/p2" >"$TMP/c"
	mp-zipenc -c "$TMP/c" --password-file "$TMP/pw" <"$D/mixed.eml" \
	    >/dev/null
	[ -s "$TMP/p2" ]
}

@test "a failing notice command: 75 and nothing on standard output" {
	run --separate-stderr mp-zipenc $N --notice-cmd 'cat >/dev/null; exit 1' \
	    "$D/mixed.eml"
	[ "$status" -eq 75 ]
	[ -z "$output" ]
	[ "$stderr" = "mp-zipenc: notice command exited with 1: cat >/dev/null; exit 1" ]
	run --separate-stderr mp-zipenc $N --notice-cmd 'kill -9 $$' \
	    "$D/mixed.eml"
	[ "$status" -eq 75 ]
	[ -z "$output" ]
}

@test "a notice that cannot be written: 75 and nothing on standard output" {
	run --separate-stderr mp-zipenc --password-file "$TMP/pw" \
	    --notice "$TMP/no/such/dir/n.eml" "$D/mixed.eml"
	[ "$status" -eq 75 ]
	[ -z "$output" ]
	[[ "$stderr" == "mp-zipenc: notice: $TMP/no/such/dir/.n.eml."*"No such file or directory" ]]
	# (a Maildir that is not there is found at start: 78, test/notice.bats)
	run --separate-stderr mp-zipenc --password-file "$TMP/pw" \
	    --notice-maildir "$TMP/not-a-maildir" "$D/mixed.eml"
	[ "$status" -eq 78 ]
	[ -z "$output" ]
	# a full disk under the notice (/dev/full cannot hold a temp file,
	# so write through a command that fails as a full disk does)
	run --separate-stderr mp-zipenc $N --notice-cmd 'cat >/dev/full' \
	    "$D/mixed.eml"
	[ "$status" -eq 75 ]
	[ -z "$output" ]
	# and no temporary file is left behind
	mkdir "$TMP/d"
	run mp-zipenc --password-file "$TMP/pw" --notice "$TMP/d/n.eml" \
	    --notice-cmd 'exit 3' "$D/mixed.eml"
	[ "$status" -eq 75 ]
	[ "$(ls -A "$TMP/d")" = "n.eml" ]
}

@test "a full TMPDIR: 75, nothing on standard output, no notice" {
	small_tmpdir
	python3 "$BATS_TEST_DIRNAME/lib/bigmail.py" 2 "$TMP/big.eml"
	run env TMPDIR="$TMP/small" sh -c 'mp-zipenc $1 <"$2" >"$3"' sh "$N" \
	    "$TMP/big.eml" "$TMP/out"
	[ "$status" -eq 75 ]
	[[ "$output" == *"No space left on device"* ]]
	[ ! -s "$TMP/out" ]
	[ ! -e "$TMP/notice.eml" ]
	# nothing left behind in TMPDIR
	[ -z "$(ls -A "$TMP/small")" ]
}

@test "memory: peak RSS under 2.5 times the message + 40 MB (40 MB file)" {
	skip_sanitized mp-zipenc
	python3 "$BATS_TEST_DIRNAME/lib/bigmail.py" 40 "$TMP/big.eml"
	size=$(stat -c %s "$TMP/big.eml")
	kb=$(python3 "$BATS_TEST_DIRNAME/lib/peakrss.py" "$TMP/big.eml" \
	    "$TMP/out" mp-zipenc $N)
	echo "peak RSS $kb KiB for a message of $size bytes"
	[ "$kb" -lt $(((size * 5 / 2 + 40000000) / 1024)) ]
	# and the ZIP holds the file
	zipped "$TMP/big.eml" "$TMP/out"
	[ "$($ZC sha "$TMP/big.eml" 1)" = \
	    "$(bsdtar -xOf "$TMP/a.zip" --passphrase "$PW" big.bin | sha256sum | cut -d' ' -f1)" ]
}

@test "a full disk for the message: 75; the notice was written first" {
	run sh -c 'mp-zipenc $1 <"$2" >/dev/full' sh "$N" "$D/mixed.eml"
	[ "$status" -eq 75 ]
	[[ "$output" == *"No space left on device"* ]]
	$ZC notice "$TMP/notice.eml" | grep -q "^パスワード: $PW$"
	run sh -c 'mp-zipenc $1 <"$2" >/dev/full' sh "$N" "$D/noattach.eml"
	[ "$status" -eq 75 ]
}

@test "no place for the notice: 78 before any mail is read" {
	run mp-zipenc --password-file "$TMP/pw" </dev/null
	[ "$status" -eq 78 ]
	[ "$output" = "mp-zipenc: no place for the password notice: give --notice, --notice-maildir or --notice-cmd, or set one in [zipenc]" ]
}

@test "limits: over max-entries or max-bytes exits 65 with nothing printed" {
	run --separate-stderr mp-zipenc $N --max-entries 2 "$D/mixed.eml"
	[ "$status" -eq 65 ]
	[ -z "$output" ]
	[ "$stderr" = "mp-zipenc: $D/mixed.eml: 3 attachments, over the max-entries limit (2)" ]
	run --separate-stderr mp-zipenc $N --max-bytes 40K "$D/mixed.eml"
	[ "$status" -eq 65 ]
	[ -z "$output" ]
	[[ "$stderr" == *"47000 bytes of attachments, over the max-bytes limit (40960 bytes)" ]]
	[ ! -e "$TMP/notice.eml" ]
	run mp-zipenc $N --max-bytes 46K --max-entries 3 "$D/mixed.eml"
	[ "$status" -eq 0 ]
	printf '[zipenc]\nmax-entries = 1\n' >"$TMP/c"
	run mp-zipenc -c "$TMP/c" $N "$D/mixed.eml"
	[ "$status" -eq 65 ]
	printf '[zipenc]\nmax-bytes = 1K\n' >"$TMP/c"
	run mp-zipenc -c "$TMP/c" $N "$D/mixed.eml"
	[ "$status" -eq 65 ]
}

@test "--on-limit pass: over a limit the message goes through unchanged" {
	run --separate-stderr mp-zipenc $N --max-entries 2 --on-limit pass \
	    "$D/mixed.eml"
	[ "$status" -eq 0 ]
	[[ "$stderr" == "mp-zipenc: warning: $D/mixed.eml: 3 attachments, over the max-entries limit (2); passed through unencrypted (on-limit = pass)" ]]
	mp-zipenc $N --max-entries 2 --on-limit pass <"$D/mixed.eml" \
	    >"$TMP/out" 2>/dev/null
	cmp "$D/mixed.eml" "$TMP/out"
	[ ! -e "$TMP/notice.eml" ]
	printf '[zipenc]\non-limit = pass\nmax-entries = 2\n' >"$TMP/c"
	mp-zipenc -c "$TMP/c" $N <"$D/mixed.eml" >"$TMP/out" 2>/dev/null
	cmp "$D/mixed.eml" "$TMP/out"
	# the flag wins over the file
	run mp-zipenc -c "$TMP/c" $N --on-limit reject "$D/mixed.eml"
	[ "$status" -eq 65 ]
}

@test "--template-dir: the site's own texts, checked when loaded" {
	mkdir "$TMP/tpl"
	printf 'Subject: 【パスワード】{subject}\n\n{files}\npw={password}\n' \
	    >"$TMP/tpl/notice-sender.ja"
	printf 'See {zip} ({count} files).\n' >"$TMP/tpl/note.ja"
	mp-zipenc $N --template-dir "$TMP/tpl" <"$D/html-cid.eml" >"$TMP/out"
	run $ZC notice "$TMP/notice.eml"
	[ "${lines[0]}" = "Subject: 【パスワード】Report with a logo" ]
	[[ "$output" == *"pw=$PW"* ]]
	grep -q '^See attachments-20261123.zip (2 files).$' "$TMP/out"
	# the English texts are still the built-in ones
	mp-zipenc $N --template-dir "$TMP/tpl" --lang en <"$D/html-cid.eml" \
	    >/dev/null
	$ZC notice "$TMP/notice.eml" | grep -q '^Password: '
	printf '[zipenc]\ntemplate-dir = %s\n' "$TMP/tpl" >"$TMP/c"
	mp-zipenc -c "$TMP/c" $N <"$D/html-cid.eml" | grep -q '^See '
	# mistakes are configuration errors, named with file and line
	printf 'Subject: x\n\nline\n{pasword}\n' >"$TMP/tpl/notice-sender.ja"
	run mp-zipenc $N --template-dir "$TMP/tpl" </dev/null
	[ "$status" -eq 78 ]
	[ "$output" = "mp-zipenc: template $TMP/tpl/notice-sender.ja:4: unknown placeholder {pasword} (write {{ for a brace)" ]
	printf 'Subject: x\n\nno password here\n' >"$TMP/tpl/notice-sender.ja"
	run mp-zipenc $N --template-dir "$TMP/tpl" </dev/null
	[ "$status" -eq 78 ]
	[ "$output" = "mp-zipenc: template $TMP/tpl/notice-sender.ja: must hold {password}" ]
	rm "$TMP/tpl/notice-sender.ja"
	printf 'The password is {password}\n' >"$TMP/tpl/note.ja"
	run mp-zipenc $N --template-dir "$TMP/tpl" </dev/null
	[ "$status" -eq 78 ]
	[[ "$output" == *"note.ja:1: unknown placeholder {password}"* ]]
	printf 'no subject line\n' >"$TMP/tpl/notice-recipients.ja"
	run mp-zipenc $N --template-dir "$TMP/tpl" </dev/null
	[ "$status" -eq 78 ]
}

@test "--password-file: its first line; empty or missing is 78" {
	printf 'abc def\nsecond line\n' >"$TMP/p"
	mp-zipenc --notice "$TMP/n" --password-file "$TMP/p" <"$D/mixed.eml" \
	    >/dev/null
	grep -q '^パスワード: abc def$' <($ZC notice "$TMP/n")
	: >"$TMP/empty"
	run mp-zipenc --notice "$TMP/n" --password-file "$TMP/empty" </dev/null
	[ "$status" -eq 78 ]
	[ "$output" = "mp-zipenc: password file: $TMP/empty: the first line is empty" ]
	run mp-zipenc --notice "$TMP/n" --password-file "$TMP/none" </dev/null
	[ "$status" -eq 78 ]
	printf '[zipenc]\npassword-file = %s\n' "$TMP/p" >"$TMP/c"
	mp-zipenc -c "$TMP/c" --notice "$TMP/n" <"$D/mixed.eml" >/dev/null
	grep -q '^パスワード: abc def$' <($ZC notice "$TMP/n")
}

@test "a DKIM signature draws a warning: the body changes" {
	{ echo 'DKIM-Signature: v=1; a=rsa-sha256; d=example.co.jp; h=from:to; bh=x; b=y'
	  cat "$D/mixed.eml"; } >"$TMP/m"
	run --separate-stderr mp-zipenc $N "$TMP/m"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning: $TMP/m: a DKIM-Signature signs the body"* ]]
	run --separate-stderr mp-zipenc $N "$D/mixed.eml"
	[ -z "$stderr" ]
}

@test "a forged X-MP-Zipenc is replaced; running twice changes nothing" {
	{ echo 'X-MP-Zipenc: zipped=0'; cat "$D/mixed.eml"; } >"$TMP/m"
	mp-zipenc $N <"$TMP/m" >"$TMP/out"
	[ "$(grep -c '^X-MP-Zipenc' "$TMP/out")" -eq 1 ]
	grep -q '^X-MP-Zipenc: zipped=3 cipher=aes256$' "$TMP/out"
	# the ZIP is an encrypted archive now: left alone
	mp-zipenc $N <"$TMP/out" >"$TMP/again"
	cmp "$TMP/out" "$TMP/again"
}

@test "--mbox and --maildir report per message and change nothing" {
	{ cat "$D/mixed-from.eml"; echo; printf 'From x@y Mon Nov 23 10:00:00 2026\n'
	  cat "$D/noattach.eml"; } >"$TMP/box"
	cp "$TMP/box" "$TMP/box.orig"
	run mp-zipenc --mbox "$TMP/box"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$TMP/box:1: zipped=3 bytes=47000 kept=0" ]
	[ "${lines[1]}" = "$TMP/box:2: unchanged kept=0" ]
	run --separate-stderr mp-zipenc --max-entries 2 --mbox "$TMP/box"
	[ "$status" -eq 65 ]
	[ "$stderr" = "mp-zipenc: $TMP/box:1: 3 attachments, over the max-entries limit (2)" ]
	[ "${lines[0]}" = "$TMP/box:1: over-limit: 3 attachments, over the max-entries limit (2)" ]
	cmp "$TMP/box" "$TMP/box.orig"
	mkdir -p "$TMP/md/cur" "$TMP/md/new" "$TMP/md/tmp"
	cp "$D/mixed.eml" "$TMP/md/cur/1:2,S"
	cp "$D/only-encrypted.eml" "$TMP/md/new/2"
	run mp-zipenc --maildir "$TMP/md"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$TMP/md/cur/1:2,S: zipped=3 bytes=47000 kept=0" ]
	[ "${lines[1]}" = "$TMP/md/new/2: unchanged kept=1" ]
	[ ! -e "$TMP/notice.eml" ]
}

@test "bad input: empty 65, no header 65, unreadable 66, unreadable as a file 74" {
	run mp-zipenc $N </dev/null
	[ "$status" -eq 65 ]
	[ "$output" = "mp-zipenc: stdin: empty message" ]
	printf '\n\nbody only\n' >"$TMP/m"
	run mp-zipenc $N "$TMP/m"
	[ "$status" -eq 65 ]
	run mp-zipenc $N "$TMP/nonexistent"
	[ "$status" -eq 66 ]
	[ "$output" = "mp-zipenc: $TMP/nonexistent: No such file or directory" ]
	# a directory opens but does not read: an I/O error
	run mp-zipenc $N "$TMP"
	[ "$status" -eq 74 ]
	[ "$output" = "mp-zipenc: $TMP: read: Is a directory" ]
}

@test "usage errors exit 64" {
	for args in --no-such-flag "--cipher des" "--names sjis" "--lang fr" \
	    "--notify all" "--on-limit drop" "--level 10" "--max-entries 0" \
	    "--max-bytes 12X" "--delay -1" "--password-length 7" \
	    "--password-length 129" "--mbox x --maildir y" \
	    "--password-length 20 --password-file $TMP/pw" "--zip-name %" ; do
		run mp-zipenc $N $args </dev/null
		[ "$status" -eq 64 ] || { echo "$args: $status $output"; false; }
	done
	run mp-zipenc $N --cipher des </dev/null
	[ "$output" = "mp-zipenc: --cipher: not aes256 or zipcrypto: des" ]
	run mp-zipenc $N --sender 'not an address' </dev/null
	[ "$status" -eq 64 ]
	[ "$output" = "mp-zipenc: --sender: not an address: not an address" ]
}

@test "bad configuration exits 78 naming file, key and line" {
	printf '[zipenc]\nlang = ja\ncipher = des\n' >"$TMP/c"
	run mp-zipenc -c "$TMP/c" $N </dev/null
	[ "$status" -eq 78 ]
	[ "$output" = "mp-zipenc: bad value for [zipenc] cipher: \"des\" is not one of aes256|zipcrypto ($TMP/c:3)" ]
	printf '[zipenc]\nmax-entrys = 3\n' >"$TMP/c"
	run mp-zipenc -c "$TMP/c" $N </dev/null
	[ "$status" -eq 78 ]
	[[ "$output" == *"unknown key [zipenc] max-entrys ($TMP/c:2)" ]]
	printf '[zipenc]\npassword-length = 4\n' >"$TMP/c"
	run mp-zipenc -c "$TMP/c" $N </dev/null
	[ "$status" -eq 78 ]
	printf '[zipenc]\nzip-name = %%\n' >"$TMP/c"
	run mp-zipenc -c "$TMP/c" $N </dev/null
	[ "$status" -eq 78 ]
	[[ "$output" == *"zip-name"*"($TMP/c:2)" ]]
}

@test "--help prints the usage and exits 0; --version prints the version" {
	run mp-zipenc --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: mp-zipenc "* ]]
	run mp-zipenc --version
	[ "$status" -eq 0 ]
	[[ "$output" == "mp-zipenc "[0-9]* ]]
}

@test "corpus: real attachments go through, names and bytes read back" {
	need_corpus
	need_7z
	n=0
	for f in "$CORPUS"/mikel-mail/spec/fixtures/emails/multi_charset/japanese_attachment*.eml \
	    "$CORPUS"/mikel-mail/spec/fixtures/emails/attachment_emails/*.eml \
	    "$CORPUS"/hunnysoft-mmp/tests/_data/emails/m*.txt; do
		[ -f "$f" ] || continue
		run --separate-stderr mp-zipenc $N "$f"
		[ "$status" -eq 0 ] || [ "$status" -eq 65 ] ||
		    { echo "$f: $status $stderr"; false; }
		[ "$status" -eq 0 ] || continue
		printf '%s\n' "$output" >"$TMP/out"
		grep -q '^X-MP-Zipenc: ' "$TMP/out" || continue
		n=$((n + 1))
		zipped "$f" "$TMP/out"
		extract_with 7z "$TMP/x"
		# every file in the ZIP is the decoded body of one attachment
		python3 - "$f" "$TMP/x" "$BATS_TEST_DIRNAME/lib" <<-'EOF'
		import hashlib, os, sys
		sys.path.insert(0, sys.argv[3])
		import zipcheck
		import email
		leaves, broken = set(), 0
		for p in zipcheck.root(sys.argv[1]).leaves():
		    leaves.add(hashlib.sha256(p.decoded()).hexdigest())
		    # broken base64 decodes differently in every reader
		    m = email.message_from_bytes(p.raw())
		    m.get_payload(decode=True)
		    broken += bool(m.defects)
		for name in os.listdir(sys.argv[2]):
		    d = open(os.path.join(sys.argv[2], name), "rb").read()
		    assert hashlib.sha256(d).hexdigest() in leaves or broken, \
		        (sys.argv[1], name)
		EOF
	done
	[ "$n" -ge 20 ]
	# the Japanese names come out as written
	f=$CORPUS/mikel-mail/spec/fixtures/emails/multi_charset/japanese_attachment_long_name.eml
	mp-zipenc $N <"$f" >"$TMP/out"
	zipped "$f" "$TMP/out"
	$ZC names "$TMP/a.zip" | grep -qx 'utf8 かきくけこかきくけこかきくけこかきくけこかきくけこ.txt'
	f=$CORPUS/mikel-mail/spec/fixtures/emails/multi_charset/japanese_attachment.eml
	mp-zipenc $N <"$f" >"$TMP/out"
	zipped "$f" "$TMP/out"
	$ZC names "$TMP/a.zip" | grep -qx 'utf8 てすと.txt'
}

@test "[limits] mime-depth: deeper nesting is refused with 65, no output" {
	printf '[limits]\nmime-depth = 3\n[zipenc]\nnotice = %s/notice.eml\n' \
	    "$TMP" >"$TMP/depth.conf"
	python3 "$BATS_TEST_DIRNAME/lib/nested.py" 5 >"$TMP/deep.eml"
	run --separate-stderr mp-zipenc -c "$TMP/depth.conf" <"$TMP/deep.eml"
	[ "$status" -eq 65 ]
	[ -z "$output" ]
	[ "$stderr" = "mp-zipenc: stdin: MIME nesting deeper than mime-depth limit (3)" ]
	python3 "$BATS_TEST_DIRNAME/lib/nested.py" 3 >"$TMP/ok.eml"
	run mp-zipenc -c "$TMP/depth.conf" <"$TMP/ok.eml"
	[ "$status" -eq 0 ]
}

@test "empty encoded-words in Subject and file names: no GLib critical" {
	for f in "$TESTDATA"/charset/empty-word-*.eml; do
		rm -f "$TMP/notice.eml"
		G_DEBUG=fatal-criticals mp-zipenc $N "$f" >"$TMP/out" 2>"$TMP/err"
		[ ! -s "$TMP/err" ] || { cat "$TMP/err"; false; }
		zipped "$f" "$TMP/out"
		[ "$($ZC names "$TMP/a.zip" | wc -l)" -eq 3 ]
		$ZC notice "$TMP/notice.eml" >/dev/null
	done
}

@test "a byte wrong for its charset in a file name is one U+FFFD, nothing lost" {
	mp-zipenc $N "$TESTDATA/charset/bad-bytes.eml" >"$TMP/out"
	zipped "$TESTDATA/charset/bad-bytes.eml" "$TMP/out"
	run $ZC names "$TMP/a.zip"
	[ "${lines[0]}" = "utf8 Dij�at" ]
	[ "${lines[1]}" = "utf8 山��田" ]
	[ "${lines[2]}" = "utf8 たなか田中" ]
	[ "${lines[3]}" = "utf8 見積書" ]
	# the same as RFC 2231 values (GMime's CP932 fallback made Dij蛎t)
	# (a name met twice gets a number)
	[ "${lines[4]}" = "utf8 Dij�at (2)" ]
	[ "${lines[5]}" = "utf8 山��田 (2)" ]
	[ "${lines[6]}" = "utf8 たなか田中 (2)" ]
	[ "${lines[7]}" = "utf8 ①見積書" ]
	[ "${#lines[@]}" -eq 8 ]
}

@test "an empty attachment goes into the ZIP; the check of the ZIP written passes" {
	python3 - "$TMP/empty.eml" <<-'EOF'
	import sys
	from email.mime.application import MIMEApplication
	from email.mime.multipart import MIMEMultipart
	from email.mime.text import MIMEText
	m = MIMEMultipart()
	m["From"] = "sato@example.co.jp"
	m["To"] = "client@customer.example"
	m["Subject"] = "empty file"
	m.attach(MIMEText("see attached\n"))
	for name, data in (("empty.dat", b""), ("data.bin", b"x" * 100)):
	    p = MIMEApplication(data)
	    p.add_header("Content-Disposition", "attachment", filename=name)
	    m.attach(p)
	open(sys.argv[1], "wb").write(m.as_bytes())
	EOF
	run mp-zipenc --notice "$TMP/n" "$TMP/empty.eml"
	[ "$status" -eq 0 ]
	mp-zipenc --notice "$TMP/n" <"$TMP/empty.eml" >"$TMP/out"
	$ZC zip "$TMP/empty.eml" "$TMP/out" "$TMP/a.zip"
	run python3 -c 'import sys, zipfile
print(",".join("%s:%d" % (i.filename, i.file_size)
               for i in zipfile.ZipFile(sys.argv[1]).infolist()))' "$TMP/a.zip"
	[ "$output" = "empty.dat:0,data.bin:100" ]
}

@test "limits at the edge: each bound is taken, one past it is refused" {
	# OPTION AT-THE-BOUND PAST-IT WHY: over a limit the message passes
	while read -r opt ok bad why; do
		run mp-zipenc $N --on-limit pass "$opt" "$ok" "$D/mixed.eml" </dev/null
		[ "$status" -eq 0 ] || { echo "$opt $ok: $status $output"; false; }
		run mp-zipenc $N "$opt" "$bad" "$D/mixed.eml" </dev/null
		[ "$status" -eq 64 ] || { echo "$opt $bad: $status $output"; false; }
		[ "$output" = "mp-zipenc: $opt: $why: $bad" ]
	done <<-'EOF'
	--level 0 -1 not a number from 0 to 9
	--level 9 10 not a number from 0 to 9
	--max-entries 1 0 not a number from 1 to 1000000
	--max-entries 1000000 1000001 not a number from 1 to 1000000
	--max-bytes 1024 1023 not a size from 1024 to 4294967296
	--max-bytes 4G 4294967297 not a size from 1024 to 4294967296
	--delay 4294967295 4294967296 not a number from 0 to 4294967295
	EOF
	# the password's length, without --password-file
	for n in 8 128; do
		run mp-zipenc --notice "$TMP/n" --password-length $n "$D/mixed.eml"
		[ "$status" -eq 0 ]
		# (a long one stands on a line of its own)
		$ZC notice "$TMP/n" | tr -d '\n' |
		    grep -qE "パスワード: ?[A-Za-z0-9]{$n}$"
	done
	for n in 7 129; do
		run mp-zipenc --notice "$TMP/n" --password-length $n "$D/mixed.eml"
		[ "$status" -eq 64 ]
		[ "$output" = "mp-zipenc: --password-length: not a number from 8 to 128: $n" ]
	done
	# the keys of mp.conf have the same bounds
	printf '[zipenc]\nmax-entries = 1000000\nmax-bytes = 4G\n' >"$TMP/c"
	run mp-zipenc -c "$TMP/c" $N "$D/mixed.eml"
	[ "$status" -eq 0 ]
	printf '[zipenc]\nmax-entries = 1000001\n' >"$TMP/c"
	run mp-zipenc -c "$TMP/c" $N "$D/mixed.eml"
	[ "$status" -eq 78 ]
	[[ "$output" == *"[zipenc] max-entries"*"($TMP/c:2)" ]]
	printf '[zipenc]\nmax-bytes = 4294967297\n' >"$TMP/c"
	run mp-zipenc -c "$TMP/c" $N "$D/mixed.eml"
	[ "$status" -eq 78 ]
	[[ "$output" == *"[zipenc] max-bytes"*"($TMP/c:2)" ]]
}
