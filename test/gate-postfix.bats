#!/usr/bin/env bats
# mp-gate in Debian's real Postfix, set up as mp-gate(8) shows it: the
# submission smtpd hands every message after the queue to mp-gate over
# LMTP (content_filter=mpgate:...), and mp-gate hands what passes to
# the re-injection smtpd; a second submission smtpd has mp-gate as its
# before-queue smtpd_proxy_filter.  A private instance
# (test/lib/postfix-gate.bash) relays everything to smtp-sink, whose
# dumps are compared with what was sent, byte for byte and envelope
# for envelope.  Postfix alone, through a third smtpd without a
# filter, is the measure of the envelope.
#
# mp.conf's rules act on the Subject, so one mp-gate serves every case:
# "reject-me", "bcc-me", "zip-me" (for external recipients) and
# "hold-me"; anything else passes.

load helper
load lib/postfix-gate
bats_require_minimum_version 1.5.0

REASON='Mail marked reject-me stays inside.'
SEVENZ=$(command -v 7zz || command -v 7z || true)

setup_file() {
	# without Postfix, setup skips each test
	[ -z "$(pf_missing)" ] || return 0
	pfg_suite_dir gate-postfix
	write_conf "$CONF" <<-EOF
	[domains]
	internal = example.co.jp
	[bccify]
	threshold = 3
	[zipenc]
	lang = en
	notice = $W/zip-notice.eml
	[hold]
	spool = $W/hold
	sendmail = /usr/sbin/sendmail -C $PF/etc -G -i
	[rule block]
	header.Subject = ^reject-me
	action = reject
	reason = $REASON
	reason.en = $REASON
	[rule bcc]
	header.Subject = ^bcc-me
	action = bccify
	[rule zip]
	header.Subject = ^zip-me
	action = zipenc
	for = external
	[rule wait]
	header.Subject = ^hold-me
	action = hold 30m
	EOF
	pfg_suite_start
}

teardown_file() {
	pfg_suite_stop
}

setup() {
	need_postfix
	setup_tmp
	# a test that stopped mp-gate and failed before it started it again
	[ -n "$(pfg_gate_pids "$PF")" ] || pfg_gate_start "$PF" "$CONF"
}

teardown() {
	# a test that broke the re-injection smtpd and failed before it
	# mended it
	if [ -e "$W/reinject-broken" ]; then
		pfg_reinject "$PF" permit_mynetworks,reject
		rm -f "$W/reinject-broken"
		pfg_gate_stop "$PF"
	fi
	teardown_tmp
}

# mail ID [SUBJECT] [FROM] - a message with the Message-ID <ID> into
# TMP/ID.eml, with a Date, so that Postfix adds nothing but Received
mail() {
	cat >"$TMP/$1.eml" <<-EOF
	From: ${3:-sato@example.co.jp}
	To: client@customer.example
	Cc: kacho111@example.co.jp
	Subject: ${2:-the estimate}
	Date: Mon, 1 Jun 2026 10:00:00 +0900
	Message-ID: <$1>
	MIME-Version: 1.0
	Content-Type: text/plain; charset=us-ascii

	Dear customer,
	.the estimate follows; a line that starts with a dot
	..and one with two

	Sato
	EOF
}

# unreceived FILE - FILE without the Received fields on top
unreceived() {
	awk 'top && /^[ \t]/ { next }
		top && /^[Rr]eceived:/ { next }
		{ top = 0; print }' top=1 "$1"
}

# one ID - the one dump at smtp-sink of <ID>; fails when there are more
one() {
	local f

	f=$(pfg_find "$PF" "$1") || { cat "$PF/gate.log" >&2; return 1; }
	[ "$(echo "$f" | wc -l)" -eq 1 ] || {
		echo "<$1> is at smtp-sink $(echo "$f" | wc -l) times" >&2
		return 1
	}
	echo "$f"
}

# none ID - after a second, still nothing at smtp-sink with
# Message-ID <ID>
none() {
	local f

	sleep 1
	for f in $(pf_sink_files "$PF"); do
		if pfg_head_has "$f" "$1"; then
			echo "<$1> is at smtp-sink: $f" >&2
			return 1
		fi
	done
}

# bounce_of ID RCPT - wait for the bounce Postfix sent RCPT about <ID>
# (from the null sender, quoting the message); print its dump
bounce_of() {
	local f

	for _ in $(seq 200); do
		for f in $(pf_sink_files "$PF"); do
			grep -qx 'X-Mail-Args: <>' "$f" &&
			    grep -q "^X-Rcpt-Args: <$2>" "$f" &&
			    grep -q "^Message-ID: <$1>" "$f" && {
				echo "$f"
				return 0
			}
		done
		sleep 0.1
	done
	echo "no bounce about <$1> to <$2> at smtp-sink" >&2
	cat "$PF/maillog" >&2
	return 1
}

# gate_log ID - wait (up to 20 s) for what Postfix logged of handing
# <ID> to mp-gate (the outcome: sent, bounced, deferred); print it
gate_log() {
	local q

	for _ in $(seq 200); do
		for q in $(sed -n "s/.* \([0-9A-F]*\): message-id=<$1>\$/\1/p" \
		    "$PF/maillog"); do
			grep -E " $q: .*, relay=127\.0\.0\.1\[127\.0\.0\.1\]:$PFG_GATE_PORT, .* status=" \
			    "$PF/maillog" && return 0
		done
		sleep 0.1
	done
	echo "no hand-over of <$1> to mp-gate logged" >&2
	cat "$PF/maillog" "$PF/gate.log" >&2
	return 1
}

# qid ID - Postfix's first queue id of <ID>
qid() {
	sed -n "s/.* \([0-9A-F]*\): message-id=<$1>\$/\1/p" "$PF/maillog" |
	    head -n 1
}

# qids_of TAG - Postfix's queue ids of the messages of pfg_flood's TAG,
# one a line
qids_of() {
	sed -n "s/.* \([0-9A-F]*\): message-id=<$1\.[0-9]*@load\.example>\$/\1/p" \
	    "$PF/maillog"
}

# wait_empty - wait (up to 60 s) until Postfix's queue is empty
wait_empty() {
	for _ in $(seq 600); do
		pf_postqueue "$PF" -p | grep -q '^Mail queue is empty' &&
		    return 0
		sleep 0.1
	done
	pf_postqueue "$PF" -p >&2
	return 1
}

@test "gate postfix: a message that passes arrives byte for byte, with the envelope Postfix alone gives it" {
	mail "pass.$$"
	run pfg_send "$PFG_PORT" sato@example.co.jp client@customer.example \
	    kacho111@example.co.jp <"$TMP/pass.$$.eml"
	[ "$status" -eq 0 ]
	gate_log "pass.$$" | grep -q ' status=sent '
	f=$(one "pass.$$")
	pfg_arrived "$f" | cmp - "$TMP/pass.$$.eml"
	# Postfix's Received fields: the submission smtpd's and the
	# re-injection smtpd's
	[ "$(sed '/^$/q' "$f" | grep -c $'^\tby mx\\.example\\.co\\.jp (Postfix) ')" -eq 2 ]
	# the same message through Postfix alone
	sed "s/^Message-ID: <pass/Message-ID: <plain/" "$TMP/pass.$$.eml" \
	    >"$TMP/plain.$$.eml"
	pfg_send "$PFG_PLAIN_PORT" sato@example.co.jp client@customer.example \
	    kacho111@example.co.jp <"$TMP/plain.$$.eml"
	g=$(one "plain.$$")
	pfg_arrived "$g" | cmp - "$TMP/plain.$$.eml"
	diff <(pfg_envelope "$g") <(pfg_envelope "$f")
}

@test "gate postfix: a rejected message comes back to the sender in a bounce with the reason" {
	mail "reject.$$" "reject-me: the figures"
	run pfg_send "$PFG_PORT" sato@example.co.jp client@customer.example \
	    <"$TMP/reject.$$.eml"
	# after the queue: Postfix took it
	[ "$status" -eq 0 ]
	gate_log "reject.$$" >"$TMP/log"
	grep -q " status=bounced (host 127.0.0.1\[127.0.0.1\] said: 550 5.7.1 .*$REASON " \
	    "$TMP/log"
	b=$(bounce_of "reject.$$" sato@example.co.jp)
	# the bounce folds the reply's lines
	tr -s ' \n' '  ' <"$b" | grep -q "said: 550 5.7.1 [^(]*$REASON (in reply to end of DATA command)"
	grep -q '^Diagnostic-Code: smtp; 550 5.7.1 ' "$b"
	none "reject.$$"
}

@test "gate postfix: bccify takes the external addresses out of To and Cc, as mp-bccify does, and every recipient gets it" {
	cat >"$TMP/bcc.$$.eml" <<-EOF
	From: sato@example.co.jp
	To: a@customer.example, b@customer.example, kacho111@example.co.jp
	Cc: c@other.example
	Subject: bcc-me: the seminar
	Date: Mon, 1 Jun 2026 10:00:00 +0900
	Message-ID: <bcc.$$>

	Dear all,
	the seminar is on Monday.
	EOF
	mp-bccify -c "$CONF" <"$TMP/bcc.$$.eml" >"$TMP/want"
	# the rewrite is a rewrite
	refute cmp -s "$TMP/want" "$TMP/bcc.$$.eml"
	pfg_send "$PFG_PORT" sato@example.co.jp a@customer.example \
	    b@customer.example kacho111@example.co.jp c@other.example \
	    <"$TMP/bcc.$$.eml"
	f=$(one "bcc.$$")
	pfg_arrived "$f" | cmp - "$TMP/want"
	grep '^X-Rcpt-Args: ' "$f" | cut -d' ' -f2 | sort >"$TMP/rcpts"
	printf '<%s>\n' a@customer.example b@customer.example c@other.example \
	    kacho111@example.co.jp | diff - "$TMP/rcpts"
}

@test "gate postfix: zipenc for external recipients only: the internal one gets the original, the external one the encrypted ZIP" {
	python3 "$BATS_TEST_DIRNAME/lib/mkmsg.py" "$TMP/zip.eml" \
	    --to client@customer.example --cc kacho111@example.co.jp \
	    --subject 'zip-me: the report' --body $'The report.\n' \
	    --attach report.pdf:30000:application/pdf
	# mkmsg.py names the Message-ID itself
	id=$(sed -n 's/^Message-ID: <\(.*\)>$/\1/p' "$TMP/zip.eml")
	pfg_send "$PFG_PORT" sato@example.co.jp client@customer.example \
	    kacho111@example.co.jp <"$TMP/zip.eml"
	pfg_find "$PF" "$id" >/dev/null
	# two transactions downstream, one recipient each
	for _ in $(seq 100); do
		[ "$(pfg_find "$PF" "$id" | wc -l)" -ge 2 ] && break
		sleep 0.1
	done
	pfg_find "$PF" "$id" >"$TMP/dumps"
	[ "$(wc -l <"$TMP/dumps")" -eq 2 ]
	inner=$(xargs grep -lx 'X-Rcpt-Args: <kacho111@example.co.jp>.*' <"$TMP/dumps")
	outer=$(xargs grep -lx 'X-Rcpt-Args: <client@customer.example>.*' <"$TMP/dumps")
	[ "$(grep -c '^X-Rcpt-Args: ' "$inner")" -eq 1 ]
	[ "$(grep -c '^X-Rcpt-Args: ' "$outer")" -eq 1 ]
	# the internal recipient: the original
	pfg_arrived "$inner" | cmp - "$TMP/zip.eml"
	# the external one: the PDF in an encrypted ZIP
	pfg_arrived "$outer" >"$TMP/outer.eml"
	python3 "$BATS_TEST_DIRNAME/lib/zipcheck.py" zip "$TMP/zip.eml" \
	    "$TMP/outer.eml" "$TMP/a.zip"
	[ -n "$SEVENZ" ] || skip "7-Zip is not installed (apt-get install 7zip)"
	"$SEVENZ" l -slt "$TMP/a.zip" >"$TMP/list"
	grep -qx 'Path = report.pdf' "$TMP/list"
	grep -qx 'Encrypted = +' "$TMP/list"
	refute grep -qx 'Encrypted = -' "$TMP/list"
	mkdir "$TMP/x"
	run "$SEVENZ" x -o"$TMP/x" -pnot-the-password "$TMP/a.zip"
	[ "$status" -ne 0 ]
	# the password of the notice to the sender opens it
	pw=$(sed -n 's/^Password: //p' "$W/zip-notice.eml")
	[ -n "$pw" ]
	rm -rf "$TMP/x"
	"$SEVENZ" x -o"$TMP/x" -p"$pw" "$TMP/a.zip" >/dev/null
	python3 -c 'import random, sys
assert open(sys.argv[1], "rb").read() == \
    random.Random("report.pdf").randbytes(30000), "not the attachment"' \
	    "$TMP/x/report.pdf"
}

@test "gate postfix: a held message is in mp-hold's spool, and nothing goes out" {
	mail "hold.$$" "hold-me: tomorrow's figures"
	pfg_send "$PFG_PORT" sato@example.co.jp client@customer.example \
	    kacho111@example.co.jp <"$TMP/hold.$$.eml"
	gate_log "hold.$$" >"$TMP/log"
	grep -Eq ' status=sent \(250 2\.0\.0 held as [0-9a-f]{32}\)' "$TMP/log"
	id=$(grep -Eo 'held as [0-9a-f]{32}' "$TMP/log" | head -n 1 | cut -d' ' -f3)
	mp-hold -c "$CONF" --list >"$TMP/list"
	awk -v id="$id" '$1 == id && $2 == "held"' "$TMP/list" | grep -q .
	# with its envelope and its bytes
	mp-hold -c "$CONF" --show "$id" --json | head -n 1 >"$TMP/entry.json"
	python3 -c 'import json, sys
e = json.load(open(sys.argv[1]))
assert e["sender"] == "sato@example.co.jp", e
assert sorted(e["recipients"]) == ["client@customer.example",
    "kacho111@example.co.jp"], e' "$TMP/entry.json"
	# as mp-gate got it: under the submission smtpd's Received field
	unreceived "$W/hold/$id/message" | cmp - "$TMP/hold.$$.eml"
	none "hold.$$"
}

@test "gate postfix: a SASL user who sends as someone else is rejected; as himself, he passes" {
	mail "other.$$" "the estimate" tanaka@example.co.jp
	run pfg_send "$PFG_PORT" --auth sato@example.co.jp tanaka@example.co.jp \
	    client@customer.example <"$TMP/other.$$.eml"
	[ "$status" -eq 0 ]
	gate_log "other.$$" | grep -q ' status=bounced (host 127.0.0.1\[127.0.0.1\] said: 550 5\.7\.1 '
	b=$(bounce_of "other.$$" tanaka@example.co.jp)
	grep -q '550 5\.7\.1 ' "$b"
	none "other.$$"
	# the same login, the same From, another envelope sender: still not
	mail "env.$$" "the estimate" sato@example.co.jp
	pfg_send "$PFG_PORT" --auth sato@example.co.jp tanaka@example.co.jp \
	    client@customer.example <"$TMP/env.$$.eml"
	gate_log "env.$$" | grep -q ' status=bounced (.* 550 5\.7\.1 '
	none "env.$$"
	# himself
	mail "self.$$"
	pfg_send "$PFG_PORT" --auth sato@example.co.jp sato@example.co.jp \
	    client@customer.example <"$TMP/self.$$.eml"
	f=$(one "self.$$")
	pfg_arrived "$f" | cmp - "$TMP/self.$$.eml"
	grep -q '(Authenticated sender: sato@example.co.jp)' "$f"
}

@test "gate postfix: a message from the null sender that is no report is rejected; a real bounce passes" {
	mail "null.$$" "the estimate" MAILER-DAEMON@example.co.jp
	pfg_send "$PFG_PORT" '' client@customer.example <"$TMP/null.$$.eml"
	gate_log "null.$$" | grep -q ' status=bounced (host 127.0.0.1\[127.0.0.1\] said: 550 5\.7\.1 '
	none "null.$$"
	# a real delivery status notification: Postfix's bounce of a
	# rejected message, sent again from the null sender
	mail "dsn.$$" "reject-me: to bounce"
	pfg_send "$PFG_PORT" sato@example.co.jp client@customer.example \
	    <"$TMP/dsn.$$.eml"
	b=$(bounce_of "dsn.$$" sato@example.co.jp)
	pfg_arrived "$b" >"$TMP/bounce.eml"
	grep -q '^Content-Type: multipart/report; report-type=delivery-status;' \
	    "$TMP/bounce.eml"
	bid=$(sed -n 's/^Message-ID: <\(.*\)>$/\1/Ip;/^$/q' "$TMP/bounce.eml")
	[ -n "$bid" ]
	pfg_send "$PFG_PORT" '' sato@example.co.jp <"$TMP/bounce.eml"
	gate_log "$bid" | grep -q ' status=sent '
	for _ in $(seq 100); do
		[ "$(pfg_find "$PF" "$bid" | wc -l)" -ge 2 ] && break
		sleep 0.1
	done
	pfg_find "$PF" "$bid" >"$TMP/dumps"
	[ "$(wc -l <"$TMP/dumps")" -eq 2 ]
	pfg_arrived "$(tail -n 1 "$TMP/dumps")" | cmp - "$TMP/bounce.eml"
	grep -qx 'X-Mail-Args: <>' "$(tail -n 1 "$TMP/dumps")"
}

@test "gate postfix: NOTIFY, ENVID, ORCPT and RET arrive as they do through Postfix alone" {
	mail "dsnp.$$"
	sed "s/^Message-ID: <dsnp/Message-ID: <dsnq/" "$TMP/dsnp.$$.eml" \
	    >"$TMP/dsnq.$$.eml"
	for id in "dsnp.$$:$PFG_PORT" "dsnq.$$:$PFG_PLAIN_PORT"; do
		pfg_send "${id#*:}" --mail-opt RET=HDRS \
		    --mail-opt "ENVID=mp-envid+2B$$" sato@example.co.jp \
		    'client@customer.example NOTIFY=SUCCESS,DELAY ORCPT=rfc822;Client+2BTag@customer.example' \
		    'kacho111@example.co.jp NOTIFY=NEVER' <"$TMP/${id%:*}.eml"
	done
	f=$(one "dsnp.$$")
	g=$(one "dsnq.$$")
	pfg_envelope "$f"
	pfg_envelope "$g"
	diff <(pfg_envelope "$g") <(pfg_envelope "$f")
	pfg_envelope "$f" >"$TMP/env"
	grep -qx "X-Mail-Args: <sato@example.co.jp> ENVID=mp-envid+2B$$ RET=HDRS" "$TMP/env"
	grep -qx 'X-Rcpt-Args: <client@customer.example> ORCPT=rfc822;Client+2BTag@customer.example NOTIFY=SUCCESS,DELAY' "$TMP/env"
	grep -qx 'X-Rcpt-Args: <kacho111@example.co.jp> ORCPT=rfc822;kacho111@example.co.jp NOTIFY=NEVER' "$TMP/env"
	pfg_arrived "$f" | cmp - "$TMP/dsnp.$$.eml"
}

@test "gate postfix: a held message keeps its DSN: released, it leaves through Postfix's sendmail with NOTIFY, ENVID and RET" {
	mail "dsnh.$$" "hold-me: with a receipt"
	pfg_send "$PFG_PORT" --mail-opt RET=HDRS \
	    --mail-opt "ENVID=mp-envid+2B$$" sato@example.co.jp \
	    'client@customer.example NOTIFY=SUCCESS,DELAY' \
	    'kacho111@example.co.jp NOTIFY=NEVER' <"$TMP/dsnh.$$.eml"
	gate_log "dsnh.$$" >"$TMP/log"
	id=$(grep -Eo 'held as [0-9a-f]{32}' "$TMP/log" | head -n 1 | cut -d' ' -f3)
	# kept with the entry: one delivery for each NOTIFY
	mp-hold -c "$CONF" --show "$id" --json | head -n 1 >"$TMP/entry.json"
	python3 -c 'import json, sys
e = json.load(open(sys.argv[1]))
assert e["dsn-ret"] == "HDRS" and e["dsn-envid"] == "mp-envid+" + sys.argv[2], e
assert [(d["recipients"], d["notify"]) for d in e["deliveries"]] == [
    (["client@customer.example"], "SUCCESS,DELAY"),
    (["kacho111@example.co.jp"], "NEVER")], e' "$TMP/entry.json" "$$"
	none "dsnh.$$"
	mp-hold -c "$CONF" --release "$id"
	mp-hold -c "$CONF" --run
	for _ in $(seq 100); do
		[ "$(pfg_find "$PF" "dsnh.$$" | wc -l)" -lt 2 ] || break
		sleep 0.1
	done
	files=$(pfg_find "$PF" "dsnh.$$")
	[ "$(echo "$files" | wc -l)" -eq 2 ]
	# shellcheck disable=SC2086 # file names of our own
	for f in $files; do
		pfg_envelope "$f"
		pfg_envelope "$f" | grep -qx "X-Mail-Args: <sato@example.co.jp> ENVID=mp-envid+2B$$ RET=HDRS"
		# the held bytes under mp-hold's trace field and the Received
		# field of the smtpd mp-gate had it from
		pfg_arrived "$f" | head -n 1 | grep -q '^X-MP-Hold: '
		pfg_arrived "$f" | sed 1d | unreceived /dev/stdin |
		    cmp - "$TMP/dsnh.$$.eml"
	done
	# shellcheck disable=SC2086
	cat $files | grep -qx 'X-Rcpt-Args: <client@customer.example> ORCPT=rfc822;client@customer.example NOTIFY=SUCCESS,DELAY'
	# shellcheck disable=SC2086
	cat $files | grep -qx 'X-Rcpt-Args: <kacho111@example.co.jp> ORCPT=rfc822;kacho111@example.co.jp NOTIFY=NEVER'
}

@test "gate postfix: a bad mp.conf keeps mp-gate from starting; Postfix defers, and delivers once after the fix" {
	pfg_gate_stop "$PF"
	cp "$CONF" "$TMP/bad.conf"
	printf '[gate]\nworkers = many\n' >>"$TMP/bad.conf"
	run pfg_gate_start "$PF" "$TMP/bad.conf"
	tail -n 3 "$PF/gate.log"
	[ "$status" -eq 78 ]
	# one line that names the key, the file and the line
	tail -n 1 "$PF/gate.log" |
	    grep -q "^mp-gate: .*\[gate\] workers: .*($TMP/bad.conf:[0-9]*)\$"
	refute pf_listening "$PFG_GATE_PORT"
	mail "conf.$$"
	pfg_send "$PFG_PORT" sato@example.co.jp client@customer.example \
	    <"$TMP/conf.$$.eml"
	pf_log "$PF" "conf.$$" |
	    grep -q " status=deferred (connect to 127\.0\.0\.1\[127\.0\.0\.1\]:$PFG_GATE_PORT: Connection refused)"
	q=$(qid "conf.$$")
	pf_postqueue "$PF" -p | grep -q "^${q}[*! ]"
	none "conf.$$"
	# the fix
	pfg_resume "$PF" "$CONF"
	f=$(one "conf.$$")
	pfg_arrived "$f" | cmp - "$TMP/conf.$$.eml"
	wait_empty
	one "conf.$$" >/dev/null
}

@test "gate postfix: mp-gate stopped under load: every one of 200 messages is delivered once" {
	tag=term$$
	# SIGTERM: the transactions in flight are finished, then it exits
	pfg_cut "$PF" "$tag" 200 stop
	pfg_resume "$PF" "$CONF"
	pfg_wait_count "$PF" "$tag" 200 120
	wait_empty
	got=$(pfg_count "$PF" "$tag")
	echo "at the end: $got"
	[ "$got" = "200 200" ]
	# no transaction was cut
	refute grep -q ' while sending end of data -- message may be sent more than once' \
	    <(grep -F "$(qids_of "$tag")" "$PF/maillog")
}

@test "gate postfix: mp-gate killed under load: every one of 200 messages is delivered, twice only where Postfix says it may be" {
	tag=kill$$
	# the master and every worker at once
	pfg_cut "$PF" "$tag" 200 kill
	grep -q 'status=deferred' "$PF/maillog"
	pf_postqueue "$PF" -p | grep -Eq 'in [0-9]+ Requests?\.$'
	pfg_resume "$PF" "$CONF"
	pfg_wait_count "$PF" "$tag" 200 120
	wait_empty
	got=$(pfg_count "$PF" "$tag")
	echo "at the end: $got"
	# none missing
	[ "${got%% *}" -eq 200 ]
	# A worker killed after the re-injection smtpd took the message and
	# before Postfix heard its reply: the message went on, and Postfix,
	# which cannot know, sends it again (RFC 1047; Postfix logs "may be
	# sent more than once").  Only those may be there twice, and at most
	# one per worker.
	cat "$PF"/sink/* | sed -n "s/^X-Load-Id: \($tag\.[0-9]*\)\$/\1/p" |
	    sort | uniq -c | awk '$1 > 1 { print $1, $2 }' >"$TMP/twice"
	cat "$TMP/twice"
	refute grep -qv '^2 ' "$TMP/twice"
	[ "$(wc -l <"$TMP/twice")" -le 10 ]
	while read -r _ id; do
		q=$(qid "$id@load.example")
		grep -q " $q: .* status=deferred (lost connection with 127\.0\.0\.1\[127\.0\.0\.1\] while sending end of data -- message may be sent more than once)" \
		    "$PF/maillog"
	done <"$TMP/twice"
}

@test "gate postfix: a re-injection smtpd that answers 4xx leaves the message deferred in Postfix's queue, delivered after the fault" {
	touch "$W/reinject-broken"
	pfg_reinject "$PF" defer
	# mp-gate's workers connect anew, to smtpds of the new configuration
	pfg_gate_stop "$PF"
	pfg_gate_start "$PF" "$CONF"
	mail "busy.$$"
	pfg_send "$PFG_PORT" sato@example.co.jp client@customer.example \
	    <"$TMP/busy.$$.eml"
	gate_log "busy.$$" >"$TMP/log"
	cat "$TMP/log"
	grep -q ' status=deferred (host 127.0.0.1\[127.0.0.1\] said: 4[0-9][0-9] ' "$TMP/log"
	q=$(qid "busy.$$")
	pf_postqueue "$PF" -p | grep -q "^${q}[*! ]"
	none "busy.$$"
	pfg_reinject "$PF" permit_mynetworks,reject
	rm "$W/reinject-broken"
	pfg_gate_stop "$PF"
	pfg_resume "$PF" "$CONF"
	f=$(one "busy.$$")
	pfg_arrived "$f" | cmp - "$TMP/busy.$$.eml"
	wait_empty
	one "busy.$$" >/dev/null
}

@test "gate postfix: before the queue, a message that passes arrives byte for byte" {
	mail "bq.$$"
	run pfg_send "$PFG_BQ_PORT" sato@example.co.jp client@customer.example \
	    kacho111@example.co.jp <"$TMP/bq.$$.eml"
	echo "$output"
	[ "$status" -eq 0 ]
	f=$(one "bq.$$")
	pfg_arrived "$f" | cmp - "$TMP/bq.$$.eml"
	[ "$(grep -c '^X-Rcpt-Args: ' "$f")" -eq 2 ]
}

@test "gate postfix: before the queue, a reject reaches the client at once as 550" {
	mail "bqr.$$" "reject-me: before the queue"
	run pfg_send "$PFG_BQ_PORT" sato@example.co.jp client@customer.example \
	    <"$TMP/bqr.$$.eml"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == "550 5.7.1 "*"$REASON"* ]]
	# nothing queued: no bounce, nothing at the sink
	refute grep -q "message-id=<bqr.$$>" "$PF/maillog"
	none "bqr.$$"
	refute grep -lq "bqr.$$" $(pf_sink_files "$PF") /dev/null
}

@test "gate postfix: before the queue, a SASL user who sends as someone else is refused at once; as himself, he passes" {
	# the login comes from the Received field the proxying smtpd writes
	# first, as after the queue
	mail "bqo.$$" "the estimate" tanaka@example.co.jp
	run pfg_send "$PFG_BQ_PORT" --auth sato@example.co.jp \
	    tanaka@example.co.jp client@customer.example <"$TMP/bqo.$$.eml"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == "550 5.7.1 "*"authenticated user"* ]]
	none "bqo.$$"
	mail "bqs.$$"
	run pfg_send "$PFG_BQ_PORT" --auth sato@example.co.jp \
	    sato@example.co.jp client@customer.example <"$TMP/bqs.$$.eml"
	echo "$output"
	[ "$status" -eq 0 ]
	f=$(one "bqs.$$")
	pfg_arrived "$f" | cmp - "$TMP/bqs.$$.eml"
}

@test "gate postfix: nothing is left running" {
	pfg_stop "$PF"
	run pfg_left "$W"
	echo "$output"
	[ -z "$output" ]
}
