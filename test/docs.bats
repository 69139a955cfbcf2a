#!/usr/bin/env bats
# docs.bats - the man pages are lint-clean and say what the binaries do;
# the completions know every option.

if [ -f "$BATS_TEST_DIRNAME/helper.bash" ]; then
	load helper
else
	MP_BIN=${MP_BIN:-$BATS_TEST_DIRNAME/../build/bin}
	PATH=$MP_BIN:$PATH
fi
ROOT=$BATS_TEST_DIRNAME/..
TOOLS="mp-classify mp-bccify"
PAGES="mp-classify.1 mp-bccify.1 mp.conf.5 mp.7"

need_mandoc() {
	command -v mandoc >/dev/null ||
	    skip "mandoc is not installed (apt-get install mandoc)"
}

# render PAGE - the page as plain text, no overstrike, no line wrapping
render() {
	mandoc -Tascii -O width=500 "$ROOT/man/$1" | sed 's/.\x08//g'
}

# section PAGE NAME - the rendered text of one section, without its title
section() {
	render "$1" | awk -v s="$2" '
	    /^[A-Z][A-Z ]*$/ { on = ($0 == s); next }
	    on'
}

# options - the option names in text, in order, one per line
options() {
	grep -oE -- '(^|[][ |,])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[][ |,]//'
}

# one_line - white space runs to one space, none at the ends
one_line() {
	tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'
}

# long_options TOOL - every long option the man page's OPTIONS lists
long_options() {
	section "$1.1" OPTIONS | grep -E '^ {5}-' | sed -E 's/^ +//; s/ {2,}.*//' | options |
	    grep -- '^--' | sort -u
}

@test "docs: every man page is there" {
	for p in $PAGES; do
		[ -f "$ROOT/man/$p" ] || { echo "missing man/$p"; false; }
	done
}

@test "docs: every man page is lint-clean (mandoc -Tlint -Wwarning)" {
	need_mandoc
	for p in $PAGES; do
		run mandoc -Tlint -Wwarning "$ROOT/man/$p"
		echo "$output"
		[ -z "$output" ]
		[ "$status" -eq 0 ]
	done
}

@test "docs: pages have EXIT STATUS and EXAMPLES sections" {
	for p in mp-classify.1 mp-bccify.1 mp.7 mp.conf.5; do
		grep -qx '\.Sh EXAMPLES' "$ROOT/man/$p" ||
		    { echo "$p: no EXAMPLES"; false; }
	done
	for p in mp-classify.1 mp-bccify.1 mp.7; do
		grep -qx '\.Sh EXIT STATUS' "$ROOT/man/$p" ||
		    { echo "$p: no EXIT STATUS"; false; }
	done
}

@test "docs: SYNOPSIS lists the options of -h, in the same order" {
	need_mandoc
	for t in $TOOLS; do
		run "$t" -h
		[ "$status" -eq 0 ]
		usage=$(printf '%s\n' "$output" | sed 's/^usage: //')
		synopsis=$(section "$t.1" SYNOPSIS)
		want=$(printf '%s\n' "$usage" | options)
		got=$(printf '%s\n' "$synopsis" | options)
		echo "$t usage:    " $want
		echo "$t SYNOPSIS: " $got
		[ -n "$want" ]
		[ "$want" = "$got" ]
	done
}

@test "docs: SYNOPSIS is the -h usage text word for word" {
	need_mandoc
	for t in $TOOLS; do
		usage=$("$t" -h | sed 's/^usage: //' | one_line)
		synopsis=$(section "$t.1" SYNOPSIS | one_line)
		echo "usage:    $usage"
		echo "SYNOPSIS: $synopsis"
		[ "$usage" = "$synopsis" ]
	done
}

@test "docs: every long option of --help is described under OPTIONS" {
	need_mandoc
	for t in $TOOLS; do
		documented=$(long_options "$t")
		for o in $("$t" --help | options | grep -- '^--' | sort -u); do
			grep -qx -- "$o" <<<"$documented" ||
			    { echo "$t: $o not in OPTIONS"; false; }
		done
	done
}

@test "docs: every long option under OPTIONS is accepted by the binary" {
	need_mandoc
	for t in $TOOLS; do
		opts=$(long_options "$t")
		[ -n "$opts" ]
		for o in $opts; do
			run "$t" "$o" </dev/null
			case $output in
			*"unrecognized option"*)
				echo "$t does not know $o: $output"
				false ;;
			esac
		done
	done
}

@test "docs: every long option is in both completions" {
	need_mandoc
	for t in $TOOLS; do
		opts=$( { "$t" --help | options; long_options "$t"; } |
		    grep -- '^--' | sort -u)
		[ -n "$opts" ]
		for f in "completions/$t.bash" "completions/_$t"; do
			[ -f "$ROOT/$f" ] || { echo "missing $f"; false; }
			for o in $opts; do
				grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" \
				    "$ROOT/$f" || { echo "$f: no $o"; false; }
			done
		done
	done
}

@test "docs: every short option of --help is in both completions" {
	for t in $TOOLS; do
		for o in $("$t" --help | options | grep -v -- '^--' | sort -u); do
			for f in "completions/$t.bash" "completions/_$t"; do
				grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" \
				    "$ROOT/$f" || { echo "$f: no $o"; false; }
			done
		done
	done
}

@test "docs: mp.conf.5 documents every section and key of the schema" {
	keys=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", "\([a-z-]*\)",.*/\1 \2/p' \
	    "$ROOT/lib/schema.c")
	[ -n "$keys" ]
	while read -r group key; do
		grep -qx "\.Ss \[$group\]" "$ROOT/man/mp.conf.5" ||
		    { echo "no section [$group]"; false; }
		awk -v g="[$group]" -v k="$key" '
		    /^\.Ss / { on = ($2 == g) }
		    on && $1 == ".It" && $2 == "Cm" && $3 == k { found = 1 }
		    END { exit !found }' "$ROOT/man/mp.conf.5" ||
		    { echo "[$group] $key is not documented"; false; }
	done <<<"$keys"
}

@test "docs: the sample file of mp.conf.5 sets every key and is accepted" {
	need_mandoc
	tmp=$BATS_TEST_TMPDIR
	section mp.conf.5 EXAMPLES |
	    sed -n '/^ *# mp.conf/,/^ *trace = /p' | sed 's/^ *//' >"$tmp/mp.conf"
	grep -q '^\[domains\]' "$tmp/mp.conf"
	keys=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", "\([a-z-]*\)",.*/\2/p' \
	    "$ROOT/lib/schema.c")
	for k in $keys; do
		grep -qE "^$k *=" "$tmp/mp.conf" || { echo "no $k"; false; }
	done
	printf 'From: a@example.co.jp\nTo: b@example.com\n\nhi\n' >"$tmp/m"
	run mp-classify -c "$tmp/mp.conf" "$tmp/m"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$tmp/m: internal=1 semi-internal=0 external=0" ]
	run mp-bccify -c "$tmp/mp.conf" "$tmp/m"
	[ "$status" -eq 0 ]
	# and the line number its error example gives
	sed 's/^threshold/threshhold/' "$tmp/mp.conf" >"$tmp/typo.conf"
	cd "$tmp"
	run mp-bccify -c typo.conf "$tmp/m"
	[ "$status" -eq 78 ]
	want=$(section mp.conf.5 EXAMPLES | grep 'unknown key' | one_line |
	    sed 's/mp\.conf:/typo.conf:/')
	echo "got:  $output"
	echo "want: $want"
	[ "$output" = "$want" ]
}

@test "docs: the mp-bccify example shows what mp-bccify prints" {
	need_mandoc
	tmp=$BATS_TEST_TMPDIR
	# the display is indented by 11 columns
	ex=$(section mp-bccify.1 EXAMPLES | sed 's/^           //')
	printf '%s\n' "$ex" |
	    sed -n '/^\$ cat news.eml$/,/^\$ mp-bccify/p' | sed '1d;$d' \
	    >"$tmp/news.eml"
	printf '%s\n' "$ex" |
	    sed -n '/^\$ mp-bccify -n 3 --internal/,/^Hello$/p' | sed '1d' \
	    >"$tmp/want"
	cmd=$(printf '%s\n' "$ex" | grep '^\$ mp-bccify -n 3 --internal' |
	    sed 's/^\$ //')
	[ -s "$tmp/news.eml" ]
	[ -s "$tmp/want" ]
	cd "$tmp"
	$cmd >"$tmp/got"
	diff -u "$tmp/want" "$tmp/got"
}

@test "docs: mp.7 lists every exit status" {
	for code in 0 1 64 65 66 73 74 75 78; do
		awk -v c="$code" '/^\.Sh EXIT STATUS/ { on = 1; next }
		    /^\.Sh / { on = 0 }
		    on && $0 == ".It " c { found = 1 }
		    END { exit !found }' "$ROOT/man/mp.7" ||
		    { echo "mp.7: no exit status $code"; false; }
	done
}
