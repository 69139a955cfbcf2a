#!/usr/bin/env bats
# mp-policy's rejection notice: the sender is told which rule refused
# the mail and why, by file, Maildir or command, in Japanese or English;
# nothing for mail that passes or waits, or that must not be answered;
# templates checked at start; a notice that is not delivered is 75.

load helper
bats_require_minimum_version 1.5.0

setup() {
	setup_tmp
	C=$TMP/mp.conf
	REJECT="reject rules=no-files-out,hold-external"
	cat >"$C" <<-'EOF'
	[domains]
	internal = example.co.jp

	[rule no-files-out]
	if = attachments >= 1 and external >= 1
	action = reject
	reason = 社外宛てのメールに添付ファイルは付けられません
	reason.en = Files may not be attached to mail for outside addresses

	[rule hold-external]
	if = external >= 1
	action = hold 30m
	EOF
	mkmail
}

teardown() {
	teardown_tmp
}

# mkmail - the messages, as Python's email package writes them: $TMP/X.eml
# for X in attach (a file to outside: rejected), external (held),
# internal (passes); autoreply, manual, nofrom and long (a long text
# before the file) are attach with a difference
mkmail() {
	python3 - "$TMP" <<-'EOF'
	import datetime, email.policy, sys
	from email.message import EmailMessage

	JST = datetime.timezone(datetime.timedelta(hours=9))

	def write(name, to, attach=True, frm="伊藤 翔 <ito@example.co.jp>",
	          extra=(), text="お世話になっております。\n見積書をお送りします。\n"):
	    m = EmailMessage(policy=email.policy.default)
	    if frm:
	        m["From"] = frm
	    m["To"] = to
	    m["Cc"] = "佐藤 花子 <sato@example.co.jp>"
	    m["Subject"] = "見積書の送付"
	    m["Date"] = datetime.datetime(2026, 11, 24, 10, 30, tzinfo=JST)
	    m["Message-ID"] = "<20261124103000.%s@example.co.jp>" % name
	    for k, v in extra:
	        m[k] = v
	    m.set_content(text)
	    if attach:
	        m.add_attachment("品番,数量\nA-1,10\n".encode(), maintype="text",
	                         subtype="csv", filename="見積書.csv")
	    with open("%s/%s.eml" % (sys.argv[1], name), "wb") as f:
	        f.write(m.as_bytes())

	out = "鈴木 様 <suzuki@client.example.com>"
	write("attach", out)
	write("external", out, attach=False)
	write("internal", "加藤 亮 <kato@example.co.jp>", attach=False)
	write("autoreply", out, extra=[("Auto-Submitted", "auto-replied")])
	write("manual", out, extra=[("Auto-Submitted", "no")])
	write("nofrom", out, frm=None)
	# the file far past the header block
	write("long", out, text="明細は次のとおりです。\n" * 20000)
	EOF
}

# notice_of FILE - the notice as a mail client reads it (Python's email):
# its fields decoded, its charset, an empty line, its text
notice_of() {
	python3 - "$1" <<-'EOF'
	import email, email.policy, sys
	with open(sys.argv[1], "rb") as f:
	    m = email.message_from_binary_file(f, policy=email.policy.default)
	for h in ("From", "To", "Subject", "References", "Auto-Submitted"):
	    print("%s: %s" % (h, m[h]))
	print("Charset: %s" % m.get_content_charset())
	print()
	print(m.get_content(), end="")
	EOF
}

# has FILE LINE - FILE has LINE, whole and exactly
has() {
	grep -qxF -- "$2" "$1" || { echo "not in $1: $2"; cat "$1"; false; }
}

@test "a reject: the sender is told in Japanese which rule refused it and why" {
	run --separate-stderr mp-policy -c "$C" --notice "$TMP/n.eml" \
	    "$TMP/attach.eml"
	[ "$status" -eq 1 ]
	[ "$output" = "$TMP/attach.eml: $REJECT" ]
	[ -z "$stderr" ]
	notice_of "$TMP/n.eml" >"$TMP/got"
	has "$TMP/got" "From: postmaster@example.co.jp"
	has "$TMP/got" "To: ito@example.co.jp"
	has "$TMP/got" "Subject: [送信拒否] 見積書の送付"
	has "$TMP/got" "References: <20261124103000.attach@example.co.jp>"
	has "$TMP/got" "Auto-Submitted: auto-generated"
	# the form every Japanese mail client reads
	has "$TMP/got" "Charset: iso-2022-jp"
	has "$TMP/got" "送信ポリシーのルール「no-files-out」により、送信が止められました。"
	has "$TMP/got" "理由: 社外宛てのメールに添付ファイルは付けられません"
	has "$TMP/got" "件名: 見積書の送付"
	has "$TMP/got" "宛先: 鈴木 様 <suzuki@client.example.com>, 佐藤 花子 <sato@example.co.jp>"
	has "$TMP/got" "日時: 2026年11月24日(火) 10:30"
	has "$TMP/got" "Message-ID: <20261124103000.attach@example.co.jp>"
	grep -qE '^- 見積書\.csv \([0-9]+ バイト\)$' "$TMP/got"
	# a notice says who it is about: only the sender can read it
	[ "$(stat -c %a "$TMP/n.eml")" = 600 ]
}

@test "a rule that reads only the header: the notice still lists the files" {
	printf '[rule all-out]\nif = external >= 1\naction = reject\nreason = x\n' \
	    >>"$C"
	sed -i '/^\[rule no-files-out\]/,/^$/d' "$C"
	run mp-policy -c "$C" --notice "$TMP/n.eml" "$TMP/long.eml"
	[ "$status" -eq 1 ]
	[ "$output" = "$TMP/long.eml: reject rules=hold-external,all-out" ]
	notice_of "$TMP/n.eml" | grep -qE '^- 見積書\.csv \([0-9]+ バイト\)$'
}

@test "--lang en: the notice and the verdict's reason in English" {
	run --separate-stderr mp-policy -c "$C" --lang en --notice "$TMP/n.eml" \
	    --json "$TMP/attach.eml"
	[ "$status" -eq 1 ]
	python3 -c 'import json, sys
r = json.loads(sys.argv[1])
assert r["reason"] == "Files may not be attached to mail for outside addresses", r' \
	    "$output"
	notice_of "$TMP/n.eml" >"$TMP/got"
	has "$TMP/got" "Subject: [Rejected] 見積書の送付"
	has "$TMP/got" "The message below was not sent: the mail policy's rule \"no-files-out\""
	has "$TMP/got" "Reason: Files may not be attached to mail for outside addresses"
	has "$TMP/got" "Date: 2026-11-24 10:30 +0900"
	grep -qE '^- 見積書\.csv \([0-9]+ bytes\)$' "$TMP/got"
	# [policy] lang = en says the same; the flag is over the key
	printf '[policy]\nlang = en\n' >>"$C"
	mp-policy -c "$C" --notice "$TMP/n2.eml" "$TMP/attach.eml" || true
	notice_of "$TMP/n2.eml" | grep -qxF "Subject: [Rejected] 見積書の送付"
	mp-policy -c "$C" --lang ja --notice "$TMP/n3.eml" "$TMP/attach.eml" ||
	    true
	notice_of "$TMP/n3.eml" | grep -qxF "Subject: [送信拒否] 見積書の送付"
}

@test "a file, a Maildir and a command each take the same notice" {
	mkdir -p "$TMP/md/tmp" "$TMP/md/new" "$TMP/md/cur"
	run --separate-stderr mp-policy -c "$C" --notice "$TMP/n.eml" \
	    --notice-maildir "$TMP/md" --notice-cmd "cat >'$TMP/cmd.eml'" \
	    <"$TMP/attach.eml"
	[ "$status" -eq 1 ]
	[ "$output" = "$REJECT" ]
	[ "$(ls "$TMP/md/new" | wc -l)" -eq 1 ]
	[ -z "$(ls -A "$TMP/md/tmp")" ]
	cmp "$TMP/n.eml" "$TMP/md/new/"*
	cmp "$TMP/n.eml" "$TMP/cmd.eml"
	notice_of "$TMP/cmd.eml" | grep -qxF "To: ito@example.co.jp"
	# the keys of [policy] say the same as the flags
	rm "$TMP/md/new/"* "$TMP/n.eml"
	printf '[policy]\nnotice = %s\nnotice-maildir = %s\n' "$TMP/n.eml" \
	    "$TMP/md" >>"$C"
	run mp-policy -c "$C" "$TMP/attach.eml"
	[ "$status" -eq 1 ]
	[ -s "$TMP/n.eml" ]
	[ "$(ls "$TMP/md/new" | wc -l)" -eq 1 ]
}

@test "-a: the notice, then the message with its field; exit 0" {
	run --separate-stderr mp-policy -c "$C" -a --notice "$TMP/n.eml" \
	    "$TMP/attach.eml"
	[ "$status" -eq 0 ]
	grep -qxF "X-MP-Policy: $REJECT" <<<"$output"
	[ -s "$TMP/n.eml" ]
}

@test "the notice goes to the SMTP AUTH user; --notice-from is its From" {
	run mp-policy -c "$C" --auth-user kato@example.co.jp \
	    --notice-from "メール管理 <mail-admin@example.co.jp>" \
	    --notice "$TMP/n.eml" "$TMP/attach.eml"
	[ "$status" -eq 1 ]
	notice_of "$TMP/n.eml" >"$TMP/got"
	has "$TMP/got" "To: kato@example.co.jp"
	has "$TMP/got" "From: mail-admin@example.co.jp"
	run --separate-stderr mp-policy -c "$C" --notice-from "not an address" \
	    --notice "$TMP/n2.eml" "$TMP/attach.eml"
	[ "$status" -eq 64 ]
	[ "$stderr" = "mp-policy: --notice-from: not an address: not an address" ]
	[ ! -e "$TMP/n2.eml" ]
}

@test "no notice for mail that passes or is held, nor in a batch" {
	run mp-policy -c "$C" --notice "$TMP/n.eml" "$TMP/external.eml"
	[ "$status" -eq 0 ]
	[ "$output" = "$TMP/external.eml: hold 30m rules=hold-external" ]
	run mp-policy -c "$C" --notice "$TMP/n.eml" "$TMP/internal.eml"
	[ "$status" -eq 0 ]
	[ "$output" = "$TMP/internal.eml: pass" ]
	[ ! -e "$TMP/n.eml" ]
	# a batch replays old mail: its senders are not told again
	run mp-policy -c "$C" --notice "$TMP/n.eml" "$TMP/attach.eml" \
	    "$TMP/internal.eml"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$TMP/attach.eml: $REJECT" ]
	[ ! -e "$TMP/n.eml" ]
	# so does --summary or --report, even of one message
	run mp-policy -c "$C" --notice "$TMP/n.eml" --summary "$TMP/attach.eml"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$TMP/attach.eml: $REJECT" ]
	[ ! -e "$TMP/n.eml" ]
	run mp-policy -c "$C" --notice "$TMP/n.eml" --report "$TMP/r.html" \
	    "$TMP/attach.eml"
	[ "$status" -eq 1 ]
	[ ! -e "$TMP/n.eml" ]
	[ -s "$TMP/r.html" ]
}

@test "no notice to a bounce, an automatic message or no sender; said on stderr" {
	run --separate-stderr mp-policy -c "$C" -f "" --notice "$TMP/n.eml" \
	    "$TMP/attach.eml"
	[ "$status" -eq 1 ]
	[ "$output" = "$TMP/attach.eml: $REJECT" ]
	[ "$stderr" = "mp-policy: warning: no rejection notice: the envelope sender is null (a bounce)" ]
	run --separate-stderr mp-policy -c "$C" --notice "$TMP/n.eml" \
	    "$TMP/autoreply.eml"
	[ "$status" -eq 1 ]
	[ "$stderr" = "mp-policy: warning: no rejection notice: the message is automatic (Auto-Submitted)" ]
	run --separate-stderr mp-policy -c "$C" --notice "$TMP/n.eml" \
	    "$TMP/nofrom.eml"
	[ "$status" -eq 1 ]
	[ "$stderr" = "mp-policy: warning: no rejection notice: no sender address to send it to" ]
	[ ! -e "$TMP/n.eml" ]
	# "Auto-Submitted: no" is a person's mail
	run mp-policy -c "$C" --notice "$TMP/n.eml" "$TMP/manual.eml"
	[ "$status" -eq 1 ]
	[ -s "$TMP/n.eml" ]
}

@test "--template-dir: reject.LANG there replaces the built-in text" {
	mkdir "$TMP/t"
	printf 'Subject: 止めました: {subject}\n\n{rule}: {reason}\n{message-id} {{x}\n' \
	    >"$TMP/t/reject.ja"
	run mp-policy -c "$C" --template-dir "$TMP/t" --notice "$TMP/n.eml" \
	    "$TMP/attach.eml"
	[ "$status" -eq 1 ]
	notice_of "$TMP/n.eml" >"$TMP/got"
	has "$TMP/got" "Subject: 止めました: 見積書の送付"
	[ "$(sed '1,/^$/d' "$TMP/got")" = "no-files-out: 社外宛てのメールに添付ファイルは付けられません
<20261124103000.attach@example.co.jp> {x}" ]
	# no reject.en there: English is the built-in text
	run mp-policy -c "$C" --lang en --template-dir "$TMP/t" \
	    --notice "$TMP/n.eml" "$TMP/attach.eml"
	notice_of "$TMP/n.eml" | grep -qxF "Subject: [Rejected] 見積書の送付"
}

@test "a bad template or template directory: 78 before any mail is read" {
	mkdir "$TMP/t"
	printf 'Subject: {subject}\n\n{reason}\nPassword: {password}\n' \
	    >"$TMP/t/reject.ja"
	run --separate-stderr mp-policy -c "$C" --template-dir "$TMP/t" \
	    --notice "$TMP/n.eml" "$TMP/attach.eml"
	[ "$status" -eq 78 ]
	[ -z "$output" ]
	[ "$stderr" = "mp-policy: template $TMP/t/reject.ja:4: unknown placeholder {password} (write {{ for a brace)" ]
	[ ! -e "$TMP/n.eml" ]
	# a notice that does not say why
	printf 'Subject: {subject}\n\n{rule}\n' >"$TMP/t/reject.ja"
	run --separate-stderr mp-policy -c "$C" --template-dir "$TMP/t" \
	    </dev/null
	[ "$status" -eq 78 ]
	[ "$stderr" = "mp-policy: template $TMP/t/reject.ja: must hold {reason}" ]
	# no Subject line
	printf '{reason}\n' >"$TMP/t/reject.ja"
	run --separate-stderr mp-policy -c "$C" --template-dir "$TMP/t" \
	    </dev/null
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"must start with a Subject: line and an empty line" ]]
	# a directory that is not there would give the built-in text
	run --separate-stderr mp-policy -c "$C" --template-dir "$TMP/nope" \
	    </dev/null
	[ "$status" -eq 78 ]
	[ "$stderr" = "mp-policy: template directory: $TMP/nope: No such file or directory" ]
	# a Maildir that is not one fails once, at start
	run --separate-stderr mp-policy -c "$C" --notice-maildir "$TMP/t" \
	    "$TMP/attach.eml"
	[ "$status" -eq 78 ]
	[ -z "$output" ]
	[ "$stderr" = "mp-policy: notice Maildir: $TMP/t: not a Maildir (no tmp/ directory)" ]
}

@test "a notice that is not delivered: 75, nothing printed; the mail stays refused" {
	run --separate-stderr mp-policy -c "$C" \
	    --notice-cmd 'cat >/dev/null; exit 3' "$TMP/attach.eml"
	[ "$status" -eq 75 ]
	[ -z "$output" ]
	[ "$stderr" = "mp-policy: $TMP/attach.eml: notice command exited with 3: cat >/dev/null; exit 3" ]
	# -a prints no message either: the MTA tries again later
	run --separate-stderr mp-policy -c "$C" -a \
	    --notice-cmd 'cat >/dev/null; exit 3' <"$TMP/attach.eml"
	[ "$status" -eq 75 ]
	[ -z "$output" ]
	# a full disk under the command, and a file that cannot be made
	run --separate-stderr mp-policy -c "$C" --notice-cmd 'cat >/dev/full' \
	    "$TMP/attach.eml"
	[ "$status" -eq 75 ]
	[ -z "$output" ]
	run --separate-stderr mp-policy -c "$C" --notice "$TMP/no/dir/n.eml" \
	    "$TMP/attach.eml"
	[ "$status" -eq 75 ]
	[ -z "$output" ]
	[[ "$stderr" == "mp-policy: $TMP/attach.eml: notice: $TMP/no/dir/.n.eml."*": No such file or directory" ]]
	# a notice for mail that passes is never made, so cannot fail it
	run mp-policy -c "$C" --notice-cmd 'exit 3' "$TMP/internal.eml"
	[ "$status" -eq 0 ]
}

@test "a notice file on a full disk: 75, nothing printed, nothing left" {
	small_tmpdir
	head -c 1048576 /dev/zero >"$TMP/small/fill" 2>/dev/null || true
	run --separate-stderr mp-policy -c "$C" --notice "$TMP/small/n.eml" \
	    "$TMP/attach.eml"
	[ "$status" -eq 75 ]
	[ -z "$output" ]
	[[ "$stderr" == *"No space left on device"* ]]
	[ "$(ls -A "$TMP/small")" = fill ]
}
