#ifndef OMS_STORE_H
#define OMS_STORE_H
/*
 * store: the only code that speaks SQL.  One SQLite file shared by every
 * command, created with its schema (share/schema) on first use and
 * migrated forward; WAL, a busy timeout, foreign keys on.
 *
 * Errors: functions returning int give 0 (or a documented count/enum) on
 * success and -1 after a diagnostic, with store_status() holding the exit
 * status to use (75 busy, 74 I/O, 70 anything unexpected).
 */
#include <stdint.h>

#include "model.h"
#include "util.h"

struct store;

/* Where the store lives: path, else $OMS_DB, else ./oms.db. */
const char *store_path(const char *path);

/*
 * Open (creating and migrating unless readonly) the store at path.
 * Returns 0 and *st, or an exit status after a diagnostic.
 */
int store_open(struct store **st, const char *path, int busy_ms, int readonly);
void store_close(struct store *st);
/*
 * Before the first store_open: the process may then use several
 * connections, each in one thread at a time.  store_open_again opens
 * another read-only connection to st's store, for a worker thread.
 */
void store_threads(void);
int store_open_again(const struct store *st, struct store **again);
int store_status(const struct store *st);

/*
 * The one write transaction of a command run (BEGIN IMMEDIATE).
 * store_begin fails with exit 75 when the store was removed by
 * store_discard_new while it waited for the lock.
 */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);
/*
 * A run that commits nothing (it failed, or a dry run) leaves no store it
 * made: when store_open created the file and no other run was committed
 * to it, remove it with its -wal and -shm, while the transaction holds
 * the write lock, and roll back: 1.  Else 0, nothing done.
 */
int store_discard_new(struct store *st);

/*
 * The run log, written in the run's own transaction, so that a run that
 * commits is on record with its end, and one that is killed or finds the
 * store busy leaves nothing: store_run_start (after store_begin) records
 * the command; store_run_end its end, exit status and counts (a JSON
 * object), before store_commit.  After store_run_start, store_rollback
 * undoes the work but keeps the run row, and the transaction open for
 * store_run_end and store_commit.
 */
int store_run_start(struct store *st, const char *command, int argc, char **argv);
int store_run_end(struct store *st, int exit_status, const char *counts_json);
/* The time the run started, "YYYY-MM-DDTHH:MM:SSZ". */
const char *store_run_time(const struct store *st);
/* This run's id (0 under --dry-run or before store_run_start). */
int64_t store_run_id(const struct store *st);

/* Append an event to the outbox; payload is a JSON object text. */
int store_event(struct store *st, const char *order_id, const char *type,
	const char *payload_json);
/* Append n events, many rows to a statement (for runs that write many). */
struct event_row {
	const char *order_id, *type, *payload;
};
int store_events(struct store *st, const struct event_row *e, int n);

/* --- import ------------------------------------------------------------ */

enum { PUT_INSERTED = 0, PUT_UPDATED = 1, PUT_UNCHANGED = 2 };

int store_item_put(struct store *st, const struct item *it);
int store_node_put(struct store *st, const struct node *n);
int store_customer_put(struct store *st, const struct customer *c);
int store_postal_put(struct store *st, const struct postal *p);
int store_rate_put(struct store *st, const struct rate *r);
/*
 * The rate card is the n bands of km[] (a rates import is the whole
 * card): *others is set to the number of stored bands not among them,
 * which are removed when remove is 1.  0, or -1 after a diagnostic.
 */
int store_rates_keep(struct store *st, const double *km, int n, int remove, long *others);
/*
 * Orders and lines are written in two steps so that a large import of new
 * orders costs one statement a row: *_insert adds the row when its key is
 * new (1) or does nothing (0); for a key already there, *_probe tells what
 * is stored and *_update changes it (PUT_UPDATED or PUT_UNCHANGED).  Rows
 * written by this run are marked, so a key met twice in one run is known.
 */
int store_order_insert(struct store *st, const struct order *o);
int store_order_update(struct store *st, const struct order *o);
int store_line_insert(struct store *st, const struct order_line *l);
int store_line_update(struct store *st, const struct order_line *l);

struct order_probe {
	int this_run;		/* written earlier in this run */
	int same;		/* the stored values equal the given ones */
	int in_fulfilment;	/* some quantity allocated, routed, released,
				 * shipped or cancelled */
	char created_at[21];
};
/* 1 and *p filled when the order exists, 0 when not, -1 error. */
int store_order_probe(struct store *st, const struct order *o, struct order_probe *p);
/* The same for a line (created_at and in_fulfilment are not filled). */
int store_line_probe(struct store *st, const struct order_line *l, struct order_probe *p);

/*
 * Insert orders that should all be new, with their lines and one
 * "order.created" event each (payloads[i] for orders[i]), all or nothing:
 * 1 when all was written, 0 when some order or line was already there
 * (nothing written), -1 on error.  Far faster than row by row.
 */
int store_new_orders(struct store *st, const struct order *orders, int norders,
	const struct order_line *lines, int nlines, const char *const *payloads);

/*
 * A savepoint inside the run's transaction, to undo one order's writes:
 * begun, then ended (its writes kept), or undone (and ended).  0 or -1.
 */
int store_savepoint_begin(struct store *st);
int store_savepoint_end(struct store *st);
int store_savepoint_undo(struct store *st);

/* Inventory at node/sku: 1 and *inv filled, 0 none, -1 error. */
int store_inventory_get(struct store *st, const char *node_id, const char *sku,
	struct inventory *inv);
int store_inventory_put(struct store *st, const struct inventory *inv);

/* A delta file already applied: its run id (> 0), 0 if not, -1 error. */
int64_t store_delta_file_run(struct store *st, const char *digest);
int store_delta_file_add(struct store *st, const char *digest, const char *name);

/*
 * Reference data for validation, loaded once per run: every node (value: a
 * malloc'd struct node_ref), every sku (value: a malloc'd int64_t, its
 * unit_price in cents), every customer_id (value: NULL).
 */
struct node_ref {
	char type[16];
	int can_ship, can_pickup, can_curbside, active;
};
int store_load_nodes(struct store *st, struct strmap *nodes);
int store_load_skus(struct store *st, struct strmap *skus);
int store_load_customers(struct store *st, struct strmap *customers);

/*
 * Keys seen earlier in this run (a temporary table, so memory stays flat
 * however large the input): returns 0 the first time key is seen (and
 * remembers digest and line), 1 when seen with the same digest, 2 when
 * seen with another digest (*first_line: where), -1 on error.
 */
int store_seen(struct store *st, const char *key, size_t keylen, int64_t digest,
	long line, long *first_line);
/* 1 when key was seen in this run (without remembering it), 0 not, -1 error. */
int store_seen_has(struct store *st, const char *key, size_t keylen);

/* --- reports ----------------------------------------------------------- */

/*
 * A report query: each row is handed to fn as text values (NULL for SQL
 * NULL), in the column order the report documents.  fn returns 0 to go on.
 */
typedef int (*store_row_fn)(void *ctx, int ncols, const char *const *vals);

enum store_view {
	/* node_id, sku, on_hand, safety_stock, reserved, node active, the
	 * routed part of reserved, node type, can_ship, can_pickup,
	 * can_curbside, the item's vendor_node, 1 when the node can be
	 * located (else 0); ?1 node ids, ?2 skus, each a JSON array of
	 * strings or NULL (see store_inventory_view); by node then sku */
	VIEW_INVENTORY,
	/* the same columns by sku then node; ?1 skus or NULL */
	VIEW_INVENTORY_BY_SKU,
	/* sku, allocated (unrouted) quantity; ?1 skus or NULL; by sku */
	VIEW_ALLOCATED_BY_SKU,
	/* order_id, line_no, sku, qty, allocated, shipped, cancelled,
	 * returned, backordered, backorder_reason, routed, released, nodes;
	 * ?1 order or NULL, ?2 sku or NULL, ?3 channel or NULL, ?4 node (a
	 * line_node row there) or NULL, ?5 created at or after, ?6 created
	 * before (times or dates) or NULL */
	VIEW_LINES,
	/* run_id, command, argv, user, started_at, ended_at, exit_status,
	 * counts; ?1 started at or after, ?2 started before, or NULL */
	VIEW_RUNS,
	/* table, rowid, parent, fkid: foreign keys that do not hold */
	VIEW_FOREIGN_KEYS,
	/* order_id of orders with no line */
	VIEW_ORDERS_WITHOUT_LINES,
	/* SQLite's integrity check: "ok" or the problems */
	VIEW_INTEGRITY,
	/* allocation, by node_id: node_id, type, active, can_ship,
	 * can_pickup, can_curbside, and when it cannot be located the keys
	 * of its postal code and country looked up in vain (NULL both when
	 * it can) */
	VIEW_NODE_CAPS,
	/* allocation: sku, the item's vendor_node, node_id, on_hand,
	 * safety_stock, reserved (routed + released there) */
	VIEW_STOCK_RESERVED,
	/* allocation: lines outside the scope (store_scope_add; ?1 NULL: no
	 * scope) or of held orders, that hold an allocation: sku, method,
	 * pickup_node, allocated */
	VIEW_ALLOCATIONS_KEPT,
	/* allocation: the orders to decide, by order_id: order_id, priority,
	 * promise_date, created_at, ship_complete, and when its ship-to
	 * cannot be placed the keys of its postal code and country looked up
	 * in vain (NULL both when it can); ?1 NULL: every order, else only
	 * the scope; never a held order */
	VIEW_ORDERS_NOT_HELD
};
int store_view(struct store *st, enum store_view v, const char *const *params,
	int nparams, store_row_fn fn, void *ctx);

/*
 * The same views row by row with typed access, for the hot paths: a row is
 * valid during the callback only; store_col_text returns NULL for SQL NULL.
 */
struct store_row;
typedef int (*store_typed_fn)(void *ctx, const struct store_row *row);
int store_view_typed(struct store *st, enum store_view v, const char *const *params,
	int nparams, store_typed_fn fn, void *ctx);
const char *store_col_text(const struct store_row *row, int col);
int64_t store_col_int(const struct store_row *row, int col);
double store_col_real(const struct store_row *row, int col);
int store_col_null(const struct store_row *row, int col);

/* --- allocation -------------------------------------------------------- */

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
 * The lines to allocate, by order_id and line_no (scoped: only the scope;
 * the lines of held orders too, which are not in VIEW_ORDERS_NOT_HELD):
 * order_id, line_no, sku, qty, method, pickup_node, allocated,
 * backordered, backorder_reason, qty less shipped and cancelled; with
 * the line's work at each node where it has any, by node_id (nwork 0:
 * none; valid during the call only).  0 or -1.
 */
typedef int (*store_alloc_line_fn)(void *ctx, const struct store_row *row,
	const struct alloc_work *work, int nwork);
int store_alloc_lines(struct store *st, int scoped, store_alloc_line_fn fn, void *ctx);
/*
 * Set the unrouted allocation, backorder and reason (NULL: none) of the n
 * lines for which fn returns 1, in one pass over the table: fn is asked
 * about lines in key order, each maybe more than once in a row.  0, or -1
 * after a diagnostic (also when other than n lines were found).
 */
typedef int (*store_alloc_find_fn)(void *ctx, const char *order_id, int64_t line_no,
	int64_t *allocated, int64_t *backordered, const char **reason);
int store_alloc_write(struct store *st, store_alloc_find_fn fn, void *ctx, long n);
/* Set a line's unrouted allocation, backorder and reason (NULL: none). */
int store_line_alloc(struct store *st, const char *order_id, int64_t line_no,
	int64_t allocated, int64_t backordered, const char *reason);
/*
 * The routed (not released) work on sku at node, of every order (held or
 * not), in no particular order: typed rows order_id, line_no, routed, and
 * the order's priority, promise_date and created_at, for the caller to
 * put in the order of service.  0 or -1.
 */
int store_alloc_routed_at(struct store *st, const char *node_id, const char *sku,
	store_typed_fn fn, void *ctx);

/* --- route ------------------------------------------------------------ */

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
 * postal table: typed rows node_id, postal key, country key (model.h),
 * by node_id.  0 or -1.
 */
int store_unplaced_nodes(struct store *st, store_typed_fn fn, void *ctx);
/* (store_line_node_routed sets the routed quantity of a line at a node.) */
/*
 * Set a line's unrouted allocation and backorder; event: 1 when the run
 * writes an event of the change (what dates a backorder that begins).
 */
int store_route_line(struct store *st, const char *order_id, int64_t line_no,
	int64_t allocated, int64_t backordered, const char *reason, int event);

/* --- returns ----------------------------------------------------------- */

/*
 * What a return or refund decision needs about one order: every line
 * with its buckets and what was refunded on it, the shipping charge, and
 * the refunds of the whole order.  Filled by store_return_order; the
 * caller frees it with store_return_order_release.
 */
struct return_line {
	int64_t line_no, qty, unit_price, discount, shipped, returned, cancelled;
	int64_t authorized;	/* authorised and not yet received */
	int64_t refunded;	/* refunds on this line, cents */
	int64_t appeased;	/* the appeasements among them, cents */
	char sku[256];
	char shipped_at[21];	/* latest shipped or picked-up confirmation; "" none */
};
struct return_order {
	int64_t shipping_charge;	/* cents */
	int64_t refunded;		/* every refund of the order, cents */
	int64_t appeased;		/* the appeasements among them, on lines or not */
	struct return_line *lines;	/* by line_no */
	int nlines;
};
/* 1 and *o filled, 0 no such order, -1 error. */
int store_return_order(struct store *st, const char *order_id, struct return_order *o);
void store_return_order_release(struct return_order *o);

/* A node that may receive returns: 1 and the fields, 0 none, -1 error. */
struct return_node {
	char type[16];
	int active, accepts_returns;
};
int store_return_node(struct store *st, const char *node_id, struct return_node *n);

/*
 * A new RMA of order_id: its id ("RMA-<order_id>-<n>", n one more than
 * the order's RMAs so far) into *id (malloc'd, the caller frees), and the
 * row written.  node_id NULL: none yet.  0 or -1.
 */
int store_rma_add(struct store *st, const char *order_id, const char *channel,
	const char *node_id, const char *at, char **id);
int store_rma_line_add(struct store *st, const char *rma_id, const char *order_id,
	int64_t line_no, int64_t qty, const char *reason);

/* An RMA line as authorised, and what came back of it so far. */
struct rma_line_info {
	char order_id[256], channel[16], node_id[256];	/* node_id "" none */
	int64_t qty, received;
	char reason[512];
};
/* 1 and *l filled, 0 no such line (*rma_known: whether the RMA exists), -1. */
int store_rma_line_get(struct store *st, const char *rma_id, int64_t line_no,
	struct rma_line_info *l, int *rma_known);

/*
 * Record a receipt of qty units of an RMA line: the receipt row, the
 * line's received count and the order line's returned count.  The caller
 * restocks (store_inventory_put) when the disposition says so.
 */
int store_receipt_add(struct store *st, const char *rma_id, const char *order_id,
	int64_t line_no, int64_t qty, const char *condition, const char *disposition,
	const char *node_id, const char *at);

/* A refund instruction; line_no 0: the whole order; rma_id NULL: none. */
struct refund {
	const char *order_id, *rma_id, *kind, *reason, *at;
	int64_t line_no, amount, merchandise, restocking_fee, shipping;
};
/* Write it: its refund_id (> 0), or -1. */
int64_t store_refund_add(struct store *st, const struct refund *r);

/* --- order --- */

/*
 * Customer care on one order (lib/order.c): reading what a change needs,
 * writing it, and the 360-degree view.  Functions taking an order_id and
 * a callback hand it typed rows (store_col_text/int) in the column order
 * given, and return 0, or -1 after a diagnostic (or the callback's -1).
 */

/*
 * The order's head: priority, ship_name, ship_address1, ship_city,
 * ship_region, ship_postal_code, ship_country, ship_lat, ship_lon (NULL
 * when not known).  1 when the order exists (fn called once), 0 not, -1.
 */
int store_order_head(struct store *st, const char *order_id, store_typed_fn fn,
	void *ctx);
/*
 * Its lines (every line when line_no is 0), by line_no: line_no, sku,
 * method, qty, allocated, backordered, backorder_reason, shipped,
 * cancelled.
 */
int store_order_lines(struct store *st, const char *order_id, int64_t line_no,
	store_typed_fn fn, void *ctx);
/* Its work at nodes, by line_no then node_id: line_no, node_id, routed, released. */
int store_order_line_nodes(struct store *st, const char *order_id, store_typed_fn fn,
	void *ctx);
/*
 * Its release lines with units still out at the node (qty less shipped,
 * short and cancelled), oldest release first: line_no, release_id,
 * node_id, outstanding, cancel_requested.
 */
int store_order_release_lines(struct store *st, const char *order_id,
	store_typed_fn fn, void *ctx);

/* Set a line's qty, allocated, backordered (+ reason, NULL: none) and cancelled. */
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
/* Ask the node for n more units of a release line back (cancel_requested += n). */
int store_release_cancel_request(struct store *st, const char *release_id,
	int64_t line_no, int64_t n);

/*
 * A hold of one type: store_hold_get gives 1 and fn a row (held_by,
 * held_at, reason) when the order has it, 0 when not; store_hold_add
 * puts it (at the run's time), store_hold_remove takes it away.
 */
int store_hold_get(struct store *st, const char *order_id, const char *hold_type,
	store_typed_fn fn, void *ctx);
int store_hold_add(struct store *st, const char *order_id, const char *hold_type,
	const char *reason, const char *by);
int store_hold_remove(struct store *st, const char *order_id, const char *hold_type);

int store_order_priority_set(struct store *st, const char *order_id, int64_t priority);
/* Write o's ship_* fields (and ship_lat/ship_lon, NULL unless has_latlon). */
int store_order_address_set(struct store *st, const struct order *o);

/*
 * The sections of the 360-degree view, each a query on one key (the
 * order id, or for CUSTOMER and CUSTOMER_ORDERS the customer id); the
 * columns of each are listed in lib/order.c next to their names, in this
 * order, and each section is sorted oldest first.
 */
enum order_section {
	OS_ORDER, OS_LINES, OS_ALLOCATIONS, OS_ROUTING, OS_RELEASES, OS_SHIPMENTS,
	OS_RETURNS, OS_RECEIPTS, OS_REFUNDS, OS_APPEASEMENTS, OS_HOLDS, OS_EVENTS,
	OS_CUSTOMER, OS_CUSTOMER_ORDERS, OS_COUNT
};
int store_order_section(struct store *st, enum order_section s, const char *key,
	store_typed_fn fn, void *ctx);

/* --- release --- */

/*
 * Routed work to release, one row per line and node with routed > 0, in
 * the order of service of its orders (service_cmp, model.h), then
 * node_id, line_no: order_id, line_no,
 * node_id, routed, sku, method, promise_date, ship_complete, held (1 when
 * the order has a hold), unrouted (for ship-complete orders: units of
 * its lines not yet routed, released, shipped or cancelled; else 0),
 * ship_name, ship_address1, ship_city, ship_region, ship_postal_code,
 * ship_country, pickup_node (NULL: none).
 */
int store_release_work(struct store *st, store_typed_fn fn, void *ctx);
/*
 * Every node with its capacity_per_day (-1: unlimited), how many
 * releases it has for business day day, and its address: node_id,
 * capacity, used, address1, city, region, postal_code, country.
 */
int store_release_capacity(struct store *st, const char *day, store_typed_fn fn,
	void *ctx);
/* A release as sent, with its "release.created" event (payload). */
struct release_row {
	const char *release_id, *order_id, *node_id, *document, *payload;
	int nlines;		/* its lines: the next nlines of the lines given */
};
/* A line of a release: qty moves from routed to released at its node. */
struct release_line_row {
	int64_t line_no, qty;
};
/*
 * Write n releases of business day day, their lines (the lines of r[0],
 * then of r[1], ...) and their events, one row to a statement.
 */
int store_releases_write(struct store *st, const char *day, const struct release_row *r,
	int n, const struct release_line_row *lines);
/*
 * The document of release_id as first emitted: 1 and *doc (malloc'd, the
 * caller frees), 0 when there is no such release, -1 error.
 */
int store_release_document(struct store *st, const char *release_id, char **doc);
/*
 * The releases run run_id made, in the order it made them (the order of
 * their "release.created" events): release_id, document.
 */
int store_release_documents_of_run(struct store *st, int64_t run_id, store_typed_fn fn,
	void *ctx);
/*
 * The command of run run_id in the run log: 1 and *command (malloc'd, the
 * caller frees), 0 when there is no such run, -1 error.
 */
int store_run_command(struct store *st, int64_t run_id, char **command);

/* A released line as the node must answer for it. */
struct release_line_state {
	char order_id[256], node_id[256], sku[256], method[16];
	int64_t qty, shipped, shorted, cancelled, cancel_requested;
	int64_t on_hand;	/* the node's of the sku; -1: no inventory row */
	int seen;		/* already took this confirmation (see below) */
};
/*
 * Line line_no of release_id, asked about a confirmation of status, qty,
 * tracking and time at: 1 and *s filled, 0 when the release has no such
 * line (*release_known: whether the release exists), -1 error.  s->seen
 * is 1 when the line already took a confirmation of the same status, qty,
 * tracking and time (at NULL: at any time).
 */
int store_release_line_get(struct store *st, const char *release_id, int64_t line_no,
	const char *status, const char *tracking, int64_t qty, const char *at,
	struct release_line_state *s, int *release_known);

/* One confirmation to apply, as decided by lib/release.c. */
struct confirmation {
	const char *release_id, *order_id, *node_id, *sku, *status, *carrier,
	    *tracking, *at;
	int64_t line_no, qty;
	int64_t shipped, shorted, cancelled;	/* added to the release line */
	int64_t cancel_requested;		/* the release line's, afterwards */
	int64_t line_cancelled;			/* added to order_line.cancelled */
	int64_t on_hand;			/* the node's, afterwards; -1: no row */
	int shipment;				/* record the shipment: at is its latest */
	const char *event_type, *payload;
};
/*
 * Apply it: the release line, line_node's released and shipped, the
 * order line's shipped and cancelled, the shipment (when c->shipment;
 * else, for units shipped, its transit days only), the node's on_hand,
 * the confirmation row and its event.
 */
int store_confirmation_apply(struct store *st, const struct confirmation *c);

/* --- views --- */

/*
 * The filters of oms-report's views.  channel, node and sku are lists: a
 * row with any of their values passes; NULL or an empty list: no filter.
 * from and to are dates (YYYY-MM-DD), to_before the day after to, for
 * comparing with times; NULL: no filter.  Each function hands fn rows in
 * the column order given, and returns 0 or -1 after a diagnostic.
 */
struct view_filter {
	const struct strv *channel, *node, *sku;
	const char *from, *to, *to_before;
	/* the lines and orders views: order ids from order_from below order_below (NULL: no bound) */
	const char *order_from, *order_below;
};
/*
 * One order line as the lines and orders views walk them, with its work
 * at nodes summed (routed, released) and the nodes' ids, sorted (none:
 * nnodes 0): the nodes where it has work, routed or released there now,
 * or from which it shipped units.  A line_node row with none of these
 * (the line was shorted there, or its work moved on) is not one of its
 * nodes.  The order's columns are set by store_orders_view only (else
 * NULL and 0).  Strings live until fn returns.
 */
struct view_line {
	const char *order_id, *sku, *backorder_reason;
	int64_t line_no, qty, allocated, shipped, cancelled, returned, backordered;
	int64_t routed, released;
	const char *const *nodes;
	int nnodes;
	int at_node;		/* one of its nodes is in the node filter (1: none) */
	/* the order */
	const char *customer_id, *channel, *created_at, *promise_date, *holds;
	int64_t priority;
};
typedef int (*store_line_fn)(void *ctx, const struct view_line *l);
/*
 * Order lines by order_id, line_no; fn returns 0 to go on, else stops.
 * Filters: order (one order, NULL: any), sku, and of the line's order
 * channel, from/to_before on created_at; the node filter is left to the
 * caller (at_node).  Each table is read once in key order and merged, which is
 * several times faster than SQLite's GROUP BY over the join.
 */
int store_lines_view(struct store *st, const char *order, const struct view_filter *f,
	store_line_fn fn, void *ctx);
/*
 * The lines of orders, by order_id, line_no, with the order's columns
 * (holds: hold types joined by ';', NULL none).  Filters: channel,
 * from/to_before on created_at; the node filter is the caller's
 * (at_node of any line of the order).  Orders without lines are not seen.
 */
int store_orders_view(struct store *st, const struct view_filter *f, store_line_fn fn,
	void *ctx);
/*
 * Every `every`th order id in key order, from the first, in *ids (*n of
 * them, each and the array the caller's to free): where to cut the
 * orders into ranges of about `every` orders.  0, or -1 after a
 * diagnostic.
 */
int store_order_sample(struct store *st, int64_t every, char ***ids, size_t *n);
/*
 * Lines with backordered units, by order_id and line_no: order_id,
 * line_no, sku, backordered, backorder_reason, created_at, priority,
 * promise_date, channel, customer_id, backordered_at (NULL when not
 * known).  Filters: channel, sku, from/to_before on the order's
 * created_at.
 */
int store_backorders_view(struct store *st, const struct view_filter *f,
	store_row_fn fn, void *ctx);
/*
 * The inventory views of store_view (VIEW_INVENTORY, VIEW_INVENTORY_BY_SKU,
 * VIEW_ALLOCATED_BY_SKU) with their parameters from f: node and sku
 * (VIEW_INVENTORY), sku (the other two).
 */
int store_inventory_view(struct store *st, enum store_view v, const struct view_filter *f,
	store_row_fn fn, void *ctx);
/*
 * Releases per node and business day, by node_id then day: node_id,
 * business_day, releases, lines, units, shipped, outstanding (units
 * still out at the node), capacity_per_day (NULL: unlimited).  Filters:
 * node, from/to on the business day.
 */
int store_releases_view(struct store *st, const struct view_filter *f,
	store_typed_fn fn, void *ctx);

/* The last event's seq (0: none yet), or -1 after a diagnostic. */
int64_t store_event_last(struct store *st);
/*
 * An event as store_events_range reads it: its seq, and v[1..4] its at,
 * order_id (NULL: of no order), type and payload, each len[i] bytes (the
 * strings live until fn returns; v[0] is the caller's).
 */
struct store_event_row {
	int64_t seq;
	const char *v[5];
	size_t len[5];
};
/*
 * The events after seq `after` up to seq `upto`, of the types in types
 * (NULL or empty: any), by seq.  The log is only ever appended to, in seq order, so a
 * range below a seq once seen is the same in every later snapshot.  fn
 * returns 0 to go on, 1 to stop, -1 for a failure; 0 or -1.
 */
int store_events_range(struct store *st, int64_t after, int64_t upto,
	const struct strv *types, int (*fn)(void *ctx, struct store_event_row *e), void *ctx);
/* --- reports --- */

/*
 * The KPI, EOQ and HTML reports (lib/kpi.c, lib/eoq.c, lib/html.c): each
 * hands fn typed rows (store_col_*) in the column order given; 0 or -1.
 */

/* Before a report reads a large part of the store (memory-maps it); 0. */
int store_report_begin(struct store *st);
/*
 * Every order, by order_id: order_id, channel, promise_date,
 * shipping_charge, created_at.
 */
int store_kpi_orders(struct store *st, store_typed_fn fn, void *ctx);
/*
 * Every order line, by order_id, line_no: order_id, line_no, qty, shipped,
 * cancelled, returned, backordered, unit_price, discount, ever_backordered.
 */
int store_kpi_lines(struct store *st, store_typed_fn fn, void *ctx);
/*
 * What routing each line to a node it shipped from cost (line_node), by
 * order_id, line_no, node_id: order_id, cost_cents.
 */
int store_kpi_routes(struct store *st, store_typed_fn fn, void *ctx);
/*
 * The releases that shipped, by order_id: order_id, shipped_at,
 * transit_days (NULL: not known).
 */
int store_kpi_shipments(struct store *st, store_typed_fn fn, void *ctx);
/* Refunds per order and kind: order_id, is_appeasement, amount (cents). */
int store_kpi_refunds(struct store *st, store_typed_fn fn, void *ctx);
/*
 * Demand history: fn for each line of the orders created in [from, to) of
 * the skus (NULL or empty: any), by order: sku, created_at, qty less
 * cancelled.  The
 * orders and the lines are read in key order and merged, not joined by
 * SQLite (a lookup per line).  fn returns 0 to go on; 0 or -1.
 */
int store_eoq_demand(struct store *st, const char *from, const char *to,
	const struct strv *skus, int (*fn)(void *ctx, const char *sku, const char *created_at,
	int64_t qty), void *ctx);
/*
 * Active items (only the skus when not NULL or empty), by sku: sku,
 * unit_cost, ordering_cost, holding_rate, lead_time_days, on_hand over
 * active nodes.
 */
int store_eoq_items(struct store *st, const struct strv *skus, store_typed_fn fn,
	void *ctx);
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
int store_html_lines(struct store *st,
	int (*fn)(void *ctx, const struct store_order_line *l), void *ctx);
/*
 * What the inventory view reserves, per line and node: line_node rows
 * with routed + released > 0, by order_id, line_no, node_id: order_id,
 * line_no, node_id, routed + released.
 */
int store_html_reserved(struct store *st, store_typed_fn fn, void *ctx);
/*
 * Inventory rows of existing nodes, by node_id, sku: node_id, sku,
 * on_hand, safety stock (the row's, else the node's), the node's active.
 */
int store_html_inventory(struct store *st, store_typed_fn fn, void *ctx);
/* The latest business day of any release into day ("" when none); 0 or -1. */
int store_html_last_day(struct store *st, char day[11]);

/* --- check --- */

/*
 * What oms-report check reads (lib/store-check.c): the large tables each
 * once, in key order.  store_check_begin makes the passes: it hands every
 * order line to fn, by order_id and line_no, with routed and released
 * summed over its line_node rows (the order's columns and the nodes are
 * not set; fn returns 0, or -1 to fail), and keeps the rest for the
 * functions below, which report it in their own order.  NULL after a
 * diagnostic.  want says whether fn has anything to say of a line; it
 * may be called from any thread: a store of many orders is read in two
 * threads (on a second connection that sees st's snapshot, see
 * store_read_together), which keep the lines want wants and hand them to
 * fn after, in the same order.  st must be in a read transaction (it
 * is begun again, before anything is read, for the second connection).
 */
struct store_check;
typedef int (*store_line_test_fn)(const struct view_line *l);
struct store_check *store_check_begin(struct store *st, store_line_fn fn,
	store_line_test_fn want, void *ctx);
/*
 * Every inventory row at a node that exists, by node_id and sku, in
 * VIEW_INVENTORY's columns: node_id, sku, on_hand, safety_stock (the
 * row's, else the node's), reserved (routed + released there of lines of
 * the sku), active, the routed part of reserved, and who may draw on the
 * stock.  fn returns 0 to go on; 0 or -1.
 */
int store_check_stock(struct store *st, struct store_check *k, store_row_fn fn, void *ctx);
/*
 * Add atp to the network's atp of sku (nothing when the sku has no line):
 * the caller's fn of store_check_stock says which stock some line may use.
 */
void store_check_atp(struct store_check *k, const char *sku, int64_t atp);
/*
 * How many rows seem to break a foreign key (0: none does); the caller
 * then lists them with VIEW_FOREIGN_KEYS.
 */
int64_t store_check_suspect(const struct store_check *k);
/* The orders that have no line, by order_id; fn returns 0 to go on.  0 or -1. */
int store_check_no_lines(const struct store_check *k,
	int (*fn)(void *ctx, const char *order_id), void *ctx);
/*
 * A line's units at a node by its line_node row (released) and by its
 * release lines there (outstanding: qty less shipped, short, cancelled;
 * cancel_requested), as store_check_released finds them disagreeing.
 */
struct check_released {
	const char *order_id;
	int64_t line_no;
	const char *node_id;
	int64_t released, outstanding, cancel_requested;
};
/*
 * Every line and node with release lines whose line_node.released is not
 * what those lines still have out, or whose cancel requests exceed that,
 * by order_id, line_no, node_id.  Units released where the line has no
 * release line at all (stores from before schema 2, test fixtures) are
 * not compared.  fn returns 0 to go on; 0 or -1.
 */
int store_check_released(struct store *st, struct store_check *k,
	int (*fn)(void *ctx, const struct check_released *r), void *ctx);
/*
 * Every sku with allocated units, by sku: what is allocated, the part of
 * it allocated to orders on hold, and the network's atp (as
 * store_check_atp summed it, during store_check_stock).  fn returns 0 to
 * go on; 0 or -1.
 */
int store_check_skus(struct store_check *k, int (*fn)(void *ctx, const char *sku,
	int64_t allocated, int64_t held, int64_t atp), void *ctx);
void store_check_end(struct store_check *k);

/* --- read snapshots --- */
/*
 * One snapshot for all a view reads: a read transaction (BEGIN, and a
 * first read that fixes the snapshot now).  A writer that commits while
 * it is open changes nothing it reads; it never takes the write lock.
 * store_read_begin ends the one st had, if any; store_close ends it too.
 * 0, or -1 after a diagnostic.
 */
int store_read_begin(struct store *st);
void store_read_end(struct store *st);
/*
 * n more connections (store_threads) that read the snapshot st reads:
 * st's read transaction, if any, is ended (call it before reading
 * anything) and st and others[0..n-1] each begin one, proven to be of
 * the same snapshot (see store.c).  Returns 0 with the connections, for
 * the caller to store_close; or 0 with others all NULL when the store
 * kept changing while they began: st alone in a read transaction, and
 * the caller works in one thread.  Else an exit status after a
 * diagnostic (also st's store_status), and no read transaction.
 * Test hook (test build only): OMS_READ_RACE, OMS_READ_RACE_TIMES (see
 * store.c).
 */
int store_read_together(struct store *st, struct store **others, int n);
/* Take other's exit status as st's (a worker's failure is the view's). */
void store_status_from(struct store *st, const struct store *other);

#endif
