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
HDR="python3 $BATS_TEST_DIRNAME/lib/hdr.py"
export MP_BIN PATH TESTDATA MAIL CORPUS

# An empty configuration directory per test: nothing from the host's
# /usr/local/etc/mp leaks in, and MP_CONFIG is unset.
setup_tmp() {
	TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/mp-test.XXXXXX")
	unset MP_CONFIG
}

teardown_tmp() {
	[ -n "${TMP:-}" ] && rm -rf "$TMP"
}

# write_conf FILE - the stdin text as a config file
write_conf() {
	cat >"$1"
}

need_corpus() {
	[ -d "$CORPUS" ] || skip "no corpus at $CORPUS"
}
