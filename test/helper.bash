# helper.bash - shared set-up for the bats suites
#
# MP_BIN: the binaries under test (make check sets it; the ASan build
# points it at build-asan/bin).  MP_CORPUS: real mail nobody here wrote,
# used when present.

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
MP_BIN=${MP_BIN:-$ROOT/build/bin}
PATH="$MP_BIN:$PATH"
TESTDATA=$ROOT/testdata
MAIL=$TESTDATA/mail
CORPUS=${MP_CORPUS:-$ROOT/../shared/corpus}
# shellcheck disable=SC2034 # used by the bats files that load this
HDR="python3 $BATS_TEST_DIRNAME/lib/hdr.py"
export MP_BIN PATH TESTDATA MAIL CORPUS

# An empty configuration directory per test: nothing from the host's
# /usr/local/etc/mp leaks in, and MP_CONFIG is unset.
setup_tmp() {
	TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/mp-test.XXXXXX")
	unset MP_CONFIG
}

# teardown_tmp - remove TMP; returns 0 when there is none, so that a test
# skipped before setup_tmp (no lighttpd, no browser) stays a skip
teardown_tmp() {
	if [ -n "${TMP:-}" ]; then
		if mountpoint -q "$TMP/small"; then
			umount "$TMP/small"
		fi
		rm -rf "$TMP"
	fi
}

# small_tmpdir - a 1 MB tmpfs at $TMP/small, a TMPDIR that fills up
# (skips without root); teardown_tmp unmounts it
small_tmpdir() {
	mkdir "$TMP/small"
	mount -t tmpfs -o size=1m tmpfs "$TMP/small" 2>/dev/null ||
	    skip "cannot mount a small tmpfs (needs root)"
}

# skip_sanitized TOOL - skip a memory measure: AddressSanitizer's shadow
# and quarantine are no measure of mp
skip_sanitized() {
	if grep -q __asan_init "$(command -v "$1")"; then
		skip "a sanitizer build"
	fi
}

# refute CMD [ARG...] - fail the test if CMD succeeds.  A bare `! cmd` in
# the middle of a test never fails it (bash's set -e ignores a negated
# command, ShellCheck SC2314); `refute cmd` does, and says what matched.
# A grep that could not read its file (status 2) fails the test too: a
# missing file proves nothing absent.
refute() {
	local status=0

	"$@" || status=$?
	if [ "$status" -eq 0 ]; then
		echo "refute: this succeeded but must not: $*" >&2
		return 1
	fi
	if [ "$1" = grep ] && [ "$status" -gt 1 ]; then
		echo "refute: grep failed ($status): $*" >&2
		return 1
	fi
	return 0
}

# write_conf FILE - the stdin text as a config file
write_conf() {
	cat >"$1"
}

need_corpus() {
	[ -d "$CORPUS" ] || skip "no corpus at $CORPUS"
}

# Fault injection: test/lib/faultshim.c, preloaded into the dynamically
# linked build of the tools (make check sets both; the static build
# cannot be preloaded).  need_faultshim skips a test without them.
MP_FAULT_BIN=${MP_FAULT_BIN:-}
MP_FAULTSHIM=${MP_FAULTSHIM:-}

need_faultshim() {
	[ -n "$MP_FAULTSHIM" ] && [ -f "$MP_FAULTSHIM" ] &&
	    [ -n "$MP_FAULT_BIN" ] || skip "no fault shim (make check builds it)"
}

# faulty SPEC TOOL [ARG...] - run TOOL with MP_FAULT=SPEC (see
# faultshim.c); the sanitizer build tolerates the preload
faulty() {
	local spec=$1 tool=$2

	shift 2
	MP_FAULT=$spec LD_PRELOAD=$MP_FAULTSHIM \
	    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	    "$MP_FAULT_BIN/$tool" "$@"
}
