#!/usr/bin/env bats
# The password notice and the note of mp-zipenc and mp-detach: where the
# note goes, how the notice is handed on, dates, and option mistakes

load helper
bats_require_minimum_version 1.5.0

setup() {
	setup_tmp
	Z=$TESTDATA/zipenc
	D=$TESTDATA/detach
	printf 'Sesame-open-42\n' >"$TMP/pw"
	ST=$TMP/store
	URL=https://dl.example.co.jp/d/
	DS="--store $ST --base-url $URL"
}

teardown() {
	teardown_tmp
}

# opts TOOL - what TOOL needs besides the notice (mp-detach: a store, a link)
opts() {
	[ "$1" = mp-detach ] && echo "$DS"
	return 0
}

# entries - the entry ids in the store, one a line
entries() {
	ls "$ST" 2>/dev/null | grep -E '^[A-Za-z0-9_-]{24}$' || true
}

# --- option mistakes: 78 once, before any mail is read -------------------

@test "--password-file naming a directory: 78 with a clear message" {
	for tool in mp-zipenc mp-detach; do
		run --separate-stderr $tool $(opts $tool) --notice "$TMP/n" \
		    --password-file "$TMP" </dev/null
		[ "$status" -eq 78 ]
		[ "$stderr" = "$tool: password file: $TMP: a directory, not a file" ]
		[ -z "$output" ]
	done
}

@test "--template-dir that does not exist: 78 at start, not the built-in texts" {
	for tool in mp-zipenc mp-detach; do
		run --separate-stderr $tool $(opts $tool) --notice "$TMP/n" \
		    --password-file "$TMP/pw" --template-dir "$TMP/nope" \
		    "$Z/mixed.eml"
		[ "$status" -eq 78 ]
		[ "$stderr" = "$tool: template directory: $TMP/nope: No such file or directory" ]
		[ -z "$output" ]
		[ ! -e "$TMP/n" ]
	done
	printf '[zipenc]\ntemplate-dir = %s\n' "$TMP/pw" >"$TMP/c"
	run mp-zipenc -c "$TMP/c" --notice "$TMP/n" </dev/null
	[ "$status" -eq 78 ]
	[[ "$output" == *"template directory: $TMP/pw: not a directory" ]]
}

@test "--notice-maildir that is not a Maildir: 78 once at start, not 75 per message" {
	mkdir -p "$TMP/md/cur"
	for tool in mp-zipenc mp-detach; do
		run --separate-stderr $tool $(opts $tool) --password-file "$TMP/pw" \
		    --notice-maildir "$TMP/nope" "$Z/mixed.eml"
		[ "$status" -eq 78 ]
		[ "$stderr" = "$tool: notice Maildir: $TMP/nope: not a Maildir (no tmp/ directory)" ]
		[ -z "$output" ]
		run --separate-stderr $tool $(opts $tool) --password-file "$TMP/pw" \
		    --notice-maildir "$TMP/md" </dev/null
		[ "$status" -eq 78 ]
	done
	# a batch delivers nothing, so it needs no Maildir
	run mp-zipenc --notice-maildir "$TMP/nope" --mbox "$TESTDATA/mbox/sample.mbox"
	[ "$status" -ne 78 ]
}

@test "a FIFO in a --maildir batch is skipped, never read: no blocking" {
	mkdir -p "$TMP/md/cur" "$TMP/md/new" "$TMP/md/tmp"
	cp "$Z/mixed.eml" "$TMP/md/cur/1"
	mkfifo "$TMP/md/new/2"
	cp "$Z/noattach.eml" "$TMP/md/new/3"
	for tool in mp-zipenc mp-detach; do
		run --separate-stderr timeout 10 $tool --maildir "$TMP/md"
		[ "$status" -eq 66 ]	# not 124: timeout did not fire
		[ "${lines[1]}" = "$TMP/md/new/2: error: not a regular file, skipped" ]
		[[ "${lines[0]}" == "$TMP/md/cur/1: "*"=3 "* ]]
		[ "${lines[2]}" = "$TMP/md/new/3: unchanged kept=0" ]
	done
}

# --- the notice command must read the whole notice ------------------------

@test "a notice command that exits 0 without reading: 75, nothing printed" {
	for tool in mp-zipenc mp-detach; do
		run --separate-stderr $tool $(opts $tool) \
		    --notice-cmd "sh -c 'exit 0'" "$Z/mixed.eml"
		[ "$status" -eq 75 ]
		[ -z "$output" ]
		[[ "$stderr" == "$tool: notice command did not read the whole notice (0 of "*" bytes): sh -c 'exit 0'" ]]
		# one that stops part way is no better
		run --separate-stderr $tool $(opts $tool) \
		    --notice-cmd 'head -c 100 >/dev/null' "$Z/mixed.eml"
		[ "$status" -eq 75 ]
		[ -z "$output" ]
		[[ "$stderr" == *"(100 of "*" bytes)"* ]]
	done
	# mp-detach took its entry back
	[ -z "$(entries)" ]
	# one that reads it all is fine, and the notice is whole
	mp-zipenc --notice-cmd "cat >$TMP/got" --notice "$TMP/n" \
	    --password-file "$TMP/pw" <"$Z/mixed.eml" >/dev/null
	cmp "$TMP/got" "$TMP/n"
}

# stop_during_notice SIGNAL - run mp-detach, send it SIGNAL while its
# notice command runs; the command would deliver the notice after 2 s
stop_during_notice() {
	rm -f "$TMP/started" "$TMP/delivered"
	# a shell's background job ignores SIGINT, and mp honours that:
	# start it with the default actions, as an MTA does
	python3 -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
    signal.signal(s, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' mp-detach $DS --password-file "$TMP/pw" --notice-cmd \
	    "touch $TMP/started; sleep 2; cat >$TMP/delivered" \
	    <"$Z/mixed.eml" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	for _ in $(seq 100); do
		[ -e "$TMP/started" ] && break
		sleep 0.1
	done
	[ -e "$TMP/started" ]
	# the entry is there while the command runs
	[ -n "$(entries)" ]
	kill -s "$1" "$pid"
	status=0
	wait "$pid" || status=$?
}

@test "mp-detach stopped (TERM, INT, HUP) during the notice: no entry, no notice" {
	for sig in TERM INT HUP; do
		stop_during_notice $sig
		[ "$status" -eq 75 ]
		[ ! -s "$TMP/out" ]
		[ -z "$(entries)" ]
		grep -q "notice command stopped" "$TMP/err"
	done
	# the command's process group was stopped: nothing comes later
	sleep 2.5
	[ ! -e "$TMP/delivered" ]
}

@test "mp-detach killed with SIGKILL during the notice: the notice never goes" {
	stop_during_notice KILL
	[ "$status" -eq 137 ]
	sleep 2.5
	[ ! -e "$TMP/delivered" ]
	# what stays is an entry whose link is in no message sent; it ends
	# at its expiry and mp-detach --purge removes it then
	[ "$(entries | wc -l)" -eq 1 ]
}

@test "an ignored SIGHUP (nohup) does not stop the notice" {
	rm -f "$TMP/started"
	nohup mp-detach $DS --password-file "$TMP/pw" --notice-cmd \
	    "touch $TMP/started; sleep 1; cat >$TMP/delivered" \
	    <"$Z/mixed.eml" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	for _ in $(seq 100); do
		[ -e "$TMP/started" ] && break
		sleep 0.1
	done
	kill -s HUP "$pid"
	wait "$pid"
	[ -s "$TMP/delivered" ]
	grep -q '^X-MP-Detach: detached=3$' "$TMP/out"
	[ "$(entries | wc -l)" -eq 1 ]
}
