#!/usr/bin/env bats
# mp-postfix-filter in Debian's real Postfix: a private instance (see
# test/lib/postfix.bash) whose submission smtpd hands every message to
# the filter through pipe(8), as mp(7) sets it up, with the filter and
# the tools of make install, run as nobody.  Messages go in with SMTP
# and come out at smtp-sink.

load helper
load lib/postfix

setup_file() {
	# without Postfix, setup skips each test
	[ -z "$(pf_missing)" ] || return 0
	umask 022
	W=$(mktemp -d "${BATS_TMPDIR:-/tmp}/mp-postfix.XXXXXX")
	# pipe(8) runs the filter as nobody: everything it reads is 755/644
	chmod 755 "$W"
	P=$W/p
	make -C "$ROOT" -o all install BUILD="$(dirname "$MP_BIN")" \
	    PREFIX="$P" STATEDIR="$W/state" >"$W/install.log" 2>&1 || {
		cat "$W/install.log" >&2
		return 1
	}
	CONF=$P/etc/mp/mp.conf
	cat >"$CONF" <<-EOF
	[domains]
	internal = example.co.jp
	semi-internal = group.example.jp
	[orgsync]
	org-conf = $P/etc/mp/org.conf
	dir = $W/state/org
	[ccguard]
	snapshot = $W/state/org/current
	EOF
	"$P/bin/mp-orgsync" -c "$CONF" "$TESTDATA/org/hr.csv" >/dev/null
	# mp(7)'s set-up, with the paths of this PREFIX
	PF_CONTENT_FILTER=mpfilter:dummy
	PF_MASTER_EXTRA="mpfilter unix - n n - 10 pipe
  flags=Rq user=nobody null_sender=
  argv=$P/share/mp/mp-postfix-filter -c $CONF --ccguard
    --login=\${sasl_username} -f \${sender} -- \${recipient}"
	PF=$W/pf
	pf_start "$PF" || { pf_stop "$PF"; return 1; }
	SMTP="python3 $BATS_TEST_DIRNAME/lib/smtptool.py"
	export W P CONF PF PF_PORT SMTP
}

teardown_file() {
	[ -n "${W:-}" ] || return 0
	pf_stop "$W/pf"
	rm -rf "$W"
}

setup() {
	need_postfix
	setup_tmp
	O=$TESTDATA/org/mail
}

teardown() {
	teardown_tmp
}

# mail FILE ID - FILE with the Message-ID <ID>, into $TMP/ID.eml
mail() {
	sed "s/^Message-ID: .*/Message-ID: <$2>/" "$1" >"$TMP/$2.eml"
}

@test "postfix: a message that passes arrives as it was sent" {
	mail "$O/01-member-cc-section-head.eml" pass.$$
	$SMTP submit "$PF_PORT" --login sato@example.co.jp sato@example.co.jp \
	    client@customer.example kacho111@example.co.jp <"$TMP/pass.$$.eml"
	f=$(pf_sink_find "$PF" "^Message-ID: <pass.$$>")
	$SMTP same "$TMP/pass.$$.eml" "$f"
	grep -qx 'X-Mail-Args: <sato@example.co.jp>' "$f"
	[ "$(grep -c '^X-Rcpt-Args: ' "$f")" -eq 2 ]
	pf_log "$PF" "pass.$$" | grep -q 'status=sent'
}

@test "postfix: a refusal returns the message to the sender with the reason" {
	mail "$O/06-colleague-not-superior.eml" refuse.$$
	$SMTP submit "$PF_PORT" --login sato@example.co.jp sato@example.co.jp \
	    client@customer.example ito@example.co.jp <"$TMP/refuse.$$.eml"
	pf_log "$PF" "refuse.$$" >"$TMP/log"
	grep -q 'dsn=5.7.1, status=bounced (refused by mp-ccguard: refuse reason=no-superior sender=sato@example.co.jp' "$TMP/log"
	# the bounce, to the envelope sender, says why
	f=$(pf_sink_find "$PF" "^Message-ID: <refuse.$$>")
	grep -qx 'X-Mail-Args: <>' "$f"
	grep -qx 'X-Rcpt-Args: <sato@example.co.jp>.*' "$f"
	grep -qx 'Status: 5.7.1' "$f"
	grep -q 'refused by mp-ccguard: refuse reason=no-superior' "$f"
	grep -q 'superiors=kacho111@example.co.jp,bucho110@example.co.jp' "$f"
	# and nothing went out to the recipients
	[ "$(grep -l "refuse.$$" $(pf_sink_files "$PF") | wc -l)" -eq 1 ]
}

@test "postfix: the SMTP AUTH login is checked, not the envelope sender or From" {
	# sato, logged in, as the president in MAIL FROM: refused
	mail "$O/06-colleague-not-superior.eml" forged.$$
	$SMTP submit "$PF_PORT" --login sato@example.co.jp \
	    president@example.co.jp client@customer.example <"$TMP/forged.$$.eml"
	pf_log "$PF" "forged.$$" | grep -q 'dsn=5.7.1, status=bounced (refused by mp-ccguard: refuse reason=no-superior sender=sato@example.co.jp'
	# the president, logged in, passes with sato's mail
	mail "$O/06-colleague-not-superior.eml" boss.$$
	$SMTP submit "$PF_PORT" --login president@example.co.jp \
	    sato@example.co.jp client@customer.example <"$TMP/boss.$$.eml"
	f=$(pf_sink_find "$PF" "^Message-ID: <boss.$$>")
	$SMTP same "$TMP/boss.$$.eml" "$f"
}

@test "postfix: a null sender without a login is checked by From" {
	mail "$O/06-colleague-not-superior.eml" null.$$
	$SMTP submit "$PF_PORT" '' client@customer.example <"$TMP/null.$$.eml"
	pf_log "$PF" "null.$$" | grep -q 'dsn=5.7.1, status=bounced (refused by mp-ccguard: refuse reason=no-superior sender=sato@example.co.jp'
	mail "$O/01-member-cc-section-head.eml" nullok.$$
	$SMTP submit "$PF_PORT" '' client@customer.example <"$TMP/nullok.$$.eml"
	f=$(pf_sink_find "$PF" "^Message-ID: <nullok.$$>")
	grep -qx 'X-Mail-Args: <>' "$f"
	$SMTP same "$TMP/nullok.$$.eml" "$f"
}

@test "postfix: a long external list leaves To and Cc; every recipient gets it" {
	python3 - "$TMP/many.eml" "many.$$" <<-'PY'
	import sys
	from email.message import EmailMessage
	m = EmailMessage()
	m["From"] = "sato@example.co.jp"
	m["To"] = ", ".join(f"c{i}@customer{i}.example" for i in range(12))
	m["Cc"] = "kacho111@example.co.jp"
	m["Subject"] = "to twelve customers"
	m["Message-ID"] = f"<{sys.argv[2]}>"
	m.set_content("Dear customers,\n")
	open(sys.argv[1], "wb").write(bytes(m))
	PY
	rcpts=$(for i in $(seq 0 11); do echo "c$i@customer$i.example"; done)
	$SMTP submit "$PF_PORT" --login sato@example.co.jp sato@example.co.jp \
	    $rcpts kacho111@example.co.jp <"$TMP/many.eml"
	f=$(pf_sink_find "$PF" "^Message-ID: <many.$$>")
	pf_log "$PF" "many.$$" | grep -q 'status=sent'
	# every recipient, in the envelope; none of the customers in the header
	for r in $rcpts kacho111@example.co.jp; do
		grep -h "^X-Rcpt-Args: <$r>" $(grep -l "many.$$" $(pf_sink_files "$PF")) |
		    grep -q . || { echo "no $r"; false; }
	done
	$SMTP arrived "$f" >"$TMP/got"
	refute grep -q 'customer[0-9]*[.]example' <(sed '/^$/q' "$TMP/got")
	grep -qx 'Cc: kacho111@example.co.jp' "$TMP/got"
	grep -qx 'X-MP-Bccify: moved=12' "$TMP/got"
	# and the body as it was
	[ "$(sed '1,/^$/d' "$TMP/got")" = "Dear customers," ]
}

@test "postfix: no org snapshot defers the message; restored, it is delivered" {
	mv "$W/state/org/current" "$W/state/current"
	mail "$O/01-member-cc-section-head.eml" defer.$$
	$SMTP submit "$PF_PORT" --login sato@example.co.jp sato@example.co.jp \
	    client@customer.example <"$TMP/defer.$$.eml"
	pf_log "$PF" "defer.$$" >"$TMP/log" || {
		mv "$W/state/current" "$W/state/org/current"
		false
	}
	mv "$W/state/current" "$W/state/org/current"
	grep -q 'dsn=4.3.0, status=deferred (mp-ccguard failed (exit 75)' "$TMP/log"
	id=$(sed -n 's/.* \([0-9A-F]*\): to=.*/\1/p' "$TMP/log" | head -n 1)
	# in the queue, with the reason
	pf_postqueue "$PF" -p >"$TMP/q"
	grep -q "^$id " "$TMP/q"
	grep -q 'mp-ccguard failed (exit 75)' "$TMP/q"
	refute grep -q "defer.$$" $(pf_sink_files "$PF") /dev/null
	# the snapshot is back: a flush delivers it
	pf_postqueue "$PF" -f
	f=$(pf_sink_find "$PF" "^Message-ID: <defer.$$>")
	$SMTP same "$TMP/defer.$$.eml" "$f"
	refute grep -q "^$id " <(pf_postqueue "$PF" -p)
}
