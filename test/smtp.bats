#!/usr/bin/env bats
# SMTP as mp-gate will hear it (lib/gate/smtp.c) through
# test/lib/smtpprobe.c: command lines read strictly, DATA's message,
# xtext.  The commands Postfix itself sends are test/smtp-postfix.bats.

load helper
bats_require_minimum_version 1.5.0

PROBE=${MP_SMTPPROBE:-$ROOT/build/smtpprobe}

setup() {
	[ -x "$PROBE" ] || skip "no $PROBE (make $PROBE)"
	setup_tmp
}

teardown() {
	teardown_tmp
}

# read_as LINE JSON - the probe reads LINE as JSON says (compared as
# data by Python, not as text)
read_as() {
	printf '%s\r\n' "$1" | "$PROBE" >"$TMP/got"
	python3 - "$TMP/got" "$2" <<-'PY'
	import json, sys
	got = json.loads(open(sys.argv[1]).read())
	want = json.loads(sys.argv[2])
	for k, v in want.items():
	    if got.get(k) != v:
	        sys.exit("%s: got %r, want %r (all: %r)" % (k, got.get(k), v, got))
	PY
}

@test "smtp: MAIL and RCPT with every DSN, SIZE, BODY and SMTPUTF8 parameter" {
	read_as 'MAIL FROM:<sato@example.co.jp> SIZE=1234 BODY=8BITMIME RET=HDRS ENVID=id+2B1 SMTPUTF8' \
	    '{"verb": "MAIL", "path": "sato@example.co.jp", "params": [["SIZE", "1234"], ["BODY", "8BITMIME"], ["RET", "HDRS"], ["ENVID", "id+2B1"], ["SMTPUTF8", null]]}'
	read_as 'RCPT TO:<a@example.com> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;a+2Bx@example.com' \
	    '{"verb": "RCPT", "path": "a@example.com", "params": [["NOTIFY", "SUCCESS,FAILURE,DELAY"], ["ORCPT", "rfc822;a+2Bx@example.com"]]}'
	read_as 'RCPT TO:<a@example.com> NOTIFY=NEVER' '{"verb": "RCPT"}'
	read_as 'mail from:<x@example.com> body=7bit' \
	    '{"verb": "MAIL", "params": [["BODY", "7bit"]]}'
	read_as 'MAIL FROM:<x@example.com> AUTH=<>' '{"verb": "MAIL"}'
	read_as 'MAIL FROM:<x@example.com> AUTH=sato+40example.co.jp' '{"verb": "MAIL"}'
}

@test "smtp: the null sender, postmaster alone, a source route, quoted and UTF-8 local parts" {
	read_as 'MAIL FROM:<>' '{"verb": "MAIL", "path": ""}'
	read_as 'RCPT TO:<Postmaster>' '{"verb": "RCPT", "path": "Postmaster"}'
	read_as 'RCPT TO:<@relay.example,@b.example:x@example.com>' \
	    '{"path": "x@example.com"}'
	read_as 'MAIL FROM:<"a b>c"@example.com>' '{"path": "\"a b>c\"@example.com"}'
	read_as 'RCPT TO:<佐藤@例え.jp> ' '{"refused": 501}'
	read_as 'RCPT TO:<佐藤@例え.jp>' '{"path": "佐藤@例え.jp"}'
	read_as 'RCPT TO:<x@[192.0.2.1]>' '{"path": "x@[192.0.2.1]"}'
	read_as 'RCPT TO:<x@[IPv6:2001:db8::1]>' '{"path": "x@[IPv6:2001:db8::1]"}'
}

@test "smtp: addresses that are not refused with 501 and the address status" {
	for a in '<>' '<a>' '<a@>' '<@a>' '<a@b..c>' '<a@-b.c>' '<a.@b.c>' \
	    '<.a@b.c>' '<a..b@c.d>' '<a b@c.d>' '<a@b.c.>'; do
		read_as "RCPT TO:$a" '{"refused": 501, "status": "5.1.3"}'
	done
	# an unclosed quote hides the closing bracket
	read_as 'RCPT TO:<"a@b.c>' '{"refused": 501}'
	read_as 'MAIL FROM:<a@b..c>' '{"refused": 501, "status": "5.1.7"}'
	read_as 'MAIL FROM:x@example.com' '{"refused": 501, "status": "5.5.4"}'
	read_as 'MAIL FROM: <x@example.com>' '{"refused": 501}'
	read_as 'MAIL FROM:<x@example.com' '{"refused": 501}'
	# invalid UTF-8 in a path
	printf 'RCPT TO:<\377@example.com>\r\n' | "$PROBE" >"$TMP/got"
	grep -q '"refused":501' "$TMP/got"
}

@test "smtp: parameters unknown, twice, badly spaced or with bad values" {
	read_as 'MAIL FROM:<x@y.z> FOO=1' '{"refused": 555, "status": "5.5.4"}'
	read_as 'RCPT TO:<x@y.z> SIZE=1' '{"refused": 555}'
	read_as 'MAIL FROM:<x@y.z> NOTIFY=NEVER' '{"refused": 555}'
	read_as 'MAIL FROM:<x@y.z> SIZE=1 size=2' '{"refused": 501}'
	read_as 'MAIL FROM:<x@y.z>  SIZE=1' '{"refused": 501}'
	read_as 'MAIL FROM:<x@y.z> SIZE=' '{"refused": 501}'
	read_as 'MAIL FROM:<x@y.z> SIZE=12a' '{"refused": 501}'
	read_as 'MAIL FROM:<x@y.z> SIZE=123456789012345678901' '{"refused": 501}'
	read_as 'MAIL FROM:<x@y.z> BODY=BINARYMIME' '{"refused": 501}'
	read_as 'MAIL FROM:<x@y.z> SMTPUTF8=yes' '{"refused": 501}'
	read_as 'MAIL FROM:<x@y.z> RET=ALL' '{"refused": 501}'
	read_as 'MAIL FROM:<x@y.z> ENVID=a+2' '{"refused": 501}'
	read_as 'MAIL FROM:<x@y.z> ENVID=a+2b' '{"refused": 501}'
	read_as 'RCPT TO:<x@y.z> NOTIFY=NEVER,DELAY' '{"refused": 501}'
	read_as 'RCPT TO:<x@y.z> NOTIFY=DELAY,DELAY' '{"refused": 501}'
	read_as 'RCPT TO:<x@y.z> NOTIFY=' '{"refused": 501}'
	read_as 'RCPT TO:<x@y.z> ORCPT=x@y.z' '{"refused": 501}'
	read_as 'RCPT TO:<x@y.z> ORCPT=rfc822;' '{"refused": 501}'
	read_as 'MAIL FROM:<x@y.z> -X=1' '{"refused": 501}'
	# an ENVID of 100 characters, decoded, and one of 101
	e=$(printf 'e%.0s' $(seq 100))
	read_as "MAIL FROM:<x@y.z> ENVID=$e" '{"verb": "MAIL"}'
	read_as "MAIL FROM:<x@y.z> ENVID=${e}e" '{"refused": 501}'
	# 16 parameters at most
	p=""
	for i in $(seq 16); do p="$p X$i=1"; done
	read_as "MAIL FROM:<x@y.z>$p" '{"refused": 555}'
	read_as "XFORWARD NAME=a ADDR=b PORT=1 PROTO=SMTP HELO=h IDENT=i SOURCE=LOCAL LOGIN=l DESTADDR=d DESTPORT=2 NAME=x" \
	    '{"refused": 501}'
}

@test "smtp: XFORWARD and XCLIENT attributes, xtext decoded" {
	read_as 'XFORWARD NAME=mail.example.com ADDR=192.0.2.1 PROTO=ESMTP HELO=[UNAVAILABLE] LOGIN=sato+40example.co.jp' \
	    '{"verb": "XFORWARD", "params": [["NAME", "mail.example.com"], ["ADDR", "192.0.2.1"], ["PROTO", "ESMTP"], ["HELO", "[UNAVAILABLE]"], ["LOGIN", "sato@example.co.jp"]]}'
	read_as 'xclient LOGIN=a+2Bb ADDR=192.0.2.9' \
	    '{"verb": "XCLIENT", "params": [["LOGIN", "a+b"], ["ADDR", "192.0.2.9"]]}'
	read_as 'XFORWARD IDENT=1 SOURCE=REMOTE' '{"verb": "XFORWARD"}'
	read_as 'XCLIENT IDENT=1' '{"refused": 501}'
	read_as 'XFORWARD FOO=1' '{"refused": 501}'
	read_as 'XFORWARD NAME' '{"refused": 501}'
	read_as 'XFORWARD LOGIN=a+2' '{"refused": 501}'
	read_as 'XFORWARD' '{"refused": 501}'
}

@test "smtp: the other verbs, their arguments, case, unknown verbs" {
	read_as 'EHLO mail.example.co.jp' '{"verb": "EHLO", "domain": "mail.example.co.jp"}'
	read_as 'helo [192.0.2.1]' '{"verb": "HELO", "domain": "[192.0.2.1]"}'
	read_as 'LHLO x.example' '{"verb": "LHLO"}'
	read_as 'EHLO' '{"refused": 501}'
	read_as 'EHLO bad..name' '{"refused": 501}'
	read_as 'EHLOmail.example' '{"refused": 500, "status": "5.5.2"}'
	for v in DATA RSET QUIT data; do
		read_as "$v" '{"params": []}'
		read_as "$v x" '{"refused": 501}'
	done
	read_as 'QUIT ' '{"refused": 501}'
	read_as 'NOOP anything at all' '{"verb": "NOOP"}'
	read_as 'VRFY sato' '{"verb": "VRFY"}'
	read_as 'VRFY' '{"refused": 501}'
	read_as 'STARTTLS' '{"refused": 500}'
	read_as 'BDAT 10 LAST' '{"refused": 500}'
	read_as 'GET / HTTP/1.0' '{"refused": 500, "status": "5.5.2"}'
	read_as '' '{"refused": 500}'
}

@test "smtp: a command line of 2048 bytes with its CRLF is read; one more is 500" {
	pad=$(python3 -c 'print("a" * (2048 - 2 - len("NOOP ")), end="")')
	read_as "NOOP $pad" '{"verb": "NOOP"}'
	read_as "NOOP ${pad}a" '{"refused": 500, "status": "5.5.0"}'
	# a path of 256 with its brackets, and of 257
	local=$(python3 -c 'print("a" * 64, end="")')
	dom=$(python3 -c 'print("b" * 63 + "." + "b" * 63 + "." + "c" * 61, end="")')
	read_as "RCPT TO:<$local@$dom>" '{"verb": "RCPT"}'
	read_as "RCPT TO:<$local@${dom}c>" '{"refused": 501}'
}

@test "smtp: control characters, NUL and bare CR in a command line are 500" {
	for c in '\000' '\001' '\t' '\r' '\033' '\177'; do
		printf "MAIL FROM:<x@y.z>${c}SIZE=1\n" | "$PROBE" >"$TMP/got"
		grep -q '"refused":500' "$TMP/got" ||
		    { echo "$c: $(cat "$TMP/got")"; false; }
	done
}

@test "smtp: DATA is dot-unstuffed, ends at the dot line, and counts what it does not keep" {
	printf 'Subject: x\r\n\r\n..leading dot\r\n.\r\nafter\r\n' |
	    "$PROBE" data 1000 >"$TMP/msg" 2>"$TMP/err"
	printf 'Subject: x\n\n.leading dot\n' | cmp - "$TMP/msg"
	[ "$(cat "$TMP/err")" = end ]
	printf 'Subject: x\r\n\r\nno end\r\n' | "$PROBE" data 1000 \
	    >/dev/null 2>"$TMP/err"
	[ "$(cat "$TMP/err")" = "no end" ]
	printf '0123456789\r\n0123456789\r\n.\r\n' | "$PROBE" data 15 \
	    >"$TMP/msg" 2>"$TMP/err"
	[ "$(cat "$TMP/err")" = "end too big" ]
	printf '0123456789\n' | cmp - "$TMP/msg"
	printf '0123456789\r\n.\r\n' | "$PROBE" data 11 >/dev/null 2>"$TMP/err"
	[ "$(cat "$TMP/err")" = end ]
}

@test "smtp: stuffing then reading DATA gives back every corpus message" {
	need_corpus
	python3 - "$PROBE" "$CORPUS" <<-'PY'
	import os, subprocess, sys
	probe, corpus = sys.argv[1:]
	n = 0
	for d, _, names in os.walk(corpus):
	    for name in sorted(names):
	        if not name.endswith((".eml", ".msg", ".txt")):
	            continue
	        data = open(os.path.join(d, name), "rb").read()
	        if b"\r" in data or not data.endswith(b"\n"):
	            continue
	        stuffed = subprocess.run([probe, "stuff"], input=data,
	                                 capture_output=True, check=True).stdout
	        assert stuffed.endswith(b"\r\n.\r\n"), name
	        body = stuffed[:-5]
	        assert b"\r\n.\r\n" not in b"\r\n" + body + b"\r\n", name
	        back = subprocess.run([probe, "data", str(len(data) + 10)],
	                              input=stuffed, capture_output=True,
	                              check=True)
	        assert back.stderr == b"end\n", (name, back.stderr)
	        assert back.stdout == data, name
	        n += 1
	assert n > 500, n
	print(n, "messages")
	PY
}

@test "smtp: xtext against an independent encoder (RFC 3461)" {
	python3 - "$PROBE" <<-'PY'
	import random, subprocess, sys
	probe = sys.argv[1]
	def enc(b):
	    return "".join(chr(c) if 33 <= c <= 126 and c not in (43, 61)
	                   else "+%02X" % c for c in b)
	rnd = random.Random(3461)
	for i in range(300):
	    b = bytes(rnd.randrange(1, 256) for _ in range(rnd.randrange(1, 40)))
	    s = b.decode("latin-1")
	    want = enc(b)
	    got = subprocess.run([probe, "xtext-encode", s.encode("latin-1")],
	                         capture_output=True, check=True).stdout.decode()
	    assert got == want, (b, got, want)
	    back = subprocess.run([probe, "xtext-decode", want],
	                          capture_output=True, check=True).stdout
	    assert back == b, (want, back)
	for bad in ("a+2", "a+2b", "a=b", "a b", "+GG", "\x7f"):
	    r = subprocess.run([probe, "xtext-decode", bad], capture_output=True)
	    assert r.returncode == 1, bad
	PY
}

@test "smtp: the address of an ORCPT, rfc822 xtext or RFC 6533 utf-8" {
	[ "$("$PROBE" orcpt 'rfc822;a+2Bb@example.com')" = a+b@example.com ]
	[ "$("$PROBE" orcpt 'RFC822;x@example.com')" = x@example.com ]
	[ "$("$PROBE" orcpt 'utf-8;\x{9867}\x{5BA2}@customer.example')" = \
	    顧客@customer.example ]
	[ "$("$PROBE" orcpt 'utf-8;\x{1F600}x@example.com')" = 😀x@example.com ]
	for bad in 'x400;a@b' 'rfc822;a+2' 'utf-8;\x{D800}@b' 'utf-8;\x{}@b' \
	    'utf-8;\x{1234567}@b' 'utf-8;a+b@c' 'utf-8;a\b@c' 'utf-8;' \
	    'utf-8;\x{0}@b' 'no-semicolon'; do
		run "$PROBE" orcpt "$bad"
		[ "$status" -eq 1 ] || { echo "$bad: $output"; false; }
	done
}

# session MAX LINE... - the lines (CRLF added) through one session; the
# replies and transactions into $TMP/out
session() {
	local max=$1

	shift
	printf '%s\r\n' "$@" | "$PROBE" session "$max" >"$TMP/out"
}

@test "smtp session: a whole transaction, its replies, envelope, XFORWARD and message" {
	session 10000 'EHLO c.example' 'XFORWARD NAME=c.example ADDR=192.0.2.1' \
	    'XFORWARD PROTO=ESMTP SOURCE=REMOTE' \
	    'MAIL FROM:<sato@example.co.jp> SIZE=100 RET=HDRS ENVID=e+2B1' \
	    'RCPT TO:<a@example.com> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;a@example.com' \
	    'RCPT TO:<b@example.co.jp>' 'DATA' 'Subject: x' '' '..dot' '.' 'QUIT'
	grep -v '^= ' "$TMP/out" | tr -d '\r' >"$TMP/replies"
	diff - "$TMP/replies" <<-'EOF'
	220 gate.example ESMTP mp-gate
	250-gate.example
	250-PIPELINING
	250-SIZE 10000
	250-8BITMIME
	250-DSN
	250-SMTPUTF8
	250-ENHANCEDSTATUSCODES
	250 XFORWARD NAME ADDR PORT PROTO HELO IDENT SOURCE LOGIN DESTADDR DESTPORT
	250 2.0.0 Ok
	250 2.0.0 Ok
	250 2.1.0 Ok
	250 2.1.5 Ok
	250 2.1.5 Ok
	354 End data with <CR><LF>.<CR><LF>
	250 2.0.0 Ok: queued
	221 2.0.0 Bye
	EOF
	python3 - "$TMP/out" <<-'PY'
	import json, sys
	t = [json.loads(l[2:]) for l in open(sys.argv[1]) if l.startswith("= ")]
	assert len(t) == 1, t
	t = t[0]
	assert t["sender"] == "sato@example.co.jp"
	assert t["params"] == [["SIZE", "100"], ["RET", "HDRS"], ["ENVID", "e+2B1"]]
	assert t["rcpts"] == [
	    ["a@example.com", [["NOTIFY", "SUCCESS,DELAY"], ["ORCPT", "rfc822;a@example.com"]]],
	    ["b@example.co.jp", []]], t["rcpts"]
	assert t["xforward"] == [["NAME", "c.example"], ["ADDR", "192.0.2.1"],
	    ["PROTO", "ESMTP"], ["SOURCE", "REMOTE"]], t["xforward"]
	assert t["message"] == "Subject: x\n\n.dot\n", t["message"]
	PY
}

@test "smtp session: commands out of order are 503, and nothing is lost by them" {
	session 10000 'MAIL FROM:<a@b.c>' 'EHLO c.example' 'RCPT TO:<a@b.c>' \
	    'DATA' 'MAIL FROM:<a@b.c>' 'XFORWARD NAME=x' 'MAIL FROM:<d@e.f>' \
	    'DATA' 'RCPT TO:<g@h.i>' 'XCLIENT NAME=x' \
	    'DATA' 'line' '.' 'QUIT' 'NOOP'
	tr -d '\r' <"$TMP/out" | grep -v '^250-' >"$TMP/replies"
	diff - "$TMP/replies" <<-'EOF'
	220 gate.example ESMTP mp-gate
	503 5.5.1 send EHLO first
	250 XFORWARD NAME ADDR PORT PROTO HELO IDENT SOURCE LOGIN DESTADDR DESTPORT
	503 5.5.1 need MAIL before RCPT
	503 5.5.1 need RCPT before DATA
	250 2.1.0 Ok
	503 5.5.1 XFORWARD goes before MAIL
	503 5.5.1 nested MAIL command
	554 5.5.1 no valid recipients
	250 2.1.5 Ok
	550 5.7.0 XCLIENT is not offered
	354 End data with <CR><LF>.<CR><LF>
	= {"sender":"a@b.c","params":[],"rcpts":[["g@h.i",[]]],"xforward":[],"message":"line\n"}
	250 2.0.0 Ok: queued
	221 2.0.0 Bye
	EOF
}

@test "smtp session: HELO offers no extensions and takes no parameters" {
	session 10000 'HELO c.example' 'MAIL FROM:<a@b.c> SIZE=1' \
	    'MAIL FROM:<a@b.c>' 'RCPT TO:<d@e.f> NOTIFY=NEVER' \
	    'XFORWARD NAME=x' 'QUIT'
	tr -d '\r' <"$TMP/out" >"$TMP/replies"
	diff - "$TMP/replies" <<-'EOF'
	220 gate.example ESMTP mp-gate
	250 gate.example
	555 5.5.4 parameters need EHLO
	250 2.1.0 Ok
	555 5.5.4 parameters need EHLO
	503 5.5.1 XFORWARD goes before MAIL
	221 2.0.0 Bye
	EOF
}

@test "smtp session: SIZE over the limit is 552 at MAIL, a message over it 552 at its end" {
	session 20 'EHLO c.example' 'MAIL FROM:<a@b.c> SIZE=21' \
	    'MAIL FROM:<a@b.c> SIZE=20' 'RCPT TO:<d@e.f>' 'DATA' \
	    '0123456789' '0123456789' '.' 'MAIL FROM:<a@b.c>' 'RCPT TO:<d@e.f>' \
	    'DATA' '0123456789' '.' 'QUIT'
	tr -d '\r' <"$TMP/out" | grep -v '^250-' >"$TMP/replies"
	diff - "$TMP/replies" <<-'EOF'
	220 gate.example ESMTP mp-gate
	250 XFORWARD NAME ADDR PORT PROTO HELO IDENT SOURCE LOGIN DESTADDR DESTPORT
	552 5.3.4 message size exceeds the limit
	250 2.1.0 Ok
	250 2.1.5 Ok
	354 End data with <CR><LF>.<CR><LF>
	552 5.3.4 message size exceeds the limit
	250 2.1.0 Ok
	250 2.1.5 Ok
	354 End data with <CR><LF>.<CR><LF>
	= {"sender":"a@b.c","params":[],"rcpts":[["d@e.f",[]]],"xforward":[],"message":"0123456789\n"}
	250 2.0.0 Ok: queued
	221 2.0.0 Bye
	EOF
}

@test "smtp session: a UTF-8 address needs SMTPUTF8; RSET forgets the transaction and XFORWARD" {
	session 10000 'EHLO c.example' 'MAIL FROM:<佐藤@example.co.jp>' \
	    'MAIL FROM:<a@b.c>' 'RCPT TO:<顧客@customer.example>' 'RSET' \
	    'XFORWARD LOGIN=sato' 'RSET' \
	    'MAIL FROM:<佐藤@example.co.jp> SMTPUTF8' \
	    'RCPT TO:<顧客@customer.example>' 'DATA' 'x' '.' 'QUIT'
	tr -d '\r' <"$TMP/out" | grep -v '^250-' >"$TMP/replies"
	diff - "$TMP/replies" <<-'EOF'
	220 gate.example ESMTP mp-gate
	250 XFORWARD NAME ADDR PORT PROTO HELO IDENT SOURCE LOGIN DESTADDR DESTPORT
	553 5.6.7 a UTF-8 address needs SMTPUTF8
	250 2.1.0 Ok
	553 5.6.7 a UTF-8 address needs SMTPUTF8
	250 2.0.0 Ok
	250 2.0.0 Ok
	250 2.0.0 Ok
	250 2.1.0 Ok
	250 2.1.5 Ok
	354 End data with <CR><LF>.<CR><LF>
	= {"sender":"佐藤@example.co.jp","params":[["SMTPUTF8",null]],"rcpts":[["顧客@customer.example",[]]],"xforward":[],"message":"x\n"}
	250 2.0.0 Ok: queued
	221 2.0.0 Bye
	EOF
}
