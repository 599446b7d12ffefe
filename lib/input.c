#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "input.h"
#include "outfile.h"
#include "parse.h"
#include "util.h"

int
infmt_parse(const char *s)
{
	if (strcmp(s, "csv") == 0)
		return INFMT_CSV;
	if (strcmp(s, "json") == 0)
		return INFMT_JSON;
	if (strcmp(s, "jsonl") == 0 || strcmp(s, "ndjson") == 0)
		return INFMT_JSONL;
	return -1;
}

/* One CSV record as parsed: the fields, each NUL-terminated, in data. */
struct csvrec {
	struct buf data;
	size_t *off, *len;
	int n, cap;
	long line;
	int err;		/* enum quote_err */
	struct buf text;	/* err: the line as read, when the record is on one */
};

/* How a CSV record broke RFC 4180's quoting rules. */
enum quote_err { QERR_NONE, QERR_BARE, QERR_AFTER, QERR_OPEN };
static const char *const quote_msg[] = {
	NULL,
	"a quote inside an unquoted field: quote the whole field and double the quote, "
	    "as in \"27\"\" monitor\"",
	"text after a closing quote (a field is either quoted whole or not at all)",
	"a quoted field is never closed (the input ends inside quotes)",
};

struct raw {
	json_t *obj;		/* JSON: the top-level object */
	char *text;		/* JSON that did not parse: its text */
	char **fields;		/* CSV: the fields as read */
	size_t *len;
	int n;
};

struct input {
	const char *name;
	FILE *fp;
	int fmt;
	int status;
	const struct colspec *cols;
	int ncols;
	struct colspec *own_cols;	/* cols taken from the header */
	const char *nest;

	char *line;		/* current physical line (getline) */
	size_t linecap;
	size_t pos, len;	/* JSON: unread part of line */
	long lineno;
	struct buf pending;	/* sniffed but not yet consumed input */
	int pending_used;
	int eof;

	/* output record */
	const char **val;
	unsigned char *present;
	struct buf vals;	/* JSON: converted values */
	long blank;

	/* CSV */
	struct csv_parser csv;
	int csv_live;
	struct csvrec cur;	/* being parsed */
	struct csvrec *ready;	/* complete, waiting */
	int nready, capready;
	int in_record;
	int *colfield;		/* column -> field index or -1 */
	char **header;
	int nheader;
	struct csvrec out;	/* the record handed out */

	/* JSON */
	int array;		/* 1: a top-level array */
	int want;		/* array: 0 value or ], 1 value, 2 , or ], 3 end */
	json_t *obj;		/* current top-level object */
	json_t *nested;		/* obj[nest], an array, or NULL */
	size_t nest_i;		/* next element of nested */
	long objline;		/* where obj starts */
	struct buf jbuf;
	struct strmap unknown;
	int quiet_unknown;	/* ignore unknown columns without a word */
	int header_warned;	/* CSV: the unknown columns were reported */
};

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;	/* RFC 4180: spaces are part of a field */
}

static void
csvrec_clear(struct csvrec *r)
{
	buf_reset(&r->data);
	buf_reset(&r->text);
	r->n = 0;
	r->err = QERR_NONE;
}

static void
csvrec_release(struct csvrec *r)
{
	buf_release(&r->data);
	buf_release(&r->text);
	free(r->off);
	free(r->len);
	memset(r, 0, sizeof *r);
}

static void
csvrec_add(struct csvrec *r, const char *s, size_t n)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->off = xrealloc(r->off, r->cap * sizeof *r->off);
		r->len = xrealloc(r->len, r->cap * sizeof *r->len);
	}
	r->off[r->n] = r->data.len;
	r->len[r->n] = n;
	buf_add(&r->data, s ? s : "", n);
	buf_addc(&r->data, '\0');
	r->n++;
}

static const char *
csvrec_field(const struct csvrec *r, int i)
{
	return r->data.s + r->off[i];
}

static void
cb_field(void *s, size_t n, void *data)
{
	struct input *in = data;

	csvrec_add(&in->cur, s, n);
}

static void
cb_record(int c, void *data)
{
	struct input *in = data;
	struct csvrec tmp;

	(void)c;
	if (in->nready == in->capready) {
		in->capready = in->capready ? in->capready * 2 : 4;
		in->ready = xrealloc(in->ready, in->capready * sizeof *in->ready);
		memset(in->ready + in->nready, 0,
		    (in->capready - in->nready) * sizeof *in->ready);
	}
	/* swap buffers rather than copy */
	tmp = in->ready[in->nready];
	in->ready[in->nready] = in->cur;
	in->cur = tmp;
	csvrec_clear(&in->cur);
	in->nready++;
	in->in_record = 0;
}

static void
csv_restart(struct input *in)
{
	if (in->csv_live)
		csv_free(&in->csv);
	if (csv_init(&in->csv, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		diag_error("out of memory");
		exit(EX_SOFTWARE);
	}
	csv_set_space_func(&in->csv, no_space);
	/*
	 * libcsv grows a field's buffer by this much at a time (128 bytes
	 * by default): a 10 MB field cost 80000 reallocs, quadratic where
	 * realloc copies (AddressSanitizer: minutes).
	 */
	csv_set_blk_size(&in->csv, 1 << 16);
	in->csv_live = 1;
	csvrec_clear(&in->cur);
	in->in_record = 0;
}

/*
 * Read the next physical line into in->line; returns its length, or -1 at
 * the end (in->eof) or on a read error (in->status set).
 */
static ssize_t
next_line(struct input *in)
{
	ssize_t n;

	if (in->pending.len > 0 && !in->pending_used) {
		/* hand out the sniffed prefix one line at a time */
		char *nl = memchr(in->pending.s, '\n', in->pending.len);
		size_t take = nl ? (size_t)(nl - in->pending.s) + 1 : in->pending.len;

		if (in->linecap < take + 1) {
			in->linecap = take + 1;
			in->line = xrealloc(in->line, in->linecap);
		}
		memcpy(in->line, in->pending.s, take);
		in->line[take] = '\0';
		memmove(in->pending.s, in->pending.s + take, in->pending.len - take);
		in->pending.len -= take;
		if (in->pending.len == 0)
			in->pending_used = 1;
		in->lineno++;
		return (ssize_t)take;
	}
	if (in->eof)
		return -1;
	errno = 0;
	n = getline(&in->line, &in->linecap, in->fp);
	if (n < 0) {
		if (ferror(in->fp)) {
			diag_at(in->name, in->lineno + 1, "read error: %s", strerror(errno));
			in->status = EX_IOERR;
		}
		in->eof = 1;
		return -1;
	}
	in->lineno++;
	return n;
}

#define MAX_UNKNOWN_NAMED 10

static void
warn_unknown(struct input *in, const char *kind)
{
	struct buf b = BUF_INIT;
	size_t i, n = 0;

	if (in->quiet_unknown)
		return;
	for (i = 0; i < in->unknown.cap; i++) {
		if (in->unknown.keys[i] == NULL || in->unknown.vals[i] != NULL)
			continue;
		/* a hostile header can have a million: name a few */
		if (n++ < MAX_UNKNOWN_NAMED)
			buf_addf(&b, "%s\"%s\"", b.len ? ", " : "",
			    quote_value(in->unknown.keys[i]));
		in->unknown.vals[i] = in;	/* warned */
	}
	if (n > MAX_UNKNOWN_NAMED)
		buf_addf(&b, " and %zu more", n - MAX_UNKNOWN_NAMED);
	if (b.len)
		diag_warn("%s: ignoring unknown %s %s", in->name, kind, b.s);
	buf_release(&b);
}

/*
 * The column a CSV header name or JSON key names, or -1.  CSV headers are
 * matched ignoring case and surrounding spaces; JSON keys exactly.
 */
static int
find_col(const struct input *in, const char *name, size_t n)
{
	int c;

	if (in->fmt != INFMT_CSV) {
		for (c = 0; c < in->ncols; c++)
			if (strlen(in->cols[c].name) == n && memcmp(in->cols[c].name, name, n) == 0)
				return c;
		return -1;
	}
	/* trim spaces around a header name; compare ignoring case */
	while (n > 0 && (*name == ' ' || *name == '\t'))
		name++, n--;
	while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	for (c = 0; c < in->ncols; c++)
		if (strlen(in->cols[c].name) == n &&
		    strncasecmp(in->cols[c].name, name, n) == 0)
			return c;
	return -1;
}

static int
missing_required(struct input *in, const unsigned char *have)
{
	struct buf b = BUF_INIT;
	int c, n = 0;

	for (c = 0; c < in->ncols; c++) {
		if (!in->cols[c].required || have[c])
			continue;
		buf_addf(&b, "%s\"%s\"", n++ ? ", " : "", in->cols[c].name);
	}
	if (n)
		diag_at(in->name, 1, "missing required %s %s",
		    plural(n, "column", "columns"), b.s);
	buf_release(&b);
	return n;
}

/* Feed lines to libcsv until a record is ready; 0 at the end, -1 error. */
static int
csv_fill(struct input *in)
{
	while (in->nready == 0) {
		ssize_t n = next_line(in);
		size_t used;

		if (n < 0) {
			if (in->status)
				return -1;
			if (!in->csv_live)
				return 0;
			if (csv_fini(&in->csv, cb_field, cb_record, in) != 0) {
				/* an unterminated quote: hand out what we have */
				in->cur.err = QERR_OPEN;
				cb_record(-1, in);
			}
			csv_free(&in->csv);
			in->csv_live = 0;
			return in->nready > 0;
		}
		if (!in->in_record) {
			size_t len = (size_t)n;

			while (len > 0 && (in->line[len - 1] == '\n' || in->line[len - 1] == '\r'))
				len--;
			if (len > 0) {
				in->in_record = 1;
				in->cur.line = in->lineno;
			}
		}
		used = csv_parse(&in->csv, in->line, (size_t)n, cb_field, cb_record, in);
		if (used != (size_t)n) {
			/* bad quoting: report the record, resume on the next line */
			if (!in->in_record)
				in->cur.line = in->lineno;
			in->cur.err = in->line[used] == '"' ? QERR_BARE : QERR_AFTER;
			if (in->cur.line == in->lineno) {
				/* keep the line as it was for a rejects file */
				size_t len = (size_t)n;

				while (len > 0 && (in->line[len - 1] == '\n' || in->line[len - 1] == '\r'))
					len--;
				buf_add(&in->cur.text, in->line, len);
			}
			cb_record(-1, in);
			csv_restart(in);
		}
	}
	return 1;
}

/* Move the oldest ready record to in->out, keeping buffers for reuse. */
static void
csv_pop(struct input *in)
{
	struct csvrec tmp = in->out;

	in->out = in->ready[0];
	memmove(in->ready, in->ready + 1, (size_t)(in->nready - 1) * sizeof *in->ready);
	csvrec_clear(&tmp);
	in->ready[--in->nready] = tmp;
}

static int
csv_header(struct input *in)
{
	unsigned char *have = xcalloc((size_t)in->ncols, 1);
	struct csvrec *h;
	int i, r, bad = 0;

	r = csv_fill(in);
	if (r <= 0) {
		if (r == 0) {
			diag_at(in->name, 0, "empty input: no header row");
			in->status = EX_DATAERR;
		}
		free(have);
		return -1;
	}
	csv_pop(in);
	h = &in->out;
	if (h->err != QERR_NONE) {
		diag_at(in->name, h->line, "header row: %s", quote_msg[h->err]);
		in->status = EX_DATAERR;
		free(have);
		return -1;
	}
	in->nheader = h->n;
	in->header = xcalloc((size_t)h->n, sizeof *in->header);
	if (in->cols == NULL) {
		/* every header column, named as in the header */
		in->own_cols = xcalloc((size_t)h->n, sizeof *in->own_cols);
		for (i = 0; i < h->n; i++)
			in->own_cols[i].name = xmemdup(csvrec_field(h, i), h->len[i]);
		in->cols = in->own_cols;
		in->ncols = h->n;
		free(have);
		have = xcalloc((size_t)h->n, 1);
		in->val = xcalloc((size_t)h->n, sizeof *in->val);
		in->present = xcalloc((size_t)h->n, 1);
	}
	in->colfield = xmalloc((size_t)in->ncols * sizeof *in->colfield);
	for (i = 0; i < in->ncols; i++)
		in->colfield[i] = -1;
	for (i = 0; i < h->n; i++) {
		const char *name = csvrec_field(h, i);
		size_t n = h->len[i];
		int c;

		in->header[i] = xmemdup(name, n);
		if (!utf8_valid(name, n) || strlen(in->header[i]) != n) {
			diag_at(in->name, h->line, "header column %d is not valid UTF-8 text", i + 1);
			bad = 1;
			continue;
		}
		c = find_col(in, name, n);
		if (c < 0) {
			if (n > 0)
				strmap_put(&in->unknown, in->header[i], NULL);
			continue;
		}
		if (have[c]) {
			diag_at(in->name, h->line, "column \"%s\" appears twice in the header",
			    in->cols[c].name);
			bad = 1;
		}
		have[c] = 1;
		in->colfield[c] = i;
	}
	if (!bad)
		bad = missing_required(in, have) > 0;
	free(have);
	if (bad) {
		in->status = EX_DATAERR;
		return -1;
	}
	return 0;	/* unknown columns are reported by the first input_next() */
}

static int
csv_next(struct input *in, struct record *rec)
{
	struct csvrec *r;
	int c, r_;

	for (;;) {
		int blank = 1;

		r_ = csv_fill(in);
		if (r_ <= 0)
			return r_;
		csv_pop(in);
		r = &in->out;
		for (c = 0; c < r->n && blank; c++)
			blank = r->len[c] == 0;
		if (!blank || r->err != QERR_NONE)
			break;
		in->blank++;
	}
	rec->file = in->name;
	rec->line = r->line;
	rec->ncols = in->ncols;
	rec->val = in->val;
	rec->present = in->present;
	rec->error = NULL;
	if (r->err != QERR_NONE) {
		rec->error = quote_msg[r->err];
		for (c = 0; c < in->ncols; c++)
			in->val[c] = "", in->present[c] = 0;
		return 1;
	}
	if (r->n != in->nheader) {
		static char msg[80];

		snprintf(msg, sizeof msg, "expected %d fields as in the header, got %d",
		    in->nheader, r->n);
		rec->error = msg;
	}
	for (c = 0; c < in->ncols; c++) {
		int f = in->colfield[c];

		if (f < 0 || f >= r->n) {
			in->val[c] = "";
			in->present[c] = 0;
			continue;
		}
		in->val[c] = csvrec_field(r, f);
		in->present[c] = 1;
		if (rec->error == NULL && strlen(in->val[c]) != r->len[f])
			rec->error = "a field holds a NUL byte";
		if (rec->error == NULL && !utf8_valid(in->val[c], r->len[f]))
			rec->error = "a field is not valid UTF-8";
	}
	return 1;
}

/* --- JSON ------------------------------------------------------------- */

/* The next byte of input, or -1 at the end or on a read error. */
static int
json_getc(struct input *in)
{
	while (in->pos >= in->len) {
		ssize_t n = next_line(in);

		if (n < 0)
			return -1;
		in->pos = 0;
		in->len = (size_t)n;
	}
	return (unsigned char)in->line[in->pos++];
}

static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
json_fail(struct input *in, long line, const char *msg)
{
	diag_at(in->name, line, "invalid JSON: %s", msg);
	in->status = EX_DATAERR;
	return -1;
}

/*
 * Scan for the next complete top-level object into jbuf; objline is the
 * line it starts on.  Returns 1, 0 at the end, -1 on a structural error
 * (diagnosed).  The object's own syntax is left to jansson.
 */
static int
json_scan(struct input *in)
{
	int c, depth = 0, instr = 0, esc = 0;

	buf_reset(&in->jbuf);
	for (;;) {
		c = json_getc(in);
		if (c < 0)
			break;
		if (is_ws(c))
			continue;
		if (in->array) {
			if (in->want == 3)
				return json_fail(in, in->lineno, "text after the closing ]");
			if (c == ']' && in->want != 1) {
				in->want = 3;
				continue;
			}
			if (in->want == 2) {
				if (c != ',')
					return json_fail(in, in->lineno, "expected , or ] after an array element");
				in->want = 1;
				continue;
			}
		}
		if (c != '{')
			return json_fail(in, in->lineno, c == ']' ? "unexpected ]" :
			    c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') ||
			    c == 't' || c == 'f' || c == 'n' ?
			    "expected an object" : "unexpected character");
		in->objline = in->lineno;
		buf_addc(&in->jbuf, '{');
		depth = 1;
		while (depth > 0) {
			c = json_getc(in);
			if (c < 0)
				return in->status ? -1 :
				    json_fail(in, in->objline, "the input ends inside an object");
			buf_addc(&in->jbuf, (char)c);
			if (instr) {
				if (esc)
					esc = 0;
				else if (c == '\\')
					esc = 1;
				else if (c == '"')
					instr = 0;
			} else if (c == '"') {
				instr = 1;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				depth--;
			}
		}
		if (in->array)
			in->want = 2;
		return 1;
	}
	if (in->status)
		return -1;
	if (in->array && in->want != 3)
		return json_fail(in, in->lineno, "the input ends before the closing ]");
	return 0;
}

/* The text form of a JSON scalar into b; NULL or an error message. */
static const char *
json_text(struct buf *b, json_t *v)
{
	char num[32];

	switch (json_typeof(v)) {
	case JSON_STRING:
		buf_add(b, json_string_value(v), json_string_length(v));
		if (strlen(json_string_value(v)) != json_string_length(v))
			return "a value holds a NUL character";
		return NULL;
	case JSON_INTEGER:
		buf_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return NULL;
	case JSON_REAL:
		real_format(json_real_value(v), num);
		buf_adds(b, num);
		return NULL;
	case JSON_TRUE:
		buf_addc(b, '1');
		return NULL;
	case JSON_FALSE:
		buf_addc(b, '0');
		return NULL;
	case JSON_NULL:
		return NULL;
	default:
		return "a value is an object or array where a single value belongs";
	}
}

/* Note the keys of o that are neither columns nor the nest key. */
static void
json_note_unknown(struct input *in, json_t *o)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v) {
		(void)v;
		if (find_col(in, key, strlen(key)) >= 0 ||
		    (in->nest && strcmp(key, in->nest) == 0))
			continue;
		if (!strmap_get(&in->unknown, key, NULL))
			strmap_put(&in->unknown, key, NULL);
	}
	warn_unknown(in, "keys");
}

static int
json_next(struct input *in, struct record *rec)
{
	json_t *line = NULL;
	size_t *off = NULL;
	int c;

	while (in->nested == NULL || in->nest_i >= json_array_size(in->nested)) {
		json_error_t jerr;
		int r;

		json_decref(in->obj);
		in->obj = NULL;
		in->nested = NULL;
		r = json_scan(in);
		if (r <= 0)
			return r;
		/* NUL is allowed through jansson so that json_text() names it plainly */
		in->obj = json_loadb(in->jbuf.s, in->jbuf.len, JSON_REJECT_DUPLICATES |
		    JSON_ALLOW_NUL, &jerr);
		rec->file = in->name;
		rec->line = in->objline;
		rec->ncols = in->ncols;
		rec->val = in->val;
		rec->present = in->present;
		if (in->obj == NULL) {
			static char msg[200];

			snprintf(msg, sizeof msg, "invalid JSON: %s", jerr.text);
			rec->error = msg;
			for (c = 0; c < in->ncols; c++)
				in->val[c] = "", in->present[c] = 0;
			return 1;
		}
		json_note_unknown(in, in->obj);
		if (in->nest == NULL)
			break;
		in->nested = json_object_get(in->obj, in->nest);
		in->nest_i = 0;
		if (in->nested == NULL || !json_is_array(in->nested) ||
		    json_array_size(in->nested) == 0) {
			/* no nested lines: the object is the record */
			in->nested = NULL;
			break;
		}
	}
	if (in->nested != NULL) {
		line = json_array_get(in->nested, in->nest_i++);
		if (json_is_object(line))
			json_note_unknown(in, line);
	}
	rec->file = in->name;
	rec->line = in->objline;
	rec->ncols = in->ncols;
	rec->val = in->val;
	rec->present = in->present;
	rec->error = NULL;
	if (line != NULL && !json_is_object(line))
		rec->error = "each element of \"lines\" must be an object";
	else if (in->nest && in->nested == NULL && json_object_get(in->obj, in->nest) &&
	    !json_is_array(json_object_get(in->obj, in->nest)))
		rec->error = "\"lines\" must be an array of objects";
	buf_reset(&in->vals);
	off = xmalloc((size_t)in->ncols * sizeof *off);
	for (c = 0; c < in->ncols; c++) {
		json_t *v = line && json_is_object(line) ?
		    json_object_get(line, in->cols[c].name) : NULL;
		const char *err;

		if (v == NULL)
			v = json_object_get(in->obj, in->cols[c].name);
		off[c] = in->vals.len;
		in->present[c] = v != NULL && !json_is_null(v);
		if (v != NULL && (err = json_text(&in->vals, v)) != NULL && rec->error == NULL)
			rec->error = err;
		buf_addc(&in->vals, '\0');
	}
	for (c = 0; c < in->ncols; c++)
		in->val[c] = in->vals.s + off[c];
	free(off);
	return 1;
}

/* --- opening, sniffing ------------------------------------------------ */

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcasecmp(s + n - m, suf) == 0;
}

/*
 * Read ahead to the first byte that is not white space (after a BOM),
 * keeping what was read in pending; returns that byte or -1.
 */
static int
sniff(struct input *in)
{
	for (;;) {
		ssize_t n;
		size_t i;

		n = getline(&in->line, &in->linecap, in->fp);
		if (n < 0)
			return -1;
		buf_add(&in->pending, in->line, (size_t)n);
		i = 0;
		if (in->pending.len >= 3 && memcmp(in->pending.s, "\xef\xbb\xbf", 3) == 0)
			i = 3;
		for (; i < in->pending.len; i++)
			if (!is_ws((unsigned char)in->pending.s[i]))
				return (unsigned char)in->pending.s[i];
	}
}

struct input *
input_open(const char *path, enum infmt fmt, const struct colspec *cols,
    int ncols, const char *nest, int *status)
{
	struct input *in = xcalloc(1, sizeof *in);
	struct stat st;
	int first;

	in->name = path;
	in->cols = cols;
	in->ncols = ncols;
	in->nest = nest;
	if (cols != NULL) {
		in->val = xcalloc((size_t)ncols, sizeof *in->val);
		in->present = xcalloc((size_t)ncols, 1);
	}
	if (strcmp(path, "-") == 0) {
		in->fp = stdin;
	} else if ((in->fp = fopen(path, "r")) == NULL) {
		diag_at(path, 0, "cannot open: %s", strerror(errno));
		*status = EX_NOINPUT;
		input_close(in);
		return NULL;
	}
	if (fstat(fileno(in->fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		diag_at(path, 0, "is a directory, not a file");
		*status = EX_NOINPUT;
		input_close(in);
		return NULL;
	}
	first = sniff(in);
	if (ferror(in->fp)) {
		diag_at(path, 0, "read error: %s", strerror(errno));
		*status = EX_IOERR;
		input_close(in);
		return NULL;
	}
	if (fmt == INFMT_AUTO) {
		if (has_suffix(path, ".csv") || has_suffix(path, ".txt"))
			fmt = INFMT_CSV;
		else if (has_suffix(path, ".jsonl") || has_suffix(path, ".ndjson"))
			fmt = INFMT_JSONL;
		else if (has_suffix(path, ".json"))
			fmt = INFMT_JSON;
		else
			fmt = first == '[' || first == '{' ? INFMT_JSON : INFMT_CSV;
	}
	in->fmt = fmt;
	if (cols == NULL && fmt != INFMT_CSV) {
		diag_at(path, 0, "only CSV input can take its columns from a header");
		*status = EX_USAGE;
		input_close(in);
		return NULL;
	}
	/* a UTF-8 byte order mark is not part of the data */
	if (in->pending.len >= 3 && memcmp(in->pending.s, "\xef\xbb\xbf", 3) == 0)
		memmove(in->pending.s, in->pending.s + 3, (in->pending.len -= 3) + 1);
	if (fmt == INFMT_CSV) {
		csv_restart(in);
		if (csv_header(in) != 0) {
			*status = in->status;
			input_close(in);
			return NULL;
		}
		return in;
	}
	/* JSON: an array of objects, or objects one after another */
	if (first < 0) {
		diag_at(path, 0, "empty input: no JSON value");
		*status = EX_DATAERR;
		input_close(in);
		return NULL;
	}
	if (first == '[') {
		int c;

		while ((c = json_getc(in)) >= 0 && c != '[')
			;
		in->array = 1;
	}
	return in;
}

int
input_next(struct input *in, struct record *rec)
{
	int r;

	if (in->status)
		return -1;
	if (in->fmt == INFMT_CSV && !in->header_warned) {
		warn_unknown(in, "columns");
		in->header_warned = 1;
	}
	r = in->fmt == INFMT_CSV ? csv_next(in, rec) : json_next(in, rec);
	if (r < 0 && in->status == 0)
		in->status = EX_DATAERR;
	return r;
}

void
input_quiet_unknown(struct input *in)
{
	in->quiet_unknown = 1;
}

int
input_status(const struct input *in)
{
	return in->status;
}

const struct colspec *
input_columns(const struct input *in, int *ncols)
{
	*ncols = in->ncols;
	return in->cols;
}

long
input_blank_rows(const struct input *in)
{
	return in->blank;
}

void
input_close(struct input *in)
{
	int i;

	if (in == NULL)
		return;
	if (in->fp && in->fp != stdin)
		fclose(in->fp);
	if (in->csv_live)
		csv_free(&in->csv);
	csvrec_release(&in->cur);
	csvrec_release(&in->out);
	for (i = 0; i < in->capready; i++)
		csvrec_release(&in->ready[i]);
	free(in->ready);
	for (i = 0; i < in->nheader; i++)
		free(in->header[i]);
	free(in->header);
	free(in->colfield);
	free(in->line);
	buf_release(&in->pending);
	buf_release(&in->vals);
	buf_release(&in->jbuf);
	json_decref(in->obj);
	strmap_release(&in->unknown, NULL);
	if (in->own_cols != NULL) {
		for (i = 0; i < in->ncols; i++)
			free((char *)in->own_cols[i].name);
		free(in->own_cols);
	}
	free(in->val);
	free(in->present);
	free(in);
}

struct raw *
input_raw(struct input *in)
{
	struct raw *raw = xcalloc(1, sizeof *raw);
	int i;

	if (in->fmt != INFMT_CSV) {
		raw->obj = json_incref(in->obj);
		if (raw->obj == NULL)
			raw->text = xmemdup(buf_str(&in->jbuf), in->jbuf.len);
		return raw;
	}
	if (in->out.text.len > 0)
		raw->text = xmemdup(in->out.text.s, in->out.text.len);
	raw->n = in->out.n;
	raw->fields = xcalloc((size_t)raw->n, sizeof *raw->fields);
	raw->len = xcalloc((size_t)raw->n, sizeof *raw->len);
	for (i = 0; i < raw->n; i++) {
		raw->fields[i] = xmemdup(csvrec_field(&in->out, i), in->out.len[i]);
		raw->len[i] = in->out.len[i];
	}
	return raw;
}

void
raw_free(struct raw *raw)
{
	int i;

	if (raw == NULL)
		return;
	json_decref(raw->obj);
	free(raw->text);
	for (i = 0; i < raw->n; i++)
		free(raw->fields[i]);
	free(raw->fields);
	free(raw->len);
	free(raw);
}

/* --- rejects ---------------------------------------------------------- */

struct rejects {
	struct outfile of;
	const struct input *header_of;	/* whose header was written */
	const json_t *last;		/* JSON: last object written */
	long rows;
};

struct rejects *
rejects_open(const char *path, int *status)
{
	struct rejects *rj = xcalloc(1, sizeof *rj);

	if ((*status = outfile_open(&rj->of, path)) != 0) {
		free(rj);
		return NULL;
	}
	return rj;
}

static void
csv_put(FILE *fp, const char *s, size_t n)
{
	size_t i;

	if (n == 0 || strcspn(s, ",\"\r\n") == n) {
		fwrite(s, 1, n, fp);
		return;
	}
	putc('"', fp);
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			putc('"', fp);
		putc(s[i], fp);
	}
	putc('"', fp);
}

void
rejects_write(struct rejects *rj, const struct input *in, const struct raw *raw,
    const char *error)
{
	FILE *fp = rj->of.fp;
	int i;

	rj->rows++;
	if (raw->obj != NULL || in->fmt != INFMT_CSV) {
		json_t *o;
		char *s;

		if (raw->obj != NULL && raw->obj == rj->last)
			return;	/* one line per object, even with nested lines */
		rj->last = raw->obj;
		if (raw->obj != NULL) {
			o = json_copy(raw->obj);
		} else {
			/* not JSON at all: keep its text under "text" */
			o = json_object();
			json_object_set_new(o, "text", json_stringn(raw->text, strlen(raw->text)));
		}
		json_object_set_new(o, "error", json_string(error));
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (s)
			fprintf(fp, "%s\n", s);
		free(s);
		json_decref(o);
		return;
	}
	if (rj->header_of != in) {
		for (i = 0; i < in->nheader; i++) {
			csv_put(fp, in->header[i], strlen(in->header[i]));
			putc(',', fp);
		}
		fputs("error\n", fp);
		rj->header_of = in;
	}
	if (raw->text != NULL) {
		/* a line that is not CSV: as it was, then the error */
		fputs(raw->text, fp);
		putc(',', fp);
	} else {
		for (i = 0; i < raw->n; i++) {
			csv_put(fp, raw->fields[i], raw->len[i]);
			putc(',', fp);
		}
	}
	csv_put(fp, error, strlen(error));
	putc('\n', fp);
}

int
rejects_close(struct rejects *rj, int commit)
{
	int r;

	if (rj == NULL)
		return 0;
	r = outfile_close(&rj->of, commit);
	free(rj);
	return r;
}
