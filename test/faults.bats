#!/usr/bin/env bats
# What the writing tools do when the disk fails under them: a shim
# (test/lib/faultshim.c) makes write, fsync or rename fail at each step.
# Nothing may be half done: exit 74 or 75, no message on standard
# output, no notice delivered, no entry left in the store for a
# message that did not leave.

load helper
bats_require_minimum_version 1.5.0

setup() {
	need_faultshim
	setup_tmp
	ST=$TMP/store
	S="--store $ST --base-url https://dl.example.co.jp/d/ --notice $TMP/notice.eml"
}

teardown() {
	teardown_tmp
}

# nothing_left - no stdout, no notice, no entry (hidden or not) in the store
nothing_left() {
	[ ! -s "$TMP/out" ] || { echo "output left"; return 1; }
	[ ! -e "$TMP/notice.eml" ] || { echo "notice delivered"; return 1; }
	[ -z "$(ls -A "$ST" 2>/dev/null | grep -v '^\.lock$')" ] ||
	    { ls -A "$ST"; echo "store entry left"; return 1; }
}

@test "mp-detach: a failing rename, fsync or write at any step leaves nothing" {
	msg=$TESTDATA/detach/report.eml
	# the clean run, for the sizes
	mp-detach $S "$msg" >"$TMP/out"
	stored=$(du -sb "$ST" | cut -f1)
	for spec in rename:meta.json rename:.new- rename:notice.eml fsync \
	    fsync-dir write:0 write:1000 write:$((stored / 2)); do
		rm -rf "$ST" "$TMP/notice.eml" "$TMP/out"
		run faulty "$spec" mp-detach $S "$msg"
		echo "$spec: $status $output" | head -c 300
		[ "$status" -eq 75 ] || [ "$status" -eq 74 ]
		mp_out=$output
		faulty "$spec" mp-detach $S "$msg" >"$TMP/out" 2>/dev/null ||
		    true
		nothing_left
		[[ "$mp_out" == mp-detach:* ]]
	done
}

@test "mp-zipenc: a failing notice write, fsync or rename sends nothing" {
	msg=$TESTDATA/zipenc/mixed.eml
	for spec in rename:notice.eml fsync write:0 write:700; do
		rm -f "$TMP/notice.eml" "$TMP/out"
		run faulty "$spec" mp-zipenc --notice "$TMP/notice.eml" "$msg"
		[ "$status" -eq 75 ] || [ "$status" -eq 74 ]
		faulty "$spec" mp-zipenc --notice "$TMP/notice.eml" "$msg" \
		    >"$TMP/out" 2>/dev/null || true
		nothing_left
	done
	# and the clean run does send
	run mp-zipenc --notice "$TMP/notice.eml" "$msg"
	[ "$status" -eq 0 ]
	[ -s "$TMP/notice.eml" ]
}

@test "mp-zipenc: a notice Maildir whose delivery fails leaves no file in new/" {
	mkdir -p "$TMP/md/new" "$TMP/md/cur" "$TMP/md/tmp"
	msg=$TESTDATA/zipenc/mixed.eml
	for spec in rename:/new/ fsync write:0; do
		run faulty "$spec" mp-zipenc --notice-maildir "$TMP/md" "$msg"
		[ "$status" -eq 75 ] || [ "$status" -eq 74 ]
		[ -z "$(ls -A "$TMP/md/new")" ]
		[ -z "$(ls -A "$TMP/md/tmp")" ]
	done
}

@test "mp-policy: a failing notice or report write, fsync or rename leaves nothing" {
	printf '[domains]\ninternal = example.co.jp\n[rule any]\naction = reject\n' \
	    >"$TMP/mp.conf"
	msg=$TESTDATA/zipenc/mixed.eml
	for spec in rename:notice.eml fsync write:0 write:700; do
		rm -f "$TMP/notice.eml" "$TMP/out"
		run faulty "$spec" mp-policy -c "$TMP/mp.conf" \
		    --notice "$TMP/notice.eml" "$msg"
		[ "$status" -eq 75 ] || [ "$status" -eq 74 ]
		faulty "$spec" mp-policy -c "$TMP/mp.conf" \
		    --notice "$TMP/notice.eml" "$msg" >"$TMP/out" 2>/dev/null ||
		    true
		nothing_left
	done
	for spec in rename:r.html fsync write:0; do
		rm -f "$TMP"/r.html*
		run faulty "$spec" mp-policy -c "$TMP/mp.conf" \
		    --report "$TMP/r.html" "$msg"
		echo "$spec: $status $output"
		[ "$status" -eq 75 ] || [ "$status" -eq 74 ] ||
		    [ "$status" -eq 73 ]
		[ -z "$(ls -A "$TMP" | grep '^r\.html')" ]
	done
	# and the clean runs do write
	run mp-policy -c "$TMP/mp.conf" --notice "$TMP/notice.eml" "$msg"
	[ "$status" -eq 1 ]
	[ -s "$TMP/notice.eml" ]
	run mp-policy -c "$TMP/mp.conf" --report "$TMP/r.html" "$msg"
	[ "$status" -eq 1 ]
	[ -s "$TMP/r.html" ]
}
