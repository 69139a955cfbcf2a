#!/usr/bin/env bats
# mp-detach: attachments into the encrypted store, a link in their place

load helper
bats_require_minimum_version 1.5.0

setup() {
	setup_tmp
	D=$TESTDATA/detach
	DC="python3 $BATS_TEST_DIRNAME/lib/detachcheck.py"
	ST=$TMP/store
	URL=https://dl.example.co.jp/d/
	# every run of the tool below needs a store, a link and a notice
	S="--store $ST --base-url $URL --notice $TMP/notice.eml"
}

teardown() {
	teardown_tmp
}

# entries - the entry ids in the store, one a line
entries() {
	ls "$ST" 2>/dev/null | grep -E '^[A-Za-z0-9_-]{24}$' || true
}

# meta ID EXPR - a value of the entry's meta.json, as Python prints it
meta() {
	python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
	    "$ST/$1/meta.json" "$2"
}

# cgi METHOD ID [BODY] - mp-download run as a web server would
cgi() {
	printf '[detach]\nstore = %s\n' "$ST" >"$TMP/dl.conf"
	printf '%s' "${3:-}" | env GATEWAY_INTERFACE=CGI/1.1 \
	    MP_CONFIG="$TMP/dl.conf" REQUEST_METHOD="$1" PATH_INFO="/$2" \
	    REMOTE_ADDR=127.0.0.1 \
	    CONTENT_TYPE=application/x-www-form-urlencoded \
	    CONTENT_LENGTH=${#3} mp-download 2>/dev/null
}

@test "no attachment: the output is the input, byte for byte, nothing stored" {
	for f in "$D/noattach.eml" "$MAIL"/*.eml; do
		run mp-detach $S "$f"
		[ "$status" -eq 0 ]
		mp-detach $S <"$f" >"$TMP/out"
		cmp "$f" "$TMP/out"
	done
	[ -z "$(entries)" ]
	[ ! -e "$TMP/notice.eml" ]
}

@test "every part but the attachments stays byte for byte (LF, CRLF, From_)" {
	for f in report report-crlf report-from; do
		mp-detach $S <"$D/$f.eml" >"$TMP/$f.out"
		$DC kept "$D/$f.eml" "$TMP/$f.out" 見積書.pdf 明細①.xls
	done
	[ "$(head -1 "$TMP/report-from.out")" = \
	    "$(head -1 "$D/report-from.eml")" ]
	grep -q '^X-MP-Detach: detached=2$' "$TMP/report.out"
	[ "$(entries | wc -l)" -eq 3 ]
}

@test "CRLF in, CRLF out, the new part included" {
	mp-detach $S <"$D/report-crlf.eml" >"$TMP/out"
	[ "$(tr -cd '\n' <"$TMP/out" | wc -c)" -eq \
	    "$(grep -c $'\r$' "$TMP/out")" ]
	grep -q $'^X-MP-Detach: detached=2\r$' "$TMP/out"
}

@test "an inline image the HTML shows (cid:) stays; the attachment goes" {
	mp-detach $S <"$D/html-cid.eml" >"$TMP/out"
	$DC kept "$D/html-cid.eml" "$TMP/out" brochure.pdf
	[ "$($DC names "$TMP/out")" = logo.png ]
}

@test "files without a name leave too; the HTML page's own image stays" {
	mp-detach $S <"$TESTDATA/zipenc/nameless.eml" >"$TMP/out"
	[ -z "$($DC names "$TMP/out")" ]
	id=$(entries)
	[ "$(meta "$id" "[f['name'] for f in m['files']]")" = \
	    "['attachment-1.pdf', 'attachment-2.csv', 'attachment-3.jpg']" ]
	[ "$(meta "$id" "[f['type'] for f in m['files']]")" = \
	    "['application/pdf', 'text/csv', 'image/jpeg']" ]
	grep -q '^Content-Type: image/png' "$TMP/out"
	grep -q '^Content-ID: <map.1@example.co.jp>' "$TMP/out"
	refute grep -q '^Content-Type: application/pdf' "$TMP/out"
}

@test "a message that is one file becomes multipart/mixed with the note" {
	mp-detach $S <"$D/single.eml" >"$TMP/out"
	grep -q '^Content-Type: multipart/mixed;' "$TMP/out"
	[ -z "$($DC names "$TMP/out")" ]
	$DC url "$TMP/out" | grep -qE "^${URL}[A-Za-z0-9_-]{24}\$"
	id=$(entries)
	[ "$(meta "$id" "m['files'][0]['name']")" = only.bin ]
}

@test "the note: link, expiry, limit, sender and files, in Japanese" {
	mp-detach $S <"$D/report.eml" >"$TMP/out"
	id=$(entries)
	$DC note "$TMP/out" >"$TMP/note"
	grep -qx "ダウンロードURL: $URL$id" "$TMP/note"
	grep -q '^有効期限: 20[0-9][0-9]年[0-9]*月[0-9]*日([月火水木金土日]) [0-9]*:[0-9][0-9]$' "$TMP/note"
	grep -qx 'ダウンロード回数の上限: なし' "$TMP/note"
	grep -qx '送信者: sato@example.co.jp' "$TMP/note"
	grep -qx -- '- 見積書.pdf (674 バイト)' "$TMP/note"
	grep -qx -- '- 明細①.xls (39 KB)' "$TMP/note"
	# and never the password
	pw=$($DC password "$TMP/notice.eml")
	refute grep -q -- "$pw" "$TMP/note"
	refute grep -q -- "$pw" "$TMP/out"
}

@test "the note in English (--lang en, lang = en); base-url without a slash" {
	mp-detach $S --lang en --max-downloads 3 --base-url https://x.example/dl \
	    <"$D/report.eml" >"$TMP/out"
	id=$(entries)
	$DC note "$TMP/out" >"$TMP/note"
	grep -qx "Download: https://x.example/dl/$id" "$TMP/note"
	grep -qx 'Download limit: 3' "$TMP/note"
	grep -qx 'Sender: sato@example.co.jp' "$TMP/note"
	printf '[detach]\nlang = en\nbase-url = https://y.example/get?id=\n' \
	    >"$TMP/c.conf"
	mp-detach -c "$TMP/c.conf" --store "$ST" --notice "$TMP/n2" \
	    <"$D/report.eml" >"$TMP/out2"
	$DC note "$TMP/out2" | grep -qE '^Download: https://y.example/get\?id=[A-Za-z0-9_-]{24}$'
}

@test "store layout: directory 0700, entry 0700, files 0600, 144-bit ids" {
	mp-detach $S <"$D/report.eml" >/dev/null
	id=$(entries)
	[ ${#id} -eq 24 ]
	[ "$(stat -c %a "$ST")" = 700 ]
	[ "$(stat -c %a "$ST/$id")" = 700 ]
	[ "$(cd "$ST/$id" && ls -A | sort | tr '\n' ' ')" = \
	    "1.enc 2.enc meta.json " ]
	for f in 1.enc 2.enc meta.json; do
		[ "$(stat -c %a "$ST/$id/$f")" = 600 ]
	done
	# nothing else in the store: no temporary directory left
	[ "$(ls -A "$ST")" = "$id" ]
	# two messages, two different ids
	mp-detach $S <"$D/report.eml" >/dev/null
	[ "$(entries | sort -u | wc -l)" -eq 2 ]
}

@test "the files are encrypted at rest; neither the password nor the key is stored" {
	mp-detach $S <"$D/report.eml" >/dev/null
	id=$(entries)
	pw=$($DC password "$TMP/notice.eml")
	[ -n "$pw" ]
	refute grep -rq -- "$pw" "$ST"
	refute grep -q 'Quotation No' "$ST/$id/1.enc"
	refute grep -q '%PDF' "$ST/$id/1.enc"
	# header (24) + one chunk with its tag (17): 674 bytes become 715
	[ "$(stat -c %s "$ST/$id/1.enc")" -eq 715 ]
	[ "$(meta "$id" "m['kdf']['algorithm']")" = argon2id13 ]
	[ "$(meta "$id" "len(m['kdf']['salt'])")" -eq 24 ]
}

@test "metadata: names, types, sizes, sha256, sender, recipients, times" {
	mp-detach $S --expires 2d --max-downloads 5 <"$D/report.eml" >/dev/null
	id=$(entries)
	[ "$(meta "$id" "m['id']")" = "$id" ]
	[ "$(meta "$id" "[f['name'] for f in m['files']]")" = \
	    "['見積書.pdf', '明細①.xls']" ]
	[ "$(meta "$id" "[f['type'] for f in m['files']]")" = \
	    "['application/pdf', 'application/vnd.ms-excel']" ]
	[ "$(meta "$id" "[f['size'] for f in m['files']]")" = "[674, 40000]" ]
	[ "$(meta "$id" "m['files'][0]['sha256']")" = \
	    "$($DC sha "$D/report.eml" 見積書.pdf)" ]
	[ "$(meta "$id" "m['files'][1]['sha256']")" = \
	    "$($DC sha "$D/report.eml" 明細①.xls)" ]
	[ "$(meta "$id" "m['sender']")" = sato@example.co.jp ]
	[ "$(meta "$id" "m['recipients']")" = \
	    "['tanaka@customer.example', 'suzuki@partner.example', 'boss@example.co.jp']" ]
	[ "$(meta "$id" "m['message-id']")" = report.1@example.co.jp ]
	[ "$(meta "$id" "m['max-downloads'], m['downloads'], m['revoked'], m['failures'], m['locked-until']")" = \
	    "(5, 0, None, 0, None)" ]
	# expires is created + 2 days
	python3 - "$ST/$id/meta.json" <<-'EOF'
	import datetime, json, sys
	m = json.load(open(sys.argv[1]))
	t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
	assert (t(m["expires"]) - t(m["created"])).total_seconds() == 2 * 86400
	EOF
}

@test "archives that only look encrypted are detached like any file" {
	mp-detach $S <"$TESTDATA/zipenc/hostile.eml" >"$TMP/out"
	grep -q '^X-MP-Detach: detached=6$' "$TMP/out"
	id=$(entries)
	[ "$(meta "$id" "' '.join(f['name'] for f in m['files'])")" = \
	    "mixed.zip flagonly.zip flagdeflate.zip report.pdf trailing.zip trailing.7z" ]
}

@test "--expires: durations, [detach] expires, the default of 7 days" {
	mp-detach $S <"$D/report.eml" >/dev/null
	mp-detach $S --expires 90m <"$D/report.eml" >/dev/null
	printf '[detach]\nexpires = 1w\nmax-downloads = 2\n' >"$TMP/c.conf"
	mp-detach -c "$TMP/c.conf" $S <"$D/report.eml" >/dev/null
	python3 - "$ST" <<-'EOF' | sort >"$TMP/got"
	import datetime, json, os, sys
	t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
	for e in os.listdir(sys.argv[1]):
	    m = json.load(open(os.path.join(sys.argv[1], e, "meta.json")))
	    print(int((t(m["expires"]) - t(m["created"])).total_seconds()),
	          m["max-downloads"])
	EOF
	[ "$(cat "$TMP/got")" = "$(printf '5400 0\n604800 0\n604800 2')" ]
}

@test "--min-size: only attachments of at least that size leave" {
	mp-detach $S --min-size 100K <"$D/sizes.eml" >"$TMP/out"
	$DC kept "$D/sizes.eml" "$TMP/out" big.bin
	[ "$($DC names "$TMP/out")" = small.bin ]
	id=$(entries)
	[ "$(meta "$id" "[f['name'] for f in m['files']]")" = "['big.bin']" ]
	# none big enough: the message goes through byte for byte
	mp-detach $S --min-size 1M <"$D/sizes.eml" >"$TMP/out"
	cmp "$D/sizes.eml" "$TMP/out"
	printf '[detach]\nmin-size = 200K\n' >"$TMP/c.conf"
	mp-detach -c "$TMP/c.conf" $S <"$D/sizes.eml" >"$TMP/out"
	cmp "$D/sizes.eml" "$TMP/out"
	[ "$(entries | wc -l)" -eq 1 ]
}

@test "--min-size 2M: the real policy, on a 2 MB and a 1.9 MB file" {
	python3 - "$TMP/big.eml" <<-'EOF'
	import sys
	from email.mime.application import MIMEApplication
	from email.mime.multipart import MIMEMultipart
	from email.mime.text import MIMEText
	m = MIMEMultipart()
	m["From"] = "a@example.co.jp"
	m["To"] = "b@customer.example"
	m["Subject"] = "big"
	m.attach(MIMEText("files\n"))
	for name, n in (("almost.bin", 2 * 1024 * 1024 - 1),
	                ("two.bin", 2 * 1024 * 1024)):
	    p = MIMEApplication(bytes(i % 251 for i in range(n)))
	    p.add_header("Content-Disposition", "attachment", filename=name)
	    m.attach(p)
	open(sys.argv[1], "wb").write(m.as_bytes())
	EOF
	mp-detach $S --min-size 2M <"$TMP/big.eml" >"$TMP/out"
	$DC kept "$TMP/big.eml" "$TMP/out" two.bin
	id=$(entries)
	[ "$(meta "$id" "m['files'][0]['size']")" -eq 2097152 ]
}

@test "the password notice: a separate message to the sender, in Japanese" {
	mp-detach $S <"$D/report.eml" >"$TMP/out"
	python3 - "$TMP/notice.eml" "$TMP/out" <<-'EOF'
	import email, email.policy, re, sys
	n = email.message_from_binary_file(open(sys.argv[1], "rb"),
	                                   policy=email.policy.default)
	assert n["To"] == "sato@example.co.jp", n["To"]
	assert n["From"] == "sato@example.co.jp"
	assert n["Subject"] == "[パスワード通知(自分宛)] お見積りの件", n["Subject"]
	assert n["References"] == "<report.1@example.co.jp>"
	assert n["Auto-Submitted"] == "auto-generated"
	# ① (in 明細①.xls) is not in ISO-2022-JP: UTF-8 then
	assert n.get_content_charset() == "utf-8"
	body = n.get_content()
	pw = re.search(r"パスワード: (\S+)", body).group(1)
	assert len(pw) == 16 and re.fullmatch(r"[A-HJ-NP-Za-km-z2-9]+", pw)
	assert "見積書.pdf" in body and "有効期限: " in body
	# the notice never holds the link
	assert "https://" not in body and "/d/" not in body
	EOF
	# names that fit ISO-2022-JP: the notice is ISO-2022-JP
	mp-detach $S <"$D/html-cid.eml" >/dev/null
	python3 - "$TMP/notice.eml" <<-'EOF'
	import email, email.policy, sys
	n = email.message_from_binary_file(open(sys.argv[1], "rb"),
	                                   policy=email.policy.default)
	assert n.get_content_charset() == "iso-2022-jp"
	assert "パスワード: " in n.get_content()
	EOF
}

@test "--notify recipients: To and Cc of the message, with the delay hint" {
	mp-detach $S --notify recipients --delay 300 --lang en \
	    <"$D/report.eml" >/dev/null
	python3 - "$TMP/notice.eml" <<-'EOF'
	import email, email.policy, sys
	n = email.message_from_binary_file(open(sys.argv[1], "rb"),
	                                   policy=email.policy.default)
	assert n["To"] == "tanaka@customer.example, suzuki@partner.example"
	assert n["Cc"] == "boss@example.co.jp"
	assert n["X-MP-Deliver-After"] == "300"
	assert n["Subject"] == "[Password notice] お見積りの件"
	assert "Password: " in n.get_content()
	EOF
}

@test "--notice-maildir and --notice-cmd deliver the notice too" {
	mkdir -p "$TMP/md/tmp" "$TMP/md/new" "$TMP/md/cur"
	mp-detach --store "$ST" --base-url "$URL" --notice-maildir "$TMP/md" \
	    --notice-cmd "cat >$TMP/piped" <"$D/report.eml" >/dev/null
	[ "$(ls "$TMP/md/new" | wc -l)" -eq 1 ]
	[ -z "$(ls "$TMP/md/tmp")" ]
	cmp "$TMP/md/new/"* "$TMP/piped"
	$DC password "$TMP/piped" >/dev/null
}

@test "the password in the notice opens the entry; --password-file fixes it" {
	mp-detach $S <"$D/report.eml" >/dev/null
	id=$(entries)
	pw=$($DC password "$TMP/notice.eml")
	run cgi POST "$id" "password=$pw&file=1"
	[[ $output == "Status: 200 OK"* ]]
	run cgi POST "$id" "password=${pw}x&file=1"
	[[ $output == "Status: 403 Forbidden"* ]]
	printf 'Fixed-pass-2026\n' >"$TMP/pw"
	rm -rf "$ST"
	mp-detach $S --password-file "$TMP/pw" <"$D/report.eml" >/dev/null
	[ "$($DC password "$TMP/notice.eml")" = Fixed-pass-2026 ]
	run cgi POST "$(entries)" "password=Fixed-pass-2026&file=2"
	[[ $output == "Status: 200 OK"* ]]
}

@test "--list, --show, --revoke: what the store holds, and taking it back" {
	mp-detach $S --max-downloads 4 <"$D/report.eml" >/dev/null
	id=$(entries)
	run mp-detach --store "$ST" --list
	[ "$status" -eq 0 ]
	[[ $output == "$id state=active created=20"*" files=2 bytes=40674 downloads=0 limit=4 sender=sato@example.co.jp" ]]
	run mp-detach --store "$ST" --show "$id"
	[ "$status" -eq 0 ]
	python3 -c 'import json,sys; m=json.loads(sys.argv[1]); assert m["state"]=="active" and m["id"]==sys.argv[2] and "kdf" not in m and "check" not in m' \
	    "$output" "$id"
	run mp-detach --store "$ST" --revoke "$id"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(ls "$ST/$id")" = meta.json ]
	mp-detach --store "$ST" --list | grep -q "^$id state=revoked "
	[ "$(mp-detach --store "$ST" --show "$id" |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')" = revoked ]
	# revoking again changes nothing; [detach] store is the default
	printf '[detach]\nstore = %s\n' "$ST" >"$TMP/c.conf"
	run mp-detach -c "$TMP/c.conf" --revoke "$id"
	[ "$status" -eq 0 ]
	# unknown and malformed ids: 66
	run mp-detach --store "$ST" --show AAAAAAAAAAAAAAAAAAAAAAAA
	[ "$status" -eq 66 ]
	run mp-detach --store "$ST" --revoke ../../etc
	[ "$status" -eq 66 ]
	# an empty or missing store lists nothing
	run mp-detach --store "$TMP/none" --list
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "more attachments than the store holds: 65, nothing stored or sent" {
	python3 "$D/mkmany.py" 1001 >"$TMP/many.eml"
	run --separate-stderr mp-detach $S "$TMP/many.eml"
	[ "$status" -eq 65 ]
	[ -z "$output" ]
	[[ $stderr == *"1001 attachments to detach, over the store's limit of 1000"* ]]
	[ -z "$(ls -A "$ST" 2>/dev/null)" ]
	[ ! -e "$TMP/notice.eml" ]
	# a batch says so before anything is stored
	run --separate-stderr mp-detach --store "$ST" "$TMP/many.eml" \
	    "$D/report.eml"
	[ "$status" -eq 65 ]
	[ "${lines[0]}" = "$TMP/many.eml: error: 1001 attachments to detach, over the store's limit of 1000" ]
	[ "${lines[1]}" = "$D/report.eml: detached=2 bytes=40674 kept=0" ]
	# the limit itself is stored, and the readers take it
	python3 "$D/mkmany.py" 1000 >"$TMP/1000.eml"
	mp-detach $S <"$TMP/1000.eml" >"$TMP/out"
	id=$(entries)
	run mp-detach --store "$ST" --list
	[ "$status" -eq 0 ]
	[[ $output == "$id state=active "*" files=1000 "* ]]
	run cgi GET "$id"
	[[ ${lines[0]} == "Status: 200 OK"* ]]
	[[ $output == *'value="1000"'* ]]
}

@test "metadata the readers would refuse (40000 recipients): 65, nothing stored" {
	python3 "$D/mkmany.py" 1 40000 >"$TMP/m.eml"
	printf '[limits]\nheader-bytes = 4M\n' >"$TMP/c.conf"
	run --separate-stderr mp-detach -c "$TMP/c.conf" $S "$TMP/m.eml"
	[ "$status" -eq 65 ]
	[ -z "$output" ]
	[[ $stderr == *"the store's metadata of this message (file names and types, recipients) would take "*" bytes, over the limit of 983040"* ]]
	[ -z "$(ls -A "$ST" 2>/dev/null)" ]
	[ ! -e "$TMP/notice.eml" ]
	# 25000 fit, with room to spare for the state
	python3 "$D/mkmany.py" 1 25000 >"$TMP/m.eml"
	mp-detach -c "$TMP/c.conf" $S <"$TMP/m.eml" >/dev/null
	id=$(entries)
	[ "$(stat -c %s "$ST/$id/meta.json")" -lt 983040 ]
	run mp-detach --store "$ST" --show "$id"
	[ "$status" -eq 0 ]
}

@test "--list, --show, --purge go on past a broken entry, named, and exit 65" {
	mp-detach $S <"$D/report.eml" >/dev/null
	mp-detach $S <"$D/sizes.eml" >/dev/null
	good=$(entries | sort)
	# broken three ways: not JSON, over 1 MiB, no meta.json at all
	for b in AAAAAAAAAAAAAAAAAAAAAAAA BBBBBBBBBBBBBBBBBBBBBBBB \
	    CCCCCCCCCCCCCCCCCCCCCCCC; do
		mkdir -m 700 "$ST/$b"
	done
	printf '{"format": "mp-detach 1", "id":' >"$ST/AAAAAAAAAAAAAAAAAAAAAAAA/meta.json"
	python3 -c 'import json; print(json.dumps({"pad": "x" * 1100000}))' \
	    >"$ST/BBBBBBBBBBBBBBBBBBBBBBBB/meta.json"
	run --separate-stderr mp-detach --store "$ST" --list
	[ "$status" -eq 65 ]
	[ "$(printf '%s\n' "$output" | cut -d' ' -f1 | sort)" = "$good" ]
	[ "${#lines[@]}" -eq 2 ]
	[[ $stderr == *"warning: --list: skipped: store: $ST/AAAAAAAAAAAAAAAAAAAAAAAA/meta.json: "* ]]
	[[ $stderr == *"warning: --list: skipped: store: $ST/BBBBBBBBBBBBBBBBBBBBBBBB/meta.json: over 1048576 bytes"* ]]
	[[ $stderr == *"warning: --list: skipped: store: $ST/CCCCCCCCCCCCCCCCCCCCCCCC/meta.json: missing"* ]]
	# --show: a good entry as ever, the broken one named
	for id in $good; do
		run mp-detach --store "$ST" --show "$id"
		[ "$status" -eq 0 ]
	done
	run --separate-stderr mp-detach --store "$ST" --show BBBBBBBBBBBBBBBBBBBBBBBB
	[ "$status" -eq 65 ]
	[[ $stderr == *"BBBBBBBBBBBBBBBBBBBBBBBB/meta.json: over 1048576 bytes"* ]]
	# the page: a 500 for the broken one only
	run cgi GET BBBBBBBBBBBBBBBBBBBBBBBB
	[[ ${lines[0]} == "Status: 500 "* ]]
	run cgi GET "$(echo "$good" | head -1)"
	[[ ${lines[0]} == "Status: 200 OK"* ]]
	# --purge purges the expired good one and keeps the young broken ones
	old=$(echo "$good" | head -1)
	python3 - "$ST/$old/meta.json" <<-'EOF'
	import json, sys
	m = json.load(open(sys.argv[1]))
	m["expires"] = "2020-01-01T00:00:00Z"
	json.dump(m, open(sys.argv[1], "w"))
	EOF
	run --separate-stderr mp-detach --store "$ST" --purge
	[ "$status" -eq 65 ]
	[[ $stderr == *"warning: --purge: skipped: store: $ST/AAAAAAAAAAAAAAAAAAAAAAAA/meta.json: "* ]]
	# (ids are random: sort both sides the same way)
	[ "$(entries | sort | tr '\n' ' ')" = "$(printf '%s\n' \
	    AAAAAAAAAAAAAAAAAAAAAAAA BBBBBBBBBBBBBBBBBBBBBBBB \
	    CCCCCCCCCCCCCCCCCCCCCCCC "$(echo "$good" | tail -1)" |
	    sort | tr '\n' ' ')" ]
	# older than any entry lives (366 days): broken ones go too
	touch -d '367 days ago' "$ST/AAAAAAAAAAAAAAAAAAAAAAAA/meta.json" \
	    "$ST/BBBBBBBBBBBBBBBBBBBBBBBB/meta.json" "$ST/CCCCCCCCCCCCCCCCCCCCCCCC"
	run --separate-stderr mp-detach --store "$ST" --purge
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(entries)" = "$(echo "$good" | tail -1)" ]
}

@test "--purge removes expired entries and old leftovers, nothing else" {
	mp-detach $S <"$D/report.eml" >/dev/null
	mp-detach $S <"$D/sizes.eml" >/dev/null
	old=$(mp-detach --store "$ST" --list | awk '/files=2 bytes=40674/ { print $1 }')
	keep=$(mp-detach --store "$ST" --list | awk '/files=2 bytes=152000/ { print $1 }')
	python3 - "$ST/$old/meta.json" <<-'EOF'
	import json, sys
	m = json.load(open(sys.argv[1]))
	m["expires"] = "2020-01-01T00:00:00Z"
	json.dump(m, open(sys.argv[1], "w"))
	EOF
	mkdir -m 700 "$ST/.new-stale" "$ST/.new-fresh"
	touch -d '2 hours ago' "$ST/.new-stale"
	mp-detach --store "$ST" --list | grep -q "^$old state=expired "
	run mp-detach --store "$ST" --purge
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(entries)" = "$keep" ]
	[ ! -e "$ST/.new-stale" ]
	[ -d "$ST/.new-fresh" ]
	# a missing store: nothing to do
	run mp-detach --store "$TMP/none" --purge
	[ "$status" -eq 0 ]
}

@test "a full TMPDIR: 75, nothing on standard output, no notice, no entry" {
	small_tmpdir
	python3 "$BATS_TEST_DIRNAME/lib/bigmail.py" 2 "$TMP/big.eml"
	run -75 env TMPDIR="$TMP/small" sh -c 'mp-detach $1 <"$2" >"$3"' sh \
	    "$S" "$TMP/big.eml" "$TMP/out"
	[[ "$output" == *"No space left on device"* ]]
	[ ! -s "$TMP/out" ]
	[ ! -e "$TMP/notice.eml" ]
	[ -z "$(entries)" ]
	[ -z "$(ls -A "$TMP/small")" ]
}

@test "memory: peak RSS under 2.5 times the message + 40 MB (40 MB file)" {
	skip_sanitized mp-detach
	python3 "$BATS_TEST_DIRNAME/lib/bigmail.py" 40 "$TMP/big.eml"
	size=$(stat -c %s "$TMP/big.eml")
	kb=$(python3 "$BATS_TEST_DIRNAME/lib/peakrss.py" "$TMP/big.eml" \
	    "$TMP/out" mp-detach $S)
	echo "peak RSS $kb KiB for a message of $size bytes"
	[ "$kb" -lt $(((size * 5 / 2 + 40000000) / 1024)) ]
	id=$(entries)
	[ "$(meta "$id" "m['files'][0]['sha256']")" = \
	    "$(python3 "$BATS_TEST_DIRNAME/lib/zipcheck.py" sha "$TMP/big.eml" 1)" ]
}

@test "a full disk for the message: 75, and its entry is removed again" {
	run -75 sh -c 'mp-detach $1 <"$2" >/dev/full' sh "$S" "$D/report.eml"
	[ -z "$(entries)" ]
	[ -z "$(ls -A "$ST")" ]
	[[ $output == *"No space left on device"* ]]
}

@test "a failing notice command: 75, no entry, nothing on standard output" {
	run --separate-stderr -75 mp-detach --store "$ST" --base-url "$URL" \
	    --notice-cmd 'cat >/dev/null; exit 3' "$D/report.eml"
	[ -z "$output" ]
	[[ $stderr == *"notice command exited with 3"* ]]
	[ -z "$(entries)" ]
	[ -z "$(ls -A "$ST")" ]
}

@test "a notice that cannot be written: 75, no entry, nothing on standard output" {
	run --separate-stderr -75 mp-detach --store "$ST" --base-url "$URL" \
	    --notice "$TMP/no/such/dir/n.eml" "$D/report.eml"
	[ -z "$output" ]
	[ -z "$(ls -A "$ST")" ]
}

@test "an unwritable store: 75 before any notice, nothing on standard output" {
	: >"$TMP/file"
	run --separate-stderr -75 mp-detach --store "$TMP/file/store" \
	    --base-url "$URL" --notice "$TMP/notice.eml" "$D/report.eml"
	[ -z "$output" ]
	[[ $stderr == *"store: create $TMP/file/store: Not a directory"* ]]
	[ ! -e "$TMP/notice.eml" ]
	# a store others can read is refused, not used
	mkdir -m 755 "$TMP/open"
	run --separate-stderr -75 mp-detach --store "$TMP/open" \
	    --base-url "$URL" --notice "$TMP/notice.eml" "$D/report.eml"
	[ -z "$output" ]
	[[ $stderr == *"mode 0755 lets others in"* ]]
	[ -z "$(ls -A "$TMP/open")" ]
}

@test "a write failing in the store (file size limit): 75, no entry, no leftover" {
	mkdir -m 700 "$ST"
	# SIGXFSZ ignored: the write fails with EFBIG
	run --separate-stderr bash -c 'trap "" XFSZ; ulimit -f 20;
	    exec mp-detach "$@" <"$0"' "$D/report.eml" $S
	[ "$status" -eq 75 ]
	[ -z "$output" ]
	[ -z "$(ls -A "$ST")" ]
	[ ! -e "$TMP/notice.eml" ]
}

@test "a crash while writing the store leaves no entry and no link" {
	mkdir -m 700 "$ST"
	# SIGXFSZ kills the process in the middle of a write
	run --separate-stderr bash -c 'ulimit -f 20;
	    exec mp-detach "$@" <"$0"' "$D/report.eml" $S
	[ "$status" -ne 0 ]
	[ -z "$output" ]
	[ -z "$(entries)" ]
	[ ! -e "$TMP/notice.eml" ]
	run mp-detach --store "$ST" --list
	[ -z "$output" ]
	# what the crash left is not an entry, and --purge takes it later
	left=$(ls -A "$ST")
	[[ $left == .new-* ]]
	touch -d '2 hours ago' "$ST/$left"
	mp-detach --store "$ST" --purge
	[ -z "$(ls -A "$ST")" ]
}

@test "a forged X-MP-Detach is replaced; a DKIM signature draws a warning" {
	{ printf 'X-MP-Detach: detached=99\nDKIM-Signature: v=1; a=rsa-sha256; d=example.co.jp\n'
	  cat "$D/report.eml"; } >"$TMP/m"
	run --separate-stderr mp-detach $S "$TMP/m"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^X-MP-Detach:' <<<"$output")" -eq 1 ]
	grep -q '^X-MP-Detach: detached=2$' <<<"$output"
	[[ $stderr == *"DKIM-Signature signs the body"* ]]
}

@test "--mbox and several files report per message and store nothing" {
	cat "$D/report-from.eml" >"$TMP/box"
	printf '\n' >>"$TMP/box"
	{ printf 'From x@example.co.jp Mon Nov 23 09:30:00 2026\n'
	  cat "$D/noattach.eml"; } >>"$TMP/box"
	run mp-detach --mbox "$TMP/box"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$TMP/box:1: detached=2 bytes=40674 kept=0" ]
	[ "${lines[1]}" = "$TMP/box:2: unchanged kept=0" ]
	run mp-detach --store "$ST" --min-size 100K "$D/sizes.eml" "$D/report.eml"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$D/sizes.eml: detached=1 bytes=150000 kept=1" ]
	[ "${lines[1]}" = "$D/report.eml: unchanged kept=2" ]
	[ ! -e "$ST" ]
}

@test "bad input: empty 65, unreadable file 66" {
	run mp-detach $S </dev/null
	[ "$status" -eq 65 ]
	run mp-detach $S "$TMP/missing.eml"
	[ "$status" -eq 66 ]
	[ ! -e "$ST" ]
}

@test "usage errors exit 64" {
	for args in "--bogus" "--list --purge" "--list --base-url $URL" \
	    "--show" "--purge $D/report.eml" "--password-length 20 --password-file x" \
	    "--mbox a --maildir b"; do
		run mp-detach $args
		[ "$status" -eq 64 ] || { echo "$args: $status"; false; }
	done
	for args in "--expires 7x" "--expires 30s" "--expires 400d" \
	    "--min-size big" "--max-downloads -1" "--lang fr" \
	    "--notify all" "--base-url ftp://x.example/" \
	    "--base-url https://x.example/a\"b" "--sender <>" \
	    "--password-length 4"; do
		run mp-detach $S $args "$D/report.eml"
		[ "$status" -eq 64 ] || { echo "$args: $status"; false; }
		[[ $output == "mp-detach: --"* ]]
	done
	[ ! -e "$ST" ]
}

@test "bad configuration exits 78 naming file, key and line" {
	printf '[detach]\nbase-url = %s\nexpires = 7x\n' "$URL" >"$TMP/c.conf"
	run mp-detach -c "$TMP/c.conf" --store "$ST" --notice "$TMP/n" "$D/report.eml"
	[ "$status" -eq 78 ]
	[[ $output == *"[detach] expires"*"$TMP/c.conf:3)" ]]
	printf '[detach]\nbase-url = mailto:x\n' >"$TMP/c.conf"
	run mp-detach -c "$TMP/c.conf" --store "$ST" --notice "$TMP/n" "$D/report.eml"
	[ "$status" -eq 78 ]
	[[ $output == *"[detach] base-url"*"$TMP/c.conf:2)" ]]
	printf '[detach]\nexpires = 30s\n' >"$TMP/c.conf"
	run mp-detach -c "$TMP/c.conf" $S "$D/report.eml"
	[ "$status" -eq 78 ]
	[[ $output == *"bad value for [detach] expires: 30s is outside 60.."* ]]
	printf '[detach]\nlock-time = soon\n' >"$TMP/c.conf"
	run mp-detach -c "$TMP/c.conf" $S "$D/report.eml"
	[ "$status" -eq 78 ]
	[[ $output == *"\"soon\" is not a duration (like 30m, 12h, 7d)"* ]]
	printf '[detach]\nmax-failure = 3\n' >"$TMP/c.conf"
	run mp-detach -c "$TMP/c.conf" $S "$D/report.eml"
	[ "$status" -eq 78 ]
	[[ $output == *"unknown key [detach] max-failure"* ]]
	# no link address, no place for the notice: refused before reading
	run mp-detach --store "$ST" --notice "$TMP/n" </dev/null
	[ "$status" -eq 78 ]
	[[ $output == *"no download address"* ]]
	run mp-detach --store "$ST" --base-url "$URL" </dev/null
	[ "$status" -eq 78 ]
	[[ $output == *"no place for the password notice"* ]]
	[ ! -e "$ST" ]
}

@test "--help prints the usage and exits 0; --version prints the version" {
	run mp-detach --help
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "usage: mp-detach "* ]]
	run mp-detach --version
	[ "$status" -eq 0 ]
	[[ $output == "mp-detach "[0-9]* ]]
	run mp-download --version
	[ "$status" -eq 0 ]
	[[ $output == "mp-download "[0-9]* ]]
	run mp-download
	[ "$status" -eq 64 ]
}

@test "corpus: real attachments go to the store and come back the same" {
	need_corpus
	n=0
	for f in $(grep -rlis -m1 '^content-disposition: *attachment' "$CORPUS" |
	    head -40); do
		rm -rf "$ST"
		mp-detach $S <"$f" >"$TMP/out" 2>/dev/null || continue
		id=$(entries)
		[ -n "$id" ] || continue
		pw=$($DC password "$TMP/notice.eml")
		count=$(meta "$id" "len(m['files'])")
		for i in $(seq 1 "$count"); do
			cgi POST "$id" "password=$pw&file=$i" >"$TMP/resp"
			python3 - "$TMP/resp" "$(meta "$id" "m['files'][$i-1]['sha256']")" <<-'EOF'
			import hashlib, sys
			head, body = open(sys.argv[1], "rb").read().split(b"\r\n\r\n", 1)
			assert head.startswith(b"Status: 200 OK"), head[:40]
			assert hashlib.sha256(body).hexdigest() == sys.argv[2]
			EOF
		done
		n=$((n + 1))
	done
	echo "$n messages"
	[ "$n" -gt 0 ]
}

@test "empty encoded-words in Subject and file names: no GLib critical" {
	for f in "$TESTDATA"/charset/empty-word-*.eml; do
		rm -f "$TMP/notice.eml"
		G_DEBUG=fatal-criticals mp-detach $S "$f" >"$TMP/out" 2>"$TMP/err"
		[ ! -s "$TMP/err" ] || { cat "$TMP/err"; false; }
		[ -s "$TMP/notice.eml" ]
	done
	[ "$(entries | wc -l)" -eq 4 ]
}

@test "limits at the edge: each bound is taken, one past it is refused" {
	# OPTION AT-THE-BOUND PAST-IT WHY
	while read -r opt ok bad why; do
		run mp-detach $S "$opt" "$ok" "$D/report.eml" </dev/null
		[ "$status" -eq 0 ] || { echo "$opt $ok: $status $output"; false; }
		run mp-detach $S "$opt" "$bad" "$D/report.eml" </dev/null
		[ "$status" -eq 64 ] || { echo "$opt $bad: $status $output"; false; }
		[ "$output" = "mp-detach: $opt: $why: $bad" ]
	done <<-'EOF'
	--min-size 4294967296 4294967297 not a size from 0 to 4294967296
	--max-downloads 1000000 1000001 not a number from 0 to 1000000
	--expires 60 59 not a duration from 60s to 366d (like 12h, 7d)
	--expires 366d 367d not a duration from 60s to 366d (like 12h, 7d)
	--delay 4294967295 4294967296 not a number from 0 to 4294967295
	--password-length 8 7 not a number from 8 to 128
	--password-length 128 129 not a number from 8 to 128
	EOF
}

@test "base-url: 900 characters are taken, 901 refused, flag and key" {
	u=https://dl.example.co.jp/d/
	u900=$u$(printf '%*s' $((900 - ${#u})) '' | tr ' ' a)
	[ ${#u900} -eq 900 ]
	mp-detach --store "$ST" --notice "$TMP/notice.eml" --base-url "$u900" \
	    <"$D/report.eml" >"$TMP/out"
	id=$(entries)
	# the link on a line of its own, whole
	$DC note "$TMP/out" | grep -qx -- "$u900/$id"
	run mp-detach --store "$ST" --notice "$TMP/notice.eml" \
	    --base-url "${u900}a" "$D/report.eml"
	[ "$status" -eq 64 ]
	[ "$output" = "mp-detach: --base-url: not an http or https URL: ${u900}a" ]
	printf '[detach]\nbase-url = %s\n' "${u900}a" >"$TMP/c.conf"
	run mp-detach -c "$TMP/c.conf" --store "$ST" --notice "$TMP/n" \
	    "$D/report.eml"
	[ "$status" -eq 78 ]
	[[ $output == *"[detach] base-url"*"is not an http or https URL ($TMP/c.conf:2)" ]]
	[ "$(entries | wc -l)" -eq 1 ]
}
