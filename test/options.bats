#!/usr/bin/env bats
# options.bats - each command's option table (MpOptSpec rows in its
# main.c, and the notice's in lib/notice/noticeopt.c) is the one list of
# its options: the usage text and the man page say the same (and
# mp-policy's rejection notice's in lib/policy/notify.c).

load helper

# rows TOOL - the long names of TOOL's table rows, as "id name" lines
# ("n threshold" for a row with a letter, "- all" for one without)
rows() {
	local files=("$ROOT/cmd/$1/main.c")

	case $1 in
	mp-zipenc | mp-detach) files+=("$ROOT/lib/notice/noticeopt.c") ;;
	mp-policy) files+=("$ROOT/lib/policy/notify.c") ;;
	mp-hold) files+=("$ROOT/lib/hold/run.c") ;;
	esac
	awk '
	    /\.id = / { id = "-"; if (match($0, /\.id = \x27.\x27/))
		id = substr($0, RSTART + 7, 1) }
	    /\.name = "/ { n = $0; sub(/.*\.name = "/, "", n)
		sub(/".*/, "", n); print id, n }' "${files[@]}"
}

# shared - the long options every command takes (lib/cli/cli.h)
shared() {
	sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", [a-z_]*argument.*/\1/p' \
	    "$ROOT/lib/cli/cli.h"
}

# tables - the commands whose main.c has an option table
tables() {
	grep -l 'MpOptSpec' "$ROOT"/cmd/*/main.c | xargs -n1 dirname |
	    xargs -n1 basename
}

@test "options: the converted commands are the ones expected" {
	run tables
	for t in mp-bccify mp-classify mp-ccguard mp-zipenc mp-detach \
	    mp-orgsync mp-policy; do
		grep -qx "$t" <<<"$output" || { echo "$t has no table"; false; }
	done
}

@test "options: every row is in the usage text and the man page" {
	for t in $(tables); do
		usage=$("$t" --help)
		[ -n "$(rows "$t")" ]
		while read -r id name; do
			if [ "$id" != - ]; then
				grep -qE -- "(^|[[ ])-$id " <<<"$usage" ||
				    { echo "$t: -$id not in --help"; false; }
			else
				grep -qE -- "--$name([] ]|\$)" <<<"$usage" ||
				    { echo "$t: --$name not in --help"; false; }
			fi
			grep -qE -- "^\.It Fl (.( Ar [a-z]*)? , Fl )?-$name( |\$)" \
			    "$ROOT/man/$t.1" ||
			    { echo "$t: --$name not in $t.1"; false; }
		done < <(rows "$t")
	done
}

@test "options: every option of the usage text and the page is a row or shared" {
	for t in $(tables); do
		known=$( (rows "$t" | cut -d' ' -f2; shared) | sort -u)
		for o in $("$t" --help | grep -oE -- '--[a-z][a-z-]*' |
		    sed 's/^--//' | sort -u); do
			grep -qx -- "$o" <<<"$known" ||
			    { echo "$t --help: --$o is in no table"; false; }
		done
		for o in $(sed -n 's/^\.It Fl -\([a-z][a-z-]*\).*/\1/p' \
		    "$ROOT/man/$t.1" | sort -u); do
			grep -qx -- "$o" <<<"$known" ||
			    { echo "$t.1: --$o is in no table"; false; }
		done
	done
}

@test "options: a keyed row and its key accept the same values" {
	printf '[domains]\ninternal = example.co.jp\n[bccify]\nthreshold = 0\n' \
	    >"$BATS_TEST_TMPDIR/c"
	run mp-bccify -c "$BATS_TEST_TMPDIR/c" </dev/null
	[ "$status" -eq 78 ]
	[[ $output == *"[bccify] threshold: 0 is outside 1..1000000"* ]]
	run mp-bccify --internal example.co.jp -n 0 </dev/null
	[ "$status" -eq 64 ]
	[ "$output" = "mp-bccify: -n: not a number from 1 to 1000000: 0" ]
	run mp-bccify --internal example.co.jp -n 1000001 </dev/null
	[ "$status" -eq 64 ]
	printf 'From: a@example.co.jp\nTo: b@example.com\n\nhi\n' \
	    >"$BATS_TEST_TMPDIR/m"
	run mp-bccify --internal example.co.jp -n 1000000 "$BATS_TEST_TMPDIR/m"
	[ "$status" -eq 0 ]
}

@test "options: two options of one setting are a usage error, flag over file" {
	printf 'From: a@example.co.jp\nTo: b@example.com, c@example.com\n\nhi\n' \
	    >"$BATS_TEST_TMPDIR/m"
	run mp-bccify --internal example.co.jp --all --self-only \
	    "$BATS_TEST_TMPDIR/m"
	[ "$status" -eq 64 ]
	[[ ${lines[0]} == "usage: mp-bccify "* ]]
	printf '[domains]\ninternal = example.co.jp\n[bccify]\ntrace = no\n' \
	    >"$BATS_TEST_TMPDIR/c"
	run mp-bccify -c "$BATS_TEST_TMPDIR/c" --self-only "$BATS_TEST_TMPDIR/m"
	[ "$status" -eq 0 ]
	refute grep -q '^X-MP-Bccify' <<<"$output"
	run mp-bccify -c "$BATS_TEST_TMPDIR/c" --self-only --trace \
	    "$BATS_TEST_TMPDIR/m"
	grep -q '^X-MP-Bccify' <<<"$output"
}
