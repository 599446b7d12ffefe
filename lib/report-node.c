/*
 * oms-report picklist and collections: what a node's associates work
 * from, what to pick and what waits for its customer (oms-report(1)).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "parse.h"
#include "report-int.h"
#include "store-node.h"

/* --- picklist ---------------------------------------------------------- */

static const struct outcol pick_cols[] = {
	{ "node_id", COL_TEXT }, { "method", COL_TEXT }, { "release_id", COL_TEXT },
	{ "order_id", COL_TEXT }, { "line_no", COL_NUM }, { "sku", COL_TEXT },
	{ "description", COL_TEXT }, { "qty", COL_NUM }, { "customer", COL_TEXT },
	{ "promise_date", COL_TEXT }, { "released_at", COL_TEXT },
};
#define PICK_NCOLS ((int)(sizeof pick_cols / sizeof *pick_cols))

/*
 * The units of a release line still to pick: those out at the node (at
 * a store, or received there for a pickup shipped to it), less those
 * customer care asked back and, where the line is handed over at the
 * node, those already staged ready (the ready units of a line shipped to
 * a locker or store are there, of those shipped).  0 when nothing is
 * left to pick.
 */
static int64_t
units_to_pick(const struct line_to_pick *l)
{
	int64_t q = l->out - l->cancel_requested;

	if (l->handed_here)
		q -= l->ready;
	return q > 0 ? q : 0;
}

static int
pick_row(void *p, const struct line_to_pick *l)
{
	int64_t qty = units_to_pick(l);
	const char *out[PICK_NCOLS] = { l->node_id, l->method, l->release_id, l->order_id,
		writer_int, l->sku, l->description, writer_int, l->customer, l->promise_date,
		l->released_at };
	int64_t ints[PICK_NCOLS] = { 0, 0, 0, 0, l->line_no, 0, 0, qty };

	if (qty > 0)
		row_ints(p, out, ints);
	return 0;
}

int
report_picklist(struct view_ctx *c, const struct view_filter *f)
{
	c->cols = pick_cols;
	c->ncols = PICK_NCOLS;
	return store_lines_to_pick(c->st, f->node, pick_row, c);
}

/* --- collections ------------------------------------------------------- */

static const struct outcol collect_cols[] = {
	{ "node_id", COL_TEXT }, { "order_id", COL_TEXT }, { "customer", COL_TEXT },
	{ "code", COL_TEXT }, { "lines", COL_NUM }, { "units", COL_NUM },
	{ "location", COL_TEXT }, { "ready_at", COL_TEXT }, { "last_day", COL_TEXT },
	{ "days_left", COL_NUM }, { "arrived_at", COL_TEXT }, { "waiting_minutes", COL_NUM },
	{ "bay", COL_TEXT }, { "vehicle", COL_TEXT },
};
#define COLLECT_NCOLS ((int)(sizeof collect_cols / sizeof *collect_cols))

/* The columns of an order's collection, which each of its ready lines repeats. */
enum { W_NODE, W_ORDER, W_CUSTOMER, W_CODE, W_READY_AT, W_LAST_DAY, W_ARRIVED_AT, W_BAY,
	W_VEHICLE, W_NCOLS };

/* One order's ready lines at one node, gathered from its rows. */
struct waiting_order {
	struct view_ctx *c;
	int64_t today;		/* days since 1970-01-01 */
	int64_t now;		/* seconds since 1970-01-01 */
	int open;		/* an order is being gathered */
	struct buf col[W_NCOLS];	/* its collection's columns, copied */
	int null[W_NCOLS];	/* col[i] was NULL */
	int64_t lines, units, last_line;
	struct buf locations;	/* distinct, joined by ';' */
	struct buf seen;	/* the locations seen, each ended by a NUL */
};

/*
 * Seconds since 1970-01-01 of a time as the store keeps it,
 * YYYY-MM-DDTHH:MM:SSZ (parse_time's form); -1 when it is not one.
 */
static int64_t
time_seconds(const char *s)
{
	int64_t d = date_days(s);
	int h, m, sec;

	if (d == INT64_MAX || strlen(s) < 19 || sscanf(s + 10, "T%2d:%2d:%2d", &h, &m, &sec) != 3)
		return -1;
	return d * 86400 + h * 3600 + m * 60 + sec;
}

static const char *
col(struct waiting_order *w, int i)
{
	return w->null[i] ? NULL : buf_str(&w->col[i]);
}

/* The gathered order's row: days left to collect and minutes waited computed. */
static void
waiting_flush(struct waiting_order *w)
{
	const char *out[COLLECT_NCOLS];
	int64_t ints[COLLECT_NCOLS] = { 0 };
	const char *last_day = col(w, W_LAST_DAY), *arrived_at = col(w, W_ARRIVED_AT);
	int64_t arrived;

	if (!w->open)
		return;
	out[0] = col(w, W_NODE);
	out[1] = col(w, W_ORDER);
	out[2] = col(w, W_CUSTOMER);
	out[3] = col(w, W_CODE);
	out[4] = writer_int, ints[4] = w->lines;
	out[5] = writer_int, ints[5] = w->units;
	out[6] = buf_str(&w->locations);
	out[7] = col(w, W_READY_AT);
	out[8] = last_day;
	out[9] = NULL;
	if (last_day != NULL && date_days(last_day) != INT64_MAX)
		out[9] = writer_int, ints[9] = date_days(last_day) - w->today;
	out[10] = arrived_at;
	out[11] = NULL;
	if (arrived_at != NULL && (arrived = time_seconds(arrived_at)) >= 0)
		out[11] = writer_int, ints[11] = w->now > arrived ? (w->now - arrived) / 60 : 0;
	out[12] = col(w, W_BAY);
	out[13] = col(w, W_VEHICLE);
	row_ints(w->c, out, ints);
	w->open = 0;
}

/* A location not seen yet in this order is added to its list. */
static void
waiting_location(struct waiting_order *w, const char *loc)
{
	size_t i;

	if (loc == NULL || *loc == '\0')
		return;
	for (i = 0; i < w->seen.len; i += strlen(w->seen.s + i) + 1)
		if (strcmp(w->seen.s + i, loc) == 0)
			return;
	buf_add(&w->seen, loc, strlen(loc) + 1);
	if (w->locations.len)
		buf_addc(&w->locations, ';');
	buf_adds(&w->locations, loc);
}

static int
waiting_row(void *p, const struct ready_line *l)
{
	struct waiting_order *w = p;
	const char *v[W_NCOLS] = { l->node_id, l->order_id, l->customer, l->code, l->ready_at,
		l->last_day, l->arrived_at, l->bay, l->vehicle };
	int i;

	if (w->open && (strcmp(buf_str(&w->col[W_NODE]), l->node_id) != 0 ||
	    strcmp(buf_str(&w->col[W_ORDER]), l->order_id) != 0))
		waiting_flush(w);
	if (!w->open) {
		for (i = 0; i < W_NCOLS; i++) {
			buf_reset(&w->col[i]);
			if (v[i] != NULL)
				buf_adds(&w->col[i], v[i]);
			w->null[i] = v[i] == NULL;
		}
		buf_reset(&w->locations);
		buf_reset(&w->seen);
		w->lines = w->units = 0;
		w->last_line = 0;
		w->open = 1;
	}
	/* a line ready at two of its releases is one line; an early arrival none */
	if (l->ready > 0 && l->line_no != w->last_line)
		w->lines++;
	w->last_line = l->line_no;
	w->units += l->ready;
	waiting_location(w, l->location);
	return 0;
}

int
report_collections(struct view_ctx *c, const struct view_filter *f)
{
	struct waiting_order w;
	int r, i;

	memset(&w, 0, sizeof w);
	w.c = c;
	w.now = (int64_t)time(NULL);
	w.today = c->o->today ? date_days(c->o->today) : w.now / 86400;
	c->cols = collect_cols;
	c->ncols = COLLECT_NCOLS;
	r = store_ready_lines(c->st, f->node, waiting_row, &w);
	if (r == 0)
		waiting_flush(&w);
	for (i = 0; i < W_NCOLS; i++)
		buf_release(&w.col[i]);
	buf_release(&w.locations);
	buf_release(&w.seen);
	return r;
}
