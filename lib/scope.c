#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "input.h"
#include "parse.h"
#include "scope.h"
#include "util.h"
#include "store-alloc.h"

void
scope_add(struct scope *s, const char *order_id, const char *file, long line)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, (size_t)s->cap * sizeof *s->v);
	}
	s->v[s->n].order_id = xstrdup(order_id);
	s->v[s->n].file = file;
	s->v[s->n].line = line;
	s->n++;
	s->on = 1;
}

int
scope_read(struct scope *s, const char *file, int infmt)
{
	static const struct colspec cols[] = { { "order_id", 1 } };
	struct input *in;
	struct record r;
	int status = 0, rc;

	if ((in = input_open(file, infmt, cols, 1, "lines", &status)) == NULL)
		return status;
	input_quiet_unknown(in);
	while ((rc = input_next(in, &r)) == 1) {
		if (r.error || r.val[0][0] == '\0') {
			diag_at(r.file, r.line, "%s", r.error ? r.error : "order_id is empty");
			status = EX_DATAERR;
			continue;
		}
		/* a file of lines names an order many times: once is enough */
		if (s->n == 0 || strcmp(s->v[s->n - 1].order_id, r.val[0]) != 0)
			scope_add(s, r.val[0], file, r.line);
	}
	if (rc < 0)
		status = input_status(in);
	input_close(in);
	return status;
}

void
scope_free(struct scope *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		free((char *)s->v[i].order_id);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

int
scope_on(const struct scope *s)
{
	return s != NULL && s->on;
}

int
scope_load(struct store *st, const struct scope *s)
{
	const struct scope_order *v = s ? s->v : NULL;
	int i, n = scope_on(s) ? s->n : 0, unknown = 0;

	if (store_scope_reset(st) != 0)
		return store_status(st);
	for (i = 0; i < n; i++) {
		int k = store_scope_add(st, v[i].order_id);

		if (k < 0)
			return store_status(st);
		if (k == 0) {
			if (v[i].file)
				diag_at(v[i].file, v[i].line, "unknown order \"%s\"",
				    quote_value(v[i].order_id));
			else
				diag_error("unknown order \"%s\"", quote_value(v[i].order_id));
			unknown++;
		}
	}
	return unknown ? EX_DATAERR : 0;
}
