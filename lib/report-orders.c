/*
 * oms-report orders, lines, backorders and releases: the order book as
 * it stands, line by line or summed per order, what waits for stock,
 * and the releases against the nodes' capacity.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse.h"
#include "report-int.h"
#include "store-views.h"

/* --- lines and the line checks ---------------------------------------- */

static const struct outcol line_cols[] = {
	{ "order_id", COL_TEXT }, { "line_no", COL_NUM }, { "sku", COL_TEXT },
	{ "qty", COL_NUM }, { "status", COL_TEXT }, { "open", COL_NUM },
	{ "backordered", COL_NUM }, { "allocated", COL_NUM }, { "routed", COL_NUM },
	{ "released", COL_NUM }, { "shipped", COL_NUM }, { "cancelled", COL_NUM },
	{ "returned", COL_NUM }, { "nodes", COL_TEXT },
};

void
view_line_qty(const struct view_line *l, struct line_qty *q)
{
	q->qty = l->qty;
	q->allocated = l->allocated;
	q->shipped = l->shipped;
	q->cancelled = l->cancelled;
	q->returned = l->returned;
	q->backordered = l->backordered;
	q->routed = l->routed;
	q->released = l->released;
}

static int
lines_row(void *p, const struct view_line *l)
{
	struct view_ctx *c = p;
	struct line_qty q;
	const char *status;
	const char *out[14];
	int64_t n[14];

	if (!l->at_node)
		return 0;
	view_line_qty(l, &q);
	status = line_status(&q);
	if (c->o->status.n > 0 && !strv_has(&c->o->status, status))
		return 0;
	buf_reset(&c->nodes);
	for (int i = 0; i < l->nnodes; i++) {
		if (i)
			buf_addc(&c->nodes, ';');
		buf_adds(&c->nodes, l->nodes[i]);
	}
	out[0] = l->order_id, out[2] = l->sku, out[4] = status;
	n[1] = l->line_no, n[3] = l->qty, n[5] = line_open(&q), n[6] = l->backordered;
	n[7] = l->allocated, n[8] = l->routed, n[9] = l->released, n[10] = l->shipped;
	n[11] = l->cancelled, n[12] = l->returned;
	for (int i = 1; i <= 12; i++)
		if (i != 2 && i != 4)
			out[i] = writer_int;
	out[13] = l->nnodes ? buf_str(&c->nodes) : NULL;	/* none: empty in CSV, null in JSON */
	row_ints(c, out, n);
	return 0;
}

/* The lines of a range of orders (--order: of those, in key order). */
static int
lines_fill(struct feed *f, struct view_ctx *wc, int64_t k)
{
	struct view_filter vf = *f->filter;

	vf.order_from = f->keys[k];
	vf.order_below = f->keys[k + 1];
	if (f->orders->n == 0)
		return store_lines_view(wc->st, NULL, &vf, lines_row, wc);
	for (size_t i = 0; i < f->orders->n; i++)
		if (store_lines_view(wc->st, f->orders->v[i], &vf, lines_row, wc) != 0)
			return -1;
	return 0;
}

int
report_lines(struct view_ctx *c, const struct view_filter *f)
{
	c->cols = line_cols;
	c->ncols = 14;
	return report_walk(c, f, lines_fill);
}

/* --- orders ------------------------------------------------------------- */

static const struct outcol order_cols[] = {
	{ "order_id", COL_TEXT }, { "customer_id", COL_TEXT }, { "channel", COL_TEXT },
	{ "status", COL_TEXT }, { "lines", COL_NUM }, { "units", COL_NUM },
	{ "open", COL_NUM }, { "backordered", COL_NUM }, { "allocated", COL_NUM },
	{ "routed", COL_NUM }, { "released", COL_NUM }, { "shipped", COL_NUM },
	{ "cancelled", COL_NUM }, { "returned", COL_NUM }, { "created_at", COL_TEXT },
	{ "promise_date", COL_TEXT }, { "priority", COL_NUM }, { "holds", COL_TEXT },
	{ "nodes", COL_TEXT },
};
#define ORDER_NCOLS ((int)(sizeof order_cols / sizeof *order_cols))

static const char *const order_statuses[] = {
	"cancelled", "backordered", "shipped", "partially_shipped", "open", "allocated",
	"routed", "released"
};

int
report_order_status_valid(const char *s)
{
	return strtab_find(order_statuses, sizeof order_statuses / sizeof *order_statuses,
	    s) >= 0;
}

/* One order being summed from its rows (line and node). */
/*
 * One order being summed.  Its texts live in one buffer, reused from
 * order to order (no allocation per order): offsets, since the buffer
 * moves as it grows.
 */
struct order_sum {
	int on;			/* an order is being summed */
	struct buf text;	/* its columns and its lines' nodes, each NUL-ended */
	long f[7];		/* order_id .. holds, as the rows give them; -1: NULL */
	int64_t lines, units, allocated, routed, released, shipped, cancelled,
	    returned, backordered;
	int at_node;		/* a line at the --node filter's node */
	long *node;		/* where each of its lines' nodes is in text */
	size_t nnodes, capnodes;
	const char **sorted;	/* scratch for the nodes, sorted */
	struct buf joined;	/* scratch for the nodes column */
};

/*
 * The order's status, from its units summed over its lines (oms-report(1)
 * defines it): the first that applies of cancelled (every unit), then
 * backordered (some unit waits for stock), shipped (nothing left to do,
 * something shipped), partially_shipped (something shipped, something
 * left), and the earliest stage still holding units.
 */
static const char *
order_status(const struct order_sum *o)
{
	int64_t open = o->units - o->allocated - o->routed - o->released - o->shipped -
	    o->cancelled;
	int64_t left = open + o->allocated + o->routed + o->released;

	if (o->cancelled == o->units)
		return order_statuses[0];
	if (o->backordered > 0)
		return order_statuses[1];
	if (o->shipped > 0)
		return order_statuses[left > 0 ? 3 : 2];
	if (open > 0)
		return order_statuses[4];
	if (o->allocated > 0)
		return order_statuses[5];
	return order_statuses[o->routed > 0 ? 6 : 7];
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *
sum_text(const struct order_sum *o, long off)
{
	return off < 0 ? NULL : o->text.s + off;
}

static long
sum_add(struct order_sum *o, const char *s)
{
	long off = (long)o->text.len;

	if (s == NULL)
		return -1;
	buf_add(&o->text, s, strlen(s) + 1);
	return off;
}

static void
order_flush(struct view_ctx *c, struct order_sum *o)
{
	const char *out[ORDER_NCOLS], *status;
	int64_t v[ORDER_NCOLS];
	size_t i, n;

	if (!o->on)
		return;
	status = order_status(o);
	if (o->at_node && (c->o->status.n == 0 || strv_has(&c->o->status, status))) {
		for (i = 0; i < o->nnodes; i++)
			o->sorted[i] = o->text.s + o->node[i];
		if (o->nnodes > 1)
			qsort(o->sorted, o->nnodes, sizeof *o->sorted, cmp_str);
		buf_reset(&o->joined);
		for (i = n = 0; i < o->nnodes; i++) {
			if (i > 0 && strcmp(o->sorted[i], o->sorted[i - 1]) == 0)
				continue;
			if (n++)
				buf_addc(&o->joined, ';');
			buf_adds(&o->joined, o->sorted[i]);
		}
		v[4] = o->lines;
		v[5] = o->units;
		v[6] = o->units - o->allocated - o->routed - o->released - o->shipped -
		    o->cancelled;
		v[7] = o->backordered;
		v[8] = o->allocated;
		v[9] = o->routed;
		v[10] = o->released;
		v[11] = o->shipped;
		v[12] = o->cancelled;
		v[13] = o->returned;
		out[0] = sum_text(o, o->f[0]), out[1] = sum_text(o, o->f[1]);
		out[2] = sum_text(o, o->f[2]), out[3] = status;
		for (i = 4; i < 14; i++)
			out[i] = writer_int;
		out[14] = sum_text(o, o->f[3]), out[15] = sum_text(o, o->f[4]);
		out[16] = sum_text(o, o->f[5]), out[17] = sum_text(o, o->f[6]);
		out[18] = n ? buf_str(&o->joined) : NULL;	/* none: null in JSON, as in lines */
		row_ints(c, out, v);
	}
	o->on = 0;
	buf_reset(&o->text);
	o->nnodes = 0;
	o->lines = o->units = o->allocated = o->routed = o->released = 0;
	o->shipped = o->cancelled = o->returned = o->backordered = 0;
}

struct order_walk {
	struct view_ctx *c;
	struct order_sum o;
};

/* A line of store_orders_view, with its order's columns. */
static int
order_row(void *p, const struct view_line *l)
{
	struct order_walk *w = p;
	struct order_sum *o = &w->o;
	int i;

	if (!o->on || strcmp(o->text.s + o->f[0], l->order_id) != 0) {
		char prio[24];
		const char *f[7] = { l->order_id, l->customer_id, l->channel, l->created_at,
			l->promise_date, int_text(prio, l->priority), l->holds };

		order_flush(w->c, o);
		for (i = 0; i < 7; i++)
			o->f[i] = sum_add(o, f[i]);
		o->on = 1;
		o->at_node = 0;
	}
	o->at_node |= l->at_node;
	o->lines++;
	o->units += l->qty;
	o->allocated += l->allocated;
	o->shipped += l->shipped;
	o->cancelled += l->cancelled;
	o->returned += l->returned;
	o->backordered += l->backordered;
	o->routed += l->routed;
	o->released += l->released;
	for (i = 0; i < l->nnodes; i++) {
		if (o->nnodes == o->capnodes) {
			o->capnodes = o->capnodes ? o->capnodes * 2 : 8;
			o->node = xrealloc(o->node, o->capnodes * sizeof *o->node);
			o->sorted = xrealloc(o->sorted, o->capnodes * sizeof *o->sorted);
		}
		o->node[o->nnodes++] = sum_add(o, l->nodes[i]);
	}
	return 0;
}

/* The orders of a range of them. */
static int
orders_fill(struct feed *fd, struct view_ctx *c, int64_t k)
{
	struct view_filter f = *fd->filter;
	struct order_walk w;
	int r;

	f.order_from = fd->keys[k];
	f.order_below = fd->keys[k + 1];
	memset(&w, 0, sizeof w);
	w.c = c;
	r = store_orders_view(c->st, &f, order_row, &w);
	if (r == 0)
		order_flush(c, &w.o);
	buf_release(&w.o.text);
	buf_release(&w.o.joined);
	free(w.o.node);
	free(w.o.sorted);
	return r;
}

int
report_orders(struct view_ctx *c, const struct view_filter *f)
{
	c->cols = order_cols;
	c->ncols = ORDER_NCOLS;
	return report_walk(c, f, orders_fill);
}

/* --- backorders --------------------------------------------------------- */

static const struct outcol backorder_cols[] = {
	{ "order_id", COL_TEXT }, { "line_no", COL_NUM }, { "sku", COL_TEXT },
	{ "backordered", COL_NUM }, { "reason", COL_TEXT }, { "backordered_at", COL_TEXT },
	{ "age_days", COL_NUM }, { "priority", COL_NUM }, { "promise_date", COL_TEXT },
	{ "created_at", COL_TEXT }, { "channel", COL_TEXT }, { "customer_id", COL_TEXT },
	{ "days_past_promise", COL_NUM }, { "expected_at", COL_TEXT },
	{ "supply_id", COL_TEXT },
};
#define BACKORDER_NCOLS ((int)(sizeof backorder_cols / sizeof *backorder_cols))

/* A row of the view, kept to be sorted oldest backorder first. */
struct bo_row {
	char *v[BACKORDER_NCOLS];	/* one allocation: v[0]; v[5], v[6], v[12] below */
	char since[21], age[24];	/* backordered_at, age_days */
	char past[24];			/* days_past_promise ("": none) */
};

struct backorder_walk {
	int64_t today;		/* days since 1970-01-01 */
	struct bo_row *rows;
	size_t nrows, caprows;
};

/*
 * A line's backorder began at its backordered_at (see
 * share/schema/006-backordered-at.sql), else, when nothing tells, at its
 * order's created_at (never NULL).
 */
static int
backorder_row(void *p, const struct backordered_line *l)
{
	struct backorder_walk *w = p;
	/* the view's columns; since, age and days past promise computed */
	const char *val[BACKORDER_NCOLS] = { l->order_id, l->line_no, l->sku, l->backordered,
	    l->backorder_reason, NULL, NULL, l->priority, l->promise_date, l->created_at,
	    l->channel, l->customer_id, NULL, l->expected_at, l->supply_id };
	struct bo_row *row;
	size_t len = 0;
	int64_t age;
	char *q;
	int i;

	for (i = 0; i < BACKORDER_NCOLS; i++)
		len += val[i] ? strlen(val[i]) + 1 : 0;
	if (w->nrows == w->caprows) {
		w->caprows = w->caprows ? w->caprows * 2 : 1024;
		w->rows = xrealloc(w->rows, w->caprows * sizeof *w->rows);
	}
	row = &w->rows[w->nrows++];
	q = xmalloc(len ? len : 1);
	for (i = 0; i < BACKORDER_NCOLS; i++) {
		if (val[i] == NULL) {
			row->v[i] = NULL;
			continue;
		}
		row->v[i] = q;
		q = stpcpy(q, val[i]) + 1;
	}
	snprintf(row->since, sizeof row->since, "%s",
	    l->backordered_at != NULL ? l->backordered_at : l->created_at);
	age = w->today - date_days(row->since);
	int_text(row->age, age > 0 ? age : 0);
	if ((age = line_days_past_promise(l->promise_date, w->today)) > 0)
		int_text(row->past, age);
	else
		row->past[0] = '\0';
	return 0;
}

/* Oldest backorder first, then by order and line. */
static int
cmp_bo_row(const void *a, const void *b)
{
	const struct bo_row *x = a, *y = b;
	int c = strcmp(x->since, y->since);

	if (c == 0)
		c = strcmp(x->v[0], y->v[0]);
	if (c == 0)
		c = num(x->v[1]) < num(y->v[1]) ? -1 : num(x->v[1]) > num(y->v[1]);
	return c;
}

/* The backordered lines, each with when its backorder began, sorted in memory. */
int
report_backorders(struct view_ctx *c, const struct view_filter *f)
{
	struct backorder_walk w;
	char today[11];
	size_t i;
	int r;

	memset(&w, 0, sizeof w);
	if (c->o->today == NULL)
		days_date((int64_t)(time(NULL) / 86400), today);
	else
		snprintf(today, sizeof today, "%s", c->o->today);
	w.today = date_days(today);
	c->cols = backorder_cols;
	c->ncols = BACKORDER_NCOLS;
	r = store_backorders_view(c->st, f, backorder_row, &w);
	if (r == 0) {
		if (w.nrows > 1)
			qsort(w.rows, w.nrows, sizeof *w.rows, cmp_bo_row);
		for (i = 0; i < w.nrows; i++) {
			/* the row's own buffers, where the sort put it */
			w.rows[i].v[5] = w.rows[i].since;
			w.rows[i].v[6] = w.rows[i].age;
			w.rows[i].v[12] = w.rows[i].past;
			row(c, (const char *const *)w.rows[i].v);
		}
	}
	for (i = 0; i < w.nrows; i++)
		free(w.rows[i].v[0]);
	free(w.rows);
	return r;
}

/* --- releases ----------------------------------------------------------- */

static const struct outcol release_cols[] = {
	{ "node_id", COL_TEXT }, { "day", COL_TEXT }, { "releases", COL_NUM },
	{ "lines", COL_NUM }, { "units", COL_NUM }, { "shipped", COL_NUM },
	{ "outstanding", COL_NUM }, { "capacity_per_day", COL_NUM },
	{ "utilisation", COL_NUM },
};
#define RELEASE_NCOLS ((int)(sizeof release_cols / sizeof *release_cols))

static int
release_row(void *p, const struct node_day_releases *r)
{
	const char *out[RELEASE_NCOLS] = { r->node_id, r->business_day, r->releases,
	    r->lines, r->units, r->shipped, r->outstanding, r->capacity_per_day };
	char u[32] = "";

	if (r->capacity_per_day != NULL && r->capacity > 0)
		snprintf(u, sizeof u, "%.3f", (double)r->nreleases / (double)r->capacity);
	out[8] = u;
	row(p, out);
	return 0;
}

int
report_releases(struct view_ctx *c, const struct view_filter *f)
{
	c->cols = release_cols;
	c->ncols = RELEASE_NCOLS;
	return store_releases_view(c->st, f, release_row, c);
}
