#ifndef OMS_STORE_ORDER_H
#define OMS_STORE_ORDER_H
/*
 * store-order: one order's head, lines, work and holds, the changes
 * customer care makes to them, and the sections of the 360-degree view
 * (lib/store-order.c).
 */
#include "store.h"

/*
 * Customer care on one order (lib/order.c): reading what a change needs,
 * writing it, and the 360-degree view.  Functions taking an order_id and
 * a callback hand it one struct per row (its strings live until fn
 * returns; NULL for SQL NULL), and return 0, or -1 after a diagnostic (or
 * the callback's -1).
 */

/* The order's head.  1 when the order exists (fn called once), 0 not, -1. */
struct order_head {
	int64_t priority;
	/* ship_name, ship_address1, ship_city, ship_region,
	   ship_postal_code, ship_country */
	const char *ship[6];
	const char *ship_lat, *ship_lon;	/* as text; NULL when not known */
};
int store_order_head(struct store *st, const char *order_id,
	int (*fn)(void *ctx, const struct order_head *h), void *ctx);
/* Its lines (every line when line_no is 0), by line_no. */
struct order_line_state {
	int64_t line_no, qty, allocated, backordered, shipped, cancelled;
	int64_t unit_price, discount;	/* cents */
	const char *sku, *method, *pickup_node, *backorder_reason;
};
int store_order_lines(struct store *st, const char *order_id, int64_t line_no,
	int (*fn)(void *ctx, const struct order_line_state *l), void *ctx);
/*
 * The item a change puts on a line: 1 and *price (cents), *active filled
 * when sku is an item, 0 when not, -1 after a diagnostic.
 */
int store_order_item(struct store *st, const char *sku, int64_t *price, int *active);
/* Its work at nodes, by line_no then node_id. */
struct line_node_work {
	int64_t line_no, routed, released;
	const char *node_id;
};
int store_order_line_nodes(struct store *st, const char *order_id,
	int (*fn)(void *ctx, const struct line_node_work *n), void *ctx);
/*
 * Its release lines with units still out at the node (qty less shipped,
 * short and cancelled), oldest release first.
 */
struct release_line_out {
	int64_t line_no, outstanding, cancel_requested;
	const char *release_id, *node_id;
};
int store_order_release_lines(struct store *st, const char *order_id,
	int (*fn)(void *ctx, const struct release_line_out *r), void *ctx);

/*
 * Set a line's qty, allocated, backordered (+ reason, NULL: none) and
 * cancelled, then store_line_check it: the caller writes its line_node
 * rows first.
 */
int store_line_set(struct store *st, const char *order_id, int64_t line_no,
	int64_t qty, int64_t allocated, int64_t backordered, const char *reason,
	int64_t cancelled);
/*
 * Set the units routed to a node; the row goes when nothing is left there
 * (routed, released or shipped from there).  store_line_node_route also
 * adds the cost, in cents, of the routing that put them there, and sets
 * the transit days of its rate band (see share/schema/008-transit-days.sql;
 * below 0: keeps what the row has).
 */
int store_line_node_routed(struct store *st, const char *order_id, int64_t line_no,
	const char *node_id, int64_t routed);
int store_line_node_route(struct store *st, const char *order_id, int64_t line_no,
	const char *node_id, int64_t routed, int64_t cost_cents, int64_t transit_days);
/*
 * Put another item on a line, at unit_price (cents), no longer shipped to
 * its store: the caller has taken every unit back to open first.
 */
int store_line_item_set(struct store *st, const char *order_id, int64_t line_no,
	const char *sku, int64_t unit_price);
/*
 * Hand a line over another way (method, and pickup_node, NULL for ship),
 * no longer shipped to its store: the caller has taken every unit back to
 * open first.
 */
int store_line_method_set(struct store *st, const char *order_id, int64_t line_no,
	const char *method, const char *pickup_node);
/*
 * A node a line may be handed over at: 1 and *n filled when node_id is a
 * node, 0 when not, -1 after a diagnostic.
 */
struct node_ref;
int store_order_node(struct store *st, const char *node_id, struct node_ref *n);
/*
 * Ask the node for n more units of a release line back (cancel_requested
 * += n), their refund, when the node answers, to tender (NULL: original).
 */
int store_release_cancel_request(struct store *st, const char *release_id,
	int64_t line_no, int64_t n, const char *tender);

/*
 * A hold of one type: store_hold_get gives 1 and fn the hold when the
 * order has it, 0 when not; store_hold_add puts it (at the run's time;
 * rule_id: the hold rule that placed it, NULL for care's), store_hold_remove
 * takes it away.
 */
struct order_hold {
	const char *held_by, *held_at, *reason;
};
int store_hold_get(struct store *st, const char *order_id, const char *hold_type,
	int (*fn)(void *ctx, const struct order_hold *h), void *ctx);
int store_hold_add(struct store *st, const char *order_id, const char *hold_type,
	const char *reason, const char *by, const char *rule_id);
int store_hold_remove(struct store *st, const char *order_id, const char *hold_type);

/*
 * The stale-backorder policy (oms-order expire-backorders): every line
 * still backordered whose backorder began (backordered_at; not known: its
 * order's created_at) more than its order's channel's backorder_days
 * (channel_policy) before now, "YYYY-MM-DDTHH:MM:SSZ"; by order_id and
 * line_no.  A channel without a policy, or without backorder_days, has
 * none due.  0 or -1.
 */
struct backorder_due {
	const char *order_id, *channel, *since;
	int64_t line_no, backordered, days;
};
int store_backorders_due(struct store *st, const char *now,
	int (*fn)(void *ctx, const struct backorder_due *b), void *ctx);

int store_order_priority_set(struct store *st, const char *order_id, int64_t priority);
/* Write o's ship_* fields (and ship_lat/ship_lon, NULL unless has_latlon). */
int store_order_address_set(struct store *st, const struct order *o);

/*
 * The sections of the 360-degree view, each a query on one key (the
 * order id, or for CUSTOMER and CUSTOMER_ORDERS the customer id), each
 * sorted oldest first.  A section's records are handed to fn by the
 * names of their fields, the names the view prints (lib/order-show.c
 * says which each section has), with their values as the store has them,
 * as text (NULL for SQL NULL); valid until fn returns.  fn returns 0 to
 * go on.  0 or -1.
 */
enum order_section {
	OS_ORDER, OS_LINES, OS_ALLOCATIONS, OS_ROUTING, OS_RELEASES, OS_SHIPMENTS,
	OS_RETURNS, OS_RECEIPTS, OS_REFUNDS, OS_APPEASEMENTS, OS_ADJUSTMENTS, OS_HOLDS,
	OS_EVENTS, OS_CUSTOMER, OS_CUSTOMER_ORDERS, OS_EXCHANGES, OS_COUNT
};
struct order_record {
	int n;
	const char *const *name, *const *value;
};
int store_order_section(struct store *st, enum order_section s, const char *key,
	int (*fn)(void *ctx, const struct order_record *r), void *ctx);

/*
 * A care change applied under a reference (the change_ref table): 1 and
 * its action, order_id, by and at copied into seen (each at most its
 * size), 0 when the reference is new, -1 error.
 */
struct change_ref_seen {
	char action[32], order_id[256], by[64], at[21];
};
int store_change_ref_get(struct store *st, const char *ref, struct change_ref_seen *seen);
/* Record that ref was applied (action, order_id, by, now): 0 or -1. */
int store_change_ref_add(struct store *st, const char *ref, const char *action,
	const char *order_id, const char *by);

#endif
