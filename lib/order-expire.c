/*
 * order-expire: the stale-backorder policy (oms-order expire-backorders):
 * which lines have been backordered for longer than their channel allows
 * (store_backorders_due), each then cancelled by order_cancel, the one
 * cancel path of oms-order, so that the refund due and the events are
 * those of "oms-order cancel ORDER LINE QTY".
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "order.h"
#include "parse.h"
#include "store-order.h"
#include "util.h"

/* A line due, copied out of the statement before anything is written. */
struct due {
	char *order_id;
	int64_t line_no, backordered, days;
	char since[21];
	char *channel;
};

struct dues {
	struct due *v;
	long n, cap;
};

static int
due_row(void *p, const struct backorder_due *b)
{
	struct dues *d = p;
	struct due *x;

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->v = xrealloc(d->v, (size_t)d->cap * sizeof *d->v);
	}
	x = &d->v[d->n++];
	x->order_id = xstrdup(b->order_id);
	x->channel = xstrdup(b->channel);
	x->line_no = b->line_no;
	x->backordered = b->backordered;
	x->days = b->days;
	snprintf(x->since, sizeof x->since, "%s", b->since ? b->since : "");
	return 0;
}

int
order_expire_backorders(struct store *st, const struct order_opts *o, const char *now,
    struct order_counts *n)
{
	struct dues d = { NULL, 0, 0 };
	long i;
	int status = 0;

	memset(n, 0, sizeof *n);
	if (store_backorders_due(st, now, due_row, &d) != 0)
		status = store_status(st);
	for (i = 0; i < d.n && status == 0; i++) {
		const struct due *x = &d.v[i];

		diag_info("order \"%s\" line %lld: %lld backordered since %s, past the %lld %s "
		    "of channel \"%s\"", quote_value(x->order_id), (long long)x->line_no,
		    (long long)x->backordered, x->since, (long long)x->days,
		    plural(x->days, "day", "days"), x->channel);
		status = order_cancel(st, o, x->order_id, x->line_no, x->backordered, 1, n);
	}
	for (i = 0; i < d.n; i++) {
		free(d.v[i].order_id);
		free(d.v[i].channel);
	}
	free(d.v);
	return status;
}
