#!/usr/bin/env bats
# What Debian's real Postfix sends a content filter, read by mp's SMTP
# reader (lib/gate/smtp.c, through test/lib/smtpprobe.c).  A private
# Postfix (test/lib/postfix.bash) relays everything to
# test/lib/smtprecorder.py, which announces what mp-gate will (DSN,
# SIZE, 8BITMIME, SMTPUTF8, XFORWARD, PIPELINING) and keeps every
# command line and every message of DATA as it came.  The messages go
# in through Postfix's own sendmail(1) (DSN requests, a null sender, an
# 8-bit body, a UTF-8 address, several recipients) and through its
# smtpd with SMTP AUTH, checked by a stand-in for saslauthd(8) that
# Cyrus SASL asks over its socket.  Nothing here is written by hand
# but the messages: the command lines are Postfix's.

load helper
load lib/postfix
load lib/saslauthd
bats_require_minimum_version 1.5.0

PROBE=${MP_SMTPPROBE:-$ROOT/build/smtpprobe}
# an envelope id with characters that xtext must encode
ENVID='mp-envid+with=odd chars'
# the SMTP AUTH password the stand-in for saslauthd takes
SASL_PASSWORD=the-test-password

# wait_file FILE - wait (up to 10 s) until FILE exists
wait_file() {
	for _ in $(seq 100); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	echo "no $1" >&2
	return 1
}

# submit ID ARG... - a message with the Message-ID <ID> and the body
# of standard input, into W/ID.eml, given to Postfix's sendmail with
# ARG; its Content-Transfer-Encoding is CTE, 7bit unless set
submit() {
	local id=$1

	shift
	{
		printf 'From: sato@example.co.jp\nTo: client@customer.example\n'
		printf 'Subject: %s\nDate: Mon, 1 Jun 2026 10:00:00 +0900\n' "$id"
		printf 'Message-ID: <%s>\n' "$id"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n'
		printf 'Content-Transfer-Encoding: %s\n\n' "${CTE:-7bit}"
		cat
	} >"$W/$id.eml"
	/usr/sbin/sendmail -C "$PF/etc" -i "$@" <"$W/$id.eml"
}

# at_recorder N - wait (up to 20 s) until the recorder holds N messages
# and every session it had is over (Postfix keeps a connection open a
# while for more mail)
at_recorder() {
	local n s d

	for _ in $(seq 200); do
		n=$(find "$REC" -name '*.data' | wc -l)
		s=$(find "$REC" -name '*.commands' | wc -l)
		d=$(find "$REC" -name '*.done' | wc -l)
		[ "$n" -ge "$1" ] && [ "$s" -eq "$d" ] && return 0
		sleep 0.1
	done
	echo "the recorder holds $n messages of $1, $d sessions of $s over" >&2
	cat "$PF/maillog" >&2
	return 1
}

# login_submit ID - a message with the Message-ID <ID>, into W/ID.eml,
# submitted to the smtpd of the private Postfix with SMTP AUTH
login_submit() {
	printf 'From: sato@example.co.jp\nTo: client@customer.example\nSubject: %s\nMessage-ID: <%s>\n\nSent with a login.\n.line\n' \
	    "$1" "$1" >"$W/$1.eml"
	python3 - "$PF_PORT" "$SASL_PASSWORD" "$W/$1.eml" <<-'PY'
	import smtplib, sys
	with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30) as s:
	    s.ehlo("client.example")
	    s.login("sato@example.co.jp", sys.argv[2])
	    s.sendmail("sato@example.co.jp", ["client@customer.example"],
	               open(sys.argv[3], "rb").read().replace(b"\n", b"\r\n"))
	PY
}

# submit_all - the messages, all at once: the tests read what came of
# them
submit_all() {
	printf 'Dear customer,\nthe estimate follows.\n' |
	    submit "dsn.$TAG" -f sato@example.co.jp -N success,delay \
	    -V "$ENVID" -R hdrs client@customer.example \
	    kacho111@example.co.jp bucho110@example.co.jp || return 1
	printf 'Your message could not be delivered.\n' |
	    submit "null.$TAG" -f '<>' sato@example.co.jp || return 1
	printf 'お見積りをお送りします。\n' |
	    CTE=8bit submit "8bit.$TAG" -B 8BITMIME -f sato@example.co.jp \
	    client@customer.example || return 1
	printf 'Dear customer,\n' |
	    submit "utf8.$TAG" -f sato@example.co.jp '顧客@customer.example' ||
	    return 1
	printf '.\n..\n.hidden\n...three\nplain\n. \n' |
	    submit "dots.$TAG" -f sato@example.co.jp client@customer.example ||
	    return 1
	login_submit "auth.$TAG"
}

setup_file() {
	# without Postfix, setup skips each test
	[ -z "$(pf_missing)" ] || return 0
	umask 022
	W=$(mktemp -d "${BATS_TMPDIR:-/tmp}/mp-smtp-postfix.XXXXXX")
	# smtpd(8) reads the SASL configuration and reaches the socket
	chmod 755 "$W"
	REC=$W/rec
	PF=$W/pf
	# Debian's Postfix has Cyrus SASL read smtpd.conf from the sasl
	# directory of its configuration directory, whatever
	# cyrus_sasl_config_path says
	mkdir -p "$REC" "$W/sasl" "$PF/etc/sasl"
	# the tests run in processes of their own: the messages' tag
	TAG=$$
	export W REC PF TAG
	python3 "$BATS_TEST_DIRNAME/lib/smtprecorder.py" "$REC" \
	    </dev/null >"$W/recorder.log" 2>&1 3>&- &
	echo $! >"$W/recorder.pid"
	saslauthd_stub "$W/sasl" "$SASL_PASSWORD" </dev/null \
	    >"$W/saslauthd.log" 2>&1 3>&- &
	echo $! >"$W/saslauthd.pid"
	wait_file "$REC/port" && wait_file "$W/sasl/mux.ready" ||
	    { teardown_file; return 1; }
	cat >"$PF/etc/sasl/smtpd.conf" <<-EOF
	pwcheck_method: saslauthd
	saslauthd_path: $W/sasl/mux
	mech_list: PLAIN LOGIN
	EOF
	# relayhost, smtputf8_enable and smtpd_relay_restrictions are set
	# once more, over postfix.bash's: Postfix takes the last (and warns
	# of it on standard error and in the maillog)
	PF_MAIN_EXTRA="relayhost = [127.0.0.1]:$(cat "$REC/port")
smtputf8_enable = yes
smtp_send_xforward_command = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
smtpd_relay_restrictions = permit_sasl_authenticated, reject"
	pf_start "$PF" || { teardown_file; return 1; }
	submit_all 2>>"$W/submit.log" ||
	    { cat "$W/submit.log" >&2; teardown_file; return 1; }
	at_recorder 6 || { cat "$W/submit.log" >&2; teardown_file; return 1; }
}

teardown_file() {
	[ -n "${W:-}" ] || return 0
	pf_stop "$W/pf"
	pf_kill "$W/recorder.pid"
	pf_kill "$W/saslauthd.pid"
	rm -rf "$W"
}

setup() {
	need_postfix
	if [ ! -x "$PROBE" ]; then
		echo "no $PROBE: make check builds it (make $PROBE)" >&2
		return 1
	fi
	setup_tmp
}

teardown() {
	teardown_tmp
}

# commands ID - the command lines of the transaction that carried the
# message <ID> (from the session's start or its last DATA to its DATA),
# as Postfix sent them; the recorded message into TMP/ID.data
commands() {
	python3 - "$REC" "$1" "$TMP/$1.data" <<-'PY'
	import glob, os, re, sys
	rec, mid, out = sys.argv[1:]
	for data in glob.glob(os.path.join(rec, "*.data")):
	    raw = open(data, "rb").read()
	    if not re.search(rb"^Message-ID: <%s>\r$" % re.escape(mid.encode()),
	                     raw, re.M):
	        continue
	    s, m = os.path.basename(data).split(".")[:2]
	    lines = open(os.path.join(rec, s + ".commands"), "rb").read()
	    txns = re.split(rb"(?<=^DATA\n)", lines, flags=re.M)
	    sys.stdout.buffer.write(txns[int(m) - 1])
	    open(out, "wb").write(raw)
	    sys.exit(0)
	sys.exit("no message <%s> at the recorder" % mid)
	PY
}

# check ID - the commands of <ID> read by the probe (TMP/ID.json), and
# the python3 assertions of standard input over them: c is the list of
# what the probe printed, one(VERB) the one command of VERB, every(VERB)
# all of them, p(CMD) its parameters as a dict
check() {
	commands "$1" >"$TMP/$1.commands"
	"$PROBE" <"$TMP/$1.commands" >"$TMP/$1.json"
	cat "$TMP/$1.commands" "$TMP/$1.json"
	python3 -c 'import json, os, sys
c = [json.loads(l) for l in open(sys.argv[1])]
every = lambda v: [x for x in c if x.get("verb") == v]
def one(v):
    assert len(every(v)) == 1, (v, c)
    return every(v)[0]
p = lambda x: dict(x["params"])
exec(sys.stdin.read())' "$TMP/$1.json"
}

# param ID VERB NAME - the values of a parameter as the probe read it,
# one line for each command of VERB that has it
param() {
	python3 -c 'import json, sys
for l in open(sys.argv[1]):
    x = json.loads(l)
    if x.get("verb") == sys.argv[2] and sys.argv[3] in dict(x["params"]):
        print(dict(x["params"])[sys.argv[3]])' "$TMP/$1.json" "$2" "$3"
}

# same_body ID - the message the recorder got for <ID>, read as DATA,
# ends in the body that was submitted, and the reading saw the end
same_body() {
	"$PROBE" data 10000000 <"$TMP/$1.data" >"$TMP/$1.read" \
	    2>"$TMP/$1.end"
	[ "$(cat "$TMP/$1.end")" = end ]
	python3 -c 'import sys
sent = open(sys.argv[1], "rb").read()
got = open(sys.argv[2], "rb").read()
body = sent.split(b"\n\n", 1)[1]
assert got.endswith(b"\n\n" + body), (body, got)
# the header fields as submitted, in order, among those Postfix added
head = [l for l in got.split(b"\n\n", 1)[0].split(b"\n")]
it = iter(head)
assert all(f in it for f in sent.split(b"\n\n", 1)[0].split(b"\n")), head' \
	    "$W/$1.eml" "$TMP/$1.read"
}

@test "smtp-postfix: every command line Postfix sent is read" {
	[ -s "$REC/commands" ]
	"$PROBE" <"$REC/commands" >"$TMP/all.json"
	paste -d '\n' "$REC/commands" "$TMP/all.json"
	[ "$(wc -l <"$TMP/all.json")" -eq "$(wc -l <"$REC/commands")" ]
	refute grep -q '"refused"' "$TMP/all.json"
	# each verb Postfix uses, read as itself
	python3 -c 'import json, sys
verbs = {json.loads(l)["verb"] for l in open(sys.argv[1])}
want = {"EHLO", "XFORWARD", "MAIL", "RCPT", "DATA", "QUIT"}
assert want <= verbs, (want - verbs, verbs)' "$TMP/all.json"
}

@test "smtp-postfix: DSN requests: RET, ENVID, NOTIFY and ORCPT" {
	check "dsn.$TAG" <<-'PY'
	m = p(one("MAIL"))
	assert one("MAIL")["path"] == "sato@example.co.jp"
	assert m["SIZE"].isdigit() and int(m["SIZE"]) > 0, m
	assert m["RET"] == "HDRS", m
	rcpts = every("RCPT")
	# in the order of Postfix's queue manager
	assert sorted(r["path"] for r in rcpts) == ["bucho110@example.co.jp",
	    "client@customer.example", "kacho111@example.co.jp"], rcpts
	for r in rcpts:
	    assert p(r)["NOTIFY"] == "SUCCESS,DELAY", r
	    assert p(r)["ORCPT"].startswith("rfc822;"), r
	PY
	# ENVID and ORCPT are xtext: decoded, they are what was asked for
	[ "$("$PROBE" xtext-decode "$(param "dsn.$TAG" MAIL ENVID)")" = "$ENVID" ]
	param "dsn.$TAG" RCPT ORCPT >"$TMP/orcpt"
	while read -r o; do
		"$PROBE" xtext-decode "${o#rfc822;}"
		echo
	done <"$TMP/orcpt" >"$TMP/orcpt.decoded"
	printf '%s\n' bucho110@example.co.jp client@customer.example \
	    kacho111@example.co.jp | diff - <(sort "$TMP/orcpt.decoded")
	same_body "dsn.$TAG"
}

@test "smtp-postfix: the null sender is read as the empty path" {
	check "null.$TAG" <<-'PY'
	assert one("MAIL")["path"] == "", one("MAIL")
	assert "BODY" not in p(one("MAIL")), one("MAIL")
	assert one("RCPT")["path"] == "sato@example.co.jp", one("RCPT")
	PY
	same_body "null.$TAG"
}

@test "smtp-postfix: an 8-bit body comes with BODY=8BITMIME" {
	check "8bit.$TAG" <<-'PY'
	assert p(one("MAIL"))["BODY"] == "8BITMIME", one("MAIL")
	PY
	same_body "8bit.$TAG"
}

@test "smtp-postfix: a UTF-8 address comes with SMTPUTF8" {
	check "utf8.$TAG" <<-'PY'
	m = one("MAIL")
	assert "SMTPUTF8" in p(m) and p(m)["SMTPUTF8"] is None, m
	r = one("RCPT")
	assert r["path"] == "顧客@customer.example", r
	# ORCPT of a UTF-8 address: utf-8-addr-xtext (RFC 6533 3), each
	# character outside ASCII's printables (and "+", "=", backslash) as
	# \x{HEX}
	want = "".join(ch if "!" <= ch <= "~" and ch not in "+=\\" else
	               "\\x{%X}" % ord(ch) for ch in r["path"])
	assert p(r)["ORCPT"] == "utf-8;" + want, (p(r), want)
	PY
	# and mp reads back the address from it
	o=$(param "utf8.$TAG" RCPT ORCPT)
	[ "$("$PROBE" orcpt "$o")" = 顧客@customer.example ]
	same_body "utf8.$TAG"
}

@test "smtp-postfix: lines that start with a dot come stuffed and are unstuffed" {
	check "dots.$TAG" <<-'PY'
	assert one("DATA")["params"] == [], one("DATA")
	PY
	# as Postfix sent them: a dot more before each
	grep -qx $'\.\.\r' "$TMP/dots.$TAG.data"
	grep -qx $'\.\.\.\r' "$TMP/dots.$TAG.data"
	grep -qx $'\.\.hidden\r' "$TMP/dots.$TAG.data"
	grep -qx $'\.\.\.\.three\r' "$TMP/dots.$TAG.data"
	same_body "dots.$TAG"
}

@test "smtp-postfix: XFORWARD tells of the SMTP AUTH client of the original session" {
	check "auth.$TAG" <<-'PY'
	x = {}
	for cmd in every("XFORWARD"):
	    x.update(p(cmd))
	for a in ("NAME", "ADDR", "PROTO", "HELO", "SOURCE"):
	    assert a in x, (a, x)
	assert x["ADDR"] == "127.0.0.1", x
	assert x["HELO"] == "client.example", x
	# the protocol as the queue file keeps it: the "A" of ESMTPA is
	# the Received field's alone
	assert x["PROTO"] == "ESMTP", x
	# 127.0.0.1 is one of Postfix's own addresses
	assert x["SOURCE"] == "LOCAL", x
	assert c.index(every("XFORWARD")[-1]) < c.index(one("MAIL"))
	assert p(one("MAIL"))["SIZE"].isdigit(), one("MAIL")
	PY
	# the session did log in: the message of IDENT was received so
	grep -q " $(param "auth.$TAG" XFORWARD IDENT): client=localhost\[127.0.0.1\], sasl_method=PLAIN, sasl_username=sato@example.co.jp\$" \
	    "$PF/maillog"
	same_body "auth.$TAG"
}

@test "smtp-postfix: a message from sendmail is forwarded as local" {
	check "null.$TAG" <<-'PY'
	x = p(one("XFORWARD"))
	assert x.get("SOURCE") == "LOCAL", x
	PY
}
