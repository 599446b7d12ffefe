#ifndef OMS_STORE_ALLOC_H
#define OMS_STORE_ALLOC_H
/*
 * store-alloc: the scope of a run, the network as allocation reads it
 * (nodes, stock, kept allocations), the orders and lines to allocate
 * with their work at nodes, the routed work at a node, and the
 * write-back of allocations (lib/store-alloc.c).
 */
#include "store.h"

/*
 * The orders a run is limited to, in a temporary table: store_scope_add
 * returns 1 (added), 0 when no such order exists, -1 on error.
 */
int store_scope_reset(struct store *st);
int store_scope_add(struct store *st, const char *order_id);
/* A line's work at one node: units routed and released there. */
struct alloc_work {
	const char *node_id;
	int64_t routed, released;
};
/*
 * A line to allocate: its key, what it asks for, its unrouted allocation,
 * backorder and reason (NULL: none), and its qty less shipped and
 * cancelled (the strings valid during the call only).
 */
struct line_to_allocate {
	const char *order_id;
	int64_t line_no;
	const char *sku;
	int64_t qty;
	const char *method;
	const char *pickup_node;	/* NULL: none */
	int64_t allocated, backordered;
	const char *backorder_reason;
	int64_t open_qty;	/* qty - shipped - cancelled */
	int64_t shipped;
	/*
	 * A pickup or curbside line's: whether it is shipped to its store,
	 * and whether its item may be (0 for other lines)
	 */
	int64_t ship_to_store, item_ship_to_store;
	int64_t unit_price, discount;	/* cents: its order's value, for sourcing rules */
};
/*
 * The lines to allocate, by order_id and line_no (scoped: only the scope;
 * the lines of held orders too, which are not among store_alloc_orders'),
 * each with the line's work at each node where it has any, by node_id
 * (nwork 0: none; valid during the call only).  0 or -1.
 */
typedef int (*store_alloc_line_fn)(void *ctx, const struct line_to_allocate *l,
	const struct alloc_work *work, int nwork);
int store_alloc_lines(struct store *st, int scoped, store_alloc_line_fn fn, void *ctx);
/*
 * Set the unrouted allocation, backorder and reason (NULL: none) of the n
 * lines for which fn returns 1, in one pass over the table: fn is asked
 * about lines in key order, each maybe more than once in a row.  0, or -1
 * after a diagnostic (also when other than n lines were found).
 */
typedef int (*store_alloc_find_fn)(void *ctx, const char *order_id, int64_t line_no,
	int64_t *allocated, int64_t *backordered, const char **reason, int *ship_to_store);
int store_alloc_write(struct store *st, store_alloc_find_fn fn, void *ctx, long n);
/*
 * Set a line's unrouted allocation, backorder and reason (NULL: none),
 * and whether it is shipped to its store.
 */
int store_line_alloc(struct store *st, const char *order_id, int64_t line_no,
	int64_t allocated, int64_t backordered, const char *reason, int ship_to_store);
/*
 * A line's routed (not released) work at a node, with its order's place
 * in the order of service: priority, promise_date and created_at (NULL:
 * none); the strings valid during the call only.
 */
struct routed_line {
	const char *order_id;
	int64_t line_no, routed, priority;
	const char *promise_date, *created_at;
};
/*
 * The routed work on sku at node, of every order (held or not), in no
 * particular order, for the caller to put in the order of service.  0 or
 * -1.
 */
int store_alloc_routed_at(struct store *st, const char *node_id, const char *sku,
	int (*fn)(void *ctx, const struct routed_line *l), void *ctx);

/*
 * Held orders' stock (oms-allocate(1), "Held orders"), freed at the start
 * of a run.  store_alloc_holds_due: the holds not yet freed
 * (order_hold.stock_freed_at) of orders held longer than their channel's
 * hold_release_hours (channel_policy) at now, "YYYY-MM-DDTHH:MM:SSZ"
 * (scoped: the scope's orders only), by order_id and hold_type; nothing
 * is read when no channel has hold_release_hours.  store_alloc_held_stock:
 * an order's stock that may be freed, by line_no and node_id: each line's
 * allocated units (node_id NULL, routed 0) and its routed units at each
 * node (the line's allocated repeated on each of its rows).
 * store_alloc_unallocate sets the allocated of every line of the order to
 * 0 (the caller sets their routed units, by store_line_node_routed);
 * store_alloc_hold_freed records that the hold's stock was freed at at.
 * Each 0 or -1.
 */
struct hold_due {
	const char *order_id, *hold_type, *held_at;
	int64_t hours;
};
int store_alloc_holds_due(struct store *st, int scoped, const char *now,
	int (*fn)(void *ctx, const struct hold_due *h), void *ctx);
struct held_stock {
	int64_t line_no;
	const char *sku, *node_id;
	int64_t allocated, routed;
};
int store_alloc_held_stock(struct store *st, const char *order_id,
	int (*fn)(void *ctx, const struct held_stock *h), void *ctx);
int store_alloc_unallocate(struct store *st, const char *order_id);
int store_alloc_hold_freed(struct store *st, const char *order_id, const char *hold_type,
	const char *at);

/*
 * The network as allocation reads it.  Each function hands fn one struct
 * a row, on the stack, its strings valid during the call only; fn's
 * non-zero stops the reading (-1: an error).  0 or -1.
 *
 * Every node, by node_id: what it may do, and, when it cannot be located,
 * the keys of its postal code and country looked up in vain (NULL both
 * when it can).
 */
struct network_node {
	const char *node_id, *type;
	int64_t active, can_ship, can_pickup, can_curbside;
	const char *postal_key, *country_key;
	int64_t ship_to_store;
};
int store_alloc_nodes(struct store *st,
	int (*fn)(void *ctx, const struct network_node *n), void *ctx);
/*
 * The stock of every item at every node, in no particular order: the
 * item's vendor_node (NULL: none), on_hand, safety_stock (the node's when
 * the row has none) and reserved (routed + released there, not shipped).
 */
struct stock_reserved {
	const char *sku, *vendor_node, *node_id;
	int64_t on_hand, safety_stock, reserved;
};
int store_alloc_stock(struct store *st,
	int (*fn)(void *ctx, const struct stock_reserved *s), void *ctx);
/*
 * What lines keep that a run does not decide: those of held orders, and
 * (scoped) those outside the scope, that hold an allocation; in no
 * particular order.
 */
struct kept_allocation {
	const char *sku, *method, *pickup_node;
	int64_t allocated, ship_to_store;
};
int store_alloc_kept(struct store *st, int scoped,
	int (*fn)(void *ctx, const struct kept_allocation *k), void *ctx);
/*
 * The orders to allocate, by order_id: every order not on hold (scoped:
 * only those of the scope), with its place in the order of service
 * (promise_date, created_at NULL: none), whether it ships complete, and,
 * when its ship-to cannot be placed, the keys of its postal code and
 * country looked up in vain (NULL both when it can).
 */
struct order_to_allocate {
	const char *order_id;
	int64_t priority;
	const char *promise_date, *created_at;
	int64_t ship_complete;
	const char *postal_key, *country_key;
	/* what sourcing rules match on (sourcing.h) */
	const char *channel, *ship_country, *ship_region, *ship_postal_code;
};
int store_alloc_orders(struct store *st, int scoped,
	int (*fn)(void *ctx, const struct order_to_allocate *o), void *ctx);

#endif
