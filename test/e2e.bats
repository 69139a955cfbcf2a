#!/usr/bin/env bats
# e2e.bats - the whole way a detached attachment goes: mp-detach rewrites
# a real message, lighttpd serves mp-download, and headless Chromium
# (test/e2e/detach.mjs, playwright-core) opens the link from the message,
# types the password from the notice and downloads the file.

load helper
load lib/lighttpd

E2E=$BATS_TEST_DIRNAME/e2e

setup() {
	need_browser
	setup_tmp
}

teardown() {
	lighttpd_stop "$TMP/lt"
	teardown_tmp
}

@test "e2e: Chromium downloads the attachment with the password from the notice" {
	D=$TESTDATA/detach
	DC="python3 $BATS_TEST_DIRNAME/lib/detachcheck.py"
	mkdir -m 700 "$TMP/store"
	printf '[detach]\nstore = %s\n' "$TMP/store" >"$TMP/mp.conf"
	lighttpd_start "$TMP/lt" "$TMP/mp.conf"
	cat >>"$TMP/mp.conf" <<-EOF
	base-url = $LT_URL
	max-failures = 3
	lock-time = 10m
	EOF
	# one message per case, each with its own link and password
	for c in download lockout expiry revoke; do
		mp-detach -c "$TMP/mp.conf" --notice "$TMP/$c.notice" \
		    <"$D/report.eml" >"$TMP/$c.eml"
		$DC url "$TMP/$c.eml" >"$TMP/$c.url"
		$DC password "$TMP/$c.notice" >"$TMP/$c.pw"
		[[ $(cat "$TMP/$c.url") == "$LT_URL"* ]]
	done
	python3 - "$TMP" "$D/report.eml" "$MP_BIN/mp-detach" <<-'PY' >"$TMP/cases.json"
	import hashlib, json, sys
	import email, email.policy
	tmp, orig, mp_detach = sys.argv[1:]
	msg = email.message_from_binary_file(open(orig, "rb"),
	                                     policy=email.policy.default)
	atts = [p for p in msg.walk() if p.get_filename()]
	def case(name):
	    url = open("%s/%s.url" % (tmp, name)).read().strip()
	    return {"url": url, "id": url.rsplit("/", 1)[1],
	            "password": open("%s/%s.pw" % (tmp, name)).read().strip()}
	cases = {c: case(c) for c in ("download", "lockout", "expiry", "revoke")}
	cases["download"].update(
	    names=[p.get_filename() for p in atts],
	    sha256=[hashlib.sha256(p.get_payload(decode=True)).hexdigest()
	            for p in atts],
	    sender="sato@example.co.jp")
	cases["lockout"]["maxFailures"] = 3
	cases["expiry"]["meta"] = "%s/store/%s/meta.json" % (
	    tmp, cases["expiry"]["id"])
	cases["revoke"].update(mpDetach=mp_detach, config=tmp + "/mp.conf")
	json.dump(cases, sys.stdout, ensure_ascii=False)
	PY
	run timeout 300 node "$E2E/detach.mjs" "$TMP/cases.json"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"8 passed, 0 failed"* ]]
	# what the server logged: every step, no password, no sanitizer report
	for r in page wrong-password download locked expired revoked; do
		grep -q "result=$r " "$TMP/lt/log" || { echo "no $r"; false; }
	done
	for c in download lockout expiry revoke; do
		refute grep -q -- "$(cat "$TMP/$c.pw")" "$TMP/lt/log"
	done
	refute grep -E 'AddressSanitizer|LeakSanitizer|runtime error' "$TMP/lt/log"
}
