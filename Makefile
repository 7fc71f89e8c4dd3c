# pyctd — build, test, benchmark, install and package. `make` publishes the Native AOT binary to out/pyctd;
# `make RID=linux-arm64` cross-compiles the arm64 one to out/linux-arm64/pyctd (and `make RID=linux-arm64 deb rpm`
# packages it).
DOTNET ?= dotnet
CONFIG ?= Release
# Not obj/ and bin/: a build for the other RID rewrites the generated .cs files there.
SOURCES := $(shell find Pyctd \( -path Pyctd/obj -o -path Pyctd/bin \) -prune -o \( -name '*.cs' -o -name '*.csproj' \) -print) Directory.Build.props global.json
SOURCES += $(shell find Pyctd/Serve/WebConsole/wwwroot -type f) Pyctd/startup.order

# The one version number: <Version> in Directory.Build.props, which `pyctd --version` prints.
# The tarball, the RPM (rpmbuild --define), the .deb and the man page check all take it from there.
VERSION := $(shell sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)
MAINTAINER := pyctd maintainers <maintainers@pyctd.invalid>

# Where `make install` puts things; DESTDIR is prepended to each. The unit goes to
# $(PREFIX)/lib/systemd/system, which systemd searches for /usr/local and /usr alike.
# The configuration is always /etc/pyctd: that is where pyctd and the unit look for it.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
CONFDIR := /etc/pyctd
# /etc/pam.d/pyctd for serve --auth pam: Debian's common-* stacks or Red Hat's password-auth.
PAMDIR := /etc/pam.d
PAM_FLAVOUR ?= $(if $(wildcard /etc/pam.d/common-auth),debian,redhat)

DIST_TARBALL := dist/pyctd-$(VERSION).tar.gz
# The target: linux-x64 (the default, whatever machine builds it) at out/pyctd, where every script
# and test looks, or linux-arm64 at out/linux-arm64/pyctd, cross-compiled on an x64 machine by
# clang --target=aarch64-linux-gnu and lld against Debian's aarch64 cross libc
# (scripts/install-deps --cross); the ILCompiler and runtime packs for arm64 come from NuGet.
RID ?= linux-x64
ifeq ($(RID),linux-x64)
BIN := out/pyctd
DEB_ARCH := amd64
RPM_ARCH := x86_64
else ifeq ($(RID),linux-arm64)
BIN := out/linux-arm64/pyctd
DEB_ARCH := arm64
RPM_ARCH := aarch64
PUBLISH_FLAGS := -p:LinkerFlavor=lld -p:ObjCopyName=aarch64-linux-gnu-objcopy
else
$(error RID=$(RID): pyctd builds for linux-x64 or linux-arm64)
endif
DEB_FILE := dist/pyctd_$(VERSION)_$(DEB_ARCH).deb
DEB_WORK := dist/deb-build
DEB_ROOT := $(DEB_WORK)/debian/pyctd
RPM_TOPDIR := $(CURDIR)/dist/rpmbuild
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)

.PHONY: all run deps test test-arm64 lint format bench bench-footprint order-file clean install uninstall dist rpm deb version check-version

all: $(BIN)

$(BIN): $(SOURCES)
	$(DOTNET) publish Pyctd -c $(CONFIG) -r $(RID) -o $(dir $(BIN)) --nologo $(PUBLISH_FLAGS)
	@rm -f $(BIN).dbg

# The README's first command: install what is missing, build, and run the main job (a demo on a lab namespace).
run: deps all
	scripts/demo

deps:
	scripts/install-deps

# Every test, unit and live-kernel (needs root), against the AOT binary.
test: deps all
	scripts/run-tests

# The arm64 build's tests (CI runs them): offline ones under qemu-aarch64-static, then the live one
# on Debian's arm64 kernel in qemu-system-aarch64 (scripts/arm64-user-test, scripts/arm64-vm-test).
test-arm64:
	scripts/install-deps --cross
	$(MAKE) --no-print-directory RID=linux-arm64 all
	scripts/arm64-user-test out/linux-arm64/pyctd
	scripts/arm64-vm-test out/linux-arm64/pyctd

# The house style (.editorconfig) and the analyzers (AnalysisLevel latest-recommended), product and
# tests. lint fails on any finding: an analyzer or code-style error in the build, or a change
# `dotnet format` would make (including IDE0001/IDE0002, which only dotnet format reports). The
# build restores first, so dotnet format runs --no-restore: offline, from the packages the build used.
lint:
	$(DOTNET) build Pyctd.sln -c $(CONFIG) --nologo
	$(DOTNET) format Pyctd.sln --verify-no-changes --no-restore

# Rewrites the sources to the house style: whitespace, code style and analyzer fixes.
format:
	$(DOTNET) restore Pyctd.sln
	$(DOTNET) format Pyctd.sln --no-restore

# 200,000-flow benchmark against conntrack -L (needs root).
bench: deps all
	scripts/bench-list

# Binary size, peak RSS of --version and of list on 10 entries, list -c against conntrack -C,
# idle serve (needs root; see docs/benchmarks.md).
bench-footprint: deps all
	scripts/bench-footprint

# Rewrites Pyctd/startup.order, the layout of the methods common commands run (needs root and
# valgrind; rerun after changing what they run, then rebuild).
order-file:
	scripts/make-order-file

version:
	@echo $(VERSION)

# The man page's title line and the newest changelog entry (pyctd.spec's %changelog, which the
# .deb's changelog is made from) must carry the build's version.
check-version:
	@test -n "$(VERSION)" || { echo "make: no <Version> in Directory.Build.props" >&2; exit 1; }
	@grep -q '^\.TH PYCTD 8 [^ ]* "pyctd $(VERSION)"' man/pyctd.8 || \
		{ echo "make: man/pyctd.8: the .TH line does not say \"pyctd $(VERSION)\" (Directory.Build.props)" >&2; exit 1; }
	@sed -n '/^%changelog/,$$p' pyctd.spec | grep -m1 '^\* ' | grep -q ' - $(VERSION)-[0-9]*$$' || \
		{ echo "make: pyctd.spec: the newest %changelog entry is not for $(VERSION) (Directory.Build.props)" >&2; exit 1; }

# Binary, man page, systemd unit (ExecStart pointed at SBINDIR), sysusers.d entry, bash completion,
# and /etc/pyctd/pyctd.conf unless one exists. Installing to the live system (no DESTDIR) also
# creates the user pyctd and reloads systemd; neither enables nor starts the service.
install: $(BIN)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(CONFDIR) $(DESTDIR)$(PAMDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/pyctd
	install -m 0644 man/pyctd.8 $(DESTDIR)$(MANDIR)/man8/pyctd.8
	sed 's|/usr/sbin/pyctd|$(SBINDIR)/pyctd|' packaging/pyctd.service > $(DESTDIR)$(UNITDIR)/pyctd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/pyctd.service
	install -m 0644 packaging/pyctd.sysusers $(DESTDIR)$(SYSUSERSDIR)/pyctd.conf
	install -m 0644 packaging/pyctd.bash-completion $(DESTDIR)$(BASHCOMPDIR)/pyctd
	@if [ -e $(DESTDIR)$(CONFDIR)/pyctd.conf ]; then \
		echo "install: keeping the existing $(DESTDIR)$(CONFDIR)/pyctd.conf"; \
	else \
		echo "install -m 0644 packaging/pyctd.conf $(DESTDIR)$(CONFDIR)/pyctd.conf"; \
		install -m 0644 packaging/pyctd.conf $(DESTDIR)$(CONFDIR)/pyctd.conf; \
	fi
	@if [ -e $(DESTDIR)$(PAMDIR)/pyctd ]; then \
		echo "install: keeping the existing $(DESTDIR)$(PAMDIR)/pyctd"; \
	else \
		echo "install -m 0644 packaging/pam/pyctd.$(PAM_FLAVOUR) $(DESTDIR)$(PAMDIR)/pyctd"; \
		install -m 0644 packaging/pam/pyctd.$(PAM_FLAVOUR) $(DESTDIR)$(PAMDIR)/pyctd; \
	fi
ifeq ($(DESTDIR),)
	@if command -v systemd-sysusers >/dev/null 2>&1; then \
		systemd-sysusers $(SYSUSERSDIR)/pyctd.conf; \
	elif ! getent passwd pyctd >/dev/null; then \
		echo "install: create the system user pyctd (see $(SYSUSERSDIR)/pyctd.conf) before starting pyctd.service"; \
	fi
	@if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
endif

# Removes what install put there. /etc/pyctd/pyctd.conf goes only if it is unchanged;
# /etc/pyctd/users and the user pyctd stay.
uninstall:
ifeq ($(DESTDIR),)
	@if [ -d /run/systemd/system ]; then systemctl disable --now pyctd.service 2>/dev/null || true; fi
endif
	rm -f $(DESTDIR)$(SBINDIR)/pyctd $(DESTDIR)$(MANDIR)/man8/pyctd.8 $(DESTDIR)$(UNITDIR)/pyctd.service \
		$(DESTDIR)$(SYSUSERSDIR)/pyctd.conf $(DESTDIR)$(BASHCOMPDIR)/pyctd
	@if cmp -s packaging/pyctd.conf $(DESTDIR)$(CONFDIR)/pyctd.conf; then \
		echo "rm -f $(DESTDIR)$(CONFDIR)/pyctd.conf"; rm -f $(DESTDIR)$(CONFDIR)/pyctd.conf; \
	elif [ -e $(DESTDIR)$(CONFDIR)/pyctd.conf ]; then \
		echo "uninstall: keeping the changed $(DESTDIR)$(CONFDIR)/pyctd.conf"; \
	fi
	@if cmp -s packaging/pam/pyctd.$(PAM_FLAVOUR) $(DESTDIR)$(PAMDIR)/pyctd; then \
		echo "rm -f $(DESTDIR)$(PAMDIR)/pyctd"; rm -f $(DESTDIR)$(PAMDIR)/pyctd; \
	fi
	@rmdir $(DESTDIR)$(CONFDIR) 2>/dev/null || true
ifeq ($(DESTDIR),)
	@if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
endif

# Source tarball of the checkout as it is: tracked files plus new ones that .gitignore does not
# exclude (so uncommitted work is packaged as it will be built), owner root, times of the last commit.
dist: check-version
	@command -v git >/dev/null && git rev-parse --is-inside-work-tree >/dev/null 2>&1 || \
		{ echo "make dist: needs a git checkout" >&2; exit 1; }
	@mkdir -p dist
	git ls-files -z --cached --others --exclude-standard \
		| xargs -0 sh -c 'for f; do [ -f "$$f" ] && printf "%s\0" "$$f"; done' sh \
		| tar --null --files-from=- --sort=name --owner=0 --group=0 --numeric-owner \
			--mtime=@$(SOURCE_DATE_EPOCH) --transform 's,^,pyctd-$(VERSION)/,S' -cf - \
		| gzip -9n > $(DIST_TARBALL)
	@echo "dist: $(DIST_TARBALL)"

# Binary RPM from the tarball and pyctd.spec, packaging the $(BIN) built here (see pyctd.spec),
# for $(RPM_ARCH) (--target). Needs rpmbuild: Debian/Ubuntu `apt-get install rpm`, Fedora `dnf install rpm-build`. rpm's
# brp-compress (which gzips the man page) needs bash, not Debian's /bin/sh (dash).
rpm: dist $(BIN)
	@command -v rpmbuild >/dev/null || { echo "make rpm: needs rpmbuild (Debian/Ubuntu: apt-get install rpm)" >&2; exit 1; }
	rm -rf $(RPM_TOPDIR)
	mkdir -p $(RPM_TOPDIR)/SOURCES
	cp $(DIST_TARBALL) $(RPM_TOPDIR)/SOURCES/
	rpmbuild -bb --quiet --target $(RPM_ARCH) --define "_topdir $(RPM_TOPDIR)" --define "version $(VERSION)" \
		--define "prebuilt_binary $(CURDIR)/$(BIN)" --define "__brp_compress bash %{_rpmconfigdir}/brp-compress %{_prefix}" pyctd.spec
	cp $(RPM_TOPDIR)/RPMS/$(RPM_ARCH)/pyctd-$(VERSION)-*.$(RPM_ARCH).rpm dist/
	rm -rf $(RPM_TOPDIR)
	@ls dist/pyctd-$(VERSION)-*.$(RPM_ARCH).rpm

# Debian package with dpkg-deb: `make install` into a staging tree laid out as debhelper does
# (so dpkg-shlibdeps computes the libc6 dependency), maintainer scripts, conffiles, md5sums,
# a DEP-5 copyright file and a changelog made from pyctd.spec's.
# Needs dpkg-dev (dpkg-shlibdeps).
deb: $(BIN) check-version
	@command -v dpkg-shlibdeps >/dev/null || { echo "make deb: needs dpkg-shlibdeps (apt-get install dpkg-dev)" >&2; exit 1; }
	rm -rf $(DEB_WORK)
	$(MAKE) --no-print-directory install RID=$(RID) DESTDIR=$(CURDIR)/$(DEB_ROOT) PREFIX=/usr PAM_FLAVOUR=debian \
		UNITDIR=/usr/lib/systemd/system SYSUSERSDIR=/usr/lib/sysusers.d \
		BASHCOMPDIR=/usr/share/bash-completion/completions
	gzip -9n $(DEB_ROOT)/usr/share/man/man8/pyctd.8
	install -d $(DEB_ROOT)/usr/share/doc/pyctd $(DEB_ROOT)/DEBIAN
	sed 's|@MAINTAINER@|$(MAINTAINER)|' packaging/deb/copyright.in > $(DEB_ROOT)/usr/share/doc/pyctd/copyright
	gzip -9n < README.md > $(DEB_ROOT)/usr/share/doc/pyctd/README.md.gz
	packaging/deb/changelog-from-spec pyctd.spec | gzip -9n > $(DEB_ROOT)/usr/share/doc/pyctd/changelog.gz
	install -D -m 0644 packaging/deb/lintian-overrides $(DEB_ROOT)/usr/share/lintian/overrides/pyctd
	install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm $(DEB_ROOT)/DEBIAN/
	printf '%s\n' $(CONFDIR)/pyctd.conf $(PAMDIR)/pyctd > $(DEB_ROOT)/DEBIAN/conffiles
	printf 'Source: pyctd\n\nPackage: pyctd\nArchitecture: any\n' > $(DEB_WORK)/debian/control
ifeq ($(DEB_ARCH),$(shell dpkg --print-architecture 2>/dev/null))
	cd $(DEB_WORK) && dpkg-shlibdeps -O debian/pyctd/usr/sbin/pyctd | sed -n 's/^shlibs:Depends=//p' > shlibs
else
	@# Cross-built: dpkg-shlibdeps would need the target's libc6 installed. The newest GLIBC_ symbol
	@# version the binary needs is what it derives from libc6's symbols file (libm is in libc6 too).
	readelf -V $(DEB_ROOT)/usr/sbin/pyctd | grep -o 'GLIBC_[0-9.]*' | sort -Vu | tail -n 1 | sed 's/GLIBC_\(.*\)/libc6 (>= \1)/' > $(DEB_WORK)/shlibs
endif
	sed -e 's|@VERSION@|$(VERSION)|' -e 's|@ARCH@|$(DEB_ARCH)|' -e 's|@MAINTAINER@|$(MAINTAINER)|' \
		-e "s|@SHLIBS@|$$(cat $(DEB_WORK)/shlibs)|" \
		-e "s|@INSTALLED_SIZE@|$$(du -sk --exclude=DEBIAN $(DEB_ROOT) | cut -f1)|" \
		packaging/deb/control.in > $(DEB_ROOT)/DEBIAN/control
	cd $(DEB_ROOT) && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum > DEBIAN/md5sums
	chmod 0644 $(DEB_ROOT)/DEBIAN/control $(DEB_ROOT)/DEBIAN/conffiles $(DEB_ROOT)/DEBIAN/md5sums \
		$(DEB_ROOT)/usr/share/doc/pyctd/*
	dpkg-deb --root-owner-group -Zxz --build $(DEB_ROOT) $(DEB_FILE)
	rm -rf $(DEB_WORK)

clean:
	rm -rf out dist Pyctd/bin Pyctd/obj Pyctd.Tests/bin Pyctd.Tests/obj
