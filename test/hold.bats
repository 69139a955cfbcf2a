#!/usr/bin/env bats
# mp-hold: the hold queue from the command line — queueing, --run,
# the administrator's commands, every state an entry reaches from here,
# and which notices go to whom (their wording: hold-notice.bats)

load helper
bats_require_minimum_version 1.5.0

ORG=$TESTDATA/org
MKMSG="python3 $BATS_TEST_DIRNAME/lib/mkmsg.py"

setup() {
	setup_tmp
	SM=$TMP/sm
	SPOOL=$TMP/spool
	mkdir -p "$SM" "$TMP"/notices/{tmp,new,cur}
	export FAKESM_DIR=$SM
	cat >"$TMP/mp.conf" <<-EOF
	[domains]
	internal = example.co.jp
	semi-internal = group.example.jp
	[hold]
	spool = $SPOOL
	sendmail = $BATS_TEST_DIRNAME/lib/fakesendmail
	notice-maildir = $TMP/notices
	base-url = http://127.0.0.1/hold/
	EOF
	export MP_CONFIG=$TMP/mp.conf
	MSG=$TMP/m.eml
	$MKMSG "$MSG" --to a@example.com,b@example.co.jp --subject hello \
	    --attach report.pdf:3000:application/pdf
	# every time of a test counts from here; the clock is never read
	T0=$(date +%s)
	ME=$(id -un)
}

teardown() {
	teardown_tmp
}

# t SECONDS - the time SECONDS after T0, as --now takes it
t() {
	date -d "@$((T0 + $1))" -Iseconds
}

# hold ARG... - queue $MSG at T0 with ARGs; the id in $id
hold() {
	id=$(mp-hold --now "$(t 0)" "$@" <"$MSG")
	[[ $id =~ ^[0-9a-f]{32}$ ]] || { echo "not an id: '$id'"; false; }
}

# run_at SECONDS - mp-hold --run at T0 + SECONDS, which must succeed
run_at() {
	mp-hold --run --now "$(t "$1")"
}

# calls - how many times sendmail was run
calls() {
	find "$SM" -name '*.args' | wc -l
}

# envelope ARG... - sendmail's arguments as fakesendmail keeps them
envelope() {
	printf '%s\n' "$@"
}

# field ID EXPR - a Python expression of the entry d (--show --json)
field() {
	mp-hold --show "$1" --json |
	    python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"
}

# state ID - the entry's state
state() {
	field "$1" 'd["state"]'
}

# notices - every notice in the Maildir, one "KIND ADDRESS" a line,
# sorted; KIND from the Subject's tag in either language
notices() {
	python3 - "$TMP/notices" <<-'EOF'
	import email, email.policy, os, sys
	tags = {"配送保留": "held", "Held": "held",
	        "承認依頼": "approve", "Approval requested": "approve",
	        "配送取消": "discarded", "Discarded": "discarded",
	        "承認却下": "rejected", "Rejected": "rejected",
	        "期限切れ": "expired", "Expired": "expired",
	        "配送失敗": "failed", "Failed": "failed"}
	out = []
	for sub in ("new", "cur"):
	    d = os.path.join(sys.argv[1], sub)
	    for name in os.listdir(d):
	        with open(os.path.join(d, name), "rb") as f:
	            m = email.message_from_binary_file(f, policy=email.policy.default)
	        subject = str(m["Subject"])
	        tag = subject[1:subject.find("]")] if subject.startswith("[") else ""
	        to = [a.addr_spec for a in m["To"].addresses]
	        out.append("%s %s" % (tags.get(tag, "?" + subject), ",".join(to)))
	print("\n".join(sorted(out)))
	EOF
}

# notice_text KIND - the decoded body of the one notice of KIND
notice_text() {
	python3 - "$TMP/notices" "$1" <<-'EOF'
	import email, email.policy, os, sys
	tags = {"held": "配送保留", "approve": "承認依頼", "discarded": "配送取消",
	        "rejected": "承認却下", "expired": "期限切れ", "failed": "配送失敗"}
	found = []
	for sub in ("new", "cur"):
	    d = os.path.join(sys.argv[1], sub)
	    for name in os.listdir(d):
	        with open(os.path.join(d, name), "rb") as f:
	            m = email.message_from_binary_file(f, policy=email.policy.default)
	        if str(m["Subject"]).startswith("[%s]" % tags[sys.argv[2]]):
	            found.append(m.get_body(("plain",)).get_content())
	assert len(found) == 1, "%d notices of that kind" % len(found)
	print(found[0])
	EOF
}

# entries - how many entries the spool holds
entries() {
	mp-hold --list | wc -l
}

# --- queueing ---

@test "queueing prints a 32-hex id, exits 0, and holds the bytes exactly" {
	run -0 mp-hold -f sato@example.co.jp -- a@example.com <"$MSG"
	[[ $output =~ ^[0-9a-f]{32}$ ]]
	cmp "$MSG" "$SPOOL/$output/message"
	[ "$(state "$output")" = held ]
	[ "$(calls)" -eq 0 ]
	# another message, another id
	run -0 mp-hold -f sato@example.co.jp -- a@example.com <"$MSG"
	[ "$(entries)" -eq 2 ]
}

@test "the spool is 0700 and its files 0600 whatever the umask" {
	(umask 000 && hold -f sato@example.co.jp -- a@example.com)
	id=$(mp-hold --list | cut -d' ' -f1)
	[ "$(stat -c %a "$SPOOL")" = 700 ]
	[ "$(stat -c %a "$SPOOL/tmp")" = 700 ]
	[ "$(stat -c %a "$SPOOL/key")" = 600 ]
	[ "$(stat -c %a "$SPOOL/$id")" = 700 ]
	for f in message entry.json log lock; do
		[ "$(stat -c %a "$SPOOL/$id/$f")" = 600 ] ||
		    { echo "$f: $(stat -c %a "$SPOOL/$id/$f")"; false; }
	done
	# a transition rewrites entry.json: still 0600
	(umask 000 && mp-hold --discard "$id" >/dev/null)
	[ "$(stat -c %a "$SPOOL/$id/entry.json")" = 600 ]
	[ "$(stat -c %a "$SPOOL/$id/log")" = 600 ]
}

@test "CRLF mail and an mbox From_ line are held byte for byte" {
	sed 's/$/\r/' "$TMP/m.eml" >"$TMP/crlf.eml"
	MSG=$TMP/crlf.eml hold -f sato@example.co.jp -- a@example.com
	cmp "$TMP/crlf.eml" "$SPOOL/$id/message"
	{ echo "From sato@example.co.jp Mon Nov 30 10:00:00 2026"; cat "$TMP/m.eml"; } \
	    >"$TMP/mbox.eml"
	MSG=$TMP/mbox.eml hold -f sato@example.co.jp -- a@example.com
	cmp "$TMP/mbox.eml" "$SPOOL/$id/message"
	[ "$(field "$id" 'd["size"]')" -eq "$(stat -c %s "$TMP/mbox.eml")" ]
}

@test "NUL bytes, 8-bit bytes and no final newline are held and delivered as they are" {
	printf 'trace = no\n' >>"$TMP/mp.conf"
	{ cat "$TMP/m.eml"; printf 'caf\xe9 \0 \xff\r\nlast line, no newline'; } >"$TMP/raw.eml"
	MSG=$TMP/raw.eml hold -f sato@example.co.jp -- a@example.com
	cmp "$TMP/raw.eml" "$SPOOL/$id/message"
	run_at 300
	cmp "$TMP/raw.eml" "$SM/1.msg"
}

@test "the held notice goes to the sender, nothing to the recipients" {
	hold -f sato@example.co.jp -- a@example.com b@example.co.jp
	[ "$(notices)" = "held sato@example.co.jp" ]
	[ "$(field "$id" '[(n["kind"], n["to"], n["sent"]) for n in d["notices"]]')" = "[('held', 'sato@example.co.jp', True)]" ]
}

# --- delivery after the hold time ---

@test "nothing goes before the hold time; after it, the envelope and bytes exactly" {
	printf 'trace = no\n' >>"$TMP/mp.conf"
	hold --for 10m -f sato@example.co.jp -- a@example.com b@example.co.jp c@group.example.jp
	run_at 0
	run_at 599
	[ "$(calls)" -eq 0 ]
	[ "$(state "$id")" = held ]
	run_at 600
	[ "$(calls)" -eq 1 ]
	[ "$(cat "$SM/1.args")" = "$(envelope -f sato@example.co.jp -- a@example.com b@example.co.jp c@group.example.jp)" ]
	cmp "$MSG" "$SM/1.msg"
	[ "$(state "$id")" = sent ]
	# delivered once: later runs leave it
	run_at 700
	run_at 90000
	[ "$(calls)" -eq 1 ]
}

@test "[hold] sendmail is split like a shell would, its own arguments first" {
	printf 'trace = no\n' >>"$TMP/mp.conf"
	sed -i 's|^sendmail = \(.*\)|sendmail = \1 -G "-i"|' "$TMP/mp.conf"
	hold -f sato@example.co.jp -- a@example.com
	run_at 301
	[ "$(cat "$SM/1.args")" = "$(envelope -G -i -f sato@example.co.jp -- a@example.com)" ]
}

@test "without --for, [hold] hold-time: 5m by default, else as set" {
	hold -f sato@example.co.jp -- a@example.com
	run_at 299
	[ "$(calls)" -eq 0 ]
	run_at 300
	[ "$(calls)" -eq 1 ]
	printf 'hold-time = 1h\n' >>"$TMP/mp.conf"
	hold -f sato@example.co.jp -- a@example.com
	run_at 3599
	[ "$(calls)" -eq 1 ]
	run_at 3600
	[ "$(calls)" -eq 2 ]
}

@test "the default trace: X-MP-Hold first, then the held bytes" {
	hold --for 5m -f sato@example.co.jp -- a@example.com
	run_at 300
	[ "$(head -n 1 "$SM/1.msg")" = "X-MP-Hold: id=$id; mode=hold; by=timer" ]
	tail -n +2 "$SM/1.msg" | cmp "$MSG" -
}

@test "the trace of CRLF mail ends in CRLF; of mbox mail, it follows From_" {
	sed 's/$/\r/' "$TMP/m.eml" >"$TMP/crlf.eml"
	MSG=$TMP/crlf.eml hold -f sato@example.co.jp -- a@example.com
	run_at 300
	[ "$(head -n 1 "$SM/1.msg")" = "X-MP-Hold: id=$id; mode=hold; by=timer"$'\r' ]
	tail -n +2 "$SM/1.msg" | cmp "$TMP/crlf.eml" -
	{ echo "From sato@example.co.jp Mon Nov 30 10:00:00 2026"; cat "$TMP/m.eml"; } \
	    >"$TMP/mbox.eml"
	MSG=$TMP/mbox.eml hold -f sato@example.co.jp -- a@example.com
	run_at 300
	head -n 1 "$SM/2.msg" | cmp <(head -n 1 "$TMP/mbox.eml") -
	[ "$(sed -n 2p "$SM/2.msg")" = "X-MP-Hold: id=$id; mode=hold; by=timer" ]
	sed 2d "$SM/2.msg" | cmp "$TMP/mbox.eml" -
}

@test "two runs at once deliver a message once (the entry's lock)" {
	hold -f sato@example.co.jp -- a@example.com
	echo 2 >"$SM/sleep"
	SECONDS=0
	run_at 300 &
	p1=$!
	run_at 300 &
	p2=$!
	# both exit 0: an entry another run has is that run's, not a failure
	wait "$p1"
	wait "$p2"
	# they overlapped (the second did not wait for the first's sendmail)
	[ "$SECONDS" -lt 4 ]
	[ "$(calls)" -eq 1 ]
	[ "$(state "$id")" = sent ]
}

# --- stagger ---

@test "--stagger: internal and semi-internal at once, external after D, each once" {
	printf 'trace = no\n' >>"$TMP/mp.conf"
	hold --stagger 30m -f sato@example.co.jp -- a@example.com b@example.co.jp x@example.org c@group.example.jp
	# the queueing command itself delivered the inside part
	[ "$(calls)" -eq 1 ]
	[ "$(cat "$SM/1.args")" = "$(envelope -f sato@example.co.jp -- b@example.co.jp c@group.example.jp)" ]
	cmp "$MSG" "$SM/1.msg"
	[ "$(state "$id")" = held ]
	run_at 60
	run_at 1799
	[ "$(calls)" -eq 1 ]
	run_at 1800
	[ "$(calls)" -eq 2 ]
	[ "$(cat "$SM/2.args")" = "$(envelope -f sato@example.co.jp -- a@example.com x@example.org)" ]
	cmp "$MSG" "$SM/2.msg"
	[ "$(state "$id")" = sent ]
	run_at 3600
	[ "$(calls)" -eq 2 ]
	[ "$(notices)" = "held sato@example.co.jp" ]
}

@test "--stagger with only inside recipients is sent by the queueing command" {
	hold --stagger 30m -f sato@example.co.jp -- b@example.co.jp c@group.example.jp
	[ "$(calls)" -eq 1 ]
	[ "$(state "$id")" = sent ]
}

@test "--stagger with only external recipients waits for D" {
	hold --stagger 30m -f sato@example.co.jp -- a@example.com
	[ "$(calls)" -eq 0 ]
	run_at 1800
	[ "$(calls)" -eq 1 ]
}

# --- approval ---

@test "--approve --approver: approval notices, held notice, nothing sent until approved" {
	hold --approve --approver kacho111@example.co.jp --approver bucho110@example.co.jp \
	    -f sato@example.co.jp -- a@example.com
	[ "$(notices)" = "$(printf '%s\n' "approve bucho110@example.co.jp" \
	    "approve kacho111@example.co.jp" "held sato@example.co.jp")" ]
	[ "$(field "$id" '",".join(a["address"] for a in d["approvers"])')" = "kacho111@example.co.jp,bucho110@example.co.jp" ]
	run_at 3600
	[ "$(calls)" -eq 0 ]
	[ "$(state "$id")" = held ]
	# an administrator's release of mail waiting for approval approves it
	run -0 mp-hold --release "$id"
	[ "$(calls)" -eq 1 ]
	[ "$(state "$id")" = sent ]
	[ "$(field "$id" '[(l["by"], l["who"]) for l in d["log"] if l["event"] == "approved"]')" = "[('admin', '$ME')]" ]
}

@test "--approve: the sender is never their own approver" {
	run -69 mp-hold --approve --approver sato@example.co.jp \
	    -f sato@example.co.jp -- a@example.com <"$MSG"
	[[ $output == *"nobody can approve"* ]]
	[ "$(entries)" -eq 0 ]
	[ "$(notices)" = "" ]
}

@test "--approve with [hold] approvers" {
	printf 'approvers = boss@example.co.jp, deputy@example.co.jp\n' >>"$TMP/mp.conf"
	hold --approve -f sato@example.co.jp -- a@example.com
	[ "$(field "$id" '",".join(a["address"] for a in d["approvers"])')" = "boss@example.co.jp,deputy@example.co.jp" ]
	[ "$(notices)" = "$(printf '%s\n' "approve boss@example.co.jp" \
	    "approve deputy@example.co.jp" "held sato@example.co.jp")" ]
	# --approver wins over the list
	rm -f "$TMP"/notices/new/*
	hold --approve --approver kacho111@example.co.jp -f sato@example.co.jp -- a@example.com
	[ "$(notices)" = "$(printf '%s\n' "approve kacho111@example.co.jp" "held sato@example.co.jp")" ]
}

@test "--approve: the sender's superiors from the org snapshot" {
	cat >>"$TMP/mp.conf" <<-EOF
	snapshot = $TMP/org/current
	[orgsync]
	org-conf = $ORG/org.conf
	dir = $TMP/org
	EOF
	mp-orgsync "$ORG/hr.csv" >/dev/null
	hold --approve -f sato@example.co.jp -- a@example.com
	[ "$(field "$id" '",".join(a["address"] for a in d["approvers"])')" = "kacho111@example.co.jp,bucho110@example.co.jp" ]
	[ "$(field "$id" 'd["approvers"][0]["name"]')" = "営業一課長 木村 誠" ]
	[ "$(notices)" = "$(printf '%s\n' "approve bucho110@example.co.jp" \
	    "approve kacho111@example.co.jp" "held sato@example.co.jp")" ]
	# someone the organisation does not know has nobody to ask: 69,
	# and nothing is queued
	run -69 mp-hold --approve -f stranger@example.co.jp -- a@example.com <"$MSG"
	[[ $output == *"nobody can approve mail from stranger@example.co.jp"* ]]
	[ "$(entries)" -eq 1 ]
}

@test "--approve with the snapshot missing: 75, nothing queued" {
	printf 'snapshot = %s/org/current\n' "$TMP" >>"$TMP/mp.conf"
	run -75 mp-hold --approve -f sato@example.co.jp -- a@example.com <"$MSG"
	[[ $output == *"$TMP/org/current"* ]]
	[ "$(entries)" -eq 0 ]
	[ "$(notices)" = "" ]
}

@test "approve-timeout, approve-expiry = discard: expired, notice, nothing sent" {
	printf 'approve-timeout = 2h\n' >>"$TMP/mp.conf"
	hold --approve --approver kacho111@example.co.jp -f sato@example.co.jp -- a@example.com
	run_at 7199
	[ "$(state "$id")" = held ]
	run_at 7200
	[ "$(state "$id")" = expired ]
	[ "$(field "$id" 'd["by"]')" = timer ]
	[ "$(notices)" = "$(printf '%s\n' "approve kacho111@example.co.jp" \
	    "expired sato@example.co.jp" "held sato@example.co.jp")" ]
	run_at 999999
	[ "$(calls)" -eq 0 ]
	[ "$(field "$id" 'd["deliveries"][0]["state"]')" = cancelled ]
}

@test "approve-expiry = deliver: delivered when nobody answered, with the expired notice" {
	printf 'approve-expiry = deliver\n' >>"$TMP/mp.conf"
	hold --approve --approve-timeout 1h --approver kacho111@example.co.jp \
	    -f sato@example.co.jp -- a@example.com b@example.co.jp
	run_at 3599
	[ "$(calls)" -eq 0 ]
	run_at 3600
	[ "$(calls)" -eq 1 ]
	[ "$(cat "$SM/1.args")" = "$(envelope -f sato@example.co.jp -- a@example.com b@example.co.jp)" ]
	[ "$(state "$id")" = sent ]
	[[ $(notices) == *"expired sato@example.co.jp"* ]]
	[ "$(field "$id" '" ".join(l["event"] for l in d["log"] if l["event"] != "notice")')" = "queued approved delivered sent" ]
}

@test "--confirm: waits for the sender; confirm-timeout expires it" {
	hold --confirm -f sato@example.co.jp -- a@example.com
	[ "$(notices)" = "held sato@example.co.jp" ]
	run_at 86399
	[ "$(state "$id")" = held ]
	run_at 86400
	[ "$(state "$id")" = expired ]
	[ "$(calls)" -eq 0 ]
	[ "$(notices)" = "$(printf '%s\n' "expired sato@example.co.jp" "held sato@example.co.jp")" ]
	# --confirm-timeout on the command line
	hold --confirm --confirm-timeout 10m -f sato@example.co.jp -- a@example.com
	run_at 600
	[ "$(state "$id")" = expired ]
}

# --- the administrator's commands ---

@test "--release: delivered at once, sent, the log names admin:LOGIN" {
	hold --for 1h -f sato@example.co.jp -- a@example.com
	run -0 mp-hold --release "$id"
	[ "$output" = "$id: released" ]
	[ "$(calls)" -eq 1 ]
	[ "$(head -n 1 "$SM/1.msg")" = "X-MP-Hold: id=$id; mode=hold; by=admin:$ME" ]
	[ "$(state "$id")" = sent ]
	[ "$(field "$id" '[(l["by"], l["who"]) for l in d["log"] if l["event"] == "released"]')" = "[('admin', '$ME')]" ]
	run_at 3600
	[ "$(calls)" -eq 1 ]
}

@test "--discard: discarded, the notice, never delivered even after the time" {
	hold --for 5m -f sato@example.co.jp -- a@example.com
	run -0 mp-hold --discard "$id"
	[ "$output" = "$id: discarded" ]
	[ "$(state "$id")" = discarded ]
	[ "$(notices)" = "$(printf '%s\n' "discarded sato@example.co.jp" "held sato@example.co.jp")" ]
	run_at 300
	run_at 999999
	[ "$(calls)" -eq 0 ]
	[ "$(field "$id" 'd["deliveries"][0]["state"]')" = cancelled ]
	[ "$(field "$id" 'd["by"]')" = "admin:$ME" ]
}

@test "--release and --discard of a finished entry: 1, already STATE" {
	hold -f sato@example.co.jp -- a@example.com
	mp-hold --discard "$id" >/dev/null
	run -1 mp-hold --release "$id"
	[[ $output == *"$id: already discarded"* ]]
	run -1 mp-hold --discard "$id"
	[[ $output == *"$id: already discarded"* ]]
	hold -f sato@example.co.jp -- a@example.com
	run_at 300
	run -1 mp-hold --discard "$id"
	[[ $output == *"$id: already sent"* ]]
	[ "$(state "$id")" = sent ]
	[ "$(notices)" = "$(printf '%s\n' "discarded sato@example.co.jp" \
	    "held sato@example.co.jp" "held sato@example.co.jp")" ]
}

@test "released and approved wait for the next run when sendmail cannot take it yet" {
	echo 75 >"$SM/exit"
	hold --for 1h -f sato@example.co.jp -- a@example.com
	released=$id
	mp-hold --release "$id" >/dev/null
	hold --approve --approver kacho111@example.co.jp -f sato@example.co.jp -- a@example.com
	approved=$id
	mp-hold --release "$id" >/dev/null
	[ "$(calls)" -eq 2 ]
	[ "$(mp-hold --list --state released | cut -d' ' -f1)" = "$released" ]
	[ "$(mp-hold --list --state approved | cut -d' ' -f1)" = "$approved" ]
	# no longer held: neither the administrator nor the clock takes it back
	run -1 mp-hold --discard "$released"
	[[ $output == *"already released"* ]]
	run -1 mp-hold --discard "$approved"
	[[ $output == *"already approved"* ]]
	run_at 90000
	[ "$(state "$approved")" = approved ]
	rm "$SM/exit"
	run_at 90060
	[ "$(calls)" -eq 6 ]
	[ "$(state "$released")" = sent ]
	[ "$(state "$approved")" = sent ]
	[ "$(notices)" = "$(printf '%s\n' "approve kacho111@example.co.jp" \
	    "held sato@example.co.jp" "held sato@example.co.jp")" ]
}

@test "--release, --discard, --show of an unknown id: 66; of a malformed one: 64" {
	hold -f sato@example.co.jp -- a@example.com
	unknown=0123456789abcdef0123456789abcdef
	[ "$id" != "$unknown" ]
	run -66 mp-hold --release "$unknown"
	run -66 mp-hold --discard "$unknown"
	run -66 mp-hold --show "$unknown"
	for bad in 0123 "${id}0" "${id^^}" "../${id:3}" "$id/" ""; do
		run -64 mp-hold --release "$bad"
		run -64 mp-hold --discard "$bad"
		run -64 mp-hold --show "$bad"
	done
	[ "$(state "$id")" = held ]
}

@test "--list: a line per entry; --state, --sender, --older-than filter; --json" {
	hold -f sato@example.co.jp -- a@example.com
	held=$id
	hold -f ito@example.co.jp -- a@example.com b@example.co.jp
	mp-hold --discard "$id" >/dev/null
	discarded=$id
	id=$(mp-hold --now "$(t -7200)" -f sato@example.co.jp -- a@example.com <"$MSG")
	old=$id
	run -0 mp-hold --list
	[ "${#lines[@]}" -eq 3 ]
	[[ $output == *"$held held hold "* ]]
	[[ $output == *"$discarded discarded hold "*"<ito@example.co.jp> 2 hello"* ]]
	run -0 mp-hold --list --state discarded
	[ "$(cut -d' ' -f1 <<<"$output")" = "$discarded" ]
	run -0 mp-hold --list --state held
	[ "$(cut -d' ' -f1 <<<"$output" | sort)" = "$(printf '%s\n' "$held" "$old" | sort)" ]
	run -0 mp-hold --list --state sent
	[ "$output" = "" ]
	run -0 mp-hold --list --sender ITO@example.co.jp
	[ "$(cut -d' ' -f1 <<<"$output")" = "$discarded" ]
	run -0 mp-hold --list --older-than 1h
	[ "$(cut -d' ' -f1 <<<"$output")" = "$old" ]
	run -0 mp-hold --list --state held --sender sato@example.co.jp --older-than 1h
	[ "$(cut -d' ' -f1 <<<"$output")" = "$old" ]
	run -0 mp-hold --list --json --state discarded
	[ "${#lines[@]}" -eq 1 ]
	[ "$(python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["id"], d["state"], d["mode"], d["sender"], ",".join(d["recipients"]), d["subject"], d["due"])' <<<"$output")" = "$discarded discarded hold ito@example.co.jp a@example.com,b@example.co.jp hello None" ]
	run -0 mp-hold --list --json
	python3 -c '
import json, sys
ds = [json.loads(l) for l in sys.stdin]
assert len(ds) == 3, ds
old = [d for d in ds if d["id"] == sys.argv[1]][0]
assert old["due"] - old["created"] == 300, old
' "$old" <<<"$output"
}

@test "--show: the entry and its audit log, each transition with who" {
	hold --for 5m -f sato@example.co.jp -- a@example.com b@example.co.jp
	mp-hold --discard "$id" >/dev/null
	run -0 mp-hold --show "$id"
	[[ $output == *"id: $id"$'\n'"state: discarded"$'\n'"mode: hold"$'\n'* ]]
	[[ $output == *"sender: <sato@example.co.jp>"* ]]
	[[ $output == *"recipient: a@example.com (external)"$'\n'"recipient: b@example.co.jp (internal)"* ]]
	[[ $output == *"subject: hello"* ]]
	[[ $output == *"by: admin:$ME"* ]]
	[[ $output == *$'\nlog:\n'* ]]
	run -0 mp-hold --show "$id" --json
	python3 -c '
import json, sys
d = json.load(sys.stdin)
me = sys.argv[1]
got = [(l["event"], l["by"], l.get("who"), l.get("detail")) for l in d["log"]]
want = [("queued", "queue", None),
        ("notice", "queue", None, "held to sato@example.co.jp"),
        ("discarded", "admin", me),
        ("notice", "admin", me, "discarded to sato@example.co.jp")]
assert [g[:len(w)] for g, w in zip(got, want)] == want and len(got) == 4, got
assert all(l["time"].endswith("Z") for l in d["log"]), d["log"]
assert d["state"] == "discarded" and d["sender"] == "sato@example.co.jp"
' "$ME" <<<"$output"
}

@test "--show --json logs a stagger from queue to sent" {
	hold --stagger 10m -f sato@example.co.jp -- a@example.com b@example.co.jp
	run_at 600
	[ "$(field "$id" '" ".join(l["event"] + "/" + l["by"] for l in d["log"])')" = "queued/queue delivered/queue notice/queue delivered/timer sent/timer" ]
}

# --- purge ---

@test "--purge removes only finished entries older than purge-after or --older-than" {
	# finished 40 days ago, finished 10 days ago, still held since 40 days
	id=$(mp-hold --now "$(t -3456000)" -f sato@example.co.jp -- a@example.com <"$MSG")
	old=$id
	run_at $((-3456000 + 300))
	id=$(mp-hold --now "$(t -864000)" -f sato@example.co.jp -- a@example.com <"$MSG")
	recent=$id
	run_at $((-864000 + 300))
	id=$(mp-hold --now "$(t -3456000)" --approve --approver kacho111@example.co.jp \
	    -f sato@example.co.jp -- a@example.com <"$MSG")
	waiting=$id
	[ "$(state "$old")" = sent ]
	[ "$(state "$recent")" = sent ]
	run -0 mp-hold --purge
	[ ! -e "$SPOOL/$old" ]
	[ -d "$SPOOL/$recent" ]
	[ -d "$SPOOL/$waiting" ]
	run -0 mp-hold --purge --older-than 11d
	[ -d "$SPOOL/$recent" ]
	run -0 mp-hold --purge --older-than 9d
	[ ! -e "$SPOOL/$recent" ]
	[ -d "$SPOOL/$waiting" ]
	run -0 mp-hold --purge --older-than 0s
	[ "$(mp-hold --list | cut -d' ' -f1)" = "$waiting" ]
}

@test "--purge and --list --older-than: a time ahead of the clock is not old" {
	# the clock stepped back after the entry finished: it is minutes
	# old, not 30 days
	id=$(mp-hold --now "$(t 3600)" --for 0s -f sato@example.co.jp -- a@example.com <"$MSG")
	[ "$(state "$id")" = sent ]
	run -0 mp-hold --list --older-than 1d
	[ "$output" = "" ]
	run -0 mp-hold --purge
	[ -d "$SPOOL/$id" ]
}

@test "[hold] purge-after sets --purge's age" {
	id=$(mp-hold --now "$(t -864000)" -f sato@example.co.jp -- a@example.com <"$MSG")
	run_at $((-864000 + 300))
	run -0 mp-hold --purge
	[ -d "$SPOOL/$id" ]
	printf 'purge-after = 5d\n' >>"$TMP/mp.conf"
	run -0 mp-hold --purge
	[ ! -e "$SPOOL/$id" ]
}

# --- usage, configuration, data ---

@test "usage errors: 64, nothing queued" {
	run -64 mp-hold --for 5m --stagger 5m -f sato@example.co.jp -- a@example.com <"$MSG"
	run -64 mp-hold --approve --confirm --approver k@example.co.jp -f sato@example.co.jp -- a@example.com <"$MSG"
	run -64 mp-hold --list --run
	run -64 mp-hold --run -f sato@example.co.jp -- a@example.com <"$MSG"
	run -64 mp-hold --list a@example.com
	run -64 mp-hold --purge --for 5m
	run -64 mp-hold -- a@example.com <"$MSG"
	run -64 mp-hold -f sato@example.co.jp <"$MSG"
	run -64 mp-hold -f sato@example.co.jp -- <"$MSG"
	run -64 mp-hold -f sato@example.co.jp -- '' <"$MSG"
	run -64 mp-hold --json -f sato@example.co.jp -- a@example.com <"$MSG"
	run -64 mp-hold --state held -f sato@example.co.jp -- a@example.com <"$MSG"
	run -64 mp-hold --approver k@example.co.jp -f sato@example.co.jp -- a@example.com <"$MSG"
	run -64 mp-hold --run --json
	run -64 mp-hold --purge --state sent
	run -64 mp-hold --list --state nosuch
	run -64 mp-hold --for soon -f sato@example.co.jp -- a@example.com <"$MSG"
	run -64 mp-hold --now yesterday -f sato@example.co.jp -- a@example.com <"$MSG"
	run -64 mp-hold --no-such-option
	run -64 mp-hold -f 'not an address' -- a@example.com <"$MSG"
	[ ! -e "$SPOOL" ] || [ "$(entries)" -eq 0 ]
	[ "$(notices)" = "" ]
}

@test "configuration errors: 78 naming the problem" {
	cp "$TMP/mp.conf" "$TMP/good.conf"
	sed -i 's|^sendmail = .*|sendmail = "/usr/sbin/sendmail -i|' "$TMP/mp.conf"
	run -78 mp-hold -f sato@example.co.jp -- a@example.com <"$MSG"
	[[ $output == *sendmail* ]]
	run -78 mp-hold --run
	cp "$TMP/good.conf" "$TMP/mp.conf"
	printf 'base-url = ftp://127.0.0.1/hold/\n' >>"$TMP/mp.conf"
	run -78 mp-hold -f sato@example.co.jp -- a@example.com <"$MSG"
	[[ $output == *base-url* ]]
	run -78 mp-hold --base-url javascript:alert -f sato@example.co.jp -- a@example.com <"$MSG"
	[[ $output == *base-url* ]]
	cp "$TMP/good.conf" "$TMP/mp.conf"
	[ ! -e "$SPOOL" ]
	mkdir -m 0755 "$SPOOL"
	run -78 mp-hold -f sato@example.co.jp -- a@example.com <"$MSG"
	[[ $output == *"$SPOOL"*"0755"* ]]
	run -78 mp-hold --list
	run -78 mp-hold --run
	chmod 0700 "$SPOOL"
	hold -f sato@example.co.jp -- a@example.com
	[ "$(entries)" -eq 1 ]
}

@test "the null sender: held, nobody told, delivered with -f <>" {
	for f in '<>' ''; do
		rm -f "$SM"/*
		hold -f "$f" -- a@example.com b@example.co.jp
		[ "$(field "$id" 'repr(d["sender"])')" = "''" ]
		run_at 300
		[ "$(cat "$SM/1.args")" = "$(envelope -f '<>' -- a@example.com b@example.co.jp)" ]
		[ "$(state "$id")" = sent ]
	done
	hold -f '<>' -- a@example.com
	mp-hold --discard "$id" >/dev/null
	[ "$(notices)" = "" ]
}

@test "the null sender with --approve: only the approver is told" {
	hold --approve --approver kacho111@example.co.jp -f '<>' -- a@example.com
	[ "$(notices)" = "approve kacho111@example.co.jp" ]
}

@test "a message over [limits] message-bytes: 65; empty input: 65" {
	printf '[limits]\nmessage-bytes = 8k\n' >>"$TMP/mp.conf"
	# exactly the limit is held; a byte more is not
	{ cat "$MSG"; head -c $((8192 - $(stat -c %s "$MSG"))) /dev/zero |
	    tr '\0' x; } >"$TMP/full"
	[ "$(stat -c %s "$TMP/full")" -eq 8192 ]
	run -0 mp-hold -f sato@example.co.jp -- a@example.com <"$TMP/full"
	cmp "$TMP/full" "$SPOOL/$output/message"
	{ cat "$TMP/full"; echo; } >"$TMP/big"
	run -65 mp-hold -f sato@example.co.jp -- a@example.com <"$TMP/big"
	[[ $output == *message-bytes* ]]
	run -65 mp-hold -f sato@example.co.jp -- a@example.com </dev/null
	[ "$(entries)" -eq 1 ]
	[ "$(notices)" = "held sato@example.co.jp" ]
}

# --- sendmail's failures ---

@test "a temporary failure (75) is retried each run and delivered once it recovers" {
	hold -f sato@example.co.jp -- a@example.com
	echo 75 >"$SM/exit"
	run_at 300
	[ "$(calls)" -eq 1 ]
	[ "$(state "$id")" = held ]
	[ "$(field "$id" 'd["deliveries"][0]["state"], d["deliveries"][0]["attempts"]')" = "pending 1" ]
	[[ $(field "$id" 'd["deliveries"][0]["error"]') == *"exit status 75"* ]]
	run_at 360
	[ "$(calls)" -eq 2 ]
	rm "$SM/exit"
	run_at 420
	[ "$(calls)" -eq 3 ]
	cmp <(tail -n +2 "$SM/3.msg") "$MSG"
	[ "$(state "$id")" = sent ]
	[ "$(field "$id" '" ".join(l["event"] for l in d["log"] if l["event"] != "notice")')" = "queued deferred deferred delivered sent" ]
	[ "$(notices)" = "held sato@example.co.jp" ]
}

@test "a sendmail that hangs is stopped at [hold] sendmail-timeout: temporary, delivered once it answers" {
	printf 'sendmail-timeout = 1s\n' >>"$TMP/mp.conf"
	# one that waits before it reads a small message (all of it in the
	# pipe), and one that does not read a big one (the pipe full)
	$MKMSG "$TMP/big.eml" --to a@example.com --subject big \
	    --attach big.pdf:400000:application/pdf
	for m in "$MSG" "$TMP/big.eml"; do
		rm -f "$SM"/*
		echo 30 >"$SM/sleep"
		MSG=$m hold -f sato@example.co.jp -- a@example.com
		SECONDS=0
		run_at 300
		[ "$SECONDS" -lt 10 ]
		[ "$(state "$id")" = held ]
		[ "$(field "$id" 'd["deliveries"][0]["state"], d["deliveries"][0]["attempts"]')" = "pending 1" ]
		field "$id" 'd["deliveries"][0]["error"]'
		[[ $(field "$id" 'd["deliveries"][0]["error"]') == *"sendmail-timeout"* ]]
		# the stopped sendmail and what it started are gone
		refute pgrep -f "sleep 30"
		rm "$SM/sleep"
		run_at 360
		[ "$(state "$id")" = sent ]
		[ "$(calls)" -eq 2 ]
		tail -n +2 "$SM/2.msg" | cmp - "$m"
	done
}

@test "other temporary failures: 71 73 74 78, a signal, a sendmail that cannot run" {
	for st in 71 73 74 78 TERM KILL; do
		rm -f "$SM"/*
		echo "$st" >"$SM/exit"
		hold -f sato@example.co.jp -- a@example.com
		run_at 300
		[ "$(state "$id")" = held ] || { echo "exit $st: $(state "$id")"; false; }
	done
	sed -i "s|^sendmail = .*|sendmail = $TMP/no-such-sendmail|" "$TMP/mp.conf"
	hold -f sato@example.co.jp -- a@example.com
	run_at 300
	[ "$(state "$id")" = held ]
	[[ $(field "$id" 'd["deliveries"][0]["error"]') == *"cannot be run"* ]]
}

@test "retry-for exceeded: failed, with the failed notice" {
	printf 'retry-for = 1h\n' >>"$TMP/mp.conf"
	hold -f sato@example.co.jp -- a@example.com
	echo 75 >"$SM/exit"
	run_at 300
	run_at 1800
	run_at 3899
	[ "$(state "$id")" = held ]
	run_at 3900
	[ "$(state "$id")" = failed ]
	[ "$(calls)" -eq 4 ]
	[ "$(field "$id" 'd["deliveries"][0]["state"]')" = refused ]
	[ "$(notices)" = "$(printf '%s\n' "failed sato@example.co.jp" "held sato@example.co.jp")" ]
	run_at 7200
	[ "$(calls)" -eq 4 ]
}

@test "a permanent failure (67): failed at once, the notice with the error" {
	hold -f sato@example.co.jp -- a@example.com
	echo 67 >"$SM/exit"
	run_at 300
	[ "$(calls)" -eq 1 ]
	[ "$(state "$id")" = failed ]
	[ "$(notices)" = "$(printf '%s\n' "failed sato@example.co.jp" "held sato@example.co.jp")" ]
	[[ $(notice_text failed) == *"exit status 67"* ]]
	rm "$SM/exit"
	run_at 600
	[ "$(calls)" -eq 1 ]
}

@test "the other permanent failures: 64 to 70, 72, 76, 77, any other status" {
	for st in 64 65 66 68 69 70 72 76 77 1 100; do
		rm -f "$SM"/*
		echo "$st" >"$SM/exit"
		hold -f sato@example.co.jp -- a@example.com
		run_at 300
		[ "$(state "$id")" = failed ] || { echo "exit $st: $(state "$id")"; false; }
		[[ $(field "$id" 'd["deliveries"][0]["error"]') == *"exit status $st"* ]]
	done
}

@test "a stagger whose later part is refused still ends sent (one part went)" {
	hold --stagger 10m -f sato@example.co.jp -- a@example.com b@example.co.jp
	echo 67 >"$SM/exit"
	run_at 600
	[ "$(calls)" -eq 2 ]
	[ "$(field "$id" '[x["state"] for x in d["deliveries"]]')" = "['done', 'refused']" ]
	[[ $(notices) == *"failed sato@example.co.jp"* ]]
}

# --- notices that cannot be sent ---

@test "a notice that cannot be written waits for the next run (75), the entry is safe" {
	rm -r "$TMP/notices"
	hold -f sato@example.co.jp -- a@example.com
	[ "$(field "$id" '[n["sent"] for n in d["notices"]]')" = "[False]" ]
	run -75 mp-hold --run --now "$(t 60)"
	mkdir -p "$TMP"/notices/{tmp,new,cur}
	run_at 120
	[ "$(notices)" = "held sato@example.co.jp" ]
	[ "$(field "$id" '[n["sent"] for n in d["notices"]]')" = "[True]" ]
	run_at 180
	[ "$(notices)" = "held sato@example.co.jp" ]
}
