# SPDX-License-Identifier: MIT
#
# MeMS top-level Makefile, in the manner of kbuild.
#
# One non-recursive make reads each directory's fragment (obj-y, obj-m
# style lists gated by CONFIG_ symbols), so -j sees the whole graph.
# O=dir puts everything generated, .config included, under dir.
# `make help` lists the targets.

MAKEFLAGS += --no-print-directory -rR
.SUFFIXES:
.DELETE_ON_ERROR:

srctree := $(realpath $(dir $(lastword $(MAKEFILE_LIST))))
ifeq ($(O),)
objtree := $(srctree)
else
objtree := $(shell mkdir -p '$(O)' && cd '$(O)' && pwd)
endif
export srctree objtree

ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-7s %s\n'
endif
# make -s: silent, as kbuild is, kconfig's chatter included.
ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
quiet = @:
silent-out := >/dev/null
endif

comma := ,
space := $(subst ,, )

VERSION := 0.2.0
SOVERSION := 0

# ---------------------------------------------------------------------------
# Configuration

KCONFIG_CONFIG ?= $(objtree)/.config
export KCONFIG_CONFIG
Kconfig := $(srctree)/Kconfig
kconfig-env = cd '$(objtree)' && srctree='$(srctree)' \
	KCONFIG_CONFIG='$(KCONFIG_CONFIG)' \
	KCONFIG_AUTOCONFIG=include/config/auto.conf \
	KCONFIG_AUTOHEADER=include/generated/autoconf.h
need = $(Q)$(srctree)/scripts/need-tool
kconfig-sources := $(shell find '$(srctree)' -name Kconfig -not -path '*/.git/*')

config-targets := config menuconfig oldconfig olddefconfig defconfig \
	savedefconfig randconfig allyesconfig allnoconfig %_defconfig
no-config-targets := $(config-targets) help clean mrproper distclean check \
	check-quick fuzz randcheck htmldocs
build-goals := $(filter-out $(no-config-targets),$(MAKECMDGOALS))
config-goals := $(filter $(config-targets),$(MAKECMDGOALS))

# `make defconfig run` runs one goal at a time, like the kernel does.
ifneq ($(build-goals),)
ifneq ($(config-goals),)
mixed-goals := 1
endif
endif

ifdef mixed-goals
$(MAKECMDGOALS): __sequential
	@:
__sequential:
	$(Q)set -e; for goal in $(MAKECMDGOALS); do \
		$(MAKE) -f $(srctree)/Makefile $$goal; done
.PHONY: __sequential
else

.DEFAULT_GOAL := all

ifneq ($(filter-out $(no-config-targets),$(or $(MAKECMDGOALS),all)),)
# Building needs a configuration: start from defconfig when there is none.
-include $(objtree)/include/config/auto.conf
$(KCONFIG_CONFIG):
	$(need) kconfig-conf kconfig-frontends-nox
	@$(if $(silent-out),:,echo "  no .config yet: using configs/defconfig")
	$(Q)$(kconfig-env) kconfig-conf --defconfig=$(srctree)/configs/defconfig \
		$(Kconfig) >/dev/null
endif

# olddefconfig first: silentoldconfig would stop to ask about new symbols.
$(objtree)/include/config/auto.conf: $(KCONFIG_CONFIG) $(kconfig-sources)
	$(need) kconfig-conf kconfig-frontends-nox
	$(quiet) CONF include/generated/autoconf.h
	$(Q)mkdir -p $(objtree)/include/config $(objtree)/include/generated
	$(Q)$(kconfig-env) kconfig-conf --olddefconfig $(Kconfig) >/dev/null
	$(Q)$(kconfig-env) kconfig-conf --silentoldconfig $(Kconfig)
	$(Q)touch $@ $(objtree)/include/generated/autoconf.h

# Written with auto.conf; objects depend on it only for order (fixdep
# tracks the symbols), so bringing its time stamp level costs nothing.
$(objtree)/include/generated/autoconf.h: $(objtree)/include/config/auto.conf
	@touch $@

# X_defconfig for each entry MEMS_POLICY_X of the default-policy choice:
# defconfig with that policy chosen, so that a new policy needs no file
# in configs/.  Any other name is a file in configs/.
policy-defconfigs := $(shell sed -n '/^choice/,/^endchoice/ \
	s/^config MEMS_POLICY_\(.*\)/\1_defconfig/p' \
	'$(srctree)/policy/Kconfig' | tr A-Z a-z)

defconfig-file = $(strip $(if $(filter $@,$(policy-defconfigs)),\
	$(objtree)/include/config/$@,$(srctree)/configs/$@))

%_defconfig:
	$(need) kconfig-conf kconfig-frontends-nox
	$(Q)$(if $(filter $@,$(policy-defconfigs)),\
		mkdir -p $(objtree)/include/config && \
		{ cat $(srctree)/configs/defconfig; \
		  echo 'CONFIG_MEMS_POLICY_$(shell echo '$*' | tr a-z A-Z)=y'; } \
		> $(defconfig-file),\
		test -f $(defconfig-file) || \
		{ echo "no such configuration: configs/$@" >&2; exit 1; })
	$(Q)$(kconfig-env) kconfig-conf --defconfig=$(defconfig-file) \
		$(Kconfig) $(silent-out)

defconfig: $(srctree)/configs/defconfig
	$(need) kconfig-conf kconfig-frontends-nox
	$(Q)$(kconfig-env) kconfig-conf --defconfig=$< $(Kconfig) $(silent-out)

olddefconfig allyesconfig allnoconfig randconfig:
	$(need) kconfig-conf kconfig-frontends-nox
	$(Q)$(kconfig-env) kconfig-conf --$@ $(Kconfig) $(silent-out)

# Asks about new symbols, so its output always shows.
oldconfig:
	$(need) kconfig-conf kconfig-frontends-nox
	$(Q)$(kconfig-env) kconfig-conf --$@ $(Kconfig)

config: oldconfig

savedefconfig:
	$(need) kconfig-conf kconfig-frontends-nox
	$(Q)$(kconfig-env) kconfig-conf --savedefconfig=defconfig $(Kconfig) \
		$(silent-out)

menuconfig:
	$(need) kconfig-mconf kconfig-frontends-nox
	$(Q)$(kconfig-env) kconfig-mconf $(Kconfig)

.PHONY: config menuconfig oldconfig olddefconfig defconfig savedefconfig \
	randconfig allyesconfig allnoconfig

# ---------------------------------------------------------------------------
# Build

ARCH ?= $(shell uname -m)
SRCARCH := $(patsubst x86_64,x86,$(patsubst i%86,x86,$(patsubst aarch64,arm64,$(ARCH))))
ifeq ($(wildcard $(srctree)/arch/$(SRCARCH)/include/asm/page.h),)
SRCARCH := generic
endif

CC ?= cc
AR ?= ar
ifeq ($(origin CC),default)
CC := cc
endif
ifeq ($(origin AR),default)
AR := ar
endif

# Internal headers are named from the top of the tree (<core/chain.h>);
# tools see only the installed headers and common/, and no configuration.
MEMS_CPPFLAGS := -include $(objtree)/include/generated/autoconf.h \
	-I$(srctree)/include -I$(srctree) \
	-I$(srctree)/arch/$(SRCARCH)/include -I$(srctree)/arch/generic/include
TOOL_CPPFLAGS := -I$(srctree)/include -I$(srctree)
# Calls inside the library cannot be interposed (the version script
# exports only the API), so the compiler may inline them.
MEMS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -fPIC -fno-semantic-interposition
CFLAGS ?=
LDFLAGS ?=

# Objects depend on this file, rewritten only when the compiler or its
# flags change, so `make CC=clang` after a gcc build rebuilds everything.
cflags-file := $(objtree)/include/generated/cflags
cflags-now := $(CC) $(MEMS_CFLAGS) $(CFLAGS) $(LDFLAGS)
ifneq ($(build-goals)$(if $(MAKECMDGOALS),,all),)
ifneq ($(cflags-now),$(file <$(cflags-file)))
$(shell mkdir -p $(dir $(cflags-file)))
$(file >$(cflags-file),$(cflags-now))
endif
endif

# Each directory's fragment adds to obj-y relative to itself.
define read-fragment
obj-y :=
obj-m :=
include $(srctree)/$(1)/Makefile
lib-objs += $$(addprefix $(objtree)/$(1)/,$$(sort $$(obj-y)))
endef
lib-objs :=
$(foreach dir,common core policy,$(eval $(call read-fragment,$(dir))))

libmems-a := $(objtree)/lib/libmems.a
libmems-so := $(objtree)/lib/libmems.so.$(VERSION)
libmems-links := $(objtree)/lib/libmems.so.$(SOVERSION) $(objtree)/lib/libmems.so

samples-y :=
include $(srctree)/samples/Makefile
sample-progs := $(addprefix $(objtree)/samples/,$(samples-y))

tools-y :=
tool-libs-y :=
tool-archives-y :=
bench-y :=
include $(srctree)/tools/Makefile
tool-progs := $(addprefix $(objtree)/tools/,$(tools-y))
tool-libs := $(addprefix $(objtree)/tools/,$(addsuffix .so,$(tool-libs-y)))
tool-archives := $(addprefix $(objtree)/tools/,\
	$(addsuffix .a,$(tool-archives-y)))
bench-progs := $(addprefix $(objtree)/tools/,$(bench-y))
# Tool X is linked from X.o, or from the objects X-objs lists (under tools/).
tool-objs = $(addprefix $(objtree)/tools/,$(or $($(1)-objs),$(1).o))
# ... and from the static archives X-archives lists, each built once.
tool-archives-of = $(addprefix $(objtree)/tools/,\
	$(addsuffix .a,$($(patsubst $(objtree)/tools/%,%,$(1))-archives)))
$(foreach tool,$(tools-y) $(bench-y),\
	$(eval $(objtree)/tools/$(tool): $(call tool-objs,$(tool)) \
		$(call tool-archives-of,$(tool))))
# Shared object X.so of tools is linked the same way, from X.o or X-objs.
$(foreach lib,$(tool-libs-y),\
	$(eval $(objtree)/tools/$(lib).so: $(call tool-objs,$(lib))))
# Archive X.a of tools is made from X-objs.
$(foreach ar,$(tool-archives-y),\
	$(eval $(objtree)/tools/$(ar).a: $(call tool-objs,$(ar))))
tool-lib-objs := $(foreach lib,$(tool-libs-y),$(call tool-objs,$(lib)))
tool-all-objs := $(sort $(tool-lib-objs) \
	$(foreach tool,$(tools-y) $(bench-y) $(tool-archives-y),\
		$(call tool-objs,$(tool))))
$(tool-all-objs): MEMS_CPPFLAGS := $(TOOL_CPPFLAGS)

# A program named from the top of the build tree (make
# tools/bench/churn-counts) is its full path's target: otherwise make
# would find the file and call it up to date, whatever changed.
programs := $(sample-progs) $(tool-progs) $(bench-progs)
$(patsubst $(objtree)/%,%,$(programs)): %: $(objtree)/%
	@:

all: $(libmems-a) $(libmems-so) $(libmems-links) $(sample-progs) \
	$(tool-progs) $(tool-libs)

# fixdep turns the dependency on autoconf.h into dependencies on the
# CONFIG_ symbols each file really uses, so a configuration change
# rebuilds only what it affects.
define compile
	$(quiet) CC $(patsubst $(objtree)/%,%,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(MEMS_CPPFLAGS) $(MEMS_CFLAGS) $(CFLAGS) -MMD -MF $@.d \
		-c -o $@ $<
	$(Q)$(srctree)/scripts/fixdep $@.d $(objtree) > $(@D)/.$(@F).cmd
	@rm -f $@.d
endef

$(objtree)/%.o: $(srctree)/%.c $(cflags-file) | \
		$(objtree)/include/generated/autoconf.h
	$(compile)

# The tools' own copy of the generic code (tool-objs "common/x.o").
$(objtree)/tools/common/%.o: $(srctree)/common/%.c $(cflags-file) | \
		$(objtree)/include/generated/autoconf.h
	$(compile)

# What a program linking libmems.a needs besides it: its locks' threads.
libmems-a-libs := $(if $(CONFIG_MEMS_THREAD_SAFE),-pthread)

$(libmems-a): $(lib-objs)
	$(quiet) AR $(patsubst $(objtree)/%,%,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(libmems-so): $(lib-objs) $(srctree)/scripts/libmems.map $(cflags-file)
	$(quiet) LD $(patsubst $(objtree)/%,%,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -shared -Wl,-soname,libmems.so.$(SOVERSION) \
		-Wl,--version-script=$(srctree)/scripts/libmems.map \
		$(CFLAGS) $(LDFLAGS) -o $@ $(lib-objs) $(libmems-a-libs)

$(libmems-links): $(libmems-so)
	$(Q)ln -sf $(notdir $<) $@

# Samples and tools link the static library: they run from the build tree.
$(sample-progs): %: %.o
# A tool's own libraries are the X-libs of its fragment (tools/Makefile).
# Their archives come before libmems.a, whose API the archives call.
$(sample-progs) $(tool-progs) $(bench-progs): $(libmems-a) $(cflags-file)
	$(quiet) LD $(patsubst $(objtree)/%,%,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) \
		$(call tool-archives-of,$@) $(libmems-a) \
		$(libmems-a-libs) $($(patsubst $(objtree)/tools/%,%,$@)-libs)

$(tool-archives): $(cflags-file)
	$(quiet) AR $(patsubst $(objtree)/%,%,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $(filter %.o,$^)

# Preload libraries stand in for the C library's malloc, as sanitizer
# runtimes do: they are built without sanitizers, which could not share
# the program with them.
no-sanitize = $(filter-out -fsanitize% -fno-sanitize%,$(1))
$(tool-lib-objs): override CFLAGS := $(call no-sanitize,$(CFLAGS))
$(tool-libs): override CFLAGS := $(call no-sanitize,$(CFLAGS))
$(tool-libs): override LDFLAGS := $(call no-sanitize,$(LDFLAGS))
$(tool-libs): $(cflags-file)
	$(quiet) LD $(patsubst $(objtree)/%,%,$@)
	$(Q)$(CC) -shared -Wl,-z,defs $(CFLAGS) $(LDFLAGS) -o $@ \
		$(filter %.o,$^) -ldl -pthread

# The configured library as one header that a program includes instead
# of linking MeMS, as the course's programs include their mems.h.
single-header := $(objtree)/single-header/mems.h
lib-sources := $(patsubst $(objtree)/%.o,%.c,$(lib-objs))
tree-headers := $(wildcard $(srctree)/include/*.h $(srctree)/include/mems/*.h \
	$(srctree)/core/*.h $(srctree)/policy/*.h $(srctree)/common/*.h \
	$(srctree)/arch/*/include/asm/*.h)

single-header: $(single-header)

# Once asked for, the header follows the configuration and the sources
# as the library does: a student who copies it again after `make` gets
# what the tree now builds, not what it built when the header was made.
all: $(if $(wildcard $(single-header)),$(single-header))

$(single-header): $(srctree)/scripts/single-header $(tree-headers) \
		$(addprefix $(srctree)/,$(lib-sources)) \
		$(objtree)/include/generated/autoconf.h
	$(quiet) GEN $(patsubst $(objtree)/%,%,$@)
	$(Q)srctree='$(srctree)' $< $@ $(objtree)/include/generated/autoconf.h \
		$(SRCARCH) $(VERSION) $(lib-sources)

.PHONY: single-header

# ---------------------------------------------------------------------------
# Running and testing

run: $(objtree)/samples/classic
	$(Q)$<

selftests-args = -C $(srctree)/selftests OUTPUT=$(objtree)/selftests-out \
	MEMS_CFLAGS='$(MEMS_CPPFLAGS) $(CFLAGS)' \
	MEMS_LIBS='$(libmems-a) $(libmems-a-libs) $(LDFLAGS)' CC='$(CC)'

selftests: $(libmems-a)
	$(Q)$(MAKE) $(selftests-args) all

run_tests: selftests
	$(Q)$(MAKE) $(selftests-args) run_tests

check:
	$(Q)$(srctree)/scripts/check $(if $(O),O=$(O))

# The defconfig build alone, its selftests and the bats tests it serves.
check-quick:
	$(Q)$(srctree)/scripts/check --quick $(if $(O),O=$(O))

# libFuzzer targets, FUZZ_S seconds each (default 10).
fuzz:
	$(Q)$(srctree)/scripts/fuzz $(if $(O),O=$(O)) \
		$(if $(FUZZ_S),FUZZ_S=$(FUZZ_S))

# Selftests of N random configurations (default 1), from seed SEED.
randcheck:
	$(Q)$(srctree)/scripts/randcheck $(if $(O),O=$(O)) \
		$(if $(N),N=$(N)) $(if $(SEED),SEED=$(SEED))

# The benchmark replays the traces in the source tree; QUICK=1 runs the
# small sizes only.  The full run then counts instructions and cache
# misses as bench-counts does; QUICK=1 leaves those minutes out.
bench-quick := $(filter-out 0 n no,$(QUICK))
bench-counts-run = $(srctree)/scripts/bench-counts \
	$(if $(bench-quick),--quick) --csv $(objtree)/bench-counts.csv \
	$(objtree)/tools/bench/churn-counts

bench: $(bench-progs)
	$(if $(bench-quick),,$(need) valgrind valgrind)
	$(Q)$(objtree)/tools/bench/mems-bench \
		$(if $(bench-quick),--quick) \
		--traces $(srctree)/tools/bench/traces --csv $(objtree)/bench.csv
	$(if $(bench-quick),@echo 'Counts per churn step: make bench-counts')
	$(if $(bench-quick),,$(Q)echo && $(bench-counts-run))

# Instructions and first-level data cache misses per churn step, from
# cachegrind, glibc beside each policy; QUICK=1: L = 10^3 and 10^4 only.
bench-counts: $(objtree)/tools/bench/churn-counts
	$(need) valgrind valgrind
	$(Q)$(bench-counts-run)

.PHONY: bench-counts

.PHONY: all run selftests run_tests check check-quick fuzz randcheck bench

# ---------------------------------------------------------------------------
# Documentation

# The manual in HTML, built by Sphinx as the kernel's is, with the API
# reference read from the headers' kernel-doc comments.  A warning is an
# error, and every page is read again each time (-E), so that a page
# left unchanged cannot hide its warnings.  DOCSRC builds another copy
# of Documentation/; SPHINXOPTS adds options of sphinx-build.
DOCSRC ?= $(srctree)/Documentation
SPHINXOPTS ?=
docs-out := $(objtree)/Documentation/output

htmldocs:
	$(need) sphinx-build python3-sphinx
	$(quiet) SPHINX Documentation/output/html/index.html
	$(Q)sphinx-build $(if $(filter 1,$(V)),,-q) -E -W --keep-going -b html \
		-d $(docs-out)/doctrees $(SPHINXOPTS) $(DOCSRC) $(docs-out)/html

.PHONY: htmldocs

# ---------------------------------------------------------------------------
# Installation (Debian conventions: DESTDIR for staging)

PREFIX ?= /usr/local
bindir ?= $(PREFIX)/bin
includedir ?= $(PREFIX)/include
libdir ?= $(PREFIX)/lib
pkgconfigdir ?= $(libdir)/pkgconfig
mandir ?= $(PREFIX)/share/man
# mems-trace's preload library.  mems-trace looks for it at bin/../lib/mems,
# so a libdir elsewhere (a multiarch one) wants pkglibdir=$(PREFIX)/lib/mems.
pkglibdir ?= $(libdir)/mems

# include/ holds only installed headers: everything under include/mems.
public-headers := $(wildcard $(srctree)/include/mems/*.h)

# Manual pages: every library page, and the page of each tool built.
man3-pages := $(wildcard $(srctree)/Documentation/man/*.3)
man1-pages = $(wildcard $(addprefix $(srctree)/Documentation/man/,\
	$(addsuffix .1,$(tools-y))))

# Written at every install: it records PREFIX, which may differ each time.
# With the default layout mems.pc locates the tree from where pkg-config
# found it (${pcfiledir}), so the same file serves a DESTDIR stage, with
# or without PKG_CONFIG_SYSROOT_DIR, and the final tree; a libdir or
# includedir moved out of PREFIX is written as it is.
ifeq ($(libdir) $(includedir) $(pkgconfigdir),$(PREFIX)/lib $(PREFIX)/include $(PREFIX)/lib/pkgconfig)
pc-prefix := $${pcfiledir}/../..
pc-libdir := $${prefix}/lib
pc-includedir := $${prefix}/include
else
pc-prefix := $(PREFIX)
pc-libdir := $(libdir)
pc-includedir := $(includedir)
endif

$(objtree)/mems.pc: $(srctree)/scripts/mems.pc.in FORCE
	$(quiet) GEN mems.pc
	$(Q)sed -e 's|@PREFIX@|$(pc-prefix)|' -e 's|@LIBDIR@|$(pc-libdir)|' \
		-e 's|@INCLUDEDIR@|$(pc-includedir)|' \
		-e 's|@VERSION@|$(VERSION)|' $< > $@

install: all $(objtree)/mems.pc
	$(Q)install -d $(DESTDIR)$(bindir) $(DESTDIR)$(includedir)/mems \
		$(DESTDIR)$(libdir) $(DESTDIR)$(pkgconfigdir)
	$(Q)install -m 644 $(srctree)/include/mems.h $(DESTDIR)$(includedir)/
	$(Q)install -m 644 $(public-headers) $(DESTDIR)$(includedir)/mems/
	$(Q)install -m 644 $(libmems-a) $(DESTDIR)$(libdir)/
	$(Q)install -m 755 $(libmems-so) $(DESTDIR)$(libdir)/
	$(Q)ln -sf libmems.so.$(VERSION) $(DESTDIR)$(libdir)/libmems.so.$(SOVERSION)
	$(Q)ln -sf libmems.so.$(SOVERSION) $(DESTDIR)$(libdir)/libmems.so
	$(Q)install -m 644 $(objtree)/mems.pc $(DESTDIR)$(pkgconfigdir)/
	$(Q)$(if $(tool-progs),install -m 755 $(tool-progs) $(DESTDIR)$(bindir)/)
	$(Q)$(if $(tool-libs),install -d $(DESTDIR)$(pkglibdir) && \
		install -m 755 $(tool-libs) $(DESTDIR)$(pkglibdir)/)
	$(Q)install -d $(DESTDIR)$(mandir)/man3
	$(Q)install -m 644 $(man3-pages) $(DESTDIR)$(mandir)/man3/
	$(Q)$(if $(man1-pages),install -d $(DESTDIR)$(mandir)/man1 && \
		install -m 644 $(man1-pages) $(DESTDIR)$(mandir)/man1/)
	$(Q)$(if $(DESTDIR),,$(srctree)/scripts/ldconfig-after-install $(libdir))

uninstall:
	$(Q)rm -f $(DESTDIR)$(includedir)/mems.h \
		$(addprefix $(DESTDIR)$(includedir)/mems/,$(notdir $(public-headers))) \
		$(DESTDIR)$(libdir)/libmems.a $(DESTDIR)$(libdir)/libmems.so* \
		$(DESTDIR)$(pkgconfigdir)/mems.pc \
		$(addprefix $(DESTDIR)$(bindir)/,$(tools-y)) \
		$(addprefix $(DESTDIR)$(pkglibdir)/,$(notdir $(tool-libs))) \
		$(addprefix $(DESTDIR)$(mandir)/man3/,$(notdir $(man3-pages))) \
		$(addprefix $(DESTDIR)$(mandir)/man1/,$(notdir $(man1-pages)))
	$(Q)rmdir $(DESTDIR)$(includedir)/mems 2>/dev/null || true
	$(Q)rmdir $(DESTDIR)$(pkglibdir) 2>/dev/null || true

.PHONY: install uninstall FORCE
FORCE:

# ---------------------------------------------------------------------------
# Cleaning and help

# Only generated files: in-tree, objtree is the source tree itself.
clean:
	$(Q)rm -rf $(objtree)/lib $(objtree)/mems.pc $(objtree)/selftests-out \
		$(sample-progs) $(tool-progs) $(tool-libs) $(bench-progs) \
		$(tool-archives) $(objtree)/bench.csv $(objtree)/bench-counts.csv \
		$(objtree)/Documentation/output \
		$(objtree)/single-header \
		$(objtree)/tools/dump/viewer_files.c
	$(Q)find $(objtree) -path $(objtree)/.git -prune -o \
		\( -name '*.o' -o -name '.*.o.cmd' \) -type f -print | xargs rm -f

mrproper distclean: clean
	$(Q)rm -rf $(objtree)/include/config $(objtree)/include/generated \
		$(KCONFIG_CONFIG) $(KCONFIG_CONFIG).old $(objtree)/defconfig

help:
	@echo 'Configuration:'
	@echo '  defconfig          - default configuration (configs/defconfig)'
	@echo '  $(subst $(space),$(comma)$(space),$(policy-defconfigs))'
	@echo '                     - default configuration with that policy'
	@echo '  menuconfig         - change the configuration in a terminal menu'
	@echo '  olddefconfig       - update .config, new symbols at their default'
	@echo '  oldconfig          - update .config, asking about new symbols'
	@echo '  savedefconfig      - write the minimal ./defconfig for .config'
	@echo '  randconfig         - random configuration (KCONFIG_SEED to repeat)'
	@echo 'Building:'
	@echo '  all (default)      - libmems.a, libmems.so, samples and tools'
	@echo '                       (mems-trace with its libmems-trace.so),'
	@echo '                       and single-header/mems.h once made'
	@echo '  run                - build and run the classic demo'
	@echo '  single-header      - the configured library as one header,'
	@echo '                       single-header/mems.h'
	@echo '  selftests          - build the C selftests'
	@echo '  run_tests          - build and run the C selftests'
	@echo '  check              - every test: C matrix, sanitizers, bats'
	@echo '  check-quick        - the defconfig build'"'"'s selftests and the bats'
	@echo '                       tests it serves, in under a minute'
	@echo '  fuzz               - run the libFuzzer targets (FUZZ_S=10 s each)'
	@echo '  randcheck          - selftests of N=K random configurations'
	@echo '                       (SEED=S to replay them)'
	@echo '  bench              - time the policies against glibc malloc'
	@echo '                       (QUICK=1: small sizes only, under 30 s),'
	@echo '                       then bench-counts (not with QUICK=1)'
	@echo '  bench-counts       - instructions and D1 misses per churn step,'
	@echo '                       glibc and each policy, under cachegrind'
	@echo '                       (QUICK=1: L = 10^3 and 10^4 only)'
	@echo '  htmldocs           - the HTML manual, in Documentation/output/html'
	@echo '                       (Sphinx; a warning is an error)'
	@echo '  install            - install (PREFIX=$(PREFIX), DESTDIR=)'
	@echo '  uninstall          - remove what install put there'
	@echo 'Cleaning:'
	@echo '  clean              - remove build products, keep .config'
	@echo '  mrproper           - remove build products and the configuration'
	@echo 'Options:'
	@echo '  V=1                - show the commands'
	@echo '  O=dir              - build in dir (with its own .config)'

.PHONY: clean mrproper distclean help

# Per-object dependencies written by fixdep.
-include $(shell find '$(objtree)' -name '.*.o.cmd' 2>/dev/null)

endif # mixed-goals
