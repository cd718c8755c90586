# ics — build, test, demo, bench.  `make help` lists the targets.
# Everything that builds depends on `deps`, which installs missing Debian packages.

CC      ?= cc
BUILD   ?= build
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
BASE     = -std=c11 -D_GNU_SOURCE -Iinclude -Isrc $(WARN)
RELEASE_CFLAGS = $(BASE) -O2 -g
ASAN_CFLAGS    = $(BASE) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LIBS     = -lsqlite3 -lsodium -lpthread -lm

# Debian packages the build, the tests and the demo need.
DEB_PACKAGES = gcc make libc6-dev libsqlite3-dev libsodium-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

LIB_SRC  = $(filter-out src/cli/%,$(wildcard src/*/*.c))
CLI_SRC  = $(wildcard src/cli/*.c)
TEST_SRC = $(wildcard tests/unit/test_*.c)
HEADERS  = $(wildcard include/ics/*.h src/*/*.h tests/*.h)

REL_OBJ  = $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC))
REL_CLI  = $(patsubst %.c,$(BUILD)/obj/%.o,$(CLI_SRC))
ASAN_OBJ = $(patsubst %.c,$(BUILD)/asan/obj/%.o,$(LIB_SRC))
ASAN_CLI = $(patsubst %.c,$(BUILD)/asan/obj/%.o,$(CLI_SRC))
ASAN_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/asan/tests/%,$(TEST_SRC))

.PHONY: all deps check demo bench clean help

all: deps $(BUILD)/ics $(BUILD)/libics.a

help:
	@echo "make          build build/ics and build/libics.a"
	@echo "make demo     install what is missing, build, run the main job on sample data"
	@echo "make check    build with ASan/UBSan and run every test"
	@echo "make bench    time ics beds (20 million spells) against wc -l and DuckDB, and ics ledger at national scale"
	@echo "make deps     install missing Debian packages (apt-get; run as root or with sudo)"

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# `make V=1` shows the full commands.
Q = $(if $(V),,@)

$(BUILD)/obj/%.o: %.c $(HEADERS) | deps
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(RELEASE_CFLAGS) -c $< -o $@

$(BUILD)/asan/obj/%.o: %.c $(HEADERS) | deps
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC asan $<")
	$(Q)$(CC) $(ASAN_CFLAGS) -c $< -o $@

$(BUILD)/libics.a: $(REL_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/ics: $(REL_CLI) $(BUILD)/libics.a
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(RELEASE_CFLAGS) -o $@ $(REL_CLI) $(BUILD)/libics.a $(LIBS)

$(BUILD)/asan/libics.a: $(ASAN_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/asan/ics: $(ASAN_CLI) $(BUILD)/asan/libics.a
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ASAN_CFLAGS) -o $@ $(ASAN_CLI) $(BUILD)/asan/libics.a $(LIBS)

$(BUILD)/asan/tests/%: tests/unit/%.c $(BUILD)/asan/libics.a $(HEADERS)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  TEST    $@")
	$(Q)$(CC) $(ASAN_CFLAGS) -Itests -o $@ $< $(BUILD)/asan/libics.a $(LIBS)

# The release build too: -O2 finds warnings (format truncation) that the -O1 sanitizer build does not.
check: all $(BUILD)/asan/ics $(ASAN_TESTS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	    tests/run.sh $(BUILD)/asan

demo: all
	@scripts/demo.sh $(BUILD)/ics

bench: all
	@bench/run.sh $(BUILD)/ics
	@bench/ledger_bench.sh $(BUILD)/ics

clean:
	rm -rf $(BUILD)
