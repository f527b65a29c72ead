// SPDX-License-Identifier: MIT
/*
 * tools/dump/svg_util.c - XML escaping and byte labels for the SVG output.
 *
 * Trace paths and policy names reach the markup as they are, so whatever
 * XML 1.0 cannot carry (control characters, malformed or non-character
 * UTF-8) becomes U+FFFD rather than making the file unreadable.
 */
#include <stdio.h>
#include <string.h>

#include "svg_util.h"

#define REPLACEMENT_CHAR "\xef\xbf\xbd"

/* Length of the well-formed UTF-8 character at @p that XML allows, or 0. */
static size_t utf8_len(const unsigned char *p)
{
	size_t len, i;

	if (*p >= 0xc2 && *p <= 0xdf)
		len = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		len = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		len = 4;
	else
		return 0;
	for (i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* overlong forms, surrogates, beyond U+10FFFF, U+FFFE and U+FFFF */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90) ||
	    (p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe))
		return 0;
	return len;
}

/* Escapes markup and replaces what XML 1.0 cannot carry. */
void xml_puts(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len;

	while (*p) {
		if (*p == '<') {
			fputs("&lt;", out);
		} else if (*p == '>') {
			fputs("&gt;", out);
		} else if (*p == '&') {
			fputs("&amp;", out);
		} else if (*p == '"') {
			fputs("&quot;", out);
		} else if (*p >= 0x80) {
			len = utf8_len(p);
			if (len) {
				fwrite(p, 1, len, out);
				p += len;
				continue;
			}
			fputs(REPLACEMENT_CHAR, out);
		} else if (*p < 0x20 && *p != '\t' && *p != '\n') {
			fputs(REPLACEMENT_CHAR, out);
		} else {
			fputc(*p, out);
		}
		p++;
	}
}

/* 1536 -> "1.5 KiB"; three significant digits are plenty for a label. */
void human_bytes(char *buf, size_t len, uintmax_t bytes)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};
	double v = (double)bytes;
	unsigned int u = 0;
	char num[32], *end;

	while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	if (!u) {
		snprintf(buf, len, "%ju B", bytes);
		return;
	}
	snprintf(num, sizeof(num), "%.*f", v < 10.0 ? 2 : v < 100.0 ? 1 : 0,
		 v);
	end = num + strlen(num);
	while (strchr(num, '.') && (end[-1] == '0' || end[-1] == '.'))
		*--end = '\0';
	snprintf(buf, len, "%s %s", num, units[u]);
}
