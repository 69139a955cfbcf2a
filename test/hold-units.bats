#!/usr/bin/env bats
# hold-units.bats - the systemd units and the cron line that run
# mp-hold --run every minute: valid for systemd, runnable, the same
# command both ways, and a sandbox that still lets sendmail's setgid
# postdrop work.

load helper

UNITS=$ROOT/scripts/systemd
CRON=$ROOT/scripts/mp-hold.cron

setup() {
	setup_tmp
}

teardown() {
	teardown_tmp
}

need_systemd_analyze() {
	command -v systemd-analyze >/dev/null ||
	    skip "systemd-analyze is not installed (apt-get install systemd)"
}

# key FILE KEY - the values of KEY= in a unit file, one a line
key() {
	sed -n "s/^$2=//p" "$1"
}

# exec_start - the command of the service
exec_start() {
	key "$UNITS/mp-hold.service" ExecStart
}

# cron_command - the command of the cron line: after the five time
# fields and the user
cron_command() {
	grep -v '^#' "$CRON" | grep . |
	    sed -E 's/^([^ ]+ +){5}[^ ]+ +//'
}

@test "hold units: systemd-analyze verify finds nothing to say" {
	need_systemd_analyze
	bin=$(cd "$MP_BIN" && pwd)/mp-hold
	[ -x "$bin" ]
	# the unit names the installed binary; the copy names the built one
	sed "s|^ExecStart=/usr/local/bin/mp-hold |ExecStart=$bin |" \
	    "$UNITS/mp-hold.service" >"$TMP/mp-hold.service"
	cp "$UNITS/mp-hold.timer" "$TMP/mp-hold.timer"
	grep -q "^ExecStart=$bin " "$TMP/mp-hold.service"
	# --man=no: the pages of Documentation= are not installed here
	run systemd-analyze verify --man=no "$TMP/mp-hold.service" \
	    "$TMP/mp-hold.timer"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "hold units: a oneshot of --run as mp, every minute, on time" {
	[ "$(key "$UNITS/mp-hold.service" Type)" = oneshot ]
	[ "$(key "$UNITS/mp-hold.service" User)" = mp ]
	[ "$(exec_start)" = \
	    "/usr/local/bin/mp-hold -c /usr/local/etc/mp/mp.conf --run" ]
	[ "$(key "$UNITS/mp-hold.timer" OnCalendar)" = minutely ]
	[ "$(key "$UNITS/mp-hold.timer" AccuracySec)" = 1s ]
	[ "$(key "$UNITS/mp-hold.timer" Persistent)" = true ]
	[ "$(key "$UNITS/mp-hold.timer" WantedBy)" = timers.target ]
}

@test "hold units: the sandbox writes only the spool and Postfix's maildrop" {
	[ "$(key "$UNITS/mp-hold.service" ProtectSystem)" = strict ]
	[ "$(key "$UNITS/mp-hold.service" ReadWritePaths)" = \
	    "/var/spool/mp/hold /var/spool/postfix/maildrop" ]
	[ "$(key "$UNITS/mp-hold.service" PrivateTmp)" = yes ]
	[ "$(key "$UNITS/mp-hold.service" ProtectHome)" = yes ]
}

@test "hold units: nothing stops the setgid postdrop of Postfix's sendmail" {
	# NoNewPrivileges=yes, and each setting that implies it for a
	# service with User= (systemd.exec(5)), turns setgid off
	for k in NoNewPrivileges PrivateDevices ProtectKernelTunables \
	    ProtectKernelModules ProtectKernelLogs ProtectClock \
	    ProtectHostname RestrictAddressFamilies RestrictNamespaces \
	    RestrictRealtime RestrictSUIDSGID MemoryDenyWriteExecute \
	    LockPersonality SystemCallFilter SystemCallArchitectures \
	    SystemCallLog DynamicUser PrivateUsers; do
		run key "$UNITS/mp-hold.service" "$k"
		[ -z "$output" ] || { echo "$k=$output"; false; }
	done
}

@test "hold units: the cron line runs the unit's command as the unit's user" {
	[ "$(grep -v '^#' "$CRON" | grep -c .)" -eq 1 ]
	[ "$(cron_command)" = "$(exec_start)" ]
	grep -v '^#' "$CRON" | grep -qE '^\* \* \* \* \* mp /'
	[ "$(key "$UNITS/mp-hold.service" User)" = mp ]
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
