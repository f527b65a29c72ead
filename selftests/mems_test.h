/* SPDX-License-Identifier: MIT */
/*
 * mems_test.h - what the MeMS selftests share.
 *
 * Expected values are computed here from the rules of the contract, never
 * asked of the library: size rounding, pages per node, and a small model
 * of the free list that renders the report text of mems_print_stats().
 * The rest observes MeMS from outside: what it writes on stdout and
 * stderr, which pages are mapped (mincore), and /proc/self/maps.
 *
 * Include after harness.h: the ASSERT_* macros below expand to its
 * assertions and so only work inside a test body.
 */
#ifndef MEMS_TEST_H
#define MEMS_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <asm/page.h>
#include <mems.h>
#include <mems/heap.h>
#include <mems/introspect.h>

/* Virtual addresses are integers: these convert without warnings. */
#define V(addr)	((void *)(uintptr_t)(addr))
#define U(ptr)	((uintptr_t)(ptr))

#define EMPTY_REPORT				\
	"----- MeMS SYSTEM STATS -----\n"	\
	"Pages used:\t0\n"			\
	"Space unused:\t0\n"			\
	"Main Chain Length:\t0\n"		\
	"Sub-chain Length array: []\n"		\
	"-----------------------------\n"

/* ---------------------------------------------------------------------
 * Sizes, from the contract's rules
 */

static inline size_t div_round_up(size_t n, size_t d)
{
	return n / d + !!(n % d);
}

static inline size_t round_up(size_t n, size_t granule)
{
	return div_round_up(n, granule) * granule;
}

/*
 * MEMS_TEST_QUICK=1 cuts the long random runs to a tenth, for the runs
 * where their length adds little and costs much: every layout of the
 * matrix but one and the random configurations; a number N above 1 cuts
 * them to 1/N (Valgrind runs a hundredth).
 */
static inline unsigned long test_ops(unsigned long full)
{
	const char *quick = getenv("MEMS_TEST_QUICK");
	unsigned long divisor;

	if (!quick || !*quick || !strcmp(quick, "0"))
		return full;
	divisor = strtoul(quick, NULL, 10);
	return full / (divisor > 1 ? divisor : 10);
}

/* A request as the global MeMS stores it. */
static inline size_t mems_round(size_t n)
{
	return round_up(n, CONFIG_MEMS_ALIGN);
}

/* Pages of a node mapped for a request of @n bytes (already rounded). */
static inline size_t pages_for(size_t n)
{
	return div_round_up(n, PAGE_SIZE);
}

/* Bytes of the node the global MeMS maps for a request of @n bytes. */
static inline size_t node_bytes_for(size_t n)
{
	return pages_for(mems_round(n)) * PAGE_SIZE;
}

/*
 * The smallest request that fills its node exactly: whole pages that are
 * also whole granules.  PAGE_SIZE itself wherever granules divide it.
 */
static inline size_t whole_node_size(void)
{
	size_t n = PAGE_SIZE;

	while (n % CONFIG_MEMS_ALIGN)
		n += PAGE_SIZE;
	return n;
}

/*
 * Where the global MeMS puts a second request of @n bytes when the first
 * went to the start of the first node: right after it when the node has
 * room, else at the start of a new node.
 */
static inline uintptr_t second_of_two(size_t n)
{
	size_t r = mems_round(n), node = node_bytes_for(n);

	return CONFIG_MEMS_VIRT_BASE + (node - r >= r ? r : node);
}

static inline size_t machine_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* ---------------------------------------------------------------------
 * The expected-report model
 *
 * The test appends nodes and segments by hand, in chain order, exactly as
 * the contract says MeMS must lay them out; model_report() then renders
 * section 4 of the contract.  The model checks nothing and decides
 * nothing, so that it cannot share a mistake with the library.
 */

#define MODEL_MAX_NODES	32
#define MODEL_MAX_SEGS	32

struct model_seg {
	char type;			/* 'P' or 'H' */
	uintptr_t start, end;		/* inclusive */
};

struct model_node {
	uintptr_t vstart, vend;		/* inclusive */
	size_t pages;
	size_t nr_segs;
	struct model_seg segs[MODEL_MAX_SEGS];
};

struct model {
	size_t page_size;
	size_t nr_nodes;
	struct model_node nodes[MODEL_MAX_NODES];
};

static inline void model_init(struct model *m, size_t page_size)
{
	m->page_size = page_size;
	m->nr_nodes = 0;
}

static inline struct model_node *model_last(struct model *m)
{
	if (!m->nr_nodes)
		abort();
	return &m->nodes[m->nr_nodes - 1];
}

/* Append a node of @pages pages whose first byte is @vstart. */
static inline void model_node(struct model *m, uintptr_t vstart, size_t pages)
{
	struct model_node *node;

	if (m->nr_nodes == MODEL_MAX_NODES)
		abort();
	node = &m->nodes[m->nr_nodes++];
	node->vstart = vstart;
	node->vend = vstart + pages * m->page_size - 1;
	node->pages = pages;
	node->nr_segs = 0;
}

/* First byte after the last segment of the last node. */
static inline uintptr_t model_cursor(struct model *m)
{
	struct model_node *node = model_last(m);

	if (!node->nr_segs)
		return node->vstart;
	return node->segs[node->nr_segs - 1].end + 1;
}

/*
 * Append a segment of @bytes bytes of @type ('P' or 'H') to the last
 * node, right after its previous segment.  Return: its first address.
 */
static inline uintptr_t model_seg(struct model *m, char type, size_t bytes)
{
	struct model_node *node = model_last(m);
	uintptr_t start = model_cursor(m);

	if (node->nr_segs == MODEL_MAX_SEGS || !bytes)
		abort();
	node->segs[node->nr_segs].type = type;
	node->segs[node->nr_segs].start = start;
	node->segs[node->nr_segs].end = start + bytes - 1;
	node->nr_segs++;
	return start;
}

/* The rest of the last node, if any byte remains, as one hole. */
static inline void model_rest_hole(struct model *m)
{
	uintptr_t start = model_cursor(m);
	uintptr_t vend = model_last(m)->vend;

	if (start <= vend)
		model_seg(m, 'H', vend - start + 1);
}

/* The report text, malloc'd. */
static inline char *model_report(const struct model *m)
{
	size_t pages = 0, unused = 0, i, j, len;
	char *text = NULL;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		abort();
	fputs("----- MeMS SYSTEM STATS -----\n", out);
	for (i = 0; i < m->nr_nodes; i++) {
		const struct model_node *node = &m->nodes[i];

		fprintf(out, "MAIN[%ju:%ju]->", (uintmax_t)node->vstart,
			(uintmax_t)node->vend);
		for (j = 0; j < node->nr_segs; j++) {
			const struct model_seg *seg = &node->segs[j];

			fprintf(out, " %c[%ju:%ju] <->", seg->type,
				(uintmax_t)seg->start, (uintmax_t)seg->end);
			if (seg->type == 'H')
				unused += seg->end - seg->start + 1;
		}
		fputs(" NULL\n", out);
		pages += node->pages;
	}
	fprintf(out, "Pages used:\t%zu\n", pages);
	fprintf(out, "Space unused:\t%zu\n", unused);
	fprintf(out, "Main Chain Length:\t%zu\n", m->nr_nodes);
	fputs("Sub-chain Length array: [", out);
	for (i = 0; i < m->nr_nodes; i++)
		fprintf(out, "%zu, ", m->nodes[i].nr_segs);
	fputs("]\n-----------------------------\n", out);
	fclose(out);
	return text;
}

/* ---------------------------------------------------------------------
 * Capturing what a call writes on stdout or stderr
 *
 * The stream's descriptor is pointed at a temporary file for the
 * duration, so that output written by any means is caught, in order.
 * Both ends preserve errno: tests check it after the captured call.
 */

struct capture {
	FILE *stream;
	FILE *file;
	int saved_fd;
};

static inline int capture_start(struct capture *c, FILE *stream)
{
	int saved_errno = errno;

	c->stream = stream;
	fflush(stream);
	c->file = tmpfile();
	c->saved_fd = dup(fileno(stream));
	if (!c->file || c->saved_fd < 0 ||
	    dup2(fileno(c->file), fileno(stream)) < 0)
		abort();
	errno = saved_errno;
	return 0;
}

/* Return: everything written since capture_start(), malloc'd. */
static inline char *capture_stop(struct capture *c)
{
	int saved_errno = errno;
	char *text;
	long len;

	fflush(c->stream);
	if (dup2(c->saved_fd, fileno(c->stream)) < 0)
		abort();
	close(c->saved_fd);
	len = lseek(fileno(c->file), 0, SEEK_END);
	text = len < 0 ? NULL : calloc(1, (size_t)len + 1);
	if (!text || lseek(fileno(c->file), 0, SEEK_SET) < 0 ||
	    read(fileno(c->file), text, (size_t)len) != len)
		abort();
	fclose(c->file);
	errno = saved_errno;
	return text;
}

/* What @call writes on @stream, malloc'd; errno is left as @call set it. */
#define CAPTURE(stream, call) ({			\
	struct capture capture_;			\
							\
	capture_start(&capture_, (stream));		\
	call;						\
	capture_stop(&capture_);			\
})

/* The global report, as mems_print_stats() prints it on stdout. */
static inline char *stats_text(void)
{
	return CAPTURE(stdout, mems_print_stats());
}

/* The report of @heap, through the heap API. */
static inline char *heap_stats_text(const struct mems_heap *heap)
{
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		abort();
	mems_heap_print_stats(heap, out);
	fclose(out);
	return text;
}

/*
 * Assert that @text is the one line mems_free() writes for @v:
 * "mems_free: invalid address <v in decimal>", then the end of the line
 * or more words after a space.
 */
#define ASSERT_FREE_MESSAGE(text, v) do {				\
	char prefix_[64], *head_;					\
	size_t len_;							\
									\
	snprintf(prefix_, sizeof(prefix_),				\
		 "mems_free: invalid address %ju", (uintmax_t)(v));	\
	len_ = strlen(prefix_);						\
	head_ = strndup((text), len_);					\
	ASSERT_STREQ(prefix_, head_);					\
	free(head_);							\
	ASSERT_TRUE((text)[len_] == '\n' || (text)[len_] == ' ');	\
	/* one line: the only newline is the last character */		\
	ASSERT_EQ(strlen(text) - 1, strcspn((text), "\n"));		\
} while (0)

/*
 * The whole line @func ("mems_free", "mems_realloc") writes for the
 * address @v, @why the reason it gives in parentheses; malloc'd.  The
 * reasons, as the API documentation words them:
 */
static inline char *refusal_line(const char *func, uintptr_t v,
				 const char *why)
{
	static const char fmt[] = "%s: invalid address %ju (%s)\n";
	int len = snprintf(NULL, 0, fmt, func, (uintmax_t)v, why);
	char *line = len < 0 ? NULL : malloc((size_t)len + 1);

	if (!line)
		abort();
	snprintf(line, (size_t)len + 1, fmt, func, (uintmax_t)v, why);
	return line;
}

/* @v lies in the PROCESS [start:end], after its start. */
#define WHY_IN_BLOCK(buf, start, end)					\
	(snprintf((buf), sizeof(buf),					\
		  "inside the block P[%ju:%ju], which starts at %ju",	\
		  (uintmax_t)(start), (uintmax_t)(end),			\
		  (uintmax_t)(start)), (buf))

/* @v lies in the HOLE [start:end]: a double free, say. */
#define WHY_IN_HOLE(buf, start, end)					\
	(snprintf((buf), sizeof(buf),					\
		  "not allocated: in the hole H[%ju:%ju], already freed "	\
		  "or never allocated",					\
		  (uintmax_t)(start), (uintmax_t)(end)), (buf))

/* @v is what mems_get() gives for the virtual address @virt. */
#define WHY_PHYSICAL(buf, virt)						\
	(snprintf((buf), sizeof(buf),					\
		  "a physical address, of virtual address %ju: pass the "	\
		  "virtual one", (uintmax_t)(virt)), (buf))

#define WHY_OUTSIDE "outside every node of MeMS"

/* ---------------------------------------------------------------------
 * The global heap's invariants
 */

/* 0 when the global MeMS is alive and sound; its first fault on stderr. */
static inline int check_global_heap(void)
{
	struct mems_heap *heap = mems_default_heap();

	if (!heap) {
		fputs("the global MeMS is not initialised\n", stderr);
		return -ESRCH;
	}
	return mems_heap_check(heap, stderr);
}

/*
 * The policies come from the registry, never from a list of names here:
 * a test that runs under several walks mems_policy_info().
 */
static inline bool policy_built(const char *name)
{
	struct mems_policy_info info;
	unsigned int i;

	for (i = 0; !mems_policy_info(i, &info); i++)
		if (!strcmp(info.name, name))
			return true;
	return false;
}

/* How many built policies are not linear references. */
static inline unsigned int nr_indexed_policies(void)
{
	struct mems_policy_info info;
	unsigned int i, nr = 0;

	for (i = 0; !mems_policy_info(i, &info); i++)
		nr += !(info.flags & MEMS_POLICY_REFERENCE);
	return nr;
}

/*
 * The name of indexed policy number @k modulo their number, in registry
 * order, so that any @k names one; NULL when none is built.
 */
static inline const char *indexed_policy(unsigned int k)
{
	unsigned int i, nr = nr_indexed_policies();
	struct mems_policy_info info;

	if (!nr)
		return NULL;
	k %= nr;
	for (i = 0; !mems_policy_info(i, &info); i++)
		if (!(info.flags & MEMS_POLICY_REFERENCE) && !k--)
			return info.name;
	return NULL;
}

/* ---------------------------------------------------------------------
 * What is mapped
 */

/*
 * Return: 1 when every machine page of [@addr, @addr + @len) is mapped,
 * 0 when none is, -1 when only some are.  mincore() fails with ENOMEM
 * on a page that is not mapped, one page at a time.
 */
static inline int mapped(const void *addr, size_t len)
{
	size_t page = machine_page();
	uintptr_t first = U(addr) / page * page;
	uintptr_t end = U(addr) + len;
	size_t yes = 0, no = 0;
	unsigned char vec;
	uintptr_t p;

	for (p = first; p < end; p += page) {
		if (!mincore(V(p), 1, &vec))
			yes++;
		else if (errno == ENOMEM)
			no++;
		else
			return -1;
	}
	return !no ? 1 : !yes ? 0 : -1;
}

/*
 * A copy of /proc/self/maps, taken without calling malloc so that taking
 * it changes nothing it shows.  Keep snapshots in static storage.
 */
#define MAPS_MAX (512 * 1024)

struct maps_snapshot {
	char text[MAPS_MAX];
	size_t len;
};

/*
 * Touch stack below the caller first: a stack that grows between two
 * snapshots changes its line, whatever MeMS did.
 */
static __attribute__((noinline, unused)) void stack_prefault(void)
{
	volatile char room[64 * 1024];
	size_t i;

	for (i = 0; i < sizeof(room); i += 256)
		room[i] = 0;
}

/*
 * Valgrind maps memory of its own as the program runs, so /proc/self/maps
 * changes between two calls that map nothing: tests that compare it
 * skip there, or skip the comparison.
 */
#if defined(__has_include) && __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define on_valgrind() RUNNING_ON_VALGRIND
#else
#define on_valgrind() 0
#endif

#define SKIP_ON_VALGRIND()                                           \
	do {                                                         \
		if (on_valgrind())                                   \
			SKIP(return, "Valgrind's own mappings move " \
				     "/proc/self/maps");             \
	} while (0)

/* Return: 0, or -1 when maps could not be read whole. */
static inline int maps_snapshot(struct maps_snapshot *s)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	ssize_t got;

	stack_prefault();
	s->len = 0;
	if (fd < 0)
		return -1;
	while ((got = read(fd, s->text + s->len,
			   sizeof(s->text) - 1 - s->len)) > 0)
		s->len += (size_t)got;
	close(fd);
	s->text[s->len] = '\0';
	return got < 0 || s->len == sizeof(s->text) - 1 ? -1 : 0;
}

#endif /* MEMS_TEST_H */
