#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "eoq.h"
#include "html.h"
#include "kpi.h"
#include "output.h"
#include "report.h"

static const char *const views[] = { "inventory", "lines", "check", "events", "runs",
	"kpi", "eoq" };

int
report_valid(const char *view)
{
	return strtab_find(views, sizeof views / sizeof *views, view) >= 0;
}

static int64_t
num(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

struct ctx {
	struct store *st;
	const struct report_opts *o;
	struct writer w;
	FILE *fp;
	const struct outcol *cols;
	int ncols;
	int started;
	long violations;
	/* inventory --by sku: the sku being summed */
	char *sku;
	int64_t on_hand, safety, reserved, atp;
};

/* Start the table on its first row (check prints nothing when clean). */
static void
row(struct ctx *c, const char *const *vals)
{
	if (!c->started) {
		writer_init(&c->w, c->fp, c->o->format, c->cols, c->ncols);
		c->w.safe_csv = c->o->safe_csv;
		c->started = 1;
	}
	writer_row(&c->w, vals);
}

/* --- inventory -------------------------------------------------------- */

static const struct outcol inv_cols[] = {
	{ "node_id", COL_TEXT }, { "sku", COL_TEXT }, { "on_hand", COL_NUM },
	{ "safety_stock", COL_NUM }, { "reserved", COL_NUM }, { "atp", COL_NUM },
};

static int
inv_row(void *p, int n, const char *const *v)
{
	struct ctx *c = p;
	char atp[24];
	const char *out[6];

	(void)n;
	snprintf(atp, sizeof atp, "%lld", (long long)node_atp(num(v[2]), num(v[3]), num(v[4])));
	out[0] = v[0], out[1] = v[1], out[2] = v[2], out[3] = v[3], out[4] = v[4], out[5] = atp;
	row(c, out);
	return 0;
}

static const struct outcol sku_cols[] = {
	{ "sku", COL_TEXT }, { "on_hand", COL_NUM }, { "safety_stock", COL_NUM },
	{ "allocated", COL_NUM }, { "reserved", COL_NUM }, { "atp", COL_NUM },
};

/*
 * Network totals merge two streams sorted by sku: node rows (summed over
 * active nodes) and unrouted allocations per sku.
 */
struct sku_total {
	char *sku;
	int64_t on_hand, safety, reserved, atp, allocated;
};

struct sku_list {
	struct sku_total *v;
	size_t n, cap;
};

static struct sku_total *
sku_push(struct sku_list *l, const char *sku)
{
	if (l->n > 0 && strcmp(l->v[l->n - 1].sku, sku) == 0)
		return &l->v[l->n - 1];
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	memset(&l->v[l->n], 0, sizeof *l->v);
	l->v[l->n].sku = xstrdup(sku);
	return &l->v[l->n++];
}

static int
sku_node_row(void *p, int n, const char *const *v)
{
	struct sku_total *t = sku_push(p, v[1]);

	(void)n;
	if (!num(v[5]))
		return 0;	/* an inactive node's stock is not available */
	t->on_hand += num(v[2]);
	t->safety += num(v[3]);
	t->reserved += num(v[4]);
	t->atp += node_atp(num(v[2]), num(v[3]), num(v[4]));
	return 0;
}

static int
cmp_sku(const void *a, const void *b)
{
	return strcmp(((const struct sku_total *)a)->sku, ((const struct sku_total *)b)->sku);
}

struct alloc_merge {
	struct sku_list *l;
	size_t sorted;		/* l->v[0..sorted) came sorted from the node rows */
};

static int
sku_alloc_row(void *p, int n, const char *const *v)
{
	struct alloc_merge *m = p;
	struct sku_total key = { .sku = (char *)v[0] }, *t;

	(void)n;
	/* bsearch and qsort must not be handed the NULL of an empty list */
	t = m->sorted ? bsearch(&key, m->l->v, m->sorted, sizeof key, cmp_sku) : NULL;
	if (t == NULL)
		t = sku_push(m->l, v[0]);	/* allocated, but stocked nowhere */
	t->allocated = num(v[1]);
	return 0;
}

/* Load the network totals per sku, sorted by sku. */
static int
sku_totals(struct store *st, const char *sku, struct sku_list *l)
{
	const char *p[1] = { sku };
	struct alloc_merge m = { l, 0 };

	if (store_view(st, VIEW_INVENTORY_BY_SKU, p, 1, sku_node_row, l) != 0)
		return -1;
	m.sorted = l->n;
	if (store_view(st, VIEW_ALLOCATED_BY_SKU, p, 1, sku_alloc_row, &m) != 0)
		return -1;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, cmp_sku);
	return 0;
}

static void
sku_list_release(struct sku_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].sku);
	free(l->v);
}

static int64_t
sku_atp(const struct sku_total *t)
{
	return t->atp > t->allocated ? t->atp - t->allocated : 0;
}

static int
report_inventory(struct ctx *c)
{
	struct sku_list l = { 0 };
	const char *p[2] = { c->o->node, c->o->sku };

	if (!c->o->by_sku) {
		c->cols = inv_cols;
		c->ncols = 6;
		return store_view(c->st, VIEW_INVENTORY, p, 2, inv_row, c);
	}
	c->cols = sku_cols;
	c->ncols = 6;
	if (sku_totals(c->st, c->o->sku, &l) != 0) {
		sku_list_release(&l);
		return -1;
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct sku_total *t = &l.v[i];
		char f[5][24];
		const char *out[6];

		snprintf(f[0], 24, "%lld", (long long)t->on_hand);
		snprintf(f[1], 24, "%lld", (long long)t->safety);
		snprintf(f[2], 24, "%lld", (long long)t->allocated);
		snprintf(f[3], 24, "%lld", (long long)t->reserved);
		snprintf(f[4], 24, "%lld", (long long)sku_atp(t));
		out[0] = t->sku;
		for (int k = 0; k < 5; k++)
			out[k + 1] = f[k];
		row(c, out);
	}
	sku_list_release(&l);
	return 0;
}

/* --- lines and the line checks ---------------------------------------- */

static const struct outcol line_cols[] = {
	{ "order_id", COL_TEXT }, { "line_no", COL_NUM }, { "sku", COL_TEXT },
	{ "qty", COL_NUM }, { "status", COL_TEXT }, { "open", COL_NUM },
	{ "backordered", COL_NUM }, { "allocated", COL_NUM }, { "routed", COL_NUM },
	{ "released", COL_NUM }, { "shipped", COL_NUM }, { "cancelled", COL_NUM },
	{ "returned", COL_NUM }, { "nodes", COL_TEXT },
};

static void
line_qty(const char *const *v, struct line_qty *q)
{
	q->qty = num(v[3]);
	q->allocated = num(v[4]);
	q->shipped = num(v[5]);
	q->cancelled = num(v[6]);
	q->returned = num(v[7]);
	q->backordered = num(v[8]);
	q->routed = num(v[10]);
	q->released = num(v[11]);
}

static int
lines_row(void *p, int n, const char *const *v)
{
	struct ctx *c = p;
	struct line_qty q;
	const char *status;
	char open[24];
	const char *out[14];

	(void)n;
	line_qty(v, &q);
	status = line_status(&q);
	if (c->o->status && strcmp(c->o->status, status) != 0)
		return 0;
	snprintf(open, sizeof open, "%lld", (long long)line_open(&q));
	out[0] = v[0], out[1] = v[1], out[2] = v[2], out[3] = v[3];
	out[4] = status, out[5] = open, out[6] = v[8], out[7] = v[4];
	out[8] = v[10], out[9] = v[11], out[10] = v[5], out[11] = v[6];
	out[12] = v[7], out[13] = v[12];	/* none: empty in CSV, null in JSON */
	row(c, out);
	return 0;
}

/* --- check ------------------------------------------------------------ */

static const struct outcol check_cols[] = {
	{ "check", COL_TEXT }, { "subject", COL_TEXT }, { "detail", COL_TEXT },
};

static void
violation(struct ctx *c, const char *check, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
violation(struct ctx *c, const char *check, const char *subject, const char *fmt, ...)
{
	char detail[300];
	const char *out[3];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	out[0] = check, out[1] = subject, out[2] = detail;
	row(c, out);
	c->violations++;
}

static int
check_line(void *p, int n, const char *const *v)
{
	struct ctx *c = p;
	struct line_qty q;
	char subject[256];

	(void)n;
	line_qty(v, &q);
	snprintf(subject, sizeof subject, "%s/%s", v[0], v[1]);
	if (line_open(&q) < 0)
		violation(c, "line_buckets", subject, "allocated %lld + routed %lld + released %lld "
		    "+ shipped %lld + cancelled %lld exceed qty %lld", (long long)q.allocated,
		    (long long)q.routed, (long long)q.released, (long long)q.shipped,
		    (long long)q.cancelled, (long long)q.qty);
	if (q.returned > q.shipped)
		violation(c, "line_returned", subject, "returned %lld exceeds shipped %lld",
		    (long long)q.returned, (long long)q.shipped);
	if (q.backordered > 0 && q.backordered > line_open(&q))
		violation(c, "line_backordered", subject, "backordered %lld exceeds open %lld",
		    (long long)q.backordered, (long long)line_open(&q));
	return 0;
}

static int
check_node(void *p, int n, const char *const *v)
{
	struct ctx *c = p;
	char subject[512];

	(void)n;
	/* stock below its safety level is not an oversell; a reservation past it is */
	if (num(v[4]) > 0 && num(v[4]) > num(v[2]) - num(v[3])) {
		snprintf(subject, sizeof subject, "%s/%s", v[0], v[1]);
		violation(c, "node_oversold", subject, "reserved %s exceeds on_hand %s less "
		    "safety_stock %s", v[4], v[2], v[3]);
	}
	return 0;
}

static int
check_fk(void *p, int n, const char *const *v)
{
	struct ctx *c = p;
	char subject[256];

	(void)n;
	snprintf(subject, sizeof subject, "%s row %s", v[0], v[1] ? v[1] : "?");
	violation(c, "foreign_key", subject, "refers to a missing %s", v[2]);
	return 0;
}

static int
check_no_lines(void *p, int n, const char *const *v)
{
	(void)n;
	violation(p, "order_lines", v[0], "order has no lines");
	return 0;
}

static int
check_integrity(void *p, int n, const char *const *v)
{
	(void)n;
	if (v[0] && strcmp(v[0], "ok") != 0)
		violation(p, "integrity", "store", "%s", v[0]);
	return 0;
}

/* line_node.released against what the release lines still have out. */
static int
check_release(void *p, const struct store_row *r)
{
	char subject[512];

	snprintf(subject, sizeof subject, "%s/%lld@%s", store_col_text(r, 0),
	    (long long)store_col_int(r, 1), store_col_text(r, 2));
	if (store_col_int(r, 3) != store_col_int(r, 4))
		violation(p, "line_released", subject, "released %lld, but its release lines "
		    "have %lld outstanding", (long long)store_col_int(r, 3),
		    (long long)store_col_int(r, 4));
	if (store_col_int(r, 5) > store_col_int(r, 4))
		violation(p, "cancel_requested", subject, "cancel requested for %lld, more "
		    "than the %lld outstanding", (long long)store_col_int(r, 5),
		    (long long)store_col_int(r, 4));
	return 0;
}

static int
report_check(struct ctx *c)
{
	struct sku_list l = { 0 };
	const char *none[2] = { NULL, NULL };
	size_t i;

	c->cols = check_cols;
	c->ncols = 3;
	if (store_view(c->st, VIEW_LINES, none, 2, check_line, c) != 0 ||
	    store_view(c->st, VIEW_INVENTORY, none, 2, check_node, c) != 0 ||
	    store_view(c->st, VIEW_FOREIGN_KEYS, NULL, 0, check_fk, c) != 0 ||
	    store_view(c->st, VIEW_ORDERS_WITHOUT_LINES, NULL, 0, check_no_lines, c) != 0 ||
	    store_release_check(c->st, check_release, c) != 0 ||
	    (c->o->deep && store_view(c->st, VIEW_INTEGRITY, NULL, 0, check_integrity, c) != 0) ||
	    sku_totals(c->st, NULL, &l) != 0) {
		sku_list_release(&l);
		return -1;
	}
	for (i = 0; i < l.n; i++)
		if (l.v[i].allocated > l.v[i].atp)
			violation(c, "sku_oversold", l.v[i].sku, "allocated %lld exceeds the "
			    "network's atp %lld", (long long)l.v[i].allocated, (long long)l.v[i].atp);
	sku_list_release(&l);
	return 0;
}

/* --- events, runs ------------------------------------------------------ */

static const struct outcol event_cols[] = {
	{ "seq", COL_NUM }, { "at", COL_TEXT }, { "order_id", COL_TEXT },
	{ "type", COL_TEXT }, { "payload", COL_RAWJSON },
};

static const struct outcol run_cols[] = {
	{ "run_id", COL_NUM }, { "command", COL_TEXT }, { "argv", COL_TEXT },
	{ "user", COL_TEXT }, { "started_at", COL_TEXT }, { "ended_at", COL_TEXT },
	{ "exit_status", COL_NUM }, { "counts", COL_RAWJSON },
};

static int
plain_row(void *p, int n, const char *const *v)
{
	(void)n;
	row(p, v);
	return 0;
}

int
report_run(struct store *st, const char *view, const struct report_opts *o, FILE *fp)
{
	struct ctx c;
	int r;

	if (strcmp(view, "kpi") == 0 || strcmp(view, "eoq") == 0)
		store_report_begin(st);
	if (strcmp(view, "kpi") == 0)
		return o->html ? html_report(st, o, fp) : kpi_report(st, o, fp);
	if (strcmp(view, "eoq") == 0)
		return eoq_report(st, o, fp);
	memset(&c, 0, sizeof c);
	c.st = st;
	c.o = o;
	c.fp = fp;
	if (strcmp(view, "inventory") == 0) {
		r = report_inventory(&c);
	} else if (strcmp(view, "lines") == 0) {
		const char *p[2] = { o->order, o->sku };

		c.cols = line_cols;
		c.ncols = 14;
		r = store_view(st, VIEW_LINES, p, 2, lines_row, &c);
	} else if (strcmp(view, "check") == 0) {
		r = report_check(&c);
	} else if (strcmp(view, "events") == 0) {
		const char *p[2] = { o->since ? o->since : "0", o->type };

		c.cols = event_cols;
		c.ncols = 5;
		r = store_view(st, VIEW_EVENTS, p, 2, plain_row, &c);
	} else {
		c.cols = run_cols;
		c.ncols = 8;
		r = store_view(st, VIEW_RUNS, NULL, 0, plain_row, &c);
	}
	if (r != 0)
		return store_status(st);
	if (strcmp(view, "check") != 0 && !c.started) {
		/* an empty table still has its header (CSV) or [] (JSON) */
		writer_init(&c.w, fp, o->format, c.cols, c.ncols);
		c.started = 1;
	}
	if (c.started)
		writer_finish(&c.w);
	return c.violations ? EX_VIOLATION : 0;
}
