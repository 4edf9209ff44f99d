# The README's two commands: `make sandbox` and `make test`. Both set up what a fresh Debian 12
# machine lacks (scripts/install-deps, npm ci), build, then run.
BUILD_DIR ?= build
# scripts/install-deps puts Node.js 24 in /usr/local/bin when the machine's Node is older: make
# sure that one is found first, whatever the caller's PATH.
export PATH := /usr/local/bin:$(PATH)
JOBS ?= $(shell nproc)

.PHONY: all deps build build-asan build-tsan sandbox test test-asan test-tsan unit-test api-test clean

all: build

deps:
	scripts/install-deps

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

sandbox: build
	$(BUILD_DIR)/cognate sandbox

# npm ci only when a lock file changed since the last install.
NPM_DIRS = tests/api tests/browser examples/react-authenticator examples/workshop-app
NPM_STAMPS = $(addsuffix /node_modules/.package-lock.json,$(NPM_DIRS))

%/node_modules/.package-lock.json: %/package-lock.json
	cd $* && npm ci --no-audit --no-fund
	touch $@

# Every suite against the plain build, then the unit and API suites again against a build with
# AddressSanitizer + UndefinedBehaviorSanitizer (any report fails the run).
test: build build-asan $(NPM_STAMPS)
	scripts/run-tests $(BUILD_DIR) --sanitized-too $(ASAN_DIR)

# Cognate built with AddressSanitizer + UndefinedBehaviorSanitizer in its own build folder. -O1
# and line tables only (-g1): half the compile time of -O2 -g, and stack traces still name lines.
ASAN_DIR ?= build-asan
SANITIZE = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

$(ASAN_DIR)/build.ninja: CMakeLists.txt Makefile
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=None \
	  "-DCMAKE_CXX_FLAGS=-O1 -g1 $(SANITIZE)" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined"

build-asan: deps $(ASAN_DIR)/build.ninja
	cmake --build $(ASAN_DIR) -j $(JOBS) --target cognate unit_tests

# The sanitized build through the unit, API and AWS CLI suites (make test runs the first two).
test-asan: build-asan $(NPM_STAMPS)
	scripts/run-tests --sanitized $(ASAN_DIR)

# ThreadSanitizer: its own build, the unit, API and AWS CLI suites; any data race or lock-order
# report fails the run. Not part of `make test` (another full build); docs/security.md records
# its result.
TSAN_DIR ?= build-tsan

$(TSAN_DIR)/build.ninja: CMakeLists.txt Makefile
	cmake -S . -B $(TSAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=None \
	  "-DCMAKE_CXX_FLAGS=-O1 -g1 -fsanitize=thread" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread"

build-tsan: deps $(TSAN_DIR)/build.ninja
	cmake --build $(TSAN_DIR) -j $(JOBS) --target cognate unit_tests

test-tsan: build-tsan $(NPM_STAMPS)
	scripts/run-tests --sanitized $(TSAN_DIR)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(TSAN_DIR)
