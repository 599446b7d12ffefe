#ifndef OMS_ALLOC_H
#define OMS_ALLOC_H
/*
 * alloc: who gets the stock.
 *
 * The decision is plain C over memory: the supply of every sku (ATP per
 * node, and which nodes may serve which lines) and the lines of one order
 * at a time, in the order of service.  Each line gets as much as is still
 * available to it; a ship-complete order gets all its lines in full or
 * nothing.  Availability is exact for the way lines may draw: ship and
 * locker lines from a pool of nodes (active shipping nodes and the item's
 * own vendor), pickup and curbside lines from their store only.  With P_n
 * the pickup allocations at node n and S the units allocated to ship
 * lines, a plan is feasible iff P_n <= atp_n at every node and
 * S <= sum over the pool of (atp_n - P_n).
 *
 * Routed work that is not released yet is a reservation like an
 * allocation: a line short of free stock takes it back from the lines
 * after it in the order of service (alloc_add_routed, alloc_order).
 *
 * alloc_run() is the command: it reads the lines in scope from the store in
 * key order (a plain scan, about 150 bytes of memory a line, some 200 for a
 * line with routed work, kept for the take-back), sorts their
 * orders by the order of service, decides them in that order, reporting a
 * row and writing an event for each line that changed, then writes the
 * changed lines back in key order, one pass over the table.
 */
#include <stdint.h>

#include "model.h"
#include "output.h"
#include "scope.h"
#include "store.h"

struct allocator;
struct buf;
struct sourcing;

/* An empty allocator; alloc_free() releases it and all it holds. */
struct allocator *alloc_new(void);
void alloc_free(struct allocator *a);

/*
 * The merchant's sourcing rules (sourcing.h), set after the nodes are
 * added and before any stock: a line of class cls (alloc_line.cls) that
 * draws on the network (ship, locker, a pickup shipped to its store)
 * draws only on the nodes of the pool its class may use, and not on the
 * units a node holds back from it.  Availability stays exact: with E_c
 * the pool's nodes class c may use and S_c what its lines hold, a plan
 * is feasible iff P_n <= atp_n at every node and, for every family J of
 * classes, the sum of S_j over J is at most the sum over the union of
 * their E_j of (atp_n - P_n) (Hall's condition for the transport of
 * units from nodes to classes); a class's line also leaves at each node
 * the units held back from it.  Classes whose nodes are the same share
 * one set.  Without it (or with sourcing_plain), every line is of the
 * pool.  Pickup and curbside lines served from their store's own stock
 * draw on it whatever the rules say: the customer comes to the store.
 */
void alloc_set_sourcing(struct allocator *a, struct sourcing *s);

/* What a node may do, as the node table says. */
struct alloc_node_caps {
	int vendor;		/* its type is vendor */
	int active, can_ship, can_pickup, can_curbside;
	int located;		/* it has a place: its lat/lon, or its postal code's */
	int ship_to_store;	/* a store whose pickups may be shipped to it */
};
/* The lines a node's stock of an item may serve, as bits. */
enum alloc_serves {
	ALLOC_SERVES_SHIP = 1,		/* ship and locker lines: the network's pool */
	ALLOC_SERVES_PICKUP = 2,	/* pickup lines at the node */
	ALLOC_SERVES_CURBSIDE = 4	/* curbside lines at the node */
};
/*
 * Who may draw on a node's stock of an item: the rule allocation decides
 * by, which routing, oms-report inventory --by sku and oms-report check
 * follow.  An inactive node's stock serves no line.  Ship and locker
 * lines draw on every active node that ships, but a vendor ships only the
 * items it is the vendor_node of (own_item), and those whether or not
 * can_ship is set; a node that cannot be located ships nothing, since no
 * trip from it can be priced.  Pickup and curbside lines draw on their
 * store when it offers the method, located or not: the customer comes to
 * it.  0: no line may use the stock.
 */
unsigned alloc_serves(const struct alloc_node_caps *n, int own_item);

/*
 * A node, with what it may do (caps->vendor is set from type); code and
 * country: when it cannot be located (caps->located 0), the keys of its
 * postal code and country looked up in vain, for the reasons that name
 * it (model.h: place_reason).
 */
void alloc_add_node(struct allocator *a, const char *node_id, const char *type,
	const struct alloc_node_caps *caps, const char *code, const char *country);
/*
 * Stock of sku at node_id (a node added before): atp units.  vendor is the
 * item's dropship vendor node or NULL.  Each (sku, node) once.
 */
void alloc_add_stock(struct allocator *a, const char *sku, const char *vendor,
	const char *node_id, int64_t atp);

/* One line to decide: what it asks for, and, after alloc_order(), the answer. */
struct alloc_line {
	const char *sku, *method, *pickup_node;
	int64_t demand;		/* qty less routed, released, shipped, cancelled */
	int64_t allocated;	/* out */
	enum backorder_why reason;	/* out: why not all of demand */
	/*
	 * When the order's ship-to cannot be placed, the keys of its postal
	 * code and country looked up in vain ("" for none); NULL when it can
	 */
	const char *ship_to_code, *ship_to_country;
	int node;		/* out: the node of BO_LOCKER, BO_NODE */
	/*
	 * A pickup or curbside line shipped to its store: in, 1 when it
	 * must stay so (it has units routed, released or shipped that way),
	 * and may_transfer when it may become so (its item may be shipped
	 * to a store); out, whether it is (see alloc_order).
	 */
	int transfer, may_transfer;
	int cls;		/* its sourcing class (0: none; see alloc_set_sourcing) */
};

/*
 * The reason of line l as alloc_order left it, as text: a place's in
 * place_reason's words, made in b; else a fixed text; NULL for none.
 */
const char *alloc_line_reason(const struct allocator *a, const struct alloc_line *l,
	struct buf *b);

/*
 * Take qty for a line that keeps its allocation (outside this run's scope)
 * before anything is decided; it is never refused.
 */
void alloc_keep(struct allocator *a, const struct alloc_line *l, int64_t qty);

/*
 * Routed (not released) work that a line ahead of it in the order of
 * service may take back: qty units of sku routed to node_id for the
 * caller's ref, of the order at place rank in the order of service (0
 * first; an order's lines share its rank); whole: the order ships
 * complete, so that taking any of its routed work takes all of it.  The
 * units are reserved at the node already: alloc_add_stock's atp is net of
 * them.  Added after the stock, in the order of service; work at a node
 * whose stock serves nobody is ignored.
 */
void alloc_add_routed(struct allocator *a, const char *sku, const char *node_id,
	long rank, int whole, int64_t qty, long ref);

/*
 * Decide the n lines of the order at rank, which comes next in the order
 * of service; ship_complete: all in full or none.  A line that is shipped
 * (ship, locker) to a destination that cannot be placed (its order's
 * ship-to, its locker) gets nothing, for that reason, even in a
 * ship-complete order, whose other lines are then short.  A line short of
 * free stock first takes back routed work of orders after it, the last in
 * the order of service first, where it may draw (see alloc_add_routed); a
 * ship-complete order that cannot be served whole takes nothing back.  A
 * ship or locker line still short when the stock it lacks is at nodes
 * that would ship it but cannot be located has the first such node (by
 * node_id) with units left for it as its reason, as far as those units
 * go, the lines first in the order of service first (as oms-route does).
 */
void alloc_order(struct allocator *a, struct alloc_line *lines, int n, int ship_complete,
	long rank);

/*
 * For oms-allocate --explain: each node holding line l's sku, as l may
 * draw on it now (after alloc_order): its units free (atp less what
 * pickups hold there), the units held back from l's class, whether l
 * may draw there, and why not (a fixed text; NULL when it may).
 */
struct alloc_source {
	const char *node_id;
	int64_t free, held;
	int tier;		/* 1 without rules; 0 when l may not draw there */
	const char *why;
};
void alloc_explain(struct allocator *a, const struct alloc_line *l,
	void (*fn)(void *ctx, const struct alloc_source *s), void *ctx);

/* Routed work the last alloc_order took back: ref as added, and units. */
struct alloc_take {
	long ref;
	int64_t qty;
};
/* The *n entries, one per ref; valid until the next alloc_order. */
const struct alloc_take *alloc_taken(const struct allocator *a, int *n);
/* Add to w the nodes that cannot be located, with the lines backordered for want of their place. */
void alloc_warn_nodes(const struct allocator *a, struct place_warn *w);

struct alloc_opts {
	const struct scope *scope;	/* the orders of the run; NULL: every order */
	int format;			/* enum outfmt */
	int safe_csv;
	const char *explain;		/* --explain ORDER: its rows instead (a dry run) */
};

struct alloc_counts {
	long lines, full, partly, backordered;
	int64_t units, units_backordered, units_taken_back;
	int64_t units_unrouted;	/* routed work taken back from nodes short of stock */
	int64_t units_routed_taken;	/* routed work taken back for more urgent orders */
	long to_store_changed;	/* lines whose allocation alone did not change: their source did */
	long held_orders_freed;	/* held orders past their channel's time, stock freed */
	int64_t held_units_freed;	/* their allocated and routed units, back to open */
	long rules_version;	/* the sourcing rules' version used (0: none) */
	long orders_held;	/* held by a rule whose on_short is hold */
	long lines_pegged;	/* lines that took stock on its way (alloc-supply.h) */
	int64_t units_pegged, units_unpegged;
};

/*
 * The run: decide every line in scope and write what changed to the
 * store (in the caller's transaction) and as rows to out.  Returns 0, or
 * an exit status after a diagnostic (65 for an unknown order).
 */
int alloc_run(struct store *st, const struct alloc_opts *o, FILE *out,
	struct alloc_counts *counts);

#endif
