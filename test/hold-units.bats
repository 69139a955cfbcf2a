#!/usr/bin/env bats
# hold-units.bats - the systemd units and the cron line that run
# mp-hold --run every minute: valid for systemd, runnable, the same
# command both ways, and a sandbox that still lets sendmail's setgid
# postdrop work.

load helper
load lib/units

UNITS=$ROOT/scripts/systemd
CRON=$ROOT/scripts/mp-hold.cron

setup() {
	setup_tmp
}

teardown() {
	teardown_tmp
}

# exec_start - the command of the service
exec_start() {
	unit_key "$UNITS/mp-hold.service" ExecStart
}

# cron_command - the command of the cron line: after the five time
# fields and the user
cron_command() {
	grep -v '^#' "$CRON" | grep . |
	    sed -E 's/^([^ ]+ +){5}[^ ]+ +//'
}

@test "hold units: systemd-analyze verify finds nothing to say" {
	need_systemd_analyze
	# the unit names the installed binary; the copy names the built one
	unit_for_build mp-hold "$UNITS/mp-hold.service" "$TMP/mp-hold.service"
	cp "$UNITS/mp-hold.timer" "$TMP/mp-hold.timer"
	grep -q "^ExecStart=$BIN " "$TMP/mp-hold.service"
	unit_verify "$TMP/mp-hold.service" "$TMP/mp-hold.timer"
}

@test "hold units: a oneshot of --run as mp, every minute, on time" {
	[ "$(unit_key "$UNITS/mp-hold.service" Type)" = oneshot ]
	[ "$(unit_key "$UNITS/mp-hold.service" User)" = mp ]
	[ "$(exec_start)" = \
	    "/usr/local/bin/mp-hold -c /usr/local/etc/mp/mp.conf --run" ]
	[ "$(unit_key "$UNITS/mp-hold.timer" OnCalendar)" = minutely ]
	[ "$(unit_key "$UNITS/mp-hold.timer" AccuracySec)" = 1s ]
	[ "$(unit_key "$UNITS/mp-hold.timer" Persistent)" = true ]
	[ "$(unit_key "$UNITS/mp-hold.timer" WantedBy)" = timers.target ]
}

@test "hold units: the sandbox writes only the spool and Postfix's maildrop" {
	[ "$(unit_key "$UNITS/mp-hold.service" ProtectSystem)" = strict ]
	[ "$(unit_key "$UNITS/mp-hold.service" ReadWritePaths)" = \
	    "/var/spool/mp/hold /var/spool/postfix/maildrop" ]
	[ "$(unit_key "$UNITS/mp-hold.service" PrivateTmp)" = yes ]
	[ "$(unit_key "$UNITS/mp-hold.service" ProtectHome)" = yes ]
}

@test "hold units: nothing stops the setgid postdrop of Postfix's sendmail" {
	unit_keeps_setgid "$UNITS/mp-hold.service"
}

@test "hold units: the cron line runs the unit's command as the unit's user" {
	[ "$(grep -v '^#' "$CRON" | grep -c .)" -eq 1 ]
	[ "$(cron_command)" = "$(exec_start)" ]
	grep -v '^#' "$CRON" | grep -qE '^\* \* \* \* \* mp /'
	[ "$(unit_key "$UNITS/mp-hold.service" User)" = mp ]
}

@test "hold units: the command runs an empty spool and exits 0" {
	mkdir -m 700 "$TMP/spool"
	write_conf "$TMP/mp.conf" <<EOF2
[domains]
internal = example.co.jp
[hold]
spool = $TMP/spool
EOF2
	# the unit's words, with this build and this configuration
	read -r -a words <<<"$(exec_start)"
	[ "${words[1]}" = -c ]
	words[0]=$MP_BIN/mp-hold
	words[2]=$TMP/mp.conf
	run "${words[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "hold units: the pages give one master.cf service for mp-hold" {
	# the argv of mp-hold(1) and mp(7), joined into one line each
	argv() {
		awk '/^mphold unix/ { on = 1 } on && /^\.Ed/ { exit }
		    on { printf "%s ", $0 }' "$ROOT/man/$1" | tr -s ' '
	}
	want='mphold unix - n n - 10 pipe flags=Rq user=mp null_sender= argv=/usr/local/bin/mp-hold -c /usr/local/etc/mp/mp.conf -f ${sender} -- ${recipient} '
	[ "$(argv mp-hold.1)" = "$want" ]
	[ "$(argv mp.7)" = "$want" ]
}
