#!/usr/bin/env bats
# bench-gate.bats - the gate benchmark runs end to end on a few messages
# and prints well-formed figures for each of its set-ups; the benchmark
# itself (2,000 messages) is `make bench-gate`.

load helper
bats_require_minimum_version 1.5.0

setup() {
	setup_tmp
	command -v python3 >/dev/null 2>&1 || skip "no python3"
	before=$(stat -c %Y "$ROOT/bench-data/gate-summary.md" 2>/dev/null || echo none)
}

teardown() {
	teardown_tmp
}

# need_peers - skip without what the benchmark runs: Postfix, root and
# amavisd-new
need_peers() {
	if ! command -v postfix >/dev/null 2>&1 ||
	    [ ! -x /usr/lib/postfix/sbin/master ]; then
		skip "postfix is not installed"
	fi
	[ -x /usr/sbin/amavisd ] || skip "amavisd-new is not installed"
	[ "$(id -u)" -eq 0 ] || skip "a private Postfix needs root"
}

# section HEADING - the output's table under the line that begins with
# HEADING, up to the blank line after it
section() {
	awk -v h="$1" 'index($0, h) == 1 { on = 1; next }
	    on && $0 == "" { exit } on' <<<"$output"
}

# figure LABEL RATIO - the output has the throughput row LABEL: seconds,
# messages per second, latency and what it adds in milliseconds, and
# the ratio RATIO (a regular expression)
figure() {
	local line num='[0-9]+\.[0-9]{3}' re

	line=$(section "Gate: " | grep -F -- "  $1 ") || {
		echo "no row: $1" >&2
		return 1
	}
	re="^  .{40} +$num +[0-9]+ +[0-9]+\.[0-9] +[-+][0-9]+\.[0-9] +$2\$"
	[[ "$line" =~ $re ]] || {
		echo "not well-formed: $line" >&2
		return 1
	}
}

# memory LABEL - the memory row LABEL: RSS and PSS in MB, above 0, and
# the number of workers, above 0
memory() {
	local line re='^  .{40} +[0-9]+\.[0-9] +[0-9]+\.[0-9] +[1-9][0-9]*$'

	line=$(section "Memory per worker" | grep -F -- "  $1 ") || {
		echo "no row: $1" >&2
		return 1
	}
	[[ "$line" =~ $re ]] && [[ ! "$line" =~ \ 0\.0\  ]] || {
		echo "not well-formed: $line" >&2
		return 1
	}
}

# cpu LABEL [filter] - the CPU row LABEL: the machine's milliseconds per
# message, above 0, and its busy share, above 0 and at most 100 per
# cent; with a filter, the filter's own milliseconds per message, below
# the machine's, and the ceiling, a ratio
cpu() {
	local line num='[0-9]+\.[0-9]{2}' pc='[0-9]+\.[0-9]' re

	line=$(section "CPU over the timed run" | grep -F -- "  $1 ") || {
		echo "no row: $1" >&2
		return 1
	}
	if [ -z "${2-}" ]; then
		re="^  .{40} +($num) +($pc)\$"
	else
		re="^  .{40} +($num) +($pc) +($num) +[0-9]+\\.[0-9]{3}x\$"
	fi
	[[ "$line" =~ $re ]] &&
	    awk -v c="${BASH_REMATCH[1]}" -v b="${BASH_REMATCH[2]}" \
	    -v o="${BASH_REMATCH[3]:-0}" \
	    'BEGIN { exit !(c > 0 && b > 0 && b <= 100 && o < c) }' || {
		echo "not well-formed or out of range: $line" >&2
		return 1
	}
}

@test "bench-gate: usage errors" {
	run sh "$ROOT/scripts/bench-gate"
	[ "$status" -eq 64 ]
	[[ "$output" == *"usage: scripts/bench-gate BINDIR [N]"* ]]
	for n in abc 0 012 -5; do
		run sh "$ROOT/scripts/bench-gate" "$MP_BIN" "$n"
		[ "$status" -eq 64 ]
	done
	run sh "$ROOT/scripts/bench-gate" "$MP_BIN" 1 2
	[ "$status" -eq 64 ]
	MP_BENCH_CONNS=x run sh "$ROOT/scripts/bench-gate" "$MP_BIN" 3
	[ "$status" -eq 1 ]
	[[ "$output" == *"MP_BENCH_CONNS=x: not a number above 0"* ]]
	run sh "$ROOT/scripts/bench-gate" "$TMP/none" 3
	[ "$status" -eq 69 ]
}

@test "bench-gate: Postfix alone, with mp-gate and with amavisd-new, every figure printed" {
	need_peers
	# Postfix's daemons and amavisd-new walk to the queue in it
	chmod 755 "$TMP"
	amavisds=$(pgrep -c -f '^/usr/sbin/amavisd' || true)
	TMPDIR=$TMP MP_BENCH_ROUNDS=3 MP_BENCH_CONNS=4 \
	    run sh "$ROOT/scripts/bench-gate" "$MP_BIN" 12
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"messages: 12 (12 by test/lib/mkmsg.py, mean "* ]]
	[[ "$output" == *"Gate: 12 messages, 4 connections (best of 1); latency: median of 3 single messages"* ]]
	figure "Postfix alone (no filter)" '1\.000x'
	figure "Postfix + mp-gate (header rules)" '[0-9]+\.[0-9]{3}x'
	figure "Postfix + amavisd-new (no virus/spam)" '[0-9]+\.[0-9]{3}x'
	figure "Postfix + mp-gate before the queue" '[0-9]+\.[0-9]{3}x'
	memory "mp-gate worker"
	memory "amavisd-new child"
	cpu "Postfix alone (no filter)"
	cpu "Postfix + mp-gate (header rules)" filter
	cpu "Postfix + amavisd-new (no virus/spam)" filter
	cpu "Postfix + mp-gate before the queue" filter
	# the tables: each its head and four rows
	[ "$(grep -c '^| ' <<<"$output")" -eq 10 ]
	grep -Eq '^\| Postfix \+ `mp-gate`, header rules \| [0-9.]+ \| [0-9]+ \| [0-9.]+ \| [-+][0-9.]+ \| [0-9.]+x \| [0-9.]+ / [0-9.]+ \|$' <<<"$output"
	grep -Eq '^\| Postfix alone \| [0-9]+\.[0-9]{2} \| [0-9]+\.[0-9]% \| \| \|$' <<<"$output"
	grep -Eq '^\| Postfix \+ `mp-gate`, header rules \| [0-9]+\.[0-9]{2} \| [0-9]+\.[0-9]% \| [0-9]+\.[0-9]{2} \| [0-9]+\.[0-9]{3}x \|$' <<<"$output"
	# a small run's figures are not the benchmark's: the file is untouched
	[ "$(stat -c %Y "$ROOT/bench-data/gate-summary.md" 2>/dev/null || echo none)" = "$before" ]
	# every server stopped, the private queue removed
	[ -z "$(ls "$TMP")" ]
	refute pgrep -f "$TMP/"
	[ "$(pgrep -c -f '^/usr/sbin/amavisd' || true)" -eq "$amavisds" ]
}
