/*
 * store-alerts: what needs someone's attention now.  See store-alerts.h.
 */
#include "store-int.h"
#include "store-alerts.h"

/*
 * The hours a node has to confirm a release: its confirm_hours, else 4
 * for a hand-over, else 24.
 */
/*
 * A release line of l handed over at r's node: a pickup or curbside line
 * released to its store (not to a node that ships it to the store).
 */
#define HANDED_HERE "(l.method IN ('pickup', 'curbside') AND l.pickup_node = r.node_id)"

#define CONFIRM_HOURS(pickup) "coalesce(n.confirm_hours, CASE WHEN " pickup \
	" THEN 4 ELSE 24 END)"

/*
 * Why a node is full, or no longer: its releases counted against its
 * capacity (USED) and the capacity (CAP, NULL: none), in words.
 */
#define NODE_DAY_DETAIL(USED, CAP) USED " || CASE WHEN " CAP " IS NULL " \
	"THEN ' releases, no capacity set' ELSE ' releases of a capacity of ' || " CAP " END"

/*
 * The alerts, of the nodes NODES(col) lets through: every node's (a
 * condition that holds when ?4 is NULL), or of some nodes (col IN the
 * list alone, which SQLite seeks an index for: release_by_node_day,
 * line_node_by_node, the node's key).
 */
#define ALERTS(NODES) \
    "SELECT kind, node_id, order_id, release_id, line_no, since, detail FROM (" \
    /* releases not confirmed in time: units out, not made ready */ \
    "SELECT 1 AS k, 'release_overdue' AS kind, r.node_id, r.order_id, r.release_id, " \
    "0 AS line_no, r.released_at AS since, " \
    "sum(rl.qty - rl.shipped - rl.short - rl.cancelled - CASE WHEN " HANDED_HERE " " \
    "THEN rl.ready ELSE 0 END) || ' units not confirmed within ' || " \
    CONFIRM_HOURS("max(" HANDED_HERE ")") " || ' hours' AS detail " \
    "FROM release r JOIN node n ON n.node_id = r.node_id " \
    "JOIN release_line rl ON rl.release_id = r.release_id " \
    "JOIN order_line l ON l.order_id = rl.order_id AND l.line_no = rl.line_no " \
    "WHERE " NODES("r.node_id") " " \
    "GROUP BY r.release_id HAVING sum(rl.qty - rl.shipped - rl.short - rl.cancelled - " \
    "CASE WHEN " HANDED_HERE " THEN rl.ready ELSE 0 END) > 0 " \
    "AND r.released_at < strftime('%Y-%m-%dT%H:%M:%SZ', ?1, '-' || " \
    CONFIRM_HOURS("max(" HANDED_HERE ")") " || ' hours') " \
    "UNION ALL " \
    /* work whose promise can no longer be met by its plan */ \
    "SELECT 2, 'at_risk', ln.node_id, ln.order_id, NULL, ln.line_no, o.promise_date, " \
    "CASE WHEN ln.routed > 0 THEN 'routed' ELSE 'released' END || ': at the earliest ' || " \
    "date(?2, '+' || ((CASE WHEN ln.routed > 0 THEN n.processing_days ELSE 0 END) + " \
    "coalesce(ln.transit_days, 0)) || ' days') || ', promised ' || date(o.promise_date) " \
    "FROM line_node ln JOIN orders o ON o.order_id = ln.order_id " \
    "JOIN node n ON n.node_id = ln.node_id " \
    "WHERE (ln.routed > 0 OR ln.released > 0) AND o.promise_date IS NOT NULL " \
    "AND " NODES("ln.node_id") " " \
    "AND date(?2, '+' || ((CASE WHEN ln.routed > 0 THEN n.processing_days ELSE 0 END) + " \
    "coalesce(ln.transit_days, 0)) || ' days') > date(o.promise_date) " \
    /* (what waits ready at its store has met its promise) */ \
    "AND (ln.routed > 0 OR ln.released > (SELECT coalesce(sum(rl.ready), 0) " \
    "FROM release_line rl JOIN release r ON r.release_id = rl.release_id " \
    "JOIN order_line l ON l.order_id = rl.order_id AND l.line_no = rl.line_no " \
    "WHERE rl.order_id = ln.order_id AND rl.line_no = ln.line_no " \
    "AND r.node_id = ln.node_id AND " HANDED_HERE ")) " \
    "UNION ALL " \
    /* what waits for collection near its last day */ \
    "SELECT 3, 'pickup_expiring', c.node_id, c.order_id, NULL, 0, c.last_day, " \
    "CAST(julianday(c.last_day) - julianday(?2) AS INTEGER) || ' days left, code ' || c.code " \
    "FROM collection c INDEXED BY collection_open " \
    "WHERE c.ready_at IS NOT NULL AND c.collected_at IS NULL AND c.expired_at IS NULL " \
    "AND date(c.last_day, '-' || ?3 || ' days') <= ?2 AND " NODES("c.node_id") " " \
    "UNION ALL " \
    /* nodes full today */ \
    "SELECT 4, 'node_full', n.node_id, NULL, NULL, 0, ?2, " \
    NODE_DAY_DETAIL("n.used", "n.capacity_per_day") " " \
    "FROM (SELECT m.node_id, m.capacity_per_day, " DAY_RELEASES("m.node_id", "?2") " AS used " \
    "FROM node m WHERE m.capacity_per_day IS NOT NULL AND " NODES("m.node_id") ") n " \
    "WHERE n.used >= n.capacity_per_day" \
    ") ORDER BY k, node_id, order_id, line_no, release_id"
#define EVERY_NODE(col) IN_LIST(col, "?4")
#define OF_NODES(col) col " IN (SELECT value FROM json_each(?4))"
static const char sql_alerts[] = ALERTS(EVERY_NODE);
static const char sql_alerts_of[] = ALERTS(OF_NODES);

struct alerts {
	int (*fn)(void *ctx, const struct alert *a);
	void *ctx;
};

static int
alert_row(void *p, const struct store_row *row)
{
	const struct alerts *w = p;
	struct alert a;

	a.kind = store_col_text(row, 0);
	a.node_id = store_col_text(row, 1);
	a.order_id = store_col_text(row, 2);
	a.release_id = store_col_text(row, 3);
	a.line_no = store_col_int(row, 4);
	a.since = store_col_text(row, 5);
	a.detail = store_col_text(row, 6);
	return w->fn(w->ctx, &a);
}

int
store_alerts(struct store *st, const char *now, const char *today, int64_t remind_days,
    const struct strv *node, int (*fn)(void *ctx, const struct alert *a), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, node != NULL && node->n > 0 ? sql_alerts_of : sql_alerts);
	struct alerts w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, now);
	bind_text(s, 2, today);
	bind_int(s, 3, remind_days);
	bind_list(s, 4, node);
	return store_each(st, s, alert_row, &w, "reading the alerts");
}

/*
 * The nodes full on day ?1, and those told node.capacity_filled that day
 * more often than node.capacity_freed: the sent_once rows of the node's
 * day, whose subject is NODE/DAY (each found by the table's key).
 */
static const char sql_capacity_told[] =
    "SELECT node_id, subject, used, coalesce(capacity_per_day, -1), "
    NODE_DAY_DETAIL("used", "capacity_per_day") ", filled, freed FROM ("
    "SELECT n.node_id, n.capacity_per_day, n.node_id || '/' || ?1 AS subject, "
    DAY_RELEASES("n.node_id", "?1") " AS used, "
    "(SELECT count(*) FROM sent_once s WHERE s.kind = 'node.capacity_filled' "
    "AND s.subject = n.node_id || '/' || ?1) AS filled, "
    "(SELECT count(*) FROM sent_once s WHERE s.kind = 'node.capacity_freed' "
    "AND s.subject = n.node_id || '/' || ?1) AS freed "
    "FROM node n) "
    "WHERE used >= capacity_per_day OR filled > freed ORDER BY node_id";

struct capacities_told {
	int (*fn)(void *ctx, const struct node_capacity_told *t);
	void *ctx;
};

static int
capacity_told_row(void *p, const struct store_row *row)
{
	const struct capacities_told *w = p;
	struct node_capacity_told t;

	t.node_id = store_col_text(row, 0);
	t.subject = store_col_text(row, 1);
	t.used = store_col_int(row, 2);
	t.capacity = store_col_int(row, 3);
	t.detail = store_col_text(row, 4);
	t.filled = store_col_int(row, 5);
	t.freed = store_col_int(row, 6);
	return w->fn(w->ctx, &t);
}

int
store_capacity_told(struct store *st, const char *day,
    int (*fn)(void *ctx, const struct node_capacity_told *t), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_capacity_told);
	struct capacities_told w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_text(s, 1, day);
	return store_each(st, s, capacity_told_row, &w, "reading the nodes' capacity");
}
