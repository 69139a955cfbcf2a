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
TOOLS="mp-classify mp-bccify mp-zipenc mp-orgsync mp-ccguard mp-detach mp-policy
    mp-hold"
PAGES="mp-classify.1 mp-bccify.1 mp-zipenc.1 mp-orgsync.1 mp-ccguard.1
       mp-detach.1 mp-policy.1 mp-download.8 mp.conf.5 mp-org.conf.5 mp.7
       mp-hold.1 mp-hold-web.8 mp-gate.8"

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
	for p in mp-classify.1 mp-bccify.1 mp-zipenc.1 mp-orgsync.1 \
	    mp-ccguard.1 mp-detach.1 mp-policy.1 mp-download.8 mp.7 \
	    mp.conf.5 mp-org.conf.5; do
		grep -qx '\.Sh EXAMPLES' "$ROOT/man/$p" ||
		    { echo "$p: no EXAMPLES"; false; }
	done
	for p in mp-classify.1 mp-bccify.1 mp-zipenc.1 mp-orgsync.1 \
	    mp-ccguard.1 mp-detach.1 mp-policy.1 mp-download.8 mp.7 \
	    mp-org.conf.5; do
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

@test "docs: mp-download.8 SYNOPSIS is its usage text" {
	need_mandoc
	usage=$(mp-download -h | sed 's/^usage: //' | one_line)
	synopsis=$(section mp-download.8 SYNOPSIS | one_line)
	[ "$usage" = "$synopsis" ]
}

@test "docs: mp-gate.8 SYNOPSIS is its usage text, each option under OPTIONS" {
	need_mandoc
	usage=$(mp-gate -h | sed 's/^usage: //' | one_line)
	synopsis=$(section mp-gate.8 SYNOPSIS | one_line)
	echo "usage:    $usage"
	echo "SYNOPSIS: $synopsis"
	[ "$usage" = "$synopsis" ]
	grep -qx '\.Sh EXIT STATUS' "$ROOT/man/mp-gate.8"
	documented=$(section mp-gate.8 OPTIONS | grep -o -- '--[a-z-]*' | sort -u)
	for o in $(mp-gate --help | options | grep -- '^--' | sort -u); do
		grep -qx -- "$o" <<<"$documented" ||
		    { echo "mp-gate: $o not in OPTIONS"; false; }
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
			# with no configuration, nothing is done past the options
			run env MP_CONFIG="$BATS_TEST_TMPDIR/none" "$t" "$o" </dev/null
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

# schema_keys - "GROUP|KEY" for every key of the schema; a family of
# sections is "rule *", of keys "header.*"
schema_keys() {
	sed -n 's/^[[:space:]]*{ "\([a-z *-]*\)", "\([a-z.*-]*\)",.*/\1|\2/p' \
	    "$ROOT/lib/base/schema.c"
}

@test "docs: mp.conf.5 documents every section and key of the schema" {
	keys=$(schema_keys)
	[ -n "$keys" ]
	# the families are there too
	grep -qx 'rule \*|if' <<<"$keys"
	grep -qx 'keywords \*|words' <<<"$keys"
	grep -qx 'orgsync|column\.\*' <<<"$keys"
	while IFS='|' read -r group key; do
		# "rule *" is written [rule NAME]; column.* as "Cm column. Ns Ar NAME"
		case $group in
		*' *') title="[${group% \*} NAME]" ;;
		*) title="[$group]" ;;
		esac
		key=${key%\*}
		grep -qxF ".Ss $title" "$ROOT/man/mp.conf.5" ||
		    { echo "no section $title"; false; }
		awk -v t=".Ss $title" -v k="$key" '
		    /^\.Ss / { on = ($0 == t) }
		    on && $1 == ".It" && $2 == "Cm" && $3 == k { found = 1 }
		    END { exit !found }' "$ROOT/man/mp.conf.5" ||
		    { echo "$title $key is not documented"; false; }
	done <<<"$keys"
}

@test "docs: the sample file of mp.conf.5 sets every key and is accepted" {
	need_mandoc
	tmp=$BATS_TEST_TMPDIR
	section mp.conf.5 EXAMPLES |
	    sed -n '/^ *# mp.conf/,/^ *The error for a mistyped key/p' | sed '$d' |
	    sed 's/^ *//' >"$tmp/mp.conf"
	grep -q '^\[domains\]' "$tmp/mp.conf"
	for k in $(schema_keys | cut -d'|' -f2); do
		# a family such as header.* is one key of it
		re=${k//./\\.}
		grep -qE "^${re/%\*/[A-Za-z_-]+} *=" "$tmp/mp.conf" ||
		    { echo "no $k"; false; }
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

# render_utf8 PAGE - the page as UTF-8 text (the Japanese of the example
# org stays readable), no overstrike, no line wrapping
render_utf8() {
	mandoc -Tutf8 -O width=500 "$ROOT/man/$1" | sed 's/.\x08//g'
}

# display PAGE FIRST - the literal display of PAGE whose first line is
# FIRST, up to its end, without the 11 columns of indentation
display() {
	render_utf8 "$1" | awk -v first="^           $2\$" '
	    !on && $0 ~ first { on = 1 }
	    on && $0 != "" && !/^           / { exit }
	    on { sub(/^           /, ""); print }' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# example_org DIR - the snapshot of testdata/org published in DIR
example_org() {
	mp-orgsync -c /dev/null --org "$TESTDATA/org/org.conf" --dir "$1" \
	    "$TESTDATA/org/hr.csv" >/dev/null
}

@test "docs: the example org of mp-org.conf.5 is the one of testdata/org" {
	need_mandoc
	display mp-org.conf.5 '# org.conf - .*' | diff -u "$TESTDATA/org/org.conf" -
	display mp-org.conf.5 'employee_id,email,.*' |
	    diff -u "$TESTDATA/org/hr.csv" -
}

@test "docs: the --explain examples are what mp-orgsync --explain prints" {
	need_mandoc
	tmp=$BATS_TEST_TMPDIR
	example_org "$tmp/org"
	n=0
	# each "$ mp-orgsync --explain ADDRESS" of a display, and the lines
	# after it: one that does not start with a space, then those that do
	{ render_utf8 mp-orgsync.1; render_utf8 mp-org.conf.5; } |
	    sed 's/^           //' | awk -v dir="$tmp" '
	    /^\$ mp-orgsync --explain / {
		f = dir "/want." ++n; print $4 >(dir "/addr." n); head = 1; next
	    }
	    f && head { print >f; head = 0; next }
	    f && /^ / { print >f; next }
	    { f = "" }'
	for a in "$tmp"/addr.*; do
		i=${a##*.}
		addr=$(cat "$a")
		run mp-orgsync -c /dev/null --dir "$tmp/org" --explain "$addr"
		got=$(printf '%s\n' "$output" |
		    sed -E 's/\(generation [0-9TZ-]+\)/(generation G)/')
		want=$(sed -E 's/\(generation [0-9TZ-]+\)/(generation G)/' \
		    "$tmp/want.$i")
		echo "--- $addr"
		diff -u <(echo "$want") <(echo "$got")
		n=$((n + 1))
	done
	[ "$n" -ge 9 ]
}

@test "docs: the change set of mp-orgsync.1 is what mp-orgsync prints" {
	need_mandoc
	tmp=$BATS_TEST_TMPDIR
	example_org "$tmp/org"
	# Ito heads section 111, Kato moves to 111, Tanaka joins, Shimizu leaves
	sed -e '/^E006,/s/,40,0$/,30,0/' -e '/^E007,/s/,112,,50,0$/,111,,50,0/' \
	    -e '/^E009,/d' "$TESTDATA/org/hr.csv" >"$tmp/next.csv"
	echo 'E040,tanaka@example.co.jp,田中 陽子,100,110,112,,30,0' \
	    >>"$tmp/next.csv"
	mp-orgsync -c /dev/null --org "$TESTDATA/org/org.conf" \
	    --dir "$tmp/org" "$tmp/next.csv" >"$tmp/got"
	render_utf8 mp-orgsync.1 | sed -n 's/^ *\({"event":\)/\1/p' |
	    grep -v group-created >"$tmp/want"
	diff -u "$tmp/want" "$tmp/got"
	# and the group-created line is one of the first run
	example_org "$tmp/first"
	mp-orgsync -c /dev/null --org "$TESTDATA/org/org.conf" \
	    --dir "$tmp/empty" --dry-run "$TESTDATA/org/hr.csv" |
	    grep -qxF "$(render_utf8 mp-orgsync.1 |
	    sed -n 's/^ *\({"event":"group-created".*\)/\1/p')"
}

@test "docs: the mp-ccguard examples are what mp-ccguard prints" {
	need_mandoc
	tmp=$BATS_TEST_TMPDIR
	example_org "$tmp/org"
	printf '[domains]\ninternal = example.co.jp\nsemi-internal = group.example.jp\n[ccguard]\nsnapshot = %s/org/current\n' \
	    "$tmp" >"$tmp/mp.conf"
	ex=$(render_utf8 mp-ccguard.1 | sed 's/^           //')
	printf '%s\n' "$ex" | sed -n '/^\$ cat msg.eml$/,/^\$ mp-ccguard/p' |
	    sed '1d;$d' >"$tmp/msg.eml"
	[ -s "$tmp/msg.eml" ]
	run mp-ccguard -c "$tmp/mp.conf" <"$tmp/msg.eml"
	[ "$status" -eq 1 ]
	printf '%s\n' "$ex" | grep -qxF -- "$output"
	sed -i 's/^Cc: ito@/Cc: kacho111@/' "$tmp/msg.eml"
	run mp-ccguard -c "$tmp/mp.conf" <"$tmp/msg.eml"
	[ "$status" -eq 0 ]
	printf '%s\n' "$ex" | grep -qxF -- "$output"
	# last month's mail: the 30 messages of testdata/org/mail
	for f in "$TESTDATA"/org/mail/*.eml; do
		echo "From mp@example.co.jp  Mon Nov  2 10:00:00 2026"
		cat "$f"
		echo
	done >"$tmp/sent.mbox"
	run mp-ccguard -c "$tmp/mp.conf" --summary --mbox "$tmp/sent.mbox"
	[ "$status" -eq 1 ]
	printf '%s\n' "$ex" | grep -qxF -- "${lines[${#lines[@]}-1]}"
}

@test "docs: the pages of mp-orgsync and mp-ccguard name every exit status" {
	for code in 0 1 64 65 66 73 74 75 78; do
		grep -qx "\.It $code" "$ROOT/man/mp-orgsync.1" ||
		    { echo "mp-orgsync.1: no exit status $code"; false; }
	done
	for code in 0 1 64 65 66 74 75 78; do
		grep -qx "\.It $code" "$ROOT/man/mp-ccguard.1" ||
		    { echo "mp-ccguard.1: no exit status $code"; false; }
	done
}

@test "docs: the master.cf lines of mp-gate.8 and mp.7 are those test/lib/postfix-gate.bash runs Postfix with" {
	python3 - "$ROOT" <<-'PY'
	import re, sys
	root = sys.argv[1]
	def span(lines):
	    """from the mpgate transport to the re-injection smtpd's last -o"""
	    s = next(i for i, l in enumerate(lines) if l.strip().startswith("mpgate "))
	    e = next(i for i in range(s, len(lines))
	             if "smtpd_authorized_xforward_hosts" in lines[i])
	    return [re.sub(r"\s+", " ", l.strip()) for l in lines[s:e + 1]]
	harness = open(root + "/test/lib/postfix-gate.bash").read()
	harness = harness.replace("$PFG_NEXT_PORT", "10026").replace("$PFG_GATE_PORT", "10025")
	want = span(harness.splitlines())
	assert len(want) >= 10, want
	for page in ("mp-gate.8", "mp.7"):
	    text = open(root + "/man/" + page).read()
	    got = span(text.splitlines())
	    if got != want:
	        print(page, "differs:\n", "\n".join(got), "\nfrom the harness:\n", "\n".join(want))
	        sys.exit(1)
	    for line in ("-o content_filter=mpgate:[127.0.0.1]:10025",
	                 "-o smtpd_proxy_filter=127.0.0.1:10025",
	                 "smtpd_sasl_authenticated_header = yes"):
	        assert line in text, (page, line)
	        assert line in harness, ("the harness", line)
	PY
}
