#!/usr/bin/env bats
# mp-hold when things break under it: killed while it queues or
# delivers, two runs at once, a sendmail that fails, a disk that fails
# or fills, mail that is not quite mail.  Nothing held may be lost,
# nothing delivered twice outside the window mp-hold(1) states (a kill
# between sendmail's acceptance and the save of entry.json), and no
# exit status may claim what did not happen.
#
# test/lib/hold-sendmail is the sendmail: it keeps each message it
# takes as SM/got.*, and files in SM make it slow or fail.  The kills at
# chosen steps preload test/lib/hold-pause.c (built here with cc) into
# the dynamically linked copy that the fault tests use.

load helper
bats_require_minimum_version 1.5.0

# the dynamically linked copy next to MP_BIN that `make check` builds
# for the fault tests (BUILD/fault/bin), when make check did not say
if [ -z "$MP_FAULT_BIN" ] && [ -x "$MP_BIN/../fault/bin/mp-hold" ]; then
	MP_FAULT_BIN=$(cd "$MP_BIN/../fault/bin" && pwd)
fi
if [ -z "$MP_FAULTSHIM" ] && [ -f "$MP_BIN/../faultshim.so" ]; then
	MP_FAULTSHIM=$(cd "$MP_BIN/.." && pwd)/faultshim.so
fi
SENDMAIL=$BATS_TEST_DIRNAME/lib/hold-sendmail
PAUSE=$BATS_FILE_TMPDIR/hold-pause.so

setup_file() {
	if command -v cc >/dev/null; then
		cc -O1 -shared -fPIC -o "$BATS_FILE_TMPDIR/hold-pause.so" \
		    "$BATS_TEST_DIRNAME/lib/hold-pause.c" -ldl || true
	fi
}

setup() {
	setup_tmp
	SM=$TMP/sm
	SPOOL=$TMP/spool
	mkdir -p "$SM" "$TMP"/notices/{tmp,new,cur}
	conf "$SPOOL"
	C=(-c "$TMP/mp.conf")
	MSG=$TMP/m.eml
	printf 'From: sato@example.co.jp\nTo: a@example.com\nSubject: hello\n\nthe body\n' \
	    >"$MSG"
	# the time of every step counts from here
	T0=$(date +%s)
}

teardown() {
	teardown_tmp
}

# conf SPOOL [KEY = VALUE]... - $TMP/mp.conf with that spool and keys
conf() {
	local spool=$1

	shift
	{
		printf '[domains]\ninternal = example.co.jp\n[hold]\n'
		printf 'spool = %s\nsendmail = %s %s\n' "$spool" "$SENDMAIL" "$SM"
		printf 'notice-maildir = %s\n' "$TMP/notices"
		printf 'base-url = http://127.0.0.1/hold/\nlang = en\n'
		printf 'trace = no\n'
		printf '%s\n' "$@"
	} >"$TMP/mp.conf"
}

# t SECONDS - the time SECONDS after T0, as --now takes it
t() {
	date -d "@$((T0 + $1))" -Iseconds
}

# hold [FILE] - queue FILE (default $MSG) at T0 for a minute; the id in
# $id
hold() {
	id=$(mp-hold "${C[@]}" --now "$(t 0)" --for 1m -f sato@example.co.jp \
	    -- a@example.com <"${1:-$MSG}")
	[[ $id =~ ^[0-9a-f]{32}$ ]] || { echo "not an id: '$id'"; return 1; }
}

# entries - the ids in the spool, one a line
entries() {
	ls "$SPOOL" | grep -E '^[0-9a-f]{32}$' || true
}

# tmp_left - what is under SPOOL/tmp/
tmp_left() {
	ls -A "$SPOOL/tmp" 2>/dev/null || true
}

# field ID EXPR - a Python expression of the entry d (entry.json)
field() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
	    "$SPOOL/$1/entry.json" "$2"
}

# complete ID FILE - the entry is whole: FILE byte for byte, an
# entry.json of its id, a first line in its log, and mp-hold shows it
complete() {
	local id=$1 file=$2

	cmp "$file" "$SPOOL/$id/message" || { echo "$id: message differs"; return 1; }
	[ "$(field "$id" 'd["id"]')" = "$id" ] ||
	    { echo "$id: entry.json of another id"; return 1; }
	head -1 "$SPOOL/$id/log" | grep -q '"event":"queued"' ||
	    { echo "$id: no queued line"; return 1; }
	[ -e "$SPOOL/$id/lock" ] || { echo "$id: no lock"; return 1; }
	mp-hold "${C[@]}" --show "$id" --json >/dev/null ||
	    { echo "$id: --show fails"; return 1; }
}

# copies - how many messages sendmail took
copies() {
	find "$SM" -name 'got.*' | wc -l
}

# notices_of TAG - how many notices have a Subject starting [TAG]
notices_of() {
	grep -l "^Subject: \[$1\]" "$TMP"/notices/new/* 2>/dev/null | wc -l
}

# wait_for GLOB - wait (5 s at most) for a file matching GLOB
wait_for() {
	local i

	for i in $(seq 100); do
		compgen -G "$1" >/dev/null && return 0
		sleep 0.05
	done
	echo "nothing matched $1"
	return 1
}

# wait_gone PID - wait (10 s at most) for a process that is not our
# child (the sendmail of a killed mp-hold) to end
wait_gone() {
	local i

	for i in $(seq 200); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	echo "process $1 still runs"
	return 1
}

# wait_stopped PID - wait (10 s at most) until PID stopped itself
wait_stopped() {
	local i s

	for i in $(seq 200); do
		s=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) ||
		    { echo "$1 ended without stopping"; return 1; }
		[ "$s" = T ] && return 0
		sleep 0.05
	done
	echo "$1 did not stop"
	return 1
}

# sendmail_pids - the process of each sendmail that was started
sendmail_pids() {
	local f

	for f in "$SM"/start.*; do
		[ -e "$f" ] && echo "${f##*.}"
	done
}

need_pause() {
	need_faultshim
	[ -f "$PAUSE" ] || skip "no cc to build test/lib/hold-pause.c"
}

# --- 1. killed while queueing ---------------------------------------

@test "queueing killed while it reads the message: no entry, nothing in tmp/" {
	mkfifo "$TMP/in"
	mp-hold "${C[@]}" --now "$(t 0)" --for 1m -f sato@example.co.jp -- \
	    a@example.com <"$TMP/in" >"$TMP/out" 3>&- &
	pid=$!
	exec 4>"$TMP/in"
	printf 'From: sato@example.co.jp\nSubject: slow\n\nthe first' >&4
	sleep 0.3
	kill -9 "$pid"
	st=0
	wait "$pid" || st=$?
	exec 4>&-
	[ "$st" -eq 137 ]
	[ ! -s "$TMP/out" ]
	[ -z "$(entries)" ]
	[ -z "$(tmp_left)" ]
}

@test "queueing killed at each step: no entry or a whole one, never 0 without one" {
	need_pause
	for step in "before:$SPOOL/" "after:$SPOOL/" before:entry.json; do
		rm -rf "$SPOOL" "$TMP/out"
		# (a sanitizer build wants its runtime first: as faulty())
		MP_PAUSE=$step LD_PRELOAD=$PAUSE \
		    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		    "$MP_FAULT_BIN/mp-hold" \
		    "${C[@]}" --now "$(t 0)" --for 1m \
		    -f sato@example.co.jp -- a@example.com \
		    <"$MSG" >"$TMP/out" 3>&- &
		pid=$!
		wait_stopped "$pid"
		kill -9 "$pid"
		st=0
		wait "$pid" || st=$?
		echo "$step: exit $st, entries: $(entries), tmp: $(tmp_left)"
		[ "$st" -eq 137 ]
		# Postfix keeps its copy (no exit 0); the id was not printed
		case $step in
		before:*/)
			# written but never renamed: not an entry, and the id
			# was not printed
			[ ! -s "$TMP/out" ]
			[ -z "$(entries)" ]
			[ -n "$(tmp_left)" ]
			run mp-hold "${C[@]}" --list
			[ "$status" -eq 0 ]
			[ -z "$output" ]
			# too young to be a crash's leftover: kept ...
			mp-hold "${C[@]}" --run
			[ -n "$(tmp_left)" ]
			# ... and gone a day later
			mp-hold "${C[@]}" --run --now "$(t 90000)"
			[ -z "$(tmp_left)" ]
			;;
		*)
			# renamed into place: whole, and delivered once (the
			# id may have been printed: it is, before the notices).
			# Postfix, not told 0, queues the message again: a
			# second entry, the queueing side's own window
			[ "$(entries | wc -l)" -eq 1 ]
			complete "$(entries)" "$MSG"
			rm -f "$SM"/got.*
			mp-hold "${C[@]}" --run --now "$(t 120)"
			mp-hold "${C[@]}" --run --now "$(t 240)"
			[ "$(copies)" -eq 1 ]
			;;
		esac
	done
}

@test "queueing killed at 50 random moments: every entry whole, tmp/ cleaned a day later" {
	python3 -c 'import sys
sys.stdout.write("From: sato@example.co.jp\nSubject: big\n\n" + ("y" * 75 + "\n") * 15000)' \
	    >"$TMP/big.eml"
	# how long one queueing takes, to kill within it
	start=$(date +%s%N)
	hold "$TMP/big.eml"
	ms=$((($(date +%s%N) - start) / 1000000 + 1))
	ok=1
	for i in $(seq 50); do
		mp-hold "${C[@]}" --now "$(t 0)" --for 1m \
		    -f sato@example.co.jp -- a@example.com \
		    <"$TMP/big.eml" >"$TMP/out.$i" 3>&- &
		pid=$!
		r=$((RANDOM % ms))
		sleep "$(printf '%d.%03d' $((r / 1000)) $((r % 1000)))"
		kill -9 "$pid" 2>/dev/null || true
		st=0
		wait "$pid" || st=$?
		if [ "$st" -eq 0 ]; then
			ok=$((ok + 1))
			[ -d "$SPOOL/$(cat "$TMP/out.$i")" ]
		else
			[ "$st" -eq 137 ]
			# killed while it closed its output: the id may be
			# out, but only of an entry that is there
			if [ -s "$TMP/out.$i" ]; then
				[ -d "$SPOOL/$(cat "$TMP/out.$i")" ]
			fi
		fi
	done
	n=$(entries | wc -l)
	echo "$ok finished, $n entries, tmp: $(tmp_left | wc -l)"
	# an entry for each that finished, and at most one for each kill
	[ "$n" -ge "$ok" ]
	for e in $(entries); do
		complete "$e" "$TMP/big.eml"
	done
	mp-hold "${C[@]}" --run --now "$(t 90000)"
	[ -z "$(tmp_left)" ]
	[ "$(entries | wc -l)" -eq "$n" ]
}

# --- 2. killed while delivering --------------------------------------

@test "--run killed before sendmail took the message: delivered once in all" {
	# The kill lands while sendmail sleeps before reading: a small
	# message is all in the pipe by then, a big one only in part.
	python3 -c 'import sys
sys.stdout.write("From: sato@example.co.jp\nSubject: big\n\n" + ("z" * 75 + "\n") * 20000)' \
	    >"$TMP/big.eml"
	bad=0
	for m in "$MSG" "$TMP/big.eml"; do
		rm -rf "$SPOOL" "${SM:?}"/*
		hold "$m"
		echo 1 >"$SM/wait"
		mp-hold "${C[@]}" --run --now "$(t 120)" 3>&- &
		pid=$!
		wait_for "$SM/start.*"
		sleep 0.3
		kill -9 "$pid"
		wait "$pid" || true
		for p in $(sendmail_pids); do
			wait_gone "$p"
		done
		rm "$SM/wait"
		mp-hold "${C[@]}" --run --now "$(t 240)"
		echo "$(basename "$m") ($(stat -c %s "$m") bytes): $(copies) copies:"
		wc -c "$SM"/got.*
		[ "$(field "$id" 'd["state"]')" = sent ]
		if [ "$(copies)" -ne 1 ] || ! cmp -s "$m" "$SM"/got.*; then
			bad=$((bad + 1))
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "--run killed after sendmail took the message: the stated window, two copies" {
	# mp-hold(1): only a kill between sendmail's acceptance and the
	# save of entry.json delivers a message twice.  Here sendmail has
	# the message and has not yet exited when mp-hold is killed.
	# mp-hold does not take its sendmail down with it: sendmail runs
	# on and exits 0 to nobody, and the entry still says pending.
	hold
	echo 1 >"$SM/linger"
	mp-hold "${C[@]}" --run --now "$(t 120)" 3>&- &
	pid=$!
	wait_for "$SM/got.*"
	kill -9 "$pid"
	wait "$pid" || true
	for p in $(sendmail_pids); do
		wait_gone "$p"
	done
	rm "$SM/linger"
	[ "$(field "$id" 'd["deliveries"][0]["state"]')" = pending ]
	mp-hold "${C[@]}" --run --now "$(t 240)"
	[ "$(copies)" -eq 2 ]
	for f in "$SM"/got.*; do
		cmp "$MSG" "$f"
	done
	[ "$(field "$id" 'd["state"]')" = sent ]
	# and no more after that
	mp-hold "${C[@]}" --run --now "$(t 360)"
	[ "$(copies)" -eq 2 ]
}

# --- 3, 4. at the same time -----------------------------------------

@test "two --run at once over 200 due entries: each delivered once, both exit 0" {
	# no notices: only the deliveries count here
	sed -i '/^notice-maildir/d' "$TMP/mp.conf"
	seq 200 | xargs -P 16 -I{} sh -c \
	    'printf "Subject: n%s\n\nx\n" {} | "$0" -c "$1" --now "$2" \
	    --for 1m -f sato@example.co.jp -- a@example.com >/dev/null' \
	    "$MP_BIN/mp-hold" "$TMP/mp.conf" "$(t 0)"
	[ "$(entries | wc -l)" -eq 200 ]
	echo 0.005 >"$SM/pace"
	mp-hold "${C[@]}" --run --now "$(t 120)" 3>&- &
	a=$!
	mp-hold "${C[@]}" --run --now "$(t 120)" 3>&- &
	b=$!
	sa=0 sb=0
	wait "$a" || sa=$?
	wait "$b" || sb=$?
	echo "exit $sa $sb, $(copies) copies"
	[ "$sa" -eq 0 ]
	[ "$sb" -eq 0 ]
	[ "$(copies)" -eq 200 ]
	[ "$(cat "$SM"/got.* | grep '^Subject:' | sort -u | wc -l)" -eq 200 ]
	for e in $(entries); do
		[ "$(grep -c '"event":"delivered"' "$SPOOL/$e/log")" -eq 1 ]
	done
	[ "$(mp-hold "${C[@]}" --list | awk '$2 == "sent"' | wc -l)" -eq 200 ]
}

@test "20 queueing at once into a spool not made yet: 20 whole entries" {
	for i in $(seq 20); do
		printf 'Subject: m%s\n\n%s\n' "$i" "$i" >"$TMP/m$i.eml"
		(
			st=0
			mp-hold "${C[@]}" --now "$(t 0)" --for 1m \
			    -f sato@example.co.jp -- a@example.com \
			    <"$TMP/m$i.eml" >"$TMP/id$i" || st=$?
			echo "$st" >"$TMP/rc$i"
		) 3>&- &
	done
	wait
	cat "$TMP"/rc*
	[ "$(cat "$TMP"/rc* | sort -u)" = 0 ]
	[ "$(cat "$TMP"/id* | sort -u | wc -l)" -eq 20 ]
	[ "$(entries | wc -l)" -eq 20 ]
	for i in $(seq 20); do
		complete "$(cat "$TMP/id$i")" "$TMP/m$i.eml"
	done
	[ "$(stat -c %s "$SPOOL/key")" -eq 32 ]
	[ -z "$(tmp_left)" ]
}

# --- 5. a sendmail that fails -----------------------------------------

@test "sendmail exit 75: deferred, counted, tried again, delivered once it works" {
	hold
	echo 75 >"$SM/exit"
	run mp-hold "${C[@]}" --run --now "$(t 120)"
	[ "$status" -eq 0 ]
	[ "$(field "$id" 'd["state"]')" = held ]
	[ "$(field "$id" 'd["deliveries"][0]["state"]')" = pending ]
	[ "$(field "$id" 'd["deliveries"][0]["attempts"]')" -eq 1 ]
	field "$id" 'd["deliveries"][0]["error"]' | grep -q 75
	mp-hold "${C[@]}" --run --now "$(t 180)"
	[ "$(field "$id" 'd["deliveries"][0]["attempts"]')" -eq 2 ]
	[ "$(copies)" -eq 0 ]
	rm "$SM/exit"
	mp-hold "${C[@]}" --run --now "$(t 240)"
	[ "$(copies)" -eq 1 ]
	cmp "$MSG" "$SM"/got.*
	[ "$(field "$id" 'd["state"]')" = sent ]
	[ "$(field "$id" 'd["deliveries"][0]["attempts"]')" -eq 3 ]
	[ "$(grep -c '"event":"deferred"' "$SPOOL/$id/log")" -eq 2 ]
	[ "$(notices_of Failed)" -eq 0 ]
}

@test "sendmail exit 75 past retry-for: failed, the sender told once" {
	conf "$SPOOL" 'retry-for = 1h'
	hold
	echo 75 >"$SM/exit"
	mp-hold "${C[@]}" --run --now "$(t 120)"
	mp-hold "${C[@]}" --run --now "$(t 1800)"
	[ "$(field "$id" 'd["state"]')" = held ]
	[ "$(notices_of Failed)" -eq 0 ]
	mp-hold "${C[@]}" --run --now "$(t 3800)"
	[ "$(field "$id" 'd["state"]')" = failed ]
	[ "$(field "$id" 'd["deliveries"][0]["state"]')" = refused ]
	[ "$(notices_of Failed)" -eq 1 ]
	tries=$(ls "$SM" | grep -c '^start\.')
	[ "$tries" -eq 3 ]
	mp-hold "${C[@]}" --run --now "$(t 7200)"
	[ "$(ls "$SM" | grep -c '^start\.')" -eq "$tries" ]
	[ "$(notices_of Failed)" -eq 1 ]
	[ "$(copies)" -eq 0 ]
}

@test "sendmail exit 67: failed at once, never tried again" {
	hold
	echo 67 >"$SM/exit"
	mp-hold "${C[@]}" --run --now "$(t 120)"
	[ "$(field "$id" 'd["state"]')" = failed ]
	[ "$(field "$id" 'd["deliveries"][0]["attempts"]')" -eq 1 ]
	field "$id" 'd["deliveries"][0]["error"]' | grep -q 67
	[ "$(notices_of Failed)" -eq 1 ]
	grep -l '^Subject: \[Failed\]' "$TMP"/notices/new/* | xargs grep -q 67
	rm "$SM/exit"
	mp-hold "${C[@]}" --run --now "$(t 240)"
	[ "$(ls "$SM" | grep -c '^start\.')" -eq 1 ]
	[ "$(copies)" -eq 0 ]
}

# --- 6. standard output that fails ------------------------------------

@test "--list >/dev/full: 74 or 75, not 0" {
	hold
	run mp-hold "${C[@]}" --list
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	st=0
	mp-hold "${C[@]}" --list >/dev/full 2>"$TMP/err" || st=$?
	[ "$st" -eq 74 ] || [ "$st" -eq 75 ]
	grep -q '^mp-hold: ' "$TMP/err"
	st=0
	mp-hold "${C[@]}" --show "$id" >/dev/full 2>/dev/null || st=$?
	[ "$st" -eq 74 ] || [ "$st" -eq 75 ]
}

@test "queueing >/dev/full: held once and 0, or not held and not 0" {
	# The exit status is what Postfix believes.  Either the id is
	# printed (and flushed) before anyone is told, and the entry
	# withdrawn when that fails, or a failing standard output is only
	# a warning once the entry is safe; never 75 for a held message.
	st=0
	mp-hold "${C[@]}" --now "$(t 0)" --for 1m -f sato@example.co.jp -- \
	    a@example.com <"$MSG" >/dev/full || st=$?
	echo "exit $st, $(entries | wc -l) entries, $(notices_of Held) notices"
	if [ "$st" -eq 0 ]; then
		[ "$(entries | wc -l)" -eq 1 ]
	else
		[ "$st" -eq 74 ] || [ "$st" -eq 75 ]
		[ -z "$(entries)" ]
		[ "$(notices_of Held)" -eq 0 ]
	fi
}

# --- 7. a disk that fails --------------------------------------------

@test "queueing on a failing disk: 75 and no entry, or 0 and a whole one" {
	need_faultshim
	hold
	first=$id
	# about what one queueing writes: the entry, the notice, the save
	size=$(($(stat -c %s "$SPOOL/$id/message") + 2 * $(stat -c %s \
	    "$SPOOL/$id/entry.json") + $(stat -c %s "$SPOOL/$id/log") +
	    $(cat "$TMP"/notices/new/* | wc -c)))
	n=1
	# each of these hits the making of the entry itself
	sure="rename:$SPOOL/ fsync fsync-dir after:$SPOOL/,fsync-dir write:0"
	sure="$sure write:$(($(stat -c %s "$MSG") / 2))"
	# and these every step after it too: the notice, its save
	specs=$sure
	for w in $(seq 20 "$((size / 25))" "$((size + 100))"); do
		specs="$specs write:$w"
	done
	for spec in $specs; do
		rm -f "$TMP/out"
		st=0
		faulty "$spec" mp-hold "${C[@]}" --now "$(t 0)" --for 1m \
		    -f sato@example.co.jp -- a@example.com <"$MSG" \
		    >"$TMP/out" 2>"$TMP/err" || st=$?
		echo "$spec: exit $st: $(head -c 200 "$TMP/err")"
		[ -z "$(tmp_left)" ]
		if [ "$st" -eq 0 ]; then
			n=$((n + 1))
			complete "$(cat "$TMP/out")" "$MSG"
		else
			[ "$st" -eq 75 ] || [ "$st" -eq 74 ]
			[ ! -s "$TMP/out" ]
			grep -q '^mp-hold: ' "$TMP/err"
		fi
		[ "$(entries | wc -l)" -eq "$n" ]
		case " $sure " in
		*" $spec "*) [ "$st" -eq 75 ] ;;
		esac
	done
	complete "$first" "$MSG"
}

@test "a failing save after sendmail took the message: 75, and delivered again (the window)" {
	need_faultshim
	for spec in rename:entry.json fsync; do
		rm -rf "$SPOOL" "${SM:?}"/*
		hold
		run faulty "$spec" mp-hold "${C[@]}" --run --now "$(t 120)"
		echo "$spec: $status $output"
		[ "$status" -eq 75 ]
		[[ $output == mp-hold:* ]]
		[ "$(copies)" -eq 1 ]
		# entry.json could not say so: it is still to deliver, and
		# the next run delivers it again, as mp-hold(1) warns
		[ "$(field "$id" 'd["deliveries"][0]["state"]')" = pending ]
		mp-hold "${C[@]}" --run --now "$(t 240)"
		[ "$(copies)" -eq 2 ]
		[ "$(field "$id" 'd["state"]')" = sent ]
	done
}

@test "--discard on a failing disk: 75 and still held, or 0 and discarded" {
	need_faultshim
	hold
	cp -a "$SPOOL" "$TMP/spool.orig"
	# faults in the save of entry.json, before its rename
	specs="rename:entry.json fsync write:0"
	for w in $(seq 50 97 "$(stat -c %s "$SPOOL/$id/entry.json")"); do
		specs="$specs write:$w"
	done
	for spec in $specs; do
		rm -rf "$SPOOL"
		cp -a "$TMP/spool.orig" "$SPOOL"
		st=0
		faulty "$spec" mp-hold "${C[@]}" --discard "$id" >"$TMP/out" \
		    2>"$TMP/err" || st=$?
		s=$(field "$id" 'd["state"]')
		echo "$spec: exit $st, $s: $(head -c 200 "$TMP/err")"
		if [ "$st" -eq 0 ]; then
			[ "$s" = discarded ]
			grep -q '"event":"discarded"' "$SPOOL/$id/log"
		else
			[ "$st" -eq 75 ] || [ "$st" -eq 74 ]
			[ "$s" = held ]
			refute grep -q '"event":"discarded"' "$SPOOL/$id/log"
			# and it can still be taken back
			mp-hold "${C[@]}" --discard "$id"
		fi
	done
}

@test "--discard on a disk that fails after entry.json was replaced" {
	need_faultshim
	hold
	cp -a "$SPOOL" "$TMP/spool.orig"
	specs="fsync-dir after:entry.json,write:0"
	for w in $(seq 50 61 3000); do
		specs="$specs write:$w"
	done
	for spec in $specs; do
		rm -rf "$SPOOL"
		cp -a "$TMP/spool.orig" "$SPOOL"
		st=0
		faulty "$spec" mp-hold "${C[@]}" --discard "$id" >/dev/null \
		    2>&1 || st=$?
		s=$(field "$id" 'd["state"]')
		echo "$spec: exit $st, $s"
		if [ "$st" -eq 0 ]; then
			[ "$s" = discarded ]
			grep -q '"event":"discarded"' "$SPOOL/$id/log"
		elif [ "$s" = discarded ]; then
			# no write worked once entry.json said discarded: the
			# log line and the undoing both failed.  75, and the
			# entry errs towards not sending (mp-hold(1)); only a
			# disk that takes no write at all comes to this
			case $spec in
			after:entry.json,*) ;;
			write:*) [ "${spec#write:}" -ge 900 ] ;;
			*) false ;;
			esac
			refute grep -q '"event":"discarded"' "$SPOOL/$id/log"
			mp-hold "${C[@]}" --run --now "$(t 120)" || true
			[ "$(copies)" -eq 0 ]
		else
			# the change undone: as it was, to be tried again
			[ "$s" = held ]
			refute grep -q '"event":"discarded"' "$SPOOL/$id/log"
		fi
	done
}

# --- 8. a spool that is full ------------------------------------------

@test "a spool too small for the message: 75, no entry, tmp/ empty" {
	small_tmpdir
	conf "$TMP/small/spool"
	SPOOL=$TMP/small/spool
	head -c 2000000 /dev/zero | tr '\0' 'x' | fold -w 76 |
	    { printf 'Subject: big\n\n'; cat; } >"$TMP/big.eml"
	run mp-hold "${C[@]}" --now "$(t 0)" --for 1m -f sato@example.co.jp \
	    -- a@example.com <"$TMP/big.eml"
	echo "$status $output"
	[ "$status" -eq 75 ]
	[[ $output == mp-hold:* ]]
	[ -z "$(entries)" ]
	[ -z "$(tmp_left)" ]
	[ "$(ls -A "$TMP/notices/new")" = "" ]
	# a message that fits still goes in
	hold
	complete "$id" "$MSG"
}

# --- 9. mail that is not quite mail -----------------------------------

# through FILE - FILE queued, delivered, and taken byte for byte
through() {
	rm -f "$SM"/got.*
	hold "$1"
	complete "$id" "$1"
	mp-hold "${C[@]}" --run --now "$(t 120)"
	[ "$(copies)" -eq 1 ] || { echo "$1: $(copies) copies"; return 1; }
	cmp "$1" "$SM"/got.* || { echo "$1: changed"; return 1; }
	[ "$(field "$id" 'd["state"]')" = sent ]
}

@test "NUL bytes, a 2 MB header line, a header alone: delivered byte for byte" {
	printf 'Subject: nul\n\nbefore\0after\0\0\n\0' >"$TMP/nul.eml"
	through "$TMP/nul.eml"
	{ printf 'Subject: long\nX-Long: '; head -c 2000000 /dev/zero |
	    tr '\0' 'a'; printf '\n\nbody\n'; } >"$TMP/long.eml"
	through "$TMP/long.eml"
	printf 'Subject: header only\nFrom: sato@example.co.jp' >"$TMP/hdr.eml"
	through "$TMP/hdr.eml"
	printf 'no header at all, no newline' >"$TMP/text.eml"
	through "$TMP/text.eml"
	printf 'Subject: crlf\r\n\r\nbody\r\n\r\n.\r\n' >"$TMP/crlf.eml"
	through "$TMP/crlf.eml"
	# with the trace field, the same bytes after it
	sed -i 's/^trace = no$/trace = yes/' "$TMP/mp.conf"
	rm -f "$SM"/got.*
	hold "$TMP/nul.eml"
	mp-hold "${C[@]}" --run --now "$(t 120)"
	head -1 "$SM"/got.* | grep -q "^X-MP-Hold: id=$id; "
	tail -n +2 "$SM"/got.* | cmp "$TMP/nul.eml"
}

@test "broken MIME from the corpus: delivered byte for byte" {
	need_corpus
	m=$CORPUS/mime4j/core/src/test/resources/mimetools-testmsgs
	files=()
	for f in "$m"/{badbound,double-bound,multi-2evil,infinite,frag,hdr-fakeout}.msg \
	    "$CORPUS"/mime4j/core/src/test/resources/testmsgs/malformedHeader-noheader.msg \
	    "$CORPUS"/mimekit/UnitTests/TestData/messages/stack-overflow.txt \
	    "$CORPUS"/mimekit/UnitTests/TestData/mbox/issue1189.mbox.txt \
	    "$CORPUS"/python3.11-test_email/msg_19.txt \
	    "$CORPUS"/sisimai/mailbox/size-{1,2} \
	    "$CORPUS"/sisimai/maildir/{mac,dos}/lhost-exchange-01.eml; do
		[ -f "$f" ] || continue
		hold "$f"
		complete "$id" "$f"
		files+=("$f")
	done
	echo "${#files[@]} files"
	[ "${#files[@]}" -gt 5 ]
	mp-hold "${C[@]}" --run --now "$(t 120)"
	[ "$(copies)" -eq "${#files[@]}" ]
	# each taken once, unchanged
	for f in "${files[@]}"; do
		n=0
		for g in "$SM"/got.*; do
			if cmp -s "$f" "$g"; then
				n=$((n + 1))
			fi
		done
		[ "$n" -eq 1 ] || { echo "$f: $n copies"; false; }
	done
}
