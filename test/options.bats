#!/usr/bin/env bats
# options.bats - each command's option tables (MpOptSpec rows in its
# main.c and in the library: a section's keys that another program reads
# too, the notice's in lib/notice/noticeopt.c) are the one list of its
# options: the usage text and the man page say the same.

load helper

# tablefiles TOOL - the files that hold the rows of TOOL's tables, one
# a line
tablefiles() {
	local lib=()

	case $1 in
	mp-zipenc) lib=(attach/zipenc.c notice/noticeopt.c) ;;
	mp-detach) lib=(attach/detach.c notice/noticeopt.c) ;;
	mp-bccify) lib=(bccify/bccify.c) ;;
	mp-policy) lib=(policy/notify.c) ;;
	mp-hold) lib=(hold/run.c) ;;
	mp-gate) lib=(gate/gate.c) ;;
	esac
	printf '%s\n' "$ROOT/cmd/$1/main.c" "${lib[@]/#/$ROOT/lib/}"
}

# rows TOOL - the long names of TOOL's table rows, as "id name" lines
# ("n threshold" for a row with a letter, "- all" for one without)
rows() {
	local files

	mapfile -t files < <(tablefiles "$1")
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

# tables - the commands with an option table, in main.c or the library
tables() {
	local d t files

	for d in "$ROOT"/cmd/*/; do
		t=$(basename "$d")
		mapfile -t files < <(tablefiles "$t")
		if grep -qs 'MpOptSpec' "${files[@]}"; then
			echo "$t"
		fi
	done
}

# page TOOL - TOOL's man page, section 1 or 8
page() {
	local p

	for p in "$ROOT/man/$1.1" "$ROOT/man/$1.8"; do
		if [ -e "$p" ]; then
			echo "$p"
			return
		fi
	done
	echo "$ROOT/man/$1.1"
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
			    "$(page "$t")" ||
			    { echo "$t: --$name not in $(page "$t")"; false; }
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
		    "$(page "$t")" | sort -u); do
			grep -qx -- "$o" <<<"$known" ||
			    { echo "$(page "$t"): --$o is in no table"; false; }
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
