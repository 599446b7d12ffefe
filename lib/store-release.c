/*
 * store-release: the SQL of releases and confirmations (oms-release).
 * Every statement is a static string prepared once through store_sql.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-int.h"
#include "store-release.h"

/* The order of service (SERVICE_ORDER), then node and line. */
static const char sql_work[] =
    "SELECT ln.order_id, ln.line_no, ln.node_id, ln.routed, l.sku, l.method, "
    "o.promise_date, o.ship_complete, "
    "EXISTS (SELECT 1 FROM order_hold h WHERE h.order_id = ln.order_id), "
    "CASE WHEN o.ship_complete THEN "
    "(SELECT SUM(l2.qty - l2.shipped - l2.cancelled) FROM order_line l2 "
    "WHERE l2.order_id = ln.order_id) - "
    "(SELECT COALESCE(SUM(ln2.routed + ln2.released), 0) FROM line_node ln2 "
    "WHERE ln2.order_id = ln.order_id) ELSE 0 END, "
    "o.ship_name, o.ship_address1, o.ship_city, o.ship_region, o.ship_postal_code, "
    "o.ship_country, l.pickup_node "
    "FROM line_node ln JOIN order_line l USING (order_id, line_no) "
    "JOIN orders o USING (order_id) WHERE ln.routed > 0 "
    "ORDER BY " SERVICE_ORDER("o") ", ln.node_id, ln.line_no";

struct routed_works {
	int (*fn)(void *ctx, const struct routed_work *x);
	void *ctx;
};

static int
routed_works_row(void *p, const struct store_row *row)
{
	const struct routed_works *w = p;
	struct routed_work x;
	int i;

	x.order_id = store_col_text(row, 0);
	x.line_no = store_col_int(row, 1);
	x.node_id = store_col_text(row, 2);
	x.routed = store_col_int(row, 3);
	x.sku = store_col_text(row, 4);
	x.method = store_col_text(row, 5);
	x.promise_date = store_col_text(row, 6);
	x.ship_complete = (int)store_col_int(row, 7);
	x.held = (int)store_col_int(row, 8);
	x.unrouted = store_col_int(row, 9);
	for (i = 0; i < 6; i++)
		x.ship[i] = store_col_text(row, 10 + i);
	x.pickup_node = store_col_text(row, 16);
	return w->fn(w->ctx, &x);
}

int
store_release_work(struct store *st, int (*fn)(void *ctx, const struct routed_work *w),
    void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_work);
	struct routed_works w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, routed_works_row, &w, "reading routed lines");
}

static const char sql_capacity[] =
    "SELECT n.node_id, COALESCE(n.capacity_per_day, -1), "
    DAY_RELEASES("n.node_id", "?1") ", "
    "n.address1, n.city, n.region, n.postal_code, n.country, "
    "(SELECT count(*) FROM release r WHERE r.node_id = n.node_id AND r.business_day = ?1) "
    "FROM node n";

struct node_day_capacities {
	int (*fn)(void *ctx, const struct node_day_capacity *x);
	void *ctx;
};

static int
node_day_capacities_row(void *p, const struct store_row *row)
{
	const struct node_day_capacities *w = p;
	struct node_day_capacity x;
	int i;

	x.node_id = store_col_text(row, 0);
	x.capacity = store_col_int(row, 1);
	x.used = store_col_int(row, 2);
	for (i = 0; i < 5; i++)
		x.addr[i] = store_col_text(row, 3 + i);
	x.made = store_col_int(row, 8);
	return w->fn(w->ctx, &x);
}

int
store_release_capacity(struct store *st, const char *day,
    int (*fn)(void *ctx, const struct node_day_capacity *c), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_capacity);
	struct node_day_capacities w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, day);
	return store_each(st, s, node_day_capacities_row, &w, "reading node capacity");
}

/*
 * One row to a statement: a statement that may write many rows and fail
 * half way (a multi-row INSERT) makes SQLite keep a statement journal of
 * every page it touches, which costs more than the statements it saves.
 */
static const char sql_release_ins[] =
    "INSERT INTO release (release_id, order_id, node_id, released_at, business_day, "
    "run_id, document) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_rline_ins[] =
    "INSERT INTO release_line (release_id, line_no, order_id, qty) VALUES (?1, ?2, ?3, ?4)";
static const char sql_move_released[] =
    "UPDATE line_node SET routed = routed - ?4, released = released + ?4 "
    "WHERE order_id = ?1 AND line_no = ?2 AND node_id = ?3";

int
store_releases_write(struct store *st, const char *day, const struct release_row *r,
    int n, const struct release_line_row *lines)
{
	sqlite3_stmt *s;
	int64_t run_id = store_run_id(st);
	int i, k, line = 0;

	for (i = 0; i < n; i++) {
		if ((s = store_sql(st, sql_release_ins)) == NULL)
			return -1;
		bind_text(s, 1, r[i].release_id);
		bind_text(s, 2, r[i].order_id);
		bind_text(s, 3, r[i].node_id);
		bind_text(s, 4, store_run_time(st));
		bind_text(s, 5, day);
		if (run_id)
			bind_int(s, 6, run_id);
		bind_text(s, 7, r[i].document);
		if (store_done(st, s, "writing a release") != 0)
			return -1;
		for (k = 0; k < r[i].nlines; k++, line++) {
			if ((s = store_sql(st, sql_rline_ins)) == NULL)
				return -1;
			bind_text(s, 1, r[i].release_id);
			bind_int(s, 2, lines[line].line_no);
			bind_text(s, 3, r[i].order_id);
			bind_int(s, 4, lines[line].qty);
			if (store_done(st, s, "writing a release line") != 0)
				return -1;
			if ((s = store_sql(st, sql_move_released)) == NULL)
				return -1;
			bind_text(s, 1, r[i].order_id);
			bind_int(s, 2, lines[line].line_no);
			bind_text(s, 3, r[i].node_id);
			bind_int(s, 4, lines[line].qty);
			if (store_done(st, s, "releasing a line") != 0)
				return -1;
		}
		if (store_event(st, r[i].order_id, "release.created", r[i].payload) != 0)
			return -1;
	}
	return 0;
}

static const char sql_document[] = "SELECT document FROM release WHERE release_id = ?1";

int
store_release_document(struct store *st, const char *release_id, char **doc)
{
	sqlite3_stmt *s = store_sql(st, sql_document);

	*doc = NULL;
	if (s == NULL)
		return -1;
	bind_text(s, 1, release_id);
	return store_text(st, s, doc, "reading a release");
}

static const char sql_run_documents[] =
    "SELECT r.release_id, r.document FROM event e "
    "JOIN release r ON r.release_id = json_extract(e.payload, '$.release_id') "
    "WHERE e.type = 'release.created' AND e.run_id = ?1 ORDER BY e.seq";

struct release_documents {
	int (*fn)(void *ctx, const struct release_document *x);
	void *ctx;
};

static int
release_documents_row(void *p, const struct store_row *row)
{
	const struct release_documents *w = p;
	struct release_document x;

	x.release_id = store_col_text(row, 0);
	x.document = store_col_text(row, 1);
	return w->fn(w->ctx, &x);
}

int
store_release_documents_of_run(struct store *st, int64_t run_id,
    int (*fn)(void *ctx, const struct release_document *d), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_run_documents);
	struct release_documents w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_int(s, 1, run_id);
	return store_each(st, s, release_documents_row, &w, "reading the releases of a run");
}

static const char sql_run_command[] = "SELECT command FROM run WHERE run_id = ?1";

int
store_run_command(struct store *st, int64_t run_id, char **command)
{
	sqlite3_stmt *s = store_sql(st, sql_run_command);

	*command = NULL;
	if (s == NULL)
		return -1;
	bind_int(s, 1, run_id);
	return store_text(st, s, command, "reading the run log");
}

static const char sql_rline_get[] =
    "SELECT rl.order_id, r.node_id, l.sku, l.method, rl.qty, rl.shipped, rl.short, "
    "rl.cancelled, rl.cancel_requested, i.on_hand, EXISTS (SELECT 1 FROM confirmation c "
    "WHERE c.release_id = rl.release_id AND c.line_no = rl.line_no AND c.status = ?3 "
    "AND c.tracking = ?4 AND c.qty = ?5 AND (?6 IS NULL OR c.at = ?6)), "
    "l.pickup_node, rl.ready, rl.delivered, rl.collected, rl.cancel_tender "
    "FROM release_line rl "
    "JOIN release r USING (release_id) "
    "JOIN order_line l ON l.order_id = rl.order_id AND l.line_no = rl.line_no "
    "LEFT JOIN inventory i ON i.node_id = r.node_id AND i.sku = l.sku "
    "WHERE rl.release_id = ?1 AND rl.line_no = ?2";
static const char sql_release_has[] = "SELECT 1 FROM release WHERE release_id = ?1";

static void
copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

struct rline_ctx {
	struct release_line_state *s;
	int found;
};

static int
rline_row(void *p, const struct store_row *row)
{
	struct rline_ctx *c = p;
	struct release_line_state *s = c->s;

	copy(s->order_id, sizeof s->order_id, store_col_text(row, 0));
	copy(s->node_id, sizeof s->node_id, store_col_text(row, 1));
	copy(s->sku, sizeof s->sku, store_col_text(row, 2));
	copy(s->method, sizeof s->method, store_col_text(row, 3));
	s->qty = store_col_int(row, 4);
	s->shipped = store_col_int(row, 5);
	s->shorted = store_col_int(row, 6);
	s->cancelled = store_col_int(row, 7);
	s->cancel_requested = store_col_int(row, 8);
	s->on_hand = store_col_text(row, 9) ? store_col_int(row, 9) : -1;
	s->seen = (int)store_col_int(row, 10);
	copy(s->pickup_node, sizeof s->pickup_node, store_col_text(row, 11));
	s->ready = store_col_int(row, 12);
	s->delivered = store_col_int(row, 13);
	s->collected = store_col_int(row, 14);
	copy(s->cancel_tender, sizeof s->cancel_tender, store_col_text(row, 15));
	c->found = 1;
	return 1;
}

int
store_release_line_get(struct store *st, const char *release_id, int64_t line_no,
    const char *status, const char *tracking, int64_t qty, const char *at,
    struct release_line_state *s, int *release_known)
{
	sqlite3_stmt *q = store_sql(st, sql_rline_get);
	struct rline_ctx c = { s, 0 };
	int64_t known;

	*release_known = 0;
	if (q == NULL)
		return -1;
	bind_text(q, 1, release_id);
	bind_int(q, 2, line_no);
	bind_text(q, 3, status);
	bind_text(q, 4, tracking);
	bind_int(q, 5, qty);
	bind_text(q, 6, at);
	if (store_each(st, q, rline_row, &c, "reading a release line") != 0)
		return -1;
	if (c.found) {
		*release_known = 1;
		return 1;
	}
	if ((q = store_sql(st, sql_release_has)) == NULL)
		return -1;
	bind_text(q, 1, release_id);
	if ((known = store_int(st, q, "reading a release")) < 0)
		return -1;
	*release_known = known > 0;
	return 0;
}

static const char sql_rline_upd[] =
    "UPDATE release_line SET shipped = shipped + ?3, short = short + ?4, "
    "cancelled = cancelled + ?5, cancel_requested = ?6, ready = ready + ?7, "
    "delivered = delivered + ?8, collected = collected + ?9, "
    "location = CASE WHEN ?10 = '' THEN location ELSE ?10 END "
    "WHERE release_id = ?1 AND line_no = ?2";
static const char sql_ln_upd[] =
    "UPDATE line_node SET released = released - ?4, shipped = shipped + ?5 "
    "WHERE order_id = ?1 AND line_no = ?2 AND node_id = ?3";
static const char sql_line_upd[] =
    "UPDATE order_line SET shipped = shipped + ?3, cancelled = cancelled + ?4 "
    "WHERE order_id = ?1 AND line_no = ?2";
/*
 * the release shipped: its latest ship time (share/schema/005-kpi-facts.sql)
 * and the most transit days of the lines it shipped, as routing kept them
 * at the node (008-transit-days.sql)
 */
static const char sql_shipment[] =
    "INSERT INTO shipment (order_id, release_id, shipped_at, transit_days) "
    "VALUES (?1, ?2, ?3, (SELECT transit_days FROM line_node "
    "WHERE order_id = ?1 AND line_no = ?4 AND node_id = ?5)) "
    "ON CONFLICT DO UPDATE SET shipped_at = CASE WHEN excluded.shipped_at > shipped_at "
    "THEN excluded.shipped_at ELSE shipped_at END, "
    "transit_days = coalesce(max(transit_days, excluded.transit_days), transit_days, "
    "excluded.transit_days)";
/* a later line of the same shipment, no later: only its transit days */
static const char sql_shipment_transit[] =
    "UPDATE shipment SET transit_days = coalesce(max(transit_days, t.d), transit_days, t.d) "
    "FROM (SELECT transit_days AS d FROM line_node "
    "WHERE order_id = ?1 AND line_no = ?4 AND node_id = ?5) t "
    "WHERE order_id = ?1 AND release_id = ?2";
static const char sql_inv_upd[] =
    "UPDATE inventory SET on_hand = ?3 WHERE node_id = ?1 AND sku = ?2";
static const char sql_conf_ins[] =
    "INSERT INTO confirmation (release_id, line_no, status, qty, carrier, tracking, at, "
    "run_id, location, code, bay, vehicle) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
/*
 * the release's shipment delivered: at its latest delivery, once every
 * unit it shipped is (after the release line took this delivery)
 */
static const char sql_delivered[] =
    "UPDATE shipment SET delivered_at = CASE WHEN delivered_at > ?3 THEN delivered_at "
    "ELSE ?3 END WHERE order_id = ?1 AND release_id = ?2 AND (SELECT sum(delivered) >= "
    "sum(shipped) FROM release_line WHERE release_id = ?2)";
/* where something waits for its customer, or the customer for it */
static const char sql_collection_put[] =
    "INSERT INTO collection (order_id, node_id, code, arrived_at, bay, vehicle) "
    "VALUES (?1, ?2, ?3, CASE WHEN ?4 THEN ?5 END, ?6, ?7) "
    "ON CONFLICT DO UPDATE SET code = CASE WHEN excluded.code = '' THEN code "
    "ELSE excluded.code END, "
    "arrived_at = coalesce(excluded.arrived_at, arrived_at), "
    "bay = CASE WHEN ?4 THEN excluded.bay ELSE bay END, "
    "vehicle = CASE WHEN ?4 THEN excluded.vehicle ELSE vehicle END";

int
store_confirmation_apply(struct store *st, const struct confirmation *c)
{
	sqlite3_stmt *s;

	if ((s = store_sql(st, sql_rline_upd)) == NULL)
		return -1;
	bind_text(s, 1, c->release_id);
	bind_int(s, 2, c->line_no);
	bind_int(s, 3, c->shipped);
	bind_int(s, 4, c->shorted);
	bind_int(s, 5, c->cancelled);
	bind_int(s, 6, c->cancel_requested);
	bind_int(s, 7, c->ready);
	bind_int(s, 8, c->delivered);
	bind_int(s, 9, c->collected);
	bind_text(s, 10, c->location ? c->location : "");
	if (store_done(st, s, "confirming a release line") != 0)
		return -1;
	/* units that leave the node's hands (the last mile's only move between counts) */
	if (c->shipped + c->shorted + c->cancelled > 0) {
		if ((s = store_sql(st, sql_ln_upd)) == NULL)
			return -1;
		bind_text(s, 1, c->order_id);
		bind_int(s, 2, c->line_no);
		bind_text(s, 3, c->node_id);
		bind_int(s, 4, c->shipped + c->shorted + c->cancelled);
		bind_int(s, 5, c->shipped);
		if (store_done(st, s, "confirming a release line") != 0)
			return -1;
	}
	if (c->shipped > 0 || c->line_cancelled > 0) {
		if ((s = store_sql(st, sql_line_upd)) == NULL)
			return -1;
		bind_text(s, 1, c->order_id);
		bind_int(s, 2, c->line_no);
		bind_int(s, 3, c->shipped);
		bind_int(s, 4, c->line_cancelled);
		if (store_done(st, s, "confirming an order line") != 0)
			return -1;
	}
	if (c->shipped > 0) {
		if ((s = store_sql(st, c->shipment ? sql_shipment : sql_shipment_transit)) == NULL)
			return -1;
		bind_text(s, 1, c->order_id);
		bind_text(s, 2, c->release_id);
		if (c->shipment)
			bind_text(s, 3, c->at);
		bind_int(s, 4, c->line_no);
		bind_text(s, 5, c->node_id);
		if (store_done(st, s, "recording a shipment") != 0)
			return -1;
	}
	if (c->on_hand >= 0) {
		if ((s = store_sql(st, sql_inv_upd)) == NULL)
			return -1;
		bind_text(s, 1, c->node_id);
		bind_text(s, 2, c->sku);
		bind_int(s, 3, c->on_hand);
		if (store_done(st, s, "correcting inventory") != 0)
			return -1;
	}
	if ((s = store_sql(st, sql_conf_ins)) == NULL)
		return -1;
	bind_text(s, 1, c->release_id);
	bind_int(s, 2, c->line_no);
	bind_text(s, 3, c->status);
	bind_int(s, 4, c->qty);
	bind_text(s, 5, c->carrier);
	bind_text(s, 6, c->tracking);
	bind_text(s, 7, c->at);
	if (store_run_id(st))
		bind_int(s, 8, store_run_id(st));
	bind_text(s, 9, c->location ? c->location : "");
	bind_text(s, 10, c->code ? c->code : "");
	bind_text(s, 11, c->bay ? c->bay : "");
	bind_text(s, 12, c->vehicle ? c->vehicle : "");
	if (store_done(st, s, "recording a confirmation") != 0)
		return -1;
	if (c->delivered > 0) {
		if ((s = store_sql(st, sql_delivered)) == NULL)
			return -1;
		bind_text(s, 1, c->order_id);
		bind_text(s, 2, c->release_id);
		bind_text(s, 3, c->at);
		if (store_done(st, s, "recording a delivery") != 0)
			return -1;
	}
	if (c->collect_node != NULL) {
		if ((s = store_sql(st, sql_collection_put)) == NULL)
			return -1;
		bind_text(s, 1, c->order_id);
		bind_text(s, 2, c->collect_node);
		bind_text(s, 3, c->code ? c->code : "");
		bind_int(s, 4, c->arrived);
		bind_text(s, 5, c->at);
		bind_text(s, 6, c->bay ? c->bay : "");
		bind_text(s, 7, c->vehicle ? c->vehicle : "");
		if (store_done(st, s, "recording a collection") != 0)
			return -1;
	}
	return store_event(st, c->order_id, c->event_type, c->payload);
}
