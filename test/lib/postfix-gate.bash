# postfix-gate.bash - a private Postfix with mp-gate as its content filter
#
# Debian's real Postfix, as a second instance beside whatever the host
# runs (the way test/lib/postfix.bash sets one up: its own
# configuration and queue directories under DIR, smtpds on free ports
# of 127.0.0.1, nothing of /etc/postfix read or changed), with the
# master.cf of mp-gate(8) and mp(7), and Postfix's smtp-sink as the
# internet (relayhost = [127.0.0.1]:SINK).  One instance has both
# shapes of the set-up and a way in without a filter:
#
#   127.0.0.1:PFG_PORT inet n - n - - smtpd       (after-queue)
#     -o content_filter=mpgate:[127.0.0.1]:PFG_GATE_PORT
#   127.0.0.1:PFG_BQ_PORT inet n - n - - smtpd    (before-queue)
#     -o smtpd_proxy_filter=127.0.0.1:PFG_GATE_PORT
#     -o smtpd_client_connection_count_limit=10
#   127.0.0.1:PFG_PLAIN_PORT inet n - n - - smtpd (no filter)
#     -o content_filter=
#   mpgate unix - - n - 10 lmtp
#     -o lmtp_send_xforward_command=yes -o disable_dns_lookups=yes
#     -o max_use=20
#   127.0.0.1:PFG_NEXT_PORT inet n - n - - smtpd  (where mp-gate hands
#     -o content_filter= ...                       mail back)
#
# The submission smtpds take SMTP AUTH (Cyrus SASL asking a stand-in for
# saslauthd(8) over its socket: every user, the password
# PFG_SASL_PASSWORD) and say who logged in in their Received field
# (smtpd_sasl_authenticated_header = yes), which is how mp-gate learns
# the user after the queue.
#
# It loads test/lib/postfix.bash, whose pf_missing, need_postfix,
# pf_free_port, pf_listening, pf_kill, pf_postqueue, pf_sink_files,
# pf_log and pf_wait_queue work on DIR as they do on that instance's,
# and test/lib/saslauthd.bash.
#
# pfg_suite_dir NAME - for a suite's setup_file: umask 022, and the
#   suite's work directory W (mp-NAME.XXXXXX in BATS_TMPDIR, 755: the
#   smtpds reach the SASL socket in it), PF=W/pf for the instance and
#   CONF=W/mp.conf for mp-gate, which the suite then writes.
# pfg_suite_start - export W, PF and CONF, pfg_start PF (PFG_SINK_ALL
#   applies) and pfg_gate_start PF CONF; when either fails, stop what
#   started and return 1.
# pfg_suite_stop - for teardown_file: pfg_stop W/pf and remove W;
#   nothing when the suite made no W.
# pfg_start DIR - set up DIR, start the stand-in saslauthd, smtp-sink and
#   master(8); mp-gate is not started.  Sets and exports PFG_PORT,
#   PFG_BQ_PORT, PFG_PLAIN_PORT, PFG_NEXT_PORT, PFG_GATE_PORT and
#   PFG_SINK_PORT.  With PFG_SINK_ALL=yes smtp-sink appends every
#   message to DIR/sink/all (smtp-sink -D: no file names to collide
#   under load), else one file each in DIR/sink (-d).
# pfg_stop DIR - stop mp-gate, master(8), smtp-sink and the stand-in
#   saslauthd, each by its pid, and wait for them.
# pfg_gate_start DIR CONF [ARG...] - start $MP_BIN/mp-gate -c CONF
#   --listen 127.0.0.1:PFG_GATE_PORT --next 127.0.0.1:PFG_NEXT_PORT
#   --log-stderr ARG...
#   in the background (its log lines to DIR/gate.log) and wait (10 s)
#   until it listens.  Returns mp-gate's exit status when it exits
#   instead, 1 when it neither listens nor exits.
# pfg_gate_stop DIR - SIGTERM to mp-gate, waited for (10 s), then
#   SIGKILL to whatever of it is left; returns 1 when it had to kill.
# pfg_gate_kill DIR - SIGKILL to mp-gate's master and every worker at
#   once.
# pfg_gate_pids DIR - mp-gate's master and its workers, one pid a line.
# pfg_left DIR - the processes whose command line names DIR (pgrep -a):
#   what pfg_stop must not leave behind.
# pfg_send PORT [--auth USER] [--mail-opt PARAM]... SENDER RCPT... <MESSAGE
#   - one SMTP transaction (smtplib, LF made CR LF), printing the reply
#   to the end of DATA (or the refusal) as "CODE TEXT"; exits 0 on 250,
#   1 else.  --auth logs in as USER with PFG_SASL_PASSWORD.  SENDER ''
#   is the null sender; RCPT may carry its parameters after a space:
#   'a@example.jp NOTIFY=NEVER'.
# pfg_flood PORT N CONNS TAG - N small messages over CONNS connections at
#   once, each with "Message-ID: <TAG.I@load.example>" and "X-Load-Id:
#   TAG.I" (I from 1 to N); exits 1 when any is refused.
# pfg_find DIR ID - wait (20 s) for the smtp-sink dumps whose own header
#   (not a bounce quoting it) has Message-ID <ID>; print their names.
# pfg_arrived DUMP - the message in an smtp-sink dump as it left the
#   sender: without smtp-sink's lines and the Received fields Postfix
#   and smtp-sink put on top.
# pfg_envelope DUMP - the envelope smtp-sink recorded: the MAIL and RCPT
#   arguments, with SIZE=N (the queue file's size) taken out.
# pfg_count DIR TAG - of the X-Load-Id TAG.I lines at smtp-sink, print
#   "DISTINCT TOTAL".
# pfg_wait_count DIR TAG N SECONDS - wait until smtp-sink holds N
#   distinct messages of TAG; 1 when it does not in time.
# pfg_reinject DIR RESTRICTIONS - the re-injection smtpd's
#   smtpd_recipient_restrictions set to RESTRICTIONS (postconf -P) and
#   master(8) told to read master.cf again (SIGHUP).  An smtpd keeps
#   the configuration it started with for as long as its client stays,
#   and each of mp-gate's workers keeps its connection: start mp-gate
#   again for the change to reach it.
# pfg_cut DIR TAG N HOW - pfg_flood of N messages of TAG into PFG_PORT
#   over 10 connections in the background, and mp-gate stopped
#   (HOW stop: pfg_gate_stop) or killed (HOW kill: pfg_gate_kill) once
#   20 are at smtp-sink.  Fails unless Postfix took every message, fewer
#   than N were at smtp-sink at the cut and mp-gate listens no more
#   (refute is test/helper.bash's).
# pfg_resume DIR CONF - pfg_gate_start DIR CONF, then postqueue -f: what
#   waited in Postfix's queue for mp-gate goes to it now.

# shellcheck source=test/lib/postfix.bash
. "$BATS_TEST_DIRNAME/lib/postfix.bash"
# shellcheck source=test/lib/saslauthd.bash
. "$BATS_TEST_DIRNAME/lib/saslauthd.bash"

PFG_SASL_PASSWORD=the-test-password

# pfg_up DIR - whether the instance of DIR and its saslauthd listen
pfg_up() {
	[ -e "$1/sasl/mux.ready" ] &&
	    pf_listening "$PFG_PORT" "$PFG_BQ_PORT" "$PFG_PLAIN_PORT" \
	    "$PFG_NEXT_PORT" "$PFG_SINK_PORT"
}

pfg_start() {
	local dir=$1 dump

	pf_dirs "$dir"
	mkdir -p "$dir/etc/sasl" "$dir/sasl"
	chmod 755 "$dir/sasl"
	PFG_PORT=$(pf_free_port)
	PFG_BQ_PORT=$(pf_free_port)
	PFG_PLAIN_PORT=$(pf_free_port)
	PFG_NEXT_PORT=$(pf_free_port)
	PFG_GATE_PORT=$(pf_free_port)
	PFG_SINK_PORT=$(pf_free_port)
	export PFG_PORT PFG_BQ_PORT PFG_PLAIN_PORT PFG_NEXT_PORT \
	    PFG_GATE_PORT PFG_SINK_PORT
	saslauthd_stub "$dir/sasl" "$PFG_SASL_PASSWORD" </dev/null \
	    >"$dir/saslauthd.log" 2>&1 3>&- &
	echo $! >"$dir/saslauthd.pid"
	# Debian's Postfix has Cyrus SASL read smtpd.conf from the sasl
	# directory of its configuration directory
	cat >"$dir/etc/sasl/smtpd.conf" <<-EOF
	pwcheck_method: saslauthd
	saslauthd_path: $dir/sasl/mux
	mech_list: PLAIN LOGIN
	EOF
	pf_main_cf "$dir" "$PFG_SINK_PORT" <<-EOF
	smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject
	smtpd_sasl_type = cyrus
	smtpd_sasl_path = smtpd
	smtpd_sasl_authenticated_header = yes
	${PFG_MAIN_EXTRA:-}
	EOF
	pf_master_cf "$dir" <<-EOF
	127.0.0.1:$PFG_PORT inet n - n - - smtpd
	  -o content_filter=mpgate:[127.0.0.1]:$PFG_GATE_PORT
	  -o smtpd_sasl_auth_enable=yes
	127.0.0.1:$PFG_BQ_PORT inet n - n - - smtpd
	  -o smtpd_proxy_filter=127.0.0.1:$PFG_GATE_PORT
	  -o smtpd_client_connection_count_limit=10
	  -o smtpd_sasl_auth_enable=yes
	127.0.0.1:$PFG_PLAIN_PORT inet n - n - - smtpd
	  -o content_filter=
	  -o smtpd_sasl_auth_enable=yes
	mpgate    unix  -       -       n       -       10      lmtp
	  -o lmtp_send_xforward_command=yes
	  -o disable_dns_lookups=yes
	  -o max_use=20
	127.0.0.1:$PFG_NEXT_PORT inet n  -       n       -       -       smtpd
	  -o content_filter=
	  -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks,no_milters
	  -o smtpd_helo_restrictions=
	  -o smtpd_client_restrictions=
	  -o smtpd_sender_restrictions=
	  -o smtpd_relay_restrictions=
	  -o smtpd_recipient_restrictions=permit_mynetworks,reject
	  -o mynetworks=127.0.0.0/8
	  -o smtpd_authorized_xforward_hosts=127.0.0.0/8
	EOF
	if [ "${PFG_SINK_ALL:-}" = yes ]; then
		dump=(-D "$dir/sink/all")
	else
		dump=(-d "$dir/sink/%Y%m%d%H%M%S.")
	fi
	pf_launch "$dir" "$PFG_SINK_PORT" 256 "${dump[@]}" || return 1
	pf_wait_up "$dir" pfg_up "$dir" || {
		cat "$dir/saslauthd.log" >&2 2>/dev/null
		return 1
	}
}

pfg_stop() {
	[ -d "$1" ] || return 0
	pfg_gate_stop "$1" || true
	# master(8) and smtp-sink
	pf_stop "$1"
	pf_kill "$1/saslauthd.pid"
}

pfg_gate_start() {
	local dir=$1 conf=$2 pid status

	shift 2
	"$MP_BIN/mp-gate" -c "$conf" --listen "127.0.0.1:$PFG_GATE_PORT" \
	    --next "127.0.0.1:$PFG_NEXT_PORT" --log-stderr "$@" </dev/null \
	    >>"$dir/gate.log" 2>&1 3>&- &
	pid=$!
	echo "$pid" >"$dir/gate.pid"
	for _ in $(seq 100); do
		if ! kill -0 "$pid" 2>/dev/null; then
			status=0
			wait "$pid" || status=$?
			rm -f "$dir/gate.pid"
			return "$status"
		fi
		pf_listening "$PFG_GATE_PORT" && return 0
		sleep 0.1
	done
	echo "mp-gate neither listens nor exits:" >&2
	cat "$dir/gate.log" >&2
	return 1
}

pfg_gate_pids() {
	local pid

	[ -f "$1/gate.pid" ] || return 0
	pid=$(cat "$1/gate.pid")
	kill -0 "$pid" 2>/dev/null || return 0
	echo "$pid"
	pgrep -P "$pid" || true
}

pfg_gate_stop() {
	local pid pids

	[ -f "$1/gate.pid" ] || return 0
	pid=$(cat "$1/gate.pid")
	pids=$(pfg_gate_pids "$1")
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$1/gate.pid"
	# the workers too: SIGTERM is to leave none behind
	# shellcheck disable=SC2086 # a list of pids
	if [ -n "$pids" ] && kill -0 $pids 2>/dev/null; then
		echo "mp-gate did not stop in 10 s: $(ps -o pid=,args= -p "${pids//$'\n'/,}")" >&2
		kill -9 $pids 2>/dev/null || true
		return 1
	fi
	return 0
}

pfg_gate_kill() {
	local pids

	pids=$(pfg_gate_pids "$1")
	[ -n "$pids" ] || return 1
	# shellcheck disable=SC2086 # a list of pids
	kill -9 $pids
	rm -f "$1/gate.pid"
}

pfg_left() {
	pgrep -af -- "$1" || true
}

# the program of pfg_send: standard input is the message
PFG_SEND_PY='
import os, smtplib, sys
a = sys.argv[1:]
port, a = int(a[0]), a[1:]
auth, mopts = None, []
while a and a[0].startswith("--"):
    if a[0] == "--auth":
        auth = a[1]
    elif a[0] == "--mail-opt":
        mopts.append(a[1])
    else:
        sys.exit("pfg_send: unknown option " + a[0])
    a = a[2:]
sender, rcpts = a[0], a[1:]
data = sys.stdin.buffer.read().replace(b"\r\n", b"\n")
data = data.replace(b"\n", b"\r\n")
def said(code, msg):
    print(code, msg.decode("utf-8", "replace").replace("\n", " "))
    sys.exit(0 if code == 250 else 1)
with smtplib.SMTP("127.0.0.1", port, timeout=120) as s:
    s.ehlo("client.example")
    if auth is not None:
        s.login(auth, os.environ["PFG_SASL_PASSWORD"])
    code, msg = s.mail(sender, mopts)
    if code != 250:
        said(code, msg)
    for r in rcpts:
        code, msg = s.rcpt(r.split()[0], r.split()[1:])
        if code not in (250, 251):
            said(code, msg)
    code, msg = s.data(data)
    said(code, msg)
'

pfg_send() {
	PFG_SASL_PASSWORD=$PFG_SASL_PASSWORD python3 -c "$PFG_SEND_PY" "$@"
}

pfg_flood() {
	python3 - "$@" <<-'PY'
	import smtplib, sys, threading
	port, n, conns, tag = int(sys.argv[1]), int(sys.argv[2]), \
	    int(sys.argv[3]), sys.argv[4]
	failed = []
	def one(k):
	    try:
	        with smtplib.SMTP("127.0.0.1", port, timeout=120) as s:
	            for i in range(k + 1, n + 1, conns):
	                msg = ("From: sato@example.co.jp\r\n"
	                       "To: client@customer.example\r\n"
	                       "Subject: load %d\r\n"
	                       "Date: Mon, 1 Jun 2026 10:00:00 +0900\r\n"
	                       "Message-ID: <%s.%d@load.example>\r\n"
	                       "X-Load-Id: %s.%d\r\n"
	                       "\r\n"
	                       "Message %d of %d.\r\n" %
	                       (i, tag, i, tag, i, i, n)).encode()
	                s.sendmail("sato@example.co.jp",
	                           ["client@customer.example"], msg)
	    except (OSError, smtplib.SMTPException) as e:
	        failed.append(repr(e))
	ts = [threading.Thread(target=one, args=(k,)) for k in range(conns)]
	for t in ts:
	    t.start()
	for t in ts:
	    t.join()
	for f in failed:
	    print("pfg_flood:", f, file=sys.stderr)
	sys.exit(1 if failed else 0)
	PY
}

# pfg_head_has DUMP ID - whether the message in the smtp-sink dump has
# Message-ID <ID> in its own header
pfg_head_has() {
	awk -v want="<$2>" '
		/^$/ { exit 1 }
		tolower($1) == "message-id:" && $2 == want { found = 1; exit 0 }
		END { exit !found }' "$1"
}

pfg_find() {
	local f found

	for _ in $(seq 200); do
		found=
		for f in $(pf_sink_files "$1"); do
			pfg_head_has "$f" "$2" && found="$found $f"
		done
		if [ -n "$found" ]; then
			# shellcheck disable=SC2086 # file names of our own
			printf '%s\n' $found
			return 0
		fi
		sleep 0.1
	done
	echo "nothing at smtp-sink with Message-ID <$2>" >&2
	cat "$1/maillog" >&2
	return 1
}

pfg_arrived() {
	awk '
		body { print; next }
		NR == 1 || top {
			# smtp-sink'"'"'s own lines, then the Received fields on top
			if ($0 ~ /^X-(Client-Addr|Client-Proto|Helo-Args|Mail-Args|Rcpt-Args): /) { top = 1; next }
			if ($0 ~ /^[Rr]eceived:/) { top = 1; inrcv = 1; next }
			if (inrcv && $0 ~ /^[ \t]/) next
			top = 0; inrcv = 0
		}
		/^$/ { body = 1 }
		{ print }' "$1" | sed '$d'
}

pfg_envelope() {
	sed -n '/^X-Mail-Args: /{s/ SIZE=[0-9]*//;p};/^X-Rcpt-Args: /p;/^$/q' "$1"
}

pfg_count() {
	cat "$1"/sink/* 2>/dev/null | sed -n "s/^X-Load-Id: \\($2\\.[0-9]*\\)\$/\\1/p" |
	    awk '!seen[$0]++ { d++ } END { print d + 0, NR }'
}

pfg_wait_count() {
	local got

	for _ in $(seq $(($4 * 10))); do
		got=$(pfg_count "$1" "$2")
		[ "${got%% *}" -ge "$3" ] && return 0
		sleep 0.1
	done
	echo "smtp-sink holds ${got%% *} distinct messages of $2, not $3" >&2
	return 1
}

pfg_reinject() {
	postconf -c "$1/etc" -P \
	    "127.0.0.1:$PFG_NEXT_PORT/inet/smtpd_recipient_restrictions=$2"
	kill -HUP "$(cat "$1/master.pid")"
}

pfg_suite_dir() {
	umask 022
	W=$(mktemp -d "${BATS_TMPDIR:-/tmp}/mp-$1.XXXXXX")
	chmod 755 "$W"
	PF=$W/pf
	CONF=$W/mp.conf
}

pfg_suite_start() {
	export W PF CONF
	pfg_start "$PF" || { pfg_stop "$PF"; return 1; }
	pfg_gate_start "$PF" "$CONF" || {
		cat "$PF/gate.log" >&2
		pfg_stop "$PF"
		return 1
	}
}

pfg_suite_stop() {
	[ -n "${W:-}" ] || return 0
	pfg_stop "$W/pf"
	rm -rf "$W"
}

pfg_cut() {
	local dir=$1 tag=$2 n=$3 how=$4 flood got

	pfg_flood "$PFG_PORT" "$n" 10 "$tag" 2>"$dir/flood.err" &
	flood=$!
	pfg_wait_count "$dir" "$tag" 20 60
	"pfg_gate_$how" "$dir"
	got=$(pfg_count "$dir" "$tag")
	echo "at the $how: $got"
	wait "$flood" || { cat "$dir/flood.err"; false; }
	# the cut was in the flow, not after it
	[ "${got%% *}" -lt "$n" ]
	refute pf_listening "$PFG_GATE_PORT"
}

pfg_resume() {
	pfg_gate_start "$1" "$2"
	pf_postqueue "$1" -f
}
