# postfix.bash - a private Postfix of the test's own, relaying to smtp-sink
#
# Debian's real Postfix, run as a second instance beside whatever the
# host runs: its own configuration and queue directories under DIR, an
# smtpd on a free port of 127.0.0.1, no local delivery, and every
# message relayed to smtp-sink on another free port, which keeps each
# in a file of its own.  Nothing listens on port 25 and nothing of
# /etc/postfix is read or changed.
#
# pf_missing - why a private Postfix cannot run here, or nothing: Postfix
#   and smtp-sink must be installed and we root (master(8) starts as
#   root and drops to mail_owner).  bats 1.8 cannot skip in setup_file:
#   there, return early when it says something.
# need_postfix - skip the test when pf_missing says something.
# pf_start DIR - set up DIR and start smtp-sink and master(8).  Before
#   it, the caller may set
#     PF_CONTENT_FILTER  content_filter of the submission smtpd
#     PF_MASTER_EXTRA    more master.cf lines (a pipe(8) service)
#     PF_MAIN_EXTRA      more main.cf lines
#   It sets PF_PORT (submission smtpd, with the content filter),
#   PF_REINJECT_PORT (an smtpd without it, where a filter hands mail
#   back) and PF_SENDMAIL (a sendmail(1) stand-in that does so: the
#   private instance's own sendmail would need DIR blessed in
#   /etc/postfix/main.cf when run by a filter user); export_environment
#   passes it to pipe(8) commands as SENDMAIL.
#
# pf_start is made of these, which test/lib/postfix-gate.bash uses to
# set up an instance of another shape:
# pf_free_port - a free TCP port of 127.0.0.1.
# pf_listening PORT... - whether every PORT of 127.0.0.1 takes a
#   connection.
# pf_dirs DIR - DIR's configuration, queue, data and smtp-sink
#   directories, reachable by the postfix user.
# pf_main_cf DIR SINK_PORT <LINES - DIR/etc/main.cf: what every private
#   instance has (no local delivery, everything relayed to smtp-sink on
#   SINK_PORT, a deferred message left for postqueue -f), then LINES,
#   which win over it.
# pf_master_cf DIR <LINES - DIR/etc/master.cf: LINES (the smtpd
#   services), then the services every instance needs.
# pf_launch DIR SINK_PORT BACKLOG SINK_OPT... - postfix check of DIR,
#   then smtp-sink -u postfix SINK_OPT... on SINK_PORT and master(8) in
#   the background, their pids in DIR/sink.pid and DIR/master.pid.
# pf_wait_up DIR CMD... - wait (up to 10 s) until CMD succeeds (the
#   instance listens); 1, with the start-up log, when master(8) exits
#   or the time is up.
#
# pf_stop DIR - stop master(8) and smtp-sink by their pids, and wait.
# pf_postqueue DIR ARG... - postqueue(1) of the private instance.
# pf_wait_sink DIR N - wait (up to 20 s) until smtp-sink holds N messages.
# pf_sink_files DIR - the messages smtp-sink holds, oldest first.
# pf_sink_find DIR PATTERN - wait (up to 20 s) for a message at
#   smtp-sink that matches the grep -E PATTERN; print its file name.
#   test/lib/smtptool.py arrived/same read such a file.
# pf_wait_queue DIR PATTERN - wait (up to 20 s) until postqueue -p
#   matches PATTERN.
# pf_log DIR MESSAGE-ID - wait (up to 20 s) until Postfix has logged
#   what became of the message with MESSAGE-ID (sent, bounced,
#   deferred); print those log lines.

PF_DAEMONS=/usr/lib/postfix/sbin

pf_missing() {
	if ! command -v postfix >/dev/null || [ ! -x "$PF_DAEMONS/master" ]; then
		echo "postfix is not installed (sh scripts/setup test)"
	elif ! command -v smtp-sink >/dev/null; then
		echo "smtp-sink is not installed (it comes with postfix)"
	elif [ "$(id -u)" -ne 0 ]; then
		echo "a private Postfix needs root"
	fi
}

need_postfix() {
	local why

	why=$(pf_missing)
	[ -z "$why" ] || skip "$why"
}

pf_free_port() {
	python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pf_listening() {
	python3 -c 'import socket, sys
for p in sys.argv[1:]:
    socket.create_connection(("127.0.0.1", int(p)), 1).close()' "$@" \
	    2>/dev/null
}

pf_dirs() {
	mkdir -p "$1/etc" "$1/spool" "$1/data" "$1/sink"
	chmod 755 "$1" "$1/etc"
	# smtp-sink drops to the postfix user to write its dumps
	chown postfix "$1/sink" "$1/data"
}

pf_main_cf() {
	{
		cat <<-EOF
		compatibility_level = 3.6
		queue_directory = $1/spool
		data_directory = $1/data
		daemon_directory = $PF_DAEMONS
		mail_owner = postfix
		setgid_group = postdrop
		syslog_name = mp-test-postfix
		maillog_file_prefixes = $1
		maillog_file = $1/maillog
		myhostname = mx.example.co.jp
		mydomain = example.co.jp
		myorigin = \$mydomain
		mydestination =
		local_recipient_maps =
		alias_maps =
		alias_database =
		inet_interfaces = 127.0.0.1
		inet_protocols = ipv4
		mynetworks = 127.0.0.0/8
		relayhost = [127.0.0.1]:$2
		smtp_tls_security_level = none
		smtpd_tls_security_level = none
		smtputf8_enable = no
		biff = no
		delay_warning_time = 0
		# a deferred message waits for postqueue -f, not for a retry timer
		queue_run_delay = 300s
		minimal_backoff_time = 300s
		maximal_backoff_time = 600s
		EOF
		cat
	} >"$1/etc/main.cf"
}

pf_master_cf() {
	{
		cat
		cat <<-EOF
		pickup    unix  n - n 60 1 pickup
		cleanup   unix  n - n - 0 cleanup
		qmgr      unix  n - n 300 1 qmgr
		rewrite   unix  - - n - - trivial-rewrite
		bounce    unix  - - n - 0 bounce
		defer     unix  - - n - 0 bounce
		trace     unix  - - n - 0 bounce
		verify    unix  - - n - 1 verify
		flush     unix  n - n 1000? 0 flush
		proxymap  unix  - - n - - proxymap
		smtp      unix  - - n - - smtp
		relay     unix  - - n - - smtp
		showq     unix  n - n - - showq
		error     unix  - - n - - error
		retry     unix  - - n - - error
		discard   unix  - - n - - discard
		anvil     unix  - - n - 1 anvil
		scache    unix  - - n - 1 scache
		postlog   unix-dgram n - n - 1 postlogd
		EOF
	} >"$1/etc/master.cf"
}

pf_launch() {
	local dir=$1 port=$2 backlog=$3

	shift 3
	postfix -c "$dir/etc" check >>"$dir/start.log" 2>&1 || {
		cat "$dir/start.log" >&2
		return 1
	}
	# no descriptor of bats may stay open in the servers
	smtp-sink -u postfix "$@" "127.0.0.1:$port" "$backlog" \
	    </dev/null >>"$dir/sink.log" 2>&1 3>&- &
	echo $! >"$dir/sink.pid"
	"$PF_DAEMONS/master" -c "$dir/etc" -d </dev/null \
	    >>"$dir/start.log" 2>&1 3>&- &
	echo $! >"$dir/master.pid"
}

pf_wait_up() {
	local dir=$1 i

	shift
	for i in $(seq 100); do
		"$@" && return 0
		kill -0 "$(cat "$dir/master.pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "postfix did not start ($i):" >&2
	cat "$dir/start.log" "$dir/maillog" >&2 2>/dev/null
	return 1
}

pf_start() {
	local dir=$1 sink_port

	pf_dirs "$dir"
	PF_PORT=$(pf_free_port)
	PF_REINJECT_PORT=$(pf_free_port)
	sink_port=$(pf_free_port)
	cp "$BATS_TEST_DIRNAME/lib/smtptool.py" "$dir/smtptool.py"
	printf '#!/bin/sh\nexec python3 %s/smtptool.py sendmail %s "$@"\n' \
	    "$dir" "$PF_REINJECT_PORT" >"$dir/sendmail"
	chmod 755 "$dir/sendmail"
	chmod 644 "$dir/smtptool.py"
	PF_SENDMAIL=$dir/sendmail
	# PF_MAIN_EXTRA last: Postfix takes the last of a setting
	pf_main_cf "$dir" "$sink_port" <<-EOF
	smtpd_relay_restrictions = permit_mynetworks, reject
	smtpd_authorized_xclient_hosts = 127.0.0.0/8
	export_environment = TZ MAIL_CONFIG LANG SENDMAIL=$dir/sendmail
	${PF_MAIN_EXTRA:-}
	EOF
	pf_master_cf "$dir" <<-EOF
	127.0.0.1:$PF_PORT inet n - n - - smtpd
	  -o content_filter=${PF_CONTENT_FILTER:-}
	127.0.0.1:$PF_REINJECT_PORT inet n - n - - smtpd
	  -o content_filter=
	  -o smtpd_authorized_xclient_hosts=
	${PF_MASTER_EXTRA:-}
	EOF
	pf_launch "$dir" "$sink_port" 64 -d "$dir/sink/%Y%m%d%H%M%S." || return 1
	pf_wait_up "$dir" pf_listening "$PF_PORT" "$PF_REINJECT_PORT" "$sink_port"
}

# pf_kill PIDFILE - stop one daemon by its pid, boundedly
pf_kill() {
	local pid

	[ -f "$1" ] || return 0
	pid=$(cat "$1")
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$1"
}

pf_stop() {
	[ -d "$1" ] || return 0
	# master(8) stops its children when it gets SIGTERM
	pf_kill "$1/master.pid"
	pf_kill "$1/sink.pid"
}

pf_postqueue() {
	local dir=$1

	shift
	postqueue -c "$dir/etc" "$@"
}

pf_sink_files() {
	find "$1/sink" -type f -printf '%T@ %p\n' | sort -n | cut -d' ' -f2-
}

pf_wait_sink() {
	for _ in $(seq 200); do
		[ "$(pf_sink_files "$1" | wc -l)" -ge "$2" ] && return 0
		sleep 0.1
	done
	echo "smtp-sink holds $(pf_sink_files "$1" | wc -l), not $2" >&2
	cat "$1/maillog" >&2
	return 1
}

pf_wait_queue() {
	for _ in $(seq 200); do
		pf_postqueue "$1" -p | grep -q -- "$2" && return 0
		sleep 0.1
	done
	pf_postqueue "$1" -p >&2
	cat "$1/maillog" >&2
	return 1
}

pf_sink_find() {
	local f

	for _ in $(seq 200); do
		f=$(grep -lE -- "$2" $(pf_sink_files "$1") /dev/null | head -n 1)
		if [ -n "$f" ]; then
			echo "$f"
			return 0
		fi
		sleep 0.1
	done
	echo "nothing at smtp-sink matches $2" >&2
	cat "$1/maillog" >&2
	return 1
}

pf_log() {
	local id

	for _ in $(seq 200); do
		id=$(sed -n "s/.* \([0-9A-F]*\): message-id=<$2>\$/\1/p" \
		    "$1/maillog" | head -n 1)
		if [ -n "$id" ] &&
		    grep -qE " $id: .* status=(sent|bounced|deferred)" "$1/maillog"; then
			grep -E " $id: .* status=" "$1/maillog"
			return 0
		fi
		sleep 0.1
	done
	echo "no outcome logged for <$2>" >&2
	cat "$1/maillog" >&2
	return 1
}
