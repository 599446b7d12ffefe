#ifndef OMS_STORE_SOURCING_H
#define OMS_STORE_SOURCING_H
/*
 * store-sourcing: the versions of the sourcing rules and node groups
 * (lib/store-sourcing.c).
 */
#include <stdint.h>

#include "store.h"

/* The latest version (0 when rules and groups were never imported). */
int store_sourcing_version(struct store *st, long *version);

/* A rule as stored; -1 for a number not given; strings valid during the call. */
struct sourcing_rule_row {
	long seq;
	const char *rule_id, *channel, *method, *country, *region, *postal_prefix, *sku,
	    *item_class;
	int64_t value_min, value_max, priority_min, priority_max;	/* -1: none */
	const char *tiers, *exclude_nodes, *exclude_types;
	int64_t max_splits, min_store_value;	/* -1: none */
	int ship_complete;
	const char *safety, *on_short;
};
/* The rules of a version, by seq. */
int store_sourcing_rules(struct store *st, long version,
	int (*fn)(void *ctx, const struct sourcing_rule_row *r), void *ctx);
/* The groups of a version: each member, by group_id and node_id. */
int store_sourcing_groups(struct store *st, long version,
	int (*fn)(void *ctx, const char *group_id, const char *node_id), void *ctx);
/* Every node, by node_id: its type and channel ('' but for a marketplace). */
int store_sourcing_nodes(struct store *st,
	int (*fn)(void *ctx, const char *node_id, const char *type, const char *channel),
	void *ctx);

/* Every item with a class ('' classes left out): sku and item_class. */
int store_sourcing_item_classes(struct store *st,
	int (*fn)(void *ctx, const char *sku, const char *item_class), void *ctx);

#endif
