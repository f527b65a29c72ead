// SPDX-License-Identifier: MIT
/*
 * tools/dump/render_json.c - a snapshot as one JSON object.
 *
 * The object carries the report's figures under the report's names and
 * the chains themselves, node by node (Documentation/tools.rst gives the
 * schema).  Addresses and sizes are JSON numbers: exact in any parser
 * that reads integers as such (Python's does), and below 2^53 for every
 * layout a course program uses.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "dump.h"

/* Bytes of the UTF-8 sequence at @s, or 0 when it is not valid. */
static size_t utf8_sequence(const unsigned char *s)
{
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, surrogates and code points above U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return len;
}

/*
 * @s as a JSON string.  A file name may hold any byte: one that is not
 * part of valid UTF-8 becomes U+FFFD, so the output always parses.
 */
void json_put_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	while (*p) {
		size_t len = utf8_sequence(p);

		if (!len) {
			fputs("\\ufffd", out);
			p++;
		} else if (*p == '"' || *p == '\\') {
			fprintf(out, "\\%c", *p++);
		} else if (*p < 0x20) {
			fprintf(out, "\\u%04x", *p++);
		} else {
			fwrite(p, 1, len, out);
			p += len;
		}
	}
	fputc('"', out);
}

static void json_node(FILE *out, const struct snapshot *snap,
		      const struct snap_node *node)
{
	size_t k;

	fprintf(out,
		"    {\"vstart\": %" PRIuPTR ", \"vend\": %" PRIuPTR
		", \"pages\": %zu, \"segments\": [",
		node->vstart, node->vend, node->pages);
	for (k = 0; k < node->nr_segs; k++) {
		const struct snap_seg *seg = &snap->segs[node->first_seg + k];

		fprintf(out,
			"%s\n      {\"type\": \"%s\", \"vstart\": %" PRIuPTR
			", \"vend\": %" PRIuPTR ", \"size\": %ju}",
			k ? "," : "", seg->is_hole ? "hole" : "process",
			seg->vstart, seg->vend,
			(uintmax_t)(seg->vend - seg->vstart) + 1);
	}
	fputs("]}", out);
}

int render_json_labelled(FILE *out, const struct snapshot *snap,
			 const struct dump_label *label)
{
	size_t pages = 0, unused = 0, i, k;

	for (i = 0; i < snap->nr_nodes; i++) {
		pages += snap->nodes[i].pages;
		for (k = 0; k < snap->nodes[i].nr_segs; k++) {
			const struct snap_seg *seg =
				&snap->segs[snap->nodes[i].first_seg + k];

			if (seg->is_hole)
				unused += seg->vend - seg->vstart + 1;
		}
	}
	fputs("{\n", out);
	if (label && label->trace) {
		fputs("  \"trace\": ", out);
		json_put_string(out, label->trace);
		fputs(",\n", out);
	}
	fputs("  \"policy\": ", out);
	json_put_string(out, snap->policy ? snap->policy : "");
	fprintf(out, ",\n  \"page_size\": %zu,\n  \"step\": %lu,\n",
		snap->page_size, snap->step);
	if (label && label->trigger)
		fprintf(out, "  \"trigger\": \"%s\",\n", label->trigger);
	fprintf(out,
		"  \"pages_used\": %zu,\n  \"space_unused\": %zu,\n"
		"  \"main_chain_length\": %zu,\n  \"sub_chain_lengths\": [",
		pages, unused, snap->nr_nodes);
	for (i = 0; i < snap->nr_nodes; i++)
		fprintf(out, "%s%zu", i ? ", " : "", snap->nodes[i].nr_segs);
	fputs("],\n  \"nodes\": [", out);
	for (i = 0; i < snap->nr_nodes; i++) {
		fputs(i ? ",\n" : "\n", out);
		json_node(out, snap, &snap->nodes[i]);
	}
	fputs(snap->nr_nodes ? "\n  ]\n}" : "]\n}", out);
	return ferror(out) ? -EIO : 0;
}

int render_json(FILE *out, const struct snapshot *snap)
{
	int err = render_json_labelled(out, snap, NULL);

	fputc('\n', out);
	return err ? err : ferror(out) ? -EIO : 0;
}
