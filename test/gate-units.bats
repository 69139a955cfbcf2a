#!/usr/bin/env bats
# gate-units.bats - the systemd unit that runs mp-gate: valid for
# systemd, a foreground service as mp that reloads on SIGHUP and stops
# by letting the master finish the transactions in flight, paths that
# make install rewrites, and a sandbox that still lets sendmail's setgid
# postdrop send the notices.

load helper
load lib/units

UNIT=$ROOT/scripts/systemd/mp-gate.service

setup() {
	setup_tmp
}

teardown() {
	teardown_tmp
}

# key KEY - the values of KEY= in the unit, one a line
key() {
	unit_key "$UNIT" "$1"
}

@test "gate unit: systemd-analyze verify finds nothing to say" {
	need_systemd_analyze
	# the unit names the installed binary; the copy names the built one
	unit_for_build mp-gate "$UNIT" "$TMP/mp-gate.service"
	[ "$(grep -c "^Exec[A-Za-z]*=$BIN " "$TMP/mp-gate.service")" -eq 2 ]
	unit_verify "$TMP/mp-gate.service"
}

@test "gate unit: mp-gate in the foreground as mp, with mp.conf" {
	[ "$(key Type)" = simple ]
	[ "$(key User)" = mp ]
	[ "$(key Group)" = mp ]
	[ "$(key ExecStart)" = \
	    "/usr/local/bin/mp-gate -c /usr/local/etc/mp/mp.conf" ]
	[ "$(key WantedBy)" = multi-user.target ]
}

@test "gate unit: a reload checks mp.conf, then sends SIGHUP to the master" {
	run key ExecReload
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "$(key ExecStart) --check" ]
	[ "${lines[1]}" = '/bin/kill -HUP $MAINPID' ]
}

@test "gate unit: a stop lets the master finish what is in flight" {
	# SIGTERM to the master alone, which tells its workers; SIGKILL to
	# all only after data-timeout (600s) and a margin
	[ "$(key KillMode)" = mixed ]
	[ "$(key TimeoutStopSec)" -gt 600 ]
	run key KillSignal
	[ -z "$output" ] || [ "$output" = SIGTERM ]
}

@test "gate unit: restarted after a crash, not after a bad configuration" {
	[ "$(key Restart)" = on-failure ]
	read -r -a codes <<<"$(key RestartPreventExitStatus)"
	[ "${#codes[@]}" -eq 2 ]
	[ "${codes[0]}" = 64 ]
	[ "${codes[1]}" = 78 ]
	# 75, no socket to be had, is worth another try
	refute grep -qw 75 <<<"$(key RestartPreventExitStatus)"
}

@test "gate unit: the paths are those make install rewrites" {
	# INSTALL_SUBST of the Makefile rewrites these prefixes, and only
	# these, to those of the installation
	grep -q '^INSTALL_SUBST' "$ROOT/Makefile"
	for p in /usr/local/bin /usr/local/etc /var/spool/mp /var/lib/mp; do
		grep -qF -- "-e 's|$p|" "$ROOT/Makefile" ||
		    { echo "make install does not rewrite $p"; false; }
	done
	for p in $(grep -v '^#' "$UNIT" | grep -oE '/[a-z][a-z0-9/._-]*' |
	    sort -u); do
		case $p in
		/usr/local/bin/mp-gate | /usr/local/etc/mp/mp.conf | \
		/var/spool/mp/hold | /var/lib/mp/detach | \
		/var/spool/postfix/maildrop | /bin/kill) ;;
		*) echo "unexpected path $p"; false ;;
		esac
	done
}

@test "gate unit: the sandbox writes only the spool, the store and the maildrop" {
	[ "$(key ProtectSystem)" = strict ]
	[ "$(key ReadWritePaths)" = \
	    "-/var/spool/mp/hold -/var/lib/mp/detach -/var/spool/postfix/maildrop" ]
	[ "$(key RuntimeDirectory)" = mp-gate ]
	[ "$(key ProtectHome)" = yes ]
	[ "$(key PrivateTmp)" = yes ]
	[ "$(key PrivateIPC)" = yes ]
	[ "$(key UMask)" = 0077 ]
	# no capability: mp-gate listens on a port above 1023
	run key CapabilityBoundingSet
	[ "${#lines[@]}" -eq 0 ]
	grep -qx 'CapabilityBoundingSet=' "$UNIT"
}

@test "gate unit: nothing stops the setgid postdrop of Postfix's sendmail" {
	# without setgid the notices would never leave
	unit_keeps_setgid "$UNIT"
}

@test "gate unit: the default listen and next of mp-gate(8) fit the unit" {
	# no PrivateNetwork: mp-gate listens on 127.0.0.1:10025 and hands
	# on to 127.0.0.1:10026
	run key PrivateNetwork
	[ -z "$output" ]
	run key IPAddressDeny
	[ -z "$output" ]
	grep -q 'MP_GATE_LISTEN_DEFAULT "127.0.0.1:10025"' \
	    "$ROOT/lib/gate/server.h"
	grep -q 'MP_GATE_NEXT_DEFAULT "127.0.0.1:10026"' \
	    "$ROOT/lib/gate/gate.h"
}
