# lighttpd.bash - a lighttpd of the test's own that serves mp-download
# and mp-hold-web
#
# lighttpd_start DIR MP_CONF - run scripts/lighttpd/lighttpd.conf, with
#   its var. lines pointed at this tree (as make install points them at
#   the installed files), on a free port of 127.0.0.1; DIR gets the
#   configuration, the server's log (DIR/log: lighttpd's messages and
#   the pages' log lines) and its pid.  Sets LT_URL, the download
#   page's address prefix ("http://127.0.0.1:PORT/download/"), and
#   LT_HOLD_URL, the hold page's ("http://127.0.0.1:PORT/hold/").
# lighttpd_stop DIR - stop it.

need_lighttpd() {
	command -v lighttpd >/dev/null ||
	    skip "lighttpd is not installed (sh scripts/setup test)"
	command -v curl >/dev/null ||
	    skip "curl is not installed (sh scripts/setup test)"
}

# need_browser - lighttpd, Debian's Chromium, Node.js and the
# playwright-core of test/e2e (E2E), or skip saying which is missing
need_browser() {
	need_lighttpd
	[ -x "${MP_CHROMIUM:-/usr/bin/chromium}" ] ||
	    skip "chromium is not installed (sh scripts/setup test)"
	command -v node >/dev/null ||
	    skip "node is not installed (sh scripts/setup test)"
	[ -f "$E2E/node_modules/playwright-core/package.json" ] ||
	    skip "playwright-core is not installed in test/e2e (sh scripts/setup test runs npm ci there)"
}

free_port() {
	python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

lighttpd_start() {
	local dir=$1 conf=$2 port tries=0

	mkdir -p "$dir/www"
	while :; do
		port=$(free_port)
		sed -e "s|^var.mp_port .*|var.mp_port   = $port|" \
		    -e "s|^var.mp_cgi .*|var.mp_cgi    = \"$MP_BIN/mp-download\"|" \
		    -e "s|^var.mp_hold_cgi .*|var.mp_hold_cgi = \"$MP_BIN/mp-hold-web\"|" \
		    -e "s|^var.mp_config .*|var.mp_config = \"$conf\"|" \
		    -e "s|^var.mp_www .*|var.mp_www    = \"$dir/www\"|" \
		    -e "s|^include \"mp-download.conf\"|include \"$ROOT/scripts/lighttpd/mp-download.conf\"|" \
		    -e "s|^include \"mp-hold-web.conf\"|include \"$ROOT/scripts/lighttpd/mp-hold-web.conf\"|" \
		    "$ROOT/scripts/lighttpd/lighttpd.conf" >"$dir/lighttpd.conf"
		# no descriptor of bats may stay open in the server
		lighttpd -D -f "$dir/lighttpd.conf" </dev/null >/dev/null \
		    2>>"$dir/log" 3>&- &
		echo $! >"$dir/pid"
		for _ in $(seq 50); do
			curl -s -o /dev/null "http://127.0.0.1:$port/" && break
			kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
			sleep 0.1
		done
		if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
			break
		fi
		lighttpd_stop "$dir"
		tries=$((tries + 1))
		if [ "$tries" -ge 5 ]; then
			echo "lighttpd did not start:" >&2
			cat "$dir/log" >&2
			return 1
		fi
	done
	LT_URL=http://127.0.0.1:$port/download/
	LT_HOLD_URL=http://127.0.0.1:$port/hold/
	export LT_URL LT_HOLD_URL
}

lighttpd_stop() {
	local pid

	[ -f "$1/pid" ] || return 0
	pid=$(cat "$1/pid")
	kill "$pid" 2>/dev/null || true
	# wait for it, boundedly: it stops at once on SIGTERM
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$1/pid"
}
