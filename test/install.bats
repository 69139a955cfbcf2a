#!/usr/bin/env bats
# make install: everything lands where PREFIX and DESTDIR say

load helper

setup() {
	setup_tmp
}

teardown() {
	teardown_tmp
}

@test "make install DESTDIR=... puts tools, pages, completions and samples in place" {
	# install what this suite tests: the binaries of MP_BIN; with a
	# umask that would keep every file from the filter users
	run sh -c 'umask 077; exec make "$@"' make -C "$ROOT" install \
	    BUILD="$(dirname "$MP_BIN")" DESTDIR="$TMP/root" PREFIX=/opt/mp
	[ "$status" -eq 0 ]
	R=$TMP/root/opt/mp
	for b in "$MP_BIN"/*; do
		case $(basename "$b") in
		mp-download | mp-hold-web)	# CGI programs: for the web
			# server only
			[ -x "$R/lib/mp/cgi/$(basename "$b")" ]
			[ ! -e "$R/bin/$(basename "$b")" ] ;;
		*)	[ -x "$R/bin/$(basename "$b")" ] ;;
		esac
	done
	# the lighttpd set-up of mp-download(8), pointed at what was installed
	grep -qx 'var.mp_cgi    = "/opt/mp/lib/mp/cgi/mp-download"' \
	    "$R/share/mp/lighttpd/lighttpd.conf"
	grep -qx 'var.mp_config = "/opt/mp/etc/mp/mp.conf"' \
	    "$R/share/mp/lighttpd/lighttpd.conf"
	grep -qx 'var.mp_www    = "/opt/mp/share/mp/www"' \
	    "$R/share/mp/lighttpd/lighttpd.conf"
	[ -f "$R/share/mp/lighttpd/mp-download.conf" ]
	[ -f "$R/share/mp/lighttpd/mp-hold-web.conf" ]
	# the hold queue's timer, as a systemd unit and as a cron line,
	# run the installed mp-hold on the installed configuration
	grep -qx 'ExecStart=/opt/mp/bin/mp-hold -c /opt/mp/etc/mp/mp.conf --run' \
	    "$R/share/mp/systemd/mp-hold.service"
	[ -f "$R/share/mp/systemd/mp-hold.timer" ]
	grep -q ' /opt/mp/bin/mp-hold -c /opt/mp/etc/mp/mp.conf --run$' \
	    "$R/share/mp/mp-hold.cron"
	[ -d "$R/share/mp/www" ]
	if command -v lighttpd >/dev/null; then
		(cd "$R/share/mp/lighttpd" && lighttpd -tt -f lighttpd.conf)
	fi
	for m in "$ROOT"/man/*.[1-8]; do
		n=$(basename "$m")
		[ -f "$R/share/man/man${n##*.}/$n" ]
	done
	for c in "$ROOT"/completions/*.bash; do
		[ -f "$R/share/bash-completion/completions/$(basename "$c" .bash)" ]
	done
	# an installed completion finds the helpers it shares
	bash --norc -c '. "$1/mp-bccify" && declare -F __mp_complete' _ \
	    "$R/share/bash-completion/completions"
	for c in "$ROOT"/completions/_*; do
		[ -f "$R/share/zsh/vendor-completions/$(basename "$c")" ]
	done
	[ -f "$R/etc/mp/mp.conf" ]
	[ -f "$R/share/mp/mp.conf.sample" ]
	[ -f "$R/share/mp/procmailrc.sample" ]
	[ -f "$R/share/mp/mailfilter.sample" ]
	[ -x "$R/bin/mp-gate" ]
	[ -f "$R/share/man/man8/mp-gate.8" ]
	# the scripts, units and samples name what was installed, by path
	grep -q '^ExecStart=/opt/mp/bin/mp-gate -c /opt/mp/etc/mp/mp.conf' \
	    "$R/share/mp/systemd/mp-gate.service"
	grep -qx '| /opt/mp/bin/mp-bccify' "$R/share/mp/procmailrc.sample"
	grep -qx 'xfilter "/opt/mp/bin/mp-bccify"' "$R/share/mp/mailfilter.sample"
	grep -q '^PATH=$PATH:/opt/mp/bin:' "$R/share/mp/mp-orgsync-cron"
	[ -f "$R/etc/mp/org.conf" ]
	[ -f "$R/share/mp/org.conf.sample" ]
	# modes that do not depend on the umask
	[ "$(stat -c %a "$R/share/mp/lighttpd/lighttpd.conf")" = 644 ]
	[ "$(stat -c %a "$R/bin/mp-gate")" = 755 ]
	[ "$(stat -c %a "$R/etc/mp/org.conf")" = 644 ]
	[ "$(stat -c %a "$R/share/mp")" = 755 ]
	# an existing configuration is never overwritten
	echo '# mine' >"$R/etc/mp/mp.conf"
	make -C "$ROOT" install BUILD="$(dirname "$MP_BIN")" \
	    DESTDIR="$TMP/root" PREFIX=/opt/mp >/dev/null
	[ "$(cat "$R/etc/mp/mp.conf")" = "# mine" ]
}

@test "the installed binaries find their configuration under SYSCONFDIR" {
	run "$MP_BIN/mp-classify" </dev/null
	[ "$status" -eq 78 ]
	[[ "$output" == *"/etc/mp/mp.conf: No such file or directory"* ]]
}
