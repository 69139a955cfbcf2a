#!/usr/bin/env bats
# completion.bats - the bash completions offer the right words; the zsh
# ones parse.

if [ -f "$BATS_TEST_DIRNAME/helper.bash" ]; then
	load helper
else
	MP_BIN=${MP_BIN:-$BATS_TEST_DIRNAME/../build/bin}
	PATH=$MP_BIN:$PATH
fi
COMP=$BATS_TEST_DIRNAME/../completions

# complete TOOL WORD... - load TOOL's bash completion in a fresh bash,
# complete the last WORD of the command line "TOOL WORD...", and print
# COMPREPLY one word a line.  Runs in $BATS_TEST_TMPDIR, where
# make_tree puts files to complete.
complete_line() {
	local tool=$1

	shift
	(cd "$BATS_TEST_TMPDIR" && bash --norc --noprofile -c '
	    source "$1" || exit 1
	    fn=$(complete -p "$2" | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
	    [ -n "$fn" ] || exit 2
	    shift
	    COMP_WORDS=("$@")
	    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
	    COMP_LINE="${COMP_WORDS[*]}"
	    COMP_POINT=${#COMP_LINE}
	    COMPREPLY=()
	    "$fn"
	    printf "%s\n" "${COMPREPLY[@]}"' _ "$COMP/$tool.bash" "$tool" "$@")
}

make_tree() {
	mkdir -p "$BATS_TEST_TMPDIR/Maildir/cur" "$BATS_TEST_TMPDIR/archive"
	: >"$BATS_TEST_TMPDIR/sent.mbox"
	: >"$BATS_TEST_TMPDIR/mp.conf"
}

# has WORD - whether $output has WORD as a line
has() {
	grep -qx -- "$1" <<<"$output"
}

# hasnt WORD - whether $output lacks WORD (a function, so that a failure
# fails the test: bash's set -e ignores a command negated with !)
hasnt() {
	refute grep -qx -- "$1" <<<"$output"
}

@test "completion: bash files define and register their functions" {
	run complete_line mp-classify mp-classify ''
	[ "$status" -eq 0 ]
	run complete_line mp-bccify mp-bccify ''
	[ "$status" -eq 0 ]
	grep -q '^_mp_classify()' "$COMP/mp-classify.bash"
	grep -q '^_mp_bccify()' "$COMP/mp-bccify.bash"
	grep -q '^complete -F _mp_classify mp-classify$' "$COMP/mp-classify.bash"
	grep -q '^complete -F _mp_bccify mp-bccify$' "$COMP/mp-bccify.bash"
}

@test "completion: every bash file gets the shared helpers from mp-common" {
	for f in "$COMP"/mp-*.bash; do
		[ "$f" = "$COMP/mp-common.bash" ] && continue
		refute grep -q '^__mp_complete()' "$f"
	done
	for f in mp-classify mp-bccify mp-zipenc mp-orgsync mp-ccguard \
	    mp-detach mp-policy mp-hold; do
		bash --norc -c 'source "$1"; declare -f __mp_complete __mp_in __mp_files' \
		    _ "$COMP/$f.bash" >"$BATS_TEST_TMPDIR/$f.helpers"
	done
	cmp "$BATS_TEST_TMPDIR/mp-classify.helpers" \
	    "$BATS_TEST_TMPDIR/mp-bccify.helpers"
	cmp "$BATS_TEST_TMPDIR/mp-classify.helpers" \
	    "$BATS_TEST_TMPDIR/mp-zipenc.helpers"
	for f in mp-orgsync mp-ccguard mp-detach mp-policy mp-hold; do
		cmp "$BATS_TEST_TMPDIR/mp-classify.helpers" \
		    "$BATS_TEST_TMPDIR/$f.helpers"
	done
}

@test "completion: mp-bccify --se offers --self-only and --sender" {
	run complete_line mp-bccify mp-bccify --se
	[ "$status" -eq 0 ]
	has --self-only
	has --sender
	has --semi-internal
	hasnt --syslog
}

@test "completion: mp-bccify offers every option after -" {
	run complete_line mp-bccify mp-bccify -
	for o in -n --threshold --all --self-only --bcc-header --no-trace \
	    --sender -c --config --internal --semi-internal --syslog --mbox \
	    --maildir -h --help --version; do
		has "$o" || { echo "missing $o"; false; }
	done
}

@test "completion: mp-classify offers every option after -" {
	run complete_line mp-classify mp-classify -
	for o in -a --annotate --json -c --config --internal --semi-internal \
	    -r --recipient --resent --syslog --mbox --maildir -h --help \
	    --version; do
		has "$o" || { echo "missing $o"; false; }
	done
}

@test "completion: the options of mp-classify -h are offered" {
	run complete_line mp-classify mp-classify -
	words=$output
	for o in $(mp-classify -h | grep -oE -- '(^|[][ |])--?[a-z][a-z-]*' |
	    sed 's/^[][ |]//'); do
		grep -qx -- "$o" <<<"$words" || { echo "missing $o"; false; }
	done
}

@test "completion: the options of mp-bccify -h are offered" {
	run complete_line mp-bccify mp-bccify -
	words=$output
	for o in $(mp-bccify -h | grep -oE -- '(^|[][ |])--?[a-z][a-z-]*' |
	    sed 's/^[][ |]//'); do
		grep -qx -- "$o" <<<"$words" || { echo "missing $o"; false; }
	done
}

@test "completion: --all and --self-only exclude each other" {
	run complete_line mp-bccify mp-bccify --all --s
	has --sender
	hasnt --self-only
	run complete_line mp-bccify mp-bccify --self-only --a
	hasnt --all
}

@test "completion: mp-classify -a excludes --json and batch input" {
	run complete_line mp-classify mp-classify -a --
	hasnt --json
	hasnt --mbox
	hasnt --maildir
	hasnt --annotate
	has --resent
	run complete_line mp-classify mp-classify --json -
	hasnt -a
	hasnt --annotate
	has --mbox
}

@test "completion: --mbox and --maildir exclude each other and files" {
	make_tree
	run complete_line mp-classify mp-classify --mbox sent.mbox --m
	hasnt --maildir
	hasnt --mbox
	run complete_line mp-bccify mp-bccify --maildir Maildir ''
	[ -z "$output" ]
}

@test "completion: after --maildir only directories are offered" {
	make_tree
	run complete_line mp-bccify mp-bccify --maildir ''
	[ "$status" -eq 0 ]
	has Maildir
	has archive
	hasnt sent.mbox
	hasnt mp.conf
	run complete_line mp-classify mp-classify --maildir M
	[ "$output" = Maildir ]
}

@test "completion: after -c and --mbox files are offered" {
	make_tree
	run complete_line mp-classify mp-classify -c m
	has mp.conf
	run complete_line mp-bccify mp-bccify --config ''
	has mp.conf
	has sent.mbox
	run complete_line mp-classify mp-classify --mbox s
	[ "$output" = sent.mbox ]
}

@test "completion: --mbox=FILE is completed after the =" {
	make_tree
	# COMP_WORDBREAKS splits --mbox=se into --mbox, = and se
	run complete_line mp-bccify mp-bccify --mbox = se
	[ "$output" = sent.mbox ]
	run complete_line mp-bccify mp-bccify --mbox =
	has sent.mbox
	# and a word kept whole keeps its --mbox= prefix
	run complete_line mp-bccify mp-bccify --mbox=se
	[ "$output" = --mbox=sent.mbox ]
}

@test "completion: message files are offered as arguments" {
	make_tree
	run complete_line mp-classify mp-classify --json se
	[ "$output" = sent.mbox ]
	run complete_line mp-bccify mp-bccify -- ''
	has sent.mbox
	has mp.conf
}

@test "completion: nothing is offered for domains, addresses, numbers" {
	make_tree
	for w in --internal --semi-internal -r --recipient; do
		run complete_line mp-classify mp-classify "$w" ''
		[ -z "$output" ] || { echo "$w: $output"; false; }
	done
	for w in -n --threshold --sender --internal --semi-internal; do
		run complete_line mp-bccify mp-bccify "$w" ''
		[ -z "$output" ] || { echo "$w: $output"; false; }
	done
}

@test "completion: zsh files parse (zsh -n)" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	for t in mp-classify mp-bccify mp-zipenc mp-orgsync mp-ccguard \
	    mp-detach; do
		run zsh -n "$COMP/_$t"
		echo "$output"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
}

@test "completion: zsh files are #compdef files for their tool" {
	for t in mp-classify mp-bccify mp-zipenc mp-orgsync mp-ccguard \
	    mp-detach; do
		[ "$(head -n 1 "$COMP/_$t")" = "#compdef $t" ]
		grep -q '_arguments' "$COMP/_$t"
	done
}

@test "completion: zsh files name every option of -h" {
	for t in mp-classify mp-bccify mp-zipenc mp-orgsync mp-ccguard \
	    mp-detach; do
		for o in $("$t" -h | grep -oE -- '(^|[][ |])--?[a-z][a-z-]*' |
		    sed 's/^[][ |]//'); do
			grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" "$COMP/_$t" ||
			    { echo "_$t: no $o"; false; }
		done
	done
}

@test "completion: mp-zipenc offers every option of -h, and choices" {
	run complete_line mp-zipenc mp-zipenc -
	words=$output
	for o in $(mp-zipenc -h | grep -oE -- '(^|[][ |])--?[a-z][a-z-]*' |
	    sed 's/^[][ |]//'); do
		grep -qx -- "$o" <<<"$words" || { echo "missing $o"; false; }
	done
	run complete_line mp-zipenc mp-zipenc --cipher ''
	[ "$output" = "$(printf 'aes256\nzipcrypto')" ]
	run complete_line mp-zipenc mp-zipenc --notify r
	[ "$output" = recipients ]
	run complete_line mp-zipenc mp-zipenc --lang = e
	[ "$output" = en ]
	run complete_line mp-zipenc mp-zipenc --password-length 20 --pass
	hasnt --password-file
	make_tree
	run complete_line mp-zipenc mp-zipenc --notice-maildir ''
	has Maildir
	hasnt sent.mbox
	run complete_line mp-zipenc mp-zipenc --delay ''
	[ -z "$output" ]
}

@test "completion: mp-orgsync and mp-ccguard register and offer every option of -h" {
	for t in mp-orgsync mp-ccguard; do
		fn=_$(echo "$t" | tr - _)
		grep -q "^$fn()" "$COMP/$t.bash"
		grep -q "^complete -F $fn $t\$" "$COMP/$t.bash"
		run complete_line "$t" "$t" -
		[ "$status" -eq 0 ]
		words=$output
		for o in $("$t" -h | grep -oE -- '(^|[][ |])--?[a-z][a-z-]*' |
		    sed 's/^[][ |]//'); do
			grep -qx -- "$o" <<<"$words" ||
			    { echo "$t: missing $o"; false; }
		done
	done
}

@test "completion: mp-orgsync --encoding offers encodings, --rollback generations" {
	make_tree
	mkdir -p "$BATS_TEST_TMPDIR/snaps"
	: >"$BATS_TEST_TMPDIR/snaps/org-20261122T193008Z.cdb"
	: >"$BATS_TEST_TMPDIR/snaps/org-20261123T193012Z.cdb"
	run complete_line mp-orgsync mp-orgsync --encoding C
	[ "$output" = CP932 ]
	run complete_line mp-orgsync mp-orgsync --dir snaps --rollback ''
	[ "$output" = "$(printf '20261122T193008Z\n20261123T193012Z')" ]
	# --dir=DIR, split at the = or not, before or after --rollback
	run complete_line mp-orgsync mp-orgsync --dir = snaps --rollback 2026112
	[ "$output" = "$(printf '20261122T193008Z\n20261123T193012Z')" ]
	run complete_line mp-orgsync mp-orgsync --rollback --dir=snaps 20261123
	[ "$output" = 20261123T193012Z ]
	run complete_line mp-orgsync mp-orgsync --dir ''
	has snaps
	hasnt mp.conf
	run complete_line mp-orgsync mp-orgsync --changes ''
	has mp.conf
}

@test "completion: the forms of mp-orgsync exclude each other" {
	make_tree
	run complete_line mp-orgsync mp-orgsync --explain a@example.co.jp -
	has --dir
	has -c
	hasnt --force
	hasnt --rollback
	hasnt --list
	run complete_line mp-orgsync mp-orgsync --list ''
	[ -z "$output" ]
	run complete_line mp-orgsync mp-orgsync --explain ''
	[ -z "$output" ]
	run complete_line mp-orgsync mp-orgsync --dry-run -
	has --force
	hasnt --explain
	hasnt --list
	run complete_line mp-orgsync mp-orgsync --force se
	[ "$output" = sent.mbox ]
}

@test "completion: mp-ccguard -a excludes --json, --summary and batch input" {
	make_tree
	run complete_line mp-ccguard mp-ccguard -a --
	hasnt --json
	hasnt --summary
	hasnt --mbox
	has --snapshot
	has --sender
	run complete_line mp-ccguard mp-ccguard --summary -
	hasnt -a
	has --json
	has --mbox
	run complete_line mp-ccguard mp-ccguard --snapshot m
	[ "$output" = mp.conf ]
	run complete_line mp-ccguard mp-ccguard --sender ''
	[ -z "$output" ]
}

@test "completion: mp-detach offers every option of -h, choices, and one mode" {
	run complete_line mp-detach mp-detach -
	words=$output
	for o in $(mp-detach -h | grep -oE -- '(^|[][ |])--?[a-z][a-z-]*' |
	    sed 's/^[][ |]//'); do
		grep -qx -- "$o" <<<"$words" || { echo "missing $o"; false; }
	done
	grep -q '^_mp_detach()' "$COMP/mp-detach.bash"
	grep -q '^complete -F _mp_detach mp-detach$' "$COMP/mp-detach.bash"
	run complete_line mp-detach mp-detach --lang ''
	[ "$output" = "$(printf 'ja\nen')" ]
	run complete_line mp-detach mp-detach --notify = s
	[ "$output" = sender ]
	run complete_line mp-detach mp-detach --list --
	hasnt --show
	hasnt --purge
	has --store
	make_tree
	run complete_line mp-detach mp-detach --store ''
	has Maildir
	hasnt sent.mbox
	for w in --min-size --expires --base-url --show --revoke; do
		run complete_line mp-detach mp-detach "$w" ''
		[ -z "$output" ] || { echo "$w: $output"; false; }
	done
}
