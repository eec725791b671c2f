# fangkong — the front door. `make run` sets up everything and starts the server;
# `make test` runs every test. Both work on a fresh Debian 12 machine (scripts/deps.sh
# installs what is missing). The real build is Meson (meson.build).

BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
DB         ?= var/fangkong.db
COUNTY     ?= 320481
LISTEN     ?= 127.0.0.1:8080

WEB_SRC := $(shell find web/src web/index.html web/vite.config.* web/package.json web/public -type f 2>/dev/null)

.PHONY: all deps web build asan tsan tsan-build run test unit clean bench fuzz format

all: build

deps:
	@scripts/deps.sh

# The console is rebuilt only when its sources change.
web/dist/index.html: $(WEB_SRC) web/package-lock.json
	cd web && npm run build --silent
	@touch $@

web: deps web/dist/index.html

define meson_build
	@node tools/embed.mjs $(1)/gen/assets.c web/dist
	@[ -f $(1)/build.ninja ] || meson setup $(1) $(2) -Dassets_c=$(CURDIR)/$(1)/gen/assets.c
	@ninja -C $(1) --quiet
endef

build: web
	$(call meson_build,$(BUILD),--buildtype=debugoptimized)

comma := ,
asan: web
	$(call meson_build,$(ASAN_BUILD),--buildtype=debug -Db_sanitize=address$(comma)undefined -Db_lundef=false)

# ThreadSanitizer cannot share a build with ASan: its own build, optimised as TSan advises.
tsan-build: web
	$(call meson_build,$(TSAN_BUILD),--buildtype=debugoptimized -Db_sanitize=thread -Db_lundef=false)

# The unit tests and the API suite under ThreadSanitizer (tests/run.sh tsan).
tsan: tsan-build
	@TSAN_BUILD=$(TSAN_BUILD) tests/run.sh tsan

run: build
	@mkdir -p $(dir $(DB))
	@if [ ! -f $(DB) ]; then \
	  $(BUILD)/fangkong init --db $(DB) --county $(COUNTY) && \
	  echo "== first start: the admin account / 首次启动：管理员账号 ==" && \
	  echo "username / 用户名: admin" && \
	  $(BUILD)/fangkong user add --db $(DB) --username admin --role admin --area $(COUNTY) \
	    --name 管理员 --generate-password | grep 'initial password' && \
	  echo "(shown once: change it at first login / 仅显示一次，首次登录须修改)"; \
	fi
	$(BUILD)/fangkong serve --db $(DB) --listen $(LISTEN)

test: build asan tsan-build
	@TSAN_BUILD=$(TSAN_BUILD) tests/run.sh

unit: build
	@meson test -C $(BUILD) --suite unit --print-errorlogs

bench: build
	@scripts/deps.sh --bench
	@bench/run.sh

fuzz:
	@tests/fuzz/run.sh $(SECONDS)

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) build-fuzz web/dist
