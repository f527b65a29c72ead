// SPDX-License-Identifier: MIT
/*
 * tools/dump/render_html.c - mems-dump --format html: one self-contained
 * page that steps through a replay.
 *
 * The page does not hold every state: a trace of N steps on S segments
 * would make N * S of them.  It holds, per policy, one line per step: the
 * step's calls with the addresses the replay used, then what the step
 * changed, as splices of the main chain and of sub-chains worked out by
 * comparing the state after the step with the one before.  The page's
 * script (tools/dump/viewer/viewer.js) applies the lines forward from
 * the empty heap, keeping checkpoints to jump back from; the placement
 * itself is only ever done here, by the library.
 *
 * A line reads "CALLS|CHANGES".  CALLS are ';'-separated: "m SIZE V"
 * (malloc), "r SIZE V" (realloc), "f V", "g V", "t KEEP", "i", "s", "x"
 * (init, stats, finish), V 0 for none.  CHANGES are ';'-separated too,
 * the main chain's first: "n AT DEL NODE..." replaces DEL nodes from AT
 * by the NODEs, each "VSTART/PHYS/PAGES/SEGS"; "s NODE AT DEL SEGS"
 * replaces DEL segments from AT of that node (numbered after the main
 * chain's change).  SEGS are ','-separated sizes, a hole's negative:
 * segments tile their node, so their bounds follow from its start.
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

/* viewer_files.c, generated */
extern const unsigned char viewer_html[], viewer_css[], viewer_js[];
extern const size_t viewer_html_len, viewer_css_len, viewer_js_len;

struct html_policy {
	const char *path; /* of the trace, for errors */
	const char *name;
	char *lines;
	size_t len;
	FILE *out; /* open on lines while replaying */
	struct snapshot prev;
	bool step_has_call;
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

void html_page_free(struct html_page *page)
{
	size_t i;

	if (!page)
		return;
	for (i = 0; i < page->nr_policies; i++) {
		free(page->policies[i].lines);
		snapshot_free(&page->policies[i].prev);
	}
	free(page->policies);
	free(page);
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
	return 0;
}

static bool node_same(const struct snap_node *a, const struct snap_node *b)
{
	return a->vstart == b->vstart && a->vend == b->vend &&
	       a->pages == b->pages && a->phys == b->phys;
}

static bool seg_same(const struct snap_seg *a, const struct snap_seg *b)
{
	return a->vstart == b->vstart && a->vend == b->vend &&
	       a->is_hole == b->is_hole;
}

static void put_segs(FILE *out, const struct snap_seg *segs, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		fprintf(out, "%s%s%ju", i ? "," : "",
			segs[i].is_hole ? "-" : "",
			(uintmax_t)(segs[i].vend - segs[i].vstart) + 1);
}

/* "s NODE AT DEL SEGS" when @new's segments differ from @old's. */
static void put_seg_change(FILE *out, const struct snapshot *prev,
			   const struct snap_node *old,
			   const struct snapshot *snap,
			   const struct snap_node *new, size_t index,
			   bool *first)
{
	const struct snap_seg *a = &prev->segs[old->first_seg];
	const struct snap_seg *b = &snap->segs[new->first_seg];
	size_t na = old->nr_segs, nb = new->nr_segs, head = 0, tail = 0;

	while (head < na && head < nb && seg_same(&a[head], &b[head]))
		head++;
	while (tail < na - head && tail < nb - head &&
	       seg_same(&a[na - 1 - tail], &b[nb - 1 - tail]))
		tail++;
	if (head == na && head == nb)
		return;
	fprintf(out, "%ss %zu %zu %zu ", *first ? "" : ";", index, head,
		na - head - tail);
	put_segs(out, b + head, nb - head - tail);
	*first = false;
}

/*
 * The change from @prev to @snap: the nodes that differ between the
 * longest common head and tail of the main chain, then the segments that
 * differ in the nodes both share.
 */
static void put_changes(FILE *out, const struct snapshot *prev,
			const struct snapshot *snap)
{
	size_t na = prev->nr_nodes, nb = snap->nr_nodes, head = 0, tail = 0;
	bool first = true;
	size_t i;

	while (head < na && head < nb &&
	       node_same(&prev->nodes[head], &snap->nodes[head]))
		head++;
	while (tail < na - head && tail < nb - head &&
	       node_same(&prev->nodes[na - 1 - tail],
			 &snap->nodes[nb - 1 - tail]))
		tail++;
	if (head < na - tail || head < nb - tail) {
		fprintf(out, "n %zu %zu", head, na - head - tail);
		for (i = head; i < nb - tail; i++) {
			const struct snap_node *node = &snap->nodes[i];

			fprintf(out, " %" PRIuPTR "/%" PRIxPTR "/%zu/",
				node->vstart, node->phys, node->pages);
			put_segs(out, &snap->segs[node->first_seg],
				 node->nr_segs);
		}
		first = false;
	}
	for (i = 0; i < head; i++)
		put_seg_change(out, prev, &prev->nodes[i], snap,
			       &snap->nodes[i], i, &first);
	for (i = 0; i < tail; i++)
		put_seg_change(out, prev, &prev->nodes[na - tail + i], snap,
			       &snap->nodes[nb - tail + i], nb - tail + i,
			       &first);
}

static int html_step(void *arg, const struct mems_heap *heap,
		     unsigned long step)
{
	struct html_policy *pol = arg;
	struct snapshot snap;
	int err = snapshot_take(heap, step, &snap);

	if (err) {
		trace_error(pol->path, 0,
			    err == -ENOMEM ?
				    "out of memory" :
				    "a walk of the chains after step %lu "
				    "disagrees with the heap's statistics",
			    step);
		return err;
	}
	fputc('|', pol->out);
	put_changes(pol->out, &pol->prev, &snap);
	fputc('\n', pol->out);
	snapshot_free(&pol->prev);
	pol->prev = snap;
	pol->step_has_call = false;
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
	pol->out = open_memstream(&pol->lines, &pol->len);
	if (!pol->out)
		goto nomem;
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
	snapshot_free(&pol->prev);
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
