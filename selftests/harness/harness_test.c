// SPDX-License-Identifier: MIT
/*
 * selftests/harness/harness_test.c - the harness checked by its own rules.
 *
 * Every other selftest trusts harness.h to compare, name and run tests
 * correctly, so this program exercises each of those paths and must pass.
 * The failure paths cannot be shown by a passing program; they are
 * covered by harness_selfcheck.sh next to it.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "harness.h"

enum stage { STAGE_NONE, STAGE_SETUP, STAGE_BODY };

FIXTURE(region)
{
	enum stage stage;
	size_t len;
	char *buf;
};

FIXTURE_VARIANT(region)
{
	size_t len;
	const char *name;
};

FIXTURE_VARIANT_ADD(region, small)
{
	.len = 16,
	.name = "region.small.sized",
};

FIXTURE_VARIANT_ADD(region, large)
{
	.len = 4096,
	.name = "region.large.sized",
};

FIXTURE_SETUP(region)
{
	ASSERT_EQ(STAGE_NONE, self->stage);
	ASSERT_NE(NULL, variant);
	self->len = variant->len;
	self->buf = calloc(1, self->len);
	ASSERT_NE(NULL, self->buf);
	self->stage = STAGE_SETUP;
}

/* Teardown sees what the body left, so it can insist the body ran. */
FIXTURE_TEARDOWN(region)
{
	EXPECT_EQ(STAGE_BODY, self->stage);
	free(self->buf);
}

TEST_F(region, sized)
{
	ASSERT_EQ(STAGE_SETUP, self->stage);
	ASSERT_EQ(variant->len, self->len);
	ASSERT_STREQ(variant->name, _metadata->name);
	memset(self->buf, 'x', self->len);
	EXPECT_EQ('x', self->buf[self->len - 1]);
	self->stage = STAGE_BODY;
}

TEST_F(region, ordered)
{
	ASSERT_GT(self->len, 0);
	ASSERT_GE(4096, self->len);
	self->stage = STAGE_BODY;
}

/*
 * Variants made at run time, between two made at compile time: names
 * are cleaned into TAP name parts, data starts zeroed, and the order is
 * that of the source, then of the generator's calls.
 */
FIXTURE(made)
{
	int unused;
};

FIXTURE_VARIANT(made)
{
	const char *name;
	int untouched;
};

FIXTURE_VARIANT_ADD(made, before)
{
	.name = "made.before.named",
};

static const char *const made_names[][2] = {
	{ "first-item", "made.first_item.named" },
	{ "second item", "made.second_item.named" },
	{ "x.y+z", "made.x_y_z.named" },
};

FIXTURE_VARIANT_GENERATE(made, make_variants)
{
	FIXTURE_VARIANT(made) *v;
	size_t i;

	for (i = 0; i < sizeof(made_names) / sizeof(made_names[0]); i++) {
		v = FIXTURE_VARIANT_NEW(made, made_names[i][0]);
		if (!v)
			return;
		v->name = made_names[i][1];
	}
}

FIXTURE_VARIANT_ADD(made, after)
{
	.name = "made.after.named",
};

TEST_F(made, named)
{
	ASSERT_NE(NULL, variant);
	ASSERT_STREQ(variant->name, _metadata->name);
	ASSERT_EQ(0, variant->untouched);
}

FIXTURE(plain)
{
	int value;
};

FIXTURE_SETUP(plain)
{
	ASSERT_NULL(variant);
	self->value = 42;
}

TEST_F(plain, no_variant)
{
	ASSERT_EQ(42, self->value);
	ASSERT_STREQ("plain.no_variant", _metadata->name);
}

/* Neither hook is required. */
FIXTURE(bare)
{
	int untouched;
};

TEST_F(bare, zeroed)
{
	ASSERT_EQ(0, self->untouched);
}

TEST(plain_name)
{
	ASSERT_STREQ("plain_name", _metadata->name);
}

TEST(mixed_types)
{
	size_t size = 3;
	ssize_t neg = -1;
	int err = -ENOMEM;
	unsigned char byte = 255;
	const char *none = NULL;
	char array[4] = "abc";
	void *ptr = array;

	ASSERT_EQ(3, size);
	ASSERT_EQ(-ENOMEM, err);
	ASSERT_LT(err, 0);
	ASSERT_LT(neg, size);
	ASSERT_GT((size_t)1, -1);
	ASSERT_LT(INTMAX_MIN, UINTMAX_MAX);
	ASSERT_EQ(UINTMAX_MAX, UINTMAX_MAX);
	ASSERT_NE(-1, UINT_MAX);
	ASSERT_EQ(255, byte);
	ASSERT_NULL(none);
	ASSERT_NE(NULL, ptr);
	ASSERT_EQ(ptr, array);
	ASSERT_LE(array, &array[1]);
	ASSERT_TRUE(ptr);
	ASSERT_FALSE(none);
	ASSERT_TRUE(size == 3);
	ASSERT_FALSE(size > 3);
}

TEST(evaluated_once)
{
	int calls = 0;

	ASSERT_EQ(1, ++calls);
	EXPECT_EQ(2, ++calls);
	ASSERT_EQ(2, calls);
}

TEST(expect_passes)
{
	int seen = 0;

	EXPECT_EQ(0, seen);
	EXPECT_NE(1, seen);
	EXPECT_LE(0, seen);
	EXPECT_GE(0, seen);
	EXPECT_NULL(NULL);
	EXPECT_TRUE(1);
	EXPECT_FALSE(0);
	EXPECT_STREQ("a", "a");
	EXPECT_STRNE("a", "b");
	seen = 1;
	ASSERT_EQ(1, seen);
}

TEST(th_log_only_on_failure)
{
	int logged = 0;

	ASSERT_EQ(1, 1) logged++;
	EXPECT_EQ(1, 1) logged++;
	ASSERT_EQ(0, logged);
	/* The trailing statement keeps an unbraced if/else intact. */
	if (logged)
		ASSERT_EQ(1, 0);
	else
		EXPECT_EQ(0, logged);
	TH_LOG("standalone TH_LOG, %d line", 1);
}

/* A whole report captured in memory, as the stats tests do. */
TEST(string_compare)
{
	const char *want = "line one\nline two\n";
	char *got = NULL;
	size_t len = 0;
	FILE *out;

	out = open_memstream(&got, &len);
	ASSERT_NE(NULL, out);
	fprintf(out, "line %s\nline %s\n", "one", "two");
	ASSERT_EQ(0, fclose(out));
	ASSERT_EQ(strlen(want), len);
	EXPECT_STREQ(want, got);
	EXPECT_STRNE("line one\n", got);
	ASSERT_STREQ(NULL, (const char *)NULL);
	ASSERT_STRNE(NULL, got);
	free(got);
}

TEST(skips)
{
	SKIP(return, "skipping is %s", "reported");
	ASSERT_TRUE(0);
}

TEST_TIMEOUT(own_timeout, 5)
{
	ASSERT_EQ(5, _metadata->timeout);
}

TEST(default_timeout)
{
	ASSERT_EQ(TEST_TIMEOUT_DEFAULT, _metadata->timeout);
}

TEST_HARNESS_MAIN
