/*
 * store-sourcing: the versions of the sourcing rules and node groups
 * (store-sourcing.h).
 */
#include <sqlite3.h>

#include "store-int.h"
#include "store-sourcing.h"

int
store_sourcing_version(struct store *st, long *version)
{
	sqlite3_stmt *s = store_sql(st, "SELECT coalesce(max(version), 0) FROM rule_version");
	int64_t v;

	if (s == NULL || (v = store_int(st, s, "reading the rules' version")) < 0)
		return -1;
	*version = (long)v;
	return 0;
}

struct rule_rows {
	int (*fn)(void *ctx, const struct sourcing_rule_row *r);
	void *ctx;
};

static int64_t
or_none(const struct store_row *row, int i)
{
	return store_col_null(row, i) ? -1 : store_col_int(row, i);
}

static int
rule_row(void *p, const struct store_row *row)
{
	const struct rule_rows *w = p;
	struct sourcing_rule_row r;

	r.seq = (long)store_col_int(row, 0);
	r.rule_id = store_col_text(row, 1);
	r.channel = store_col_text(row, 2);
	r.method = store_col_text(row, 3);
	r.country = store_col_text(row, 4);
	r.region = store_col_text(row, 5);
	r.postal_prefix = store_col_text(row, 6);
	r.sku = store_col_text(row, 7);
	r.item_class = store_col_text(row, 8);
	r.value_min = or_none(row, 9);
	r.value_max = or_none(row, 10);
	r.priority_min = or_none(row, 11);
	r.priority_max = or_none(row, 12);
	r.tiers = store_col_text(row, 13);
	r.exclude_nodes = store_col_text(row, 14);
	r.exclude_types = store_col_text(row, 15);
	r.max_splits = or_none(row, 16);
	r.ship_complete = (int)store_col_int(row, 17);
	r.min_store_value = or_none(row, 18);
	r.safety = store_col_text(row, 19);
	r.on_short = store_col_text(row, 20);
	return w->fn(w->ctx, &r);
}

int
store_sourcing_rules(struct store *st, long version,
    int (*fn)(void *ctx, const struct sourcing_rule_row *r), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, "SELECT seq, rule_id, channel, method, country, "
	    "region, postal_prefix, sku, item_class, value_min, value_max, priority_min, "
	    "priority_max, tiers, exclude_nodes, exclude_types, max_splits, ship_complete, "
	    "min_store_value, safety, on_short FROM sourcing_rule WHERE version = ?1 "
	    "ORDER BY seq");
	struct rule_rows w = { fn, ctx };

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, version);
	return store_each(st, s, rule_row, &w, "reading the sourcing rules");
}

struct pair_rows {
	int (*fn)(void *ctx, const char *a, const char *b);
	void *ctx;
};

static int
pair_row(void *p, const struct store_row *row)
{
	const struct pair_rows *w = p;

	return w->fn(w->ctx, store_col_text(row, 0), store_col_text(row, 1));
}

int
store_sourcing_groups(struct store *st, long version,
    int (*fn)(void *ctx, const char *group_id, const char *node_id), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, "SELECT group_id, node_id FROM node_group "
	    "WHERE version = ?1 ORDER BY group_id, node_id");
	struct pair_rows w = { fn, ctx };

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, version);
	return store_each(st, s, pair_row, &w, "reading the node groups");
}

struct node_rows {
	int (*fn)(void *ctx, const char *node_id, const char *type, const char *channel);
	void *ctx;
};

static int
node_row(void *p, const struct store_row *row)
{
	const struct node_rows *w = p;

	return w->fn(w->ctx, store_col_text(row, 0), store_col_text(row, 1),
	    store_col_text(row, 2));
}

int
store_sourcing_nodes(struct store *st,
    int (*fn)(void *ctx, const char *node_id, const char *type, const char *channel),
    void *ctx)
{
	sqlite3_stmt *s = store_sql(st, "SELECT node_id, type, channel FROM node ORDER BY node_id");
	struct node_rows w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, node_row, &w, "reading the nodes");
}

int
store_sourcing_item_classes(struct store *st,
    int (*fn)(void *ctx, const char *sku, const char *item_class), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, "SELECT sku, item_class FROM item "
	    "WHERE item_class <> '' ORDER BY sku");
	struct pair_rows w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, pair_row, &w, "reading the item classes");
}
