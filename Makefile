# ics — build, test, demo, bench.  `make help` lists the targets.
# A plain `make` only compiles: installing packages is `make deps` (also run by `make demo` and CI).
# CFLAGS, CPPFLAGS and LDFLAGS given on the command line or in the environment are added to ours.

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
# No -Isrc: a file reaches another folder only through its public header in include/ics/
# (tools/check/layers.py checks the direction of every include).
BASE     = -std=c11 -D_GNU_SOURCE -Iinclude -I/usr/include/postgresql -include src/core/banned.h $(WARN) -MMD -MP
RELEASE_CFLAGS = $(BASE) -O2 -g $(CPPFLAGS) $(CFLAGS)
ASAN_CFLAGS    = $(BASE) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
                 $(CPPFLAGS) $(CFLAGS)
# Unit tests may look inside a module (its private header): they get -Isrc, the library does not.
TEST_INC = -Isrc -Itests
LIBS     = -lsqlite3 -lpq -ljansson -lsodium -lxlsxwriter -lmicrohttpd -lpthread -lm

# Debian packages the build, the tests and the demo need. postgresql-15 gives make check its throwaway
# cluster (tests/pg/cluster.sh; the package's own `main` cluster on 5432 is not used); libpq-dev the client.
DEB_PACKAGES = gcc make libc6-dev libsqlite3-dev libsodium-dev libxlsxwriter-dev python3 pkg-config \
               python3-openpyxl python3-html5lib postgresql-15 libpq-dev libjansson-dev libmicrohttpd-dev curl \
               nodejs npm chromium wrk
# nodejs and npm build the dashboard (a command on the PATH counts: NodeSource's nodejs carries npm) (web/, tools/web/build.py); chromium runs its browser test; wrk the load bench.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

LIB_SRC  = $(filter-out src/cli/%,$(wildcard src/*/*.c))
CLI_SRC  = $(wildcard src/cli/*.c)
TEST_SRC = $(wildcard tests/unit/test_*.c)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)

REL_OBJ  = $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC))
REL_CLI  = $(patsubst %.c,$(BUILD)/obj/%.o,$(CLI_SRC))
REL_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
ASAN_OBJ = $(patsubst %.c,$(BUILD)/asan/obj/%.o,$(LIB_SRC))
ASAN_CLI = $(patsubst %.c,$(BUILD)/asan/obj/%.o,$(CLI_SRC))
ASAN_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/asan/tests/%,$(TEST_SRC))
# Each fuzz target also builds as a corpus replayer (tests/fuzz/replay.c) that make check runs.
ASAN_FUZZ = $(patsubst tests/fuzz/%.c,$(BUILD)/asan/fuzz/%,$(FUZZ_SRC))

.PHONY: all deps check check-rules gen demo bench fuzz install uninstall clean help web

# The dashboard needs the npm packages make deps installs; without them `make` builds the program alone
# (ics serve then answers the API only) and make check, which needs the dashboard, fails saying so.
all: $(BUILD)/ics $(BUILD)/libics.a $(if $(wildcard $(BUILD)/web/node_modules/nhsuk-frontend),web)

WEB_SRC = $(wildcard web/*.html web/pages/*.html web/js/*.js web/scss/*.scss) web/package-lock.json tools/web/build.py
web: $(BUILD)/web/root/index.html
$(BUILD)/web/root/index.html: $(WEB_SRC)
	@$(if $(V),,echo "  WEB     $(BUILD)/web/root")
	$(Q)python3 tools/web/build.py build $(BUILD)

help:
	@echo "make          build build/ics and build/libics.a (never installs packages)"
	@echo "make deps     install missing Debian packages (apt-get; run as root or with sudo)"
	@echo "make demo     install what is missing, build, run the main job on sample data"
	@echo "make check    build with ASan/UBSan and run every test; ends 'N passed, N failed'"
	@echo "              (tests/run.sh BUILD NAME runs one test, e.g. tests/run.sh build/asan beds/provider)"
	@echo "make gen      regenerate every generated source from data/ (tools/gen/NAME.py build)"
	@echo "make bench    time ics beds (20 million spells) against wc -l and DuckDB, episodes against spells"
	@echo "              (20 million episodes), and ics ledger at national scale"
	@echo "make fuzz     run each fuzz target under clang's libFuzzer (FUZZ_SECONDS=60 each)"
	@echo "make install  install ics, libics.a, the headers and ics.pc under PREFIX (default /usr/local)"

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	    dpkg -s $$p >/dev/null 2>&1 || command -v $$p >/dev/null || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@python3 tools/web/build.py install $(BUILD)

# `make V=1` shows the full commands.
Q = $(if $(V),,@)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(RELEASE_CFLAGS) -c $< -o $@

$(BUILD)/asan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC asan $<")
	$(Q)$(CC) $(ASAN_CFLAGS) -c $< -o $@

$(BUILD)/libics.a: $(REL_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/ics: $(REL_CLI) $(BUILD)/libics.a
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(RELEASE_CFLAGS) $(LDFLAGS) -o $@ $(REL_CLI) $(BUILD)/libics.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libics.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  TEST    $@")
	$(Q)$(CC) $(RELEASE_CFLAGS) $(TEST_INC) $(LDFLAGS) -o $@ $< $(BUILD)/libics.a $(LIBS)

$(BUILD)/asan/libics.a: $(ASAN_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/asan/ics: $(ASAN_CLI) $(BUILD)/asan/libics.a
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ASAN_CFLAGS) $(LDFLAGS) -o $@ $(ASAN_CLI) $(BUILD)/asan/libics.a $(LIBS)

$(BUILD)/asan/tests/%: tests/unit/%.c $(BUILD)/asan/libics.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  TEST    $@")
	$(Q)$(CC) $(ASAN_CFLAGS) $(TEST_INC) $(LDFLAGS) -o $@ $< $(BUILD)/asan/libics.a $(LIBS)

$(BUILD)/asan/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/asan/libics.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  FUZZ    $@")
	$(Q)$(CC) $(ASAN_CFLAGS) $(TEST_INC) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/asan/libics.a $(LIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# The house rules that are not compiler warnings: include direction, generated files current, every
# option documented, every exported symbol declared or internal. Each script fails on a broken rule.
check-rules: $(BUILD)/libics.a $(BUILD)/ics
	@python3 tools/check/layers.py
	@python3 tools/gen/all.py --check
	@python3 tools/check/symbols.py $(BUILD)/libics.a
	@python3 tools/check/options.py $(BUILD)/ics

# The release build too: -O2 finds warnings (format truncation) that the -O1 sanitizer build does not,
# and the unit tests run once against it.
check: all web $(REL_TESTS) $(BUILD)/asan/ics $(ASAN_TESTS) $(ASAN_FUZZ) check-rules
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	    ICS_RELEASE_BUILD=$(BUILD) tests/run.sh $(BUILD)/asan

gen:
	@python3 tools/gen/all.py build

demo: deps all
	@scripts/demo.sh $(BUILD)/ics

bench: deps all
	@bench/run.sh $(BUILD)/ics
	@bench/episodes_bench.sh $(BUILD)/ics
	@bench/ledger_bench.sh $(BUILD)/ics
	@bench/synth_calibration.sh $(BUILD)/ics

FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -Iinclude $(TEST_INC) -O1 -g -fsanitize=fuzzer,address,undefined
fuzz:
	@mkdir -p $(BUILD)/fuzz
	@for t in $(FUZZ_SRC); do \
	    n=$$(basename $$t .c); \
	    clang $(FUZZ_CFLAGS) -o $(BUILD)/fuzz/$$n $$t $(filter-out src/cli/%,$(LIB_SRC)) $(LIBS) || exit 1; \
	    mkdir -p $(BUILD)/fuzz/$$n.corpus; \
	    echo "fuzzing $$n for $(FUZZ_SECONDS) s"; \
	    $(BUILD)/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/$$n.corpus tests/fuzz/corpus/$${n#fuzz_} || exit 1; \
	done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/ics
	install -m 755 $(BUILD)/ics $(DESTDIR)$(PREFIX)/bin/ics
	install -m 644 $(BUILD)/libics.a $(DESTDIR)$(PREFIX)/lib/libics.a
	install -m 644 include/ics/*.h $(DESTDIR)$(PREFIX)/include/ics/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBS@|$(LIBS)|' ics.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/ics.pc
	if [ -d $(BUILD)/web/root ]; then rm -rf $(DESTDIR)$(PREFIX)/share/ics/web; install -d $(DESTDIR)$(PREFIX)/share/ics; \
	    cp -R $(BUILD)/web/root $(DESTDIR)$(PREFIX)/share/ics/web; fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/ics $(DESTDIR)$(PREFIX)/lib/libics.a $(DESTDIR)$(PREFIX)/lib/pkgconfig/ics.pc
	rm -rf $(DESTDIR)$(PREFIX)/include/ics $(DESTDIR)$(PREFIX)/share/ics/web

clean:
	rm -rf $(BUILD)
