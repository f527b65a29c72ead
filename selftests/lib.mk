# SPDX-License-Identifier: MIT
#
# selftests/lib.mk - how every selftest directory builds and runs.
#
# A test directory's Makefile names its programs and includes this file,
# so the rules for building against the harness and the library, and for
# running tests as TAP, live in one place:
#
#	TEST_GEN_PROGS := chain_test stats_test
#	TEST_PROGS := some_check.sh		(optional)
#	include ../lib.mk
#
# TEST_GEN_PROGS are built from <prog>.c, each a harness.h program.
# TEST_PROGS are executable scripts, copied into OUTPUT and run after them.
#
# Variables the caller may set:
#	OUTPUT		where programs go (default: this directory)
#	MEMS_CFLAGS	extra compile flags: include paths, -include of the
#			configuration, sanitizers
#	MEMS_LIBS	what to link: the path of libmems.a, sanitizers
#	CC		compiler (default cc)
#	CFLAGS		added to -std=gnu11 -O1 -g -Wall -Wextra, which
#			always apply (CFLAGS=-Werror must not drop them)
#	LDFLAGS, LDLIBS	passed to the link as usual
#	V=1		show the commands (on stdout, as make does) instead of
#			one line per program on stderr
#
# Targets: all, run_tests, clean.  Unless V=1, run_tests writes nothing
# to stdout but the TAP of the tests; build progress goes to stderr.  It
# runs every test even when one fails, and fails if any did; exit status
# 4 (KSFT_SKIP, everything skipped) is not a failure.  Scripts see
# srctree (the top of the source tree), CC and OUTPUT in their
# environment.

selftests_dir := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
srctree := $(abspath $(selftests_dir)/..)
test_dir := $(CURDIR)

OUTPUT ?= $(test_dir)
override OUTPUT := $(abspath $(OUTPUT))

base_cflags := -std=gnu11 -O1 -g -Wall -Wextra

ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-7s %s\n' $(1) $(2) >&2
endif

# Names as seen from the top of the tree, for the quiet lines.
pretty := $(patsubst $(srctree)/%,%,$(test_dir))

gen_progs := $(addprefix $(OUTPUT)/,$(TEST_GEN_PROGS))
run_progs := $(gen_progs) $(addprefix $(OUTPUT)/,$(TEST_PROGS))
# A library named by path is a dependency; -l and flags are not.
lib_files := $(wildcard $(filter %.a %.so %.o,$(MEMS_LIBS)))

all_cflags := $(base_cflags) $(CFLAGS) -I$(selftests_dir) -I$(test_dir) $(MEMS_CFLAGS)
link := $(CC) $(all_cflags) $(LDFLAGS)

# A change of compiler or flags must rebuild, even with nothing newer:
# the stamp is rewritten only when the command line differs.
flags_stamp := $(OUTPUT)/.selftest-flags
flags_now := $(link) $(MEMS_LIBS) $(LDLIBS)
ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),all)),)
ifneq ($(flags_now),$(file <$(flags_stamp)))
$(shell mkdir -p $(OUTPUT))
$(file >$(flags_stamp),$(flags_now))
endif
endif
# Only for when clean removed it within the same run.
$(flags_stamp): ;

.PHONY: all run_tests clean
.DEFAULT_GOAL := all

all: $(run_progs)

$(gen_progs): $(OUTPUT)/%: %.c $(selftests_dir)/harness.h $(lib_files) \
		$(flags_stamp)
	$(call quiet,CC,$(pretty)/$*)
	$(Q)mkdir -p $(@D)
	$(Q)$(link) -MMD -MP -MF $@.d -MT $@ -o $@ $< $(MEMS_LIBS) $(LDLIBS)

# Installing into the source directory would copy a script onto itself.
ifneq ($(OUTPUT),$(test_dir))
$(addprefix $(OUTPUT)/,$(TEST_PROGS)): $(OUTPUT)/%: %
	$(call quiet,INSTALL,$(pretty)/$*)
	$(Q)mkdir -p $(@D)
	$(Q)cp $< $@ && chmod +x $@
endif

# Silent even with V=1: stdout is for the tests' TAP alone.
run_tests: all
	@export srctree='$(srctree)' OUTPUT='$(OUTPUT)' CC='$(CC)'; \
	cd '$(OUTPUT)' || exit 1; \
	failed=0; \
	for prog in $(notdir $(run_progs)); do \
		./$$prog; \
		rc=$$?; \
		if [ $$rc -ne 0 ] && [ $$rc -ne 4 ]; then \
			echo "$(pretty)/$$prog: exit status $$rc" >&2; \
			failed=1; \
		fi; \
	done; \
	exit $$failed

clean:
	$(call quiet,CLEAN,$(pretty))
	$(Q)rm -f $(gen_progs) $(addsuffix .d,$(gen_progs)) $(flags_stamp)
ifneq ($(OUTPUT),$(test_dir))
	$(Q)rm -f $(addprefix $(OUTPUT)/,$(TEST_PROGS))
endif

-include $(addsuffix .d,$(gen_progs))
