#!/usr/bin/env bats
# policy-examples.bats - the example policies of mp-policy(1), in
# testdata/policy, say of the example messages what expected.txt says.

load helper

POLICY=$TESTDATA/policy

setup_file() {
	command -v mp-policy >/dev/null || return 0
	python3 "$POLICY/mkmail.py" --big "$BATS_FILE_TMPDIR/big"
	mp-orgsync -c /dev/null --org "$TESTDATA/org/org.conf" \
	    --dir "$BATS_FILE_TMPDIR/org" "$TESTDATA/org/hr.csv" >/dev/null
}

setup() {
	cd "$ROOT" || return 1
}

need_policy() {
	command -v mp-policy >/dev/null ||
	    { echo "mp-policy is not built (make)"; return 1; }
}

# conf NAME - the -c argument for testdata/policy/NAME: the file itself,
# or a copy whose snapshot is the example org's
conf() {
	if grep -q '^snapshot = ' "$POLICY/$1"; then
		sed "s|^snapshot = .*|snapshot = $BATS_FILE_TMPDIR/org/current|" \
		    "$POLICY/$1" >"$BATS_FILE_TMPDIR/$1"
		echo "$BATS_FILE_TMPDIR/$1"
	else
		echo "testdata/policy/$1"
	fi
}

# message NAME - the path of an example message, relative to the root
# for those of testdata/policy/mail
message() {
	if [ -f "testdata/policy/mail/$1" ]; then
		echo "testdata/policy/mail/$1"
	else
		echo "$BATS_FILE_TMPDIR/big/$1"
	fi
}

# cases CONF - run every case of expected.txt for CONF; say each one
# that fails, and fail after the last
cases() {
	local c m flags want line file msg n=0 bad=0
	local -a argv

	need_policy
	file=$(conf "$1")
	while IFS='|' read -r c m flags want line; do
		c=$(trim "$c") m=$(trim "$m") want=$(trim "$want")
		line=$(trim "$line")
		[ "$c" = "$1" ] || continue
		eval "argv=($flags)"
		msg=$(message "$m")
		[ -f "$msg" ] || { echo "no message $m"; return 1; }
		run mp-policy -c "$file" "${argv[@]}" "$msg"
		n=$((n + 1))
		if [ "$status" != "$want" ] || [ "$output" != "$msg: $line" ]; then
			echo "mp-policy -c $file ${argv[*]+$(printf "%q " "${argv[@]}")}$msg"
			echo "  want ($want): $msg: $line"
			echo "  got  ($status): $output"
			bad=$((bad + 1))
		fi
	done < <(grep -v -e '^#' -e '^$' "$POLICY/expected.txt")
	echo "$1: $n cases, $bad failed"
	[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}

# trim TEXT - without white space at either end
trim() {
	sed 's/^[[:space:]]*//; s/[[:space:]]*$//' <<<"$1"
}

# reason CONF KEY - the value of KEY (reason, reason.en) in CONF
reason() {
	sed -n "s/^$2 = //p" "$POLICY/$1"
}

@test "policy examples: after-hours.conf" {
	cases after-hours.conf
}

@test "policy examples: personal-data.conf" {
	cases personal-data.conf
}

@test "policy examples: size.conf" {
	cases size.conf
}

@test "policy examples: bcc.conf" {
	cases bcc.conf
}

@test "policy examples: attachments.conf" {
	cases attachments.conf
}

@test "policy examples: hold.conf" {
	cases hold.conf
}

@test "policy examples: auth.conf" {
	cases auth.conf
}

@test "policy examples: a message on standard input has no source" {
	need_policy
	run mp-policy -c testdata/policy/auth.conf \
	    --auth-user kato@example.co.jp <"$POLICY/mail/to-external.eml"
	[ "$status" -eq 1 ]
	[ "$output" = "reject rules=auth-from" ]
}

@test "policy examples: --json gives the reason in the language of --lang" {
	need_policy
	run mp-policy -c testdata/policy/auth.conf --json \
	    --auth-user kato@example.co.jp "$POLICY/mail/to-external.eml"
	[ "$status" -eq 1 ]
	[ "$(jq -r .verdict <<<"$output")" = reject ]
	[ "$(jq -c .rules <<<"$output")" = '["auth-from"]' ]
	[ "$(jq -r .reason <<<"$output")" = "$(reason auth.conf reason)" ]
	run mp-policy -c testdata/policy/auth.conf --json --lang en \
	    --auth-user kato@example.co.jp "$POLICY/mail/to-external.eml"
	[ "$status" -eq 1 ]
	[ "$(jq -r .reason <<<"$output")" = "$(reason auth.conf reason.en)" ]
}

@test "policy examples: -a adds X-MP-Policy and changes nothing else" {
	need_policy
	msg=$POLICY/mail/to-external.eml
	mp-policy -c testdata/policy/auth.conf -a \
	    --auth-user kato@example.co.jp "$msg" >"$BATS_TEST_TMPDIR/out" || true
	grep -qx 'X-MP-Policy: reject rules=auth-from' "$BATS_TEST_TMPDIR/out"
	grep -v '^X-MP-Policy: ' "$BATS_TEST_TMPDIR/out" | cmp - "$msg"
}

@test "policy examples: the messages are what mkmail.py writes" {
	python3 "$POLICY/mkmail.py" "$BATS_TEST_TMPDIR/mail"
	diff -r "$POLICY/mail" "$BATS_TEST_TMPDIR/mail"
}
