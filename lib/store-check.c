/*
 * store-check: the foreign keys and the orders without lines, for
 * oms-report check, in time linear in the store.
 *
 * SQLite's foreign_key_check looks every parent up at random: 8 s on the
 * 1M-line benchmark store.  Here the large tables are checked by merging
 * two streams read in the same key order (the child's rows by the
 * foreign key, from an index, against the parent's keys) and the small
 * parents (nodes, items) by a set in memory; the other tables by
 * foreign_key_check itself, one table at a time.  Only when something is
 * found does the caller run the full foreign_key_check, whose rows it
 * reports as they always were.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store-int.h"

/* Tables checked here, and how many foreign key columns each has now. */
static const struct {
	const char *table;
	int fk_columns;
} fast[] = {
	{ "order_line", 3 }, { "line_node", 3 }, { "release", 2 },
	{ "release_line", 3 }, { "confirmation", 2 },
};
#define NFAST (sizeof fast / sizeof *fast)

static const char sql_tables[] =
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
    "ORDER BY name";
static const char sql_fk_columns[] = "SELECT count(*) FROM pragma_foreign_key_list(?1)";
static const char sql_fk_any[] = "SELECT count(*) FROM (SELECT 1 FROM "
    "pragma_foreign_key_check(?1) LIMIT 1)";
static const char sql_nodes[] = "SELECT node_id FROM node";
static const char sql_items[] = "SELECT sku FROM item";

/* Each pair: a child's foreign key in key order, its parent's keys in the same order. */
static const char sql_lines[] =
    "SELECT order_id, line_no, sku, pickup_node FROM order_line ORDER BY order_id, line_no";
static const char sql_orders[] = "SELECT order_id FROM orders ORDER BY order_id";
static const char sql_line_nodes[] =
    "SELECT order_id, line_no, node_id FROM line_node ORDER BY order_id, line_no";
static const char sql_line_keys[] =
    "SELECT order_id, line_no FROM order_line ORDER BY order_id, line_no";
/* both from an index that has the column: no lookup of the row */
static const char sql_release_orders[] =
    "SELECT order_id FROM release INDEXED BY release_by_order ORDER BY order_id";
static const char sql_release_nodes[] =
    "SELECT node_id FROM release INDEXED BY release_by_node_day";
static const char sql_release_line_releases[] =
    "SELECT release_id FROM release_line ORDER BY release_id";
static const char sql_release_keys[] = "SELECT release_id FROM release ORDER BY release_id";
static const char sql_release_line_lines[] =
    "SELECT order_id, line_no FROM release_line INDEXED BY release_line_by_line "
    "ORDER BY order_id, line_no";
static const char sql_confirmation_lines[] =
    "SELECT release_id, line_no FROM confirmation INDEXED BY confirmation_by_release "
    "ORDER BY release_id, line_no";
static const char sql_release_line_keys[] =
    "SELECT release_id, line_no FROM release_line ORDER BY release_id, line_no";

static int
cur_open(struct store *st, struct store_cur *c, const char *sql, int two)
{
	c->two = two;
	c->row = 0;
	return (c->s = store_sql(st, sql)) == NULL ? -1 : 0;
}

static int
cur_next(struct store *st, struct store_cur *c)
{
	return store_cur_next(st, c, "checking the foreign keys");
}

/* Key order; a NULL never matches and is skipped by the caller. */
static int
cmp(const struct store_cur *a, const struct store_cur *b)
{
	int r = strcmp(a->k, b->k);

	if (r != 0 || !a->two)
		return r;
	return a->n < b->n ? -1 : a->n > b->n;
}

/*
 * Advance parent p to child c's key: 1 when it is there, 0 when not,
 * -1 error.  Both come in key order.
 */
static int
seek(struct store *st, struct store_cur *p, const struct store_cur *c)
{
	int r = 1;

	while (p->row && (r = cmp(p, c)) < 0)
		if (cur_next(st, p) != 0)
			return -1;
	return p->row && r == 0;
}

/* Rows of child whose key is not in parent: *missing counts them. */
static int
merge(struct store *st, const char *child, const char *parent, int two, int64_t *missing)
{
	struct store_cur c, p;
	int ret = -1, r;

	if (cur_open(st, &c, child, two) != 0 || cur_open(st, &p, parent, two) != 0)
		return -1;
	if (cur_next(st, &c) != 0 || cur_next(st, &p) != 0)
		goto out;
	while (c.row) {
		if (c.k != NULL && (!two || sqlite3_column_type(c.s, 1) != SQLITE_NULL)) {
			if ((r = seek(st, &p, &c)) < 0)
				goto out;
			*missing += r == 0;
		}
		if (cur_next(st, &c) != 0)
			goto out;
	}
	ret = 0;
out:
	sqlite3_reset(c.s);
	sqlite3_reset(p.s);
	return ret;
}

static int
load_set(struct store *st, const char *sql, struct strmap *set)
{
	sqlite3_stmt *s = store_sql(st, sql);
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (sqlite3_column_type(s, 0) != SQLITE_NULL)
			strmap_put(set, (const char *)sqlite3_column_text(s, 0), NULL);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "checking the foreign keys");
}

/* A text foreign key to a set: 1 when it is missing (NULL never is). */
static int
not_in(const struct strmap *set, sqlite3_stmt *s, int col)
{
	return sqlite3_column_type(s, col) != SQLITE_NULL &&
	    !strmap_get(set, (const char *)sqlite3_column_text(s, col), NULL);
}

/*
 * order_line against orders, items and nodes, and orders against
 * order_line (the orders without lines, handed to fn); line_node
 * against order_line and nodes.
 */
static int
check_lines(struct store *st, const struct strmap *nodes, const struct strmap *items,
    int (*fn)(void *, const char *), void *ctx, int64_t *missing)
{
	struct store_cur l, o, n, k;
	int ret = -1, r, lined = 0;

	if (cur_open(st, &l, sql_lines, 1) != 0 || cur_open(st, &o, sql_orders, 0) != 0)
		return -1;
	if (cur_next(st, &l) != 0 || cur_next(st, &o) != 0)
		goto out;
	/* l and o both by order_id: an order passed with no line has none */
	while (l.row || o.row) {
		r = !l.row ? -1 : !o.row ? 1 : strcmp(o.k, l.k);
		if (r < 0) {
			if (!lined && fn(ctx, o.k) != 0)
				goto out;
			lined = 0;
			if (cur_next(st, &o) != 0)
				goto out;
			continue;
		}
		if (r > 0)
			(*missing)++;	/* a line of no order */
		else
			lined = 1;
		*missing += not_in(items, l.s, 2) + not_in(nodes, l.s, 3);
		if (cur_next(st, &l) != 0)
			goto out;
	}
	sqlite3_reset(l.s);
	sqlite3_reset(o.s);
	if (cur_open(st, &n, sql_line_nodes, 1) != 0 || cur_open(st, &k, sql_line_keys, 1) != 0)
		return -1;
	if (cur_next(st, &n) != 0 || cur_next(st, &k) != 0)
		goto out2;
	while (n.row) {
		if ((r = seek(st, &k, &n)) < 0)
			goto out2;
		*missing += (r == 0) + not_in(nodes, n.s, 2);
		if (cur_next(st, &n) != 0)
			goto out2;
	}
	ret = 0;
out2:
	sqlite3_reset(n.s);
	sqlite3_reset(k.s);
	return ret;
out:
	sqlite3_reset(l.s);
	sqlite3_reset(o.s);
	return -1;
}

/* release against orders (from release_by_order) and nodes (release_by_node_day). */
static int
check_releases(struct store *st, const struct strmap *nodes, int64_t *missing)
{
	sqlite3_stmt *s;
	int rc;

	if (merge(st, sql_release_orders, sql_orders, 0, missing) != 0)
		return -1;
	if ((s = store_sql(st, sql_release_nodes)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*missing += not_in(nodes, s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "checking the foreign keys");
}

int
store_check_keys(struct store *st, int (*fn)(void *ctx, const char *order_id), void *ctx,
    int64_t *suspect)
{
	struct strmap nodes = { 0 }, items = { 0 };
	sqlite3_stmt *s, *q;
	int ret = -1, rc, ok[NFAST], failed = 0;
	int64_t v;
	size_t i;

	*suspect = 0;
	/* a fast table whose keys changed is left to foreign_key_check */
	for (i = 0; i < NFAST; i++) {
		if ((q = store_sql(st, sql_fk_columns)) == NULL)
			return -1;
		bind_text(q, 1, fast[i].table);
		if ((v = store_int(st, q, "checking the foreign keys")) < 0)
			return -1;
		ok[i] = v == fast[i].fk_columns;
	}
	if (load_set(st, sql_nodes, &nodes) != 0 || load_set(st, sql_items, &items) != 0)
		goto out;
	if (!ok[0] || !ok[1]) {
		/* the orders without lines are still this function's to find */
		ok[0] = ok[1] = 0;
	}
	if (check_lines(st, &nodes, &items, fn, ctx, suspect) != 0 ||
	    (ok[2] && check_releases(st, &nodes, suspect) != 0) ||
	    (ok[3] && merge(st, sql_release_line_releases, sql_release_keys, 0, suspect) != 0) ||
	    (ok[3] && merge(st, sql_release_line_lines, sql_line_keys, 1, suspect) != 0) ||
	    (ok[4] && merge(st, sql_confirmation_lines, sql_release_line_keys, 1, suspect) != 0))
		goto out;
	/* every other table, and a fast one whose keys changed, by SQLite */
	if ((s = store_sql(st, sql_tables)) == NULL)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, 0);
		int skip = 0;

		for (i = 0; i < NFAST; i++)
			if (strcmp(t, fast[i].table) == 0)
				skip = ok[i];
		if (skip)
			continue;
		if ((q = store_sql(st, sql_fk_any)) == NULL) {
			failed = 1;
			break;
		}
		bind_text(q, 1, t);
		if ((v = store_int(st, q, "checking the foreign keys")) < 0) {
			failed = 1;
			break;
		}
		*suspect += v;
	}
	sqlite3_reset(s);
	if (failed)
		goto out;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(st, rc, "checking the foreign keys");
		goto out;
	}
	ret = 0;
out:
	strmap_release(&nodes, NULL);
	strmap_release(&items, NULL);
	return ret;
}
