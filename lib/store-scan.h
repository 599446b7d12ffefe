#ifndef OMS_STORE_SCAN_H
#define OMS_STORE_SCAN_H
/*
 * store-scan: whole tables read in key order, the facts the KPIs, the
 * order quantities and the page over them are computed from
 * (lib/store-scan.c).
 */
#include "store.h"

/*
 * Each function hands fn one struct per row, named by its data (its
 * strings live until fn returns; NULL for SQL NULL); fn returns 0 to go
 * on, -1 to stop (the function then returns -1).  0 or -1.
 */

/* Before reading a large part of the store (memory-maps it); 0. */
int store_scan_begin(struct store *st);
/* Every order, by order_id. */
struct order_fact {
	const char *order_id, *channel, *promise_date, *created_at;
	int64_t shipping_charge;
};
int store_orders_scan(struct store *st, int (*fn)(void *ctx, const struct order_fact *o),
	void *ctx);
/* Every order line, by order_id, line_no. */
struct line_fact {
	const char *order_id;
	int64_t line_no, qty, shipped, cancelled, returned, backordered;
	int64_t unit_price, discount, ever_backordered;
};
int store_lines_scan(struct store *st, int (*fn)(void *ctx, const struct line_fact *l),
	void *ctx);
/*
 * What routing each line to a node it shipped from cost (line_node), by
 * order_id, line_no, node_id.
 */
struct route_cost {
	const char *order_id;
	int64_t cost_cents;
};
int store_route_costs(struct store *st, int (*fn)(void *ctx, const struct route_cost *c),
	void *ctx);
/* The releases that shipped, by order_id. */
struct shipped_release {
	const char *order_id, *shipped_at;
	const char *delivered_at;	/* NULL: not (all) delivered, or not known */
	int64_t transit_days;
	int transit_known;	/* 0: transit_days not known (NULL) */
};
int store_shipped_releases(struct store *st,
	int (*fn)(void *ctx, const struct shipped_release *r), void *ctx);
/* Refunds per order and kind. */
struct refund_total {
	const char *order_id;
	/*
	 * 1: appeasements, 2: care's price adjustments, 0: refunds of returns
	 * and of uneven exchanges (a cancel's are left out: never revenue)
	 */
	int kind;
	int64_t amount;		/* cents */
};
int store_refund_totals(struct store *st, int (*fn)(void *ctx, const struct refund_total *t),
	void *ctx);
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
	int64_t on_order;	/* open supply at active nodes: qty less received */
	int64_t backordered;	/* the units its lines wait for */
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
 * with routed + released > 0, by order_id, line_no, node_id.
 */
struct line_reservation {
	const char *order_id, *node_id;
	int64_t line_no, reserved;	/* routed + released */
};
int store_reserved_work(struct store *st,
	int (*fn)(void *ctx, const struct line_reservation *r), void *ctx);
/* Inventory rows of existing nodes, by node_id, sku. */
struct stock_fact {
	const char *node_id, *sku;
	int64_t on_hand, safety_stock;	/* the row's safety stock, else the node's */
	int node_active;
};
int store_inventory_rows(struct store *st, int (*fn)(void *ctx, const struct stock_fact *f),
	void *ctx);
/* The latest business day of any release into day ("" when none); 0 or -1. */
int store_release_last_day(struct store *st, char day[11]);

#endif
