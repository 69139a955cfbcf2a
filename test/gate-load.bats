#!/usr/bin/env bats
# Load through Debian's real Postfix, in one run: 2,000 messages through
# the submission smtpd whose content filter is mp-gate (after the
# queue, over LMTP, back through the re-injection smtpd), and 2,000
# through an smtpd without a filter, each over 10 connections at once.
# Every message must reach smtp-sink exactly once, in bounded time.  A
# private instance (test/lib/postfix-gate.bash); smtp-sink appends
# every message to one file, counted by its X-Load-Id.

load helper
load lib/postfix-gate
bats_require_minimum_version 1.5.0

# messages per run, connections, and the seconds each run may take
LOAD_N=2000
LOAD_CONNS=10
LOAD_SECONDS=300

setup_file() {
	# without Postfix, setup skips each test
	[ -z "$(pf_missing)" ] || return 0
	pfg_suite_dir gate-load
	# a policy of header rules only, none of which matches the load
	write_conf "$CONF" <<-EOF
	[domains]
	internal = example.co.jp
	[rule block]
	header.Subject = ^reject-me
	action = reject
	reason = Mail marked reject-me stays inside.
	EOF
	PFG_SINK_ALL=yes pfg_suite_start
}

teardown_file() {
	pfg_suite_stop
}

setup() {
	need_postfix
}

# load PORT TAG - LOAD_N messages of TAG into PORT; wait until each is at
# smtp-sink and Postfix's queue is empty; every one there once
load_run() {
	local t0 t1 got

	t0=$(date +%s)
	timeout "$LOAD_SECONDS" bash -c 'pfg_flood "$@"' _ "$1" "$LOAD_N" \
	    "$LOAD_CONNS" "$2"
	pfg_wait_count "$PF" "$2" "$LOAD_N" "$LOAD_SECONDS"
	for _ in $(seq 600); do
		pf_postqueue "$PF" -p | grep -q '^Mail queue is empty' && break
		sleep 0.1
	done
	t1=$(date +%s)
	got=$(pfg_count "$PF" "$2")
	echo "# $2: $LOAD_N messages in $((t1 - t0)) s; at smtp-sink: $got (distinct, in all)" >&3
	[ "$got" = "$LOAD_N $LOAD_N" ]
	pf_postqueue "$PF" -p | grep -q '^Mail queue is empty'
}

@test "gate load: 2,000 messages through Postfix and mp-gate and 2,000 through Postfix alone, each delivered once" {
	export -f pfg_flood
	load_run "$PFG_PORT" "gate$$"
	load_run "$PFG_PLAIN_PORT" "plain$$"
	# the first went through mp-gate, the second did not
	[ "$(grep -c " relay=127\.0\.0\.1\[127\.0\.0\.1\]:$PFG_GATE_PORT, .* status=sent " \
	    "$PF/maillog")" -eq "$LOAD_N" ]
	# and nothing bounced or is waiting
	refute grep -q ' status=bounced ' "$PF/maillog"
	refute grep -q ' status=deferred ' "$PF/maillog"
}

@test "gate load: nothing is left running" {
	pfg_stop "$PF"
	run pfg_left "$W"
	echo "$output"
	[ -z "$output" ]
}
