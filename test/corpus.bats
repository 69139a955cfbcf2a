#!/usr/bin/env bats
# Real mail nobody here wrote: every tool survives all of it.
# Runs when the corpus is there (../shared/corpus or $MP_CORPUS).

load helper
bats_require_minimum_version 1.5.0

setup() {
	need_corpus
}

@test "every corpus message through mp-classify, mp-bccify and mp-ccguard" {
	TMP=$(mktemp -d)
	mp-orgsync -c /dev/null --org "$TESTDATA/org/org.conf" --dir "$TMP/org" \
	    "$TESTDATA/org/hr.csv" >/dev/null
	run python3 "$BATS_TEST_DIRNAME/lib/corpus.py" "$MP_BIN" "$CORPUS" \
	    "$TMP/org/current"
	rm -rf "$TMP"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "every corpus file held by mp-hold and delivered byte for byte" {
	run python3 "$BATS_TEST_DIRNAME/lib/holdcorpus.py" "$MP_BIN" "$CORPUS"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} =~ ^([0-9]+)\ files\ held,\ ([0-9]+)\ delivered,\ 0 ]]
	[ "${BASH_REMATCH[1]}" -gt 1000 ]
	[ "${BASH_REMATCH[1]}" -eq "${BASH_REMATCH[2]}" ]
}

@test "GMime's stuck mbox file is read to its last message" {
	f=$CORPUS/mimekit/UnitTests/TestData/mbox/issue1189.mbox.txt
	run timeout 20 mp-classify -c /dev/null --internal example.com --mbox "$f"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[3]}" == "$f:4: internal=1 semi-internal=0 external=0" ]]
}

# bench_corpus - the 20,000-message corpus, built once into bench-data/
bench_corpus() {
	B=$ROOT/bench-data
	if [ ! -f "$B/bench.mbox" ] || [ ! -d "$B/bench.maildir/cur" ]; then
		python3 "$CORPUS/tools/mkbench.py" "$B" >/dev/null
	fi
}

@test "the 20,000-message benchmark mbox: a record for every message" {
	bench_corpus
	run --separate-stderr timeout 600 mp-classify -c /dev/null --internal example.com \
	    --json --mbox "$B/bench.mbox"
	[ "$status" -eq 0 ] || [ "$status" -eq 65 ]
	[ "${#lines[@]}" -eq 20000 ]
	run --separate-stderr timeout 600 mp-bccify -c /dev/null --internal example.com \
	    --mbox "$B/bench.mbox"
	[ "$status" -eq 0 ] || [ "$status" -eq 65 ]
	[ "${#lines[@]}" -eq 20000 ]
}

@test "the 20,000-message benchmark Maildir: a record for every file" {
	bench_corpus
	run --separate-stderr timeout 600 mp-classify -c /dev/null --internal example.com \
	    --maildir "$B/bench.maildir"
	[ "$status" -eq 0 ] || [ "$status" -eq 65 ]
	[ "${#lines[@]}" -eq 20000 ]
}

@test "the 20,000-message benchmark mbox through mp-ccguard" {
	bench_corpus
	TMP=$(mktemp -d)
	mp-orgsync -c /dev/null --org "$TESTDATA/org/org.conf" --dir "$TMP/org" \
	    "$TESTDATA/org/hr.csv" >/dev/null
	run --separate-stderr timeout 600 mp-ccguard -c /dev/null \
	    --internal example.com --snapshot "$TMP/org/current" --summary \
	    --mbox "$B/bench.mbox"
	rm -rf "$TMP"
	[ "$status" -eq 0 ] || [ "$status" -eq 1 ] || [ "$status" -eq 65 ]
	[ "${#lines[@]}" -eq 20001 ]
	[[ "${lines[20000]}" == "summary: total=20000 "* ]]
}
