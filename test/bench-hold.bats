#!/usr/bin/env bats
# bench-hold.bats - the hold benchmark runs end to end on a few messages
# and prints well-formed figures, against either peer; the benchmark
# itself (10,000 messages) is `make bench-hold`.

load helper
bats_require_minimum_version 1.5.0

setup() {
	setup_tmp
	command -v python3 >/dev/null 2>&1 || skip "no python3"
	before=$(stat -c %Y "$ROOT/bench-data/hold-summary.md" 2>/dev/null || echo none)
}

teardown() {
	teardown_tmp
}

# figure LABEL [RATIO] - the output has the row LABEL with seconds,
# messages per second and milliseconds per message, and the ratio RATIO
# (a regular expression) when given
figure() {
	local line num='[0-9]+\.[0-9]{3}' re

	line=$(grep -F -- "  $1 " <<<"$output") || {
		echo "no row: $1" >&2
		return 1
	}
	re="^  .{46} +$num +[0-9]+ +$num"
	if [ -n "${2:-}" ]; then
		re="$re +$2\$"
	else
		re="$re\$"
	fi
	[[ "$line" =~ $re ]] || {
		echo "not well-formed: $line" >&2
		return 1
	}
}

@test "bench-hold: usage errors" {
	run sh "$ROOT/scripts/bench-hold"
	[ "$status" -eq 64 ]
	[[ "$output" == *"usage: scripts/bench-hold BINDIR [N]"* ]]
	for n in abc 0 012 -5; do
		run sh "$ROOT/scripts/bench-hold" "$MP_BIN" "$n"
		[ "$status" -eq 64 ]
	done
	run sh "$ROOT/scripts/bench-hold" "$MP_BIN" 1 2
	[ "$status" -eq 64 ]
	MP_BENCH_PEER=exim run sh "$ROOT/scripts/bench-hold" "$MP_BIN" 3
	[ "$status" -eq 1 ]
	[[ "$output" == *"MP_BENCH_PEER=exim: not postfix or cp"* ]]
}

@test "bench-hold: cp + rename as the peer, every figure printed" {
	TMPDIR=$TMP MP_BENCH_PEER=cp run sh "$ROOT/scripts/bench-hold" "$MP_BIN" 12
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"messages: 12 by test/lib/mkmsg.py, mean "* ]]
	[[ "$output" == *"Hold: 12 messages"* ]]
	figure "mp-hold, queue (one process per message)" '[0-9]+\.[0-9]{3}x'
	figure "mp-hold --run, deliver all" '[0-9]+\.[0-9]{3}x'
	figure "cp + rename (the peer, 2 processes a message)" '1\.000x'
	refute grep -q postsuper <<<"$output"
	# the table: its head and three figures
	[ "$(grep -c '^| ' <<<"$output")" -eq 4 ]
	grep -Eq '^\| `cp` \+ `mv` of each file \| [0-9.]+ \| [0-9]+ \| 1\.000x \|$' <<<"$output"
	# a small run's figures are not the benchmark's: the file is untouched
	[ "$(stat -c %Y "$ROOT/bench-data/hold-summary.md" 2>/dev/null || echo none)" = "$before" ]
	# nothing left behind
	[ -z "$(ls "$TMP")" ]
}

@test "bench-hold: Postfix's postsuper as the peer, every figure printed" {
	if ! command -v postsuper >/dev/null 2>&1 ||
	    [ ! -x /usr/lib/postfix/sbin/master ]; then
		skip "postfix is not installed"
	fi
	[ "$(id -u)" -eq 0 ] || skip "postsuper needs root"
	# Postfix's daemons, as the postfix user, walk to the queue in it
	chmod 755 "$TMP"
	TMPDIR=$TMP run sh "$ROOT/scripts/bench-hold" "$MP_BIN" 12
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"peer: Postfix "*", a private queue: 12 messages in over SMTP"* ]]
	figure "mp-hold, queue (one process per message)" '[0-9]+\.[0-9]{3}x'
	figure "mp-hold --run, deliver all" '[0-9]+\.[0-9]{3}x'
	figure "postsuper -h ALL (hold)"
	figure "postsuper -H ALL (release)"
	figure "postsuper -h + -H (the peer)" '1\.000x'
	[ "$(grep -c '^| ' <<<"$output")" -eq 4 ]
	grep -Eq '^\| `postsuper -h ALL` then `-H ALL` \(Postfix [0-9.]+\) \| [0-9.]+ \| [0-9]+ \| 1\.000x \|$' <<<"$output"
	[ "$(stat -c %Y "$ROOT/bench-data/hold-summary.md" 2>/dev/null || echo none)" = "$before" ]
	# master(8) stopped, the private queue removed
	[ -z "$(ls "$TMP")" ]
	refute pgrep -f "master -c $TMP/"
}
