# units.bash - the systemd units of scripts/systemd, read as systemd
# reads them
#
# need_systemd_analyze - skip the test without systemd-analyze(1).
# unit_key FILE KEY - the values of KEY= in the unit FILE, one a line.
# unit_for_build NAME FILE OUT - FILE into OUT with the built NAME
#   wherever a setting names the installed one (=/usr/local/bin/NAME):
#   systemd-analyze verify wants the binaries there.  Sets BIN to the
#   built one ($MP_BIN/NAME, absolute) and fails when it is not there.
# unit_verify FILE... - systemd-analyze verify has nothing to say of
#   the units (--man=no: the pages of Documentation= are not installed
#   here).
# unit_keeps_setgid FILE - fails, saying which, when the service FILE
#   sets NoNewPrivileges= or any setting that implies it for a service
#   with User= (systemd.exec(5)): each turns setgid off, and the setgid
#   postdrop of Postfix's sendmail would not work.

need_systemd_analyze() {
	command -v systemd-analyze >/dev/null ||
	    skip "systemd-analyze is not installed (apt-get install systemd)"
}

unit_key() {
	sed -n "s/^$2=//p" "$1"
}

unit_for_build() {
	BIN=$(cd "$MP_BIN" && pwd)/$1
	[ -x "$BIN" ]
	sed "s|=/usr/local/bin/$1 |=$BIN |" "$2" >"$3"
}

unit_verify() {
	run systemd-analyze verify --man=no "$@"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

unit_keeps_setgid() {
	local k

	for k in NoNewPrivileges PrivateDevices ProtectKernelTunables \
	    ProtectKernelModules ProtectKernelLogs ProtectClock \
	    ProtectHostname RestrictAddressFamilies RestrictNamespaces \
	    RestrictRealtime RestrictSUIDSGID MemoryDenyWriteExecute \
	    LockPersonality SystemCallFilter SystemCallArchitectures \
	    SystemCallLog DynamicUser PrivateUsers; do
		run unit_key "$1" "$k"
		[ -z "$output" ] || { echo "$k=$output"; false; }
	done
}
