#ifndef OMS_STORE_ROUTE_H
#define OMS_STORE_ROUTE_H
/*
 * store-route: the network, stock and lines oms-route reads, and a
 * line's unrouted allocation it writes (lib/store-route.c).
 */
#include "store.h"

enum store_route_view {
	/* node_id, type, active, can_ship, can_pickup, can_curbside, lat, lon
	 * (the node's, else its postal code's; NULL: unplaced), handling_cost,
	 * processing_days, capacity_per_day (NULL: unlimited), releases on the
	 * business day given, the postal key and country key of its postal
	 * code (model.h) */
	ROUTE_NODES,
	/* max_km, base_cost, per_kg, transit_days; by max_km */
	ROUTE_RATES,
	/* sku, weight_kg, ship_alone, vendor_node */
	ROUTE_ITEMS,
	/* node_id, sku, on_hand, safety_stock, routed, released */
	ROUTE_STOCK,
	/* order_id, line_no, sku, qty, allocated, method, pickup_node,
	 * priority, promise_date, created_at, dest lat, dest lon, backordered,
	 * backorder_reason, and when the destination has no place, the postal
	 * key and country key looked up (else NULL); lines of orders not on
	 * hold with an allocation or routed work, in the order of their keys,
	 * order_id and line_no (scoped: only the orders in the scope table) */
	ROUTE_LINES,
	/* order_id, line_no, node_id, routed: the routed work of the same */
	ROUTE_WORK_ROWS,
	/* order_id, node_id, method, pickup_node, sku: the ship and locker
	 * lines' work released to a node or shipped from it (scoped: of the
	 * orders in the scope table), in no order */
	ROUTE_USED_ROWS
};
int store_route_read(struct store *st, enum store_route_view v, const char *day,
	int scoped, store_typed_fn fn, void *ctx);
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
