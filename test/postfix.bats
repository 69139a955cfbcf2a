#!/usr/bin/env bats
# scripts/mp-postfix-filter: mp in a Postfix pipe(8) content filter, with
# a stand-in sendmail; test/postfix-real.bats runs it in a real Postfix.

load helper

setup() {
	setup_tmp
	cat >"$TMP/mp.conf" <<-EOF
	[domains]
	internal = example.co.jp
	semi-internal = group.example.jp
	[orgsync]
	org-conf = $TESTDATA/org/org.conf
	dir = $TMP/org
	[ccguard]
	snapshot = $TMP/org/current
	EOF
	mp-orgsync -c "$TMP/mp.conf" "$TESTDATA/org/hr.csv" >/dev/null
	# a sendmail that keeps what it is given
	cat >"$TMP/sendmail" <<-EOF
	#!/bin/sh
	printf '%s\n' "\$@" >"$TMP/argv"
	cat >"$TMP/injected"
	EOF
	chmod +x "$TMP/sendmail"
	export SENDMAIL=$TMP/sendmail
	# the tools of this build, as make install names them in the script
	export MP_BINDIR=$MP_BIN
	F=$ROOT/scripts/mp-postfix-filter
	O=$TESTDATA/org/mail
}

teardown() {
	teardown_tmp
}

# filter ARG... - run the filter as pipe(8) does: PATH=/usr/bin:/bin,
# nothing else of the environment but what it is told
filter() {
	run env -i PATH=/usr/bin:/bin MP_BINDIR="$MP_BINDIR" \
	    SENDMAIL="$SENDMAIL" "$F" -c "$TMP/mp.conf" "$@"
}

@test "the rewritten message is re-injected with the envelope kept" {
	filter -f sato@example.co.jp -- a@x.example b@y.example \
	    <"$TESTDATA/sample/announce.eml"
	[ "$status" -eq 0 ]
	[ "$(cat "$TMP/argv")" = "$(printf '%s\n' -G -i -f sato@example.co.jp -- a@x.example b@y.example)" ]
	mp-bccify -c "$TMP/mp.conf" <"$TESTDATA/sample/announce.eml" |
	    cmp - "$TMP/injected"
}

@test "the tools are run by path: PATH=/usr/bin:/bin as pipe(8) sets it" {
	filter --ccguard -f sato@example.co.jp -- a@x.example \
	    <"$O/01-member-cc-section-head.eml"
	[ "$status" -eq 0 ]
	cmp "$O/01-member-cc-section-head.eml" "$TMP/injected"
	# which that PATH does not find
	refute env -i PATH=/usr/bin:/bin sh -c 'command -v mp-ccguard'
	# the default is the BINDIR of make install
	grep -qx 'MP_BINDIR=${MP_BINDIR:-/usr/local/bin}' "$F"
}

@test "--ccguard: a refusal returns the message with the reason (69)" {
	filter --ccguard --login=sato@example.co.jp -f sato@example.co.jp -- \
	    client@customer.example <"$O/06-colleague-not-superior.eml"
	[ "$status" -eq 69 ]
	[ "$output" = "5.7.1 refused by mp-ccguard: refuse reason=no-superior sender=sato@example.co.jp superiors=kacho111@example.co.jp,bucho110@example.co.jp" ]
	[ ! -e "$TMP/injected" ]
}

@test "--ccguard: the SMTP AUTH login is checked, not the envelope sender" {
	filter --ccguard --login=sato@example.co.jp -f sato@example.co.jp -- \
	    client@customer.example <"$O/01-member-cc-section-head.eml"
	[ "$status" -eq 0 ]
	cmp "$O/01-member-cc-section-head.eml" "$TMP/injected"
	# the same mail by another login is refused
	rm "$TMP/injected"
	filter --ccguard --login=kato@example.co.jp -f sato@example.co.jp -- \
	    client@customer.example <"$O/01-member-cc-section-head.eml"
	[ "$status" -eq 69 ]
	[[ ${lines[0]} == "5.7.1 refused by mp-ccguard: refuse "*"sender=kato@example.co.jp"* ]]
	[ ! -e "$TMP/injected" ]
	# sato cannot pass as the president with the envelope sender
	filter --ccguard --login=sato@example.co.jp -f president@example.co.jp \
	    -- client@customer.example <"$O/06-colleague-not-superior.eml"
	[ "$status" -eq 69 ]
	[ ! -e "$TMP/injected" ]
	filter --ccguard --login=president@example.co.jp -f sato@example.co.jp \
	    -- client@customer.example <"$O/06-colleague-not-superior.eml"
	[ "$status" -eq 0 ]
}

@test "--ccguard: without a login the From address is checked, null sender too" {
	sed 's/^From: sato@/From: president@/' "$O/06-colleague-not-superior.eml" \
	    >"$TMP/m"
	for s in sato@example.co.jp ''; do
		filter --ccguard --login= -f "$s" -- client@customer.example \
		    <"$O/06-colleague-not-superior.eml"
		[ "$status" -eq 69 ]
		[[ ${lines[0]} == *"sender=sato@example.co.jp"* ]]
		filter --ccguard --login= -f "$s" -- client@customer.example \
		    <"$TMP/m"
		[ "$status" -eq 0 ]
	done
	[ "$(cat "$TMP/argv")" = "$(printf '%s\n' -G -i -f '' -- client@customer.example)" ]
	cmp "$TMP/m" "$TMP/injected"
}

@test "a missing snapshot, a failing sendmail or a bad mp.conf defers (75)" {
	mv "$TMP/org/current" "$TMP/current"
	filter --ccguard -f sato@example.co.jp -- client@customer.example \
	    <"$O/01-member-cc-section-head.eml"
	[ "$status" -eq 75 ]
	[[ ${lines[0]} == "4.3.0 mp-ccguard failed (exit 75): mp-ccguard: "* ]]
	mv "$TMP/current" "$TMP/org/current"
	printf '#!/bin/sh\ncat >/dev/null\necho no queue >&2\nexit 1\n' >"$TMP/sendmail"
	filter -f sato@example.co.jp -- a@x.example <"$TESTDATA/sample/announce.eml"
	[ "$status" -eq 75 ]
	[ "$output" = "4.3.0 mp-postfix-filter: sendmail failed (exit 1): no queue" ]
	printf '[bccify]\nthreshold = lots\n' >>"$TMP/mp.conf"
	filter --ccguard -f sato@example.co.jp -- a@x.example <"$O/01-member-cc-section-head.eml"
	[ "$status" -eq 75 ]
	[[ ${lines[0]} == "4.3.5 mp-"*" failed (exit 78): "* ]]
}

@test "a missing or crashing tool defers (75), never bounces" {
	MP_BINDIR=$TMP/none
	filter --ccguard -f sato@example.co.jp -- a@x.example <"$O/01-member-cc-section-head.eml"
	[ "$status" -eq 75 ]
	[[ ${lines[0]} == "4.3.0 mp-ccguard failed (exit 127): "* ]]
	mkdir "$TMP/bin"
	ln -s "$MP_BIN/mp-ccguard" "$TMP/bin/mp-ccguard"
	printf '#!/bin/sh\nkill -SEGV $$\n' >"$TMP/bin/mp-bccify"
	chmod +x "$TMP/bin/mp-bccify"
	MP_BINDIR=$TMP/bin
	filter --ccguard -f sato@example.co.jp -- a@x.example <"$O/01-member-cc-section-head.eml"
	[ "$status" -eq 75 ]
	[[ ${lines[0]} == "4.3.0 mp-bccify failed (exit 139):"* ]]
	[ ! -e "$TMP/injected" ]
}

@test "a malformed message is returned (65, 5.6.0): trying again cannot help" {
	filter --ccguard -f sato@example.co.jp -- a@x.example </dev/null
	[ "$status" -eq 65 ]
	[[ ${lines[0]} == "5.6.0 mp-ccguard: malformed message: "* ]]
	filter -f sato@example.co.jp -- a@x.example </dev/null
	[ "$status" -eq 65 ]
	[[ ${lines[0]} == "5.6.0 mp-bccify: malformed message: "* ]]
	[ ! -e "$TMP/injected" ]
}

@test "a wrong argv defers (75) with the usage: master.cf is to fix" {
	filter -f a@b.example </dev/null
	[ "$status" -eq 75 ]
	[[ $output == "4.3.5 mp-postfix-filter: usage: "* ]]
	filter --bogus -f a@b.example -- c@d.example </dev/null
	[ "$status" -eq 75 ]
	filter -- c@d.example </dev/null
	[ "$status" -eq 75 ]
}
