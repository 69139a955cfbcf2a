#!/usr/bin/env bats
# mp-gate's server (lib/gate/server.c) through test/lib/gateprobe.c, a
# server whose handler each recipient's local part steers (ok, temp,
# perm, slow-N, crash) and which logs each message it takes.  What is
# checked is what a client and an administrator see: the replies in
# order, timeouts, refused lines, the worker pool's size, LMTP's reply
# per recipient, a crashed worker replaced, reload and shutdown by
# signal, and no process left behind.

load helper
bats_require_minimum_version 1.5.0

PROBE=${MP_GATEPROBE:-$ROOT/build/gateprobe}

setup() {
	[ -x "$PROBE" ] || skip "no $PROBE (make $PROBE)"
	setup_tmp
	SOCK=unix:$TMP/sock
	export SOCK
	PROBE_PID=
}

teardown() {
	if [ -n "$PROBE_PID" ] && kill -0 "$PROBE_PID" 2>/dev/null; then
		kill -TERM "$PROBE_PID"
		for _ in $(seq 50); do
			kill -0 "$PROBE_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$PROBE_PID" 2>/dev/null || true
	fi
	teardown_tmp
}

# start [OPTION...] - gateprobe on $SOCK (or on $LISTEN), its log in
# $TMP/log, its standard error in $TMP/err; back when it listens
start() {
	GATEPROBE_LOG=$TMP/log GATEPROBE_FAIL_RELOAD=$TMP/fail \
	    "$PROBE" "${LISTEN:-$SOCK}" "$@" >"$TMP/out" 2>"$TMP/err" 3>&- &
	PROBE_PID=$!
	for _ in $(seq 100); do
		if [ -z "${LISTEN:-}" ] && [ -S "$TMP/sock" ]; then
			return 0
		fi
		if [ -n "${LISTEN:-}" ] && [ -n "$(workers)" ]; then
			return 0
		fi
		sleep 0.05
	done
	echo "gateprobe did not start" >&2
	cat "$TMP/err" >&2
	return 1
}

# workers - the pids of the master's children, sorted
workers() {
	ps -o pid= --ppid "$PROBE_PID" | tr -d ' ' | sort -n
}

# gone PID... - wait (up to 10 s) until none of the PIDs runs
gone() {
	local p left

	for _ in $(seq 100); do
		left=
		for p in "$@"; do
			if kill -0 "$p" 2>/dev/null; then
				left=$p
			fi
		done
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "still running: $left" >&2
	return 1
}

# client - the Python of standard input run with a small SMTP client:
# C() connects to $SOCK (or the address given), .send(TEXT) writes
# (with CRLF for LF), .reply() is the next whole reply's last line
# (None when the server closed), .closed() whether the server closed
client() {
	python3 -c "$(cat <<-'PY'
	import os, socket, sys, threading, time

	class C:
	    def __init__(self, addr=None):
	        addr = addr or os.environ["SOCK"]
	        if addr.startswith("unix:"):
	            self.s = socket.socket(socket.AF_UNIX)
	            self.s.connect(addr[5:])
	        else:
	            host, port = addr.rsplit(":", 1)
	            self.s = socket.create_connection((host.strip("[]"),
	                                               int(port)))
	        self.s.settimeout(30)
	        self.buf = b""

	    def send(self, text):
	        self.s.sendall(text.replace("\n", "\r\n").encode())

	    def line(self):
	        while b"\r\n" not in self.buf:
	            try:
	                d = self.s.recv(65536)
	            except ConnectionResetError:
	                d = b""
	            if not d:
	                return None
	            self.buf += d
	        line, self.buf = self.buf.split(b"\r\n", 1)
	        return line.decode()

	    def reply(self):
	        while True:
	            line = self.line()
	            if line is None or line[3:4] != "-":
	                return line

	    def closed(self):
	        return self.line() is None

	    def transaction(self, rcpts, body="Subject: t\n\nbody\n",
	                    hello="EHLO"):
	        """one transaction in one write; the replies, in order"""
	        self.send("%s c.example\nMAIL FROM:<s@example.com>\n" % hello +
	                  "".join("RCPT TO:<%s>\n" % r for r in rcpts) +
	                  "DATA\n")
	        got = [self.reply() for _ in range(len(rcpts) + 3)]
	        self.send(body + ".\n")
	        n = len(rcpts) if hello == "LHLO" else 1
	        return got + [self.reply() for _ in range(n)]
	PY
	)"$'\n'"$(cat)"
}

@test "gate server: pipelined commands in one write get their replies in order, flushed before it waits" {
	start --workers 1
	client >"$TMP/got" <<-'PY'
	c = C()
	print(c.reply())
	c.send("EHLO c.example\nMAIL FROM:<s@example.com>\nRCPT TO:<ok@x.example>\n"
	       "RCPT TO:<bad address>\nNOOP\nDATA\n")
	for _ in range(6):
	    print(c.reply())
	c.send("Subject: t\n\n..dot\n.\nRSET\nNOOP\nQUIT\n")
	for _ in range(4):
	    print(c.reply())
	print(c.closed())
	PY
	diff - "$TMP/got" <<-'EOF'
	220 gen1.gateprobe ESMTP mp-gate
	250 XFORWARD NAME ADDR PORT PROTO HELO IDENT SOURCE LOGIN DESTADDR DESTPORT
	250 2.1.0 Ok
	250 2.1.5 Ok
	501 5.1.3 bad address syntax
	250 2.0.0 Ok
	354 End data with <CR><LF>.<CR><LF>
	250 2.0.0 delivered, ok@x.example
	250 2.0.0 Ok
	250 2.0.0 Ok
	221 2.0.0 Bye
	True
	EOF
	[ "$(wc -l <"$TMP/log")" -eq 1 ]
	# the message as the handler had it: dot-unstuffed, LF line ends
	sum=$(printf 'Subject: t\n\n.dot\n' | sha256sum | cut -d' ' -f1)
	grep -q "<s@example.com> ok@x.example 17 $sum\$" "$TMP/log"
}

@test "gate server: TCP on IPv4 and IPv6, started again at once on the same port; a port in use, a name or a file where the socket goes is 75" {
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	LISTEN=127.0.0.1:$port start --workers 1
	# QUIT: the server closes first, and its end of the connection
	# waits in TIME_WAIT, which must not keep a new server from the
	# port
	client <<-PY
	c = C("127.0.0.1:$port")
	c.reply()
	assert c.transaction(["ok@x.example"])[-1].startswith("250 2.0.0"), "v4"
	c.send("QUIT\n")
	assert c.reply().startswith("221") and c.closed(), "QUIT"
	PY
	run -75 "$PROBE" "127.0.0.1:$port"
	[[ "$output" == *"127.0.0.1:$port: cannot listen: Address already in use"* ]]
	kill -TERM "$PROBE_PID"
	wait "$PROBE_PID"
	LISTEN=127.0.0.1:$port start --workers 1
	run -75 "$PROBE" "localhost.example:25"
	[[ "$output" == *"not a numeric HOST:PORT"* ]]
	touch "$TMP/file"
	run -75 "$PROBE" "unix:$TMP/file"
	[[ "$output" == *"exists and is not a socket"* ]]
	if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
		kill -TERM "$PROBE_PID"
		wait "$PROBE_PID"
		LISTEN="[::1]:$port" start --workers 1
		client <<-PY
		c = C("[::1]:$port")
		c.reply()
		assert c.transaction(["ok@x.example"])[-1].startswith("250 2.0.0"), "v6"
		PY
		[ "$(wc -l <"$TMP/log")" -eq 2 ]
	fi
}

@test "gate server: a command line waited for longer than command-timeout is 421 and the connection closed" {
	start --workers 1 --command-timeout 1
	client >"$TMP/got" <<-'PY'
	c = C()
	c.reply()
	c.send("EHLO c.example\n")
	c.reply()
	t = time.time()
	# half a line is not a command
	c.send("NOOP")
	print(c.reply())
	print(c.closed())
	print(1 <= time.time() - t < 3)
	PY
	diff - "$TMP/got" <<-'EOF'
	421 4.4.2 mp-gate: timeout
	True
	True
	EOF
}

@test "gate server: a message longer than data-timeout is 421, however often its lines come" {
	start --workers 1 --command-timeout 5 --data-timeout 2
	client >"$TMP/got" <<-'PY'
	c = C()
	c.reply()
	c.send("EHLO c.example\nMAIL FROM:<s@example.com>\nRCPT TO:<ok@x.example>\nDATA\n")
	for _ in range(4):
	    c.reply()
	t = time.time()
	try:
	    for _ in range(40):
	        c.send("a line\n")
	        time.sleep(0.2)
	except OSError:
	    pass
	print(c.reply())
	print(2 <= time.time() - t < 4.5)
	PY
	diff - "$TMP/got" <<-'EOF'
	421 4.4.2 mp-gate: timeout
	True
	EOF
	[ ! -s "$TMP/log" ]
}

@test "gate server: a message over max-size is 552 (LMTP: for each recipient) and the session goes on" {
	start --workers 1 --max-size 1000
	client >"$TMP/got" <<-'PY'
	c = C()
	c.reply()
	print(c.transaction(["ok@x.example"], body=("x" * 70 + "\n") * 30)[-1])
	c.send("NOOP\n")
	print(c.reply())
	print(c.transaction(["ok@x.example"])[-1])
	for r in c.transaction(["ok@x.example", "ok2@x.example"],
	                       body=("x" * 70 + "\n") * 30, hello="LHLO")[-2:]:
	    print(r)
	PY
	diff - "$TMP/got" <<-'EOF'
	552 5.3.4 message size exceeds the limit
	250 2.0.0 Ok
	250 2.0.0 delivered, ok@x.example
	552 5.3.4 message size exceeds the limit
	552 5.3.4 message size exceeds the limit
	EOF
	[ "$(wc -l <"$TMP/log")" -eq 1 ]
}

@test "gate server: long lines: a 2,000-byte command 500, one over the line limit 500 and dropped to its end, a long line of a message kept" {
	start --workers 1
	client >"$TMP/got" <<-'PY'
	c = C()
	c.reply()
	c.send("EHLO c.example\n")
	c.reply()
	c.send("X" * 2000 + "\n")
	print(c.reply())
	# 5,000 bytes in pieces: one 500 for it all, nothing of its rest
	# read as a command (the tail would be a NOOP)
	c.send("NOOP " + "y" * 3000)
	time.sleep(0.2)
	c.send("y" * 1992 + "\r")
	time.sleep(0.2)
	c.send("\nNOOP\n")
	print(c.reply())
	print(c.reply())
	body = "Subject: t\n\n" + "z" * 5000 + "\n"
	print(c.transaction(["ok@x.example"], body=body)[-1])
	PY
	diff - "$TMP/got" <<-'EOF'
	500 5.5.2 command not recognized
	500 5.5.0 line too long
	250 2.0.0 Ok
	250 2.0.0 delivered, ok@x.example
	EOF
	sum=$(printf 'Subject: t\n\n%s\n' "$(printf 'z%.0s' $(seq 5000))" | sha256sum | cut -d' ' -f1)
	grep -q " 5013 $sum\$" "$TMP/log"
}

@test "gate server: N workers serve N slow connections at once and the one more waits" {
	start --workers 2
	client >"$TMP/got" <<-'PY'
	t0 = time.time()
	took = []
	def one():
	    c = C()
	    c.reply()
	    r = c.transaction(["slow-2@x.example"])[-1]
	    took.append((round(time.time() - t0), r[:3]))
	ts = [threading.Thread(target=one) for _ in range(3)]
	for t in ts:
	    t.start()
	    time.sleep(0.1)
	for t in ts:
	    t.join()
	for x in sorted(took):
	    print(*x)
	PY
	diff - "$TMP/got" <<-'EOF'
	2 250
	2 250
	4 250
	EOF
	[ "$(cut -d' ' -f1 "$TMP/log" | sort -u | wc -l)" -eq 2 ]
}

@test "gate server: LMTP answers each recipient in order, SMTP once with the worst" {
	start --workers 1
	client >"$TMP/got" <<-'PY'
	c = C()
	c.reply()
	rcpts = ["ok@x.example", "temp@x.example", "perm@x.example"]
	for r in c.transaction(rcpts, hello="LHLO")[-3:]:
	    print(r)
	print(c.transaction(rcpts)[-1])
	print(c.transaction(["ok@x.example", "perm@x.example"])[-1])
	print(c.transaction(["ok@x.example", "ok2@x.example"])[-1])
	print(c.transaction(["perm@x.example", "ok@x.example"], hello="LHLO")[-2])
	PY
	diff - "$TMP/got" <<-'EOF'
	250 2.0.0 delivered, ok@x.example
	451 4.3.0 try again later, temp@x.example
	550 5.7.1 refused, perm@x.example
	451 4.3.0 try again later, temp@x.example
	550 5.7.1 refused, perm@x.example
	250 2.0.0 delivered, ok@x.example
	550 5.7.1 refused, perm@x.example
	EOF
}

@test "gate server: a worker that crashes: its client sees the connection close without 250, the master logs it, a new worker serves the next" {
	start --workers 1
	first=$(workers)
	client >"$TMP/got" <<-'PY'
	c = C()
	c.reply()
	print(c.transaction(["ok@x.example", "crash@x.example"])[-1])
	c = C()
	print(c.reply())
	print(c.transaction(["ok@x.example"])[-1])
	PY
	diff - "$TMP/got" <<-'EOF'
	None
	220 gen1.gateprobe ESMTP mp-gate
	250 2.0.0 delivered, ok@x.example
	EOF
	grep -q "^gateprobe: worker $first killed by signal 6\$" "$TMP/err"
	[ "$(wc -l <"$TMP/log")" -eq 1 ]
	refute grep -q "^$first " "$TMP/log"
	[ "$(workers | wc -l)" -eq 1 ]
}

@test "gate server: SIGHUP during a transaction: it gets its 250, new connections see the new generation" {
	start --workers 1
	old=$(workers)
	client >"$TMP/got" <<-PY
	import subprocess
	c = C()
	print(c.reply())
	c.send("EHLO c.example\nMAIL FROM:<s@example.com>\nRCPT TO:<slow-3@x.example>\nDATA\n")
	for _ in range(4):
	    c.reply()
	c.send("Subject: t\n\nbody\n.\n")
	time.sleep(0.5)
	os.kill($PROBE_PID, 1)
	time.sleep(0.5)
	d = C()
	print(d.reply())
	print(d.transaction(["ok@x.example"])[-1])
	print(c.reply())
	print(c.reply())
	PY
	diff - "$TMP/got" <<-'EOF'
	220 gen1.gateprobe ESMTP mp-gate
	220 gen2.gateprobe ESMTP mp-gate
	250 2.0.0 delivered, ok@x.example
	250 2.0.0 delivered, slow-3@x.example
	421 4.3.2 mp-gate: shutting down
	EOF
	gone "$old"
	new=$(workers)
	[ -n "$new" ]
	[ "$new" != "$old" ]
	grep -q "^$old <s@example.com> slow-3@x.example " "$TMP/log"
	grep -q "^$new <s@example.com> ok@x.example " "$TMP/log"
}

@test "gate server: a reload that fails keeps the old generation and says why" {
	start --workers 2
	old=$(workers)
	touch "$TMP/fail"
	kill -HUP "$PROBE_PID"
	for _ in $(seq 50); do
		grep -q "reload failed" "$TMP/err" && break
		sleep 0.1
	done
	grep -q "^gateprobe: reload failed, the running configuration stays: $TMP/fail: told to fail\$" "$TMP/err"
	client >"$TMP/got" <<-'PY'
	print(C().reply())
	PY
	[ "$(cat "$TMP/got")" = "220 gen1.gateprobe ESMTP mp-gate" ]
	[ "$(workers)" = "$old" ]
	rm "$TMP/fail"
	kill -HUP "$PROBE_PID"
	sleep 0.5
	client >"$TMP/got" <<-'PY'
	print(C().reply())
	PY
	[ "$(cat "$TMP/got")" = "220 gen2.gateprobe ESMTP mp-gate" ]
}

@test "gate server: SIGTERM: the transactions in flight are read to their end and answered, an idle session gets 421, then the master exits 0 and leaves nothing" {
	start --workers 3
	pids=$(workers)
	client >"$TMP/got" <<-PY
	def begin(rcpt):
	    c = C()
	    c.reply()
	    c.send("EHLO c.example\nMAIL FROM:<s@example.com>\nRCPT TO:<%s>\nDATA\n" % rcpt)
	    for _ in range(4):
	        c.reply()
	    return c
	slow = begin("slow-3@x.example")
	slow.send("Subject: t\n\nbody\n.\n")
	half = begin("ok@x.example")
	half.send("Subject: t\n\nthe first half, ")
	idle = C()
	idle.reply()
	idle.send("EHLO c.example\n")
	idle.reply()
	time.sleep(0.5)
	t = time.time()
	os.kill($PROBE_PID, 15)
	print(idle.reply(), time.time() - t < 1)
	time.sleep(0.5)
	half.send("the second\n.\n")
	print(half.reply())
	print(half.reply())
	print(slow.reply())
	print(slow.reply())
	print(slow.closed())
	PY
	diff - "$TMP/got" <<-'EOF'
	421 4.3.2 mp-gate: shutting down True
	250 2.0.0 delivered, ok@x.example
	421 4.3.2 mp-gate: shutting down
	250 2.0.0 delivered, slow-3@x.example
	421 4.3.2 mp-gate: shutting down
	True
	EOF
	run -0 wait "$PROBE_PID"
	# shellcheck disable=SC2086 # one pid a word
	gone $pids
	[ ! -e "$TMP/sock" ]
	[ "$(wc -l <"$TMP/log")" -eq 2 ]
	sum=$(printf 'Subject: t\n\nthe first half, the second\n' | sha256sum | cut -d' ' -f1)
	grep -q " ok@x.example 39 $sum\$" "$TMP/log"
}

@test "gate server: SIGTERM with every worker idle ends at once" {
	start --workers 3
	pids=$(workers)
	kill -INT "$PROBE_PID"
	run -0 timeout 2 tail --pid="$PROBE_PID" -f /dev/null
	# shellcheck disable=SC2086 # one pid a word
	gone $pids
}

@test "gate server: kill -9 of the master leaves no worker" {
	start --workers 3
	pids=$(workers)
	[ "$(echo "$pids" | wc -l)" -eq 3 ]
	kill -KILL "$PROBE_PID"
	# shellcheck disable=SC2086 # one pid a word
	gone $pids
}

@test "gate server: max-use 2: the worker is replaced after two connections; a client that leaves is no matter" {
	start --workers 1 --max-use 2
	client <<-'PY'
	c = C()
	c.reply()
	c.send("EHLO c.example\nMAIL FROM:<s@example.com>\nRCPT TO:<ok@x.example>\nDATA\nhalf a mess")
	c.s.close()
	for _ in range(3):
	    c = C()
	    c.reply()
	    assert c.transaction(["ok@x.example"])[-1].startswith("250"), "250"
	    c.send("QUIT\n")
	    c.reply()
	PY
	[ "$(wc -l <"$TMP/log")" -eq 3 ]
	[ "$(cut -d' ' -f1 "$TMP/log" | uniq | wc -l)" -eq 2 ]
	[ "$(cut -d' ' -f1 "$TMP/log" | uniq -c | awk '{print $1}' | tr '\n' ' ')" = "1 2 " ]
}

@test "gate server: 500 messages from smtp-source over 10 connections, each logged once" {
	[ -x /usr/sbin/smtp-source ] || skip "no smtp-source (postfix)"
	start --workers 4
	run -0 timeout 120 /usr/sbin/smtp-source -s 10 -m 500 -l 2000 \
	    -f s@example.com -t ok@x.example "$SOCK"
	# each message of smtp-source has a Message-Id of its own
	[ "$(wc -l <"$TMP/log")" -eq 500 ]
	[ "$(cut -d' ' -f5 "$TMP/log" | sort -u | wc -l)" -eq 500 ]
	[ "$(cut -d' ' -f2,3 "$TMP/log" | sort -u)" = "<s@example.com> ok@x.example" ]
	run -0 timeout 120 /usr/sbin/smtp-source -L -s 10 -m 100 -r 3 \
	    -f s@example.com -t ok@x.example "$SOCK"
	[ "$(wc -l <"$TMP/log")" -eq 600 ]
	[ "$(grep -c ' 3ok@x.example,2ok@x.example,ok@x.example ' "$TMP/log")" -eq 100 ]
}
