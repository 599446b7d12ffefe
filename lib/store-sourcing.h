#ifndef OMS_STORE_SOURCING_H
#define OMS_STORE_SOURCING_H
/*
 * store-sourcing: the versions of the sourcing rules and node groups
 * (share/schema/015-sourcing.sql), every statement about rule_version,
 * node_group and sourcing_rule: the writes of oms-import groups and rules,
 * and the reads of lib/sourcing.c and oms-report rules and groups.
 */
#include <stdint.h>

#include "store.h"

/* The latest version (0 when rules and groups were never imported). */
int store_sourcing_version(struct store *st, long *version);

/*
 * A rule of a version as stored.  Text fields are never NULL ('': any,
 * or none); numbers are -1 when not set.
 */
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

/* The rules of version, by seq; strings valid during the call. */
int store_sourcing_rules(struct store *st, long version,
	int (*fn)(void *ctx, const struct sourcing_rule_row *r), void *ctx);
/* The groups of version, by group_id then node_id. */
int store_sourcing_groups(struct store *st, long version,
	int (*fn)(void *ctx, const char *group_id, const char *node_id), void *ctx);
/* Every node, by node_id, with its type and channel ('' but for a marketplace). */
int store_sourcing_nodes(struct store *st,
	int (*fn)(void *ctx, const char *node_id, const char *type, const char *channel),
	void *ctx);

/* Every item with a class ('' classes left out): sku and item_class, by sku. */
int store_sourcing_item_classes(struct store *st,
	int (*fn)(void *ctx, const char *sku, const char *item_class), void *ctx);

/* The digest of version (NULL when there is none): malloc'd, the caller frees. */
int store_sourcing_digest(struct store *st, long version, char **digest);
/*
 * A new version, made now by this run with digest: its number in
 * *version.  Then its groups and rules, written by the two below.
 */
int store_sourcing_version_new(struct store *st, const char *digest, long *version);
int store_sourcing_group_put(struct store *st, long version, const char *group_id,
	const char *node_id);
int store_sourcing_rule_put(struct store *st, long version, const struct sourcing_rule_row *r);

#endif
