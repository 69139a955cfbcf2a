#!/usr/bin/env bats
# mp-hold-web, the page of mp-hold's links: run as a CGI program with
# the environment a server gives it, and under lighttpd with curl.
# What it shows and to whom, that GET never changes anything, each
# button of the sender and of an approver, the refusals (wrong token,
# csrf, Origin, content type, size, method), finished entries, escaping,
# the headers and the log line.

load helper
load lib/lighttpd
bats_require_minimum_version 1.5.0

# the page's address as the notices give it (a TLS proxy in front)
BASE="https://mail.example.co.jp/hold/"

# One spool and one mp.conf for the file; lighttpd (when there is one)
# serves them on a free port.
setup_file() {
	HW=$(mktemp -d "${BATS_TMPDIR:-/tmp}/mp-hold-web.XXXXXX")
	mkdir -p "$HW/md/tmp" "$HW/md/new" "$HW/md/cur"
	# a sendmail that keeps what it was given: "-f SENDER -- RCPT..."
	printf '#!/bin/sh\necho "$@" >>"%s/sent"\ncat >/dev/null\n' "$HW" \
	    >"$HW/sendmail"
	chmod +x "$HW/sendmail"
	cat >"$HW/mp.conf" <<-EOF
	[general]
	time-zone = Asia/Tokyo

	[domains]
	internal = example.co.jp

	[hold]
	spool = $HW/spool
	sendmail = $HW/sendmail
	base-url = $BASE
	notice-maildir = $HW/md
	notice-from = mail-admin@example.co.jp
	EOF
	export HW
	if command -v lighttpd >/dev/null && command -v curl >/dev/null; then
		lighttpd_start "$HW/lt" "$HW/mp.conf"
	fi
}

teardown_file() {
	[ -n "${HW:-}" ] || return 0
	lighttpd_stop "$HW/lt"
	rm -rf "$HW"
}

setup() {
	setup_tmp
	C=$HW/mp.conf
	SP=$HW/spool
	mkmail "$TMP/m.eml" "見積書の送付" "見積書.csv"
}

teardown() {
	teardown_tmp
}

# mkmail FILE SUBJECT ATTACHMENT - a message from ito@ to one outside
# and one inside address, with one file
mkmail() {
	python3 - "$@" <<-'EOF'
	import email.policy, sys
	from email.message import EmailMessage

	path, subject, name = sys.argv[1:]
	m = EmailMessage(policy=email.policy.default)
	m["From"] = "伊藤 翔 <ito@example.co.jp>"
	m["To"] = "鈴木 様 <suzuki@client.example.com>"
	m["Cc"] = "佐藤 花子 <sato@example.co.jp>"
	m["Subject"] = subject
	m.set_content("お世話になっております。\n見積書をお送りします。\n")
	m.add_attachment(b"A-1,10\n" * 300, maintype="text", subtype="csv",
	                 filename=name)
	with open(path, "wb") as f:
	    f.write(m.as_bytes())
	EOF
}

# hold [OPTION...] - queue $TMP/m.eml (or $MSG) from ito@ to both; the
# entry's id in ID, its directory in E
hold() {
	run --separate-stderr mp-hold -c "$C" "$@" -f ito@example.co.jp -- \
	    suzuki@client.example.com sato@example.co.jp <"${MSG:-$TMP/m.eml}"
	[ "$status" -eq 0 ] || { echo "mp-hold: $status: $stderr"; false; }
	ID=$output
	[[ "$ID" =~ ^[0-9a-f]{32}$ ]]
	E=$SP/$ID
}

# link TO - "ID/TOKEN" of the link in the notice to TO about ID
link() {
	python3 - "$HW/md/new" "$1" "$BASE$ID/" <<-'EOF'
	import email, email.policy, os, sys
	d, to, prefix = sys.argv[1:]
	found = set()
	for name in os.listdir(d):
	    with open(os.path.join(d, name), "rb") as f:
	        m = email.message_from_binary_file(f, policy=email.policy.default)
	    if m["To"] != to:
	        continue
	    for line in m.get_content().splitlines():
	        if line.startswith(prefix):
	            found.add(line[len(prefix) - 33:])
	if len(found) != 1:
	    sys.exit("%d links to %s under %s" % (len(found), to, prefix))
	print(found.pop())
	EOF
}

# cgi METHOD PATH [BODY] - mp-hold-web run as a server runs it, with
# what is set of CT (Content-Type), AL (Accept-Language), ORIGIN, HOST
# and LEN (a Content-Length other than the body's); the header in
# $TMP/h, the page in $TMP/b, the log line in $TMP/log; status = the
# HTTP status
cgi() {
	local method=$1 path=$2 body=${3-}
	local -a env=(MP_CONFIG="$C" GATEWAY_INTERFACE=CGI/1.1
	    REQUEST_METHOD="$method" PATH_INFO="$path" REMOTE_ADDR=192.0.2.7
	    SERVER_NAME=127.0.0.1 SERVER_PORT=8080 HTTP_HOST=127.0.0.1:8080)

	[ -n "${CT:-}" ] && env+=(CONTENT_TYPE="$CT")
	[ -n "${AL:-}" ] && env+=(HTTP_ACCEPT_LANGUAGE="$AL")
	[ -n "${ORIGIN:-}" ] && env+=(HTTP_ORIGIN="$ORIGIN")
	[ "$method" = POST ] && env+=(CONTENT_LENGTH="${LEN:-${#body}}")
	printf %s "$body" | env -i PATH="$PATH" "${env[@]}" mp-hold-web \
	    >"$TMP/out" 2>"$TMP/log"
	python3 - "$TMP/out" "$TMP/h" "$TMP/b" <<-'EOF'
	import sys
	data = open(sys.argv[1], "rb").read()
	head, sep, body = data.partition(b"\r\n\r\n")
	assert sep, "no end of the header"
	open(sys.argv[2], "wb").write(head + b"\r\n")
	open(sys.argv[3], "wb").write(body)
	EOF
	status=$(sed -n '1s/^Status: \([0-9]*\).*/\1/p' "$TMP/h")
}

# post LINK BODY - a form POST as the page's own form sends it
post() {
	CT=application/x-www-form-urlencoded cgi POST "/$1" "$2"
}

# csrf LINK - the csrf value the page of LINK gives its forms
csrf() {
	cgi GET "/$1"
	[ "$status" -eq 200 ]
	grep -o 'name="csrf" value="[0-9a-f]*"' "$TMP/b" | head -1 |
	    sed 's/.*value="//; s/"$//'
}

# header NAME - the value of a header of the last answer
header() {
	grep -i "^$1:" "$TMP/h" | head -1 | sed 's/^[^:]*: *//' | tr -d '\r'
}

# state - the entry's state as entry.json says
state() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
	    "$E/entry.json" "${1:-state}"
}

# buttons - the actions the last page offers, one a line, sorted
buttons() {
	grep -o '<button type="submit" name="action" value="[a-z]*"' "$TMP/b" |
	    sed 's/.*value="//; s/"$//' | sort | tr '\n' ' '
}

@test "GET: the sender's page shows the message and changes nothing" {
	hold --now "2026-11-24T10:30:00+09:00" --for 5m
	L=$(link ito@example.co.jp)
	cp "$E/entry.json" "$TMP/before.json"
	cp "$E/log" "$TMP/before.log"
	cgi GET "/$L"
	[ "$status" -eq 200 ]
	cmp "$E/entry.json" "$TMP/before.json"
	cmp "$E/log" "$TMP/before.log"
	grep -qF '<html lang="ja">' "$TMP/b"
	grep -qF '<h1>配送保留中のメール</h1>' "$TMP/b"
	grep -qF '<dd id="state" data-state="held">保留中</dd>' "$TMP/b"
	grep -qF '<dd id="sender">ito@example.co.jp</dd>' "$TMP/b"
	grep -qF '<dd id="from">伊藤 翔 &lt;ito@example.co.jp&gt;</dd>' "$TMP/b"
	grep -qF '<dd id="subject">見積書の送付</dd>' "$TMP/b"
	grep -qF '<li class="external">suzuki@client.example.com<span class="mark">社外</span></li>' "$TMP/b"
	grep -qF '<li class="internal">sato@example.co.jp</li>' "$TMP/b"
	grep -qF '<ul id="recipients">' "$TMP/b"
	# the first lines of the text, and the file with its size
	grep -qF '<pre id="preview">お世話になっております。' "$TMP/b"
	grep -qF '<table id="attachments">' "$TMP/b"
	grep -qF '<tr><td class="name">見積書.csv</td><td class="size">2.1 KB</td></tr>' "$TMP/b"
	# the release time in [general] time-zone
	grep -qF '<dd id="due">2026年11月24日(火) 10:35に送信されます。</dd>' "$TMP/b"
	[ "$(buttons)" = "discard release " ]
	grep -qF '送信する</button>' "$TMP/b"
	grep -qF '破棄する</button>' "$TMP/b"
	# every form posts to the page itself with the csrf value
	[ "$(grep -c '<form method="post" action="[0-9a-f]\{32\}"' "$TMP/b")" -eq 2 ]
	[ "$(grep -c "action=\"${L#*/}\"" "$TMP/b")" -eq 2 ]
	[ "$(grep -c '<input type="hidden" name="csrf" value="[0-9a-f]\{32,\}">' "$TMP/b")" -eq 2 ]
	# the page, not the entry, is in the log
	grep -qE "result=page status=200$" "$TMP/log"
}

@test "GET: English when the browser prefers it; [hold] lang when it names neither" {
	hold
	L=$(link ito@example.co.jp)
	AL="en-US,en;q=0.9,ja;q=0.5" cgi GET "/$L"
	[ "$status" -eq 200 ]
	grep -qF '<html lang="en">' "$TMP/b"
	grep -qF '<h1>Held message</h1>' "$TMP/b"
	grep -qF 'Send now</button>' "$TMP/b"
	grep -qF 'Discard</button>' "$TMP/b"
	grep -qF '<span class="mark">external</span>' "$TMP/b"
	AL="fr" cgi GET "/$L"
	grep -qF '<html lang="ja">' "$TMP/b"
}

@test "HEAD: the header of GET, no page, nothing changed" {
	hold
	L=$(link ito@example.co.jp)
	cgi GET "/$L"
	grep -v '^Content-Length' "$TMP/h" >"$TMP/get-h"
	len=$(header Content-Length)
	cp "$E/entry.json" "$TMP/before.json"
	cgi HEAD "/$L"
	[ "$status" -eq 200 ]
	[ ! -s "$TMP/b" ]
	[ "$(header Content-Length)" = "$len" ]
	grep -v '^Content-Length' "$TMP/h" | cmp - "$TMP/get-h"
	cmp "$E/entry.json" "$TMP/before.json"
}

@test "headers: no caching, CSP, no framing, no referrer" {
	hold
	L=$(link ito@example.co.jp)
	cgi GET "/$L"
	[ "$(header Cache-Control)" = "no-store" ]
	[ "$(header Content-Security-Policy)" = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" ]
	[ "$(header X-Frame-Options)" = "DENY" ]
	[ "$(header Referrer-Policy)" = "no-referrer" ]
	[ "$(header X-Content-Type-Options)" = "nosniff" ]
	[ "$(header Content-Type)" = "text/html; charset=UTF-8" ]
	[ "$(header Content-Length)" -eq "$(wc -c <"$TMP/b")" ]
	# the error pages say the same
	cgi GET "/$ID/00000000000000000000000000000000"
	[ "$(header Cache-Control)" = "no-store" ]
	grep -q "^Content-Security-Policy: default-src 'none'" "$TMP/h"
}

@test "release: the sender sends it now; the page then says it was sent, with no button" {
	hold --for 1h
	L=$(link ito@example.co.jp)
	token=$(csrf "$L")
	: >"$HW/sent"
	post "$L" "csrf=$token&action=release"
	[ "$status" -eq 200 ]
	grep -qF '<p class="msg" id="message">送信しました。</p>' "$TMP/b"
	refute grep -qF '<form' "$TMP/b"
	[ "$(state)" = sent ]
	grep -qxF -- "-f ito@example.co.jp -- suzuki@client.example.com sato@example.co.jp" "$HW/sent"
	# the audit log names the sender and the client
	grep -q '"event":"released","by":"sender","who":"ito@example.co.jp","client":"192.0.2.7"' "$E/log"
	grep -qE " who=sender:ito@example.co.jp method=POST action=release result=released status=200$" "$TMP/log"
	# finished: 410, what became of it and when, no form
	cgi GET "/$L"
	[ "$status" -eq 410 ]
	grep -qE '<p class="msg" id="message">このメールはすでに送信されました（[0-9]{4}年.*）。</p>' "$TMP/b"
	grep -qF 'data-state="sent"' "$TMP/b"
	refute grep -qF '<form' "$TMP/b"
	grep -qE "result=finished status=410$" "$TMP/log"
	# pressed again: 410, nothing sent twice
	post "$L" "csrf=$token&action=release"
	[ "$status" -eq 410 ]
	[ "$(wc -l <"$HW/sent")" -eq 1 ]
}

@test "discard: nothing is sent, and the page says so" {
	hold --for 1h
	L=$(link ito@example.co.jp)
	token=$(csrf "$L")
	: >"$HW/sent"
	post "$L" "csrf=$token&action=discard"
	[ "$status" -eq 200 ]
	grep -qF '<p class="msg" id="message">破棄しました。' "$TMP/b"
	refute grep -qF '<form' "$TMP/b"
	[ "$(state)" = discarded ]
	[ ! -s "$HW/sent" ]
	grep -qE " action=discard result=discarded status=200$" "$TMP/log"
	cgi GET "/$L"
	[ "$status" -eq 410 ]
	grep -qF 'このメールはすでに破棄されました' "$TMP/b"
	refute grep -qF '<form' "$TMP/b"
}

@test "approve: the approver's page and button; the sender's token cannot approve" {
	hold --approve --approver boss@example.co.jp --approver chief@example.co.jp
	S=$(link ito@example.co.jp)
	B=$(link boss@example.co.jp)
	# the sender sees whom it waits for and may only take it back
	cgi GET "/$S"
	[ "$status" -eq 200 ]
	grep -qF '<h1>配送保留中のメール</h1>' "$TMP/b"
	grep -qF 'data-state="held">承認待ち</dd>' "$TMP/b"
	grep -qF 'boss@example.co.jp、chief@example.co.jpの承認を待っています。' "$TMP/b"
	[ "$(buttons)" = "discard " ]
	token=$(csrf "$S")
	post "$S" "csrf=$token&action=approve"
	[ "$status" -eq 403 ]
	grep -qE " who=sender:ito@example.co.jp method=POST action=approve result=forbidden status=403$" "$TMP/log"
	[ "$(state)" = held ]
	# the approver sees the request and decides it
	cgi GET "/$B"
	[ "$status" -eq 200 ]
	grep -qF '<h1>承認依頼</h1>' "$TMP/b"
	[ "$(buttons)" = "approve reject " ]
	grep -qF '<textarea name="comment" id="comment"' "$TMP/b"
	grep -qF '承認する</button>' "$TMP/b"
	grep -qF '却下する</button>' "$TMP/b"
	token=$(csrf "$B")
	: >"$HW/sent"
	post "$B" "csrf=$token&action=approve"
	[ "$status" -eq 200 ]
	grep -qF '<p class="msg" id="message">承認しました。' "$TMP/b"
	refute grep -qF '<form' "$TMP/b"
	[ "$(state)" = sent ]
	[ -s "$HW/sent" ]
	grep -q '"event":"approved","by":"approver","who":"boss@example.co.jp"' "$E/log"
	grep -qE " who=approver:boss@example.co.jp method=POST action=approve result=approved status=200$" "$TMP/log"
}

@test "approve: each approver's link is their own; another's csrf does not fit it" {
	hold --approve --approver boss@example.co.jp --approver chief@example.co.jp
	B=$(link boss@example.co.jp)
	H=$(link chief@example.co.jp)
	[ "$B" != "$H" ]
	cgi GET "/$H"
	grep -qE " who=approver:chief@example.co.jp method=GET " "$TMP/log"
	# boss's form value with chief's link: refused
	token=$(csrf "$B")
	post "$H" "csrf=$token&action=approve"
	[ "$status" -eq 403 ]
	[ "$(state)" = held ]
	token=$(csrf "$H")
	post "$H" "csrf=$token&action=approve"
	[ "$status" -eq 200 ]
	grep -q '"event":"approved","by":"approver","who":"chief@example.co.jp"' "$E/log"
}

@test "reject: with a comment, kept in the entry, never in the log" {
	hold --approve --approver boss@example.co.jp
	B=$(link boss@example.co.jp)
	token=$(csrf "$B")
	: >"$HW/sent"
	post "$B" "csrf=$token&action=reject&comment=%E5%AE%9B%E5%85%88secretword%E3%82%92%E7%A2%BA%E8%AA%8D"
	[ "$status" -eq 200 ]
	grep -qF '<p class="msg" id="message">却下しました。' "$TMP/b"
	[ "$(state)" = rejected ]
	[ "$(state comment)" = "宛先secretwordを確認" ]
	[ ! -s "$HW/sent" ]
	grep -qE " who=approver:boss@example.co.jp method=POST action=reject result=rejected status=200$" "$TMP/log"
	refute grep -q secretword "$TMP/log"
	cgi GET "/$B"
	[ "$status" -eq 410 ]
	grep -qF 'このメールは却下されました' "$TMP/b"
}

@test "reject: a comment over 2000 characters is 422 and the form again" {
	hold --approve --approver boss@example.co.jp
	B=$(link boss@example.co.jp)
	token=$(csrf "$B")
	post "$B" "csrf=$token&action=reject&comment=$(printf 'x%.0s' $(seq 2001))"
	[ "$status" -eq 422 ]
	grep -qF 'id="message"' "$TMP/b"
	grep -qF '<textarea name="comment" id="comment"' "$TMP/b"
	[ "$(state)" = held ]
	post "$B" "csrf=$token&action=reject&comment=$(printf 'x%.0s' $(seq 2000))"
	[ "$status" -eq 200 ]
}

@test "confirm: a box per external domain and file name; all ticked, it goes" {
	hold --confirm
	L=$(link ito@example.co.jp)
	cgi GET "/$L"
	[ "$status" -eq 200 ]
	grep -qF 'data-state="held">確認待ち</dd>' "$TMP/b"
	[ "$(buttons)" = "confirm discard " ]
	grep -qF '<input type="checkbox" name="d0" value="1"> client.example.com</label>' "$TMP/b"
	grep -qF '<input type="checkbox" name="a0" value="1"> 見積書.csv</label>' "$TMP/b"
	refute grep -qF 'name="d1"' "$TMP/b"
	refute grep -qF 'name="a1"' "$TMP/b"
	token=$(csrf "$L")
	# one box left out: 422, the form again with what was ticked
	post "$L" "csrf=$token&action=confirm&d0=1"
	[ "$status" -eq 422 ]
	grep -qF '<p class="msg" id="message">社外の宛先ドメインと添付ファイル名のすべてにチェックを入れてください。</p>' "$TMP/b"
	grep -qF '<input type="checkbox" name="d0" value="1" checked>' "$TMP/b"
	grep -qF '<input type="checkbox" name="a0" value="1">' "$TMP/b"
	grep -qE " action=confirm result=incomplete status=422$" "$TMP/log"
	[ "$(state)" = held ]
	: >"$HW/sent"
	post "$L" "csrf=$token&action=confirm&d0=1&a0=1"
	[ "$status" -eq 200 ]
	grep -qF '<p class="msg" id="message">確認しました。送信しました。</p>' "$TMP/b"
	[ "$(state)" = sent ]
	[ -s "$HW/sent" ]
	grep -qE " action=confirm result=confirmed status=200$" "$TMP/log"
}

@test "override: send anyway with a written reason; none is 422" {
	hold --confirm --override --rule files-out --reason "社外宛ての添付"
	L=$(link ito@example.co.jp)
	cgi GET "/$L"
	[ "$(buttons)" = "confirm discard override " ]
	grep -qF '<textarea name="justification" id="justification"' "$TMP/b"
	grep -qF 'このまま送信する</button>' "$TMP/b"
	grep -qF '<dd id="rule">files-out</dd>' "$TMP/b"
	grep -qF '<dd id="reason">社外宛ての添付</dd>' "$TMP/b"
	token=$(csrf "$L")
	post "$L" "csrf=$token&action=override&justification=+++"
	[ "$status" -eq 422 ]
	grep -qF 'id="message">理由を記入してください' "$TMP/b"
	[ "$(state)" = held ]
	post "$L" "csrf=$token&action=override&justification=%E6%80%A5%E3%81%8E"
	[ "$status" -eq 200 ]
	[ "$(state)" = sent ]
	[ "$(state justification)" = "急ぎ" ]
	grep -qE " action=override result=override status=200$" "$TMP/log"
}

@test "override: not offered, and refused, unless the entry allows it" {
	hold --confirm
	L=$(link ito@example.co.jp)
	cgi GET "/$L"
	refute grep -qF 'value="override"' "$TMP/b"
	token=$(csrf "$L")
	post "$L" "csrf=$token&action=override&justification=why"
	[ "$status" -eq 403 ]
	[ "$(state)" = held ]
}

@test "404: a wrong token is the same page as an unknown id" {
	hold
	L=$(link ito@example.co.jp)
	cgi GET "/$ID/0123456789abcdef0123456789abcdef"
	[ "$status" -eq 404 ]
	grep -qF '<p class="msg" id="message">このリンクは無効です。</p>' "$TMP/b"
	refute grep -qF '<form' "$TMP/b"
	refute grep -qF "見積書" "$TMP/b"
	cp "$TMP/b" "$TMP/wrong"
	grep -qE " id=$ID who=- method=GET action=- result=unknown status=404$" "$TMP/log"
	cgi GET "/0123456789abcdef0123456789abcdef/${L#*/}"
	[ "$status" -eq 404 ]
	cmp "$TMP/b" "$TMP/wrong"
	# and whatever is not an id and a token of their exact form
	for p in "" / "/$ID" "/$ID/" "/$L/" "/$L/x" "/../$L" \
	    "/${ID^^}/${L#*/}" "/$ID/${L#*/}x"; do
		cgi GET "$p"
		[ "$status" -eq 404 ] || { echo "$p: $status"; false; }
		cmp "$TMP/b" "$TMP/wrong"
	done
	# a wrong token cannot press a button either
	post "$ID/0123456789abcdef0123456789abcdef" "action=discard"
	[ "$status" -eq 404 ]
	[ "$(state)" = held ]
}

@test "403: a missing or wrong csrf value, or a foreign Origin" {
	hold
	L=$(link ito@example.co.jp)
	token=$(csrf "$L")
	post "$L" "action=discard"
	[ "$status" -eq 403 ]
	grep -qE " action=- result=forbidden status=403$" "$TMP/log"
	post "$L" "csrf=0123456789abcdef0123456789abcdef&action=discard"
	[ "$status" -eq 403 ]
	post "$L" "csrf=${token}0&action=discard"
	[ "$status" -eq 403 ]
	ORIGIN=https://evil.example.net post "$L" "csrf=$token&action=discard"
	[ "$status" -eq 403 ]
	ORIGIN=http://127.0.0.1:8081 post "$L" "csrf=$token&action=discard"
	[ "$status" -eq 403 ]
	refute grep -qF '<form' "$TMP/b"
	[ "$(state)" = held ]
	# the origin of the notices' links (behind the proxy) is the page's
	ORIGIN=https://mail.example.co.jp post "$L" "csrf=$token&action=discard"
	[ "$status" -eq 200 ]
}

@test "Origin: the server's own, and null (no-referrer), are the page's" {
	hold
	L=$(link ito@example.co.jp)
	token=$(csrf "$L")
	ORIGIN=http://127.0.0.1:8080 post "$L" "csrf=$token&action=release"
	[ "$status" -eq 200 ]
	hold
	L=$(link ito@example.co.jp)
	token=$(csrf "$L")
	ORIGIN=null post "$L" "csrf=$token&action=release"
	[ "$status" -eq 200 ]
}

@test "415: a POST that is not a form; 400: a form that does not decode" {
	hold
	L=$(link ito@example.co.jp)
	token=$(csrf "$L")
	CT=text/plain cgi POST "/$L" "csrf=$token&action=discard"
	[ "$status" -eq 415 ]
	CT="multipart/form-data; boundary=x" cgi POST "/$L" "csrf=$token&action=discard"
	[ "$status" -eq 415 ]
	cgi POST "/$L" "csrf=$token&action=discard"
	[ "$status" -eq 415 ]
	post "$L" "csrf=$token&action=discard&action=release"
	[ "$status" -eq 400 ]
	post "$L" "csrf=$token&action=%ZZ"
	[ "$status" -eq 400 ]
	post "$L" "csrf=$token&action=explode"
	[ "$status" -eq 400 ]
	[ "$(state)" = held ]
	refute grep -q "$token" "$TMP/log"
}

@test "413: a body over MP_HOLD_WEB_BODY_MAX (32 KiB) is not read" {
	hold
	L=$(link ito@example.co.jp)
	token=$(csrf "$L")
	pad=$(head -c 40000 /dev/zero | tr '\0' x)
	body="csrf=$token&action=discard&pad="
	body=$body${pad:0:$((32768 - ${#body}))}
	[ ${#body} -eq 32768 ]
	post "$L" "$body"
	[ "$status" -eq 200 ]
	[ "$(state)" = discarded ]
	hold
	L=$(link ito@example.co.jp)
	token=$(csrf "$L")
	body="csrf=$token&action=discard&pad="
	body=$body${pad:0:$((32769 - ${#body}))}
	post "$L" "$body"
	[ "$status" -eq 413 ]
	[ "$(state)" = held ]
}

@test "405: another method, with Allow" {
	hold
	L=$(link ito@example.co.jp)
	cgi PUT "/$L"
	[ "$status" -eq 405 ]
	[ "$(header Allow)" = "GET, HEAD, POST" ]
	cgi DELETE "/$L"
	[ "$status" -eq 405 ]
	[ "$(state)" = held ]
}

@test "503: an entry locked by someone else, with Retry-After" {
	command -v flock >/dev/null || skip "no flock(1)"
	hold
	L=$(link ito@example.co.jp)
	token=$(csrf "$L")
	flock "$E/lock" sleep 5 &
	sleep 0.5
	post "$L" "csrf=$token&action=discard"
	wait
	[ "$status" -eq 503 ]
	[ "$(header Retry-After)" = 5 ]
	grep -qE " action=discard result=busy status=503$" "$TMP/log"
	[ "$(state)" = held ]
}

@test "escaping: a hostile subject, From and file name are text" {
	mkmail "$TMP/x.eml" '<script>alert(1)</script> "q" & co' \
	    '<img src=x onerror=alert(2)>.csv'
	MSG=$TMP/x.eml hold --confirm
	L=$(link ito@example.co.jp)
	cgi GET "/$L"
	[ "$status" -eq 200 ]
	grep -qF '<dd id="subject">&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &amp; co</dd>' "$TMP/b"
	grep -qF '<td class="name">&lt;img src=x onerror=alert(2)&gt;.csv</td>' "$TMP/b"
	grep -qF '> &lt;img src=x onerror=alert(2)&gt;.csv</label>' "$TMP/b"
	refute grep -qF '<script' "$TMP/b"
	refute grep -qF '<img' "$TMP/b"
}

@test "stagger: the inside part went at once, and the page says so" {
	hold --stagger 1h
	L=$(link ito@example.co.jp)
	cgi GET "/$L"
	[ "$status" -eq 200 ]
	grep -qF '<li class="internal">sato@example.co.jp <span class="done">(送信済み)</span></li>' "$TMP/b"
	grep -qF '<li class="external">suzuki@client.example.com<span class="mark">社外</span></li>' "$TMP/b"
	[ "$(buttons)" = "discard release " ]
}

@test "log: one line per request, every field, never the token or csrf" {
	hold
	L=$(link ito@example.co.jp)
	tok=${L#*/}
	token=$(csrf "$L")
	post "$L" "csrf=$token&action=discard"
	[ "$(wc -l <"$TMP/log")" -eq 1 ]
	grep -qE "^mp-hold-web: time=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z client=192\.0\.2\.7 id=$ID who=sender:ito@example\.co\.jp method=POST action=discard result=discarded status=200$" "$TMP/log"
	refute grep -qF "$tok" "$TMP/log"
	refute grep -qF "$token" "$TMP/log"
	refute grep -qF "$tok" "$E/log"
}

@test "a broken configuration is a 500 page; the log says why, the page does not" {
	printf '[hold]\nspool = %s/nonexistent\n' "$TMP" >"$TMP/bad.conf"
	C=$TMP/bad.conf cgi GET "/0123456789abcdef0123456789abcdef/0123456789abcdef0123456789abcdef"
	[ "$status" -eq 500 ]
	grep -qF 'id="message"' "$TMP/b"
	refute grep -qF nonexistent "$TMP/b"
	grep -qE 'result=error why="[^"]*nonexistent[^"]*" status=500$' "$TMP/log"
}

@test "started by hand: usage and 64; --version" {
	run -64 env -u GATEWAY_INTERFACE mp-hold-web
	[[ "$output" == *"GATEWAY_INTERFACE"* ]]
	run -0 env -u GATEWAY_INTERFACE mp-hold-web --version
	[[ "$output" == "mp-hold-web "* ]]
}

@test "lighttpd: the page, a button pressed with curl, the log in the server's" {
	need_lighttpd
	[ -n "${LT_HOLD_URL:-}" ]
	hold --for 1h
	L=$(link ito@example.co.jp)
	code=$(curl -s -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' \
	    -H "Accept-Language: ja" "$LT_HOLD_URL$L")
	[ "$code" = 200 ]
	grep -qi '^Cache-Control: no-store' "$TMP/h"
	grep -qi "^Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; form-action 'self'" "$TMP/h"
	grep -qF '<dd id="subject">見積書の送付</dd>' "$TMP/b"
	token=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$TMP/b" | head -1 |
	    sed 's/.*value="//; s/"$//')
	# a browser's form: its own origin
	origin=${LT_HOLD_URL%/hold/}
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Origin: https://evil.example.net" \
	    --data-raw "csrf=$token&action=discard" "$LT_HOLD_URL$L")
	[ "$code" = 403 ]
	code=$(curl -s -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' \
	    -H "Origin: $origin" --data-raw "csrf=$token&action=release" \
	    "$LT_HOLD_URL$L")
	[ "$code" = 200 ]
	[ "$(state)" = sent ]
	code=$(curl -s -o "$TMP/b" -w '%{http_code}' "$LT_HOLD_URL$L")
	[ "$code" = 410 ]
	refute grep -qF '<form' "$TMP/b"
	code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$LT_HOLD_URL$L")
	[ "$code" = 405 ]
	grep -qE "mp-hold-web: .* client=127\.0\.0\.1 id=$ID who=sender:ito@example\.co\.jp method=POST action=release result=released status=200" "$HW/lt/log"
	refute grep -qF "${L#*/}" "$HW/lt/log"
	# mp-download is still served beside it
	code=$(curl -s -o /dev/null -w '%{http_code}' "${LT_URL}0123456789abcdefghjkmnpq")
	[ "$code" = 404 ]
}
