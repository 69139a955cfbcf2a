#!/usr/bin/env bats
# The shipped procmail and maildrop recipes, run by the real programs.

load helper

setup() {
	setup_tmp
	mkdir -p "$TMP/out/cur" "$TMP/out/new" "$TMP/out/tmp" \
	    "$TMP/inbox/cur" "$TMP/inbox/new" "$TMP/inbox/tmp"
	SAMPLE=$TESTDATA/sample
}

teardown() {
	teardown_tmp
}

# one_file DIR - the single file delivered into Maildir DIR
one_file() {
	[ "$(ls "$1/new" | wc -l)" -eq 1 ]
	echo "$1/new/$(ls "$1/new")"
}

procmail_run() {
	cp "$ROOT/scripts/procmailrc.sample" "$TMP/rc"
	# after the sample's recipes, deliver what is left to the inbox
	printf ':0\n%s/inbox/\n' "$TMP" >>"$TMP/rc"
	procmail -m MP_CONFIG="$1" PATH="$MP_BIN:/usr/bin:/bin" \
	    OUTBOUND="$TMP/out/" "$TMP/rc" <"$SAMPLE/announce.eml"
}

@test "procmail: the sample recipe filters, classifies and files a copy" {
	command -v procmail || skip "procmail not installed"
	run procmail_run "$SAMPLE/mp.conf"
	[ "$status" -eq 0 ]
	got=$(one_file "$TMP/inbox")
	copy=$(one_file "$TMP/out")
	cmp "$got" "$copy"
	grep -q '^X-MP-Classify: internal=2 semi-internal=1 external=12$' "$got"
	grep -q '^X-MP-Bccify: moved=12$' "$got"
	run $HDR visible "$got"
	[ "${lines[*]}" = "logistics@group.example.jp suzuki@example.co.jp tanaka@example.co.jp" ]
	# what procmail delivered is what the pipeline writes (procmail ends
	# a message with an empty line of its own), and that is the original
	# outside To/Cc and our fields
	MP_CONFIG=$SAMPLE/mp.conf mp-classify -a <"$SAMPLE/announce.eml" |
	    MP_CONFIG=$SAMPLE/mp.conf mp-bccify >"$TMP/want"
	{ cat "$TMP/want"; echo; } | cmp - "$got"
	$HDR outside "$SAMPLE/announce.eml" "$TMP/want" to cc x-mp-classify \
	    x-mp-bccify
}

@test "procmail: a failing filter defers the message (75), nothing delivered" {
	command -v procmail || skip "procmail not installed"
	run procmail_run "$TMP/no-such.conf"
	[ "$status" -eq 75 ]
	[ "$(ls "$TMP/inbox/new" | wc -l)" -eq 0 ]
	[ "$(ls "$TMP/out/new" | wc -l)" -eq 0 ]
}

maildrop_run() {
	{ printf 'PATH="%s:/usr/bin:/bin"\n' "$MP_BIN"
	  cat "$ROOT/scripts/mailfilter.sample"
	  printf 'to "%s/inbox/"\n' "$TMP"; } >"$TMP/mailfilter"
	chmod 600 "$TMP/mailfilter"
	env -i HOME="$TMP" MP_CONFIG="$1" OUTBOUND="$TMP/out/" \
	    maildrop "$TMP/mailfilter" <"$SAMPLE/announce.eml"
}

@test "maildrop: the sample filter file filters, classifies and files a copy" {
	command -v maildrop || skip "maildrop not installed"
	run maildrop_run "$SAMPLE/mp.conf"
	[ "$status" -eq 0 ]
	got=$(one_file "$TMP/inbox")
	copy=$(one_file "$TMP/out")
	cmp "$got" "$copy"
	grep -q '^X-MP-Bccify: moved=12$' "$got"
	$HDR outside "$SAMPLE/announce.eml" "$got" to cc x-mp-classify \
	    x-mp-bccify
}

@test "maildrop: a failing filter defers the message (75), nothing delivered" {
	command -v maildrop || skip "maildrop not installed"
	run maildrop_run "$TMP/no-such.conf"
	[ "$status" -eq 75 ]
	[ "$(ls "$TMP/inbox/new" | wc -l)" -eq 0 ]
}
