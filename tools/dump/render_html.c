// SPDX-License-Identifier: MIT
/*
 * tools/dump/render_html.c - mems-dump --format html: one self-contained
 * page that steps through a replay.
 *
 * The page does not hold every state: a trace of N steps on S segments
 * would make N * S of them.  It holds, per policy, one line per step: the
 * step's calls with the addresses the replay used, then what the step
 * changed; and now and then a keyframe, the whole state after a step, so
 * that the page's script (tools/dump/viewer/viewer.js) shows any step
 * from the keyframe before it and the changes since.  The placement
 * itself is only ever done here, by the library.
 *
 * The changes are found from what the step touched, not from the whole
 * state: a call changes the segments around the addresses it used, and
 * the heap maps or unmaps nodes only when its mmap and munmap counts
 * move.  So a step costs what it changed, looked up with
 * mems_heap_walk_range() and a table of the segments written so far
 * (seg_map.h); only the steps that map or unmap, and the keyframes, walk
 * the chains.  A keyframe is written once the lines since the last one
 * hold twice its bytes: keyframes then cost at most half of the page,
 * their walks time in proportion to it, and a step is never further
 * from one than twice a state's worth of changes.
 *
 * A step's line reads "CALLS|CHANGES".  CALLS are ';'-separated: "m SIZE
 * V" (malloc), "r SIZE V" (realloc), "f V", "g V", "t KEEP", "i", "s",
 * "x" (init, stats, finish), V 0 for none.  CHANGES are ';'-separated
 * too: "n AT DEL NODE..." replaces DEL nodes of the main chain from AT by
 * the NODEs, each "VSTART/PHYS/PAGES/SEGS"; "s ADDR SEGS" replaces the
 * segments that tile as many bytes from ADDR as the SEGS do, in the node
 * that holds ADDR.  SEGS are ','-separated sizes, a hole's negative:
 * segments tile their node, so their bounds follow from the first.  A
 * keyframe line, "=NODE NODE...", is the state after the step above it.
 *
 * The template, style and script are embedded by scripts/embed-files;
 * the template's lines "@STYLE@", "@DATA@" and "@SCRIPT@" are replaced.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mems/introspect.h>

#include "dump.h"
#include "palette.h"
#include "seg_map.h"

/* viewer_files.c, generated */
extern const unsigned char viewer_html[], viewer_css[], viewer_js[];
extern const size_t viewer_html_len, viewer_css_len, viewer_js_len;

/* The least bytes of lines between two keyframes. */
#define KEYFRAME_MIN_BYTES 4096

struct html_policy {
	const char *path; /* of the trace, for errors */
	const char *name;
	char *lines;
	size_t len;
	FILE *out; /* open on lines while replaying */
	bool step_has_call;
	bool check; /* compare the table with a walk after every step */
	/* What the page holds so far: the nodes, and their segments. */
	struct snap_node *nodes; /* first_seg, nr_segs unused */
	size_t nr_nodes;
	struct seg_map segs;
	/* What the step touched. */
	uintptr_t *touched;
	size_t nr_touched, touched_size;
	bool step_walks; /* init, trim, finish: the chains are walked */
	uintptr_t *block_addr; /* by handle, where the replay put it */
	size_t nr_blocks;
	struct mems_heap_stats last; /* after the step before */
	/* Keyframes: the bytes of lines at the last, and its own bytes. */
	long key_at;
	long key_bytes;
	unsigned long nr_keyframes;
};

struct html_page {
	const struct trace *trace;
	struct html_policy *policies;
	size_t nr_policies;
};

struct html_page *html_page_new(const struct trace *trace)
{
	struct html_page *page = calloc(1, sizeof(*page));

	if (page)
		page->trace = trace;
	return page;
}

static void policy_release(struct html_policy *pol)
{
	free(pol->nodes);
	pol->nodes = NULL;
	pol->nr_nodes = 0;
	seg_map_free(&pol->segs);
	free(pol->touched);
	pol->touched = NULL;
	free(pol->block_addr);
	pol->block_addr = NULL;
}

void html_page_free(struct html_page *page)
{
	size_t i;

	if (!page)
		return;
	for (i = 0; i < page->nr_policies; i++) {
		free(page->policies[i].lines);
		policy_release(&page->policies[i]);
	}
	free(page->policies);
	free(page);
}

static int touch(struct html_policy *pol, uintptr_t v)
{
	uintptr_t *grown;

	if (!v)
		return 0;
	if (pol->nr_touched == pol->touched_size) {
		pol->touched_size =
			pol->touched_size ? 2 * pol->touched_size : 8;
		grown = realloc(pol->touched,
				pol->touched_size * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		pol->touched = grown;
	}
	pol->touched[pol->nr_touched++] = v;
	return 0;
}

/* Where the replay put block @block, 0 when unknown. */
static uintptr_t *block_slot(struct html_policy *pol, size_t block)
{
	return block < pol->nr_blocks ? &pol->block_addr[block] : NULL;
}

/* A call changes the segments around the addresses it used. */
static int note_touched(struct html_policy *pol, const struct event *ev,
			uintptr_t v)
{
	uintptr_t *slot;
	int err = 0;

	switch (ev->kind) {
	case EVENT_REALLOC:
		slot = block_slot(pol, ev->old_block);
		if (slot)
			err = touch(pol, *slot);
		/* fall through */
	case EVENT_MALLOC:
		slot = block_slot(pol, ev->block);
		if (slot && v)
			*slot = v;
		return err ? err : touch(pol, v);
	case EVENT_FREE:
		return touch(pol, v);
	case EVENT_GET:
	case EVENT_STATS:
		return 0;
	default:
		pol->step_walks = true;
		return 0;
	}
}

static int html_event(void *arg, const struct event *ev, uintptr_t v)
{
	struct html_policy *pol = arg;
	FILE *out = pol->out;

	if (pol->step_has_call)
		fputc(';', out);
	pol->step_has_call = true;
	switch (ev->kind) {
	case EVENT_INIT:
		fputc('i', out);
		break;
	case EVENT_MALLOC:
		fprintf(out, "m %zu %" PRIuPTR, ev->size, v);
		break;
	case EVENT_REALLOC:
		fprintf(out, "r %zu %" PRIuPTR, ev->size, v);
		break;
	case EVENT_FREE:
		fprintf(out, "f %" PRIuPTR, v);
		break;
	case EVENT_GET:
		fprintf(out, "g %" PRIuPTR, v);
		break;
	case EVENT_TRIM:
		fprintf(out, "t %zu", ev->size);
		break;
	case EVENT_STATS:
		fputc('s', out);
		break;
	case EVENT_FINISH:
		fputc('x', out);
		break;
	}
	return note_touched(pol, ev, v);
}

/* ---------------------------------------------------------------------
 * A step's changes from what it touched
 */

/* The segments a range walk visits, gathered. */
struct seg_list {
	struct snap_seg *segs;
	size_t nr, size;
};

static int list_seg(const struct mems_node_info *node,
		    const struct mems_seg_info *seg, void *arg)
{
	struct seg_list *list = arg;
	struct snap_seg *grown;

	(void)node;
	if (list->nr == list->size) {
		list->size = list->size ? 2 * list->size : 16;
		grown = realloc(list->segs, list->size * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		list->segs = grown;
	}
	list->segs[list->nr++] = (struct snap_seg){ seg->vstart, seg->vend,
						    seg->type == MEMS_HOLE };
	return 0;
}

static int first_seg(const struct mems_node_info *node,
		     const struct mems_seg_info *seg, void *arg)
{
	(void)node;
	*(struct mems_seg_info *)arg = *seg;
	return 1;
}

/* The segment that holds @v now: 0, or -ENOENT in no node. */
static int seg_at(const struct mems_heap *heap, uintptr_t v,
		  struct mems_seg_info *seg)
{
	static const struct mems_walk_ops ops = { .seg = first_seg };
	int ret = mems_heap_walk_range(heap, v, v, &ops, seg);

	return ret == 1 ? 0 : ret ? ret : -ENOENT;
}

static void put_segs(FILE *out, const struct snap_seg *segs, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		fprintf(out, "%s%s%ju", i ? "," : "",
			segs[i].is_hole ? "-" : "",
			(uintmax_t)(segs[i].vend - segs[i].vstart) + 1);
}

/* Whether the table holds exactly @segs, from the first on. */
static bool table_holds(const struct seg_map *map, const struct snap_seg *segs,
			size_t nr)
{
	const struct seg_slot *s;
	size_t i;

	for (i = 0; i < nr; i++) {
		s = seg_map_get(map, segs[i].vstart);
		if (!s || s->end != segs[i].vend ||
		    s->hole != (bool)segs[i].is_hole)
			return false;
	}
	return true;
}

/*
 * "s ADDR SEGS" for @segs, which tile what the table holds from their
 * first address to their last, and the table brought up to them.
 */
static int put_seg_change(struct html_policy *pol, bool *first,
			  const struct snap_seg *segs, size_t nr)
{
	size_t i;

	if (!nr || table_holds(&pol->segs, segs, nr))
		return 0;
	fprintf(pol->out, "%ss %" PRIuPTR " ", *first ? "" : ";",
		segs[0].vstart);
	put_segs(pol->out, segs, nr);
	*first = false;
	seg_map_del_range(&pol->segs, segs[0].vstart, segs[nr - 1].vend);
	for (i = 0; i < nr; i++)
		if (seg_map_put(&pol->segs, segs[i].vstart, segs[i].vend,
				segs[i].is_hole))
			return -ENOMEM;
	return 0;
}

/*
 * The change around @v: from the segment that holds it now, widened
 * segment by segment until both ends are bounds of segments in the
 * table too, so that what is written replaces whole segments of it.  A
 * node's bounds are bounds in both, its nodes being the same.
 */
static int put_touched(struct html_policy *pol, const struct mems_heap *heap,
		       uintptr_t v, bool *first, struct seg_list *list)
{
	static const struct mems_walk_ops ops = { .seg = list_seg };
	struct mems_seg_info seg;
	uintptr_t lo, hi;
	int err;

	if (seg_at(heap, v, &seg))
		return 0;
	lo = seg.vstart;
	hi = seg.vend;
	while (!seg_map_get(&pol->segs, lo)) {
		if (seg_at(heap, lo - 1, &seg))
			return -EPROTO;
		lo = seg.vstart;
	}
	while (!seg_map_get(&pol->segs, hi + 1) && !seg_at(heap, hi + 1, &seg))
		hi = seg.vend;
	list->nr = 0;
	err = mems_heap_walk_range(heap, lo, hi, &ops, list);
	if (err)
		return err;
	return put_seg_change(pol, first, list->segs, list->nr);
}

/* ---------------------------------------------------------------------
 * A step that maps or unmaps: the chains walked
 */

static bool node_same(const struct snap_node *a, const struct snap_node *b)
{
	return a->vstart == b->vstart && a->vend == b->vend &&
	       a->pages == b->pages && a->phys == b->phys;
}

static void put_node(FILE *out, const struct snapshot *snap,
		     const struct snap_node *node)
{
	fprintf(out, "%" PRIuPTR "/%" PRIxPTR "/%zu/", node->vstart, node->phys,
		node->pages);
	put_segs(out, &snap->segs[node->first_seg], node->nr_segs);
}

static int table_add_node(struct seg_map *map, const struct snapshot *snap,
			  const struct snap_node *node)
{
	const struct snap_seg *seg = &snap->segs[node->first_seg];
	size_t i;

	for (i = 0; i < node->nr_segs; i++)
		if (seg_map_put(map, seg[i].vstart, seg[i].vend,
				seg[i].is_hole))
			return -ENOMEM;
	return 0;
}

/*
 * The segments of a node that stays: those between the longest head and
 * tail the table already holds.
 */
static int put_node_segs(struct html_policy *pol, const struct snapshot *snap,
			 const struct snap_node *node, bool *first)
{
	const struct snap_seg *segs = &snap->segs[node->first_seg];
	size_t nr = node->nr_segs, head = 0, tail = 0;

	while (head < nr && table_holds(&pol->segs, &segs[head], 1))
		head++;
	while (tail < nr - head &&
	       table_holds(&pol->segs, &segs[nr - 1 - tail], 1))
		tail++;
	return put_seg_change(pol, first, segs + head, nr - head - tail);
}

/* The nodes that differ between the main chain's common head and tail. */
static int put_walked(struct html_policy *pol, const struct snapshot *snap,
		      bool *first)
{
	size_t na = pol->nr_nodes, nb = snap->nr_nodes, head = 0, tail = 0;
	struct snap_node *nodes;
	size_t i;
	int err = 0;

	while (head < na && head < nb &&
	       node_same(&pol->nodes[head], &snap->nodes[head]))
		head++;
	while (tail < na - head && tail < nb - head &&
	       node_same(&pol->nodes[na - 1 - tail],
			 &snap->nodes[nb - 1 - tail]))
		tail++;
	if (head < na - tail || head < nb - tail) {
		fprintf(pol->out, "n %zu %zu", head, na - head - tail);
		for (i = head; i < nb - tail; i++) {
			fputc(' ', pol->out);
			put_node(pol->out, snap, &snap->nodes[i]);
		}
		*first = false;
		for (i = head; i < na - tail; i++)
			seg_map_del_range(&pol->segs, pol->nodes[i].vstart,
					  pol->nodes[i].vend);
		for (i = head; !err && i < nb - tail; i++)
			err = table_add_node(&pol->segs, snap, &snap->nodes[i]);
	}
	for (i = 0; !err && i < head; i++)
		err = put_node_segs(pol, snap, &snap->nodes[i], first);
	for (i = nb - tail; !err && i < nb; i++)
		err = put_node_segs(pol, snap, &snap->nodes[i], first);
	if (err)
		return err;
	nodes = realloc(pol->nodes, (nb + 1) * sizeof(*nodes));
	if (!nodes)
		return -ENOMEM;
	memcpy(nodes, snap->nodes, nb * sizeof(*nodes));
	pol->nodes = nodes;
	pol->nr_nodes = nb;
	return 0;
}

/* ---------------------------------------------------------------------
 * After each step
 */

static int walk_error(struct html_policy *pol, int err, unsigned long step)
{
	trace_error(pol->path, 0,
		    err == -ENOMEM ? "out of memory" :
				     "a walk of the chains after step %lu "
				     "disagrees with the heap's statistics",
		    step);
	return err;
}

static void put_keyframe(struct html_policy *pol, const struct snapshot *snap)
{
	long at = ftell(pol->out);
	size_t i;

	fputc('=', pol->out);
	for (i = 0; i < snap->nr_nodes; i++) {
		if (i)
			fputc(' ', pol->out);
		put_node(pol->out, snap, &snap->nodes[i]);
	}
	fputc('\n', pol->out);
	pol->key_at = ftell(pol->out);
	pol->key_bytes = pol->key_at - at;
	pol->nr_keyframes++;
}

/* --check: the table and the nodes the page holds against a walk. */
static int check_table(struct html_policy *pol, const struct snapshot *snap,
		       unsigned long step)
{
	bool same = snap->nr_nodes == pol->nr_nodes &&
		    snap->nr_segs == pol->segs.nr &&
		    table_holds(&pol->segs, snap->segs, snap->nr_segs);
	size_t i;

	for (i = 0; same && i < snap->nr_nodes; i++)
		same = node_same(&snap->nodes[i], &pol->nodes[i]);
	if (same)
		return 0;
	trace_error(pol->path, 0,
		    "the page's state after step %lu differs from a walk of "
		    "the chains",
		    step);
	return -EPROTO;
}

/* The chains, walked when the step asks it, and for keyframes and checks. */
static int html_walked(struct html_policy *pol, const struct mems_heap *heap,
		       unsigned long step, bool changed, bool *first)
{
	bool keyframe = ftell(pol->out) - pol->key_at >=
			(long)(2 * pol->key_bytes) + KEYFRAME_MIN_BYTES;
	struct snapshot snap;
	int err;

	if (!changed && !keyframe && !pol->check) {
		fputc('\n', pol->out);
		return 0;
	}
	err = snapshot_take(heap, step, &snap);
	if (err)
		return walk_error(pol, err, step);
	if (changed)
		err = put_walked(pol, &snap, first);
	fputc('\n', pol->out);
	if (!err && pol->check)
		err = check_table(pol, &snap, step);
	if (!err && keyframe)
		put_keyframe(pol, &snap);
	snapshot_free(&snap);
	if (err == -ENOMEM)
		return walk_error(pol, err, step);
	return err;
}

static int html_step(void *arg, const struct mems_heap *heap,
		     unsigned long step)
{
	struct html_policy *pol = arg;
	struct mems_heap_stats now;
	struct seg_list list = { 0 };
	bool first = true, walks;
	size_t i;
	int err = 0;

	mems_heap_stats(heap, &now);
	walks = pol->step_walks || now.nodes != pol->last.nodes ||
		now.mmap_calls != pol->last.mmap_calls ||
		now.munmap_calls != pol->last.munmap_calls;
	fputc('|', pol->out);
	for (i = 0; !walks && !err && i < pol->nr_touched; i++)
		err = put_touched(pol, heap, pol->touched[i], &first, &list);
	free(list.segs);
	if (err)
		return walk_error(pol, err, step);
	/* The walk writes the line's end, then maybe a keyframe. */
	err = html_walked(pol, heap, step, walks, &first);
	pol->last = now;
	pol->nr_touched = 0;
	pol->step_walks = false;
	pol->step_has_call = false;
	if (err)
		return -1;
	return ferror(pol->out) ? -ENOMEM : 0;
}

int html_page_add(struct html_page *page, struct replay_options *opts,
		  const char *policy)
{
	struct replay_hooks hooks = { html_event, html_step, NULL };
	struct html_policy *pols, *pol;
	struct replay_result result;
	int err;

	pols = realloc(page->policies, (page->nr_policies + 1) * sizeof(*pols));
	if (!pols)
		goto nomem;
	page->policies = pols;
	pol = &pols[page->nr_policies];
	memset(pol, 0, sizeof(*pol));
	pol->path = page->trace->path;
	pol->check = opts->check;
	pol->nr_blocks = page->trace->nr_blocks;
	pol->block_addr = calloc(pol->nr_blocks + 1, sizeof(*pol->block_addr));
	pol->out = open_memstream(&pol->lines, &pol->len);
	if (!pol->out || !pol->block_addr) {
		if (pol->out)
			fclose(pol->out);
		free(pol->lines);
		policy_release(pol);
		goto nomem;
	}
	page->nr_policies++;
	hooks.arg = pol;
	opts->policy = policy;
	opts->hooks = &hooks;
	opts->no_dumps = true;
	err = replay_run(page->trace, opts, &result);
	opts->hooks = NULL;
	if (fclose(pol->out) && !err)
		goto nomem;
	pol->out = NULL;
	policy_release(pol);
	if (err)
		return -1;
	pol->name = result.policy;
	replay_result_release(&result);
	return 0;
nomem:
	trace_error(page->trace->path, 0, "out of memory");
	return -1;
}

/*
 * A JSON string that may stand inside a <script> element: '<' is
 * escaped too, so that no file name can close it.
 */
static void put_script_string(FILE *out, const char *s)
{
	char *json = NULL, *p;
	size_t len = 0;
	FILE *mem = open_memstream(&json, &len);

	if (!mem)
		return;
	json_put_string(mem, s);
	if (fclose(mem)) {
		free(json);
		return;
	}
	for (p = json; *p; p++) {
		if (*p == '<')
			fputs("\\u003c", out);
		else
			fputc(*p, out);
	}
	free(json);
}

static void put_data(FILE *out, const struct html_page *page)
{
	size_t i;

	fputs("{\"trace\": ", out);
	put_script_string(out, page->trace->path);
	fprintf(out, ", \"format\": \"%s\", \"steps\": %lu, \"policies\": [",
		trace_format_name(page->trace->format), page->trace->nr_steps);
	for (i = 0; i < page->nr_policies; i++) {
		fputs(i ? ", " : "", out);
		put_script_string(out, page->policies[i].name);
	}
	fputs("]}\n", out);
	for (i = 0; i < page->nr_policies; i++) {
		fprintf(out, "@%zu\n", i);
		fwrite(page->policies[i].lines, 1, page->policies[i].len, out);
	}
}

/* The template's line @name, if @line is one: "@STYLE@" and the like. */
static bool is_marker(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len == n + 2 && line[0] == '@' && !memcmp(line + 1, name, n) &&
	       line[n + 1] == '@';
}

int html_page_write(FILE *out, const struct html_page *page)
{
	const char *p = (const char *)viewer_html;
	const char *end = p + viewer_html_len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (is_marker(p, len, "STYLE")) {
			fputs(PALETTE_CSS, out);
			fwrite(viewer_css, 1, viewer_css_len, out);
		} else if (is_marker(p, len, "SCRIPT")) {
			fwrite(viewer_js, 1, viewer_js_len, out);
		} else if (is_marker(p, len, "DATA")) {
			put_data(out, page);
		} else {
			fwrite(p, 1, len + (nl ? 1 : 0), out);
		}
		p += len + (nl ? 1 : 0);
	}
	return ferror(out) ? -EIO : 0;
}
