// SPDX-License-Identifier: MIT
/*
 * tools/replay/input.c - the bytes of a trace, from a file or standard
 * input, gzip-compressed or not.
 *
 * Traces of large programs run to gigabytes and compress tenfold, so a
 * gzip stream is read as it comes, recognised by its magic number
 * whatever the file's name, and a pipe (`-`) is read the same way: the
 * first bytes are looked at once, before the line reader sees them, and
 * nothing is read twice.  Those first bytes also tell a file that is no
 * text at all, which gets one line naming what it looks like instead of
 * an error about its first "line".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "input.h"
#include "trace.h"

/* What the first bytes are looked at for: the magic numbers and text. */
#define INPUT_HEAD 512
#define INPUT_RAW 65536

struct input {
	FILE *file; /* what the line reader reads */
	int fd;
	bool gzip;
	bool raw_eof;
	bool stream_end; /* the last gzip member is whole */
	const char *error; /* why the last read failed */
	z_stream z;
	unsigned char head[INPUT_HEAD];
	size_t head_len;
	size_t head_pos;
	unsigned char raw[INPUT_RAW];
};

/* read(2) until @len bytes or the end; -1 with errno on failure. */
static ssize_t read_full(int fd, unsigned char *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static int raw_fill(struct input *in)
{
	ssize_t n;

	do
		n = read(in->fd, in->raw, sizeof(in->raw));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		in->error = strerror(errno);
		return -1;
	}
	in->raw_eof = !n;
	in->z.next_in = in->raw;
	in->z.avail_in = (uInt)n;
	return 0;
}

/*
 * Up to @size bytes of the decompressed stream; 0 at its end.  One
 * member after another, as gzip itself reads a concatenation.
 */
static ssize_t gzip_read(struct input *in, unsigned char *buf, size_t size)
{
	uInt want = size > UINT32_MAX ? UINT32_MAX : (uInt)size;
	int ret;

	in->z.next_out = buf;
	in->z.avail_out = want;
	while (in->z.avail_out == want) {
		if (!in->z.avail_in && !in->raw_eof && raw_fill(in))
			return -1;
		if (in->stream_end) {
			if (!in->z.avail_in)
				return 0;
			inflateReset(&in->z);
			in->stream_end = false;
		}
		/* Without input, inflate may still hold output back. */
		ret = inflate(&in->z, Z_NO_FLUSH);
		if (ret == Z_STREAM_END) {
			in->stream_end = true;
		} else if (ret == Z_BUF_ERROR && in->raw_eof) {
			in->error = "truncated gzip data";
			return -1;
		} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			in->error = in->z.msg ? in->z.msg : "bad gzip data";
			return -1;
		}
	}
	return (ssize_t)(want - in->z.avail_out);
}

/* The line reader's read: the first bytes again, then the rest. */
static ssize_t input_read(void *cookie, char *buf, size_t size)
{
	struct input *in = cookie;
	ssize_t n;

	if (in->head_pos < in->head_len) {
		n = (ssize_t)(in->head_len - in->head_pos);
		if ((size_t)n > size)
			n = (ssize_t)size;
		memcpy(buf, in->head + in->head_pos, (size_t)n);
		in->head_pos += (size_t)n;
		return n;
	}
	if (in->gzip)
		return gzip_read(in, (unsigned char *)buf, size);
	n = read_full(in->fd, (unsigned char *)buf, size);
	if (n < 0)
		in->error = strerror(errno);
	return n;
}

static int input_cookie_close(void *cookie)
{
	(void)cookie;
	return 0;
}

/* Does @magic start the @len bytes at @buf? */
static bool starts(const unsigned char *buf, size_t len, const char *magic,
		   size_t magic_len)
{
	return len >= magic_len && !memcmp(buf, magic, magic_len);
}

#define STARTS(buf, len, magic) starts(buf, len, magic, sizeof(magic) - 1)

/*
 * Do the bytes read as protobuf's wire format: fields whose keys have a
 * field number and a known wire type, each as long as its type says, up
 * to where the bytes end?  Binary only: text reads as protobuf too.
 */
static bool looks_protobuf(const unsigned char *buf, size_t len)
{
	size_t i = 0, skip;
	uint64_t key, value;
	unsigned int shift;

	while (i < len) {
		for (key = 0, shift = 0; i < len && shift < 64; shift += 7) {
			key |= (uint64_t)(buf[i] & 0x7f) << shift;
			if (!(buf[i++] & 0x80))
				break;
		}
		if (!(key >> 3))
			return false;
		switch (key & 7) {
		case 0:
		case 2:
			for (value = 0, shift = 0; i < len && shift < 64;
			     shift += 7) {
				value |= (uint64_t)(buf[i] & 0x7f) << shift;
				if (!(buf[i++] & 0x80))
					break;
			}
			skip = (key & 7) == 2 ? value : 0;
			break;
		case 1:
			skip = 8;
			break;
		case 5:
			skip = 4;
			break;
		default:
			return false;
		}
		if (skip > len - i)
			return true;
		i += skip;
	}
	return true;
}

/*
 * A first line of text as traces hold it: no NUL, no control byte but
 * blanks.  A bad byte further on is the line parser's to tell, on its
 * line.
 */
static bool looks_text(const unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len && buf[i] != '\n'; i++)
		if (!buf[i] ||
		    (buf[i] < 0x20 && !strchr("\t\v\f\r", buf[i])))
			return false;
	return true;
}

/* What a file that is no trace looks like, or NULL for text. */
static const char *looks_like(const unsigned char *buf, size_t len)
{
	if (STARTS(buf, len, "\xfd" "7zXZ"))
		return "xz-compressed data";
	if (STARTS(buf, len, "BZh") && len > 3 && buf[3] >= '1' &&
	    buf[3] <= '9')
		return "bzip2-compressed data";
	if (STARTS(buf, len, "\x28\xb5\x2f\xfd"))
		return "zstd-compressed data";
	if (STARTS(buf, len, "\x04\x22\x4d\x18"))
		return "lz4-compressed data";
	if (STARTS(buf, len, "\x1f\x8b"))
		return "gzip-compressed data";
	if (STARTS(buf, len, "PK\x03\x04"))
		return "a zip archive";
	if (STARTS(buf, len, "\x7f" "ELF"))
		return "an ELF file";
	if (looks_text(buf, len))
		return NULL;
	if (looks_protobuf(buf, len))
		return "protobuf data";
	return "binary data";
}

/* The first bytes of the stream, decompressed when it is gzip. */
static int head_fill(struct input *in, const char *path)
{
	ssize_t n = read_full(in->fd, in->raw, INPUT_HEAD);

	if (n < 0) {
		trace_error(path, 1, "read error: %s", strerror(errno));
		return -1;
	}
	if (!STARTS(in->raw, (size_t)n, "\x1f\x8b")) {
		memcpy(in->head, in->raw, (size_t)n);
		in->head_len = (size_t)n;
		return 0;
	}
	in->gzip = true;
	in->raw_eof = n < INPUT_HEAD;
	in->z.next_in = in->raw;
	in->z.avail_in = (uInt)n;
	/* 16: a gzip header and trailer around the deflate data. */
	if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK) {
		trace_error(path, 0, "out of memory");
		return -1;
	}
	n = gzip_read(in, in->head, INPUT_HEAD);
	if (n < 0) {
		trace_error(path, 1, "read error: %s", in->error);
		return -1;
	}
	in->head_len = (size_t)n;
	return 0;
}

struct input *input_open(const char *path, const char *shown)
{
	static const cookie_io_functions_t io = {
		.read = input_read,
		.close = input_cookie_close,
	};
	struct input *in = calloc(1, sizeof(*in));
	const char *what;

	if (!in) {
		trace_error(shown, 0, "out of memory");
		return NULL;
	}
	in->fd = path ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (in->fd < 0) {
		trace_error(shown, 0, "cannot open: %s", strerror(errno));
		free(in);
		return NULL;
	}
	if (head_fill(in, shown))
		goto fail;
	what = looks_like(in->head, in->head_len);
	if (what) {
		trace_error(shown, 1, "not a trace: looks like %s%s", what,
			    in->gzip ? ", gzip-compressed" : "");
		goto fail;
	}
	in->file = fopencookie(in, "r", io);
	if (in->file)
		return in;
	trace_error(shown, 0, "out of memory");
fail:
	input_close(in);
	return NULL;
}

FILE *input_file(const struct input *in)
{
	return in->file;
}

const char *input_error(const struct input *in)
{
	return in->error ? in->error : strerror(EIO);
}

void input_close(struct input *in)
{
	if (in->file)
		fclose(in->file);
	if (in->gzip)
		inflateEnd(&in->z);
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	free(in);
}
