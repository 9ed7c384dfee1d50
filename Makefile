# yingcai - non-recursive GNU make build.
#
#   make            build/yingcai (release, hardened)
#   make run        install what is missing, build, show the demo scorecards
#   make check      sanitizer build (ASan + UBSan), every test, summary line
#   make fuzz       libFuzzer targets (clang), FUZZ_SECONDS each
#   make bench      benchmarks in bench/ (never part of check)
#   make checksrc   fail on banned C functions (conventions.md)
#
# Every library comes from pkg-config.  Objects live under $(B)/, one tree
# per build flavour so sanitizer and release objects never mix.

CC      ?= cc
PKGS    := libfyaml sqlite3 libsodium libmicrohttpd libpq libcurl
B       ?= build
SANITIZE ?=
WERROR  ?=

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_LIBS  := $(shell pkg-config --libs cmocka 2>/dev/null)

# Warnings: -Wall -Wextra -Wshadow -Wconversion; -Wno-sign-conversion because
# size_t/int mixing in loops is noise there and -Wconversion already catches
# the narrowing that matters.  Errors under WERROR=1 (CI, make check).
WARN := -Wall -Wextra -Wshadow -Wconversion -Wno-sign-conversion \
        -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
ifeq ($(WERROR),1)
WARN += -Werror
endif

# Hardening as in the OpenSSF compiler options guide (gcc 12 / clang 14).
HARDEN := -fstack-protector-strong -fstack-clash-protection -fPIE \
          -D_GLIBCXX_ASSERTIONS -fno-strict-overflow -fno-delete-null-pointer-checks
ifneq ($(shell uname -m),aarch64)
HARDEN += -fcf-protection=full
endif
HARDEN_LD := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack

ifeq ($(SANITIZE),)
OPT := -O2 -D_FORTIFY_SOURCE=3 -g
else
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=$(SANITIZE) \
       -fno-sanitize-recover=all
endif

CPPFLAGS += -Isrc -D_POSIX_C_SOURCE=200809L
CFLAGS   += -std=c11 $(OPT) $(WARN) $(HARDEN) $(PKG_CFLAGS) -MMD -MP
LDFLAGS  += -pthread $(HARDEN_LD) $(if $(SANITIZE),-fsanitize=$(SANITIZE))

LIB_SRC := $(wildcard src/lib/*.c src/core/*.c src/policy/*.c src/format/*.c \
                     src/store/*.c src/out/*.c src/app/*.c src/web/*.c src/web/*/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(B)/tests/replay_%)

.PHONY: all run check fuzz bench checksrc deps clean tests
all: $(B)/yingcai

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/libyingcai.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/yingcai: $(CLI_OBJ) $(B)/libyingcai.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(B)/libyingcai.a $(PKG_LIBS)

$(B)/tests/test_%: $(B)/tests/unit/test_%.o $(B)/libyingcai.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(B)/libyingcai.a $(PKG_LIBS) $(TEST_LIBS)

# Fuzz targets replayed over their corpus by a plain main() (no clang needed).
$(B)/tests/replay_%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay.o $(B)/libyingcai.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

tests: $(B)/yingcai $(UNIT_BIN) $(REPLAY_BIN)

deps:
	@scripts/deps

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo

check: deps
	@$(MAKE) --no-print-directory checksrc
	@$(MAKE) --no-print-directory B=build/check SANITIZE=address,undefined WERROR=1 tests
	@$(MAKE) --no-print-directory WERROR=1 all
	@$(MAKE) --no-print-directory B=build/tsan SANITIZE=thread WERROR=1 build/tsan/yingcai
	@scripts/run-tests build/check

fuzz: deps
	@scripts/fuzz $(or $(FUZZ_SECONDS),60)

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/evaluate

checksrc:
	@if grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|sscanf|system|popen|alloca)[[:space:]]*\(' \
	    src tests/unit tests/fuzz bench --include='*.c' --include='*.h'; then \
	  echo "checksrc: banned function (see design/conventions.md)"; exit 1; fi

clean:
	rm -rf build

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# ---- bench programs (bench/README.md; built by bench/evaluate, never by check)
# Release flags only: refuse to mix with a sanitizer tree.
BENCH_BIN := $(B)/bench/gen_apps $(B)/bench/bench_evaluate
.PHONY: bench-bins
bench-bins: $(BENCH_BIN)

$(BENCH_BIN): $(B)/bench/%: $(B)/bench/%.o $(B)/libyingcai.a
	@mkdir -p $(@D)
	$(if $(SANITIZE),$(error bench programs are release builds: unset SANITIZE))
	$(CC) $(LDFLAGS) -o $@ $< $(B)/libyingcai.a $(PKG_LIBS)
# ---- end of bench programs
