#ifndef OMS_REPORT_INT_H
#define OMS_REPORT_INT_H
/*
 * The views of oms-report, private to lib/report*.c: report.c has the
 * table of views, the dispatch, the reading of a long view in two
 * threads (report_walk) and the event feed; report-stock.c inventory;
 * report-orders.c the orders, lines, backorders and releases views;
 * report-check.c the invariant check; report-node.c a node's picklist
 * and collections; report-rules.c the sourcing rules and node groups.  Each view writes its rows through
 * a view_ctx; report_run ends the table.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "model.h"
#include "output.h"
#include "report.h"
#include "store.h"
#include "workers.h"
#include "store-views.h"

static inline int64_t
num(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

struct view_ctx {
	struct store *st;
	const struct report_opts *o;
	struct writer w;
	FILE *fp;
	const struct outcol *cols;
	int ncols;
	int started;
	long violations;
	struct buf nodes;	/* scratch: a line's nodes */
};

/* Start the table on its first row. */
static inline void
row_ints(struct view_ctx *c, const char *const *vals, const int64_t *ints)
{
	if (!c->started) {
		writer_init(&c->w, c->fp, c->o->format, c->cols, c->ncols);
		c->w.safe_csv = c->o->safe_csv;
		c->started = 1;
	}
	writer_row_ints(&c->w, vals, ints);
}

static inline void
row(struct view_ctx *c, const char *const *vals)
{
	row_ints(c, vals, NULL);
}

/*
 * A view of millions of rows: two threads read it, each on a connection
 * of its own, chunk by chunk (their chunks alternate: chunk k is worker
 * k % FEED_WORKERS's), and format each chunk's rows in memory; this
 * thread writes the chunks out in order, so a few chunks' rows are held
 * at a time.  A chunk is a range of seqs (events) or of order ids (lines,
 * orders), its rows in the view's order.
 */
#define FEED_WORKERS 2
#define FEED_SLOTS (2 * FEED_WORKERS)	/* chunk k goes through slot k % FEED_SLOTS */

struct feed {
	struct workers ws;	/* its threads; ws.stop: a worker failed, or the output did */
	struct view_ctx *c;		/* the view's */
	/* chunk k's rows to wc->w (wc->st the worker's); 0, or -1: see wc->st */
	int (*fill)(struct feed *f, struct view_ctx *wc, int64_t k);
	int64_t nchunks;
	int64_t since, last, chunk;	/* events: the seqs after since up to last, chunk a time */
	const struct view_filter *filter;	/* lines, orders: the view's, and */
	const struct strv *orders;	/* lines: the --order filter, sorted */
	char **keys;		/* chunk k: order ids from keys[k] below keys[k + 1] (NULL: no bound) */
	struct feed_slot {
		int64_t k;	/* the chunk it holds, when ready */
		int ready;
		struct buf rows;
	} slot[FEED_SLOTS];
};

/*
 * The lines and orders views read every line of the store, a large
 * store's in ranges of orders in two threads (report.c); fill: one range
 * (chunk k of f) to wc's writer.  0, or -1 (see wc->st), or a status.
 */
int report_walk(struct view_ctx *c, const struct view_filter *vf,
	int (*fill)(struct feed *f, struct view_ctx *wc, int64_t k));

/* A line of the store's views as the quantities model.h's rules take. */
void view_line_qty(const struct view_line *l, struct line_qty *q);
/* Whether some line may draw on a node's stock of a sku, by allocation's rule. */
int report_stock_usable(const struct node_stock *x);

/*
 * The table views (report_views): each writes its rows to c (c->cols
 * set), with f the filters of the options.  0, -1 (see c->st), or an
 * exit status of its own.
 */
int report_inventory(struct view_ctx *c, const struct view_filter *f);	/* report-stock.c */
int report_alerts(struct view_ctx *c, const struct view_filter *f);	/* report-alerts.c */
int report_orders(struct view_ctx *c, const struct view_filter *f);	/* report-orders.c */
int report_lines(struct view_ctx *c, const struct view_filter *f);
int report_backorders(struct view_ctx *c, const struct view_filter *f);
int report_releases(struct view_ctx *c, const struct view_filter *f);
int report_check(struct view_ctx *c, const struct view_filter *f);	/* report-check.c */
int report_picklist(struct view_ctx *c, const struct view_filter *f);	/* report-node.c */
int report_collections(struct view_ctx *c, const struct view_filter *f);
int report_rules(struct view_ctx *c, const struct view_filter *f);	/* report-rules.c */
int report_groups(struct view_ctx *c, const struct view_filter *f);

#endif
