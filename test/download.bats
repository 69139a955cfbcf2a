#!/usr/bin/env bats
# mp-download under lighttpd, driven with curl: status codes, headers,
# file names, escaping, brute-force protection, expiry, revocation

load helper
load lib/lighttpd
bats_require_minimum_version 1.5.0

# One lighttpd for the whole file, on a free port of 127.0.0.1, serving
# a store that each test adds its own entries to.
setup_file() {
	command -v lighttpd >/dev/null && command -v curl >/dev/null || return 0
	LT=$(mktemp -d "${BATS_TMPDIR:-/tmp}/mp-lighttpd.XXXXXX")
	mkdir -m 700 "$LT/store"
	cat >"$LT/mp.conf" <<-EOF
	[detach]
	store = $LT/store
	base-url = http://127.0.0.1/download/
	lang = en
	max-failures = 3
	lock-time = 10m
	EOF
	lighttpd_start "$LT" "$LT/mp.conf"
	export LT
}

teardown_file() {
	[ -n "${LT:-}" ] || return 0
	lighttpd_stop "$LT"
	rm -rf "$LT"
}

setup() {
	need_lighttpd
	setup_tmp
	D=$TESTDATA/detach
	DC="python3 $BATS_TEST_DIRNAME/lib/detachcheck.py"
	ST=$LT/store
}

teardown() {
	teardown_tmp
}

# detach FILE [OPTION...] - store FILE's attachments; ID and PW say
# where and with what
detach() {
	local f=$1

	shift
	mp-detach -c "$LT/mp.conf" --notice "$TMP/notice.eml" "$@" <"$f" \
	    >"$TMP/out"
	ID=$($DC url "$TMP/out" | sed 's|.*/||')
	PW=$($DC password "$TMP/notice.eml")
	[ ${#ID} -eq 24 ]
}

# get ID [CURL OPTION...] - the page; headers in $TMP/h, body in $TMP/b
get() {
	local id=$1

	shift
	curl -s -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' "$@" "$LT_URL$id"
}

# post ID BODY [CURL OPTION...] - a form POST, like get
post() {
	local id=$1 body=$2

	shift 2
	curl -s -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' --data-raw "$body" \
	    "$@" "$LT_URL$id"
}

# header NAME - the value of a response header in $TMP/h
header() {
	grep -i "^$1:" "$TMP/h" | head -1 | sed 's/^[^:]*: *//' | tr -d '\r'
}

# lock_conf MAX-FAILURES ENTRY-MAX-FAILURES LOCK-TIME - $TMP/lock.conf,
# the store's configuration with these limits, for cgi_as
lock_conf() {
	printf '[detach]\nstore = %s\nlang = en\nmax-failures = %s\nentry-max-failures = %s\nlock-time = %s\n' \
	    "$ST" "$1" "$2" "$3" >"$TMP/lock.conf"
}

# cgi_as ADDR METHOD ID [BODY] - mp-download run with $TMP/lock.conf as
# a web server runs it for a client at ADDR; prints the HTTP status,
# keeps the answer in $TMP/raw and appends the log line to $TMP/cgi.log
cgi_as() {
	local body=${4:-}

	printf '%s' "$body" | env GATEWAY_INTERFACE=CGI/1.1 \
	    MP_CONFIG="$TMP/lock.conf" REQUEST_METHOD="$2" PATH_INFO="/$3" \
	    REMOTE_ADDR="$1" CONTENT_TYPE=application/x-www-form-urlencoded \
	    CONTENT_LENGTH=${#body} mp-download >"$TMP/raw" 2>>"$TMP/cgi.log"
	sed -n '1s/^Status: \([0-9]*\) .*/\1/p' "$TMP/raw"
}

# meta_set ID KEY JSON - change a value of an entry's metadata, as time
# passing or an administrator would
meta_set() {
	python3 - "$ST/$1/meta.json" "$2" "$3" <<-'EOF'
	import json, os, sys
	m = json.load(open(sys.argv[1]))
	m[sys.argv[2]] = json.loads(sys.argv[3])
	tmp = sys.argv[1] + ".t"
	with open(tmp, "w") as f:
	    json.dump(m, f)
	os.chmod(tmp, 0o600)
	os.rename(tmp, sys.argv[1])
	EOF
}

@test "download: GET shows the files and a password form, never cached" {
	detach "$D/report.eml"
	[ "$(get "$ID")" = 200 ]
	[ "$(header Content-Type)" = "text/html; charset=UTF-8" ]
	[ "$(header Cache-Control)" = no-store ]
	[ "$(header X-Content-Type-Options)" = nosniff ]
	[ "$(header X-Frame-Options)" = DENY ]
	[ "$(header Referrer-Policy)" = no-referrer ]
	[[ $(header Content-Security-Policy) == "default-src 'none'; style-src 'sha256-"*"'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" ]]
	[ "$(header Content-Length)" -eq "$(stat -c %s "$TMP/b")" ]
	grep -q '<html lang="en">' "$TMP/b"
	grep -q '<td class="name">見積書.pdf</td>' "$TMP/b"
	grep -q '<td class="name">明細①.xls</td>' "$TMP/b"
	grep -q 'name="file" value="2"' "$TMP/b"
	grep -q '<input id="password" name="password" type="password"' "$TMP/b"
	grep -q '<dd id="sender">sato@example.co.jp</dd>' "$TMP/b"
	# the style the policy allows by its hash is the page's style
	python3 - "$TMP/b" "$(header Content-Security-Policy)" <<-'EOF'
	import base64, hashlib, re, sys
	style = re.search(r"<style>(.*?)</style>", open(sys.argv[1]).read()).group(1)
	h = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
	assert "'sha256-%s'" % h in sys.argv[2]
	EOF
}

@test "download: Accept-Language picks Japanese or English" {
	detach "$D/report.eml"
	get "$ID" -H 'Accept-Language: ja,en;q=0.8' >/dev/null
	grep -q '<html lang="ja">' "$TMP/b"
	grep -q '<title>添付ファイルのダウンロード</title>' "$TMP/b"
	get "$ID" -H 'Accept-Language: ja;q=0.3, en-US' >/dev/null
	grep -q '<html lang="en">' "$TMP/b"
	get "$ID" -H 'Accept-Language: fr' >/dev/null
	grep -q '<html lang="en">' "$TMP/b"	# [detach] lang = en
}

@test "download: a hostile Accept-Language is parsed, never a crash" {
	detach "$D/report.eml"
	printf '[detach]\nstore = %s\nlang = en\n' "$ST" >"$TMP/c.conf"
	long=$(printf 'x-%.0s,' $(seq 3000))ja
	# header|the page's language ([detach] lang = en when neither wins)
	while IFS='|' read -r al want; do
		run --separate-stderr env GATEWAY_INTERFACE=CGI/1.1 \
		    MP_CONFIG="$TMP/c.conf" REQUEST_METHOD=GET PATH_INFO="/$ID" \
		    REMOTE_ADDR=192.0.2.1 HTTP_ACCEPT_LANGUAGE="$al" mp-download
		[ "$status" -eq 0 ] || { echo "[$al]: exit $status $stderr"; false; }
		[[ ${lines[0]} == "Status: 200 OK"* ]] ||
		    { echo "[$al]: ${lines[0]}"; false; }
		[[ $output == *"<html lang=\"$want\">"* ]] ||
		    { echo "[$al]: not $want"; false; }
		[[ $stderr == *" result=page status=200" ]]
	done <<-EOF
	ja,|ja
	,|en
	;q=0.5|en
	,,ja|ja
	ja,,en|ja
	;|en
	ja;|ja
	ja;q=|en
	ja;;q=0.9|ja
	ja;q=nan, en;q=0.5|en
	ja;q=1.5, en;q=0.5|en
	ja;q=-1, en;q=0.1|en
	ja;q=0.0001, en;q=0.1|en
	ja;q=0.001|ja
	ja;foo=bar|en
	 ja ; q=0.9 , en ; q=0.8 |ja
	JA-jp|ja
	ja-ぁ|en
	jajajajaj|en
	en;q=0.5, *;q=0.9|en
	*|en
	;;;,,,;|en
	=|en
	q=1|en
	$long|ja
	EOF
}

@test "download: HEAD answers the headers of GET and no body" {
	detach "$D/report.eml"
	code=$(curl -s -I -o "$TMP/h" -w '%{http_code}' "$LT_URL$ID")
	[ "$code" = 200 ]
	[ "$(header Cache-Control)" = no-store ]
	[ "$(header Content-Length)" -gt 1000 ]
	# and the program itself writes nothing after the header
	printf '[detach]\nstore = %s\n' "$ST" >"$TMP/c.conf"
	env GATEWAY_INTERFACE=CGI/1.1 MP_CONFIG="$TMP/c.conf" \
	    REQUEST_METHOD=HEAD PATH_INFO="/$ID" mp-download >"$TMP/raw" \
	    2>/dev/null
	[ "$(tail -c 4 "$TMP/raw" | od -An -c | tr -d ' ')" = '\r\n\r\n' ]
	[ "$(grep -c 'Content-Length' "$TMP/raw")" -eq 1 ]
}

@test "download: the right password streams the file, byte for byte" {
	detach "$D/report.eml"
	[ "$(post "$ID" "password=$PW&file=1")" = 200 ]
	[ "$(header Content-Type)" = application/pdf ]
	[ "$(header Content-Length)" -eq 674 ]
	[ "$(header Cache-Control)" = no-store ]
	[ "$(header X-Content-Type-Options)" = nosniff ]
	[ "$(header Content-Security-Policy)" = "default-src 'none'; sandbox" ]
	[ "$(sha256sum <"$TMP/b" | cut -d' ' -f1)" = \
	    "$($DC sha "$D/report.eml" 見積書.pdf)" ]
	head -c 8 "$TMP/b" | grep -q '^%PDF-1.4'
	[ "$(post "$ID" "password=$PW&file=2")" = 200 ]
	[ "$(header Content-Type)" = application/vnd.ms-excel ]
	[ "$(sha256sum <"$TMP/b" | cut -d' ' -f1)" = \
	    "$($DC sha "$D/report.eml" 明細①.xls)" ]
	[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["downloads"])' \
	    "$ST/$ID/meta.json")" -eq 2 ]
}

@test "download: Content-Disposition carries the Japanese name (RFC 6266, 5987)" {
	detach "$D/report.eml"
	post "$ID" "password=$PW&file=1" >/dev/null
	[ "$(header Content-Disposition)" = \
	    "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E8%A6%8B%E7%A9%8D%E6%9B%B8.pdf" ]
	post "$ID" "password=$PW&file=2" >/dev/null
	# read back by Python's RFC 2231 decoder: the original names
	python3 - "$(header Content-Disposition)" <<-'EOF'
	import re, sys, urllib.parse
	v = re.fullmatch(r'attachment; filename="([^"]*)"; '
	                 r"filename\*=UTF-8''([!#$&+.^_`|~0-9A-Za-z%-]+)", sys.argv[1])
	assert v, sys.argv[1]
	assert v.group(1) == "download.xls"
	assert urllib.parse.unquote(v.group(2), errors="strict") == "明細①.xls"
	EOF
	# an ASCII name is its own fallback
	detach "$D/sizes.eml"
	post "$ID" "password=$PW&file=2" >/dev/null
	[ "$(header Content-Disposition)" = \
	    "attachment; filename=\"big.bin\"; filename*=UTF-8''big.bin" ]
	[ "$(header Content-Type)" = application/octet-stream ]
}

@test "download: hostile file names are escaped in the page and the header" {
	detach "$D/hostile.eml"
	get "$ID" >/dev/null
	refute grep -q '<img' "$TMP/b"
	refute grep -q 'onerror="' "$TMP/b"
	grep -q '<td class="name">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.html</td>' "$TMP/b"
	grep -q '<td class="name">a&quot;b;c%41 &#39;q&#39;&amp;amp;.txt</td>' "$TMP/b"
	[ "$(post "$ID" "password=$PW&file=1")" = 200 ]
	[ "$(header Content-Disposition)" = \
	    "attachment; filename=\"_img src=x onerror=_alert(1)_.html\"; filename*=UTF-8''%3Cimg%20src%3Dx%20onerror%3D%22alert%281%29%22%3E.html" ]
	# a text/html file is a download in a sandbox, never a page
	[ "$(header Content-Type)" = text/html ]
	[ "$(header Content-Security-Policy)" = "default-src 'none'; sandbox" ]
	post "$ID" "password=$PW&file=2" >/dev/null
	[ "$(header Content-Disposition)" = \
	    "attachment; filename=\"a_b_c_41 'q'&amp_.txt\"; filename*=UTF-8''a%22b%3Bc%2541%20%27q%27&amp%3B.txt" ]
}

@test "download: 403 for a wrong password; the form again, the count kept" {
	detach "$D/report.eml"
	[ "$(post "$ID" "password=wrong&file=1")" = 403 ]
	grep -q 'id="message">Wrong password. After 2 more wrong passwords' "$TMP/b"
	grep -q '<input id="password"' "$TMP/b"
	[ "$(header Cache-Control)" = no-store ]
	[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["failures"])' \
	    "$ST/$ID/meta.json")" -eq 1 ]
	# the right one resets the count
	[ "$(post "$ID" "password=$PW&file=1")" = 200 ]
	[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["failures"])' \
	    "$ST/$ID/meta.json")" -eq 0 ]
}

@test "download: after 3 wrong passwords it locks: 429, even for the right one" {
	detach "$D/report.eml"
	[ "$(post "$ID" "password=a&file=1")" = 403 ]
	[ "$(post "$ID" "password=b&file=1")" = 403 ]
	[ "$(post "$ID" "password=c&file=1")" = 403 ]
	grep -q 'locked for about 10 minutes' "$TMP/b"
	[ "$(post "$ID" "password=$PW&file=1")" = 429 ]
	grep -q 'this download is locked' "$TMP/b"
	[ "$(header Retry-After)" -gt 500 ]
	[ "$(header Retry-After)" -le 600 ]
	[ "$(get "$ID")" = 429 ]
	# the lock (of this client's network) runs out: the right password
	# works again
	meta_set "$ID" clients '[{"network": "127.0.0.0/24", "failures": 0,
	    "last": "2020-01-01T00:00:00Z", "locked-until": "2020-01-01T00:15:00Z"}]'
	[ "$(post "$ID" "password=$PW&file=1")" = 200 ]
}

@test "download: wrong passwords lock out their network, not the recipient elsewhere" {
	detach "$D/report.eml"
	lock_conf 3 100 10m
	[ "$(cgi_as 192.0.2.1 POST "$ID" "password=a&file=1")" = 403 ]
	grep -q 'Wrong password. After 2 more wrong passwords' "$TMP/raw"
	[ "$(cgi_as 192.0.2.1 POST "$ID" "password=b&file=1")" = 403 ]
	[ "$(cgi_as 192.0.2.1 POST "$ID" "password=c&file=1")" = 403 ]
	grep -q 'locked for about 10 minutes' "$TMP/raw"
	grep -q "client=192.0.2.1 method=POST id=$ID result=wrong-password failures=0 locked=yes status=403" "$TMP/cgi.log"
	# the right password from there is refused, from all of its /24
	[ "$(cgi_as 192.0.2.1 POST "$ID" "password=$PW&file=1")" = 429 ]
	[ "$(cgi_as 192.0.2.200 GET "$ID")" = 429 ]
	grep -q 'this download is locked' "$TMP/raw"
	retry=$(sed -n 's/^Retry-After: \([0-9]*\).*/\1/p' "$TMP/raw")
	[ "$retry" -gt 500 ] && [ "$retry" -le 600 ]
	[ "$(cgi_as ::ffff:192.0.2.9 GET "$ID")" = 429 ]
	# the recipient elsewhere sees the page and gets the file
	[ "$(cgi_as 198.51.100.7 GET "$ID")" = 200 ]
	grep -q '<input id="password"' "$TMP/raw"
	[ "$(cgi_as 198.51.100.7 POST "$ID" "password=$PW&file=1")" = 200 ]
	grep -q "^Content-Disposition: attachment; filename=\"download.pdf\"" "$TMP/raw"
	# an IPv6 client is its /64, whatever address it takes in it
	for a in 2001:db8:1:2::1 2001:db8:1:2:aaaa::2 2001:db8:1:2:ffff:ffff:ffff:ffff; do
		[ "$(cgi_as "$a" POST "$ID" "password=x&file=1")" = 403 ]
	done
	[ "$(cgi_as 2001:db8:1:2::99 POST "$ID" "password=$PW&file=1")" = 429 ]
	[ "$(cgi_as 2001:db8:1:3::1 POST "$ID" "password=$PW&file=2")" = 200 ]
	# each network's lock is in the entry; the entry is not locked
	python3 - "$ST/$ID/meta.json" <<-'EOF'
	import json, sys
	m = json.load(open(sys.argv[1]))
	nets = {c["network"]: c for c in m["clients"]}
	assert set(nets) == {"192.0.2.0/24", "2001:db8:1:2::/64"}, nets
	assert all(c["locked-until"] for c in nets.values()), nets
	assert m["locked-until"] is None and m["downloads"] == 2, m
	EOF
	mp-detach --store "$ST" --list | grep -q "^$ID state=active "
}

@test "download: wrong passwords from many networks lock the entry for everyone" {
	detach "$D/report.eml"
	lock_conf 3 6 10m
	# two each from three networks: none locked by itself, six in all
	for a in 192.0.2.1 198.51.100.1 203.0.113.1; do
		[ "$(cgi_as "$a" POST "$ID" "password=x&file=1")" = 403 ]
		[ "$(cgi_as "$a" POST "$ID" "password=y&file=1")" = 403 ]
	done
	grep -q 'locked for about 10 minutes' "$TMP/raw"
	grep -q "client=203.0.113.1 method=POST id=$ID result=wrong-password failures=2 locked=all status=403" "$TMP/cgi.log"
	[ "$(cgi_as 10.9.8.7 POST "$ID" "password=$PW&file=1")" = 429 ]
	[ "$(cgi_as 10.9.8.7 GET "$ID")" = 429 ]
	mp-detach --store "$ST" --list | grep -q "^$ID state=locked "
	# the lock runs out: the right password works again, from anywhere
	meta_set "$ID" locked-until '"2020-01-01T00:00:00Z"'
	[ "$(cgi_as 10.9.8.7 POST "$ID" "password=$PW&file=1")" = 200 ]
	[ "$(cgi_as 203.0.113.1 POST "$ID" "password=$PW&file=1")" = 200 ]
}

@test "download: a network's lock runs out after lock-time" {
	detach "$D/report.eml"
	lock_conf 3 100 5s
	for p in a b c; do
		[ "$(cgi_as 192.0.2.1 POST "$ID" "password=$p&file=1")" = 403 ]
	done
	[ "$(cgi_as 192.0.2.1 POST "$ID" "password=$PW&file=1")" = 429 ]
	sleep 6
	[ "$(cgi_as 192.0.2.1 POST "$ID" "password=$PW&file=1")" = 200 ]
	# and a right password starts the network's count again
	[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["clients"])' \
	    "$ST/$ID/meta.json")" = "[]" ]
}

@test "download: an entry written before the per-network lock still opens" {
	detach "$D/report.eml"
	lock_conf 3 100 10m
	# as the first version wrote it: one count and one lock for all
	python3 - "$ST/$ID/meta.json" <<-'EOF'
	import json, os, sys
	m = json.load(open(sys.argv[1]))
	del m["clients"], m["failures-since"]
	m["failures"] = 2
	json.dump(m, open(sys.argv[1] + ".t", "w"), indent=1)
	os.rename(sys.argv[1] + ".t", sys.argv[1])
	EOF
	[ "$(cgi_as 192.0.2.1 GET "$ID")" = 200 ]
	[ "$(cgi_as 192.0.2.1 POST "$ID" "password=x&file=1")" = 403 ]
	[ "$(cgi_as 198.51.100.7 POST "$ID" "password=$PW&file=1")" = 200 ]
	# its lock for everyone is kept
	meta_set "$ID" locked-until '"2100-01-01T00:00:00Z"'
	python3 - "$ST/$ID/meta.json" <<-'EOF'
	import json, os, sys
	m = json.load(open(sys.argv[1]))
	del m["clients"], m["failures-since"]
	json.dump(m, open(sys.argv[1], "w"))
	EOF
	[ "$(cgi_as 198.51.100.7 POST "$ID" "password=$PW&file=1")" = 429 ]
	run mp-detach --store "$ST" --list
	[ "$status" -eq 0 ]
	[[ $output == *"$ID state=locked "* ]]
}

@test "download: behind the shipped lighttpd, X-Forwarded-For is the client" {
	detach "$D/report.eml"
	for p in a b c; do
		[ "$(post "$ID" "password=$p&file=1" -H 'X-Forwarded-For: 192.0.2.1')" = 403 ]
	done
	[ "$(post "$ID" "password=$PW&file=1" -H 'X-Forwarded-For: 192.0.2.1')" = 429 ]
	[ "$(post "$ID" "password=$PW&file=1" -H 'X-Forwarded-For: 198.51.100.7')" = 200 ]
	# a client without a proxy is itself
	[ "$(post "$ID" "password=$PW&file=2")" = 200 ]
	for _ in $(seq 50); do
		grep -q "client=127.0.0.1 method=POST id=$ID result=download file=2" "$LT/log" && break
		sleep 0.1
	done
	grep -q "client=192.0.2.1 method=POST id=$ID result=locked status=429" "$LT/log"
	grep -q "client=198.51.100.7 method=POST id=$ID result=download file=1" "$LT/log"
	grep -q "client=127.0.0.1 method=POST id=$ID result=download file=2" "$LT/log"
}

@test "download: 410 once expired" {
	detach "$D/report.eml"
	[ "$(get "$ID")" = 200 ]
	meta_set "$ID" expires '"2020-01-01T00:00:00Z"'
	[ "$(get "$ID")" = 410 ]
	grep -q 'This download has expired' "$TMP/b"
	refute grep -q '見積書' "$TMP/b"
	[ "$(post "$ID" "password=$PW&file=1")" = 410 ]
	[ "$(header Content-Type)" = "text/html; charset=UTF-8" ]
}

@test "download: 410 once revoked (mp-detach --revoke)" {
	detach "$D/report.eml"
	[ "$(get "$ID")" = 200 ]
	mp-detach -c "$LT/mp.conf" --revoke "$ID"
	[ "$(get "$ID")" = 410 ]
	grep -q 'The sender has withdrawn this download' "$TMP/b"
	[ "$(post "$ID" "password=$PW&file=1")" = 410 ]
}

@test "download: 410 over the download limit" {
	detach "$D/report.eml" --max-downloads 2
	[ "$(post "$ID" "password=$PW&file=1")" = 200 ]
	[ "$(post "$ID" "password=$PW&file=2")" = 200 ]
	[ "$(post "$ID" "password=$PW&file=1")" = 410 ]
	grep -q 'reached its download limit' "$TMP/b"
	[ "$(get "$ID")" = 410 ]
}

@test "download: concurrent requests are counted exactly (flock)" {
	detach "$D/report.eml"
	# five wrong passwords at once against max-failures = 3
	for i in 1 2 3 4 5; do
		curl -s -o /dev/null -w '%{http_code}\n' \
		    --data-raw "password=wrong$i&file=1" "$LT_URL$ID" &
	done >"$TMP/codes"
	wait
	[ "$(sort "$TMP/codes" | tr '\n' ' ')" = "403 403 403 429 429 " ]
	# four right ones at once against a limit of two downloads
	detach "$D/report.eml" --max-downloads 2
	for i in 1 2 3 4; do
		curl -s -o /dev/null -w '%{http_code}\n' \
		    --data-raw "password=$PW&file=1" "$LT_URL$ID" &
	done >"$TMP/codes"
	wait
	[ "$(sort "$TMP/codes" | tr '\n' ' ')" = "200 200 410 410 " ]
}

@test "download: a file changed or cut on disk is a 500, never half a file" {
	detach "$D/report.eml"
	# one byte of the second file's ciphertext flipped
	python3 - "$ST/$ID/2.enc" <<-'EOF'
	import sys
	b = bytearray(open(sys.argv[1], "rb").read())
	b[30000] ^= 1
	open(sys.argv[1], "wb").write(b)
	EOF
	[ "$(post "$ID" "password=$PW&file=2")" = 500 ]
	[ "$(header Content-Type)" = "text/html; charset=UTF-8" ]
	refute grep -q 'Content-Disposition' "$TMP/h"
	# the first file cut short by a chunk
	head -c 100 "$ST/$ID/1.enc" >"$TMP/cut" && cp "$TMP/cut" "$ST/$ID/1.enc"
	[ "$(post "$ID" "password=$PW&file=1")" = 500 ]
	# neither counted as a download
	[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["downloads"])' \
	    "$ST/$ID/meta.json")" -eq 0 ]
	for _ in $(seq 50); do
		grep -q "id=$ID result=error why=\"store: .*1.enc" "$LT/log" && break
		sleep 0.1
	done
	grep -q "id=$ID result=error why=\"store: .*2.enc: chunk at 0 does not open" "$LT/log"
}

@test "download: 404 for unknown ids and every path that tries to get out" {
	detach "$D/report.eml"
	for p in AAAAAAAAAAAAAAAAAAAAAAAA "${ID}x" "${ID:0:23}" '' \
	    "$ID/meta.json" "$ID/1.enc" "..%2F..%2F..%2Fetc%2Fpasswd" \
	    "%2e%2e%2f%2e%2e%2fetc%2fpasswd" ".new-x" "$ID%20" \
	    "..%2Fstore%2F$ID" "?id=../../etc/passwd"; do
		code=$(curl -s -o "$TMP/b" -w '%{http_code}' --path-as-is \
		    "$LT_URL$p")
		[ "$code" = 404 ] || { echo "$p: $code"; false; }
		refute grep -q 'root:' "$TMP/b"
		refute grep -q '"kdf"' "$TMP/b"
	done
	code=$(curl -s -o /dev/null -w '%{http_code}' --path-as-is \
	    "${LT_URL}../../../../etc/passwd")
	[ "$code" = 404 ]
	# what the server lets through, the program refuses by itself
	printf '[detach]\nstore = %s\n' "$ST" >"$TMP/c.conf"
	mkdir -p "$TMP/AAAAAAAAAAAAAAAAAAAAAAAA"
	cp "$ST/$ID/meta.json" "$TMP/AAAAAAAAAAAAAAAAAAAAAAAA/"
	for p in "/../$ID" "/$ID/../$ID" "/../../../../etc/passwd" "//$ID" \
	    "/$(basename "$TMP")/AAAAAAAAAAAAAAAAAAAAAAAA" "/$ID/x" \
	    "/.new-$ID" "/$ID."; do
		env GATEWAY_INTERFACE=CGI/1.1 MP_CONFIG="$TMP/c.conf" \
		    REQUEST_METHOD=GET PATH_INFO="$p" mp-download \
		    >"$TMP/raw" 2>/dev/null
		head -1 "$TMP/raw" | grep -q '^Status: 404 Not Found' ||
		    { echo "$p: $(head -1 "$TMP/raw")"; false; }
	done
	[ "$(post AAAAAAAAAAAAAAAAAAAAAAAA "password=x&file=1")" = 404 ]
	# the id in the query string works as in the path
	code=$(curl -s -o /dev/null -w '%{http_code}' "${LT_URL%/}?id=$ID")
	[ "$code" = 200 ]
}

@test "download: 400 for a malformed POST, 405 for other methods" {
	detach "$D/report.eml"
	[ "$(post "$ID" "file=1")" = 400 ]		# no password
	[ "$(post "$ID" "password=&file=1")" = 400 ]
	[ "$(post "$ID" "password=$PW")" = 400 ]	# two files: which?
	[ "$(post "$ID" "password=$PW&file=3")" = 400 ]
	[ "$(post "$ID" "password=$PW&file=x")" = 400 ]
	[ "$(post "$ID" "password=$PW&password=$PW&file=1")" = 400 ]
	[ "$(post "$ID" "password=%zz&file=1")" = 400 ]
	[ "$(post "$ID" "password=$PW&file=1" -H 'Content-Type: text/plain')" = 400 ]
	grep -q '<input id="password"' "$TMP/b"
	# none of these counted as a wrong password
	[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["failures"])' \
	    "$ST/$ID/meta.json")" -eq 0 ]
	for m in PUT DELETE PATCH; do
		code=$(curl -s -D "$TMP/h" -o /dev/null -w '%{http_code}' -X "$m" \
		    "$LT_URL$ID")
		[ "$code" = 405 ] || { echo "$m: $code"; false; }
		[ "$(header Allow)" = "GET, HEAD, POST" ]
	done
	# a single file needs no number; + and %XX are decoded
	printf 'a b+c%%\n' >"$TMP/pw"
	detach "$D/single.eml" --password-file "$TMP/pw"
	[ "$(post "$ID" "password=a+b%2Bc%25")" = 200 ]
}

@test "download: every download and failure is logged, the password never" {
	detach "$D/report.eml"
	post "$ID" "password=$PW&file=2" >/dev/null
	post "$ID" "password=Not-$PW&file=1" >/dev/null
	get "$ID" >/dev/null
	# the server writes what the program said after it answered
	for _ in $(seq 50); do
		grep -q "id=$ID result=page" "$LT/log" && break
		sleep 0.1
	done
	grep -E "^mp-download: time=20[0-9-]+T[0-9:]+Z client=127.0.0.1 method=POST id=$ID result=download file=2 bytes=40000 downloads=1 status=200\$" "$LT/log"
	grep -E "^mp-download: time=.* client=127.0.0.1 method=POST id=$ID result=wrong-password failures=1 status=403\$" "$LT/log"
	grep -E "^mp-download: time=.* client=127.0.0.1 method=GET id=$ID result=page status=200\$" "$LT/log"
	refute grep -q -- "$PW" "$LT/log"
}

@test "download: a broken configuration is a 500 page, not a crash" {
	printf '[detach]\nmax-failures = lots\n' >"$TMP/bad.conf"
	run --separate-stderr env GATEWAY_INTERFACE=CGI/1.1 \
	    MP_CONFIG="$TMP/bad.conf" REQUEST_METHOD=GET \
	    PATH_INFO=/AAAAAAAAAAAAAAAAAAAAAAAA REMOTE_ADDR=127.0.0.1 mp-download
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "Status: 500 Internal Server Error"* ]]
	[[ $stderr == *"result=error why=\"bad value for [detach] max-failures"* ]]
}

@test "download: the server log holds no sanitizer report" {
	refute grep -E 'AddressSanitizer|LeakSanitizer|runtime error' "$LT/log"
}

@test "download: the expiry in the configured zone, as Japanese readers write dates; sizes in KB" {
	detach "$D/report.eml"
	meta_set "$ID" expires '"2026-12-06T22:08:00Z"'
	# the server's own zone is UTC; [general] time-zone is not set:
	# Asia/Tokyo, the default
	printf '[detach]\nstore = %s\n' "$ST" >"$TMP/lock.conf"
	[ "$(TZ=UTC cgi_as 192.0.2.1 GET "$ID")" = 200 ]
	grep -q '<dd id="expires">2026年12月7日(月) 7:08</dd>' "$TMP/raw"
	grep -q '<td class="size">39 KB</td>' "$TMP/raw"
	# English, and another zone
	printf '[detach]\nstore = %s\nlang = en\n[general]\ntime-zone = UTC\n' \
	    "$ST" >"$TMP/lock.conf"
	[ "$(cgi_as 192.0.2.1 GET "$ID")" = 200 ]
	grep -q '<dd id="expires">2026-12-06 22:08 +0000</dd>' "$TMP/raw"
	grep -q '<td class="size">674 bytes</td>' "$TMP/raw"
}

# meta_edit ID PYTHON - run PYTHON on an entry's metadata, m, and write
# it back as one line; the size of the text is in n
meta_edit() {
	python3 - "$ST/$1/meta.json" "$2" <<-'EOF'
	import datetime, json, os, sys
	m = json.load(open(sys.argv[1]))
	now = datetime.datetime.now(datetime.timezone.utc)
	exec(sys.argv[2])
	tmp = sys.argv[1] + ".t"
	with open(tmp, "w") as f:
	    f.write(json.dumps(m))
	os.chmod(tmp, 0o600)
	os.rename(tmp, sys.argv[1])
	EOF
}

@test "download: limits: a POST body of 16384 bytes is read, one byte more is a 413" {
	detach "$D/single.eml"
	lock_conf 5 100 15m
	body="password=$PW&pad="
	body=$body$(head -c $((16384 - ${#body})) /dev/zero | tr '\0' x)
	[ ${#body} -eq 16384 ]
	[ "$(cgi_as 192.0.2.1 POST "$ID" "$body")" = 200 ]
	cmp <(sed '1,/^\r$/d' "$TMP/raw") <(python3 -c '
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
sys.stdout.buffer.write(m.get_payload(decode=True))' "$D/single.eml")
	[ "$(cgi_as 192.0.2.1 POST "$ID" "${body}x")" = 413 ]
	grep -q "result=bad-request status=413" "$TMP/cgi.log"
	# the body was not read: not a wrong password
	[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["failures"])' \
	    "$ST/$ID/meta.json")" -eq 0 ]
}

@test "download: limits: id= is found among the first 15 fields of the query string" {
	detach "$D/single.eml"
	q=$(printf 'f%d&' $(seq 14))
	code=$(curl -s -o /dev/null -w '%{http_code}' "${LT_URL%/}?${q}id=$ID&z")
	[ "$code" = 200 ]
	q=$(printf 'f%d&' $(seq 15))
	code=$(curl -s -o /dev/null -w '%{http_code}' "${LT_URL%/}?${q}id=$ID&z")
	[ "$code" = 404 ]
}

@test "download: limits: a meta.json of 1 MiB is read, one byte more is a 500" {
	detach "$D/single.eml"
	pad='m["pad"] = ""; m["pad"] = "x" * (N - len(json.dumps(m)))'
	meta_edit "$ID" "N = 1048576; $pad"
	[ "$(stat -c %s "$ST/$ID/meta.json")" -eq 1048576 ]
	[ "$(get "$ID")" = 200 ]
	meta_edit "$ID" "N = 1048577; $pad"
	[ "$(stat -c %s "$ST/$ID/meta.json")" -eq 1048577 ]
	[ "$(get "$ID")" = 500 ]
	for _ in $(seq 50); do
		grep -q "id=$ID result=error why=\"store: .*meta.json: over 1048576 bytes\"" \
		    "$LT/log" && break
		sleep 0.1
	done
	grep -q "id=$ID result=error why=\"store: .*meta.json: over 1048576 bytes\"" "$LT/log"
}

@test "download: limits: an entry may ask for 10 passes and 512 MiB of Argon2id, no more" {
	detach "$D/single.eml"
	meta_edit "$ID" 'm["kdf"]["opslimit"] = 10; m["kdf"]["memlimit"] = 512 << 20'
	[ "$(get "$ID")" = 200 ]
	meta_edit "$ID" 'm["kdf"]["opslimit"] = 11'
	[ "$(get "$ID")" = 500 ]
	meta_edit "$ID" 'm["kdf"]["opslimit"] = 3; m["kdf"]["memlimit"] = (512 << 20) + 1'
	[ "$(get "$ID")" = 500 ]
}

@test "download: limits: an entry remembers 256 networks, then forgets the one heard from longest ago" {
	detach "$D/single.eml"
	lock_conf 5 100000 15m
	# 255 networks with a wrong password each in the last minutes,
	# 10.0.0.0/24 the longest ago
	meta_edit "$ID" '
m["clients"] = [{"network": "10.0.%d.0/24" % i, "failures": 1,
    "last": (now - datetime.timedelta(seconds=300 - i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "locked-until": None} for i in range(255)]'
	nets() {
		python3 -c 'import json,sys
print(" ".join(c["network"] for c in json.load(open(sys.argv[1]))["clients"]))' \
		    "$ST/$ID/meta.json"
	}
	[ "$(cgi_as 192.0.2.1 POST "$ID" "password=Not-$PW")" = 403 ]
	[ "$(nets | wc -w)" -eq 256 ]
	[[ " $(nets) " == *" 10.0.0.0/24 "* ]]
	[[ " $(nets) " == *" 192.0.2.0/24 "* ]]
	[ "$(cgi_as 198.51.100.1 POST "$ID" "password=Not-$PW")" = 403 ]
	[ "$(nets | wc -w)" -eq 256 ]
	[[ " $(nets) " != *" 10.0.0.0/24 "* ]]
	[[ " $(nets) " == *" 10.0.1.0/24 "* ]]
	[[ " $(nets) " == *" 198.51.100.0/24 "* ]]
}
