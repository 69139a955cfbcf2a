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
