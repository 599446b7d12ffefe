#ifndef OMS_STORE_SCAN_H
#define OMS_STORE_SCAN_H
/*
 * store-scan: whole tables read in key order, the facts the KPIs, the
 * order quantities and the page over them are computed from
 * (lib/store-scan.c).
 */
#include "store.h"

/*
 * Each function hands fn typed rows (store_col_*) in the column order
 * given; 0 or -1.
 */

/* Before reading a large part of the store (memory-maps it); 0. */
int store_scan_begin(struct store *st);
/*
 * Every order, by order_id: order_id, channel, promise_date,
 * shipping_charge, created_at.
 */
int store_orders_scan(struct store *st, store_typed_fn fn, void *ctx);
/*
 * Every order line, by order_id, line_no: order_id, line_no, qty, shipped,
 * cancelled, returned, backordered, unit_price, discount, ever_backordered.
 */
int store_lines_scan(struct store *st, store_typed_fn fn, void *ctx);
/*
 * What routing each line to a node it shipped from cost (line_node), by
 * order_id, line_no, node_id: order_id, cost_cents.
 */
int store_route_costs(struct store *st, store_typed_fn fn, void *ctx);
/*
 * The releases that shipped, by order_id: order_id, shipped_at,
 * transit_days (NULL: not known).
 */
int store_shipped_releases(struct store *st, store_typed_fn fn, void *ctx);
/* Refunds per order and kind: order_id, is_appeasement, amount (cents). */
int store_refund_totals(struct store *st, store_typed_fn fn, void *ctx);
/*
 * Demand history: fn for each line of the orders created in [from, to) of
 * the skus (NULL or empty: any), by order: sku, created_at, qty less
 * cancelled.  The
 * orders and the lines are read in key order and merged, not joined by
 * SQLite (a lookup per line).  fn returns 0 to go on; 0 or -1.
 */
int store_demand(struct store *st, const char *from, const char *to,
	const struct strv *skus, int (*fn)(void *ctx, const char *sku, const char *created_at,
	int64_t qty), void *ctx);
/*
 * Active items (only the skus when not NULL or empty), by sku, each as
 * a struct item_cost (its strings live until fn returns); fn returns 0
 * to go on.  0 or -1.
 */
struct item_cost {
	const char *sku;
	double unit_cost, ordering_cost, holding_rate, lead_time_days;
	int64_t on_hand;	/* over active nodes */
};
int store_item_costs(struct store *st, const struct strv *skus,
	int (*fn)(void *ctx, const struct item_cost *c), void *ctx);
/*
 * An order line and its order's created_at (NULL: no such order) and
 * promise_date (NULL: none, or no such order).
 */
struct store_order_line {
	const char *order_id, *created_at, *promise_date, *sku;
	const char *backordered_at;	/* NULL: not known (or not backordered) */
	int64_t line_no, qty, cancelled, backordered;
};
/*
 * Every order line, by order_id, line_no, to fn (0 to go on, -1 to stop:
 * the function then returns -1).  0, or -1 after a diagnostic.
 */
int store_lines_dated(struct store *st,
	int (*fn)(void *ctx, const struct store_order_line *l), void *ctx);
/*
 * What the inventory view reserves, per line and node: line_node rows
 * with routed + released > 0, by order_id, line_no, node_id: order_id,
 * line_no, node_id, routed + released.
 */
int store_reserved_work(struct store *st, store_typed_fn fn, void *ctx);
/*
 * Inventory rows of existing nodes, by node_id, sku: node_id, sku,
 * on_hand, safety stock (the row's, else the node's), the node's active.
 */
int store_inventory_rows(struct store *st, store_typed_fn fn, void *ctx);
/* The latest business day of any release into day ("" when none); 0 or -1. */
int store_release_last_day(struct store *st, char day[11]);

#endif
