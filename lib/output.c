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

static void
csv_field(struct writer *w, const char *s)
{
	size_t n = strlen(s);

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
	if (strcspn(s, ",\"\r\n") == n) {
		buf_add(&w->line, s, n);
		return;
	}
	buf_addc(&w->line, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(&w->line, '"');
		buf_addc(&w->line, *s);
	}
	buf_addc(&w->line, '"');
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
	if (fmt != OUTFMT_CSV)
		return;
	for (i = 0; i < ncols; i++) {
		if (i)
			buf_addc(&w->line, ',');
		csv_field(w, cols[i].name);
	}
	buf_addc(&w->line, '\n');
	fwrite(w->line.s, 1, w->line.len, fp);
	buf_reset(&w->line);
}

void
writer_row(struct writer *w, const char *const *vals)
{
	int i;

	buf_reset(&w->line);
	if (w->fmt == OUTFMT_CSV) {
		for (i = 0; i < w->ncols; i++) {
			if (i)
				buf_addc(&w->line, ',');
			csv_field(w, vals[i] ? vals[i] : "");
		}
	} else {
		if (w->fmt == OUTFMT_JSON)
			buf_adds(&w->line, w->rows ? ",\n" : "[\n");
		buf_addc(&w->line, '{');
		for (i = 0; i < w->ncols; i++) {
			const char *v = vals[i];

			if (i)
				buf_addc(&w->line, ',');
			buf_add_json_string(&w->line, w->cols[i].name, strlen(w->cols[i].name));
			buf_addc(&w->line, ':');
			if (v == NULL || (*v == '\0' && w->cols[i].type != COL_TEXT))
				buf_adds(&w->line, "null");
			else if (w->cols[i].type == COL_TEXT)
				buf_add_json_string(&w->line, v, strlen(v));
			else
				buf_adds(&w->line, v);
		}
		buf_addc(&w->line, '}');
	}
	if (w->fmt != OUTFMT_JSON)
		buf_addc(&w->line, '\n');
	fwrite(w->line.s, 1, w->line.len, w->fp);
	w->rows++;
}

void
writer_finish(struct writer *w)
{
	if (w->fmt == OUTFMT_JSON)
		fputs(w->rows ? "\n]\n" : "[]\n", w->fp);
	buf_release(&w->line);
}
