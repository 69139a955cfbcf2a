#!/usr/bin/env bats
# mp.conf: where it is found and how strictly it is read (every tool)

load helper

setup() {
	setup_tmp
}

teardown() {
	teardown_tmp
}

@test "-c FILE is read" {
	printf '[domains]\ninternal = example.co.jp\n' >"$TMP/a.conf"
	run mp-classify -c "$TMP/a.conf" <"$MAIL/many.eml"
	[ "$status" -eq 0 ]
	[ "$output" = "internal=2 semi-internal=0 external=13" ]
}

@test "\$MP_CONFIG is read when there is no -c; -c wins over it" {
	printf '[domains]\ninternal = example.co.jp\n' >"$TMP/a.conf"
	printf '[domains]\ninternal = customer-a.example\nsemi-internal = example.co.jp\n' >"$TMP/b.conf"
	MP_CONFIG=$TMP/a.conf run mp-classify <"$MAIL/many.eml"
	[ "$output" = "internal=2 semi-internal=0 external=13" ]
	MP_CONFIG=$TMP/a.conf run mp-classify -c "$TMP/b.conf" <"$MAIL/many.eml"
	[ "$output" = "internal=2 semi-internal=2 external=11" ]
}

@test "no file anywhere and no --internal is a configuration error (78)" {
	run mp-classify <"$MAIL/many.eml"
	[ "$status" -eq 78 ]
	[[ "$output" == "mp-classify: no configuration: "*"/mp/mp.conf: No such file or directory; give -c FILE or --internal DOMAIN" ]]
	run mp-bccify <"$MAIL/many.eml"
	[ "$status" -eq 78 ]
	# flags alone are enough for quick pipelines
	run mp-classify --internal example.co.jp <"$MAIL/many.eml"
	[ "$status" -eq 0 ]
}

@test "an unreadable -c or \$MP_CONFIG file is an error, not a fallback" {
	run mp-classify -c "$TMP/missing.conf" --internal example.co.jp \
	    <"$MAIL/many.eml"
	[ "$status" -eq 78 ]
	[[ "$output" == "mp-classify: cannot read configuration: "*"missing.conf"* ]]
	MP_CONFIG=$TMP/missing.conf run mp-bccify <"$MAIL/many.eml"
	[ "$status" -eq 78 ]
	if [ "$(id -u)" -ne 0 ]; then
		printf '[domains]\n' >"$TMP/locked.conf"
		chmod 000 "$TMP/locked.conf"
		run mp-classify -c "$TMP/locked.conf" <"$MAIL/many.eml"
		[ "$status" -eq 78 ]
	fi
}

@test "an unknown key names the file, section, key and line (78)" {
	printf '[domains]\ninternal = example.co.jp\n\n[bccify]\nthresold = 5\n' \
	    >"$TMP/c"
	run mp-bccify -c "$TMP/c" <"$MAIL/many.eml"
	[ "$status" -eq 78 ]
	[ "$output" = "mp-bccify: unknown key [bccify] thresold ($TMP/c:5)" ]
	# every tool reads the whole file, so mp-classify refuses it too
	run mp-classify -c "$TMP/c" <"$MAIL/many.eml"
	[ "$status" -eq 78 ]
}

@test "an unknown section is an error (78)" {
	printf '[domain]\ninternal = example.co.jp\n' >"$TMP/c"
	run mp-classify -c "$TMP/c" <"$MAIL/many.eml"
	[ "$status" -eq 78 ]
	[ "$output" = "mp-classify: unknown section [domain] ($TMP/c:1)" ]
}

@test "bad values: numbers, sizes, booleans, enums, domains (78)" {
	for bad in '[limits]\nmessage-bytes = lots' '[limits]\nmime-depth = 0' \
	    '[log]\nsyslog = maybe' '[bccify]\nmode = everyone' \
	    '[domains]\ninternal = not_a domain@x' \
	    '[bccify]\nthreshold = -3'; do
		printf "$bad\n" >"$TMP/c"
		run mp-classify -c "$TMP/c" --internal example.co.jp \
		    <"$MAIL/many.eml"
		[ "$status" -eq 78 ]
		[[ "$output" == "mp-classify: bad value for ["*"] "*" ($TMP/c:2)" ]]
	done
}

@test "a domain listed as both internal and semi-internal is refused" {
	printf '[domains]\ninternal = example.co.jp\nsemi-internal = EXAMPLE.co.jp\n' >"$TMP/c"
	run mp-classify -c "$TMP/c" <"$MAIL/many.eml"
	[ "$status" -eq 78 ]
	[[ "$output" == *"example.co.jp is listed as both internal and semi-internal"* ]]
	run mp-classify -c /dev/null --internal x.example --semi-internal x.example \
	    <"$MAIL/many.eml"
	[ "$status" -eq 78 ]
	[[ "$output" == "mp-classify: command line: "* ]]
}

@test "a file that is not INI is refused (78)" {
	printf 'internal = example.co.jp\n' >"$TMP/c"
	run mp-classify -c "$TMP/c" <"$MAIL/many.eml"
	[ "$status" -eq 78 ]
	[[ "$output" == "mp-classify: cannot parse configuration: "* ]]
}

@test "lists take ; , or blanks; # after a blank starts a comment; @ and . prefixes" {
	cat >"$TMP/c" <<-'EOF'
	# our domains
	[domains]
	internal = @example.co.jp, .customer-a.example   # two of ours
	semi-internal = partner.example; group.example.jp
	[limits]
	message-bytes = 10M   # Postfix's default is about the same
	EOF
	run mp-classify -c "$TMP/c" <"$MAIL/many.eml"
	[ "$status" -eq 0 ]
	[ "$output" = "internal=4 semi-internal=3 external=8" ]
}

@test "--internal and --semi-internal add to the file's lists" {
	printf '[domains]\ninternal = example.co.jp\n' >"$TMP/c"
	run mp-classify -c "$TMP/c" --semi-internal customer-a.example \
	    <"$MAIL/many.eml"
	[ "$output" = "internal=2 semi-internal=2 external=11" ]
	run mp-classify -c "$TMP/c" --internal 'bad domain' <"$MAIL/many.eml"
	[ "$status" -eq 78 ]
}

@test "the shipped sample configuration loads in every tool" {
	for t in mp-classify mp-bccify; do
		run $t -c "$TESTDATA/sample/mp.conf" <"$TESTDATA/sample/announce.eml"
		[ "$status" -eq 0 ]
	done
}

@test "a key given twice in a section is refused, not silently merged" {
	printf '[domains]\ninternal = a.example\ninternal = b.example\n' >"$TMP/c"
	run mp-classify -c "$TMP/c" <"$MAIL/many.eml"
	[ "$status" -eq 78 ]
	[ "$output" = "mp-classify: [domains] internal is given twice ($TMP/c:2)" ]
}

@test "every number's bounds: the least and the most are taken, one past is 78" {
	printf 'From: a@example.co.jp\nTo: b@example.com\n\nhi\n' >"$TMP/m"
	# section key below least most above, as mp.conf(5) gives them
	while read -r section key below least most above; do
		for v in "$least" "$most"; do
			printf '[%s]\n%s = %s\n' "$section" "$key" "$v" >"$TMP/c"
			run mp-classify -c "$TMP/c" --internal example.co.jp "$TMP/m"
			[ "$status" -eq 0 ] || { echo "[$section] $key = $v: $output"; false; }
		done
		for v in "$below" "$above"; do
			[ "$v" != - ] || continue	# none below 0
			printf '[%s]\n%s = %s\n' "$section" "$key" "$v" >"$TMP/c"
			run mp-classify -c "$TMP/c" --internal example.co.jp "$TMP/m"
			[ "$status" -eq 78 ] || { echo "[$section] $key = $v: $status"; false; }
			[[ "$output" == "mp-classify: bad value for [$section] $key: $v is outside "*" ($TMP/c:2)" ]]
		done
	done <<-'EOF'
	limits message-bytes 1023 1K 4G 4294967297
	limits header-bytes 1023 1K 1G 1073741825
	limits mime-depth 0 1 1000 1001
	bccify threshold 0 1 1000000 1000001
	orgsync keep 0 1 1000 1001
	orgsync max-drop - 0 100 101
	zipenc compression-level - 0 9 10
	zipenc password-length 7 8 128 129
	zipenc delay - 0 4294967295 4294967296
	zipenc max-bytes 1023 1K 4G 4294967297
	zipenc max-entries 0 1 1000000 1000001
	detach expires 59 60 366d 31622401
	detach max-downloads - 0 1000000 1000001
	detach min-size - 0 4G 4294967297
	detach password-length 7 8 128 129
	detach delay - 0 4294967295 4294967296
	detach max-failures 0 1 1000 1001
	detach entry-max-failures 0 1 1000000 1000001
	detach lock-time 0 1 30d 2592001
	EOF
}
