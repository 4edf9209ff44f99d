# The README's two commands: `make sandbox` and `make test`. Both set up what a fresh Debian 12
# machine lacks (scripts/install-deps, npm ci), build, then run.
BUILD_DIR ?= build
# scripts/install-deps puts Node.js 24 in /usr/local/bin when the machine's Node is older: make
# sure that one is found first, whatever the caller's PATH.
export PATH := /usr/local/bin:$(PATH)
JOBS ?= $(shell nproc)

.PHONY: all deps build sandbox test test-asan unit-test api-test clean

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

test: build $(NPM_STAMPS)
	scripts/run-tests $(BUILD_DIR)

# Cognate built with AddressSanitizer + UndefinedBehaviorSanitizer (its own build folder), and
# the unit, API and CLI suites run against it; any sanitizer report fails the run.
ASAN_DIR ?= build-asan
SANITIZE = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

$(ASAN_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS=$(SANITIZE)" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined"

test-asan: deps $(ASAN_DIR)/build.ninja $(NPM_STAMPS)
	cmake --build $(ASAN_DIR) -j $(JOBS) --target cognate unit_tests
	scripts/run-tests --sanitized $(ASAN_DIR)

clean:
	rm -rf $(BUILD_DIR)
