#!/usr/bin/env bats
# cron.bats - scripts/mp-orgsync-cron: waits for the export, publishes
# it, and mails the administrator a complete message when anything fails.

load helper

CRON=$ROOT/scripts/mp-orgsync-cron
ADMIN=admin@example.co.jp

setup() {
	setup_tmp
	HOST=$(uname -n)
	# a sendmail that keeps each message and its arguments
	cat >"$TMP/sendmail" <<EOF
#!/bin/sh
n=\$(ls "$TMP" | grep -c '^mail\.[0-9]*\$')
n=\$((n + 1))
printf '%s\n' "\$@" >"$TMP/args.\$n"
cat >"$TMP/mail.\$n"
exit \${FAKE_SENDMAIL_STATUS:-0}
EOF
	chmod +x "$TMP/sendmail"
	write_conf "$TMP/mp.conf" <<EOF
[orgsync]
org-conf = $TESTDATA/org/org.conf
dir = $TMP/org   # the snapshots
EOF
	cp "$TESTDATA/org/hr.csv" "$TMP/export.csv"
	export SENDMAIL=$TMP/sendmail MP_ORGSYNC_STABLE=0 MP_ORGSYNC_POLL=1 \
	    MP_ORGSYNC_WAIT=2
	unset MP_ORGSYNC_NOTIFY MP_ORGSYNC_NEW MP_ORGSYNC_DIR \
	    MP_ORGSYNC_CHANGES MP_ORGSYNC FAKE_SENDMAIL_STATUS
}

teardown() {
	[ -z "${WRITER:-}" ] || kill "$WRITER" 2>/dev/null || :
	teardown_tmp
}

cron() {
	"$CRON" -c "$TMP/mp.conf" "$@"
}

# mails - how many messages the fake sendmail got
mails() {
	ls "$TMP" | grep -c '^mail\.[0-9]*$' || :
}

# mail FILE WHAT - a header field (decoded) or "body" of a message, as
# Python's email package reads it; fails on any defect it finds
mail() {
	python3 - "$1" "$2" <<'EOF'
import email, email.policy, email.utils, sys
with open(sys.argv[1], "rb") as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
bad = list(m.defects) + [d for k in m.keys() for d in m[k].defects]
if bad:
    sys.exit("defects: %r" % bad)
for k in ("From", "To", "Subject", "Date", "Message-ID"):
    if m[k] is None:
        sys.exit("no %s field" % k)
email.utils.parsedate_to_datetime(m["Date"])
if sys.argv[2] == "body":
    sys.stdout.write(m.get_content())
else:
    print(m[sys.argv[2]])
EOF
}

@test "cron: usage errors exit 64 and mail nothing" {
	run "$CRON"
	[ "$status" -eq 64 ]
	[[ "$output" == usage:* ]]
	run "$CRON" "$TMP/export.csv"
	[ "$status" -eq 64 ]
	run "$CRON" -x "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 64 ]
	MP_ORGSYNC_WAIT=soon run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 64 ]
	MP_ORGSYNC_NOTIFY=sometimes run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 64 ]
	[ "$(mails)" -eq 0 ]
	[ ! -e "$TMP/org" ]
}

@test "cron: a good export is published, the change set kept, nothing mailed" {
	run cron "$TMP/export.csv" "$ADMIN"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(mails)" -eq 0 ]
	[ -L "$TMP/org/current" ]
	changes=$(ls "$TMP"/org/changes-*.json)
	[ "$(grep -c '"event":"joined"' "$changes")" -eq 24 ]
	[ "$(wc -l <"$changes")" -eq 56 ]
	run mp-orgsync -c "$TMP/mp.conf" --explain sato@example.co.jp
	[ "$status" -eq 0 ]
	[ -f "$TMP/org/.export-seen" ]
}

@test "cron: MP_ORGSYNC_CHANGES and MP_ORGSYNC_DIR say where things go" {
	MP_ORGSYNC_DIR=$TMP/elsewhere MP_ORGSYNC_CHANGES=$TMP/changes.json \
	    run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 0 ]
	[ -L "$TMP/elsewhere/current" ]
	[ ! -e "$TMP/org" ]
	[ "$(wc -l <"$TMP/changes.json")" -eq 56 ]
}

@test "cron: MP_ORGSYNC_NOTIFY=always mails a summary of the publication" {
	MP_ORGSYNC_NOTIFY=always run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 0 ]
	[ "$(mails)" -eq 1 ]
	[ "$(cat "$TMP/args.1")" = "$(printf -- '-t\n-i')" ]
	[ "$(mail "$TMP/mail.1" To)" = "$ADMIN" ]
	run mail "$TMP/mail.1" Subject
	[[ "$output" == "mp-orgsync on $HOST: published generation "*": 24 people, 26 posts, 16 units, 56 changes" ]]
	run mail "$TMP/mail.1" body
	[[ "$output" == *"24 joined"* ]]
	[[ "$output" == *"32 group-created"* ]]
}

@test "cron: a broken export exits 65, keeps the snapshot, mails the errors" {
	run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 0 ]
	before=$(readlink "$TMP/org/current")
	# this morning's export lacks the title column
	cut -d, -f1-7,9 "$TESTDATA/org/hr.csv" >"$TMP/export.csv"
	touch -d '+1 minute' "$TMP/export.csv"
	run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 65 ]
	[ "$(readlink "$TMP/org/current")" = "$before" ]
	[ "$(mails)" -eq 1 ]
	[ "$(cat "$TMP/args.1")" = "$(printf -- '-t\n-i')" ]
	[ "$(mail "$TMP/mail.1" To)" = "$ADMIN" ]
	[ "$(mail "$TMP/mail.1" Subject)" = \
	    "mp-orgsync FAILED on $HOST: $TMP/export.csv:1: missing column title" ]
	[[ "$(mail "$TMP/mail.1" From)" == *@"$HOST>" ]]
	run mail "$TMP/mail.1" body
	echo "$output"
	[[ "$output" == *"failed with exit status 65"* ]]
	grep -qxF "mp-orgsync: $TMP/export.csv:1: missing column title" <<<"$output"
	grep -qxF "mp-orgsync: $TMP/export.csv: 1 problem in the export; nothing published" <<<"$output"
	grep -qF "$(basename "$before" .cdb | sed 's/^org-//') (current)" <<<"$output"
	# every header line of the message is short
	[ -z "$(sed '/^$/q' "$TMP/mail.1" | grep '.\{79\}')" ]
}

@test "cron: an error line with Japanese in it is an RFC 2047 Subject" {
	sed '4s/kacho111@example.co.jp/木村@example/' "$TESTDATA/org/hr.csv" \
	    >"$TMP/export.csv"
	run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 65 ]
	grep -q '^Subject: =?UTF-8?Q?' "$TMP/mail.1"
	[ "$(mail "$TMP/mail.1" Subject)" = \
	    "mp-orgsync FAILED on $HOST: $TMP/export.csv:4: malformed email address: 木村@example" ]
	[ -z "$(sed '/^$/q' "$TMP/mail.1" | grep '.\{79\}')" ]
	run mail "$TMP/mail.1" body
	[[ "$output" == *"malformed email address: 木村@example"* ]]
}

@test "cron: a refused drop mails the --force command" {
	run cron "$TMP/export.csv" "$ADMIN"
	head -n 15 "$TESTDATA/org/hr.csv" >"$TMP/export.csv"
	touch -d '+1 minute' "$TMP/export.csv"
	run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 65 ]
	run mail "$TMP/mail.1" Subject
	[[ "$output" == *"refusing to publish: 14 people"* ]]
	run mail "$TMP/mail.1" body
	[[ "$output" == *" --force --changes "* ]]
}

@test "cron: a missing export times out with a mailed error (66)" {
	SECONDS=0
	run cron "$TMP/none.csv" "$ADMIN"
	[ "$status" -eq 66 ]
	[ "$SECONDS" -lt 10 ]
	[[ "$output" == *"no export after 2 seconds"* ]]
	[ "$(mails)" -eq 1 ]
	[ "$(mail "$TMP/mail.1" Subject)" = \
	    "mp-orgsync FAILED on $HOST: $TMP/none.csv: no export after 2 seconds" ]
	run mail "$TMP/mail.1" body
	[[ "$output" == *"did not arrive"* ]]
	[ ! -e "$TMP/org" ]
}

@test "cron: yesterday's export is not published again" {
	run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 0 ]
	run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 66 ]
	[ "$(ls "$TMP"/org/org-*.cdb | wc -l)" -eq 1 ]
	[[ "$(mail "$TMP/mail.1" Subject)" == *"not renewed since the export last published"* ]]
	# a new export is
	touch -d '+1 minute' "$TMP/export.csv"
	run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 0 ]
	[ "$(ls "$TMP"/org/org-*.cdb | wc -l)" -eq 2 ]
	# and MP_ORGSYNC_NEW=no takes it as it is
	MP_ORGSYNC_NEW=no run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 0 ]
	[ "$(ls "$TMP"/org/org-*.cdb | wc -l)" -eq 3 ]
	[ "$(mails)" -eq 1 ]
}

@test "cron: an export still being written is waited for, then 75" {
	# appends a line five times a second, for longer than the wait
	( for _ in $(seq 1 40); do echo x >>"$TMP/export.csv"; sleep 0.2; done ) \
	    >/dev/null 2>&1 3>&- &
	WRITER=$!
	MP_ORGSYNC_STABLE=2 MP_ORGSYNC_WAIT=3 run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 75 ]
	[[ "$(mail "$TMP/mail.1" Subject)" == *": $TMP/export.csv: still changing after 3 seconds" ]]
	[ ! -e "$TMP/org/current" ]
}

@test "cron: an export that settles is published after MP_ORGSYNC_STABLE" {
	SECONDS=0
	MP_ORGSYNC_STABLE=2 run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 0 ]
	[ "$SECONDS" -ge 2 ]
	[ -L "$TMP/org/current" ]
}

@test "cron: when sendmail fails, the message goes to stderr and the status stays" {
	printf 'employee_id\n' >"$TMP/export.csv"
	FAKE_SENDMAIL_STATUS=75 run cron "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 65 ]
	[[ "$output" == *"cannot mail $ADMIN"* ]]
	[[ "$output" == *"Subject: mp-orgsync FAILED on $HOST: "* ]]
	[[ "$output" == *"missing column email"* ]]
}

@test "cron: a configuration error exits 78 and is mailed" {
	printf '[orgsync]\nmax-drop = lots\n' >"$TMP/bad.conf"
	MP_ORGSYNC_DIR=$TMP/org run "$CRON" -c "$TMP/bad.conf" "$TMP/export.csv" "$ADMIN"
	[ "$status" -eq 78 ]
	[[ "$(mail "$TMP/mail.1" Subject)" == "mp-orgsync FAILED on $HOST: "*"max-drop"* ]]
	run mail "$TMP/mail.1" body
	[[ "$output" == *"mp.conf or org.conf is bad or missing."* ]]
}
