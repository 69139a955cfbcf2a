#!/usr/bin/env bats
# mp-hold in Debian's real Postfix, set up as mp-hold(1) shows it: the
# submission smtpd hands every message to mp-hold through pipe(8), run
# as the unprivileged user that owns the spool; `mp-hold --run`, as
# that user, gives it back to Postfix with Postfix's own sendmail(1),
# through pickup(8), which has no content filter.  A private instance
# (test/lib/postfix.bash), relaying to smtp-sink.
#
# The set-up under test (the paths are this test's):
#
#   master.cf
#     127.0.0.1:PORT inet n - n - - smtpd
#       -o content_filter=mphold:dummy
#     mphold unix - n n - 10 pipe
#       flags=Rq user=nobody null_sender=
#       argv=/PREFIX/bin/mp-hold -c /PREFIX/etc/mp/mp.conf
#         -f ${sender} -- ${recipient}
#   mp.conf
#     [hold]
#     spool = SPOOL        (install -d -o nobody -m 700 SPOOL)
#     sendmail = /usr/sbin/sendmail -C CONFIG_DIR -G -i
#
# The instance's configuration directory is not /etc/postfix: sendmail
# run by a user other than root takes -C only for a directory that the
# default main.cf names in alternate_config_directories.  This host has
# no /etc/postfix/main.cf, and the test changes nothing of /etc: each
# `mp-hold` of the spool's user runs in a mount namespace of its own
# where a main.cf that says so is mounted over /etc/postfix.  On a
# server with one Postfix that is /etc/postfix, the default sendmail
# ("/usr/sbin/sendmail -G -i") needs none of it.
#
# No loop: the content filter is the submission smtpd's alone, and what
# mp-hold hands back comes in through pickup(8).  (A content_filter in
# main.cf instead would hold inbound mail too, and loop unless pickup
# gets "-o content_filter=".)  null_sender= keeps a bounce's <> from
# becoming MAILER-DAEMON in ${sender}.

load helper
load lib/postfix

# hold_ns_missing - why the spool's user cannot run the private
# instance's sendmail here, or nothing
hold_ns_missing() {
	unshare -m sh -c 'mount --bind "$0" /etc/postfix' "$1" 2>&1 ||
	    echo "no mount namespace (unshare -m) to bless $1"
}

setup_file() {
	# without Postfix, setup skips each test
	[ -z "$(pf_missing)" ] || return 0
	umask 022
	W=$(mktemp -d "${BATS_TMPDIR:-/tmp}/mp-hold-postfix.XXXXXX")
	# pipe(8) runs mp-hold as nobody: the path to it is 755
	chmod 755 "$W"
	P=$W/p
	PF=$W/pf
	make -C "$ROOT" -o all install BUILD="$(dirname "$MP_BIN")" \
	    PREFIX="$P" STATEDIR="$W/state" >"$W/install.log" 2>&1 || {
		cat "$W/install.log" >&2
		return 1
	}
	# the spool and the notices' Maildir, the spool user's alone
	SPOOL=$W/spool
	install -d -o nobody -m 700 "$SPOOL"
	install -d -o nobody -m 700 "$W/notices" "$W/notices/tmp" \
	    "$W/notices/new" "$W/notices/cur"
	CONF=$P/etc/mp/mp.conf
	cat >"$CONF" <<-EOF
	[domains]
	internal = example.co.jp
	[hold]
	spool = $SPOOL
	sendmail = /usr/sbin/sendmail -C $PF/etc -G -i
	notice-maildir = $W/notices
	base-url = https://mail.example.co.jp/hold/
	EOF
	# what /etc/postfix is for the spool's user: the instance blessed
	mkdir "$W/etc-postfix"
	printf 'alternate_config_directories = %s\n' "$PF/etc" \
	    >"$W/etc-postfix/main.cf"
	HOLD_NS_MISSING=$(hold_ns_missing "$W/etc-postfix")
	# mp-hold(1)'s set-up, with the paths of this PREFIX
	PF_CONTENT_FILTER=mphold:dummy
	PF_MASTER_EXTRA="mphold unix - n n - 10 pipe
  flags=Rq user=nobody null_sender=
  argv=$P/bin/mp-hold -c $CONF -f \${sender} -- \${recipient}"
	pf_start "$PF" || { pf_stop "$PF"; return 1; }
	SMTP="python3 $BATS_TEST_DIRNAME/lib/smtptool.py"
	export W P PF CONF SPOOL PF_PORT SMTP HOLD_NS_MISSING
}

teardown_file() {
	[ -n "${W:-}" ] || return 0
	pf_stop "$W/pf"
	rm -rf "$W"
}

setup() {
	need_postfix
	[ -z "$HOLD_NS_MISSING" ] || skip "$HOLD_NS_MISSING"
	setup_tmp
}

teardown() {
	teardown_tmp
}

# hold ARG... - mp-hold as the spool's user, with the environment of a
# cron job, in a mount namespace where /etc/postfix blesses the
# instance's configuration directory
hold() {
	unshare -m sh -c 'mount --bind "$0" /etc/postfix && exec "$@"' \
	    "$W/etc-postfix" setpriv --reuid=nobody --regid="$(id -g nobody)" \
	    --clear-groups env -i PATH=/usr/bin:/bin \
	    "$P/bin/mp-hold" -c "$CONF" "$@"
}

# later - the time of a --run after the 5 minutes of hold-time
later() {
	date -d '+6 min' -Iseconds
}

# mail ID [FROM] - a message with the Message-ID <ID> into $TMP/ID.eml,
# with a Date, so that Postfix adds nothing but Received
mail() {
	cat >"$TMP/$1.eml" <<-EOF
	From: ${2:-sato@example.co.jp}
	To: client@customer.example
	Cc: kacho111@example.co.jp
	Subject: the estimate
	Date: Mon, 1 Jun 2026 10:00:00 +0900
	Message-ID: <$1>
	MIME-Version: 1.0
	Content-Type: text/plain; charset=us-ascii

	Dear customer,
	the estimate follows.
	EOF
}

# queued ID - wait until pipe(8) has given <ID> to mp-hold; print the
# entry's id (pipe(8) logs what mp-hold printed)
queued() {
	local f

	pf_log "$PF" "$1" >"$TMP/log.queue"
	grep -q 'relay=mphold, .* status=sent (delivered via mphold service ' \
	    "$TMP/log.queue" || { cat "$TMP/log.queue" >&2; return 1; }
	f=$(entries "$1")
	[ "$(echo "$f" | wc -l)" -eq 1 ]
	echo "$f"
}

# entries ID - the ids of the spool's entries that hold <ID>
entries() {
	grep -rlx --include=message -- "Message-ID: <$1>" "$SPOOL" |
	    while read -r f; do basename "$(dirname "$f")"; done
}

# qids ID - Postfix's queue ids of the messages with the Message-ID
# <ID>, as cleanup(8) took them in
qids() {
	sed -n "s/.* \([0-9A-F]*\): message-id=<$1>\$/\1/p" "$PF/maillog"
}

# wait_log PATTERN - wait (up to 20 s) until the maillog matches the
# grep -E PATTERN
wait_log() {
	for _ in $(seq 200); do
		grep -qE -- "$1" "$PF/maillog" && return 0
		sleep 0.1
	done
	echo "not in the maillog: $1" >&2
	cat "$PF/maillog" >&2
	return 1
}

# delivered ID - wait until the second queue id of <ID> (the one
# sendmail handed in) is sent on and removed; print that queue id
delivered() {
	local q

	for _ in $(seq 200); do
		q=$(qids "$1" | sed -n 2p)
		[ -n "$q" ] && grep -q " $q: removed\$" "$PF/maillog" && {
			echo "$q"
			return 0
		}
		sleep 0.1
	done
	echo "<$1> was not handed back to Postfix" >&2
	cat "$PF/maillog" >&2
	return 1
}

# at_sink ID - the smtp-sink dumps of <ID>, however many
at_sink() {
	grep -l "^Message-ID: <$1>\$" $(pf_sink_files "$PF") /dev/null || true
}

# sent_as SENT DUMP - the message in DUMP is SENT byte for byte but for
# the Received fields Postfix adds and mp-hold's X-MP-Hold
sent_as() {
	$SMTP arrived "$2" | awk '
		body { print; next }
		/^$/ { body = 1; print; next }
		/^[ \t]/ { if (!drop) print; next }
		{ drop = tolower($0) ~ /^(received|x-mp-hold):/ }
		!drop { print }' >"$TMP/got"
	cmp "$1" "$TMP/got"
}

# state ID - the entry's state, as --list says it
state() {
	hold --list | awk -v id="$1" '$1 == id { print $2 }'
}

@test "hold postfix: a submitted message is held, then --run sends it as it was sent" {
	mail held.$$
	$SMTP submit "$PF_PORT" sato@example.co.jp \
	    client@customer.example kacho111@example.co.jp <"$TMP/held.$$.eml"
	id=$(queued "held.$$")
	[[ $id =~ ^[0-9a-f]{32}$ ]]
	[ "$(state "$id")" = held ]
	# the sender is told, with the link
	n=$(grep -lE "^https://mail[.]example[.]co[.]jp/hold/$id/[0-9a-f]{32}\$" \
	    "$W"/notices/new/*)
	grep -qx 'To: sato@example.co.jp' "$n"
	# nothing has gone out, and the run before the time sends nothing
	[ -z "$(at_sink "held.$$")" ]
	run hold --run
	[ "$status" -eq 0 ]
	[ "$(state "$id")" = held ]
	# when the time is up
	run hold --run --now "$(later)"
	[ "$status" -eq 0 ]
	[ "$(state "$id")" = sent ]
	delivered "held.$$" >/dev/null
	f=$(pf_sink_find "$PF" "^Message-ID: <held.$$>")
	sent_as "$TMP/held.$$.eml" "$f"
	# the envelope as it came, and the trace of the hold
	grep -qx 'X-Mail-Args: <sato@example.co.jp>' "$f"
	grep '^X-Rcpt-Args: ' "$f" | cut -d' ' -f2 | sort >"$TMP/rcpts"
	printf '%s\n' '<client@customer.example>' '<kacho111@example.co.jp>' |
	    cmp - "$TMP/rcpts"
	[ "$(grep -c "^X-MP-Hold: id=$id; mode=hold; by=timer\$" "$f")" -eq 1 ]
}

@test "hold postfix: what mp-hold hands back is not held again" {
	mail loop.$$
	$SMTP submit "$PF_PORT" sato@example.co.jp client@customer.example \
	    <"$TMP/loop.$$.eml"
	id=$(queued "loop.$$")
	hold --run --now "$(later)" >/dev/null
	q=$(delivered "loop.$$")
	# sendmail's copy came through pickup and went to the relay, not to
	# the mphold transport
	grep -qE " $q: uid=$(id -u nobody) from=<sato@example.co.jp>" "$PF/maillog"
	grep -qE " $q: to=<client@customer.example>, relay=127\.0\.0\.1.* status=sent" \
	    "$PF/maillog"
	refute grep -qE " $q: .*relay=mphold" "$PF/maillog"
	# once at the sink, one entry in the spool, two queue ids in all
	[ "$(at_sink "loop.$$" | wc -l)" -eq 1 ]
	[ "$(entries "loop.$$" | wc -l)" -eq 1 ]
	[ "$(qids "loop.$$" | wc -l)" -eq 2 ]
	# and later runs send nothing more
	hold --run --now "$(date -d '+1 hour' -Iseconds)" >/dev/null
	sleep 1
	[ "$(at_sink "loop.$$" | wc -l)" -eq 1 ]
	[ "$(qids "loop.$$" | wc -l)" -eq 2 ]
	[ "$(state "$id")" = sent ]
}

@test "hold postfix: a message from the null sender leaves with the null sender" {
	mail null.$$ MAILER-DAEMON@customer.example
	$SMTP submit "$PF_PORT" '' sato@example.co.jp <"$TMP/null.$$.eml"
	id=$(queued "null.$$")
	# pipe(8)'s null_sender= gave mp-hold an empty sender
	hold --show "$id" --json | head -n 1 >"$TMP/entry.json"
	python3 -c 'import json, sys
assert json.load(open(sys.argv[1]))["sender"] == "", "not the null sender"' \
	    "$TMP/entry.json"
	hold --run --now "$(later)" >/dev/null
	q=$(delivered "null.$$")
	# sendmail -f "<>" is the null sender to Postfix
	grep -q " $q: uid=$(id -u nobody) from=<>\$" "$PF/maillog"
	f=$(pf_sink_find "$PF" "^Message-ID: <null.$$>")
	grep -qx 'X-Mail-Args: <>' "$f"
	grep -q '^X-Rcpt-Args: <sato@example.co.jp>' "$f"
	sent_as "$TMP/null.$$.eml" "$f"
}

@test "hold postfix: a spool mp-hold cannot write defers the message; fixed, a flush holds it" {
	chmod 500 "$SPOOL"
	mail defer.$$
	$SMTP submit "$PF_PORT" sato@example.co.jp client@customer.example \
	    <"$TMP/defer.$$.eml" || { chmod 700 "$SPOOL"; false; }
	pf_log "$PF" "defer.$$" >"$TMP/log" || { chmod 700 "$SPOOL"; false; }
	chmod 700 "$SPOOL"
	grep -q 'relay=mphold, .* status=deferred' "$TMP/log"
	refute grep -q 'status=bounced' "$TMP/log"
	q=$(qids "defer.$$" | head -n 1)
	# in Postfix's queue, deferred, with mp-hold's reason
	pf_postqueue "$PF" -p >"$TMP/q"
	grep -q "^$q " "$TMP/q"
	grep -q 'Permission denied' "$TMP/q"
	[ -z "$(entries "defer.$$")" ]
	# the spool is back: a flush gives it to mp-hold, which holds it
	pf_postqueue "$PF" -f
	wait_log " $q: to=<client@customer.example>, relay=mphold, .* status=sent"
	id=$(entries "defer.$$")
	[ "$(state "$id")" = held ]
	refute grep -q "^$q " <(pf_postqueue "$PF" -p)
	[ -z "$(at_sink "defer.$$")" ]
	# and sends it when the time is up
	hold --run --now "$(later)" >/dev/null
	f=$(pf_sink_find "$PF" "^Message-ID: <defer.$$>")
	sent_as "$TMP/defer.$$.eml" "$f"
}

@test "hold postfix: --release sends a held message at once" {
	mail release.$$
	$SMTP submit "$PF_PORT" sato@example.co.jp client@customer.example \
	    kacho111@example.co.jp <"$TMP/release.$$.eml"
	id=$(queued "release.$$")
	[ -z "$(at_sink "release.$$")" ]
	# no --run: the release itself hands it to sendmail
	run hold --release "$id"
	[ "$status" -eq 0 ]
	[ "$(state "$id")" = sent ]
	delivered "release.$$" >/dev/null
	f=$(pf_sink_find "$PF" "^Message-ID: <release.$$>")
	sent_as "$TMP/release.$$.eml" "$f"
	grep -qx 'X-Mail-Args: <sato@example.co.jp>' "$f"
	[ "$(grep -c '^X-Rcpt-Args: ' "$f")" -eq 2 ]
	grep -q "^X-MP-Hold: id=$id; mode=hold; by=" "$f"
	# the time that was set sends nothing more
	hold --run --now "$(later)" >/dev/null
	sleep 1
	[ "$(at_sink "release.$$" | wc -l)" -eq 1 ]
	[ "$(qids "release.$$" | wc -l)" -eq 2 ]
}
