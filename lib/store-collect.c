/*
 * store-collect: the last mile as oms-release --confirm keeps it: what
 * waits for collection at a node, an order's shipping lines together,
 * and carriers' tracking updates (share/schema/009-last-mile.sql).  See
 * store-release.h.
 */
#include <stdio.h>
#include <string.h>

#include "store-int.h"
#include "store-release.h"

/*
 * A line's units still to collect: not cancelled, not handed over (at
 * its store, a release there shipped) or taken from where it was
 * shipped to (a locker, or a store it was shipped to: the release
 * elsewhere collected); and its ready units, over its releases.
 */
#define RL_SUM(col) "coalesce((SELECT sum(rl." col ") FROM release_line rl " \
	"WHERE rl.order_id = l.order_id AND rl.line_no = l.line_no), 0)"
#define TO_COLLECT "l.qty - l.cancelled - coalesce((SELECT sum(CASE WHEN " \
	"r.node_id = l.pickup_node THEN rl.shipped ELSE rl.collected END) " \
	"FROM release_line rl JOIN release r ON r.release_id = rl.release_id " \
	"WHERE rl.order_id = l.order_id AND rl.line_no = l.line_no), 0)"

static const char sql_state[] =
    "WITH l AS (SELECT " TO_COLLECT " AS left, " RL_SUM("ready") " AS ready "
    "FROM order_line l WHERE l.order_id = ?1 AND l.pickup_node = ?2 "
    "AND l.method <> 'ship') "
    "SELECT (SELECT count(*) FROM l WHERE left > 0), "
    "(SELECT count(*) FROM l WHERE left > 0 AND ready < left), "
    "c.code, c.ready_at IS NOT NULL, c.collected_at IS NOT NULL, n.type, "
    "n.pickup_hold_days "
    "FROM node n LEFT JOIN collection c ON c.order_id = ?1 AND c.node_id = n.node_id "
    "WHERE n.node_id = ?2";

static int
state_row(void *p, const struct store_row *row)
{
	struct collection_state *c = p;
	const char *code = store_col_text(row, 2), *type = store_col_text(row, 5);

	c->lines_to_collect = store_col_int(row, 0);
	c->lines_waiting = store_col_int(row, 1);
	snprintf(c->code, sizeof c->code, "%s", code ? code : "");
	c->ready_at = (int)store_col_int(row, 3);
	c->collected = (int)store_col_int(row, 4);
	snprintf(c->node_type, sizeof c->node_type, "%s", type ? type : "");
	c->hold_days = store_col_int(row, 6);
	return 0;
}

int
store_collection_state(struct store *st, const char *order_id, const char *node_id,
    struct collection_state *c)
{
	sqlite3_stmt *s = store_sql(st, sql_state);

	memset(c, 0, sizeof *c);
	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_text(s, 2, node_id);
	return store_each(st, s, state_row, c, "reading a collection");
}

static const char sql_ready[] =
    "INSERT INTO collection (order_id, node_id, code, ready_at, last_day) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET code = excluded.code, "
    "ready_at = excluded.ready_at, last_day = excluded.last_day";

int
store_collection_ready(struct store *st, const char *order_id, const char *node_id,
    const char *at, const char *code, const char *last_day)
{
	sqlite3_stmt *s = store_sql(st, sql_ready);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_text(s, 2, node_id);
	bind_text(s, 3, code);
	bind_text(s, 4, at);
	bind_text(s, 5, last_day);
	return store_done(st, s, "recording a collection");
}

static const char sql_collected[] =
    "INSERT INTO collection (order_id, node_id, collected_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT DO UPDATE SET collected_at = excluded.collected_at";

int
store_collection_collected(struct store *st, const char *order_id, const char *node_id,
    const char *at)
{
	sqlite3_stmt *s = store_sql(st, sql_collected);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_text(s, 2, node_id);
	bind_text(s, 3, at);
	return store_done(st, s, "recording a collection");
}

/* a line is ready at one release as a rule: where, that release's place */
static const char sql_lines[] =
    "SELECT l.line_no, l.sku, sum(rl.ready), max(nullif(rl.location, '')) "
    "FROM order_line l JOIN release_line rl ON rl.order_id = l.order_id "
    "AND rl.line_no = l.line_no "
    "WHERE l.order_id = ?1 AND l.pickup_node = ?2 AND l.method <> 'ship' "
    "GROUP BY l.line_no HAVING sum(rl.ready) > 0 ORDER BY l.line_no";

struct collection_lines {
	int (*fn)(void *ctx, const struct collection_line *l);
	void *ctx;
};

static int
line_row(void *p, const struct store_row *row)
{
	const struct collection_lines *w = p;
	struct collection_line l;
	const char *loc = store_col_text(row, 3);

	l.line_no = store_col_int(row, 0);
	l.sku = store_col_text(row, 1);
	l.ready = store_col_int(row, 2);
	l.location = loc ? loc : "";
	return w->fn(w->ctx, &l);
}

int
store_collection_lines(struct store *st, const char *order_id, const char *node_id,
    int (*fn)(void *ctx, const struct collection_line *l), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_lines);
	struct collection_lines w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_text(s, 2, node_id);
	return store_each(st, s, line_row, &w, "reading a collection");
}

/* the delivered units only when asked: a sum over the release lines of each line */
static const char sql_progress[] =
    "SELECT coalesce(sum(l.qty - l.cancelled), 0), coalesce(sum(l.shipped), 0), "
    "CASE WHEN ?2 THEN coalesce(sum(" RL_SUM("delivered") "), 0) ELSE 0 END "
    "FROM order_line l WHERE l.order_id = ?1 AND l.method IN ('ship', 'locker')";

static int
progress_row(void *p, const struct store_row *row)
{
	struct order_progress *o = p;

	o->to_ship = store_col_int(row, 0);
	o->shipped = store_col_int(row, 1);
	o->delivered = store_col_int(row, 2);
	return 0;
}

int
store_order_progress(struct store *st, const char *order_id, int with_delivered,
    struct order_progress *o)
{
	sqlite3_stmt *s = store_sql(st, sql_progress);

	memset(o, 0, sizeof *o);
	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, with_delivered != 0);
	return store_each(st, s, progress_row, o, "reading an order");
}

static const char sql_sent_once[] =
    "INSERT INTO sent_once (kind, subject, plan, at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT DO NOTHING";

int
store_sent_once(struct store *st, const char *type, const char *subject, const char *plan,
    const char *at)
{
	sqlite3_stmt *s = store_sql(st, sql_sent_once);

	if (s == NULL)
		return -1;
	bind_text(s, 1, type);
	bind_text(s, 2, subject);
	bind_text(s, 3, plan);
	bind_text(s, 4, at);
	if (store_done(st, s, "recording an event sent once") != 0)
		return -1;
	return store_changes(st) > 0;
}

static const char sql_tracking_seen[] =
    "SELECT EXISTS (SELECT 1 FROM tracking_update WHERE carrier = ?1 AND tracking = ?2 "
    "AND status = ?3 AND (?4 IS NULL OR at = ?4))";
static const char sql_tracking_add[] =
    "INSERT INTO tracking_update (carrier, tracking, status, detail, at, run_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

int
store_tracking_add(struct store *st, const char *carrier, const char *tracking,
    const char *status, const char *detail, const char *at, int timed, int *seen)
{
	sqlite3_stmt *s = store_sql(st, sql_tracking_seen);
	int64_t n;

	if (s == NULL)
		return -1;
	bind_text(s, 1, carrier);
	bind_text(s, 2, tracking);
	bind_text(s, 3, status);
	if (timed)
		bind_text(s, 4, at);
	if ((n = store_int(st, s, "reading the tracking updates")) < 0)
		return -1;
	if ((*seen = n > 0))
		return 0;
	if ((s = store_sql(st, sql_tracking_add)) == NULL)
		return -1;
	bind_text(s, 1, carrier);
	bind_text(s, 2, tracking);
	bind_text(s, 3, status);
	bind_text(s, 4, detail);
	bind_text(s, 5, at);
	if (store_run_id(st))
		bind_int(s, 6, store_run_id(st));
	return store_done(st, s, "recording a tracking update");
}

/*
 * A parcel's lines: what was shipped with its tracking number, less what
 * was delivered with it; and whether the line is a pickup or curbside
 * line (shipped to its store, which receives it).
 */
static const char sql_tracked_lines[] =
    "SELECT release_id, line_no, sum(CASE status WHEN 'shipped' THEN qty ELSE 0 END) - "
    "sum(CASE status WHEN 'delivered' THEN qty ELSE 0 END), "
    "(SELECT l.method IN ('pickup', 'curbside') FROM release r JOIN order_line l "
    "ON l.order_id = r.order_id AND l.line_no = c.line_no "
    "WHERE r.release_id = c.release_id) FROM confirmation c "
    "WHERE carrier = ?1 AND tracking = ?2 AND tracking <> '' "
    "AND (status = 'shipped' OR status = 'delivered') "
    "GROUP BY release_id, line_no HAVING sum(status = 'shipped') > 0 "
    "ORDER BY release_id, line_no";

struct tracked_lines {
	int (*fn)(void *ctx, const struct tracked_line *l);
	void *ctx;
};

static int
tracked_row(void *p, const struct store_row *row)
{
	const struct tracked_lines *w = p;
	struct tracked_line l;

	l.release_id = store_col_text(row, 0);
	l.line_no = store_col_int(row, 1);
	l.undelivered = store_col_int(row, 2);
	l.to_store = store_col_int(row, 3);
	return w->fn(w->ctx, &l);
}

int
store_tracked_lines(struct store *st, const char *carrier, const char *tracking,
    int (*fn)(void *ctx, const struct tracked_line *l), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_tracked_lines);
	struct tracked_lines w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, carrier);
	bind_text(s, 2, tracking);
	return store_each(st, s, tracked_row, &w, "reading a parcel's lines");
}

static const char sql_tracked_orders[] =
    "SELECT DISTINCT r.order_id FROM confirmation c JOIN release r USING (release_id) "
    "WHERE c.carrier = ?1 AND c.tracking = ?2 AND c.tracking <> '' "
    "AND c.status = 'shipped' ORDER BY r.order_id";

struct tracked_orders {
	int (*fn)(void *ctx, const char *order_id);
	void *ctx;
};

static int
order_row(void *p, const struct store_row *row)
{
	const struct tracked_orders *w = p;

	return w->fn(w->ctx, store_col_text(row, 0));
}

int
store_tracked_orders(struct store *st, const char *carrier, const char *tracking,
    int (*fn)(void *ctx, const char *order_id), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_tracked_orders);
	struct tracked_orders w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, carrier);
	bind_text(s, 2, tracking);
	return store_each(st, s, order_row, &w, "reading a parcel's orders");
}

/* --- expiry and reminders -------------------------------------------------- */

static const char sql_due[] =
    "SELECT c.order_id, c.node_id, n.type, c.code, c.last_day, c.last_day < ?1 "
    "FROM collection c INDEXED BY collection_open JOIN node n ON n.node_id = c.node_id "
    "WHERE c.ready_at IS NOT NULL AND c.collected_at IS NULL AND c.expired_at IS NULL "
    "AND (c.last_day < ?1 OR (c.reminded_at IS NULL "
    "AND date(c.last_day, '-' || ?2 || ' days') <= ?1)) "
    "ORDER BY c.node_id, c.order_id";

struct collections_due {
	int (*fn)(void *ctx, const struct collection_due *c);
	void *ctx;
};

static int
due_row(void *p, const struct store_row *row)
{
	const struct collections_due *w = p;
	struct collection_due c;

	c.order_id = store_col_text(row, 0);
	c.node_id = store_col_text(row, 1);
	c.node_type = store_col_text(row, 2);
	c.code = store_col_text(row, 3);
	c.last_day = store_col_text(row, 4);
	c.expire = (int)store_col_int(row, 5);
	return w->fn(w->ctx, &c);
}

int
store_collections_due(struct store *st, const char *today, int64_t remind_days,
    int (*fn)(void *ctx, const struct collection_due *c), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_due);
	struct collections_due w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, today);
	bind_int(s, 2, remind_days);
	return store_each(st, s, due_row, &w, "reading the collections due");
}

static const char sql_units[] =
    "SELECT rl.release_id, r.node_id, l.method, l.sku, rl.line_no, "
    "rl.qty - rl.shipped - rl.short - rl.cancelled, rl.ready, l.qty, l.unit_price, "
    "l.discount, l.cancelled "
    "FROM order_line l JOIN release_line rl ON rl.order_id = l.order_id "
    "AND rl.line_no = l.line_no JOIN release r ON r.release_id = rl.release_id "
    "WHERE l.order_id = ?1 AND l.pickup_node = ?2 AND l.method <> 'ship' "
    "ORDER BY rl.line_no, rl.release_id";

struct collection_units {
	int (*fn)(void *ctx, const struct collection_unit *u);
	void *ctx;
};

static int
unit_row(void *p, const struct store_row *row)
{
	const struct collection_units *w = p;
	struct collection_unit u;

	u.release_id = store_col_text(row, 0);
	u.node_id = store_col_text(row, 1);
	u.method = store_col_text(row, 2);
	u.sku = store_col_text(row, 3);
	u.line_no = store_col_int(row, 4);
	u.out = store_col_int(row, 5);
	u.ready = store_col_int(row, 6);
	u.qty = store_col_int(row, 7);
	u.unit_price = store_col_int(row, 8);
	u.discount = store_col_int(row, 9);
	u.cancelled = store_col_int(row, 10);
	return w->fn(w->ctx, &u);
}

int
store_collection_units(struct store *st, const char *order_id, const char *node_id,
    int (*fn)(void *ctx, const struct collection_unit *u), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_units);
	struct collection_units w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_text(s, 2, node_id);
	return store_each(st, s, unit_row, &w, "reading a collection");
}

static const char sql_rl_expire[] =
    "UPDATE release_line SET cancelled = cancelled + ?3, ready = 0, cancel_requested = 0 "
    "WHERE release_id = ?1 AND line_no = ?2";
static const char sql_ln_expire[] =
    "UPDATE line_node SET released = released - ?4 "
    "WHERE order_id = ?1 AND line_no = ?2 AND node_id = ?3";
static const char sql_line_expire[] =
    "UPDATE order_line SET cancelled = cancelled + ?3 WHERE order_id = ?1 AND line_no = ?2";

int
store_release_line_expire(struct store *st, const char *release_id, const char *order_id,
    int64_t line_no, const char *node_id, int64_t n)
{
	sqlite3_stmt *s;

	if ((s = store_sql(st, sql_rl_expire)) == NULL)
		return -1;
	bind_text(s, 1, release_id);
	bind_int(s, 2, line_no);
	bind_int(s, 3, n);
	if (store_done(st, s, "expiring a release line") != 0)
		return -1;
	if ((s = store_sql(st, sql_ln_expire)) == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	bind_text(s, 3, node_id);
	bind_int(s, 4, n);
	if (store_done(st, s, "expiring a release line") != 0)
		return -1;
	if ((s = store_sql(st, sql_line_expire)) == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	bind_int(s, 3, n);
	return store_done(st, s, "expiring an order line");
}

static const char sql_rl_unready[] =
    "UPDATE release_line SET ready = ready - ?3 WHERE release_id = ?1 AND line_no = ?2";

int
store_release_line_unready(struct store *st, const char *release_id, int64_t line_no,
    int64_t n)
{
	sqlite3_stmt *s = store_sql(st, sql_rl_unready);

	if (s == NULL)
		return -1;
	bind_text(s, 1, release_id);
	bind_int(s, 2, line_no);
	bind_int(s, 3, n);
	return store_done(st, s, "expiring a locker line");
}

static const char sql_expired[] =
    "UPDATE collection SET expired_at = ?3 WHERE order_id = ?1 AND node_id = ?2";
static const char sql_reminded[] =
    "UPDATE collection SET reminded_at = ?3 WHERE order_id = ?1 AND node_id = ?2";

static int
collection_mark(struct store *st, const char *sql, const char *order_id, const char *node_id,
    const char *at)
{
	sqlite3_stmt *s = store_sql(st, sql);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_text(s, 2, node_id);
	bind_text(s, 3, at);
	return store_done(st, s, "recording a collection");
}

int
store_collection_expired(struct store *st, const char *order_id, const char *node_id,
    const char *at)
{
	return collection_mark(st, sql_expired, order_id, node_id, at);
}

int
store_collection_reminded(struct store *st, const char *order_id, const char *node_id,
    const char *at)
{
	return collection_mark(st, sql_reminded, order_id, node_id, at);
}
