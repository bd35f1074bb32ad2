# sqlite-lance build.  Targets:
#   make            build/lance.so, build/liblanceformat.a, build/lance-dump
#   make test       unit tests, fuzz-corpus replay, SQL tests, interop tests
#   make asan       the same suite built with -fsanitize=address,undefined
#   make fuzz       libFuzzer targets (clang) in build/fuzz/
#   make demo       see README.md
#   make bench-decode  decode throughput benchmark (bench/README.md)
#   make bench-scan    SQL scans, projection, takes, RSS vs native SQLite (bench/README.md)
#   make bench-knn     vector search vs sqlite-vec and a plain C loop (bench/README.md)
#   make bench-rowid   DELETE / UPDATE / takes by row id, 1,000 fragments (bench/README.md)
#   make bench-s3      scans and takes over S3 with latency vs LanceDB (bench/README.md)
#   make bench-train   PyTorch DataLoader throughput vs native SQLite and LanceDB (bench/README.md)
#   make deps      install what is missing (scripts/install-deps.sh; demo and test run it)
# Source lists are wildcards: a new format/*.c, format/*/*.c (format/index/,
# format/store/), ext/*/*.c, test/unit/test_*.c or test/fuzz/fuzz_*.c is picked up
# without editing this file.

B        ?= build
CC       ?= gcc
OPT      ?= -O2
SAN      ?=
CFLAGS   ?=
CFLAGS   += -std=c11 $(OPT) -g -Wall -Wextra -Werror -fPIC -fvisibility=hidden \
            -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -pthread $(SAN) -Iformat -Iext -Itools
LDLIBS   += -lzstd -llz4 -lroaring -lstemmer -lm -pthread
# object stores (format/store/): libcurl for HTTP, OpenSSL's libcrypto for SigV4
LDLIBS   += $(shell pkg-config --libs libcurl libcrypto)
TESTLIBS  = -lcmocka -lsqlite3

FORMAT_SRC := $(wildcard format/*.c format/*/*.c)
EXT_SRC    := $(filter-out ext/lance.c,$(wildcard ext/*.c ext/*/*.c))
UNIT_SRC   := $(wildcard test/unit/test_*.c)
FUZZ_SRC   := $(wildcard test/fuzz/fuzz_*.c)

FORMAT_OBJ := $(FORMAT_SRC:%.c=$(B)/obj/%.o)
EXT_OBJ    := $(EXT_SRC:%.c=$(B)/obj/%.o)
UNIT_BIN   := $(UNIT_SRC:test/unit/%.c=$(B)/test/%)
REPLAY_BIN := $(FUZZ_SRC:test/fuzz/%.c=$(B)/replay/%)

all: $(B)/lance.so $(B)/liblanceformat.a $(B)/lance-dump

$(B)/obj/%.o: %.c $(wildcard format/*.h format/*/*.h ext/*.h ext/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/liblanceformat.a: $(FORMAT_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/libext.a: $(EXT_OBJ)
	@rm -f $@
	ar rcs $@ $^ $(if $(EXT_OBJ),,$(B)/obj/format/error.o)

$(B)/lance.so: $(B)/obj/ext/lance.o $(B)/libext.a $(B)/liblanceformat.a
	$(CC) $(CFLAGS) -shared -o $@ $< $(B)/libext.a $(B)/liblanceformat.a $(LDLIBS) \
	  -Wl,--exclude-libs,ALL

$(B)/lance-dump: $(B)/obj/tools/lance_dump.o $(B)/obj/tools/json_out.o $(B)/obj/tools/fts_dump.o \
                 $(B)/liblanceformat.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/test/%: test/unit/%.c $(B)/libext.a $(B)/liblanceformat.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-unused-parameter -Itest/unit -o $@ $< $(B)/libext.a \
	  $(B)/liblanceformat.a $(TESTLIBS) $(LDLIBS)

# Fuzz targets replay their corpus without libFuzzer (test/fuzz/replay.c).  The
# SQLite-free parsers of ext/ (FUZZ_EXT: full-text queries, tokenizer options,
# USING lance(...) arguments) are linked into every target too.
FUZZ_EXT := ext/fts/query.c ext/fts/tok_options.c ext/vtab/args.c ext/vtab/perm_options.c \
            ext/vtab/opts.c ext/vtab/matview_sql.c
$(B)/replay/%: test/fuzz/%.c test/fuzz/replay.c $(FUZZ_EXT) $(B)/liblanceformat.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< test/fuzz/replay.c $(FUZZ_EXT) $(B)/liblanceformat.a $(LDLIBS)

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

replay: $(REPLAY_BIN)
	@set -e; for t in $(REPLAY_BIN); do n=$$(basename $$t); \
	  $$t test/fuzz/corpus/$$n; done

symbols: $(B)/lance.so
	@test/check_symbols.sh $(B)/lance.so

interop: all $(B)/commit-tool $(B)/tok-tool $(B)/fts-tool
	@$(INTEROP_ENV) test/interop/run.sh $(B)/lance-dump
	@test/interop/commit_run.sh $(B)/commit-tool
	@$(INTEROP_ENV) test/interop/fts_run.sh $(B)

# The interop driver of the FTS index reader and of full-text search
# (test/interop/fts_tool.c; only ext/fts/ is taken from libext.a: no SQLite).
$(B)/fts-tool: test/interop/fts_tool.c $(B)/libext.a $(B)/liblanceformat.a
	$(CC) $(CFLAGS) -o $@ $< $(B)/libext.a $(B)/liblanceformat.a $(LDLIBS)

# The interop driver of lf_commit and tags (test/interop/commit_tool.c).
$(B)/commit-tool: test/interop/commit_tool.c $(B)/liblanceformat.a
	$(CC) $(CFLAGS) -o $@ $< $(B)/liblanceformat.a $(LDLIBS)

# The interop driver of the full-text tokenizers (test/interop/tok_tool.c).
$(B)/tok-tool: test/interop/tok_tool.c $(B)/obj/tools/json_out.o $(B)/liblanceformat.a
	$(CC) $(CFLAGS) -o $@ $< $(B)/obj/tools/json_out.o $(B)/liblanceformat.a $(LDLIBS)

# Under sanitizers the extension is loaded into a plain sqlite3 shell, so the
# sanitizer runtimes must be preloaded (and the shell's own leaks ignored).
SQL_ENV ?=
# Random transaction scripts run against a native table (test_txn_oracle.py), x2
# (with and without stable row ids).
TXN_SEEDS ?= 100
sql: all
	@$(SQL_ENV) test/sql/run.sh $(B)

# Debian's python3 (/usr/bin/python3, with python3-torch), never a pyenv or venv python3
# that may come first in PATH: test_train.py needs Debian's torch and pip.
python: all
	@$(SQL_ENV) /usr/bin/python3 test/python/test_vtab.py $(B)
	@$(SQL_ENV) /usr/bin/python3 test/python/test_txn_oracle.py $(B) $(TXN_SEEDS)
	@$(SQL_ENV) /usr/bin/python3 test/python/test_evolve.py $(B)
	@$(SQL_ENV) /usr/bin/python3 test/python/test_train.py $(B)

demo-check: all
	@$(SQL_ENV) B=$(B) demo/run.sh --check

# The README's two commands install what they need first (DEPS=0 skips the check).
DEPS ?= 1
deps:
	@if [ "$(DEPS)" = 1 ]; then scripts/install-deps.sh test; fi

test: deps
	@$(MAKE) --no-print-directory DEPS=0 test-suites

test-suites: all symbols unit replay sql python demo-check interop
	@echo "make test: all suites passed"

ASAN_PRELOAD = $(shell $(CC) -print-file-name=libasan.so) $(shell $(CC) -print-file-name=libubsan.so)
asan:
	$(MAKE) B=build-asan OPT=-O1 SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  SQL_ENV='LD_PRELOAD="$(ASAN_PRELOAD)" ASAN_OPTIONS=detect_leaks=0' INTEROP_ENV=INTEROP_REUSE=1 test

FUZZ_CFLAGS = -std=c11 -O1 -g -Iformat -Iext -D_DEFAULT_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
fuzz: $(FUZZ_SRC:test/fuzz/%.c=$(B)/fuzz/%)
$(B)/fuzz/%: test/fuzz/%.c $(FORMAT_SRC) $(FUZZ_EXT)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FORMAT_SRC) $(FUZZ_EXT) $(LDLIBS)

# demo/README.md: LanceDB writes demo/out/scenes.lance, sqlite3 runs demo/demo.sql
demo:
	@if [ "$(DEPS)" = 1 ]; then scripts/install-deps.sh demo; fi
	@$(MAKE) --no-print-directory B=$(B) all
	@B=$(B) demo/run.sh

bench-decode:
	@B=$(B) bench/decode/run.sh

bench-scan:
	@B=$(B) bench/scan/run.sh

bench-knn:
	@B=$(B) bench/knn/run.sh

bench-rowid:
	@B=$(B) bench/rowid/run.sh

bench-s3: all
	@B=$(B) bench/s3/run.sh
bench-train:
	@B=$(B) bench/train/run.sh

clean:
	rm -rf build build-asan

.PHONY: all deps test-suites sql python demo-check unit replay symbols interop test asan fuzz demo bench-decode bench-scan bench-knn bench-rowid bench-s3 bench-train clean
.SECONDARY:
