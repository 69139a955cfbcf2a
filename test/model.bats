#!/usr/bin/env bats
# mp-orgsync and mp-ccguard against test/model: the rules of
# mp-org.conf(5) and mp-ccguard(1) written again from the pages, on
# random organisations and messages from fixed seeds.  make check-model
# runs the same on many more organisations.

load helper

model() {
	run python3 "$BATS_TEST_DIRNAME/model/check.py" --bin "$MP_BIN" "$@"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == *": 0 disagreements" ]]
}

# Seeds 1 and 5 include an export with two units of one level at one
# unit path, which mp published before ece6594; seed 2 a fallback that
# names the sender.
@test "superiors, groups and verdicts agree with the model: 5 organisations, 200 messages each" {
	model --seed 1 --orgs 5 --people 50 --messages 200
}
