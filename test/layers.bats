#!/usr/bin/env bats
# layers.bats - the plan of ARCHITECTURE.md holds: includes go down the
# layers of lib/, and mp-download, whose layer is below the mail layer,
# links no GMime.

load helper

setup() {
	setup_tmp
}

teardown() {
	teardown_tmp
}

# tree - a copy of what check-layers reads, to plant mistakes in
tree() {
	mkdir -p "$TMP/t"
	cp -R "$ROOT/lib" "$ROOT/cmd" "$ROOT/ARCHITECTURE.md" "$TMP/t/"
}

@test "layers: every include of lib/ and cmd/ goes down the plan" {
	run sh "$ROOT/scripts/check-layers" "$ROOT"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "layers: an upward include fails, named by file and line" {
	tree
	# base is the bottom layer: it may not read a message
	printf '#include "mail/message.h"\n' >>"$TMP/t/lib/base/arena.h"
	run sh "$ROOT/scripts/check-layers" "$TMP/t"
	[ "$status" -eq 1 ]
	grep -qx 'lib/base/arena.h:[0-9]*: include "mail/message.h": lib/base/ may not include lib/mail/ (ARCHITECTURE.md)' <<<"$output"
}

@test "layers: a sideways include between product areas fails" {
	tree
	printf '#include "store/store.h"\n' >>"$TMP/t/lib/org/org.h"
	run sh "$ROOT/scripts/check-layers" "$TMP/t"
	[ "$status" -eq 1 ]
	[[ $output == *'lib/org/org.h:'*'lib/org/ may not include lib/store/'* ]]
}

@test "layers: an include without its layer, or of no header, fails" {
	tree
	printf '#include "arena.h"\n' >>"$TMP/t/lib/base/human.h"
	run sh "$ROOT/scripts/check-layers" "$TMP/t"
	[ "$status" -eq 1 ]
	[[ $output == *'lib/base/human.h:'*'name the layer'* ]]
	rm -rf "$TMP/t"
	tree
	printf '#include "mail/nosuch.h"\n' >>"$TMP/t/cmd/mp-classify/main.c"
	run sh "$ROOT/scripts/check-layers" "$TMP/t"
	[ "$status" -eq 1 ]
	[[ $output == *'cmd/mp-classify/main.c: include "mail/nosuch.h": not a lib/ header'* ]]
}

@test "layers: a private header (-int.h) of another directory fails" {
	tree
	printf '#include "store/store-int.h"\n' >>"$TMP/t/lib/attach/detach.c"
	run sh "$ROOT/scripts/check-layers" "$TMP/t"
	[ "$status" -eq 1 ]
	[[ $output == *'lib/attach/detach.c:'*'include "store/store-int.h": private to lib/store/'* ]]
}

@test "layers: a directory of lib/ that the plan does not name fails" {
	tree
	mkdir "$TMP/t/lib/misc"
	printf '#include "base/mp.h"\n' >"$TMP/t/lib/misc/x.c"
	run sh "$ROOT/scripts/check-layers" "$TMP/t"
	[ "$status" -eq 1 ]
	[[ $output == *'lib/misc/: not a layer of ARCHITECTURE.md'* ]]
}

@test "layers: mp-download links no GMime, the mail tools do" {
	command -v nm >/dev/null || skip "no nm (binutils)"
	bin=$(command -v mp-download)
	if ldd "$bin" >/dev/null 2>&1; then
		refute grep -q gmime <(ldd "$bin")
	fi
	refute grep -qi 'g_mime' <(nm "$bin" 2>/dev/null)
	# the same look finds GMime where it is
	grep -qi 'g_mime' <(nm "$(command -v mp-classify)"; \
	    ldd "$(command -v mp-classify)" 2>/dev/null)
}

@test "layers: a function or type declared in a second header fails" {
	tree
	printf 'char *mp_domain_canon(const char *domain);\n' \
	    >>"$TMP/t/lib/org/org.h"
	run sh "$ROOT/scripts/check-layers" "$TMP/t"
	[ "$status" -eq 1 ]
	grep -qx 'lib/org/org.h: mp_domain_canon is declared in another header too' <<<"$output"
	rm -rf "$TMP/t"
	tree
	printf 'typedef struct {\n\tint x;\n} MpConfig;\n' >>"$TMP/t/lib/mail/mime.h"
	run sh "$ROOT/scripts/check-layers" "$TMP/t"
	[ "$status" -eq 1 ]
	grep -qx 'lib/mail/mime.h: MpConfig is declared in another header too' <<<"$output"
}
