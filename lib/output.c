#include <stdlib.h>
#include <string.h>

#include "output.h"

int
outfmt_parse(const char *s)
{
	if (strcmp(s, "csv") == 0)
		return OUTFMT_CSV;
	if (strcmp(s, "jsonl") == 0 || strcmp(s, "ndjson") == 0)
		return OUTFMT_JSONL;
	if (strcmp(s, "json") == 0)
		return OUTFMT_JSON;
	return -1;
}

char *
int_text(char *buf, int64_t v)
{
	char tmp[24], *p = tmp + sizeof tmp;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	size_t n;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	n = (size_t)(tmp + sizeof tmp - p);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* Room for n more bytes in the line, and its end (called per value: inline). */
static inline char *
room(struct writer *w, size_t n)
{
	if (w->line.cap < w->line.len + n + 2)
		buf_grow(&w->line, n + 1);
	return w->line.s + w->line.len;
}

static void
csv_field(struct writer *w, const char *s, size_t n)
{
	size_t i, q = 0;
	char *p;

	if (w->safe_csv && n > 0 && strchr("=+-@\t\r", s[0]) != NULL) {
		/* keep spreadsheets from running it as a formula */
		buf_adds(&w->line, "\"'");
		for (i = 0; i < n; i++) {
			if (s[i] == '"')
				buf_addc(&w->line, '"');
			buf_addc(&w->line, s[i]);
		}
		buf_addc(&w->line, '"');
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* one comparison for most bytes: the four all sort before '-' */
		if (c < '-' && (c == ',' || c == '"' || c == '\r' || c == '\n')) {
			q = 1;
			break;
		}
	}
	if (!q) {
		p = room(w, n);
		memcpy(p, s, n);
		w->line.len += n;
		return;
	}
	p = room(w, 2 * n + 2);
	*p++ = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			*p++ = '"';
		*p++ = s[i];
	}
	*p++ = '"';
	w->line.len = (size_t)(p - w->line.s);
}

/*
 * How many of s's n bytes come before the first a JSON string must
 * escape (a control character, '"' or '\\'): eight at a time, with the
 * tests of "Bit Twiddling Hacks" (a byte of x below 0x20; a byte equal
 * to '"' or '\\', a zero byte of x XOR it), which tell exactly whether
 * any byte of the eight is one, then byte by byte in the eight that has.
 */
static size_t
plain_json(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x, q, b;

		memcpy(&x, s + i, 8);
		q = x ^ ('"' * ones);
		b = x ^ ('\\' * ones);
		if ((((x - 0x20 * ones) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs)
			break;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"' || c == '\\')
			break;
	}
	return i;
}

/* s, n bytes, as a JSON string literal, quotes included. */
static void
json_string(struct writer *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *p = room(w, 6 * n + 2);
	size_t i;

	*p++ = '"';
	/* most text needs no escape: up to the first that does, at once */
	i = plain_json(s, n);
	memcpy(p, s, i);
	p += i;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"': *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		default:
			*p++ = 'u', *p++ = '0', *p++ = '0';
			*p++ = hex[c >> 4], *p++ = hex[c & 15];
		}
	}
	*p++ = '"';
	w->line.len = (size_t)(p - w->line.s);
}

static void
raw(struct writer *w, const char *s, size_t n)
{
	char *p = room(w, n);

	memcpy(p, s, n);
	w->line.len += n;
}

void
writer_init(struct writer *w, FILE *fp, enum outfmt fmt,
    const struct outcol *cols, int ncols)
{
	int i;

	memset(w, 0, sizeof *w);
	w->fp = fp;
	w->fmt = fmt;
	w->cols = cols;
	w->ncols = ncols;
	if (fmt != OUTFMT_CSV) {
		/* each column's key, as it opens its member: {"name": and ,"name": */
		struct buf keys = BUF_INIT;

		w->key = xmalloc((size_t)(ncols + 1) * sizeof *w->key);
		for (i = 0; i < ncols; i++) {
			w->key[i] = keys.len;
			buf_addc(&keys, i ? ',' : '{');
			buf_add_json_string(&keys, cols[i].name, strlen(cols[i].name));
			buf_addc(&keys, ':');
		}
		w->key[ncols] = keys.len;
		w->keys = keys.s ? keys.s : xstrdup("");
		return;
	}
	if (fp == NULL)
		return;	/* rows only, kept in w->line */
	for (i = 0; i < ncols; i++) {
		if (i)
			buf_addc(&w->line, ',');
		csv_field(w, cols[i].name, strlen(cols[i].name));
	}
	buf_addc(&w->line, '\n');
	fwrite(w->line.s, 1, w->line.len, fp);
	buf_reset(&w->line);
}

const char writer_int[] = "";

/* v in decimal at the end of the line (a non-negative one, or no safe_csv). */
static void
int_field(struct writer *w, int64_t v)
{
	static const char pairs[] =
	    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	    "8081828384858687888990919293949596979899";
	char *p = room(w, 20), *e;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v, t;
	size_t n = 1;

	if (v < 0)
		*p++ = '-', w->line.len++;
	for (t = u; t >= 10; t /= 10)
		n++;
	e = p + n;
	/* two digits at a time, from the last */
	while (u >= 100) {
		e -= 2;
		memcpy(e, pairs + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10)
		memcpy(e - 2, pairs + 2 * u, 2);
	else
		e[-1] = (char)('0' + u);
	w->line.len += n;
}

void
writer_row_lens(struct writer *w, const char *const *vals, const size_t *lens,
    const int64_t *ints)
{
	int i;

	if (w->fp != NULL)
		w->line.len = 0;
	if (w->fmt == OUTFMT_CSV) {
		for (i = 0; i < w->ncols; i++) {
			const char *v = vals[i];
			char num[24];

			if (i)
				*room(w, 1) = ',', w->line.len++;
			if (v == writer_int) {
				if (ints[i] >= 0 || !w->safe_csv) {
					int_field(w, ints[i]);
					continue;
				}
				v = int_text(num, ints[i]);	/* as text: "'-1" */
				csv_field(w, v, strlen(v));
			} else if (v != NULL && v[0] != '\0')
				csv_field(w, v, lens ? lens[i] : strlen(v));
		}
	} else {
		if (w->fmt == OUTFMT_JSON)
			raw(w, w->rows || w->fp == NULL ? ",\n" : "[\n", 2);
		for (i = 0; i < w->ncols; i++) {
			const char *v = vals[i];

			raw(w, w->keys + w->key[i], w->key[i + 1] - w->key[i]);
			if (v == writer_int)
				int_field(w, ints[i]);
			else if (v == NULL || (*v == '\0' && w->cols[i].type != COL_TEXT))
				raw(w, "null", 4);
			else if (w->cols[i].type == COL_TEXT)
				json_string(w, v, lens ? lens[i] : strlen(v));
			else
				raw(w, v, lens ? lens[i] : strlen(v));
		}
		if (w->ncols == 0)
			raw(w, "{", 1);
		raw(w, "}", 1);
	}
	if (w->fmt != OUTFMT_JSON)
		raw(w, "\n", 1);
	if (w->fp != NULL)
		fwrite(w->line.s, 1, w->line.len, w->fp);
	w->rows++;
}

void
writer_row_ints(struct writer *w, const char *const *vals, const int64_t *ints)
{
	writer_row_lens(w, vals, NULL, ints);
}

void
writer_row(struct writer *w, const char *const *vals)
{
	writer_row_ints(w, vals, NULL);
}

void
writer_finish(struct writer *w)
{
	if (w->fmt == OUTFMT_JSON && w->fp != NULL)
		fputs(w->rows ? "\n]\n" : "[]\n", w->fp);
	buf_release(&w->line);
	free(w->keys);
	free(w->key);
	w->keys = NULL;
	w->key = NULL;
}
