#!/usr/bin/env bats
# mp-gate's client of the next hop (lib/gate/client.c) through
# `smtpprobe send`: the message byte for byte, the envelope with every
# ESMTP parameter, PIPELINING, a reply for each recipient (SMTP and
# LMTP), and every failure a 451 that names the next hop.  The server is
# test/lib/smtprecorder.py, steered by its options, and once Postfix's
# own smtp-sink.

load helper
bats_require_minimum_version 1.5.0

PROBE=${MP_SMTPPROBE:-$ROOT/build/smtpprobe}
RECORDER=$BATS_TEST_DIRNAME/lib/smtprecorder.py

setup() {
	[ -x "$PROBE" ] || skip "no $PROBE (make $PROBE)"
	setup_tmp
	REC=$TMP/rec
	mkdir "$REC"
}

teardown() {
	local pid

	for pid in "$TMP"/*.pid; do
		[ -f "$pid" ] || continue
		kill "$(cat "$pid")" 2>/dev/null || true
	done
	teardown_tmp
}

# recorder [OPTION...] - the recorder with those options; NEXT its
# address
recorder() {
	python3 "$RECORDER" "$@" "$REC" </dev/null >"$TMP/recorder.log" \
	    2>&1 3>&- &
	echo $! >"$TMP/recorder.pid"
	for _ in $(seq 100); do
		[ -f "$REC/port" ] && break
		sleep 0.1
	done
	NEXT=127.0.0.1:$(cat "$REC/port")
}

# free_port - a port of 127.0.0.1 nothing listens on
free_port() {
	python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# envelope [LINE...] - TMP/env: the lines, "DATA", then the message of
# TMP/msg (a short one when there is none)
envelope() {
	[ -f "$TMP/msg" ] ||
	    printf 'From: sato@example.co.jp\nSubject: estimate\n\nDear customer,\n.a dot\n' \
	    >"$TMP/msg"
	{
		printf '%s\n' "$@" DATA
		cat "$TMP/msg"
	} >"$TMP/env"
}

# as_data FILE - FILE (LF lines) as DATA carries it: CR LF, a dot before
# each line that starts with one, the "." line (written here apart from
# lib/gate/smtp.c)
as_data() {
	python3 - "$1" <<-'PY'
	import sys
	data = open(sys.argv[1], "rb").read()
	lines = data.split(b"\n")
	if data.endswith(b"\n") or not data:
	    lines.pop()
	out = b"".join((b"." if l.startswith(b".") else b"") + l + b"\r\n"
	               for l in lines) + b".\r\n"
	sys.stdout.buffer.write(out)
	PY
}

# data_size FILE - RFC 1870's size of FILE: CR LF lines, no dot-stuffing
data_size() {
	python3 -c 'import sys
d = open(sys.argv[1], "rb").read()
print(len(d) + d.count(b"\n") + (2 if d and not d.endswith(b"\n") else 0))' "$1"
}

# same_data MSG S.M - the recorder's message S.M is MSG as DATA sends it
same_data() {
	as_data "$1" >"$TMP/want"
	cmp "$TMP/want" "$REC/$2.data"
}

@test "gate-client: every test message arrives byte for byte" {
	local f s=0

	recorder
	for f in "$MAIL"/*.eml; do
		cp "$f" "$TMP/msg"
		envelope 'MAIL <sato@example.co.jp> SIZE=1' \
		    'RCPT <client@customer.example>'
		run "$PROBE" send "$NEXT" <"$TMP/env"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "250 2.0.0 kept" ]
		s=$((s + 1))
		same_data "$f" "$s.1"
		grep -qx "MAIL FROM:<sato@example.co.jp> SIZE=$(data_size "$f")" \
		    "$REC/$s.commands"
	done
	[ "$s" -ge 5 ]
}

@test "gate-client: a sample of 200 corpus messages arrives byte for byte" {
	local f s=0

	[ -n "${MP_CORPUS:-}" ] || skip "MP_CORPUS is not set"
	need_corpus
	recorder
	find "$MP_CORPUS" -type f ! -name '*.md' | sort >"$TMP/all"
	awk -v n="$(wc -l <"$TMP/all")" \
	    'NR % int(n / 200 > 1 ? n / 200 : 1) == 0' "$TMP/all" |
	    head -200 >"$TMP/sample"
	while read -r f; do
		cp "$f" "$TMP/msg"
		envelope 'MAIL <a@example.com>' 'RCPT <b@example.com>'
		"$PROBE" send "$NEXT" <"$TMP/env" >"$TMP/out"
		grep -qx '250 2.0.0 kept' "$TMP/out"
		s=$((s + 1))
		same_data "$f" "$s.1" || { echo "not the same: $f" >&2; false; }
	done <"$TMP/sample"
	[ "$s" -ge 100 ]
}

@test "gate-client: the envelope goes out as given, SIZE the real size, XFORWARD the attributes named" {
	recorder
	envelope 'MAIL <> SIZE=1 BODY=8BITMIME RET=HDRS ENVID=mp+2Benv+3D1 SMTPUTF8 AUTH=<>' \
	    'RCPT <佐藤@example.jp> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;a+2Bb@example.com' \
	    'RCPT <client@customer.example> NOTIFY=NEVER' \
	    'XFORWARD NAME=[UNAVAILABLE] ADDR=192.0.2.1 PROTO=ESMTP HELO=a+20b+3Dc IDENT=4XyZ1 SOURCE=REMOTE DESTADDR=192.0.2.9'
	run "$PROBE" send "$NEXT" <"$TMP/env"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	cat >"$TMP/want" <<-EOF
	EHLO probe.example
	XFORWARD NAME=[UNAVAILABLE] ADDR=192.0.2.1 PROTO=ESMTP HELO=a+20b+3Dc
	XFORWARD IDENT=4XyZ1 SOURCE=REMOTE
	MAIL FROM:<> SIZE=$(data_size "$TMP/msg") BODY=8BITMIME RET=HDRS ENVID=mp+2Benv+3D1 SMTPUTF8
	RCPT TO:<佐藤@example.jp> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;a+2Bb@example.com
	RCPT TO:<client@customer.example> NOTIFY=NEVER
	DATA
	QUIT
	EOF
	diff -u "$TMP/want" "$REC/1.commands"
}

@test "gate-client: with PIPELINING one write up to DATA, without it one command at a time" {
	recorder
	envelope 'MAIL <a@example.com>' 'RCPT <b@example.com>' \
	    'RCPT <c@example.com>' 'XFORWARD NAME=mail.example ADDR=192.0.2.1'
	"$PROBE" send "$NEXT" <"$TMP/env" >"$TMP/out"
	grep -c '^250 ' "$TMP/out" | grep -qx 2
	grep -q '^- XFORWARD' "$REC/1.arrival"
	[ "$(grep -cE '^\+ (MAIL|RCPT|DATA)' "$REC/1.arrival")" -eq 4 ]
	refute grep -qE '^- (MAIL|RCPT|DATA)' "$REC/1.arrival"

	kill "$(cat "$TMP/recorder.pid")"
	rm -rf "$REC" && mkdir "$REC"
	recorder --no-pipelining
	"$PROBE" send "$NEXT" <"$TMP/env" >"$TMP/out"
	grep -c '^250 ' "$TMP/out" | grep -qx 2
	[ "$(grep -cE '^- (XFORWARD|MAIL|RCPT|DATA)' "$REC/1.arrival")" -eq 5 ]
	refute grep -q '^+' "$REC/1.arrival"
}

@test "gate-client: one recipient refused keeps its reply, the others get DATA's" {
	recorder --rcpt 'b@example.com=550 5.1.1 no such user here'
	envelope 'MAIL <a@example.com>' 'RCPT <c@example.com>' \
	    'RCPT <b@example.com>' 'RCPT <d@example.com>'
	run "$PROBE" send "$NEXT" <"$TMP/env"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "250 2.0.0 kept" ]
	[ "${lines[1]}" = "550 5.1.1 no such user here" ]
	[ "${lines[2]}" = "250 2.0.0 kept" ]
	[ "${lines[3]}" = "last 250 2.0.0 kept" ]
	[ -f "$REC/1.1.data" ]
}

@test "gate-client: every recipient refused: each its reply, no message, RSET" {
	local p

	for p in "" --no-pipelining; do
		rm -rf "$REC" && mkdir "$REC"
		recorder ${p:+"$p"} --rcpt 'b@example.com=550 5.1.1 no b' \
		    --rcpt 'c@example.com=450 4.2.1 not now'
		envelope 'MAIL <a@example.com>' 'RCPT <b@example.com>' \
		    'RCPT <c@example.com>'
		run "$PROBE" send "$NEXT" <"$TMP/env"
		[ "${lines[0]}" = "550 5.1.1 no b" ]
		[ "${lines[1]}" = "450 4.2.1 not now" ]
		[ ! -f "$REC/1.1.data" ]
		grep -qx RSET "$REC/1.commands"
		kill "$(cat "$TMP/recorder.pid")"
	done
}

@test "gate-client: MAIL refused is every recipient's reply" {
	recorder --reply 'MAIL=553 5.7.1 sender not welcome'
	envelope 'MAIL <a@example.com>' 'RCPT <b@example.com>' \
	    'RCPT <c@example.com>'
	run "$PROBE" send "$NEXT" <"$TMP/env"
	[ "${lines[0]}" = "553 5.7.1 sender not welcome" ]
	[ "${lines[1]}" = "553 5.7.1 sender not welcome" ]
	[ "${lines[2]}" = "last 553 5.7.1 sender not welcome" ]
	grep -qx RSET "$REC/1.commands"
}

@test "gate-client: 451 after the message is every recipient's" {
	recorder --data-reply '451 4.3.0 queue trouble'
	envelope 'MAIL <a@example.com>' 'RCPT <b@example.com>' \
	    'RCPT <c@example.com>'
	run "$PROBE" send "$NEXT" <"$TMP/env"
	[ "${lines[0]}" = "451 4.3.0 queue trouble" ]
	[ "${lines[1]}" = "451 4.3.0 queue trouble" ]
	[ "${lines[2]}" = "last 451 4.3.0 queue trouble" ]
}

@test "gate-client: LMTP gives each recipient its own reply after the message" {
	recorder --lmtp --lmtp-reply 'c@example.com=452 4.2.2 mailbox full' \
	    --lmtp-reply 'd@example.com=550 5.2.1 mailbox disabled' \
	    --rcpt 'e@example.com=550 5.1.1 unknown'
	envelope 'MAIL <a@example.com>' 'RCPT <b@example.com>' \
	    'RCPT <c@example.com>' 'RCPT <e@example.com>' 'RCPT <d@example.com>'
	run "$PROBE" send "lmtp:$NEXT" <"$TMP/env"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "250 2.0.0 kept" ]
	[ "${lines[1]}" = "452 4.2.2 mailbox full" ]
	[ "${lines[2]}" = "550 5.1.1 unknown" ]
	[ "${lines[3]}" = "550 5.2.1 mailbox disabled" ]
	[ "${lines[4]}" = "last 550 5.2.1 mailbox disabled" ]
	head -1 "$REC/1.commands" | grep -qx 'LHLO probe.example'
}

@test "gate-client: a multi-line reply is read to its last line" {
	recorder --rcpt $'b@example.com=550-5.1.1 first line\r\n550-5.1.1 second\r\n550 5.1.1 the last'
	envelope 'MAIL <a@example.com>' 'RCPT <b@example.com>' \
	    'RCPT <c@example.com>'
	run "$PROBE" send "$NEXT" <"$TMP/env"
	[ "${lines[0]}" = "550 5.1.1 the last" ]
	[ "${lines[1]}" = "250 2.0.0 kept" ]
}

@test "gate-client: a malformed reply is 451 4.4.0 for every recipient without one" {
	local bad

	for bad in '25O oops' $'250-one\r\n251 two' '2500 ok' 'ok'; do
		rm -rf "$REC" && mkdir "$REC"
		recorder --rcpt 'b@example.com=550 5.1.1 no b' --reply "RCPT=$bad"
		envelope 'MAIL <a@example.com>' 'RCPT <b@example.com>' \
		    'RCPT <c@example.com>'
		run "$PROBE" send "$NEXT" <"$TMP/env"
		[ "${lines[0]}" = "550 5.1.1 no b" ]
		[[ "${lines[1]}" = "451 4.4.0 next hop $NEXT: malformed reply to RCPT: \""* ]]
		# closed, no message: the recorder keeps an empty one
		[ ! -s "$REC/1.1.data" ]
		kill "$(cat "$TMP/recorder.pid")"
	done
}

@test "gate-client: a 421 ends it: 451 for every recipient without a reply" {
	recorder --rcpt 'b@example.com=550 5.1.1 no b' \
	    --reply 'RCPT=421 4.3.2 shutting down'
	envelope 'MAIL <a@example.com>' 'RCPT <b@example.com>' \
	    'RCPT <c@example.com>' 'RCPT <d@example.com>'
	run "$PROBE" send-twice "$NEXT" <"$TMP/env"
	[ "${lines[0]}" = "550 5.1.1 no b" ]
	[ "${lines[1]}" = "451 4.3.2 next hop $NEXT: closed the connection after RCPT: 421 shutting down" ]
	[ "${lines[2]}" = "${lines[1]}" ]
	# the second went over a new connection: 421 closed the first
	[ "${lines[5]}" = "${lines[1]}" ]
	[ -f "$REC/2.commands" ]
	refute grep -q QUIT "$REC/1.commands"
}

@test "gate-client: nothing listening is 451 4.4.1 for every recipient" {
	envelope 'MAIL <a@example.com>' 'RCPT <b@example.com>' \
	    'RCPT <c@example.com>'
	port=$(free_port)
	run "$PROBE" send "127.0.0.1:$port" <"$TMP/env"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "451 4.4.1 next hop 127.0.0.1:$port: cannot connect: Connection refused" ]
	[ "${lines[1]}" = "${lines[0]}" ]
	[ "${lines[2]}" = "last ${lines[0]}" ]
	run "$PROBE" send "unix:$TMP/nothing" <"$TMP/env"
	[[ "${lines[0]}" = "451 4.4.1 next hop unix:$TMP/nothing: cannot connect: "* ]]
	run "$PROBE" send "[::1]:$port" <"$TMP/env"
	[[ "${lines[0]}" = "451 4.4.1 next hop [::1]:$port: cannot connect: "* ]]
	run "$PROBE" send "no-such-host.invalid:25" <"$TMP/env"
	[[ "${lines[0]}" = "451 4.4.1 next hop no-such-host.invalid:25: cannot connect: "* ]]
}

@test "gate-client: a next hop that is no address is a usage error" {
	local bad

	envelope 'MAIL <a@example.com>' 'RCPT <b@example.com>'
	for bad in 127.0.0.1 127.0.0.1: :25 ::1:25 '[::1]' '[::1]25' \
	    127.0.0.1:0 127.0.0.1:65536 127.0.0.1:smtp unix: lmtp:; do
		run -64 "$PROBE" send "$bad" <"$TMP/env"
		[ "$output" = "smtpprobe: $bad: not a next hop" ]
	done
}

@test "gate-client: a next hop that stops answering is 451 4.4.2 after the timeout" {
	recorder --delay MAIL=15
	envelope 'MAIL <a@example.com>' 'RCPT <b@example.com>'
	SECONDS=0
	run "$PROBE" send --timeout 2 "$NEXT" <"$TMP/env"
	[ "$SECONDS" -ge 2 ] && [ "$SECONDS" -le 8 ]
	[ "${lines[0]}" = "451 4.4.2 next hop $NEXT: timeout waiting for the reply to MAIL" ]
	[ ! -f "$REC/1.1.data" ]
	# the same after the message: no 250 without the server's
	kill "$(cat "$TMP/recorder.pid")"
	rm -rf "$REC" && mkdir "$REC"
	recorder --delay .=15
	SECONDS=0
	run "$PROBE" send --timeout 2 "$NEXT" <"$TMP/env"
	[ "$SECONDS" -le 8 ]
	[ "${lines[0]}" = "451 4.4.2 next hop $NEXT: timeout waiting for the reply to the message" ]
}

@test "gate-client: a kept connection the server closed is made again, the transaction sent once" {
	local extra

	# closed at once, and closed with a 421 first (Postfix's smtpd
	# after its idle timeout)
	for extra in "" --goodbye; do
		rm -rf "$REC" && mkdir "$REC"
		recorder --close-after 1 ${extra:+"$extra"}
		envelope 'MAIL <a@example.com>' 'RCPT <b@example.com>'
		run "$PROBE" send-twice "$NEXT" <"$TMP/env"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "250 2.0.0 kept" ]
		[ "${lines[2]}" = "250 2.0.0 kept" ]
		[ "${lines[3]}" = "last 250 2.0.0 kept" ]
		[ -f "$REC/1.1.data" ] && [ -f "$REC/2.1.data" ]
		[ ! -f "$REC/1.2.data" ] && [ ! -f "$REC/3.commands" ]
		kill "$(cat "$TMP/recorder.pid")"
	done
}

@test "gate-client: SMTPUTF8 not offered is 550 5.6.7, DSN not offered 451 4.3.0" {
	recorder --no-smtputf8 --no-dsn
	envelope 'MAIL <a@example.com> SMTPUTF8' 'RCPT <佐藤@example.jp>'
	run "$PROBE" send "$NEXT" <"$TMP/env"
	[ "${lines[0]}" = "550 5.6.7 next hop $NEXT does not offer SMTPUTF8" ]
	envelope 'MAIL <a@example.com>' 'RCPT <b@example.com> NOTIFY=NEVER'
	run "$PROBE" send "$NEXT" <"$TMP/env"
	[ "${lines[0]}" = "451 4.3.0 next hop $NEXT does not offer DSN" ]
	envelope 'MAIL <a@example.com> ENVID=x' 'RCPT <b@example.com>'
	run "$PROBE" send "$NEXT" <"$TMP/env"
	[ "${lines[0]}" = "451 4.3.0 next hop $NEXT does not offer DSN" ]
	refute grep -q '^MAIL' "$REC/commands"
	# without those parameters the same server takes it
	envelope 'MAIL <a@example.com> BODY=8BITMIME' 'RCPT <b@example.com>'
	run "$PROBE" send "$NEXT" <"$TMP/env"
	[ "${lines[0]}" = "250 2.0.0 kept" ]
}

@test "gate-client: Postfix's smtp-sink takes 200 messages over one connection" {
	local port

	command -v smtp-sink >/dev/null || skip "no smtp-sink (it comes with postfix)"
	port=$(free_port)
	# -u: smtp-sink run by root drops to a user
	smtp-sink -u postfix -c "127.0.0.1:$port" 5 </dev/null \
	    >"$TMP/sink.out" 2>&1 3>&- &
	echo $! >"$TMP/sink.pid"
	for _ in $(seq 50); do
		python3 -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1]))).close()' \
		    "$port" 2>/dev/null && break
		sleep 0.1
	done
	# two sessions in all: the knock above and the client's one
	envelope 'MAIL <a@example.com> SIZE=10 RET=FULL' \
	    'RCPT <b@example.com> NOTIFY=FAILURE' 'RCPT <c@example.com>' \
	    'XFORWARD NAME=mail.example ADDR=192.0.2.1'
	"$PROBE" send --repeat 200 "127.0.0.1:$port" <"$TMP/env" >"$TMP/out"
	[ "$(grep -c '^250 2.0.0 Ok' "$TMP/out")" -eq 400 ]
	[ "$(wc -l <"$TMP/out")" -eq 600 ]
	for _ in $(seq 50); do
		tr '\r' '\n' <"$TMP/sink.out" | grep -q 'quit=1 mesg=200$' && break
		sleep 0.1
	done
	tr '\r' '\n' <"$TMP/sink.out" | tail -1 | grep -qx 'sess=2 quit=1 mesg=200'
}

@test "gate-client: LMTP over a UNIX socket to smtp-sink, a reply for each recipient" {
	command -v smtp-sink >/dev/null || skip "no smtp-sink (it comes with postfix)"
	smtp-sink -u postfix -L "unix:$TMP/lmtp" 5 </dev/null \
	    >"$TMP/sink.log" 2>&1 3>&- &
	echo $! >"$TMP/sink.pid"
	for _ in $(seq 50); do
		[ -S "$TMP/lmtp" ] && break
		sleep 0.1
	done
	envelope 'MAIL <a@example.com>' 'RCPT <b@example.com>' \
	    'RCPT <c@example.com>' 'RCPT <d@example.com>'
	run "$PROBE" send-twice "lmtp:unix:$TMP/lmtp" <"$TMP/env"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 8 ]
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '^250 2\.')" -eq 6 ]
}
