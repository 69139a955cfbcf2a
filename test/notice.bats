#!/usr/bin/env bats
# The password notice and the note of mp-zipenc and mp-detach: where the
# note goes, how the notice is handed on, dates, and option mistakes

load helper
bats_require_minimum_version 1.5.0

setup() {
	setup_tmp
	Z=$TESTDATA/zipenc
	D=$TESTDATA/detach
	printf 'Sesame-open-42\n' >"$TMP/pw"
	ST=$TMP/store
	URL=https://dl.example.co.jp/d/
	DS="--store $ST --base-url $URL"
}

teardown() {
	teardown_tmp
}

# opts TOOL - what TOOL needs besides the notice (mp-detach: a store, a link)
opts() {
	[ "$1" = mp-detach ] && echo "$DS"
	return 0
}

# entries - the entry ids in the store, one a line
entries() {
	ls "$ST" 2>/dev/null | grep -E '^[A-Za-z0-9_-]{24}$' || true
}

# --- option mistakes: 78 once, before any mail is read -------------------

@test "--password-file naming a directory: 78 with a clear message" {
	for tool in mp-zipenc mp-detach; do
		run --separate-stderr $tool $(opts $tool) --notice "$TMP/n" \
		    --password-file "$TMP" </dev/null
		[ "$status" -eq 78 ]
		[ "$stderr" = "$tool: password file: $TMP: a directory, not a file" ]
		[ -z "$output" ]
	done
}

@test "--template-dir that does not exist: 78 at start, not the built-in texts" {
	for tool in mp-zipenc mp-detach; do
		run --separate-stderr $tool $(opts $tool) --notice "$TMP/n" \
		    --password-file "$TMP/pw" --template-dir "$TMP/nope" \
		    "$Z/mixed.eml"
		[ "$status" -eq 78 ]
		[ "$stderr" = "$tool: template directory: $TMP/nope: No such file or directory" ]
		[ -z "$output" ]
		[ ! -e "$TMP/n" ]
	done
	printf '[zipenc]\ntemplate-dir = %s\n' "$TMP/pw" >"$TMP/c"
	run mp-zipenc -c "$TMP/c" --notice "$TMP/n" </dev/null
	[ "$status" -eq 78 ]
	[[ "$output" == *"template directory: $TMP/pw: not a directory" ]]
}

@test "--notice-maildir that is not a Maildir: 78 once at start, not 75 per message" {
	mkdir -p "$TMP/md/cur"
	for tool in mp-zipenc mp-detach; do
		run --separate-stderr $tool $(opts $tool) --password-file "$TMP/pw" \
		    --notice-maildir "$TMP/nope" "$Z/mixed.eml"
		[ "$status" -eq 78 ]
		[ "$stderr" = "$tool: notice Maildir: $TMP/nope: not a Maildir (no tmp/ directory)" ]
		[ -z "$output" ]
		run --separate-stderr $tool $(opts $tool) --password-file "$TMP/pw" \
		    --notice-maildir "$TMP/md" </dev/null
		[ "$status" -eq 78 ]
	done
	# a batch delivers nothing, so it needs no Maildir
	run mp-zipenc --notice-maildir "$TMP/nope" --mbox "$TESTDATA/mbox/sample.mbox"
	[ "$status" -ne 78 ]
}

@test "a FIFO in a --maildir batch is skipped, never read: no blocking" {
	mkdir -p "$TMP/md/cur" "$TMP/md/new" "$TMP/md/tmp"
	cp "$Z/mixed.eml" "$TMP/md/cur/1"
	mkfifo "$TMP/md/new/2"
	cp "$Z/noattach.eml" "$TMP/md/new/3"
	for tool in mp-zipenc mp-detach; do
		run --separate-stderr timeout 10 $tool --maildir "$TMP/md"
		[ "$status" -eq 66 ]	# not 124: timeout did not fire
		[ "${lines[1]}" = "$TMP/md/new/2: error: not a regular file, skipped" ]
		[[ "${lines[0]}" == "$TMP/md/cur/1: "*"=3 "* ]]
		[ "${lines[2]}" = "$TMP/md/new/3: unchanged kept=0" ]
	done
}

# --- the notice command must read the whole notice ------------------------

@test "a notice command that exits 0 without reading: 75, nothing printed" {
	for tool in mp-zipenc mp-detach; do
		run --separate-stderr $tool $(opts $tool) \
		    --notice-cmd "sh -c 'exit 0'" "$Z/mixed.eml"
		[ "$status" -eq 75 ]
		[ -z "$output" ]
		[[ "$stderr" == "$tool: notice command did not read the whole notice (0 of "*" bytes): sh -c 'exit 0'" ]]
		# one that stops part way is no better
		run --separate-stderr $tool $(opts $tool) \
		    --notice-cmd 'head -c 100 >/dev/null' "$Z/mixed.eml"
		[ "$status" -eq 75 ]
		[ -z "$output" ]
		[[ "$stderr" == *"(100 of "*" bytes)"* ]]
	done
	# mp-detach took its entry back
	[ -z "$(entries)" ]
	# one that reads it all is fine, and the notice is whole
	mp-zipenc --notice-cmd "cat >$TMP/got" --notice "$TMP/n" \
	    --password-file "$TMP/pw" <"$Z/mixed.eml" >/dev/null
	cmp "$TMP/got" "$TMP/n"
}

# stop_during_notice SIGNAL - run mp-detach, send it SIGNAL while its
# notice command runs; the command would deliver the notice after 2 s
stop_during_notice() {
	rm -f "$TMP/started" "$TMP/delivered"
	# a shell's background job ignores SIGINT, and mp honours that:
	# start it with the default actions, as an MTA does
	python3 -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
    signal.signal(s, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' mp-detach $DS --password-file "$TMP/pw" --notice-cmd \
	    "touch $TMP/started; sleep 2; cat >$TMP/delivered" \
	    <"$Z/mixed.eml" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	for _ in $(seq 100); do
		[ -e "$TMP/started" ] && break
		sleep 0.1
	done
	[ -e "$TMP/started" ]
	# the entry is there while the command runs
	[ -n "$(entries)" ]
	kill -s "$1" "$pid"
	status=0
	wait "$pid" || status=$?
}

@test "mp-detach stopped (TERM, INT, HUP) during the notice: no entry, no notice" {
	for sig in TERM INT HUP; do
		stop_during_notice $sig
		[ "$status" -eq 75 ]
		[ ! -s "$TMP/out" ]
		[ -z "$(entries)" ]
		grep -q "notice command stopped" "$TMP/err"
	done
	# the command's process group was stopped: nothing comes later
	sleep 2.5
	[ ! -e "$TMP/delivered" ]
}

@test "mp-detach killed with SIGKILL during the notice: the notice never goes" {
	stop_during_notice KILL
	[ "$status" -eq 137 ]
	sleep 2.5
	[ ! -e "$TMP/delivered" ]
	# what stays is an entry whose link is in no message sent; it ends
	# at its expiry and mp-detach --purge removes it then
	[ "$(entries | wc -l)" -eq 1 ]
}

@test "an ignored SIGHUP (nohup) does not stop the notice" {
	rm -f "$TMP/started"
	nohup mp-detach $DS --password-file "$TMP/pw" --notice-cmd \
	    "touch $TMP/started; sleep 1; cat >$TMP/delivered" \
	    <"$Z/mixed.eml" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	for _ in $(seq 100); do
		[ -e "$TMP/started" ] && break
		sleep 0.1
	done
	kill -s HUP "$pid"
	wait "$pid"
	[ -s "$TMP/delivered" ]
	grep -q '^X-MP-Detach: detached=3$' "$TMP/out"
	[ "$(entries | wc -l)" -eq 1 ]
}

# --- the note in the message's own text ---------------------------------

# names FILE - the attachments' file names in FILE, as Python sees them
names() {
	python3 -c 'import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
                                   policy=email.policy.default)
print(" ".join(p.get_filename() for p in m.walk() if p.get_filename()))' "$1"
}

@test "the note goes into the text: Python lists only the ZIP, or nothing" {
	NC="python3 $BATS_TEST_DIRNAME/lib/notecheck.py"
	N=$TESTDATA/notice
	for f in jis-alt qp-alt b64-plain ascii html-only kept-txt; do
		mp-zipenc --notice "$TMP/n" --password-file "$TMP/pw" \
		    <"$N/$f.eml" >"$TMP/z.$f"
		run $NC attachments "$TMP/z.$f"
		[ "$output" = "application/zip attachments-20261123.zip" ]
		# every other leaf byte for byte; the text parts: note + text
		$NC body "$N/$f.eml" "$TMP/z.$f" $(names "$N/$f.eml")
		mp-detach $DS --notice "$TMP/n" --password-file "$TMP/pw" \
		    <"$N/$f.eml" >"$TMP/d.$f"
		run $NC attachments "$TMP/d.$f"
		[ -z "$output" ]
		$NC body "$N/$f.eml" "$TMP/d.$f" $(names "$N/$f.eml")
	done
	# what became of each text part: charset and transfer encoding
	run $NC body "$N/qp-alt.eml" "$TMP/z.qp-alt" quote.pdf
	[ "$output" = "$(printf 'text/plain utf-8 quoted-printable\ntext/html utf-8 quoted-printable')" ]
	run $NC body "$N/b64-plain.eml" "$TMP/d.b64-plain" data.bin
	[ "$output" = "text/plain utf-8 base64" ]
	# US-ASCII with a Japanese note: ISO-2022-JP holds both, 7bit stays
	run $NC body "$N/ascii.eml" "$TMP/z.ascii" report.pdf
	[ "$output" = "text/plain iso-2022-jp 7bit" ]
	# in English it stays US-ASCII, and the text's bytes stay after it
	mp-zipenc --lang en --notice "$TMP/n" --password-file "$TMP/pw" \
	    <"$N/ascii.eml" >"$TMP/en"
	run $NC body "$N/ascii.eml" "$TMP/en" report.pdf
	[ "$output" = "text/plain us-ascii 7bit" ]
	grep -q '^The attachments are in the encrypted ZIP file "attachments-20261123.zip".$' "$TMP/en"
	# CRLF stays CRLF, in the new lines too
	[ "$(tr -cd '\n' <"$TMP/d.b64-plain" | wc -c)" -eq \
	    "$(grep -c $'\r$' "$TMP/d.b64-plain")" ]
}

@test "ISO-2022-JP text and HTML stay ISO-2022-JP; nkf and Python read the note" {
	command -v nkf >/dev/null || skip "nkf is not installed"
	NC="python3 $BATS_TEST_DIRNAME/lib/notecheck.py"
	N=$TESTDATA/notice
	mp-detach $DS --notice "$TMP/n" --password-file "$TMP/pw" \
	    <"$N/jis-alt.eml" >"$TMP/out"
	run $NC body "$N/jis-alt.eml" "$TMP/out" 見積書.pdf 明細.xlsx
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'text/plain iso-2022-jp 7bit\ntext/html iso-2022-jp 7bit')" ]
	# the raw text part, cut out by hand, decoded by nkf
	awk '/^Content-Type: text\/plain; charset="iso-2022-jp"/ { on = 1 }
	    on && /^--=_alternative_2/ { exit } on' "$TMP/out" >"$TMP/raw"
	refute grep -q $'[\x80-\xff]' "$TMP/raw"
	nkf -w "$TMP/raw" >"$TMP/nkf"
	grep -q '^このメールの添付ファイルは、次のURLからダウンロードしてください。$' "$TMP/nkf"
	grep -q "^ダウンロードURL: $URL" "$TMP/nkf"
	grep -q '^お世話になっております。$' "$TMP/nkf"
	$NC text "$TMP/out" text/plain | grep -q '^- 見積書.pdf (2.9 KB)$'
	$NC text "$TMP/out" text/html |
	    grep -q "^ダウンロードURL: <a href=\"${URL}[A-Za-z0-9_-]*\">"
	# a note ISO-2022-JP cannot hold (①) turns the part into UTF-8
	mp-detach $DS --notice "$TMP/n" --password-file "$TMP/pw" \
	    <"$TESTDATA/detach/report.eml" >"$TMP/u8"
	run $NC body "$TESTDATA/detach/report.eml" "$TMP/u8" 見積書.pdf 明細①.xls
	[ "$output" = "text/plain utf-8 base64" ]
	$NC text "$TMP/u8" text/plain | grep -q '^- 明細①.xls (39 KB)$'
}

@test "the note goes into no text attachment, and a file-only message gets a part" {
	NC="python3 $BATS_TEST_DIRNAME/lib/notecheck.py"
	N=$TESTDATA/notice
	# readme.txt is too small to leave: it stays, untouched
	mp-detach $DS --min-size 100 --notice "$TMP/n" \
	    --password-file "$TMP/pw" <"$N/kept-txt.eml" >"$TMP/out"
	run $NC body "$N/kept-txt.eml" "$TMP/out" big.bin
	[ "$output" = "text/plain iso-2022-jp 7bit" ]
	[ "$($NC attachments "$TMP/out")" = "text/plain readme.txt" ]
	# only a file: a text/plain part of its own, as before
	mp-detach $DS --notice "$TMP/n" --password-file "$TMP/pw" \
	    <"$TESTDATA/detach/single.eml" >"$TMP/single"
	grep -q '^Content-Type: multipart/mixed;' "$TMP/single"
	$NC text "$TMP/single" text/plain | grep -q "^ダウンロードURL: $URL"
}

@test "--note-place part (note-place = part): the note as a part of its own" {
	NC="python3 $BATS_TEST_DIRNAME/lib/notecheck.py"
	N=$TESTDATA/notice
	mp-zipenc --note-place part --notice "$TMP/n" --password-file "$TMP/pw" \
	    <"$N/jis-alt.eml" >"$TMP/part"
	# the text is untouched; a second text/plain stands before the ZIP
	run $NC body "$N/jis-alt.eml" "$TMP/part" 見積書.pdf 明細.xlsx
	[ "$status" -eq 1 ]
	[ "$output" = "3 leaves kept, 2 wanted" ]
	[ "$(grep -c '^Content-Type: text/plain' "$TMP/part")" -eq 2 ]
	printf '[zipenc]\nnote-place = part\n' >"$TMP/c"
	mp-zipenc -c "$TMP/c" --notice "$TMP/n" --password-file "$TMP/pw" \
	    <"$N/jis-alt.eml" >"$TMP/part2"
	[ "$(grep -c '^Content-Type: text/plain' "$TMP/part2")" -eq 2 ]
	printf '[detach]\nnote-place = body\n' >"$TMP/c"
	mp-detach -c "$TMP/c" $DS --notice "$TMP/n" --password-file "$TMP/pw" \
	    <"$N/jis-alt.eml" >"$TMP/body"
	[ "$(grep -c '^Content-Type: text/plain' "$TMP/body")" -eq 1 ]
	run mp-zipenc --note-place side --notice "$TMP/n" </dev/null
	[ "$status" -eq 64 ]
	printf '[zipenc]\nnote-place = side\n' >"$TMP/c"
	run mp-zipenc -c "$TMP/c" --notice "$TMP/n" </dev/null
	[ "$status" -eq 78 ]
}

@test "Chromium shows the note at the top of the HTML body (screenshot)" {
	[ -x "${MP_CHROMIUM:-/usr/bin/chromium}" ] ||
	    skip "chromium is not installed (sh scripts/setup test)"
	command -v node >/dev/null || skip "node is not installed"
	[ -f "$BATS_TEST_DIRNAME/e2e/node_modules/playwright-core/package.json" ] ||
	    skip "playwright-core is not installed in test/e2e"
	NC="python3 $BATS_TEST_DIRNAME/lib/notecheck.py"
	mp-detach $DS --notice "$TMP/n" --password-file "$TMP/pw" \
	    <"$TESTDATA/notice/jis-alt.eml" >"$TMP/out"
	$NC text "$TMP/out" text/html >"$TMP/page.html"
	url=$($NC text "$TMP/out" text/plain | sed -n 's/^ダウンロードURL: //p')
	run timeout 120 node "$BATS_TEST_DIRNAME/e2e/notice.mjs" \
	    "$TMP/page.html" "$TMP/shot.png" \
	    "このメールの添付ファイルは、次のURLからダウンロードしてください。" \
	    "ダウンロードURL: $url" "- 明細.xlsx (4.9 KB)" "田中様" \
	    "お世話になっております。"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(head -c 8 "$TMP/shot.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ]
	[ "$(stat -c %s "$TMP/shot.png")" -gt 1000 ]
}

# --- times in the configured zone, Japanese dates, 78 columns ------------

@test "times follow [general] time-zone (default Asia/Tokyo), not the server's TZ" {
	NC="python3 $BATS_TEST_DIRNAME/lib/notecheck.py"
	# the server runs on UTC; the readers are in Japan
	TZ=UTC mp-detach $DS --notice "$TMP/n" --password-file "$TMP/pw" \
	    <"$TESTDATA/notice/jis-alt.eml" >"$TMP/out"
	$NC text "$TMP/out" text/plain >"$TMP/note"
	grep -qE '^有効期限: 20[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}日\([月火水木金土日]\) [0-9]{1,2}:[0-9]{2}$' "$TMP/note"
	$NC text "$TMP/n" text/plain >"$TMP/notice"
	# Date: Mon, 23 Nov 2026 09:30:00 +0900 of the message
	grep -qx '日時: 2026年11月23日(月) 9:30' "$TMP/notice"
	grep -qE '^Date: .* \+0900$' "$TMP/n"
	# the expiry, 7 days on, in the zone: the same wall clock as now there
	want=$(TZ=Asia/Tokyo date -d '+7 days' '+%Y年%-m月%-d日')
	grep -q "^有効期限: $want" "$TMP/note"
	# in English, with the offset
	TZ=UTC mp-zipenc --lang en --notice "$TMP/n" --password-file "$TMP/pw" \
	    <"$TESTDATA/notice/jis-alt.eml" >/dev/null
	$NC text "$TMP/n" text/plain | grep -qx 'Date: 2026-11-23 09:30 +0900'
	# another zone, configured: it wins over TZ
	printf '[general]\ntime-zone = America/New_York\n' >"$TMP/c"
	TZ=Asia/Tokyo mp-zipenc -c "$TMP/c" --lang en --notice "$TMP/n" \
	    --password-file "$TMP/pw" <"$TESTDATA/notice/jis-alt.eml" >/dev/null
	$NC text "$TMP/n" text/plain | grep -qx 'Date: 2026-11-22 19:30 -0500'
	grep -qE '^Date: .* -0500$' "$TMP/n"
	printf '[general]\ntime-zone = UTC\n' >"$TMP/c"
	TZ=Asia/Tokyo mp-detach -c "$TMP/c" $DS --notice "$TMP/n" \
	    --password-file "$TMP/pw" <"$TESTDATA/notice/jis-alt.eml" >"$TMP/out"
	$NC text "$TMP/out" text/plain | grep -qE '^有効期限: .* [0-9]{1,2}:[0-9]{2} \(UTC\+00:00\)$'
}

@test "a time zone the system does not know is a configuration error: 78" {
	printf '[general]\n\ntime-zone = Asia/Tokio\n' >"$TMP/c"
	for tool in mp-zipenc mp-detach; do
		run $tool -c "$TMP/c" $(opts $tool) --notice "$TMP/n" </dev/null
		[ "$status" -eq 78 ]
		[ "$output" = "$tool: [general] time-zone: Asia/Tokio is not a time zone (such as Asia/Tokyo or UTC) ($TMP/c:3)" ]
	done
}

@test "sizes as bytes, KB and MB, in Japanese and English" {
	NC="python3 $BATS_TEST_DIRNAME/lib/notecheck.py"
	python3 - "$TMP/sizes.eml" <<-'EOF'
	import sys
	from email.mime.application import MIMEApplication
	from email.mime.multipart import MIMEMultipart
	from email.mime.text import MIMEText
	m = MIMEMultipart()
	m["From"] = "a@example.co.jp"
	m["To"] = "b@customer.example"
	m["Subject"] = "sizes"
	m.attach(MIMEText("files\n"))
	for name, n in (("one.bin", 1), ("small.bin", 1023), ("k.bin", 1024),
	                ("mid.bin", 1536), ("big.bin", 150000),
	                ("m.bin", 3 * 1024 * 1024 + 300000)):
	    p = MIMEApplication(bytes(i % 251 for i in range(n)))
	    p.add_header("Content-Disposition", "attachment", filename=name)
	    m.attach(p)
	open(sys.argv[1], "wb").write(m.as_bytes())
	EOF
	mp-detach $DS --notice "$TMP/n" --password-file "$TMP/pw" \
	    <"$TMP/sizes.eml" >"$TMP/out"
	run $NC text "$TMP/out" text/plain
	[[ "$output" == *"- one.bin (1 バイト)
- small.bin (1,023 バイト)
- k.bin (1.0 KB)
- mid.bin (1.5 KB)
- big.bin (146 KB)
- m.bin (3.3 MB)"* ]]
	mp-detach $DS --lang en --notice "$TMP/n" --password-file "$TMP/pw" \
	    <"$TMP/sizes.eml" >"$TMP/out"
	run $NC text "$TMP/out" text/plain
	[[ "$output" == *"- one.bin (1 byte)
- small.bin (1,023 bytes)
- k.bin (1.0 KB)"* ]]
}

@test "no line of a notice or a note is wider than 78 columns (wide = 2)" {
	NC="python3 $BATS_TEST_DIRNAME/lib/notecheck.py"
	# a long Japanese file name and many recipients
	python3 - "$TMP/long.eml" <<-'EOF'
	import sys
	from email.header import Header
	from email.mime.application import MIMEApplication
	from email.mime.multipart import MIMEMultipart
	from email.mime.text import MIMEText
	m = MIMEMultipart()
	m["From"] = "a@example.co.jp"
	m["To"] = ", ".join("Person %d <p%d@customer.example>" % (i, i)
	                    for i in range(8))
	m["Subject"] = Header("長い件名" * 12, "utf-8").encode()
	m.attach(MIMEText("本文です。\n", "plain", "utf-8"))
	p = MIMEApplication(b"x" * 3000)
	p.add_header("Content-Disposition", "attachment",
	             filename=("utf-8", "", "二〇二六年度第三四半期営業報告書「東日本地区」最終版（社外秘・取扱注意）.pdf"))
	m.attach(p)
	open(sys.argv[1], "wb").write(m.as_bytes())
	EOF
	i=0
	for f in "$TMP/long.eml" "$TESTDATA"/notice/*.eml "$TESTDATA"/detach/report.eml \
	    "$TESTDATA"/zipenc/mixed.eml "$TESTDATA"/zipenc/html-cid.eml; do
		for lang in ja en; do
			for notify in sender recipients; do
				i=$((i + 1))
				mp-zipenc --lang $lang --notify $notify \
				    --notice "$TMP/zn.$i" --password-file "$TMP/pw" \
				    <"$f" >"$TMP/zo.$i"
				mp-detach $DS --lang $lang --notify $notify \
				    --notice "$TMP/dn.$i" --password-file "$TMP/pw" \
				    <"$f" >"$TMP/do.$i"
			done
		done
	done
	run $NC width "$TMP"/zn.* "$TMP"/dn.*
	echo "${lines[0]}"
	[ "${lines[0]%% *}" -le 78 ]
	# the notes, in the text and the HTML the note went into
	run $NC width "$TMP"/zo.* "$TMP"/do.*
	echo "${lines[0]}"
	[ "${lines[0]%% *}" -le 78 ]
	# the long name was there, and was wrapped, not cut
	$NC text "$TMP/dn.1" text/plain | tr -d '\n ' |
	    grep -q '二〇二六年度第三四半期営業報告書「東日本地区」最終版（社外秘・取扱注意）.pdf'
}

@test "a template of 64 KiB is read; one byte more, or a NUL, is 78" {
	mkdir "$TMP/tpl"
	# template BYTES - a notice template of exactly BYTES bytes
	template() {
		python3 -c 'import sys
head = b"Subject: x\n\n{password}\n"
n = int(sys.argv[1]) - len(head)
body = (b"x" * 63 + b"\n") * (n // 64) + b"y" * (n % 64)
sys.stdout.buffer.write(head + body)' "$1" >"$TMP/tpl/notice-sender.ja"
	}
	template 65536
	[ "$(wc -c <"$TMP/tpl/notice-sender.ja")" -eq 65536 ]
	mp-zipenc --notice "$TMP/n" --template-dir "$TMP/tpl" \
	    --password-file "$TMP/pw" <"$Z/mixed.eml" >/dev/null
	grep -q '^Sesame-open-42$' "$TMP/n"
	template 65537
	run mp-zipenc --notice "$TMP/n" --template-dir "$TMP/tpl" \
	    --password-file "$TMP/pw" </dev/null
	[ "$status" -eq 78 ]
	[ "$output" = "mp-zipenc: template $TMP/tpl/notice-sender.ja: not a text of at most 65536 bytes" ]
	printf 'Subject: x\n\n{password}\0\n' >"$TMP/tpl/notice-sender.ja"
	run mp-zipenc --notice "$TMP/n" --template-dir "$TMP/tpl" \
	    --password-file "$TMP/pw" </dev/null
	[ "$status" -eq 78 ]
	[ "$output" = "mp-zipenc: template $TMP/tpl/notice-sender.ja: not a text of at most 65536 bytes" ]
}
