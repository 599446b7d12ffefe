/*
 * store-alloc: what oms-allocate reads and writes beyond the views it
 * shares (store-alloc.h): the scope of a run, the lines to allocate with
 * their work, the routed work at a node, and the write-back.
 */
#include <stdlib.h>
#include <string.h>

#include "store-int.h"
#include "store-alloc.h"

static const char sql_scope_has[] = "SELECT 1 FROM orders WHERE order_id = ?1";
static const char sql_scope_add[] = "INSERT OR IGNORE INTO temp.scope (order_id) VALUES (?1)";
/*
 * One row a statement: a 32-row UPDATE ... FROM (VALUES ...) costs more.
 * ?6: the time of the event written with the change (SET_BACKORDERED),
 * NULL when none.
 */
static const char sql_line_alloc[] = "UPDATE order_line SET allocated = ?3, "
    "backorder_reason = ?5, " SET_BACKORDERED("?4", "?6") " WHERE order_id = ?1 AND line_no = ?2";

int
store_scope_reset(struct store *st)
{
	return store_exec(st, "CREATE TEMP TABLE IF NOT EXISTS scope (order_id TEXT PRIMARY KEY) "
	    "WITHOUT ROWID; DELETE FROM temp.scope", "creating a work table");
}

int
store_scope_add(struct store *st, const char *order_id)
{
	sqlite3_stmt *s = store_sql(st, sql_scope_has);
	int64_t known;

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	if ((known = store_int(st, s, "reading an order")) <= 0)
		return (int)known;
	if ((s = store_sql(st, sql_scope_add)) == NULL)
		return -1;
	bind_text(s, 1, order_id);
	return store_done(st, s, "remembering an order") == 0 ? 1 : -1;
}

/*
 * line_node_by_node finds the node's work; the sku is the line's.  The
 * order of service is alloc.c's to apply (service_cmp), not stated again
 * here.
 */
static const char sql_routed_at[] =
    "SELECT ln.order_id, ln.line_no, ln.routed, o.priority, o.promise_date, "
    "o.created_at FROM line_node ln "
    "JOIN order_line l ON l.order_id = ln.order_id AND l.line_no = ln.line_no "
    "JOIN orders o ON o.order_id = ln.order_id "
    "WHERE ln.node_id = ?1 AND l.sku = ?2 AND ln.routed > 0";

int
store_alloc_routed_at(struct store *st, const char *node_id, const char *sku,
    store_typed_fn fn, void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_routed_at);

	if (s == NULL)
		return -1;
	bind_text(s, 1, node_id);
	bind_text(s, 2, sku);
	return store_each(st, s, fn, ctx, "reading the routed work of a node short of stock");
}

/* (held orders are missing from VIEW_ORDERS_NOT_HELD, which is enough) */
static const char sql_alloc_lines[] =
    "SELECT order_id, line_no, sku, qty, method, pickup_node, allocated, backordered, "
    "backorder_reason, qty - shipped - cancelled FROM order_line "
    "WHERE (?1 IS NULL OR order_id IN (SELECT order_id FROM temp.scope)) "
    "ORDER BY order_id, line_no";

/*
 * A subquery per line would cost a seek each: merged below instead.  The
 * rows come in the table's key order, (order_id, line_no, node_id).
 */
static const char sql_alloc_work[] =
    "SELECT order_id, line_no, node_id, routed, released FROM line_node "
    "WHERE routed + released > 0 "
    "AND (?1 IS NULL OR order_id IN (SELECT order_id FROM temp.scope)) "
    "ORDER BY order_id, line_no, node_id";

int
store_alloc_lines(struct store *st, int scoped, store_alloc_line_fn fn, void *ctx)
{
	sqlite3_stmt *l = store_sql(st, sql_alloc_lines);
	sqlite3_stmt *w = store_sql(st, sql_alloc_work);
	struct store_row row;
	struct alloc_work *work = NULL;
	struct buf nodes = BUF_INIT;	/* the node ids of work, each with its NUL */
	int rc, wrc, stop = 0, nwork, capwork = 0, i;

	if (l == NULL || w == NULL)
		return -1;
	bind_text(l, 1, scoped ? "1" : NULL);
	bind_text(w, 1, scoped ? "1" : NULL);
	row.s = l;
	wrc = sqlite3_step(w);
	while (!stop && (wrc == SQLITE_ROW || wrc == SQLITE_DONE) &&
	    (rc = sqlite3_step(l)) == SQLITE_ROW) {
		const char *order_id = (const char *)sqlite3_column_text(l, 0);
		int64_t line_no = sqlite3_column_int64(l, 1);

		/* both in key order: skip work of lines not read, take this one's */
		nwork = 0;
		buf_reset(&nodes);
		while (wrc == SQLITE_ROW) {
			int c = strcmp((const char *)sqlite3_column_text(w, 0), order_id);
			int64_t wl = sqlite3_column_int64(w, 1);

			if (c == 0)
				c = wl < line_no ? -1 : wl > line_no;
			if (c > 0)
				break;
			if (c == 0) {
				if (nwork == capwork) {
					capwork = capwork ? 2 * capwork : 8;
					work = xrealloc(work, (size_t)capwork * sizeof *work);
				}
				/* an offset into nodes until the line's work is all read */
				work[nwork].node_id = (const char *)(uintptr_t)nodes.len;
				buf_adds(&nodes, (const char *)sqlite3_column_text(w, 2));
				buf_addc(&nodes, '\0');
				work[nwork].routed = sqlite3_column_int64(w, 3);
				work[nwork++].released = sqlite3_column_int64(w, 4);
			}
			wrc = sqlite3_step(w);
		}
		for (i = 0; i < nwork; i++)
			work[i].node_id = nodes.s + (uintptr_t)work[i].node_id;
		stop = fn(ctx, &row, work, nwork);
	}
	if (wrc != SQLITE_ROW && wrc != SQLITE_DONE)
		rc = wrc;
	sqlite3_reset(l);
	sqlite3_reset(w);
	free(work);
	buf_release(&nodes);
	if (stop)
		return stop < 0 ? -1 : 0;
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading the lines to allocate");
}

/*
 * The write-back of a whole run: one UPDATE that scans the table in key
 * order and asks the run, through oms_alloc(order_id, line_no, what), which
 * lines changed (what -1) and their new allocated (0), backordered (1) and
 * reason (2).  Updating the row under the scan spares the two seeks of
 * each single-row UPDATE (SQLite's own and its insert's).
 */
static const char sql_alloc_write[] =
    "UPDATE order_line SET allocated = oms_alloc(order_id, line_no, 0), "
    "backorder_reason = oms_alloc(order_id, line_no, 2), "
    SET_BACKORDERED("oms_alloc(order_id, line_no, 1)", "?1") " "
    "WHERE oms_alloc(order_id, line_no, -1)";

struct alloc_write {
	store_alloc_find_fn fn;
	void *ctx;
};

static void
alloc_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct alloc_write *w = sqlite3_user_data(cx);
	const char *order_id = (const char *)sqlite3_value_text(argv[0]);
	int what = sqlite3_value_int(argv[2]);
	int64_t allocated, backordered;
	const char *reason;

	(void)argc;
	if (order_id == NULL || !w->fn(w->ctx, order_id, sqlite3_value_int64(argv[1]),
	    &allocated, &backordered, &reason)) {
		if (what < 0)
			sqlite3_result_int(cx, 0);
		else	/* never: only the lines found above are updated */
			sqlite3_result_error(cx, "a line to update was not found", -1);
		return;
	}
	if (what < 0)
		sqlite3_result_int(cx, 1);
	else if (what == 0)
		sqlite3_result_int64(cx, allocated);
	else if (what == 1)
		sqlite3_result_int64(cx, backordered);
	else if (reason != NULL)
		sqlite3_result_text(cx, reason, -1, SQLITE_STATIC);
	else
		sqlite3_result_null(cx);
}

int
store_alloc_write(struct store *st, store_alloc_find_fn fn, void *ctx, long n)
{
	struct alloc_write w = { fn, ctx };
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_create_function(st->db, "oms_alloc", 3, SQLITE_UTF8, &w, alloc_fn,
	    NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(st->db, sql_alloc_write, -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 1, st->run_time, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_DONE)
		rc = store_changes(st) == n ? SQLITE_OK : SQLITE_INTERNAL;
	else if (rc == SQLITE_ROW)
		rc = SQLITE_INTERNAL;
	sqlite3_finalize(s);
	sqlite3_create_function(st->db, "oms_alloc", 3, SQLITE_UTF8, NULL, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : store_fail(st, rc, "writing the allocations");
}

int
store_line_unrouted(struct store *st, const char *order_id, int64_t line_no,
    int64_t allocated, int64_t backordered, const char *reason, const char *at,
    const char *what)
{
	sqlite3_stmt *s = store_sql(st, sql_line_alloc);

	if (s == NULL)
		return -1;
	bind_text(s, 1, order_id);
	bind_int(s, 2, line_no);
	bind_int(s, 3, allocated);
	bind_int(s, 4, backordered);
	bind_text(s, 5, reason);
	bind_text(s, 6, at);
	return store_done(st, s, what);
}

int
store_line_alloc(struct store *st, const char *order_id, int64_t line_no,
    int64_t allocated, int64_t backordered, const char *reason)
{
	return store_line_unrouted(st, order_id, line_no, allocated, backordered, reason,
	    st->run_time, "writing an allocation");
}
