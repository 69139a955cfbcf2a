#!/usr/bin/env bats
# mp-gate between an SMTP client (test/lib/gatesend.py, Python's
# smtplib) and a next hop that keeps what it is given
# (test/lib/smtprecorder.py): the start and its configuration errors,
# pass byte for byte with the envelope kept, reject, the envelope split
# for zipenc, hold, the sender's checks, a next hop that is not there,
# and a reload.  test/gate-postfix.bats does the same between two real
# Postfix smtpds.

load helper
load lib/lighttpd
bats_require_minimum_version 1.5.0

SEND="python3 $BATS_TEST_DIRNAME/lib/gatesend.py"

setup() {
	setup_tmp
	mkdir "$TMP/rec"
	mkdir -m 700 "$TMP/hold"
	: >"$TMP/notices"
	cat >"$TMP/mp.conf" <<-EOF
	[domains]
	internal = example.co.jp

	[policy]
	lang = en

	[zipenc]
	notice = $TMP/notices
	notify = sender

	[hold]
	spool = $TMP/hold
	notice = $TMP/notices
	sendmail = /bin/false

	[rule secret]
	header.Subject = SECRET
	action = reject
	reason.en = Secret mail does not leave the company.

	[rule zip-outside]
	if = external and attachments >= 1
	action = zipenc
	for = external

	[rule hold-marked]
	header.Subject = HOLD
	action = hold 10m
	EOF
}

teardown() {
	gate_stop
	if [ -n "${REC_PID:-}" ]; then
		kill "$REC_PID" 2>/dev/null || true
		wait "$REC_PID" 2>/dev/null || true
	fi
	teardown_tmp
}

# recorder_start - the next hop, on $TMP/rec/port
recorder_start() {
	python3 "$BATS_TEST_DIRNAME/lib/smtprecorder.py" "$TMP/rec" 3>&- &
	REC_PID=$!
	local i
	for i in $(seq 100); do
		[ -s "$TMP/rec/port" ] && return 0
		sleep 0.1
	done
	echo "the recorder did not start" >&2
	return 1
}

# gate_start - mp-gate on $PORT, its log in $TMP/gate.log; with
# GATE_FAULT, its fault build under the fault shim (as faulty runs it)
gate_start() {
	local bin=mp-gate
	PORT=$(free_port)
	# $! must be mp-gate itself, for gate_stop; fd 3 is bats' own, and a
	# daemon that kept it would hold the run open
	if [ -n "${GATE_FAULT:-}" ]; then
		bin=$MP_FAULT_BIN/mp-gate
		export MP_FAULT=$GATE_FAULT LD_PRELOAD=$MP_FAULTSHIM \
		    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
	fi
	"$bin" -c "$TMP/mp.conf" --listen "127.0.0.1:$PORT" \
	    --next "127.0.0.1:$(cat "$TMP/rec/port")" --workers 2 \
	    --log-stderr 2>"$TMP/gate.log" 3>&- &
	GATE_PID=$!
	unset MP_FAULT LD_PRELOAD
	local i
	for i in $(seq 100); do
		if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$PORT" 2>/dev/null; then
			return 0
		fi
		kill -0 "$GATE_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$TMP/gate.log" >&2
	return 1
}

gate_stop() {
	if [ -n "${GATE_PID:-}" ]; then
		kill -TERM "$GATE_PID" 2>/dev/null || true
		wait "$GATE_PID" 2>/dev/null || true
		GATE_PID=
	fi
}

# transactions - what the next hop got, one line per message:
# "SENDER-LINE|RCPT,RCPT|DATAFILE", in the order they came
transactions() {
	python3 - "$TMP/rec" <<-'PY'
	import glob, os, re, sys
	top = sys.argv[1]
	files = glob.glob(os.path.join(top, "[0-9]*.commands"))
	for f in sorted(files, key=lambda p: int(os.path.basename(p).split(".")[0])):
	    s = os.path.basename(f).split(".")[0]
	    mail, rcpts, m = None, [], 0
	    for line in open(f, "rb").read().decode("utf-8", "replace").splitlines():
	        v = line.split(" ", 1)[0].upper()
	        if v == "MAIL":
	            mail, rcpts = line, []
	        elif v == "RCPT":
	            rcpts.append(re.sub(r"^RCPT TO:<([^>]*)>.*", r"\1", line))
	        elif v == "DATA":
	            m += 1
	            print("%s|%s|%s" % (mail, ",".join(rcpts), os.path.join(top, "%s.%d.data" % (s, m))))
	PY
}

# smtp_form FILE - the bytes an SMTP client sends for FILE after DATA
smtp_form() {
	$SEND --form "$1"
}

@test "mp-gate --check: a good configuration is 0; a wrong key, no rules, an operand are refused" {
	run mp-gate -c "$TMP/mp.conf" --check
	[ "$status" -eq 0 ]
	printf '[gate]\nworkerz = 3\n' >>"$TMP/mp.conf"
	run mp-gate -c "$TMP/mp.conf" --check
	[ "$status" -eq 78 ]
	[[ "$output" == *"workerz"* ]]
	printf '[domains]\ninternal = example.co.jp\n' >"$TMP/norules.conf"
	run mp-gate -c "$TMP/norules.conf" --check
	[ "$status" -eq 78 ]
	[[ "$output" == *"no [rule NAME]"* ]]
	run mp-gate -c "$TMP/mp.conf" --check extra
	[ "$status" -eq 64 ]
	run mp-gate --check --next 'not an address' -c "$TMP/norules.conf"
	[ "$status" -ne 0 ]
}

@test "mp-gate does not start on a broken configuration: 78 and the error, nothing listening" {
	recorder_start
	printf '[rule bad]\nif = no-such-fact >= 1\naction = reject\n' >>"$TMP/mp.conf"
	PORT=$(free_port)
	run -78 mp-gate -c "$TMP/mp.conf" --listen "127.0.0.1:$PORT"
	[[ "$output" == *"no-such-fact"* ]]
	run python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$PORT"
	[ "$status" -ne 0 ]
}

@test "pass: every test message reaches the next hop byte for byte, the envelope and DSN parameters kept" {
	recorder_start
	gate_start
	local n=0 f
	for f in "$MAIL"/*.eml; do
		run $SEND --mail-opt 'RET=HDRS' --mail-opt 'ENVID=id+2Bx' \
		    "$PORT" taro@example.co.jp \
		    'hanako@example.co.jp:NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;hanako@example.co.jp' <"$f"
		[ "$status" -eq 0 ]
		[[ "$output" == "hanako@example.co.jp 250 "* ]] || { echo "$f: $output"; false; }
		n=$((n + 1))
	done
	sleep 0.5
	run transactions
	[ "${#lines[@]}" -eq "$n" ]
	# two workers: the order they went on in is not the order they came
	local line
	for line in "${lines[@]}"; do
		[[ "$line" == "MAIL FROM:<taro@example.co.jp> "*"RET=HDRS"*"ENVID=id+2Bx"* ]]
		[[ "$line" == *"|hanako@example.co.jp|"* ]]
		sha256sum <"${line##*|}"
	done | sort >"$TMP/got"
	for f in "$MAIL"/*.eml; do
		smtp_form "$f" | sha256sum
	done | sort >"$TMP/want"
	diff "$TMP/want" "$TMP/got"
	grep -q 'NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;hanako@example.co.jp' "$TMP/rec/commands"
	grep -q 'action=pass.*status=sent (250' "$TMP/gate.log"
}

@test "reject: 550 5.7.1 with the rule's reason, nothing goes on" {
	recorder_start
	gate_start
	printf 'From: taro@example.co.jp\nTo: bob@client.example\nSubject: SECRET plans\n\nbody\n' >"$TMP/m"
	run $SEND "$PORT" taro@example.co.jp bob@client.example <"$TMP/m"
	[ "$status" -eq 0 ]
	[[ "$output" == "bob@client.example 550 5.7.1 refused by mp policy rule secret: Secret mail does not leave the company." ]]
	run transactions
	[ -z "$output" ]
	grep -q 'rules=secret, action=reject.*status=rejected (550' "$TMP/gate.log"
}

@test "zipenc for external recipients only: the envelope is split, the internal one gets the original" {
	recorder_start
	gate_start
	run $SEND "$PORT" taro@example.co.jp hanako@example.co.jp bob@client.example <"$MAIL/../zipenc/mixed.eml"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "hanako@example.co.jp 250 "* ]]
	[[ "${lines[1]}" == "bob@client.example 250 "* ]]
	run transactions
	[ "${#lines[@]}" -eq 2 ]
	local inside outside
	inside=$(printf '%s\n' "${lines[@]}" | grep '|hanako@example.co.jp|')
	outside=$(printf '%s\n' "${lines[@]}" | grep '|bob@client.example|')
	smtp_form "$TESTDATA/zipenc/mixed.eml" >"$TMP/expected"
	cmp "$TMP/expected" "${inside##*|}"
	refute cmp -s "$TMP/expected" "${outside##*|}"
	grep -qi 'application/zip' "${outside##*|}"
	[ -s "$TMP/notices" ]
}

@test "hold: 250 held as ID, the entry in mp-hold's spool with its envelope, nothing goes on" {
	recorder_start
	gate_start
	printf 'From: taro@example.co.jp\nTo: bob@client.example\nSubject: HOLD me\n\nbody\n' >"$TMP/m"
	run $SEND "$PORT" taro@example.co.jp bob@client.example <"$TMP/m"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^bob@client.example\ 250\ 2.0.0\ held\ as\ [0-9a-f]{32}$ ]]
	local id=${output##* }
	run mp-hold -c "$TMP/mp.conf" --show "$id" --json
	[ "$status" -eq 0 ]
	[ "$(printf "%s" "$output" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"sender\"])")" = taro@example.co.jp ]
	[[ "$output" == *'bob@client.example'* ]]
	run transactions
	[ -z "$output" ]
}

@test "the SMTP AUTH user (XFORWARD LOGIN or Postfix's Received) must send as themselves" {
	recorder_start
	gate_start
	printf 'From: taro@example.co.jp\nTo: hanako@example.co.jp\nSubject: hi\n\nbody\n' >"$TMP/m"
	run $SEND --xforward 'LOGIN=jiro@example.co.jp' "$PORT" taro@example.co.jp hanako@example.co.jp <"$TMP/m"
	[[ "$output" == "hanako@example.co.jp 550 5.7.1 "*"authenticated user"* ]]
	run $SEND --xforward 'LOGIN=taro@example.co.jp' "$PORT" taro@example.co.jp hanako@example.co.jp <"$TMP/m"
	[[ "$output" == "hanako@example.co.jp 250 "* ]]
	# the envelope sender is theirs, From is not
	run $SEND --xforward 'LOGIN=jiro@example.co.jp' "$PORT" jiro@example.co.jp hanako@example.co.jp <"$TMP/m"
	[[ "$output" == *" 550 5.7.1 the From address"* ]]
	# Postfix's own Received field, topmost, names the user
	{
		printf 'Received: from pc (pc [192.0.2.1])\n\t(Authenticated sender: jiro@example.co.jp)\n\tby mx (Postfix) with ESMTPSA id 4ABC\n\tfor <hanako@example.co.jp>; Mon, 30 Nov 2026 10:00:00 +0900 (JST)\n'
		cat "$TMP/m"
	} >"$TMP/r"
	run $SEND "$PORT" taro@example.co.jp hanako@example.co.jp <"$TMP/r"
	[[ "$output" == *" 550 5.7.1 "* ]]
	# a lower one is the sender's to write: not believed
	{
		printf 'Received: from pc (pc [192.0.2.1])\n\tby mx (Postfix) with ESMTP id 4ABD\n\tfor <hanako@example.co.jp>; Mon, 30 Nov 2026 10:00:00 +0900 (JST)\n'
		cat "$TMP/r"
	} >"$TMP/r2"
	run $SEND "$PORT" taro@example.co.jp hanako@example.co.jp <"$TMP/r2"
	[[ "$output" == "hanako@example.co.jp 250 "* ]]
}

@test "the null sender: refused for ordinary mail, passed for a delivery report and an automatic reply" {
	recorder_start
	gate_start
	printf 'From: taro@example.co.jp\nTo: bob@client.example\nSubject: hi\n\nbody\n' >"$TMP/m"
	run $SEND "$PORT" "" bob@client.example <"$TMP/m"
	[[ "$output" == "bob@client.example 550 5.7.1 the null sender"* ]]
	printf 'From: MAILER-DAEMON@example.co.jp\nTo: bob@client.example\nSubject: Undelivered\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\n\nfailed\n--b--\n' >"$TMP/dsn"
	run $SEND "$PORT" "" bob@client.example <"$TMP/dsn"
	[[ "$output" == "bob@client.example 250 "* ]]
	printf 'From: taro@example.co.jp\nTo: bob@client.example\nAuto-Submitted: auto-replied\nSubject: away\n\nout of office\n' >"$TMP/auto"
	run $SEND "$PORT" "" bob@client.example <"$TMP/auto"
	[[ "$output" == "bob@client.example 250 "* ]]
	run transactions
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == "MAIL FROM:<>"* ]]
}

@test "a next hop that is not there: 451, and the message is not taken" {
	recorder_start
	PORT=$(free_port)
	local dead
	dead=$(free_port)
	mp-gate -c "$TMP/mp.conf" --listen "127.0.0.1:$PORT" \
	    --next "127.0.0.1:$dead" --workers 1 --log-stderr 2>"$TMP/gate.log" 3>&- &
	GATE_PID=$!
	sleep 1
	printf 'From: taro@example.co.jp\nTo: bob@client.example\nSubject: hi\n\nbody\n' >"$TMP/m"
	run $SEND "$PORT" taro@example.co.jp bob@client.example <"$TMP/m"
	[[ "$output" == "bob@client.example 451 4.4."* ]]
	grep -q 'status=deferred (451' "$TMP/gate.log"
}

@test "SIGHUP: a new rule is in force for the next message; a broken file keeps the old rules" {
	recorder_start
	gate_start
	printf 'From: taro@example.co.jp\nTo: bob@client.example\nSubject: NEWRULE\n\nbody\n' >"$TMP/m"
	run $SEND "$PORT" taro@example.co.jp bob@client.example <"$TMP/m"
	[[ "$output" == *" 250 "* ]]
	printf '[rule newrule]\nheader.Subject = NEWRULE\naction = reject\nreason.en = new\n' >>"$TMP/mp.conf"
	kill -HUP "$GATE_PID"
	sleep 1.5
	run $SEND "$PORT" taro@example.co.jp bob@client.example <"$TMP/m"
	[[ "$output" == *" 550 5.7.1 "*"newrule"* ]]
	printf '[rule broken]\nif = nonsense\n' >>"$TMP/mp.conf"
	kill -HUP "$GATE_PID"
	sleep 1.5
	run $SEND "$PORT" taro@example.co.jp bob@client.example <"$TMP/m"
	[[ "$output" == *" 550 5.7.1 "*"newrule"* ]]
	kill -0 "$GATE_PID"
}

@test "a hold spool that fails under the entry (rename, fsync): 451, nothing held, nothing sent" {
	need_faultshim
	recorder_start
	printf 'From: taro@example.co.jp\nTo: bob@client.example\nSubject: HOLD me\n\nbody\n' >"$TMP/m"
	local spec
	for spec in "rename:$TMP/hold/" fsync; do
		GATE_FAULT=$spec gate_start
		run $SEND "$PORT" taro@example.co.jp bob@client.example <"$TMP/m"
		[[ "$output" == "bob@client.example 451 4.3.0 "* ]] || { echo "$spec: $output"; false; }
		gate_stop
	done
	run mp-hold -c "$TMP/mp.conf" --list
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run transactions
	[ -z "$output" ]
}

@test "a password notice that cannot be written (/dev/full): 451, and the attachment never goes out in clear" {
	recorder_start
	sed -i "s|^notice = $TMP/notices\$|notice = /dev/full|" "$TMP/mp.conf"
	grep -q '^notice = /dev/full' "$TMP/mp.conf"
	gate_start
	# LMTP: a reply for each recipient
	run $SEND --lmtp "$PORT" taro@example.co.jp hanako@example.co.jp bob@client.example <"$TESTDATA/zipenc/mixed.eml"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "hanako@example.co.jp 250 "* ]]
	[[ "${lines[1]}" == "bob@client.example 451 4.3.0 "*"password notice"* ]] || { echo "$output"; cat "$TMP/gate.log"; false; }
	# only the internal copy went
	run transactions
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == *"|hanako@example.co.jp|"* ]]
	# and the device is still one: a notice file is replaced only when
	# it is a regular file
	[ -c /dev/full ]
}

# stagger_start - mp-gate with a rule that staggers "STAGGER" mail and
# [hold] sendmail that records each call in TMP/sm; the message TMP/m
stagger_start() {
	recorder_start
	export FAKESM_DIR=$TMP/sm
	sed -i "s|^sendmail = /bin/false\$|sendmail = $BATS_TEST_DIRNAME/lib/fakesendmail|" "$TMP/mp.conf"
	printf '[rule stagger-marked]\nheader.Subject = STAGGER\naction = stagger 30m\n' >>"$TMP/mp.conf"
	gate_start
	printf 'From: taro@example.co.jp\nTo: hanako@example.co.jp, bob@client.example\nSubject: STAGGER me\n\nbody\n' >"$TMP/m"
}

@test "stagger: the internal recipient is delivered by the worker at once through [hold] sendmail, the external one held" {
	stagger_start
	run $SEND "$PORT" taro@example.co.jp hanako@example.co.jp bob@client.example <"$TMP/m"
	[[ "${lines[0]}" =~ ^hanako@example.co.jp\ 250\ 2.0.0\ held\ as\ [0-9a-f]{32}$ ]]
	# the inside part went at once, with its envelope and the bytes
	[ -f "$TMP/sm/1.args" ]
	grep -qx 'hanako@example.co.jp' "$TMP/sm/1.args"
	refute grep -qx 'bob@client.example' "$TMP/sm/1.args"
	grep -qx -- '-f' "$TMP/sm/1.args"
	grep -q '^Subject: STAGGER me' "$TMP/sm/1.msg"
	[ ! -e "$TMP/sm/2.args" ]
	# nothing went to the next hop: mp-hold delivers
	run transactions
	[ -z "$output" ]
}

@test "stagger with DSN: sendmail gets -N, -R and -V as the envelope asked; [hold] dsn = no gives none" {
	stagger_start
	run $SEND --mail-opt RET=FULL --mail-opt ENVID=q+2B1 "$PORT" \
	    taro@example.co.jp 'hanako@example.co.jp:NOTIFY=SUCCESS,FAILURE' \
	    'bob@client.example:NOTIFY=NEVER' <"$TMP/m"
	[[ "${lines[0]}" =~ ^hanako@example.co.jp\ 250\ 2.0.0\ held\ as\ [0-9a-f]{32}$ ]]
	# the options before the recipients, ENVID xtext decoded
	[ "$(sed -n '/^--$/q;p' "$TMP/sm/1.args" | tail -n 6 | tr '\n' ' ')" = \
	    '-N success,failure -R full -V q+1 ' ]
	# and without
	gate_stop
	sed -i 's|^sendmail = .*fakesendmail$|&\ndsn = no|' "$TMP/mp.conf"
	grep -qx 'dsn = no' "$TMP/mp.conf"
	gate_start
	run $SEND --mail-opt RET=FULL --mail-opt ENVID=q+2B2 "$PORT" \
	    taro@example.co.jp 'hanako@example.co.jp:NOTIFY=SUCCESS,FAILURE' \
	    'bob@client.example:NOTIFY=NEVER' <"$TMP/m"
	[[ "${lines[0]}" =~ ^hanako@example.co.jp\ 250\ 2.0.0\ held\ as\ [0-9a-f]{32}$ ]]
	refute grep -qx -- '-[NRV]' "$TMP/sm/2.args"
	grep -qx 'hanako@example.co.jp' "$TMP/sm/2.args"
}
