#!/usr/bin/env bats
# mp-hold's notices: the held notice to the sender (by mode: a time, who
# gets it now and who later, the approvers, a confirmation), the request
# to each approver with their own link, and the notices of a discard,
# an expiry and a refusal; Japanese and English; templates of the
# template directory over the built-in ones, a bad one refused (78).

load helper
bats_require_minimum_version 1.5.0

# the time every test queues at, and the page's address
NOW="2026-11-24T10:30:00+09:00"
BASE="https://mail.example.co.jp/hold/"

setup() {
	setup_tmp
	C=$TMP/mp.conf
	MD=$TMP/md
	mkdir -p "$MD/tmp" "$MD/new" "$MD/cur"
	# a sendmail that keeps what it was given
	printf '#!/bin/sh\necho "$@" >>"%s/sent"\ncat >/dev/null\n' "$TMP" \
	    >"$TMP/sendmail"
	# one that refuses for good (EX_DATAERR), saying why
	printf '#!/bin/sh\ncat >/dev/null\necho "550 5.1.1 no such user" >&2\nexit 65\n' \
	    >"$TMP/refuse"
	chmod +x "$TMP/sendmail" "$TMP/refuse"
	cat >"$C" <<-EOF
	[general]
	time-zone = Asia/Tokyo

	[domains]
	internal = example.co.jp

	[hold]
	spool = $TMP/spool
	sendmail = $TMP/sendmail
	base-url = $BASE
	notice-maildir = $MD
	notice-from = mail-admin@example.co.jp
	EOF
	mkmail
}

teardown() {
	teardown_tmp
}

# mkmail - $TMP/m.eml: to one outside and one inside address, with a
# file; $TMP/nosubject.eml: the same without a Subject
mkmail() {
	python3 - "$TMP" <<-'EOF'
	import email.policy, sys
	from email.message import EmailMessage

	def write(name, subject):
	    m = EmailMessage(policy=email.policy.default)
	    m["From"] = "伊藤 翔 <ito@example.co.jp>"
	    m["To"] = "鈴木 様 <suzuki@client.example.com>"
	    m["Cc"] = "佐藤 花子 <sato@example.co.jp>"
	    if subject:
	        m["Subject"] = subject
	    m["Message-ID"] = "<20261124103000.%s@example.co.jp>" % name
	    m.set_content("お世話になっております。\n見積書をお送りします。\n")
	    m.add_attachment("品番,数量\nA-1,10\n".encode(), maintype="text",
	                     subtype="csv", filename="見積書.csv")
	    with open("%s/%s.eml" % (sys.argv[1], name), "wb") as f:
	        f.write(m.as_bytes())

	write("m", "見積書の送付")
	write("nosubject", None)
	EOF
}

# hold [OPTION...] - queue $TMP/m.eml from ito@ to both, at NOW; the
# entry's id in ID
hold() {
	run --separate-stderr mp-hold -c "$C" --now "$NOW" "$@" \
	    -f ito@example.co.jp -- suzuki@client.example.com \
	    sato@example.co.jp <"${MSG:-$TMP/m.eml}"
	[ "$status" -eq 0 ] || { echo "mp-hold: $status: $stderr"; false; }
	ID=$output
	[[ "$ID" =~ ^[0-9a-f]{32}$ ]]
}

# notice TO SUBJECT - the one notice in the Maildir to TO whose subject
# starts with SUBJECT, as a mail client reads it (Python's email): its
# fields decoded, its charset, an empty line, its text.  Fails when
# there is not exactly one.
notice() {
	python3 - "$MD/new" "$1" "$2" <<-'EOF'
	import email, email.policy, os, sys
	d, to, subject = sys.argv[1:]
	found = []
	for name in sorted(os.listdir(d)):
	    with open(os.path.join(d, name), "rb") as f:
	        m = email.message_from_binary_file(f, policy=email.policy.default)
	    if m["To"] == to and str(m["Subject"]).startswith(subject):
	        found.append(m)
	if len(found) != 1:
	    sys.exit("%d notices to %s with subject %s" % (len(found), to, subject))
	m = found[0]
	for h in ("From", "To", "Subject", "Date", "References", "Auto-Submitted"):
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

# link_of FILE - the one line of FILE that is a link to the page
link_of() {
	grep -xE "https://[^ ]+" "$1"
}

# count - how many notices the Maildir holds
count() {
	find "$MD/new" -type f | wc -l
}

@test "held, in Japanese: subject, recipients, file, release time, the sender's link" {
	hold
	[ "$(count)" -eq 1 ]
	notice ito@example.co.jp "[配送保留]" >"$TMP/got"
	has "$TMP/got" "From: mail-admin@example.co.jp"
	has "$TMP/got" "To: ito@example.co.jp"
	has "$TMP/got" "Subject: [配送保留] 見積書の送付"
	has "$TMP/got" "References: <20261124103000.m@example.co.jp>"
	has "$TMP/got" "Auto-Submitted: auto-generated"
	has "$TMP/got" "Charset: iso-2022-jp"
	# sent at --now, in [general] time-zone like the times in the text
	has "$TMP/got" "Date: Tue, 24 Nov 2026 10:30:00 +0900"
	# the default hold: 5 minutes
	has "$TMP/got" "このメールの送信を 2026年11月24日(火) 10:35 まで保留しています。"
	has "$TMP/got" "そのままにしておくと、その時刻に自動で送信されます。"
	has "$TMP/got" "件名: 見積書の送付"
	has "$TMP/got" "差出人: 伊藤 翔 <ito@example.co.jp>"
	has "$TMP/got" "  suzuki@client.example.com (社外)"
	has "$TMP/got" "  sato@example.co.jp"
	has "$TMP/got" "  見積書.csv (21 バイト)"
	# BASE-URL ID/TOKEN: one link, of this entry, a 128-bit token
	[ "$(link_of "$TMP/got" | wc -l)" -eq 1 ]
	[[ "$(link_of "$TMP/got")" =~ ^${BASE}${ID}/[0-9a-f]{32}$ ]]
}

@test "held, in English: the same in plain English" {
	hold --lang en
	notice ito@example.co.jp "[Held]" >"$TMP/got"
	has "$TMP/got" "Subject: [Held] 見積書の送付"
	has "$TMP/got" "Auto-Submitted: auto-generated"
	has "$TMP/got" "It is held until 2026-11-24 10:35 +0900, and will then be sent automatically."
	has "$TMP/got" "To send it now, or to discard it, open this page:"
	has "$TMP/got" "  suzuki@client.example.com (external)"
	has "$TMP/got" "  sato@example.co.jp"
	has "$TMP/got" "  見積書.csv (21 bytes)"
	[[ "$(link_of "$TMP/got")" =~ ^${BASE}${ID}/[0-9a-f]{32}$ ]]
	# [hold] lang = en says the same
	rm "$MD/new/"*
	printf 'lang = en\n' >>"$C"
	hold --for 10m
	notice ito@example.co.jp "[Held]" >"$TMP/got"
	has "$TMP/got" "It is held until 2026-11-24 10:40 +0900, and will then be sent automatically."
}

@test "stagger: the notice names who gets it at once and who waits until when" {
	hold --stagger 2h
	notice ito@example.co.jp "[配送保留]" >"$TMP/got"
	has "$TMP/got" "社内の宛先にはすぐに送信し、それ以外の宛先への送信は 2026年11月24日(火) 12:30"
	# each list: its heading, then its addresses
	grep -A1 -xF "すぐに送信する宛先:" "$TMP/got" | tail -1 >"$TMP/now"
	grep -A1 -xF "2026年11月24日(火) 12:30 に送信する宛先:" "$TMP/got" |
	    tail -1 >"$TMP/later"
	[ "$(cat "$TMP/now")" = "  sato@example.co.jp" ]
	[ "$(cat "$TMP/later")" = "  suzuki@client.example.com (社外)" ]
	[[ "$(link_of "$TMP/got")" =~ ^${BASE}${ID}/[0-9a-f]{32}$ ]]
}

@test "approve: the sender is told who must approve by when; each approver gets a request with a link of their own" {
	hold --approve --approver boss@example.co.jp \
	    --approver chief@example.co.jp --rule files-out \
	    --reason "社外宛ての添付ファイル"
	[ "$(count)" -eq 3 ]
	notice ito@example.co.jp "[配送保留]" >"$TMP/held"
	has "$TMP/held" "このメールは、次の方の承認を待っています。承認されると送信されます。"
	has "$TMP/held" "  boss@example.co.jp"
	has "$TMP/held" "  chief@example.co.jp"
	# approve-timeout: 1 day; approve-expiry: discard
	grep -qF "2026年11月25日(水) 10:30 までに承認されない場合、このメールは破棄さ" \
	    "$TMP/held"
	has "$TMP/held" "送信ポリシーのルール「files-out」による保留です。理由: 社外宛ての添付ファイル"
	refute grep -qF "10:35" "$TMP/held"
	for a in boss chief; do
		notice $a@example.co.jp "[承認依頼]" >"$TMP/$a"
		has "$TMP/$a" "Subject: [承認依頼] 見積書の送付"
		has "$TMP/$a" "To: $a@example.co.jp"
		has "$TMP/$a" "Auto-Submitted: auto-generated"
		has "$TMP/$a" "依頼者: 伊藤 翔 <ito@example.co.jp>"
		has "$TMP/$a" "送信者アドレス: ito@example.co.jp"
		has "$TMP/$a" "件名: 見積書の送付"
		has "$TMP/$a" "  suzuki@client.example.com (社外)"
		has "$TMP/$a" "  見積書.csv (21 バイト)"
		has "$TMP/$a" "承認期限: 2026年11月25日(水) 10:30"
		has "$TMP/$a" "内容をご確認のうえ、次のページで承認または却下してください。"
		[[ "$(link_of "$TMP/$a")" =~ ^${BASE}${ID}/[0-9a-f]{32}$ ]]
	done
	# one token per person: no one has another's
	sort -u <(link_of "$TMP/held") <(link_of "$TMP/boss") \
	    <(link_of "$TMP/chief") >"$TMP/links"
	[ "$(wc -l <"$TMP/links")" -eq 3 ]
}

@test "approve, in English" {
	hold --lang en --approve --approver boss@example.co.jp
	notice ito@example.co.jp "[Held]" >"$TMP/held"
	has "$TMP/held" "It waits for the approval of"
	has "$TMP/held" "  boss@example.co.jp"
	grep -qF "If nobody approves it by 2026-11-25 10:30 +0900," "$TMP/held"
	grep -qF "it will be discarded and not sent." "$TMP/held"
	notice boss@example.co.jp "[Approval requested]" >"$TMP/boss"
	has "$TMP/boss" "Subject: [Approval requested] 見積書の送付"
	has "$TMP/boss" "Deadline: 2026-11-25 10:30 +0900"
	has "$TMP/boss" "Check it, then approve or reject it on this page:"
	[[ "$(link_of "$TMP/boss")" =~ ^${BASE}${ID}/[0-9a-f]{32}$ ]]
}

@test "confirm: the sender is asked to confirm on the page" {
	hold --confirm
	notice ito@example.co.jp "[配送保留]" >"$TMP/got"
	has "$TMP/got" "このメールは、あなたの確認を待っています。確認されるまで送信されません。"
	grep -qF "社外の宛先のドメインと添付ファイル名をひとつずつ確かめて" "$TMP/got"
	[[ "$(link_of "$TMP/got")" =~ ^${BASE}${ID}/[0-9a-f]{32}$ ]]
	rm "$MD/new/"*
	hold --confirm --lang en
	notice ito@example.co.jp "[Held]" >"$TMP/got"
	has "$TMP/got" "It waits for your confirmation and is not sent until you confirm it.  If it"
}

@test "without base-url: no link, and the notice says whom to ask" {
	sed -i '/^base-url/d' "$C"
	hold
	notice ito@example.co.jp "[配送保留]" >"$TMP/got"
	refute grep -qF "https://" "$TMP/got"
	refute grep -qF "次のページ" "$TMP/got"
	has "$TMP/got" "送信を取り消す必要がある場合は、システム管理者にご連絡ください。"
	# the gap of the missing link closes up
	refute grep -qzP '\n\n\n' "$TMP/got"
}

@test "a message without a subject: the notice says so" {
	MSG=$TMP/nosubject.eml hold
	notice ito@example.co.jp "[配送保留]" >"$TMP/got"
	has "$TMP/got" "Subject: [配送保留] (件名なし)"
	has "$TMP/got" "件名: (件名なし)"
}

@test "discard by an administrator: the sender is told, and that nothing went out" {
	hold
	run --separate-stderr mp-hold -c "$C" --discard "$ID"
	[ "$status" -eq 0 ]
	notice ito@example.co.jp "[配送取消]" >"$TMP/got"
	has "$TMP/got" "Subject: [配送取消] 見積書の送付"
	has "$TMP/got" "To: ito@example.co.jp"
	has "$TMP/got" "Auto-Submitted: auto-generated"
	has "$TMP/got" "次のメールの送信は取り消されました。"
	has "$TMP/got" "どの宛先にも送信されていません。"
	grep -qxE "取り消した人: システム管理者 \(.+\)" "$TMP/got"
	has "$TMP/got" "  suzuki@client.example.com (社外)"
	[ ! -e "$TMP/sent" ]
}

@test "discard of a stagger after its first part: the notice says who got it" {
	hold --stagger 2h --lang en
	run --separate-stderr mp-hold -c "$C" --discard "$ID"
	[ "$status" -eq 0 ]
	notice ito@example.co.jp "[Discarded]" >"$TMP/got"
	grep -A1 -xF "It had already gone to:" "$TMP/got" | tail -1 >"$TMP/done"
	[ "$(cat "$TMP/done")" = "  sato@example.co.jp" ]
	refute grep -qF "None of the recipients" "$TMP/got"
}

@test "expired approval: discarded or sent, as approve-expiry says" {
	hold --approve --approver boss@example.co.jp
	run --separate-stderr mp-hold -c "$C" --run --now "2026-11-25T10:31:00+09:00"
	[ "$status" -eq 0 ]
	notice ito@example.co.jp "[期限切れ]" >"$TMP/got"
	has "$TMP/got" "Subject: [期限切れ] 見積書の送付"
	has "$TMP/got" "次のメールは、期限の 2026年11月25日(水) 10:30 までに承認されませんでした。"
	has "$TMP/got" "設定により、このメールは破棄しました。宛先には送信されていません。"
	[ ! -e "$TMP/sent" ]
	rm "$MD/new/"*
	printf 'approve-expiry = deliver\n' >>"$C"
	hold --approve --approver boss@example.co.jp
	run --separate-stderr mp-hold -c "$C" --run --now "2026-11-25T10:31:00+09:00"
	[ "$status" -eq 0 ]
	notice ito@example.co.jp "[期限切れ]" >"$TMP/got"
	has "$TMP/got" "設定により、そのまま宛先に送信しました。"
	[ -s "$TMP/sent" ]
}

@test "refused by sendmail for good: the sender gets the error" {
	sed -i "s|^sendmail = .*|sendmail = $TMP/refuse|" "$C"
	hold --lang en
	run --separate-stderr mp-hold -c "$C" --run --now "2026-11-24T10:36:00+09:00"
	notice ito@example.co.jp "[Failed]" >"$TMP/got"
	has "$TMP/got" "Subject: [Failed] 見積書の送付"
	has "$TMP/got" "The mail server refused the message below: it could not be sent."
	grep -A2 -xF "Not delivered to:" "$TMP/got" >"$TMP/refused"
	grep -qxF "  suzuki@client.example.com (external)" "$TMP/refused"
	grep -qxF "  sato@example.co.jp" "$TMP/refused"
	# sendmail's last word, whatever run.c keeps of it
	grep -A1 -xF "Error:" "$TMP/got" | tail -1 >"$TMP/error"
	[ -s "$TMP/error" ]
	[ "$(cat "$TMP/error")" != "-" ]
}

# web ID TOKEN METHOD [BODY] - mp-hold-web's answer to one request
web() {
	local body=${4:-}

	printf %s "$body" | MP_CONFIG=$C GATEWAY_INTERFACE=CGI/1.1 \
	    REQUEST_METHOD=$3 PATH_INFO="/$1/$2" \
	    CONTENT_TYPE=application/x-www-form-urlencoded \
	    CONTENT_LENGTH=${#body} mp-hold-web
}

@test "rejected on the page: the sender gets the approver's comment" {
	[ -x "$MP_BIN/mp-hold-web" ] || skip "no mp-hold-web"
	hold --approve --approver boss@example.co.jp
	notice boss@example.co.jp "[承認依頼]" >"$TMP/boss"
	token=$(link_of "$TMP/boss" | sed 's|.*/||')
	csrf=$(web "$ID" "$token" GET 2>/dev/null |
	    sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
	[ -n "$csrf" ]
	comment=$(python3 -c 'import urllib.parse
print(urllib.parse.quote("社外の宛先を外してから送ってください。"))')
	web "$ID" "$token" POST "csrf=$csrf&action=reject&comment=$comment" \
	    >/dev/null 2>&1
	notice ito@example.co.jp "[承認却下]" >"$TMP/got"
	has "$TMP/got" "Subject: [承認却下] 見積書の送付"
	has "$TMP/got" "To: ito@example.co.jp"
	has "$TMP/got" "Auto-Submitted: auto-generated"
	has "$TMP/got" "次のメールは承認されなかったため、送信されませんでした。"
	has "$TMP/got" "却下した人: boss@example.co.jp"
	grep -A1 -xF "コメント:" "$TMP/got" | tail -1 >"$TMP/comment"
	[ "$(cat "$TMP/comment")" = "社外の宛先を外してから送ってください。" ]
	has "$TMP/got" "  suzuki@client.example.com (社外)"
	[ ! -e "$TMP/sent" ]
}

@test "[hold] notice = FILE and --notice FILE take the notice too" {
	sed -i '/^notice-maildir/d' "$C"
	printf 'notice = %s/n.eml\n' "$TMP" >>"$C"
	hold
	[ -s "$TMP/n.eml" ]
	grep -qF "Subject: =?ISO-2022-JP?" "$TMP/n.eml"
	python3 -c 'import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
assert m["Subject"] == "[配送保留] 見積書の送付", m["Subject"]
assert m["To"] == "ito@example.co.jp"' "$TMP/n.eml"
	hold --notice "$TMP/n2.eml"
	[ -s "$TMP/n2.eml" ]
}

@test "--template-dir: a site's held notice replaces the built-in one, the rest stay" {
	hold --lang en --template-dir "$TESTDATA/hold/templates"
	notice ito@example.co.jp "Waiting:" >"$TMP/got"
	has "$TMP/got" "Subject: Waiting: 見積書の送付"
	has "$TMP/got" "Your mail \"見積書の送付\" (hold) is held until 2026-11-24 10:35 +0900."
	grep -A1 -xF "Release or discard it here:" "$TMP/got" | tail -1 >"$TMP/link"
	[[ "$(cat "$TMP/link")" =~ ^${BASE}${ID}/[0-9a-f]{32}$ ]]
	has "$TMP/got" "  suzuki@client.example.com (external)"
	has "$TMP/got" "  見積書.csv (21 bytes)"
	has "$TMP/got" "The Example Co. mail desk"
	refute grep -qF "[Held]" "$TMP/got"
	# the approval request has no file there: built in
	rm "$MD/new/"*
	hold --lang en --template-dir "$TESTDATA/hold/templates" --approve \
	    --approver boss@example.co.jp
	notice boss@example.co.jp "[Approval requested]" >/dev/null
	# [hold] template-dir, in Japanese
	rm "$MD/new/"*
	printf 'template-dir = %s\n' "$TESTDATA/hold/templates" >>"$C"
	hold
	notice ito@example.co.jp "【送信待ち】" >"$TMP/got"
	has "$TMP/got" "Charset: iso-2022-jp"
	has "$TMP/got" "「見積書の送付」は 2026年11月24日(火) 10:35 に送信されます(一時保留)。"
}

@test "a template with an unknown placeholder: 78, naming the file; nothing queued" {
	run --separate-stderr mp-hold -c "$C" --now "$NOW" \
	    --template-dir "$TESTDATA/hold/bad-template" \
	    -f ito@example.co.jp -- suzuki@client.example.com <"$TMP/m.eml"
	[ "$status" -eq 78 ]
	[ -z "$output" ]
	[[ "$stderr" == mp-hold:* ]]
	grep -qF "$TESTDATA/hold/bad-template/hold-approve.ja:3: unknown placeholder {requester}" \
	    <<<"$stderr"
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	[ "$(count)" -eq 0 ]
	[ -z "$(find "$TMP/spool" -name entry.json 2>/dev/null)" ]
	# the Japanese file is read for English too: an entry's later
	# notices are in the language it was queued in, whatever --lang
	run --separate-stderr mp-hold -c "$C" --now "$NOW" --lang en \
	    --template-dir "$TESTDATA/hold/bad-template" \
	    -f ito@example.co.jp -- suzuki@client.example.com <"$TMP/m.eml"
	[ "$status" -eq 78 ]
	grep -qF "hold-approve.ja:3: unknown placeholder {requester}" <<<"$stderr"
}
