#!/usr/bin/env bats
# bench.bats - the benchmark's own tools work (scripts/spawntime.c,
# scripts/bench_extract.py); the benchmark itself is `make bench`.

if [ -f "$BATS_TEST_DIRNAME/helper.bash" ]; then
	load helper
fi

setup() {
	BENCH_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	BENCH_TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/mp-bench.XXXXXX")
}

teardown() {
	[ -z "${BENCH_TMP:-}" ] || rm -rf "$BENCH_TMP"
}

compile_spawntime() {
	command -v cc >/dev/null 2>&1 || skip "no cc"
	cc -O2 -Wall -Wextra -Werror -o "$BENCH_TMP/spawntime" \
	    "$BENCH_ROOT/scripts/spawntime.c"
}

@test "spawntime: times /bin/true and prints microseconds per run" {
	compile_spawntime
	run "$BENCH_TMP/spawntime" -n 5 -r 3 -w 1 /bin/true
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" =~ ^[0-9]+\.[0-9]$'\t'[0-9.]+,[0-9.]+,[0-9.]+$'\t'/bin/true$ ]]
}

@test "spawntime: one line per command, stdin from the file" {
	compile_spawntime
	printf 'hello\n' >"$BENCH_TMP/in"
	run "$BENCH_TMP/spawntime" -n 3 -r 1 -w 0 -i "$BENCH_TMP/in" \
	    grep -q hello :: /bin/true
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == *$'\t'"grep -q hello" ]]
	[[ "${lines[1]}" == *$'\t'/bin/true ]]
}

@test "spawntime: an unexpected exit status stops it" {
	compile_spawntime
	run "$BENCH_TMP/spawntime" -n 3 -r 1 -w 0 /bin/false
	[ "$status" -eq 1 ]
	[[ "$output" == *"exit status 1, expected 0"* ]]
	run "$BENCH_TMP/spawntime" -n 3 -r 1 -w 0 -e 1 /bin/false
	[ "$status" -eq 0 ]
}

@test "spawntime: usage errors exit 64" {
	compile_spawntime
	run "$BENCH_TMP/spawntime"
	[ "$status" -eq 64 ]
	run "$BENCH_TMP/spawntime" -n 0 /bin/true
	[ "$status" -eq 64 ]
	run "$BENCH_TMP/spawntime" /bin/true ::
	[ "$status" -eq 64 ]
}

@test "bench_extract.py: To/Cc counts of every message of an mbox" {
	command -v python3 >/dev/null 2>&1 || skip "no python3"
	cat >"$BENCH_TMP/two.mbox" <<'EOF'
From alice@example.com Mon Jan  1 00:00:00 2024
From: Alice <alice@example.com>
To: Bob <bob@example.com>, carol@sub.example.com,
 "Out, Side" <dave@other.example>
Cc: erin@other.example, BOB@example.com
Subject: first

>From the body.

From frank@other.example Tue Jan  2 00:00:00 2024
From: frank@other.example
To: undisclosed-recipients:;
Subject: second

body
EOF
	run python3 "$BENCH_ROOT/scripts/bench_extract.py" \
	    --internal example.com "$BENCH_TMP/two.mbox"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	# BOB@example.com repeats bob@example.com: counted in cc, not again
	# among the distinct addresses.
	[ "${lines[0]}" = "1: to=3 cc=2 internal=2 external=2" ]
	[ "${lines[1]}" = "2: to=0 cc=0 internal=0 external=0" ]
}

@test "bench_extract.py: a missing mbox exits 66" {
	command -v python3 >/dev/null 2>&1 || skip "no python3"
	run python3 "$BENCH_ROOT/scripts/bench_extract.py" "$BENCH_TMP/none"
	[ "$status" -eq 66 ]
	[[ "$output" == *"$BENCH_TMP/none"* ]]
}
