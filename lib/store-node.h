#ifndef OMS_STORE_NODE_H
#define OMS_STORE_NODE_H
/*
 * store-node: what a node's associates see, as oms-report's picklist and
 * collections views read it (lib/store-node.c, lib/report-node.c).  Each
 * function hands fn one typed row at a time, in the view's order; a row's
 * strings live until fn returns.  fn returns 0 to go on, else the walk
 * stops.  0, or -1 after a diagnostic.  nodes: the --node filter (a row
 * of any of its nodes passes; NULL or empty: every node).
 */
#include <stdint.h>

#include "store.h"

/*
 * A release line with units still out at its node: released there and
 * not all shipped, short or cancelled.  Of those, ready are staged for
 * collection when the line is handed over at the node (pickup, curbside);
 * a locker line's ready units are in its locker, of those it shipped.
 */
struct line_to_pick {
	const char *node_id, *method, *release_id, *order_id;
	int64_t line_no;
	const char *sku;
	const char *description;	/* the item's; "" when the item has none */
	int64_t out;			/* above 0 */
	int64_t ready;			/* the release line's */
	int64_t cancel_requested;	/* of out, asked back by customer care */
	const char *customer;		/* the customer's name, else the order's ship_name */
	const char *promise_date;	/* NULL: none */
	const char *released_at;
	/*
	 * Handed over at this node (a pickup or curbside line at its store):
	 * its ready units are staged here, of those out
	 */
	int64_t handed_here;
};
/*
 * By node_id; at a node the pickup and curbside lines first, then the
 * rest (ship from the node, locker); within each the oldest promise first
 * (none last), then the order's created_at, order_id, line_no, release_id.
 */
int store_lines_to_pick(struct store *st, const struct strv *nodes,
	int (*fn)(void *ctx, const struct line_to_pick *l), void *ctx);

/*
 * A release line's ready units waiting for collection at a node (the
 * line's pickup_node: its store, or its locker), with its collection's
 * columns (the collection table, share/schema/009-last-mile.sql), which
 * the order's other ready lines there repeat.  ready_at and last_day are
 * NULL until the order is announced ready there (every line to collect
 * there ready); arrived_at NULL until its customer checked in.
 */
struct ready_line {
	const char *node_id, *order_id;
	const char *customer;		/* the customer's name, else the order's ship_name */
	const char *code, *bay, *vehicle;	/* "" when none */
	const char *ready_at, *last_day, *arrived_at;
	const char *release_id;
	int64_t line_no, ready;		/* ready above 0 */
	const char *location;		/* where its ready units are; "" unknown */
};
/*
 * A customer who checked in before anything of the order was ready
 * there comes as one row of no line: release_id and location NULL,
 * line_no and ready 0.
 */
/*
 * The ready lines of each order at each node, an order's together: by
 * node_id; at a node the orders whose customer arrived first, longest
 * waiting first (arrived_at), then by last_day (none last), order_id;
 * within an order by line_no, release_id.
 */
int store_ready_lines(struct store *st, const struct strv *nodes,
	int (*fn)(void *ctx, const struct ready_line *l), void *ctx);

#endif
