#ifndef OMS_STORE_ROUTE_H
#define OMS_STORE_ROUTE_H
/*
 * store-route: the network, stock and lines oms-route reads, and a
 * line's unrouted allocation it writes (lib/store-route.c).
 */
#include "store.h"

/*
 * The loads of oms-route, each a statement whose rows are handed to fn as
 * a struct named by its data, filled on the stack: its strings point into
 * the statement's current row and live until fn returns.  fn returns 0 to
 * go on.  Scoped: only the orders in the scope table (temp.scope).  Each
 * returns 0, or -1 after a diagnostic saying what.
 */

/*
 * Where a node or a ship-to is: its own lat and lon, else its postal
 * code's.  lat and lon are 0 where NULL.
 */
struct place_lookup {
	int located;		/* 1: lat and lon both there */
	double lat, lon;
	/* not located: the postal key and country key of its postal code
	 * looked up in vain (model.h; "" when none); located: NULL */
	const char *postal_key, *country_key;
};

/* A node, by node_id. */
struct shipping_node {
	const char *node_id, *type;
	int64_t active, can_ship;
	struct place_lookup place;
	double handling_cost;
	int64_t processing_days;
	int capacity_limited;		/* 0: capacity_per_day NULL, unlimited */
	int64_t capacity_per_day;	/* 0 when NULL */
	int64_t released_today;		/* releases on the business day given */
};
int store_route_nodes(struct store *st, const char *day,
	int (*fn)(void *ctx, const struct shipping_node *n), void *ctx);

/* A band of the rate card, by max_km. */
struct rate_card_band {
	double max_km, base_cost, per_kg;
	int64_t transit_days;
};
int store_route_rates(struct store *st,
	int (*fn)(void *ctx, const struct rate_card_band *b), void *ctx);

/* An item, in no order. */
struct item_shipping {
	const char *sku;
	double weight_kg;
	int64_t ship_alone;
	const char *vendor_node;	/* NULL: none */
	int64_t unit_price;	/* cents (oms-promise's; 0 for oms-route) */
};
int store_route_items(struct store *st,
	int (*fn)(void *ctx, const struct item_shipping *it), void *ctx);

/*
 * The stock of a sku at a node, with what is routed and released there
 * (a pair with routed or released work and no inventory row: on_hand and
 * safety_stock 0), in no order.
 */
struct stock_routed {
	const char *node_id, *sku;
	int64_t on_hand;
	int64_t safety_stock;	/* the inventory row's, else the node's */
	int64_t routed, released;
};
int store_route_stock(struct store *st,
	int (*fn)(void *ctx, const struct stock_routed *s), void *ctx);

/*
 * A line in play: of an order not on hold, with an allocation or routed
 * work; in the order of their keys, order_id and line_no.
 */
struct line_in_play {
	const char *order_id;
	int64_t line_no;
	const char *sku;
	int64_t qty, allocated;
	const char *method, *pickup_node;	/* pickup_node NULL: none */
	int64_t priority;
	const char *promise_date;		/* NULL: none */
	const char *created_at;
	struct place_lookup dest;		/* the order's ship-to */
	int64_t backordered;
	const char *backorder_reason;		/* NULL: none */
	int64_t ship_to_store;	/* a pickup or curbside line shipped to its store */
	/* what sourcing rules match on (sourcing.h) */
	const char *channel, *ship_country, *ship_region, *ship_postal_code;
	int64_t unit_price, discount;	/* cents */
	int64_t order_value;	/* the order's merchandise, cents; 0 unless valued */
};
/* valued: with each line its order's value (for sourcing rules) */
int store_route_lines(struct store *st, int scoped, int valued,
	int (*fn)(void *ctx, const struct line_in_play *l), void *ctx);

/* The routed work (routed > 0) of the lines in play, in no order. */
struct work_in_play {
	const char *order_id;
	int64_t line_no;
	const char *node_id;
	int64_t routed;
};
int store_route_work(struct store *st, int scoped,
	int (*fn)(void *ctx, const struct work_in_play *w), void *ctx);

/*
 * The ship and locker lines' work released to a node or shipped from it
 * (of every order, on hold or not), in no order.
 */
struct work_released {
	const char *order_id, *node_id, *method;
	const char *pickup_node;	/* NULL: none */
	const char *sku;
};
int store_route_released(struct store *st, int scoped,
	int (*fn)(void *ctx, const struct work_released *w), void *ctx);

/*
 * The active nodes oms-route must place (shipping nodes, vendors,
 * lockers) that have no lat/lon and whose postal code is not in the
 * postal table, by node_id, each with the keys (model.h) looked up in
 * vain (its strings live until fn returns).  0 or -1.
 */
struct unplaced_node {
	const char *node_id, *postal_key, *country_key;
};
int store_unplaced_nodes(struct store *st,
	int (*fn)(void *ctx, const struct unplaced_node *n), void *ctx);
/* (store_line_node_routed sets the routed quantity of a line at a node.) */
/*
 * Set a line's unrouted allocation and backorder; event: 1 when the run
 * writes an event of the change (what dates a backorder that begins).
 */
int store_route_line(struct store *st, const char *order_id, int64_t line_no,
	int64_t allocated, int64_t backordered, const char *reason, int event);

#endif
