/*
 * store-import: what oms-import writes and checks against (store-import.h):
 * reference data put by key, orders and lines inserted, probed and
 * updated, new orders in bulk, inventory, delta files, the reference
 * data a run validates with, and the keys it has seen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-int.h"
#include "store-import.h"

#define ITEM_COLS "description, unit_price, unit_cost, weight_kg, ship_alone, " \
	"vendor_node, ordering_cost, holding_rate, lead_time_days, active, " \
	"ship_to_store, item_class"
#define ITEM_VALS "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13"
#define NODE_COLS "type, name, postal_code, country, lat, lon, can_ship, " \
	"can_pickup, can_curbside, accepts_returns, capacity_per_day, " \
	"handling_cost, processing_days, safety_stock, active, address1, city, region, " \
	"pickup_hold_days, ship_to_store, confirm_hours, channel"
#define NODE_VALS "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, " \
	"?17, ?18, ?19, ?20, ?21, ?22, ?23"
#define ORDER_COLS "channel, customer_id, created_at, priority, promise_date, " \
	"ship_name, ship_address1, ship_city, ship_region, ship_postal_code, " \
	"ship_country, ship_lat, ship_lon, ship_complete, shipping_charge, bill_country"
#define ORDER_VALS "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17"
#define LINE_COLS "sku, qty, unit_price, discount, method, pickup_node"
#define LINE_VALS "?3, ?4, ?5, ?6, ?7, ?8"

/*
 * An upsert in two statements, [0] and [1]: insert when new, else update
 * when changed.
 */
#define PUT(table, key, keyvals, cols, vals) { \
	"INSERT INTO " table " (" key ", " cols ") VALUES (" keyvals ", " vals ") " \
	"ON CONFLICT DO NOTHING", \
	"UPDATE " table " SET (" cols ") = (" vals ") WHERE (" key ") = (" keyvals ") " \
	"AND (" cols ") IS NOT (" vals ")" }

/*
 * The same, also setting a mark column that the update does not compare,
 * so an unchanged row stays untouched.
 */
#define PUT_MARKED(table, key, keyvals, cols, vals, mark, markval) { \
	"INSERT INTO " table " (" key ", " cols ", " mark ") VALUES (" keyvals ", " vals \
	", " markval ") ON CONFLICT DO NOTHING", \
	"UPDATE " table " SET (" cols ", " mark ") = (" vals ", " markval ") WHERE (" key \
	") = (" keyvals ") AND (" cols ") IS NOT (" vals ")" }

typedef const char *const put_sql[2];

static put_sql item_put = PUT("item", "sku", "?1", ITEM_COLS, ITEM_VALS);
static put_sql node_put = PUT("node", "node_id", "?1", NODE_COLS, NODE_VALS);
static put_sql customer_put = PUT("customer", "customer_id", "?1",
    "name, email, phone, tier, flagged", "?2, ?3, ?4, ?5, ?6");
static put_sql postal_put = PUT("postal", "country, postal_code", "?1, ?2", "lat, lon",
    "?3, ?4");
static put_sql rate_put = PUT("rate", "max_km", "?1", "base_cost, per_kg, transit_days",
    "?2, ?3, ?4");
static put_sql channel_policy_put = PUT("channel_policy", "channel", "?1",
    "backorder_days, hold_release_hours", "?2, ?3");
/* ?18 / ?9: this run's mark */
static put_sql order_put = PUT_MARKED("orders", "order_id", "?1", ORDER_COLS, ORDER_VALS,
    "import_run", "?18");
static put_sql line_put = PUT_MARKED("order_line", "order_id, line_no", "?1, ?2",
    LINE_COLS, LINE_VALS, "import_run", "?9");

static const char sql_order_probe[] =
    "SELECT import_run IS ?18, (" ORDER_COLS ") IS (" ORDER_VALS "), created_at, "
    "EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = ?1 AND "
    "(l.allocated > 0 OR l.shipped > 0 OR l.cancelled > 0)) "
    "OR EXISTS (SELECT 1 FROM line_node ln WHERE ln.order_id = ?1) "
    "FROM orders WHERE order_id = ?1";
static const char sql_line_probe[] =
    "SELECT import_run IS ?9, (" LINE_COLS ") IS (" LINE_VALS ") "
    "FROM order_line WHERE order_id = ?1 AND line_no = ?2";

/* This run's mark on the rows it imports (a dry run has no run row). */
static int64_t
import_mark(const struct store *st)
{
	return st->run_id > 0 ? st->run_id : -1;
}

/*
 * Run the insert half of a PUT pair, then the update half if the key was
 * there; bind() fills the parameters of either (they are numbered alike).
 */
static int
put(struct store *st, put_sql sql, void (*bind)(sqlite3_stmt *, const void *),
    const void *rec)
{
	sqlite3_stmt *s = store_sql(st, sql[0]);

	if (s == NULL)
		return -1;
	bind(s, rec);
	if (store_done(st, s, "writing") != 0)
		return -1;
	if (store_changes(st) > 0)
		return PUT_INSERTED;
	if ((s = store_sql(st, sql[1])) == NULL)
		return -1;
	bind(s, rec);
	if (store_done(st, s, "writing") != 0)
		return -1;
	return store_changes(st) > 0 ? PUT_UPDATED : PUT_UNCHANGED;
}

static void
bind_item(sqlite3_stmt *s, const void *p)
{
	const struct item *it = p;

	bind_text(s, 1, it->sku);
	bind_text(s, 2, it->description);
	bind_int(s, 3, it->unit_price);
	bind_real(s, 4, it->unit_cost);
	bind_real(s, 5, it->weight_kg);
	bind_int(s, 6, it->ship_alone);
	bind_text(s, 7, it->vendor_node);
	bind_real(s, 8, it->ordering_cost);
	bind_real(s, 9, it->holding_rate);
	bind_real(s, 10, it->lead_time_days);
	bind_int(s, 11, it->active);
	bind_int(s, 12, it->ship_to_store);
	bind_text(s, 13, it->item_class != NULL ? it->item_class : "");
}

int
store_item_put(struct store *st, const struct item *it)
{
	return put(st, item_put, bind_item, it);
}

static void
bind_node(sqlite3_stmt *s, const void *p)
{
	const struct node *n = p;

	bind_text(s, 1, n->node_id);
	bind_text(s, 2, n->type);
	bind_text(s, 3, n->name);
	bind_text(s, 4, n->postal_code);
	bind_text(s, 5, n->country);
	if (n->has_latlon) {
		bind_real(s, 6, n->lat);
		bind_real(s, 7, n->lon);
	}
	bind_int(s, 8, n->can_ship);
	bind_int(s, 9, n->can_pickup);
	bind_int(s, 10, n->can_curbside);
	bind_int(s, 11, n->accepts_returns);
	if (n->capacity_per_day >= 0)
		bind_int(s, 12, n->capacity_per_day);
	bind_real(s, 13, n->handling_cost);
	bind_int(s, 14, n->processing_days);
	bind_int(s, 15, n->safety_stock);
	bind_int(s, 16, n->active);
	bind_text(s, 17, n->address1);
	bind_text(s, 18, n->city);
	bind_text(s, 19, n->region);
	bind_int(s, 20, n->pickup_hold_days);
	bind_int(s, 21, n->ship_to_store);
	if (n->confirm_hours > 0)
		bind_int(s, 22, n->confirm_hours);
	bind_text(s, 23, n->channel != NULL ? n->channel : "");
}

int
store_node_put(struct store *st, const struct node *n)
{
	return put(st, node_put, bind_node, n);
}

static void
bind_customer(sqlite3_stmt *s, const void *p)
{
	const struct customer *c = p;

	bind_text(s, 1, c->customer_id);
	bind_text(s, 2, c->name);
	bind_text(s, 3, c->email);
	bind_text(s, 4, c->phone);
	bind_text(s, 5, c->tier);
	bind_int(s, 6, c->flagged);
}

int
store_customer_put(struct store *st, const struct customer *c)
{
	return put(st, customer_put, bind_customer, c);
}

static void
bind_channel_policy(sqlite3_stmt *s, const void *v)
{
	const struct channel_policy *p = v;

	bind_text(s, 1, p->channel);
	if (p->backorder_days > 0)
		bind_int(s, 2, p->backorder_days);
	if (p->hold_release_hours > 0)
		bind_int(s, 3, p->hold_release_hours);
}

int
store_channel_policy_put(struct store *st, const struct channel_policy *p)
{
	return put(st, channel_policy_put, bind_channel_policy, p);
}

static void
bind_postal(sqlite3_stmt *s, const void *p)
{
	const struct postal *z = p;

	bind_text(s, 1, z->country);
	bind_text(s, 2, z->postal_code);
	bind_real(s, 3, z->lat);
	bind_real(s, 4, z->lon);
}

int
store_postal_put(struct store *st, const struct postal *p)
{
	return put(st, postal_put, bind_postal, p);
}

static void
bind_rate(sqlite3_stmt *s, const void *p)
{
	const struct rate *r = p;

	bind_real(s, 1, r->max_km);
	bind_real(s, 2, r->base_cost);
	bind_real(s, 3, r->per_kg);
	bind_int(s, 4, r->transit_days);
}

int
store_rate_put(struct store *st, const struct rate *r)
{
	return put(st, rate_put, bind_rate, r);
}

static const char sql_rate_bands[] = "SELECT max_km FROM rate ORDER BY max_km";
static const char sql_rate_drop[] = "DELETE FROM rate WHERE max_km = ?1";

int
store_rates_keep(struct store *st, const double *km, int n, int remove, long *others)
{
	sqlite3_stmt *s = store_sql(st, sql_rate_bands);
	double *gone = NULL;
	long ngone = 0, cap = 0, i;
	int rc, j;

	*others = 0;
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		double v = sqlite3_column_double(s, 0);

		for (j = 0; j < n && km[j] != v; j++)
			;
		if (j < n)
			continue;
		if (ngone == cap)
			gone = xrealloc(gone, (size_t)(cap = cap ? 2 * cap : 16) * sizeof *gone);
		gone[ngone++] = v;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(gone);
		return store_fail(st, rc, "reading the rate card");
	}
	*others = ngone;
	for (i = 0; remove && i < ngone; i++) {
		if ((s = store_sql(st, sql_rate_drop)) == NULL) {
			free(gone);
			return -1;
		}
		bind_real(s, 1, gone[i]);
		if (store_done(st, s, "removing a rate band") != 0) {
			free(gone);
			return -1;
		}
	}
	free(gone);
	return 0;
}

/* Bind an order to parameters base+1 .. base+17. */
static void
bind_order_at(sqlite3_stmt *s, const struct order *o, int base)
{
	bind_text(s, base + 1, o->order_id);
	bind_text(s, base + 2, o->channel);
	bind_text(s, base + 3, o->customer_id);
	bind_text(s, base + 4, o->created_at);
	bind_int(s, base + 5, o->priority);
	bind_text(s, base + 6, o->promise_date[0] ? o->promise_date : NULL);
	bind_text(s, base + 7, o->ship_name);
	bind_text(s, base + 8, o->ship_address1);
	bind_text(s, base + 9, o->ship_city);
	bind_text(s, base + 10, o->ship_region);
	bind_text(s, base + 11, o->ship_postal_code);
	bind_text(s, base + 12, o->ship_country);
	if (o->has_latlon) {
		bind_real(s, base + 13, o->ship_lat);
		bind_real(s, base + 14, o->ship_lon);
	}
	bind_int(s, base + 15, o->ship_complete);
	bind_int(s, base + 16, o->shipping_charge);
	bind_text(s, base + 17, o->bill_country ? o->bill_country : "");
}

static void
bind_order(sqlite3_stmt *s, const void *p)
{
	bind_order_at(s, p, 0);
}

/* Insert half of a PUT pair alone: 1 inserted, 0 the key exists, -1 error. */
static int
insert_only(struct store *st, put_sql sql, void (*bind)(sqlite3_stmt *, const void *),
    const void *rec, int mark_param)
{
	sqlite3_stmt *s = store_sql(st, sql[0]);

	if (s == NULL)
		return -1;
	bind(s, rec);
	bind_int(s, mark_param, import_mark(st));
	if (store_done(st, s, "writing") != 0)
		return -1;
	return store_changes(st) > 0;
}

static int
update_only(struct store *st, put_sql sql, void (*bind)(sqlite3_stmt *, const void *),
    const void *rec, int mark_param)
{
	sqlite3_stmt *s = store_sql(st, sql[1]);

	if (s == NULL)
		return -1;
	bind(s, rec);
	bind_int(s, mark_param, import_mark(st));
	if (store_done(st, s, "writing") != 0)
		return -1;
	return store_changes(st) > 0 ? PUT_UPDATED : PUT_UNCHANGED;
}

int
store_order_insert(struct store *st, const struct order *o)
{
	return insert_only(st, order_put, bind_order, o, 18);
}

int
store_order_update(struct store *st, const struct order *o)
{
	return update_only(st, order_put, bind_order, o, 18);
}

/*
 * Probe a stored order or line: the mark and "same values" come first;
 * an order's probe also has created_at and in_fulfilment.
 */
static int
probe(struct store *st, const char *sql, void (*bind)(sqlite3_stmt *, const void *),
    const void *rec, int mark_param, struct order_probe *p)
{
	sqlite3_stmt *s = store_sql(st, sql);
	int rc;

	if (s == NULL)
		return -1;
	bind(s, rec);
	bind_int(s, mark_param, import_mark(st));
	memset(p, 0, sizeof *p);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		p->this_run = sqlite3_column_int(s, 0);
		p->same = sqlite3_column_int(s, 1);
		if (sqlite3_column_count(s) > 2) {
			snprintf(p->created_at, sizeof p->created_at, "%s",
			    (const char *)sqlite3_column_text(s, 2));
			p->in_fulfilment = sqlite3_column_int(s, 3);
		}
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading an order");
}

int
store_order_probe(struct store *st, const struct order *o, struct order_probe *p)
{
	return probe(st, sql_order_probe, bind_order, o, 18, p);
}

/* Bind a line to parameters base+1 .. base+8. */
static void
bind_line_at(sqlite3_stmt *s, const struct order_line *l, int base)
{
	bind_text(s, base + 1, l->order_id);
	bind_int(s, base + 2, l->line_no);
	bind_text(s, base + 3, l->sku);
	bind_int(s, base + 4, l->qty);
	bind_int(s, base + 5, l->unit_price);
	bind_int(s, base + 6, l->discount);
	bind_text(s, base + 7, l->method);
	bind_text(s, base + 8, l->pickup_node);
}

static void
bind_line(sqlite3_stmt *s, const void *p)
{
	bind_line_at(s, p, 0);
}

int
store_line_insert(struct store *st, const struct order_line *l)
{
	return insert_only(st, line_put, bind_line, l, 9);
}

int
store_line_update(struct store *st, const struct order_line *l)
{
	return update_only(st, line_put, bind_line, l, 9);
}

int
store_line_probe(struct store *st, const struct order_line *l, struct order_probe *p)
{
	return probe(st, sql_line_probe, bind_line, l, 9, p);
}

/*
 * Bulk loading new orders: one INSERT statement for CHUNK rows at a time,
 * which saves SQLite's per-statement work on most of a large import.
 */

/* Bulk loading new orders (store_write_rows): orders, lines, their events. */
static const struct store_rows new_order_rows = {
	"INSERT INTO orders (order_id, " ORDER_COLS ", import_run) VALUES ",
	" ON CONFLICT DO NOTHING", 18
};
static const struct store_rows new_line_rows = {
	"INSERT INTO order_line (order_id, line_no, " LINE_COLS ", import_run) VALUES ",
	" ON CONFLICT DO NOTHING", 9
};

struct new_orders {
	const struct order *orders;
	const struct order_line *lines;
	const char *const *payloads;
};

static void
bind_new_order(struct store *st, const void *rows, int i, sqlite3_stmt *s, int base)
{
	const struct new_orders *no = rows;

	bind_order_at(s, &no->orders[i], base);
	bind_int(s, base + 18, import_mark(st));
}

static void
bind_new_line(struct store *st, const void *rows, int i, sqlite3_stmt *s, int base)
{
	const struct new_orders *no = rows;

	bind_line_at(s, &no->lines[i], base);
	bind_int(s, base + 9, import_mark(st));
}

static void
bind_new_event(struct store *st, const void *rows, int i, sqlite3_stmt *s, int base)
{
	const struct new_orders *no = rows;

	store_bind_event(st, s, base, no->orders[i].order_id, "order.created",
	    no->payloads[i]);
}

int
store_new_orders(struct store *st, const struct order *orders, int norders,
    const struct order_line *lines, int nlines, const char *const *payloads)
{
	struct new_orders no = { orders, lines, payloads };
	long n;

	if (store_savepoint_begin(st) != 0)
		return -1;
	if ((n = store_write_rows(st, &new_order_rows, bind_new_order, &no, norders)) < 0)
		return -1;
	if (n == norders && (n = store_write_rows(st, &new_line_rows, bind_new_line, &no, nlines)) < 0)
		return -1;
	if (n != nlines) {
		/* some order or line was there already: undo, let the caller go slowly */
		return store_savepoint_undo(st) != 0 ? -1 : 0;
	}
	if (store_write_rows(st, &store_event_rows, bind_new_event, &no, norders) < 0)
		return -1;
	return store_savepoint_end(st) != 0 ? -1 : 1;
}

static const char sql_inventory_get[] = "SELECT on_hand, safety_stock, as_of FROM inventory "
    "WHERE node_id = ?1 AND sku = ?2";
static const char sql_inventory_put[] =
    "INSERT INTO inventory (node_id, sku, on_hand, safety_stock, as_of) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET on_hand = excluded.on_hand, "
    "safety_stock = excluded.safety_stock, as_of = excluded.as_of";
static const char sql_delta_get[] = "SELECT run_id FROM delta_file WHERE digest = ?1";
static const char sql_delta_add[] =
    "INSERT OR REPLACE INTO delta_file (digest, run_id, applied_at, name) "
    "VALUES (?1, ?2, ?3, ?4)";
static const char sql_nodes[] =
    "SELECT node_id, type, can_ship, can_pickup, can_curbside, active FROM node";
static const char sql_skus[] = "SELECT sku, unit_price FROM item";
static const char sql_seen_ins[] = "INSERT INTO temp.seen (k, h, line) VALUES (?1, ?2, ?3) "
    "ON CONFLICT DO NOTHING";
static const char sql_seen_get[] = "SELECT h, line FROM temp.seen WHERE k = ?1";

int
store_inventory_get(struct store *st, const char *node_id, const char *sku,
    struct inventory *inv)
{
	sqlite3_stmt *s = store_sql(st, sql_inventory_get);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, node_id);
	bind_text(s, 2, sku);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		inv->node_id = node_id;
		inv->sku = sku;
		inv->on_hand = sqlite3_column_int64(s, 0);
		inv->safety_stock = sqlite3_column_type(s, 1) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(s, 1);
		snprintf(inv->as_of, sizeof inv->as_of, "%s",
		    (const char *)sqlite3_column_text(s, 2));
		sqlite3_reset(s);
		return 1;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading inventory");
}

int
store_inventory_put(struct store *st, const struct inventory *inv)
{
	sqlite3_stmt *s = store_sql(st, sql_inventory_put);

	if (s == NULL)
		return -1;
	bind_text(s, 1, inv->node_id);
	bind_text(s, 2, inv->sku);
	bind_int(s, 3, inv->on_hand);
	if (inv->safety_stock >= 0)
		bind_int(s, 4, inv->safety_stock);
	bind_text(s, 5, inv->as_of);
	return store_done(st, s, "writing inventory");
}

int64_t
store_delta_file_run(struct store *st, const char *digest)
{
	sqlite3_stmt *s = store_sql(st, sql_delta_get);

	if (s == NULL)
		return -1;
	bind_text(s, 1, digest);
	return store_int(st, s, "reading applied delta files");
}

int
store_delta_file_add(struct store *st, const char *digest, const char *name)
{
	sqlite3_stmt *s = store_sql(st, sql_delta_add);

	if (s == NULL)
		return -1;
	bind_text(s, 1, digest);
	bind_int(s, 2, st->run_id);
	bind_text(s, 3, st->run_time);
	bind_text(s, 4, name);
	return store_done(st, s, "recording a delta file");
}

int
store_load_nodes(struct store *st, struct strmap *nodes)
{
	sqlite3_stmt *s = store_sql(st, sql_nodes);
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct node_ref *n = xcalloc(1, sizeof *n);
		void *old;

		snprintf(n->type, sizeof n->type, "%s", (const char *)sqlite3_column_text(s, 1));
		n->can_ship = sqlite3_column_int(s, 2);
		n->can_pickup = sqlite3_column_int(s, 3);
		n->can_curbside = sqlite3_column_int(s, 4);
		n->active = sqlite3_column_int(s, 5);
		if (strmap_get(nodes, (const char *)sqlite3_column_text(s, 0), &old))
			free(old);
		strmap_put(nodes, (const char *)sqlite3_column_text(s, 0), n);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading nodes");
}

int
store_load_skus(struct store *st, struct strmap *skus)
{
	sqlite3_stmt *s = store_sql(st, sql_skus);
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t *price = xmalloc(sizeof *price);
		void *old;

		*price = sqlite3_column_int64(s, 1);
		if (strmap_get(skus, (const char *)sqlite3_column_text(s, 0), &old))
			free(old);
		strmap_put(skus, (const char *)sqlite3_column_text(s, 0), price);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading items");
}

static const char sql_customers[] = "SELECT customer_id FROM customer";

/* The first column of every row of sql into the set customers: 0 or -1. */
static int
load_customer_set(struct store *st, const char *sql, struct strmap *customers)
{
	sqlite3_stmt *s = store_sql(st, sql);
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		strmap_put(customers, (const char *)sqlite3_column_text(s, 0), NULL);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading customers");
}

int
store_load_customers(struct store *st, struct strmap *customers)
{
	return load_customer_set(st, sql_customers, customers);
}

int
store_seen(struct store *st, const char *key, size_t keylen, int64_t digest,
    long line, long *first_line)
{
	sqlite3_stmt *s;
	int64_t h;
	int rc;

	if (!st->seen_ready) {
		store_sql_forget(st, sql_seen_ins);
		store_sql_forget(st, sql_seen_get);
		if (store_exec(st, "CREATE TEMP TABLE IF NOT EXISTS seen (k BLOB PRIMARY KEY, "
		    "h INTEGER, line INTEGER) WITHOUT ROWID; DELETE FROM temp.seen",
		    "creating a work table") != 0)
			return -1;
		st->seen_ready = 1;
	}
	if ((s = store_sql(st, sql_seen_ins)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, key, (int)keylen, SQLITE_STATIC);
	bind_int(s, 2, digest);
	bind_int(s, 3, line);
	if (store_done(st, s, "remembering a key") != 0)
		return -1;
	if (store_changes(st) > 0)
		return 0;
	if ((s = store_sql(st, sql_seen_get)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, key, (int)keylen, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return store_fail(st, rc, "reading a key");
	}
	h = sqlite3_column_int64(s, 0);
	*first_line = (long)sqlite3_column_int64(s, 1);
	sqlite3_reset(s);
	return h == digest ? 1 : 2;
}

int
store_seen_has(struct store *st, const char *key, size_t keylen)
{
	sqlite3_stmt *s;
	int rc;

	if (!st->seen_ready)
		return 0;
	if ((s = store_sql(st, sql_seen_get)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, key, (int)keylen, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading a key");
}

/* --- hold rules (oms-import holdrules; applied by oms-import orders) --- */

static put_sql hold_rule_put = PUT("hold_rule", "rule_id", "?1",
    "test, value, hold_type, channel, active", "?2, ?3, ?4, ?5, ?6");
static const char sql_hold_rules[] =
    "SELECT rule_id, test, value, hold_type, channel FROM hold_rule WHERE active "
    "ORDER BY rule_id";
static const char sql_flagged[] = "SELECT customer_id FROM customer WHERE flagged";
/*
 * Where an order's ship-to is, by the one statement of it (SHIP_TO_CODE
 * and SHIP_TO_COUNTRY, store-int.h) over the values given: the keys looked
 * up in vain, NULL when it is placed.
 */
static const char sql_ship_to_place[] =
    "SELECT " SHIP_TO_CODE ", " SHIP_TO_COUNTRY " FROM (SELECT ?1 AS ship_country, "
    "?2 AS ship_postal_code, ?3 AS ship_lat, ?4 AS ship_lon) o " SHIP_TO_JOIN;
static void
bind_hold_rule(sqlite3_stmt *s, const void *p)
{
	const struct hold_rule *r = p;

	bind_text(s, 1, r->rule_id);
	bind_text(s, 2, r->test);
	if (r->value >= 0)
		bind_int(s, 3, r->value);
	bind_text(s, 4, r->hold_type);
	bind_text(s, 5, r->channel ? r->channel : "");
	bind_int(s, 6, r->active);
}

int
store_hold_rule_put(struct store *st, const struct hold_rule *r)
{
	return put(st, hold_rule_put, bind_hold_rule, r);
}

int
store_load_hold_rules(struct store *st, int (*fn)(void *ctx, const struct hold_rule *r),
    void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_hold_rules);
	struct hold_rule r;
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r.rule_id = (const char *)sqlite3_column_text(s, 0);
		r.test = (const char *)sqlite3_column_text(s, 1);
		r.value = sqlite3_column_type(s, 2) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(s, 2);
		r.hold_type = (const char *)sqlite3_column_text(s, 3);
		r.channel = (const char *)sqlite3_column_text(s, 4);
		r.active = 1;
		if (fn(ctx, &r) != 0) {
			sqlite3_reset(s);
			return -1;
		}
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading hold rules");
}

int
store_load_flagged(struct store *st, struct strmap *customers)
{
	return load_customer_set(st, sql_flagged, customers);
}

int
store_ship_to_place(struct store *st, const struct order *o, char **code, char **country)
{
	sqlite3_stmt *s = store_sql(st, sql_ship_to_place);
	int rc, placed = 1;

	*code = *country = NULL;
	if (s == NULL)
		return -1;
	bind_text(s, 1, o->ship_country);
	bind_text(s, 2, o->ship_postal_code);
	if (o->has_latlon) {
		bind_real(s, 3, o->ship_lat);
		bind_real(s, 4, o->ship_lon);
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		placed = 0;
		*code = xstrdup((const char *)sqlite3_column_text(s, 0));
		*country = xstrdup((const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? placed : store_fail(st, rc == SQLITE_DONE ? SQLITE_ERROR : rc,
	    "placing an order's ship-to");
}

