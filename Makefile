# Qilian front door. `make run` and `make test` do all set-up on a fresh Debian machine.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
DEMO_DB    ?= qilian-demo.db
LISTEN     ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 20
CMAKE_FLAGS ?=

.PHONY: all deps build run demo test layers unit api api-sqlite api-pg cluster e2e asan fuzz fuzz-short bench format lint clean

all: build

deps:
	@scripts/bootstrap

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@test -f $(DEMO_DB) || scripts/demo-data $(BUILD)/qilian $(DEMO_DB)

run: demo
	$(BUILD)/qilian serve --db $(DEMO_DB) --listen $(LISTEN) --web web

# Everything: the layering check, unit tests, API tests, browser tests, then unit + API under ASan/UBSan,
# then short fuzzing.
test: deps
	$(MAKE) layers
	$(MAKE) build CMAKE_FLAGS="-DQILIAN_WERROR=ON"
	$(MAKE) unit api cluster e2e
	$(MAKE) asan
	$(MAKE) fuzz-short

unit:
	cd $(BUILD) && ctest --output-on-failure

# The API suite twice: on SQLite, then on a throw-away PostgreSQL 15 cluster (tests/pg/run-api,
# which also runs the driver's own unit test test_store_pg on that cluster).
api: api-sqlite api-pg

# Each test file's servers start from a copy of one demo database, built once per run by the
# binary under test (tests/lib/server.mjs reads QILIAN_TEST_DEMO_DB; without it, once per file).
demo-template = rm -f $(1) && scripts/demo-data $(2) $(1) >/dev/null

api-sqlite:
	$(call demo-template,$(abspath $(BUILD))/test-demo.db,$(abspath $(BUILD))/qilian)
	QILIAN_TEST_DEMO_DB=$(abspath $(BUILD))/test-demo.db QILIAN_BIN=$(abspath $(BUILD))/qilian \
	  node --test --test-concurrency=1 tests/api/

api-pg:
	tests/pg/run-api $(abspath $(BUILD))/qilian

# Several servers on one PostgreSQL primary with a streaming standby, behind haproxy, one
# server killed mid-load (tests/cluster/run; docs/operations.md).
cluster:
	tests/cluster/run $(abspath $(BUILD))/qilian

e2e:
	$(call demo-template,$(abspath $(BUILD))/test-demo.db,$(abspath $(BUILD))/qilian)
	QILIAN_TEST_DEMO_DB=$(abspath $(BUILD))/test-demo.db QILIAN_BIN=$(abspath $(BUILD))/qilian \
	  node --test --test-concurrency=1 tests/e2e/

asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DQILIAN_SANITIZE=ON -DQILIAN_WERROR=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure
	$(call demo-template,$(abspath $(ASAN_BUILD))/test-demo.db,$(abspath $(ASAN_BUILD))/qilian)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  QILIAN_TEST_DEMO_DB=$(abspath $(ASAN_BUILD))/test-demo.db \
	  QILIAN_BIN=$(abspath $(ASAN_BUILD))/qilian QILIAN_SANITIZED=1 node --test --test-concurrency=1 tests/api/

$(FUZZ_BUILD)/.built: deps
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQILIAN_FUZZ=ON -DQILIAN_TESTS=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

fuzz-short:
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQILIAN_FUZZ=ON -DQILIAN_TESTS=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	tests/fuzz/run $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz:
	$(MAKE) fuzz-short FUZZ_SECONDS=600

bench: build
	scripts/bootstrap --bench
	bench/run-all $(BUILD)/qilian

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c')

# The layering of docs/architecture.md (base <- store <- platform/text <- registry <- chains <- http <- cli),
# and the checker's own tests (it must fail on a wrong include).
layers:
	node scripts/check-layers.mjs
	node --test tests/lint/

lint: build layers
	cppcheck --quiet --inline-suppr --enable=warning,performance,portability --error-exitcode=1 -I src src

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
