# mp - outbound mail filters.  One non-recursive Makefile.
#
#   make                 build every tool into $(BUILD)/bin
#   make check           build, then run the whole test suite
#   make check-asan      the same under AddressSanitizer + UBSan
#   make check-model     the org rules against test/model on 100 random orgs
#   make demo            the sample policy and pipeline on the sample mail
#   make bench           figures against peers: bench-mail (scripts/bench),
#                        bench-org (scripts/bench-org), bench-policy
#                        (scripts/bench-policy), bench-zipenc
#   make bench-zipenc    mp-zipenc against 7z and zip on 50 MB
#   make bench-gate      Postfix + mp-gate against Postfix alone and amavisd-new
#   make install         PREFIX=/usr/local DESTDIR=

.DEFAULT_GOAL := all

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SYSCONFDIR ?= $(PREFIX)/etc
STATEDIR   ?= /var/lib/mp
SPOOLDIR   ?= /var/spool/mp
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share
CGIDIR     ?= $(PREFIX)/lib/mp/cgi
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/vendor-completions
DESTDIR    ?=

BUILD ?= build
CC    ?= cc
CFLAGS ?= -O2 -g
LDFLAGS ?=
# static (default): one self-contained binary, so a filter starts in
#   about the time formail does (dynamic loading of GMime's libraries
#   costs milliseconds per message).  glibc's iconv still loads its
#   charset modules at run time, so run the binaries on the glibc they
#   were built with, as a source build does.
# mixed: GMime and GLib static, glibc shared (the sanitizer build).
# dynamic: the distribution's shared libraries.
LINK ?= static

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wcast-qual -Werror
PKGS = gmime-3.0 glib-2.0 jansson libxml-2.0
PKG_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS)))
MP_CPPFLAGS = -D_GNU_SOURCE -DMP_SYSCONFDIR='"$(SYSCONFDIR)"' \
              -DMP_STATEDIR='"$(STATEDIR)"' -DMP_SPOOLDIR='"$(SPOOLDIR)"' \
              -Ilib $(PKG_CFLAGS)

STATIC_GMIME = -lgmime-3.0 -lgobject-2.0 -lglib-2.0 -lffi -lpcre2-8 -lidn2 \
               -lunistring -lz
ifeq ($(LINK),static)
LINK_FLAGS = -static
GMIME_LIBS = $(STATIC_GMIME) -lm -pthread
GLIB_LIBS  = -lglib-2.0 -lpcre2-8 -lm -pthread
JSON_LIBS  = -ljansson
CDB_LIBS   = -lcdb
CSV_LIBS   = -lcsv
SODIUM_LIBS = -lsodium
SLIM_OBJ   = $(BUILD)/lib/mail/gmime-slim.o
ARCHIVE_LIBS = $(ARCHIVE_SLIM) -larchive -lnettle -llzma -lbz2 -lsodium
ARCHIVE_SLIM = $(BUILD)/lib/attach/archive-slim.o
XML_SLIM   = $(BUILD)/lib/facts/xml-slim.o
XML_LIBS   = $(XML_SLIM) -lxml2 -lz -llzma -lm
else ifeq ($(LINK),mixed)
LINK_FLAGS =
GMIME_LIBS = -Wl,-Bstatic $(STATIC_GMIME) -Wl,-Bdynamic -lm -pthread
GLIB_LIBS  = -Wl,-Bstatic -lglib-2.0 -lpcre2-8 -Wl,-Bdynamic -lm -pthread
JSON_LIBS  = -Wl,-Bstatic -ljansson -Wl,-Bdynamic
CDB_LIBS   = -Wl,-Bstatic -lcdb -Wl,-Bdynamic
CSV_LIBS   = -Wl,-Bstatic -lcsv -Wl,-Bdynamic
SODIUM_LIBS = -Wl,-Bstatic -lsodium -Wl,-Bdynamic
SLIM_OBJ   = $(BUILD)/lib/mail/gmime-slim.o
ARCHIVE_LIBS = $(ARCHIVE_SLIM) -Wl,-Bstatic -larchive -lnettle -llzma \
               -lbz2 -lsodium -Wl,-Bdynamic
ARCHIVE_SLIM = $(BUILD)/lib/attach/archive-slim.o
XML_SLIM   = $(BUILD)/lib/facts/xml-slim.o
XML_LIBS   = $(XML_SLIM) -Wl,-Bstatic -lxml2 -lz -llzma -Wl,-Bdynamic -lm
else
LINK_FLAGS =
GMIME_LIBS = $(shell pkg-config --libs gmime-3.0)
GLIB_LIBS  = $(shell pkg-config --libs glib-2.0)
JSON_LIBS  = $(shell pkg-config --libs jansson)
CDB_LIBS   = -lcdb
CSV_LIBS   = -lcsv
SODIUM_LIBS = $(shell pkg-config --libs libsodium)
SLIM_OBJ   =
ARCHIVE_LIBS = $(shell pkg-config --libs libarchive libsodium zlib) -lm
ARCHIVE_SLIM =
XML_SLIM   =
XML_LIBS   = $(shell pkg-config --libs libxml-2.0)
endif
# libarchive (ZIP writing, archive reading) and libsodium (passwords):
# see lib/attach/archive-slim.c for the two libarchive.a members left out.

TOOLS = mp-classify mp-bccify mp-orgsync mp-ccguard mp-zipenc mp-detach \
        mp-policy mp-hold mp-gate
# CGI programs: built with the tools, installed into $(CGIDIR)
CGIS  = mp-download mp-hold-web
# Each binary links only what it uses.
# lib/facts/ reads attachments' text: libxml2 (OOXML, HTML) and
# libarchive (ZIP); see lib/facts/xml-slim.c for the ICU left out.
FACTS_LIBS = $(XML_LIBS) $(ARCHIVE_LIBS)
mp-classify_LIBS = $(FACTS_LIBS) $(GMIME_LIBS) $(JSON_LIBS)
$(BUILD)/bin/mp-classify: $(ARCHIVE_SLIM) $(XML_SLIM)
mp-policy_LIBS   = $(FACTS_LIBS) $(GMIME_LIBS) $(JSON_LIBS) $(CDB_LIBS)
$(BUILD)/bin/mp-policy: $(ARCHIVE_SLIM) $(XML_SLIM)
mp-bccify_LIBS   = $(GMIME_LIBS)
mp-orgsync_LIBS  = $(GMIME_LIBS) $(JSON_LIBS) $(CDB_LIBS) $(CSV_LIBS)
mp-ccguard_LIBS  = $(GMIME_LIBS) $(JSON_LIBS) $(CDB_LIBS)
mp-zipenc_LIBS   = $(ARCHIVE_LIBS) $(GMIME_LIBS)
$(BUILD)/bin/mp-zipenc: $(ARCHIVE_SLIM)
mp-detach_LIBS   = $(GMIME_LIBS) $(JSON_LIBS) $(SODIUM_LIBS)
# mp-download reads no mail: lib/store/ may include only lib/base/
# (ARCHITECTURE.md), so it links no GMime and starts in about a
# millisecond.
mp-download_LIBS = $(GLIB_LIBS) $(JSON_LIBS) $(SODIUM_LIBS)
NO_GMIME = mp-download
# mp-hold reads the message it queues (subject, attachments, the org
# snapshot for approvers); its page reads only the spool but sends the
# notices and delivers what a button releases, so it links the same
mp-hold_LIBS     = $(GMIME_LIBS) $(JSON_LIBS) $(CDB_LIBS) $(SODIUM_LIBS)
mp-hold-web_LIBS = $(GMIME_LIBS) $(JSON_LIBS) $(CDB_LIBS) $(SODIUM_LIBS)
# mp-gate does what mp-policy, mp-zipenc, mp-detach, mp-bccify and
# mp-hold do, in one long-running process
mp-gate_LIBS     = $(FACTS_LIBS) $(GMIME_LIBS) $(JSON_LIBS) $(CDB_LIBS) \
                   $(SODIUM_LIBS)
$(BUILD)/bin/mp-gate: $(ARCHIVE_SLIM) $(XML_SLIM)

LIB_SRC = $(filter-out lib/mail/gmime-slim.c lib/attach/archive-slim.c \
    lib/facts/xml-slim.c,\
    $(wildcard lib/*/*.c))
LIB_HDR = $(wildcard lib/*/*.h)
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
BINS    = $(TOOLS:%=$(BUILD)/bin/%)
CGI_BINS = $(CGIS:%=$(BUILD)/bin/%)
MANS    = $(wildcard man/*.[0-9])

all: $(BINS) $(CGI_BINS)

$(BUILD)/%.o: %.c $(LIB_HDR) Makefile
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(MP_CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/libmp.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $(LIB_OBJ)

$(BUILD)/bin/%: $(BUILD)/cmd/%/main.o $(BUILD)/libmp.a $(SLIM_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) $(LINK_FLAGS) -o $@ $< \
	    $(if $(filter $(NO_GMIME),$*),,$(SLIM_OBJ)) \
	    $(BUILD)/libmp.a $($*_LIBS) 2>&1 | \
	    { grep -v -e 'statically linked applications requires' \
	      -e 'in function .g_get_user_database_entry' \
	      -e 'in function .g_mime_utils_generate_message_id' \
	      -e 'in function .connect_to' \
	      -e 'in function .xmlNanoHTTPConnectHost' || true; }
	@test -x $@

# The fault tests preload test/lib/faultshim.c to make write, fsync and
# rename fail; that needs glibc linked dynamically, so a static build
# gets a mixed-linked copy of the tools in $(BUILD)/fault for them.
ifeq ($(LINK),static)
FAULT_BIN = $(BUILD)/fault/bin
$(FAULT_BIN)/.built: $(LIB_SRC) $(LIB_HDR) $(wildcard cmd/*/main.c) Makefile
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/fault LINK=mixed all
	@touch $@
else
FAULT_BIN = $(BUILD)/bin
$(FAULT_BIN)/.built: all
	@touch $@
endif
$(BUILD)/faultshim.so: test/lib/faultshim.c
	@mkdir -p $(@D)
	@$(CC) -O1 -g -shared -fPIC -o $@ $< -ldl

# The suite runs the binaries of $(BUILD); see test/helper.bash.
# test/lib/parttree.c prints mp's MIME tree for test/mime.bats to hold
# against Python's email package.
$(BUILD)/parttree: test/lib/parttree.c $(BUILD)/libmp.a $(SLIM_OBJ)
	@$(CC) $(MP_CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) $(LINK_FLAGS) -o $@ \
	    $< $(SLIM_OBJ) $(BUILD)/libmp.a $(GMIME_LIBS) 2>&1 | \
	    { grep -v -e 'statically linked applications requires' \
	      -e 'in function .g_get_user_database_entry' \
	      -e 'in function .g_mime_utils_generate_message_id' \
	      -e 'in function .connect_to' \
	      -e 'in function .xmlNanoHTTPConnectHost' || true; }
	@test -x $@

# test/lib/piiprobe.c and textprobe.c run the personal-data patterns and
# the text readers of lib/facts/ on their own, for test/pii.bats and
# test/text.bats; smtpprobe.c the SMTP reading of lib/gate/, for
# test/smtp.bats, and its client (test/gate-client.bats); gateprobe.c
# mp-gate's server with a handler the test steers (test/gate-server.bats).
PROBES = $(BUILD)/piiprobe $(BUILD)/textprobe $(BUILD)/smtpprobe \
         $(BUILD)/gateprobe
$(BUILD)/%probe: test/lib/%probe.c $(BUILD)/libmp.a $(SLIM_OBJ) \
    $(ARCHIVE_SLIM) $(XML_SLIM)
	@$(CC) $(MP_CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) $(LINK_FLAGS) -o $@ \
	    $< $(SLIM_OBJ) $(BUILD)/libmp.a $(FACTS_LIBS) $(GMIME_LIBS) \
	    $(JSON_LIBS) 2>&1 | \
	    { grep -v -e 'statically linked applications requires' \
	      -e 'in function .g_get_user_database_entry' \
	      -e 'in function .g_mime_utils_generate_message_id' \
	      -e 'in function .connect_to' \
	      -e 'in function .xmlNanoHTTPConnectHost' || true; }
	@test -x $@

check: all $(FAULT_BIN)/.built $(BUILD)/faultshim.so $(BUILD)/parttree \
    $(PROBES) shellcheck layers
	MP_BIN=$(abspath $(BUILD)/bin) MP_FAULT_BIN=$(abspath $(FAULT_BIN)) \
	    MP_FAULTSHIM=$(abspath $(BUILD)/faultshim.so) \
	    MP_PARTTREE=$(abspath $(BUILD)/parttree) \
	    MP_PIIPROBE=$(abspath $(BUILD)/piiprobe) \
	    MP_TEXTPROBE=$(abspath $(BUILD)/textprobe) \
	    MP_SMTPPROBE=$(abspath $(BUILD)/smtpprobe) \
	    MP_GATEPROBE=$(abspath $(BUILD)/gateprobe) \
	    bats --print-output-on-failure test/

# ShellCheck over the suites (at -S warning, with test/.shellcheckrc: a
# bare `! cmd` in a test is an error there) and the shell scripts (every
# severity).  A stamp per file: only a changed file is read again.
SH_TESTS   = $(wildcard test/*.bats test/*.bash test/lib/*.bash)
SH_SCRIPTS = scripts/bench scripts/check-layers scripts/bench-org scripts/bench-policy \
             scripts/bench-zipenc scripts/bench-hold scripts/bench-gate \
             test/lib/fakesendmail \
             test/lib/hold-sendmail \
             scripts/demo scripts/mp-orgsync-cron \
             scripts/setup
SH_STAMPS  = $(patsubst %,$(BUILD)/shellcheck/%.ok,$(SH_TESTS) $(SH_SCRIPTS))
shellcheck: $(SH_STAMPS)

$(BUILD)/shellcheck/test/%.ok: test/% test/.shellcheckrc
	@command -v shellcheck >/dev/null || \
	    { echo "shellcheck is not installed (sh scripts/setup test)"; false; }
	@echo "  SHCHECK $<"
	@shellcheck -f gcc -S warning $<
	@mkdir -p $(@D)
	@touch $@

$(BUILD)/shellcheck/scripts/%.ok: scripts/%
	@command -v shellcheck >/dev/null || \
	    { echo "shellcheck is not installed (sh scripts/setup test)"; false; }
	@echo "  SHCHECK $<"
	@shellcheck -f gcc $<
	@mkdir -p $(@D)
	@touch $@

# Includes only go down the layers of ARCHITECTURE.md.
layers:
	@sh scripts/check-layers .

test: check

ASAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=undefined
check-asan:
	$(MAKE) BUILD=build-asan LINK=mixed CFLAGS="$(ASAN_FLAGS)" \
	    LDFLAGS="-fsanitize=address,undefined" check

# mp-orgsync and mp-ccguard against a model of mp-org.conf(5) and
# mp-ccguard(1) written in Python (test/model): MODEL_ORGS random
# organisations from other seeds than test/model.bats; a minute or two.
MODEL_ORGS ?= 100
check-model: all
	python3 test/model/check.py --bin $(abspath $(BUILD)/bin) \
	    --seed 1000 --orgs $(MODEL_ORGS) --people 50 --messages 200
.PHONY: check-model

# libFuzzer over everything a filter does with a message's bytes (needs
# clang); FUZZ_TIME seconds, seeded with the test messages.
FUZZ_TIME ?= 60
FUZZ_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined
fuzz:
	$(MAKE) BUILD=build-fuzz LINK=mixed CC=clang WARN=-Wall \
	    CFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" \
	    build-fuzz/libmp.a build-fuzz/lib/mail/gmime-slim.o
	clang $(MP_CPPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer \
	    -o build-fuzz/fuzz_message test/fuzz/fuzz_message.c \
	    build-fuzz/lib/mail/gmime-slim.o build-fuzz/libmp.a \
	    -Wl,-Bstatic -lgmime-3.0 -lgobject-2.0 -lglib-2.0 -lffi \
	    -lpcre2-8 -lidn2 -lunistring -lz -ljansson -Wl,-Bdynamic -lm -pthread
	clang $(MP_CPPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer \
	    -o build-fuzz/fuzz_smtp test/fuzz/fuzz_smtp.c build-fuzz/libmp.a \
	    -Wl,-Bstatic -lglib-2.0 -lpcre2-8 -Wl,-Bdynamic -lm -pthread
	mkdir -p build-fuzz/corpus build-fuzz/smtp-corpus
	cp testdata/mail/*.eml testdata/org/mail/*.eml build-fuzz/corpus/
	cp testdata/gate/*.smtp build-fuzz/smtp-corpus/
	build-fuzz/fuzz_message -max_total_time=$(FUZZ_TIME) -max_len=65536 \
	    -timeout=10 build-fuzz/corpus
	build-fuzz/fuzz_smtp -max_total_time=$(FUZZ_TIME) -max_len=8192 \
	    -timeout=10 build-fuzz/smtp-corpus

demo: all
	@sh scripts/demo $(BUILD)/bin

# every benchmark; each also has a target of its own
bench: bench-mail bench-org bench-policy bench-zipenc bench-hold bench-gate

bench-mail: all
	@sh scripts/bench $(BUILD)/bin

bench-org: all
	@sh scripts/bench-org $(BUILD)/bin

bench-policy: all
	@sh scripts/bench-policy $(BUILD)/bin

bench-hold: all
	@sh scripts/bench-hold $(BUILD)/bin

bench-gate: all
	@sh scripts/bench-gate $(BUILD)/bin

bench-zipenc: all
	@sh scripts/bench-zipenc $(BUILD)/bin

# The scripts and samples name programs and files by path (pipe(8) and
# procmail run them with a PATH of their own); install writes the paths
# of this PREFIX into them.  Every file goes through install -m, so its
# mode does not depend on the umask.
INSTALL_SUBST = sed -e 's|/usr/local/lib/mp/cgi/|$(CGIDIR)/|g' \
    -e 's|/usr/local/bin|$(BINDIR)|g' -e 's|/usr/local/etc|$(SYSCONFDIR)|g' \
    -e 's|/usr/local/share|$(DATADIR)|g' -e 's|/var/lib/mp|$(STATEDIR)|g' \
    -e 's|/var/spool/mp|$(SPOOLDIR)|g'
SUBST_FILES = scripts/procmailrc.sample scripts/mailfilter.sample \
    scripts/mp-orgsync-cron \
    scripts/lighttpd/lighttpd.conf scripts/mp-hold.cron \
    scripts/systemd/mp-hold.service scripts/systemd/mp-hold.timer \
    scripts/systemd/mp-gate.service

install: all
	rm -rf $(BUILD)/install
	mkdir -p $(BUILD)/install/scripts/lighttpd $(BUILD)/install/scripts/systemd
	for f in $(SUBST_FILES); do \
	    $(INSTALL_SUBST) $$f >$(BUILD)/install/$$f || exit 1; done
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
	    $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(SYSCONFDIR)/mp $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(DATADIR)/mp
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	for m in $(MANS); do \
	    install -m 644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}; done
	for t in $(TOOLS); do \
	    install -m 644 completions/$$t.bash $(DESTDIR)$(BASHCOMPDIR)/$$t; \
	    install -m 644 completions/_$$t $(DESTDIR)$(ZSHCOMPDIR)/_$$t; done
	install -m 644 completions/mp-common.bash $(DESTDIR)$(BASHCOMPDIR)/mp-common
	install -m 644 testdata/sample/mp.conf \
	    $(DESTDIR)$(DATADIR)/mp/mp.conf.sample
	test -e $(DESTDIR)$(SYSCONFDIR)/mp/mp.conf || \
	    install -m 644 testdata/sample/mp.conf \
	    $(DESTDIR)$(SYSCONFDIR)/mp/mp.conf
	install -m 644 testdata/org/org.conf \
	    $(DESTDIR)$(DATADIR)/mp/org.conf.sample
	test -e $(DESTDIR)$(SYSCONFDIR)/mp/org.conf || \
	    install -m 644 testdata/org/org.conf \
	    $(DESTDIR)$(SYSCONFDIR)/mp/org.conf
	install -m 644 $(BUILD)/install/scripts/procmailrc.sample \
	    $(BUILD)/install/scripts/mailfilter.sample $(DESTDIR)$(DATADIR)/mp/
	install -d $(DESTDIR)$(CGIDIR) $(DESTDIR)$(DATADIR)/mp/lighttpd \
	    $(DESTDIR)$(DATADIR)/mp/www
	install -m 755 $(CGI_BINS) $(DESTDIR)$(CGIDIR)
	install -m 644 scripts/lighttpd/mp-download.conf \
	    scripts/lighttpd/mp-hold-web.conf $(DESTDIR)$(DATADIR)/mp/lighttpd/
	install -m 644 $(BUILD)/install/scripts/lighttpd/lighttpd.conf \
	    $(DESTDIR)$(DATADIR)/mp/lighttpd/
	install -m 755 $(BUILD)/install/scripts/mp-orgsync-cron \
	    $(DESTDIR)$(DATADIR)/mp/
	install -d $(DESTDIR)$(DATADIR)/mp/systemd
	install -m 644 $(BUILD)/install/scripts/mp-hold.cron \
	    $(DESTDIR)$(DATADIR)/mp/
	install -m 644 $(BUILD)/install/scripts/systemd/mp-hold.service \
	    $(BUILD)/install/scripts/systemd/mp-hold.timer \
	    $(BUILD)/install/scripts/systemd/mp-gate.service \
	    $(DESTDIR)$(DATADIR)/mp/systemd/

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all check shellcheck layers test check-asan fuzz demo bench bench-mail bench-org bench-policy \
	bench-hold bench-gate bench-zipenc install clean
.SECONDARY:
