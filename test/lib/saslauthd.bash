# saslauthd.bash - a stand-in for saslauthd(8), which Cyrus SASL asks
# over its socket when a private Postfix takes SMTP AUTH
#
# saslauthd_stub DIR PASSWORD - a saslauthd(8) on DIR/mux for Cyrus
#   SASL's pwcheck_method saslauthd: four counted strings in (login,
#   password, service, realm), "OK" for PASSWORD whatever the login,
#   "NO" else.  It makes DIR/mux.ready once it listens and runs until
#   killed: start it in the background, where the pid of the job is
#   python's.  The smtpd.conf of the instance names DIR/mux as its
#   saslauthd_path.

saslauthd_stub() {
	# exec: the pid of the background job is python's
	exec python3 - "$1/mux" "$2" <<-'PY'
	import os, socket, struct, sys
	s = socket.socket(socket.AF_UNIX)
	s.bind(sys.argv[1])
	# smtpd(8) runs as the mail owner
	os.chmod(sys.argv[1], 0o777)
	s.listen(8)
	open(sys.argv[1] + ".ready", "w").close()
	def counted(c):
	    n = struct.unpack("!H", c.recv(2, socket.MSG_WAITALL))[0]
	    return c.recv(n, socket.MSG_WAITALL) if n else b""
	while True:
	    c, _ = s.accept()
	    with c:
	        login, pw, service, realm = (counted(c) for _ in range(4))
	        ok = pw == sys.argv[2].encode()
	        c.sendall(struct.pack("!H", 2) + (b"OK" if ok else b"NO"))
	PY
}
