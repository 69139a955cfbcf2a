#!/usr/bin/env bats
# Personal data in text (lib/facts/pii.c) through test/lib/piiprobe.c:
# each kind's positives (testdata/pii/KIND.pos: TEXT<TAB>VALUE) are
# found with exactly their value, its near misses (KIND.neg) are not;
# My Number and card fixtures come from testdata/pii/mkfixtures.py,
# which computes the check digits on its own.

load helper
bats_require_minimum_version 1.5.0

PII=$TESTDATA/pii
PROBE=${MP_PIIPROBE:-$ROOT/build/piiprobe}
KINDS="phone postal address mynumber card email"

setup() {
	if [ ! -x "$PROBE" ]; then
		echo "no $PROBE: make check builds it (make $PROBE)" >&2
		return 1
	fi
	setup_tmp
}

teardown() {
	teardown_tmp
}

# cases FILE - the cases of a fixture: no comments, no blank lines
cases() {
	grep -v -e '^#' -e '^$' "$1"
}

# positives KIND - compare what is found of KIND on each line of
# KIND.pos with the value after its TAB; prints the differences
positives() {
	cases "$PII/$1.pos" | cut -f2 | nl -b a -w 1 -s "$(printf '\t')" \
	    >"$TMP/want"
	cases "$PII/$1.pos" | cut -f1 | "$PROBE" lines |
	    awk -F '\t' -v k="$1" '$2 == k { print $1 "\t" $3 }' >"$TMP/got"
	diff "$TMP/want" "$TMP/got"
}

# negatives KIND - the lines of KIND.neg where KIND is found (none)
negatives() {
	cases "$PII/$1.neg" >"$TMP/neg"
	"$PROBE" lines <"$TMP/neg" |
	    awk -F '\t' -v k="$1" '$2 == k { print $1 }' >"$TMP/found"
	while read -r n; do
		printf 'line %s: %s\n' "$n" "$(sed -n "${n}p" "$TMP/neg")"
	done <"$TMP/found"
	[ ! -s "$TMP/found" ]
}

@test "every kind has at least 50 positives and 50 near misses" {
	local k n

	for k in $KINDS; do
		n=$(cases "$PII/$k.pos" | wc -l)
		[ "$n" -ge 50 ] || { echo "$k.pos: $n cases"; return 1; }
		n=$(cases "$PII/$k.neg" | wc -l)
		[ "$n" -ge 50 ] || { echo "$k.neg: $n cases"; return 1; }
		run grep -c "$(printf '\t')" "$PII/$k.pos"
		[ "$output" -eq "$(cases "$PII/$k.pos" | wc -l)" ]
	done
}

@test "the My Number and card fixtures are what mkfixtures.py computes" {
	run python3 "$PII/mkfixtures.py" "$TMP"
	[ "$status" -eq 0 ]
	cmp "$TMP/mynumber.pos" "$PII/mynumber.pos"
	cmp "$TMP/mynumber.neg" "$PII/mynumber.neg"
	cmp "$TMP/card.pos" "$PII/card.pos"
	cmp "$TMP/card.neg" "$PII/card.neg"
}

@test "phone: every positive with its value" {
	positives phone
}

@test "phone: no near miss is a phone number" {
	negatives phone
}

@test "postal: every positive with its value" {
	positives postal
}

@test "postal: no near miss is a postal code" {
	negatives postal
}

@test "address: every positive with its value" {
	positives address
}

@test "address: no near miss is an address" {
	negatives address
}

@test "mynumber: every positive with its value" {
	positives mynumber
}

@test "mynumber: no near miss (a wrong check digit...) is a My Number" {
	negatives mynumber
}

@test "card: every positive with its value" {
	positives card
}

@test "card: no near miss (a wrong Luhn digit...) is a card number" {
	negatives card
}

@test "email: every positive with its value" {
	positives email
}

@test "email: no near miss is an e-mail address" {
	negatives email
}

@test "a valid card number or My Number is that only, never a phone number" {
	run "$PROBE" <<-'EOF'
	4111111111111111 3530111333300000 215237970663 3100-2304-0726
	EOF
	[ "$status" -eq 0 ]
	[ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = \
	    "card card mynumber mynumber " ]
}

@test "full-width and Japanese-formatted forms" {
	run "$PROBE" <<-'EOF'
	電話　０３－１２３４－５６７８、（０３）１２３４－５６７８、
	携帯　０９０ー１２３４ー５６７８
	〒１００－０００１　東京都千代田区千代田１－１
	マイナンバー　２１５２－３７９７－０６６３
	カード　４１１１　１１１１　１１１１　１１１１
	ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ
	EOF
	[ "$status" -eq 0 ]
	[ "$(cut -f1,2 <<<"$output")" = "$(printf '%s\t%s\n' \
	    phone 0312345678 phone 0312345678 phone 09012345678 \
	    postal 1000001 address 東京都千代田区千代田1-1 \
	    mynumber 215237970663 card 4111111111111111 \
	    email taro@example.jp)" ]
}

@test "prose: each distinct value and how often it is written" {
	"$PROBE" <"$PII/prose.txt" | cut -f1,2 | LC_ALL=C sort | uniq -c |
	    awk '{ c = $1; sub(/^ *[0-9]+ /, ""); print $0 "\t" c }' \
	    >"$TMP/got"
	cases "$PII/prose.expected" | diff - "$TMP/got"
}

@test "prose: counts are of distinct values" {
	run "$PROBE" <"$PII/prose.txt"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^phone' <<<"$output")" -eq 7 ]
	[ "$(grep '^phone' <<<"$output" | cut -f2 | sort -u | wc -l)" -eq 4 ]
	[ "$(cut -f1,2 <<<"$output" | sort -u | cut -f1 | uniq -c |
	    awk '{ printf "%s=%s ", $2, $1 }')" = \
	    "address=2 card=1 email=2 mynumber=1 phone=4 postal=2 " ]
}

@test "masks hide all but a few characters" {
	run "$PROBE" <<-'EOF'
	090-1234-5678 03-1234-5678 〒100-0001 東京都新宿区西新宿2-8-1
	215237970663 4111 1111 1111 1111 Taro.Yamada@Example.jp
	EOF
	[ "$status" -eq 0 ]
	[ "$(cut -f1,3 <<<"$output")" = "$(printf '%s\t%s\n' \
	    phone '09*****5678' phone '03****5678' postal '100-****' \
	    address '東京都***' mynumber '********0663' \
	    card '************1111' email 't***@example.jp')" ]
}

@test "lines: each line on its own, numbered from 1" {
	run "$PROBE" lines <<-'EOF'
	03-1234-
	5678
	taro@example.jp 090-1111-2222
	EOF
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\t%s\t%s\n' 3 email taro@example.jp \
	    3 phone 09011112222)" ]
}

@test "a megabyte of random text and of worst cases is read to the end" {
	python3 - "$TMP" <<-'EOF'
	import random, sys
	random.seed(7)
	atoms = list("0123456789-.() +@abcXYZ_") + ["ー", "〒", "東京都",
	    "市", "区", "町", "村", "郡", "丁目", "番", "号", "の", "\n",
	    "090-1234-5678", "x@y.jp", "4111 1111 1111 1111"]
	out = []
	size = 0
	while size < 1 << 20:
	    a = random.choice(atoms)
	    out.append(a)
	    size += len(a.encode())
	open(sys.argv[1] + "/random", "w").write("".join(out))
	worst = {
	    "digits": "1-" * (1 << 19),
	    "spaced": "1 " * (1 << 19),
	    "ats": "a@" * (1 << 19),
	    "domain": "a@" + "a." * (1 << 19),
	    "local": "a" * (1 << 20) + "@example.jp",
	    "prefectures": "東京都港区" * (1 << 16),
	    "blocks": "東京都港区" + "1-" * (1 << 19),
	}
	for name, text in worst.items():
	    open(sys.argv[1] + "/" + name, "w").write(text)
	EOF
	for f in random digits spaced ats domain local prefectures blocks; do
		run "$PROBE" <"$TMP/$f"
		[ "$status" -eq 0 ] || { echo "$f: $status"; return 1; }
	done
	run "$PROBE" <"$TMP/random"
	grep -q '^phone	09012345678	' <<<"$output"
	grep -q '^card	4111111111111111	' <<<"$output"
}
