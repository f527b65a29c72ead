// SPDX-License-Identifier: MIT
/*
 * tools/replay/rep.c - reading CS:APP malloclab .rep files.
 *
 * Four header lines (suggested heap size, number of ids, number of
 * operations, weight), then "a ID SIZE", "f ID" and "r ID SIZE", fields
 * separated by blanks.  Ids are checked against the header and against
 * what is allocated: a free or realloc of an id that is not allocated is
 * an error, as the format's own driver would take it to be.
 */
#include <string.h>

#include "formats.h"
#include "reader.h"

struct rep_header {
	uintmax_t nr_ids;
	uintmax_t nr_ops;
	unsigned long ops_line;
};

/* One header line: a single number. */
static int rep_header_line(struct parser *p, uintmax_t *value)
{
	char *f[MAX_FIELDS];

	if (split_blanks(p->rd.line, f) != 1) {
		parse_error(p, "malformed .rep header: expected one number "
			       "per line");
		return -1;
	}
	return number_field(p, f[0], UINTMAX_MAX, value);
}

static int rep_header(struct parser *p, struct rep_header *hdr)
{
	uintmax_t value;
	int i, more;

	/* Heap size hint, ids, operations, weight; the first is read. */
	if (rep_header_line(p, &value))
		return -1;
	for (i = 1; i < 4; i++) {
		more = reader_next(&p->rd);
		if (more < 0)
			return -1;
		if (!more) {
			parse_error(p, "truncated .rep header: it has 4 lines");
			return -1;
		}
		if (rep_header_line(p, &value))
			return -1;
		if (i == 1)
			hdr->nr_ids = value;
		if (i == 2) {
			hdr->nr_ops = value;
			hdr->ops_line = p->rd.lineno;
		}
	}
	return 0;
}

/* The id field of a .rep operation, checked against the header. */
static int rep_id(struct parser *p, const struct rep_header *hdr,
		  const char *field, uintptr_t *id)
{
	struct shown shown;
	uintmax_t n;

	if (number_field(p, field, UINTPTR_MAX, &n))
		return -1;
	if (n >= hdr->nr_ids) {
		parse_error(p, "id %s out of range: the header says %ju ids",
			    show(&shown, field), hdr->nr_ids);
		return -1;
	}
	*id = (uintptr_t)n;
	return 0;
}

/* The live block of id @id, or NULL after saying why there is none. */
static struct live_block *rep_live(struct parser *p, uintptr_t id,
				   const char *op)
{
	struct live_block *block = blocks_at(&p->blocks, id);

	if (!block)
		parse_error(p, "%s of id %ju, which was never allocated", op,
			    (uintmax_t)id);
	else if (!block->live)
		parse_error(p, "%s of id %ju, which is already freed", op,
			    (uintmax_t)id);
	return block && block->live ? block : NULL;
}

static int rep_op(struct parser *p, const struct rep_header *hdr, char **f,
		  int n)
{
	struct live_block *block;
	struct shown shown;
	struct event *ev;
	uintptr_t id;
	size_t size = 0;
	char op = f[0][0];

	if (!strchr("afr", op) || f[0][1]) {
		parse_error(p, "unknown event '%s'", show(&shown, f[0]));
		return -1;
	}
	if (n != (op == 'f' ? 2 : 3))
		return malformed(p, op == 'a' ? "a ID SIZE" :
				    op == 'f' ? "f ID" :
						"r ID SIZE");
	if (rep_id(p, hdr, f[1], &id) || (n == 3 && size_field(p, f[2], &size)))
		return -1;
	block = blocks_at(&p->blocks, id);
	if (op == 'a') {
		if (block && block->live) {
			parse_error(p, "id %ju is already allocated",
				    (uintmax_t)id);
			return -1;
		}
		if (!block) {
			block = blocks_insert(&p->blocks, id, id, 0);
			if (!block)
				return out_of_memory(p);
		}
		ev = event_add(p, EVENT_MALLOC);
		if (!ev)
			return -1;
		block->live = true;
		block->handle = block_new(p);
		ev->size = size;
		ev->block = block->handle;
		return 0;
	}
	block = rep_live(p, id, op == 'f' ? "free" : "realloc");
	if (!block)
		return -1;
	ev = event_add(p, op == 'f' ? EVENT_FREE : EVENT_REALLOC);
	if (!ev)
		return -1;
	ev->addr = id;
	if (op == 'f') {
		ev->block = block->handle;
		block->live = false;
		return 0;
	}
	ev->size = size;
	ev->old_block = block->handle;
	block->handle = block_new(p);
	ev->block = block->handle;
	return 0;
}

int rep_parse(struct parser *p)
{
	struct rep_header hdr = { 0 };
	uintmax_t ops = 0;
	char *f[MAX_FIELDS];
	int n, more;

	if (rep_header(p, &hdr))
		return -1;
	while ((more = reader_next(&p->rd)) > 0) {
		n = split_blanks(p->rd.line, f);
		if (!n)
			continue;
		if (n > MAX_FIELDS)
			return malformed(p, "a ID SIZE', 'f ID' or 'r ID SIZE");
		p->step_open = false;
		if (rep_op(p, &hdr, f, n))
			return -1;
		ops++;
	}
	if (more < 0)
		return -1;
	if (ops != hdr.nr_ops) {
		trace_error(p->rd.path, hdr.ops_line,
			    "the header says %ju operations, the file has %ju",
			    hdr.nr_ops, ops);
		return -1;
	}
	return 0;
}

/* A .rep file starts with its first header line: one number. */
bool rep_detect(const char *line)
{
	char copy[64], *f[MAX_FIELDS];
	uintmax_t value;

	if (strlen(line) >= sizeof(copy))
		return false;
	strcpy(copy, line);
	return split_blanks(copy, f) == 1 &&
	       !number_parse(f[0], UINTMAX_MAX, &value);
}
