# oms — order management system as a Unix toolkit.
# Appends to the user's CFLAGS/LDFLAGS; honours PREFIX and DESTDIR.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/oms
VERSION  = 0.1.0

PKG_CONFIG ?= pkg-config
INSTALL ?= install
DEPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags jansson sqlite3 2>/dev/null)
DEPS_LIBS   := $(shell $(PKG_CONFIG) --libs jansson sqlite3 2>/dev/null) -lcsv -lm

# The user's CFLAGS, CPPFLAGS and LDFLAGS (from the environment or the
# command line) come after the project's own, which are always there.
CFLAGS  ?= -O2 -g
OMS_CFLAGS = -std=c11 -Wall -Wextra -Wno-unused-parameter \
	-pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DOMS_VERSION='"$(VERSION)"' -Ilib $(DEPS_CFLAGS)
OMS_LDFLAGS =

# make SANITIZE=1: AddressSanitizer + UndefinedBehaviorSanitizer (and leak
# checking) in a separate build tree, so it never mixes with the normal one.
ifeq ($(SANITIZE),1)
BUILD   ?= build-san
OMS_CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OMS_LDFLAGS += -fsanitize=address,undefined
else ifeq ($(SANITIZE),fuzz)
# make fuzz: the library instrumented for libFuzzer (clang only), see below
BUILD   ?= build-fuzz
OMS_CFLAGS += -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
OMS_LDFLAGS += -fsanitize=fuzzer,address,undefined
else
BUILD   ?= build
endif

COMPILE = $(CC) $(OMS_CFLAGS) $(CPPFLAGS) $(CFLAGS)
LINK    = $(CC) $(OMS_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(OMS_LDFLAGS) $(LDFLAGS)

CMDS    = $(patsubst cmd/%.c,%,$(wildcard cmd/*.c))
LIBSRC  = $(wildcard lib/*.c)
LIBOBJ  = $(LIBSRC:lib/%.c=$(BUILD)/lib/%.o) $(BUILD)/lib/schema_sql.o
SCHEMA  = $(sort $(wildcard share/schema/*.sql))
BINS    = $(CMDS:%=$(BUILD)/bin/%)
TOOLS   = $(BUILD)/bin/oms-gen
# test programs: test-* are unit tests run by tests/run.sh; the rest are
# tools the bats suites call
TESTBINS = $(BUILD)/bin/test-parse $(BUILD)/bin/test-route-cost $(BUILD)/bin/test-alloc \
	$(BUILD)/bin/test-returns $(BUILD)/bin/test-eoq $(BUILD)/bin/test-service \
	$(BUILD)/bin/test-events $(BUILD)/bin/test-line-counts $(BUILD)/bin/test-supply \
	$(BUILD)/bin/input-dump
# The test build: the commands again, from the same sources compiled with
# OMS_TEST_HOOKS, which adds the test hooks (OMS_KILL_*, OMS_READ_RACE,
# OMS_*_CHUNK, OMS_CHECK_SPLIT; oms(7), "Test builds").  make check builds
# it in $(BUILD)/test-bin for the tests of those hooks; never installed.
HOOKOBJ  = $(LIBSRC:lib/%.c=$(BUILD)/test-lib/%.o) $(BUILD)/lib/schema_sql.o
HOOKBINS = $(CMDS:%=$(BUILD)/test-bin/%)

all: $(BINS)

$(BUILD)/lib/%.o: lib/%.c lib/*.h | $(BUILD)/lib
	$(COMPILE) -c -o $@ $<

# The schema and its migrations live in share/schema as plain SQL; they are
# compiled into the binaries so a store can always be created or upgraded.
# The folder is a prerequisite too: a migration removed changes its time.
$(BUILD)/lib/schema_sql.c: $(SCHEMA) share/schema share/sql2c.sh | $(BUILD)/lib
	sh share/sql2c.sh $(SCHEMA) > $@.tmp && mv $@.tmp $@

$(BUILD)/lib/schema_sql.o: $(BUILD)/lib/schema_sql.c
	$(COMPILE) -c -o $@ $<

$(BUILD)/liboms.a: $(LIBOBJ)
	$(AR) rcs $@ $(LIBOBJ)

$(BUILD)/bin/%: cmd/%.c $(BUILD)/liboms.a lib/*.h | $(BUILD)/bin
	$(LINK) -o $@ $< $(BUILD)/liboms.a $(DEPS_LIBS) $(LDLIBS)

$(BUILD)/test-lib/%.o: lib/%.c lib/*.h | $(BUILD)/test-lib
	$(COMPILE) -DOMS_TEST_HOOKS -c -o $@ $<

$(BUILD)/test-lib/liboms.a: $(HOOKOBJ)
	$(AR) rcs $@ $(HOOKOBJ)

$(BUILD)/test-bin/%: cmd/%.c $(BUILD)/test-lib/liboms.a lib/*.h | $(BUILD)/test-bin
	$(LINK) -DOMS_TEST_HOOKS -o $@ $< $(BUILD)/test-lib/liboms.a $(DEPS_LIBS) $(LDLIBS)

# a unit test: tests/unit/test-NAME.c, linked with the library
$(BUILD)/bin/test-%: tests/unit/test-%.c $(BUILD)/liboms.a lib/*.h | $(BUILD)/bin
	$(LINK) -o $@ $< $(BUILD)/liboms.a $(DEPS_LIBS) $(LDLIBS)

$(BUILD)/bin/input-dump: tests/unit/input-dump.c $(BUILD)/liboms.a lib/*.h | $(BUILD)/bin
	$(LINK) -o $@ $< $(BUILD)/liboms.a $(DEPS_LIBS) $(LDLIBS)

$(BUILD)/bin/oms-gen: tests/bench/oms-gen.c | $(BUILD)/bin
	$(LINK) -o $@ $< -lm

$(BUILD)/lib $(BUILD)/bin $(BUILD)/test-lib $(BUILD)/test-bin:
	mkdir -p $@

# the tests of the hooks run the test build, every other the shipped one;
# make test-build builds what check runs, for running one suite alone
test-build: all $(TESTBINS) $(HOOKBINS)

check: test-build
	OMS_BIN=$(CURDIR)/$(BUILD)/bin OMS_TEST_BIN=$(CURDIR)/$(BUILD)/test-bin sh tests/run.sh

bench: all $(TOOLS)
	OMS_BIN=$(CURDIR)/$(BUILD)/bin sh tests/bench/run.sh

# make torture: the long reliability runs (tests/reliability): every
# mutating command killed at many points of a large run, then several at
# once on one store.  TORTURE_LINES, TORTURE_KILLS, TORTURE_ROUNDS size them.
# The crash runs kill by the test hooks, so they run the test build (and
# oms-gen from $(BUILD)/bin); the concurrent runs run the shipped one.
TORTURE_LINES ?= 20000
TORTURE_KILLS ?= 40
TORTURE_ROUNDS ?= 200
torture: all $(TOOLS) $(HOOKBINS)
	PATH=$(CURDIR)/$(BUILD)/bin:$$PATH OMS_BIN=$(CURDIR)/$(BUILD)/test-bin \
		bash tests/reliability/crash.sh \
		-n $(TORTURE_LINES) -k $(TORTURE_KILLS) -t $$(( $(TORTURE_KILLS) / 2 ))
	OMS_BIN=$(CURDIR)/$(BUILD)/bin bash tests/reliability/concurrency.sh -r $(TORTURE_ROUNDS)

demo: all
	OMS_BIN=$(CURDIR)/$(BUILD)/bin sh examples/nightly.sh

# the shipped commands only (never the test build), with their modes
install: all
	$(INSTALL) -d -m 755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(SHAREDIR)/schema
	$(INSTALL) -m 755 $(BINS) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7/
	$(INSTALL) -m 644 $(SCHEMA) $(DESTDIR)$(SHAREDIR)/schema/
	$(INSTALL) -m 644 share/postal-us.csv share/postal-us.LICENSE $(DESTDIR)$(SHAREDIR)/

uninstall:
	for c in $(CMDS); do rm -f $(DESTDIR)$(BINDIR)/$$c $(DESTDIR)$(MANDIR)/man1/$$c.1; done
	rm -f $(DESTDIR)$(MANDIR)/man5/oms-formats.5 $(DESTDIR)$(MANDIR)/man7/oms.7
	rm -rf $(DESTDIR)$(SHAREDIR)

# Fuzzing (tests/fuzz/README): one libFuzzer target per input path, built
# with clang into build-fuzz/fuzz.  make fuzz builds them and, with
# FUZZTIME=seconds, runs each that long (one job); make fuzz-run runs each
# over its corpus once, as CI does.
FUZZ_TARGETS = import-items import-nodes import-inventory import-deltas \
	import-customers import-orders import-orders-jsonl import-orders-rejects \
	import-postal import-rates confirm changes changes-rejects return-authorize \
	return-receive return-receive-rejects return-appease
FUZZ_DEFS_import-items = -DFUZZ_IMPORT=KIND_ITEMS
FUZZ_DEFS_import-nodes = -DFUZZ_IMPORT=KIND_NODES
FUZZ_DEFS_import-inventory = -DFUZZ_IMPORT=KIND_INVENTORY
FUZZ_DEFS_import-deltas = -DFUZZ_IMPORT=KIND_INVENTORY -DFUZZ_DELTA
FUZZ_DEFS_import-customers = -DFUZZ_IMPORT=KIND_CUSTOMERS
FUZZ_DEFS_import-orders = -DFUZZ_IMPORT=KIND_ORDERS
FUZZ_DEFS_import-orders-jsonl = -DFUZZ_IMPORT=KIND_ORDERS -DFUZZ_JSONL
FUZZ_DEFS_import-orders-rejects = -DFUZZ_IMPORT=KIND_ORDERS -DFUZZ_REJECTS
FUZZ_DEFS_import-postal = -DFUZZ_IMPORT=KIND_POSTAL
FUZZ_DEFS_import-rates = -DFUZZ_IMPORT=KIND_RATES
FUZZ_DEFS_confirm = -DFUZZ_CONFIRM
FUZZ_DEFS_changes = -DFUZZ_CHANGES
FUZZ_DEFS_changes-rejects = -DFUZZ_CHANGES -DFUZZ_REJECTS
FUZZ_DEFS_return-authorize = -DFUZZ_RETURNS=RETURNS_AUTHORIZE
FUZZ_DEFS_return-receive = -DFUZZ_RETURNS=RETURNS_RECEIVE
FUZZ_DEFS_return-receive-rejects = -DFUZZ_RETURNS=RETURNS_RECEIVE -DFUZZ_REJECTS
FUZZ_DEFS_return-appease = -DFUZZ_RETURNS=RETURNS_APPEASE
FUZZ_CC ?= clang
FUZZTIME ?= 0

fuzz:
	$(MAKE) SANITIZE=fuzz CC=$(FUZZ_CC) fuzz-targets
	[ "$(FUZZTIME)" = 0 ] || sh tests/fuzz/run.sh -t $(FUZZTIME) $(FUZZ_TARGETS)

fuzz-run:
	$(MAKE) SANITIZE=fuzz CC=$(FUZZ_CC) fuzz-targets
	sh tests/fuzz/run.sh $(FUZZ_TARGETS)

fuzz-targets: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)

$(BUILD)/fuzz/%: tests/fuzz/fuzz.c $(BUILD)/liboms.a lib/*.h | $(BUILD)/fuzz
	$(LINK) $(FUZZ_DEFS_$*) -DOMS_SRCDIR='"$(CURDIR)"' -o $@ $< $(BUILD)/liboms.a \
		$(DEPS_LIBS) $(LDLIBS)

$(BUILD)/fuzz:
	mkdir -p $@

clean:
	rm -rf build build-san build-fuzz

.PHONY: all test-build check bench torture demo install uninstall clean fuzz fuzz-run \
	fuzz-targets
