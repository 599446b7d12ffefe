#ifndef OMS_ORDER_H
#define OMS_ORDER_H
/*
 * order: customer care on orders (oms-order).  Changes (cancel, hold,
 * unhold, address, reduce, priority, add, raise, swap, method, adjust,
 * spend) come as rows of the "order changes"
 * format (oms-formats(5)), from a file or built from the command line, and
 * go through one path: check the row, then apply it to the store in the
 * caller's transaction with one event (and one more per cancel request
 * sent to a node).  The view shows one order, or one customer's orders,
 * with everything the store knows about them (order-show.c).
 *
 * Quantities taken by cancel and reduce come from the earliest stage
 * first: open (backordered is lowered to stay within open), then
 * allocated, then routed (by node id), then, for cancel only, released
 * units, which are not cancelled but asked back from their node
 * (release_line.cancel_requested) and stay released until it answers.
 * Shipped units are never taken.  Units add and raise put on an order
 * are open, for the next oms-allocate and oms-route.  A line swapped to
 * another item has nothing released or shipped: its allocated and routed
 * units go back to open, for the next runs to serve with the new item;
 * so do those of a line handed over another way (method).
 */
#include <stdint.h>
#include <stdio.h>

#include "input.h"
#include "store.h"

enum order_action {
	ACT_CANCEL, ACT_HOLD, ACT_UNHOLD, ACT_ADDRESS, ACT_REDUCE, ACT_PRIORITY, ACT_ADD,
	ACT_RAISE, ACT_SWAP, ACT_METHOD, ACT_ADJUST, ACT_SPEND, ACT_COUNT
};
/* Parse an action word; -1 when unknown. */
int order_action_parse(const char *s);
const char *order_action_name(int action);

/* The columns of a change row, in this order (order_change_cols). */
enum {
	OC_ORDER, OC_LINE, OC_ACTION, OC_QTY, OC_HOLD, OC_PRIORITY, OC_REASON,
	OC_SKU, OC_PRICE, OC_DISCOUNT, OC_SNAME, OC_SADDR, OC_SCITY, OC_SREGION, OC_SPOSTAL, OC_SCOUNTRY, OC_SLAT,
	OC_SLON, OC_METHOD, OC_PICKUP, OC_AMOUNT, OC_CODE, OC_TENDER, OC_CUSTOMER, OC_REF, OC_COUNT
};
extern const struct colspec order_change_cols[OC_COUNT];

struct order_opts {
	int action;		/* every row is this action (-1: each row says) */
	const char *by;		/* who runs the changes */
	const char *reason;	/* for rows that give none ("" none) */
	const char *tender;	/* for rows that give none (NULL: original) */
	int input_format;	/* enum infmt */
	const char *rejects;	/* NULL: a stream is all or nothing */
};

struct order_counts {
	long changes, applied, unchanged, rejected;
	int64_t cancelled, requested, reduced, unrouted;
	int64_t added, raised;	/* lines added; units raised */
	int64_t swapped;	/* lines given another item */
	int64_t methods;	/* lines handed over another way */
	int64_t refunded;	/* cents owed back for units cancelled */
	int64_t adjusted;	/* cents of price adjustments */
	int64_t spent;		/* cents of store credit spent */
};

/*
 * Apply one change given as column values (vals[OC_*], "" when absent),
 * from the command line.  Returns 0 (applied, or nothing to do after a
 * warning), or an exit status after a diagnostic: 65 for a change that
 * does not hold (nothing written), 70/74/75 from the store.
 */
int order_change(struct store *st, const struct order_opts *o, const char *const *vals,
	struct order_counts *n);

/*
 * Apply the change rows of every file ("-": standard input) in order,
 * each seeing the ones before.  Strict unless o->rejects: any bad row
 * fails the run (every bad row reported) and the caller rolls back.
 * Returns 0 or an exit status after diagnostics.
 */
int order_change_files(struct store *st, const struct order_opts *o, int nfiles,
	char *const *files, struct order_counts *n);

/*
 * Cancel qty (>= 1) units of one line by the path of "oms-order cancel
 * order line qty" (the same checks, counts, events and refund due), by
 * o->by for o->reason, counted into n (not cleared first).  With
 * backordered, the units are the line's backordered ones: its backorder
 * goes down by qty (qty is at most its backordered).  Returns as
 * order_change does.
 */
int order_cancel(struct store *st, const struct order_opts *o, const char *order_id,
	int64_t line_no, int64_t qty, int backordered, struct order_counts *n);

/*
 * The stale-backorder policy (order-expire.c, oms-order expire-backorders):
 * every line backordered for longer than its order's channel's
 * backorder_days (channel_policy; a channel without one: never) as of
 * now ("YYYY-MM-DDTHH:MM:SSZ"), has its backordered units cancelled by
 * order_cancel, with o->by and o->reason.  n as order_change's (one
 * change per line).  0 or an exit status after a diagnostic.
 */
int order_expire_backorders(struct store *st, const struct order_opts *o, const char *now,
	struct order_counts *n);

/* The summary line and the run-log counts (a JSON object). */
void order_summary(const struct order_counts *n, struct buf *line, struct buf *json);

/*
 * The 360-degree view of one order, or of every order of one customer
 * (oldest first), written to out: with nested set, as one JSON document
 * with a key per section; else as one row per record (enum outfmt fmt)
 * with the columns order_id, record, line_no, ref, node_id, qty, status,
 * at, data (the record as a JSON object).  Returns 0, 65 for an unknown
 * order or customer, or the store's exit status.
 */
int order_show(struct store *st, const char *order_id, int nested, int fmt, int safe_csv,
	FILE *out);
int order_customer(struct store *st, const char *customer_id, int nested, int fmt,
	int safe_csv, FILE *out);

/*
 * A customer's store credit ledger, oldest first, as rows (enum outfmt
 * fmt) with the columns entry_id, at, customer_id, kind (credit or
 * spend), amount, balance (after the entry), refund_id, order_id (the
 * refund's order, or the order a spend paid for), reason, by.  Returns 0,
 * 65 for a customer the store knows nothing of, or the store's status.
 */
int order_credit(struct store *st, const char *customer_id, int fmt, int safe_csv, FILE *out);

/* Who runs the change when --by is not given: the login name, else "". */
const char *order_login_name(void);

#endif
