# The README's two commands: `make sandbox` and `make test`. Both set up what a fresh Debian 12
# machine lacks (scripts/install-deps, npm ci), build, then run.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps build sandbox test unit-test api-test clean

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

clean:
	rm -rf $(BUILD_DIR)
