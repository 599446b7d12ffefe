/*
 * store-sourcing: the versions of the rules and groups.  See
 * store-sourcing.h.
 */
#include <stdlib.h>

#include "store-int.h"
#include "store-sourcing.h"

static const char sql_version[] = "SELECT coalesce(max(version), 0) FROM rule_version";

int
store_sourcing_version(struct store *st, long *version)
{
	sqlite3_stmt *s = store_sql(st, sql_version);
	int64_t v;

	if (s == NULL)
		return -1;
	v = store_int(st, s, "reading the rules' version");
	if (v < 0)
		return -1;
	*version = (long)v;
	return 0;
}

static const char sql_rules[] =
    "SELECT seq, rule_id, channel, method, country, region, postal_prefix, sku, "
    "item_class, coalesce(value_min, -1), coalesce(value_max, -1), "
    "coalesce(priority_min, -1), coalesce(priority_max, -1), tiers, exclude_nodes, "
    "exclude_types, coalesce(max_splits, -1), coalesce(min_store_value, -1), "
    "ship_complete, safety, on_short FROM sourcing_rule WHERE version = ?1 ORDER BY seq";

struct rules_walk {
	int (*fn)(void *ctx, const struct sourcing_rule_row *r);
	void *ctx;
};

static int
rule_row(void *p, const struct store_row *row)
{
	const struct rules_walk *w = p;
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
	r.value_min = store_col_int(row, 9);
	r.value_max = store_col_int(row, 10);
	r.priority_min = store_col_int(row, 11);
	r.priority_max = store_col_int(row, 12);
	r.tiers = store_col_text(row, 13);
	r.exclude_nodes = store_col_text(row, 14);
	r.exclude_types = store_col_text(row, 15);
	r.max_splits = store_col_int(row, 16);
	r.min_store_value = store_col_int(row, 17);
	r.ship_complete = (int)store_col_int(row, 18);
	r.safety = store_col_text(row, 19);
	r.on_short = store_col_text(row, 20);
	return w->fn(w->ctx, &r);
}

int
store_sourcing_rules(struct store *st, long version,
    int (*fn)(void *ctx, const struct sourcing_rule_row *r), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_rules);
	struct rules_walk w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_int(s, 1, version);
	return store_each(st, s, rule_row, &w, "reading the sourcing rules");
}

static const char sql_groups[] =
    "SELECT group_id, node_id FROM node_group WHERE version = ?1 ORDER BY group_id, node_id";

struct groups_walk {
	int (*fn)(void *ctx, const char *group_id, const char *node_id);
	void *ctx;
};

static int
group_row(void *p, const struct store_row *row)
{
	const struct groups_walk *w = p;

	return w->fn(w->ctx, store_col_text(row, 0), store_col_text(row, 1));
}

int
store_sourcing_groups(struct store *st, long version,
    int (*fn)(void *ctx, const char *group_id, const char *node_id), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_groups);
	struct groups_walk w = { fn, ctx };

	if (s == NULL)
		return -1;
	bind_int(s, 1, version);
	return store_each(st, s, group_row, &w, "reading the node groups");
}

static const char sql_item_classes[] =
    "SELECT sku, item_class FROM item WHERE item_class <> '' ORDER BY sku";

int
store_sourcing_item_classes(struct store *st,
    int (*fn)(void *ctx, const char *sku, const char *item_class), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_item_classes);
	struct groups_walk w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, group_row, &w, "reading the item classes");
}

static const char sql_nodes[] = "SELECT node_id, type, channel FROM node ORDER BY node_id";

struct nodes_walk {
	int (*fn)(void *ctx, const char *node_id, const char *type, const char *channel);
	void *ctx;
};

static int
node_row(void *p, const struct store_row *row)
{
	const struct nodes_walk *w = p;

	return w->fn(w->ctx, store_col_text(row, 0), store_col_text(row, 1),
	    store_col_text(row, 2));
}

int
store_sourcing_nodes(struct store *st,
    int (*fn)(void *ctx, const char *node_id, const char *type, const char *channel),
    void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_nodes);
	struct nodes_walk w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, node_row, &w, "reading the nodes");
}

static const char sql_digest[] = "SELECT digest FROM rule_version WHERE version = ?1";

int
store_sourcing_digest(struct store *st, long version, char **digest)
{
	sqlite3_stmt *s = store_sql(st, sql_digest);

	*digest = NULL;
	if (s == NULL)
		return -1;
	bind_int(s, 1, version);
	return store_text(st, s, digest, "reading the rules' digest") < 0 ? -1 : 0;
}

static const char sql_version_new[] =
    "INSERT INTO rule_version (version, made_at, run_id, digest) "
    "VALUES ((SELECT coalesce(max(version), 0) + 1 FROM rule_version), ?1, ?2, ?3) "
    "RETURNING version";

int
store_sourcing_version_new(struct store *st, const char *digest, long *version)
{
	sqlite3_stmt *s = store_sql(st, sql_version_new);
	int64_t v;

	if (s == NULL)
		return -1;
	bind_text(s, 1, store_run_time(st));
	if (store_run_id(st) > 0)
		bind_int(s, 2, store_run_id(st));
	bind_text(s, 3, digest);
	v = store_int(st, s, "making a version of the rules");
	if (v <= 0)
		return -1;
	*version = (long)v;
	return 0;
}

static const char sql_group_put[] =
    "INSERT INTO node_group (version, group_id, node_id) VALUES (?1, ?2, ?3)";

int
store_sourcing_group_put(struct store *st, long version, const char *group_id,
    const char *node_id)
{
	sqlite3_stmt *s = store_sql(st, sql_group_put);

	if (s == NULL)
		return -1;
	bind_int(s, 1, version);
	bind_text(s, 2, group_id);
	bind_text(s, 3, node_id);
	return store_done(st, s, "writing a node group");
}

static const char sql_rule_put[] =
    "INSERT INTO sourcing_rule (version, seq, rule_id, channel, method, country, region, "
    "postal_prefix, sku, item_class, value_min, value_max, priority_min, priority_max, "
    "tiers, exclude_nodes, exclude_types, max_splits, ship_complete, min_store_value, "
    "safety, on_short) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
    "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)";

static void
bind_opt(sqlite3_stmt *s, int i, int64_t v)
{
	if (v >= 0)
		bind_int(s, i, v);
}

int
store_sourcing_rule_put(struct store *st, long version, const struct sourcing_rule_row *r)
{
	sqlite3_stmt *s = store_sql(st, sql_rule_put);

	if (s == NULL)
		return -1;
	bind_int(s, 1, version);
	bind_int(s, 2, r->seq);
	bind_text(s, 3, r->rule_id);
	bind_text(s, 4, r->channel);
	bind_text(s, 5, r->method);
	bind_text(s, 6, r->country);
	bind_text(s, 7, r->region);
	bind_text(s, 8, r->postal_prefix);
	bind_text(s, 9, r->sku);
	bind_text(s, 10, r->item_class);
	bind_opt(s, 11, r->value_min);
	bind_opt(s, 12, r->value_max);
	bind_opt(s, 13, r->priority_min);
	bind_opt(s, 14, r->priority_max);
	bind_text(s, 15, r->tiers);
	bind_text(s, 16, r->exclude_nodes);
	bind_text(s, 17, r->exclude_types);
	bind_opt(s, 18, r->max_splits);
	bind_int(s, 19, r->ship_complete);
	bind_opt(s, 20, r->min_store_value);
	bind_text(s, 21, r->safety);
	bind_text(s, 22, r->on_short);
	return store_done(st, s, "writing a sourcing rule");
}
