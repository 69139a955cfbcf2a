#!/usr/bin/env bats
# scripts/mp-postfix-filter: mp in a Postfix pipe(8) content filter

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
	F=$ROOT/scripts/mp-postfix-filter
}

teardown() {
	teardown_tmp
}

@test "the rewritten message is re-injected with the envelope kept" {
	run "$F" -c "$TMP/mp.conf" -f sato@example.co.jp -- a@x.example \
	    b@y.example <"$TESTDATA/sample/announce.eml"
	[ "$status" -eq 0 ]
	[ "$(cat "$TMP/argv")" = "$(printf '%s\n' -G -i -f sato@example.co.jp -- a@x.example b@y.example)" ]
	mp-bccify -c "$TMP/mp.conf" <"$TESTDATA/sample/announce.eml" |
	    cmp - "$TMP/injected"
}

@test "--ccguard: a refusal returns the message with the reason (69)" {
	run "$F" -c "$TMP/mp.conf" --ccguard -f sato@example.co.jp -- \
	    client@customer.example <"$TESTDATA/org/mail/06-colleague-not-superior.eml"
	[ "$status" -eq 69 ]
	[ "$output" = "5.7.1 refused by mp-ccguard: refuse reason=no-superior sender=sato@example.co.jp superiors=kacho111@example.co.jp,bucho110@example.co.jp" ]
	[ ! -e "$TMP/injected" ]
}

@test "--ccguard: the envelope sender is the one checked; a pass goes through" {
	run "$F" -c "$TMP/mp.conf" --ccguard -f sato@example.co.jp -- \
	    client@customer.example <"$TESTDATA/org/mail/01-member-cc-section-head.eml"
	[ "$status" -eq 0 ]
	cmp "$TESTDATA/org/mail/01-member-cc-section-head.eml" "$TMP/injected"
	# the same mail submitted by someone else is refused
	run "$F" -c "$TMP/mp.conf" --ccguard -f kato@example.co.jp -- \
	    client@customer.example <"$TESTDATA/org/mail/01-member-cc-section-head.eml"
	[ "$status" -eq 69 ]
}

@test "a missing snapshot or a failing sendmail defers (75)" {
	rm "$TMP/org/current"
	run "$F" -c "$TMP/mp.conf" --ccguard -f sato@example.co.jp -- \
	    client@customer.example <"$TESTDATA/org/mail/01-member-cc-section-head.eml"
	[ "$status" -eq 75 ]
	printf '#!/bin/sh\ncat >/dev/null\nexit 1\n' >"$TMP/sendmail"
	run "$F" -c "$TMP/mp.conf" -f sato@example.co.jp -- a@x.example \
	    <"$TESTDATA/sample/announce.eml"
	[ "$status" -eq 75 ]
}

@test "a configuration error is passed on (78: Postfix defers)" {
	run "$F" -c "$TMP/missing.conf" -f sato@example.co.jp -- a@x.example \
	    <"$TESTDATA/sample/announce.eml"
	[ "$status" -eq 78 ]
}

@test "usage errors exit 64" {
	run "$F" -f a@b.example </dev/null
	[ "$status" -eq 64 ]
	run "$F" --bogus </dev/null
	[ "$status" -eq 64 ]
}
