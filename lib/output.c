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
csv_field(struct writer *w, const char *s)
{
	size_t n = strlen(s), i, q = 0;
	char *p;

	if (w->safe_csv && n > 0 && strchr("=+-@\t\r", s[0]) != NULL) {
		/* keep spreadsheets from running it as a formula */
		buf_adds(&w->line, "\"'");
		for (; *s; s++) {
			if (*s == '"')
				buf_addc(&w->line, '"');
			buf_addc(&w->line, *s);
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
	for (; *s; s++) {
		if (*s == '"')
			*p++ = '"';
		*p++ = *s;
	}
	*p++ = '"';
	w->line.len = (size_t)(p - w->line.s);
}

/* s as a JSON string literal, quotes included. */
static void
json_string(struct writer *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s);
	char *p = room(w, 6 * n + 2);

	*p++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

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
		csv_field(w, cols[i].name);
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
	char *p = room(w, 20);

	if (v >= 0 && v < 10) {
		*p = (char)('0' + v);
		w->line.len++;
		return;
	}
	w->line.len += strlen(int_text(p, v));
}

void
writer_row_ints(struct writer *w, const char *const *vals, const int64_t *ints)
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
			}
			if (v != NULL && v[0] != '\0')
				csv_field(w, v);
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
				json_string(w, v);
			else
				raw(w, v, strlen(v));
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
