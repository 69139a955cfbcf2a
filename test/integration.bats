#!/usr/bin/env bats
# The shipped procmail and maildrop recipes, as make install writes them,
# run by the real programs with a PATH that does not hold the tools.

load helper

setup_file() {
	# install what this suite tests, the binaries of MP_BIN
	P=$BATS_FILE_TMPDIR/p
	make -C "$ROOT" -o all install BUILD="$(dirname "$MP_BIN")" \
	    PREFIX="$P" >"$BATS_FILE_TMPDIR/install.log" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/install.log" >&2
		return 1
	}
	export P
}

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
	cp "$P/share/mp/procmailrc.sample" "$TMP/rc"
	# after the sample's recipes, deliver what is left to the inbox
	printf ':0\n%s/inbox/\n' "$TMP" >>"$TMP/rc"
	procmail -m MP_CONFIG="$1" PATH=/usr/bin:/bin \
	    OUTBOUND="${2:-$TMP/out/}" "$TMP/rc" <"$SAMPLE/announce.eml"
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
	{ printf 'PATH="/usr/bin:/bin"\n'
	  cat "$P/share/mp/mailfilter.sample"
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

@test "the installed samples name the tools by the path of PREFIX" {
	grep -qx "| $P/bin/mp-classify -a" "$P/share/mp/procmailrc.sample"
	grep -qx "| $P/bin/mp-bccify" "$P/share/mp/procmailrc.sample"
	grep -qx "xfilter \"$P/bin/mp-bccify\"" "$P/share/mp/mailfilter.sample"
	grep -q "$P/etc/mp/mp.conf" "$P/share/mp/procmailrc.sample"
	grep -q "$P/etc/mp/mp.conf" "$P/share/mp/mailfilter.sample"
	refute grep -q /usr/local "$P/share/mp/procmailrc.sample"
	refute grep -q /usr/local "$P/share/mp/mailfilter.sample"
}

@test "procmail: a missing copy folder is made as a Maildir" {
	command -v procmail || skip "procmail not installed"
	# a Maildir without the folder yet
	mkdir -p "$TMP/Maildir/cur" "$TMP/Maildir/new" "$TMP/Maildir/tmp"
	run procmail_run "$SAMPLE/mp.conf" "$TMP/Maildir/.Outbound-External/"
	[ "$status" -eq 0 ]
	one_file "$TMP/Maildir/.Outbound-External"
	[ -d "$TMP/Maildir/.Outbound-External/cur" ]
	one_file "$TMP/inbox"
}
