#!/usr/bin/env bats
# bench-org.bats - the org benchmark's generator (scripts/mkorg.py) makes
# an org that mp-orgsync publishes, a next-morning export whose diff does
# real work, and messages whose verdicts it predicts; the benchmark itself
# is `sh scripts/bench-org build/bin`.

load helper

setup() {
	setup_tmp
	command -v python3 >/dev/null 2>&1 || skip "no python3"
	ORG=$TMP/org
	python3 "$ROOT/scripts/mkorg.py" "$ORG" --people 200 --posts 300 \
	    --units 30 --messages 50 --seed 7
	write_conf "$TMP/mp.conf" <<EOF
[domains]
internal = example.co.jp

[ccguard]
snapshot = $TMP/snap/current
EOF
}

teardown() {
	teardown_tmp
}

publish() {
	mp-orgsync -c "$TMP/mp.conf" --dir "$TMP/snap" --org "$ORG/org.conf" "$@"
}

@test "mkorg.py: the same seed gives the same bytes" {
	python3 "$ROOT/scripts/mkorg.py" "$TMP/again" --people 200 --posts 300 \
	    --units 30 --messages 50 --seed 7
	for f in org.conf hr.csv hr2.csv msg.eml messages.mbox; do
		cmp "$ORG/$f" "$TMP/again/$f"
	done
	# the sizes asked for
	[ "$(grep -c $',0\r$' "$ORG/hr.csv")" -eq 200 ]
	[ "$(($(wc -l <"$ORG/hr.csv") - 1))" -eq 300 ]
	[ "$(head -1 "$ORG/hr.csv")" = \
	    $'employee_id,email,name,division,department,section,unit,title,concurrent\r' ]
}

@test "mkorg.py: too few people for the units is a usage error" {
	run python3 "$ROOT/scripts/mkorg.py" "$TMP/small" --people 10 --posts 10 \
	    --units 30
	[ "$status" -eq 64 ]
	[[ "$output" == *"too few"* ]]
}

@test "mp-orgsync publishes the generated org, and the next morning's diff" {
	run publish -v "$ORG/hr.csv"
	[ "$status" -eq 0 ]
	[[ "$output" == *"200 people, 300 posts, 30 units"* ]]
	run publish "$ORG/hr2.csv"
	[ "$status" -eq 0 ]
	for ev in joined left moved title-changed group-changed; do
		[[ "$output" == *"\"event\":\"$ev\""* ]]
	done
	[ "$(grep -c '"event":"joined"' <<<"$output")" -eq 2 ]
	[ "$(grep -c '"event":"left"' <<<"$output")" -eq 2 ]
	[ "$(grep -c '"event":"moved"' <<<"$output")" -eq 4 ]
}

@test "mp-ccguard: a superior in Cc passes, a colleague alone is refused" {
	publish "$ORG/hr.csv" >/dev/null
	publish "$ORG/hr2.csv" >/dev/null
	run mp-ccguard -c "$TMP/mp.conf" <"$ORG/msg.eml"
	[ "$status" -eq 0 ]
	[[ "$output" == "pass reason=superior-present sender="* ]]
	run mp-ccguard -c "$TMP/mp.conf" <"$ORG/msg-refuse.eml"
	[ "$status" -eq 1 ]
	[[ "$output" == "refuse reason=no-superior sender="* ]]
}

@test "mp-ccguard --mbox: every generated message gets the expected verdict" {
	publish "$ORG/hr.csv" >/dev/null
	publish "$ORG/hr2.csv" >/dev/null
	run mp-ccguard -c "$TMP/mp.conf" --mbox "$ORG/messages.mbox"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 50 ]
	got=$(printf '%s\n' "$output" |
	    awk '{ r = $3; sub(/^reason=/, "", r); print $2, r }')
	[ "$got" = "$(cat "$ORG/messages.expect")" ]
}

@test "bench-org: usage error without BINDIR" {
	run sh "$ROOT/scripts/bench-org"
	[ "$status" -eq 64 ]
	[[ "$output" == *"usage: scripts/bench-org BINDIR"* ]]
}
