/*
 * oms-report rules and groups: a version of the sourcing rules and node
 * groups (the latest, or --version N) as imported (oms-formats(5),
 * "Sourcing rules" and "Node groups").
 */
#include <stdio.h>

#include "diag.h"
#include "parse.h"
#include "report-int.h"
#include "store-sourcing.h"

static const struct outcol rule_cols[] = {
	{ "version", COL_NUM }, { "seq", COL_NUM }, { "rule_id", COL_TEXT },
	{ "channel", COL_TEXT }, { "method", COL_TEXT }, { "country", COL_TEXT },
	{ "region", COL_TEXT }, { "postal_prefix", COL_TEXT }, { "sku", COL_TEXT },
	{ "item_class", COL_TEXT }, { "value_min", COL_NUM }, { "value_max", COL_NUM },
	{ "priority", COL_TEXT }, { "tiers", COL_TEXT }, { "exclude_nodes", COL_TEXT },
	{ "exclude_types", COL_TEXT }, { "max_splits", COL_NUM },
	{ "ship_complete", COL_NUM }, { "min_store_value", COL_NUM }, { "safety", COL_TEXT },
	{ "on_short", COL_TEXT },
};
#define RULE_NCOLS (int)(sizeof rule_cols / sizeof *rule_cols)

static const struct outcol group_cols[] = {
	{ "version", COL_NUM }, { "group_id", COL_TEXT }, { "node_id", COL_TEXT },
};

struct version_ctx {
	struct view_ctx *c;
	long version;
};

/*
 * The version to show: --version N when it exists, else the latest (0:
 * none, an empty table).  0, -1, or 64 after a diagnostic (no such version).
 */
static int
which_version(struct view_ctx *c, long *version)
{
	long latest;

	if (store_sourcing_version(c->st, &latest) != 0)
		return -1;
	*version = latest;
	if (c->o->rules_version > 0) {
		if (c->o->rules_version > latest) {
			diag_error("no version %ld of the rules and groups (the latest is %ld)",
			    c->o->rules_version, latest);
			return EX_USAGE;
		}
		*version = c->o->rules_version;
	}
	return 0;
}

/* An optional number: NULL for none (-1). */
static const char *
opt_int(char *buf, int64_t v)
{
	return v >= 0 ? int_text(buf, v) : NULL;
}

static const char *
opt_money(char *buf, int64_t cents)
{
	if (cents < 0)
		return NULL;
	money_format(cents, buf);
	return buf;
}

static int
rule_row(void *p, const struct sourcing_rule_row *r)
{
	const struct version_ctx *x = p;
	char version[24], seq[24], vmin[32], vmax[32], prio[48], splits[24], complete[24],
	    minstore[32];
	const char *out[RULE_NCOLS];

	prio[0] = '\0';
	if (r->priority_min >= 0 && r->priority_max > r->priority_min)
		snprintf(prio, sizeof prio, "%lld-%lld", (long long)r->priority_min,
		    (long long)r->priority_max);
	else if (r->priority_min >= 0)
		snprintf(prio, sizeof prio, "%lld", (long long)r->priority_min);
	out[0] = int_text(version, x->version);
	out[1] = int_text(seq, r->seq);
	out[2] = r->rule_id;
	out[3] = r->channel;
	out[4] = r->method;
	out[5] = r->country;
	out[6] = r->region;
	out[7] = r->postal_prefix;
	out[8] = r->sku;
	out[9] = r->item_class;
	out[10] = opt_money(vmin, r->value_min);
	out[11] = opt_money(vmax, r->value_max);
	out[12] = prio;
	out[13] = r->tiers;
	out[14] = r->exclude_nodes;
	out[15] = r->exclude_types;
	out[16] = opt_int(splits, r->max_splits);
	out[17] = int_text(complete, r->ship_complete);
	out[18] = opt_money(minstore, r->min_store_value);
	out[19] = r->safety;
	out[20] = r->on_short;
	row(x->c, out);
	return 0;
}

int
report_rules(struct view_ctx *c, const struct view_filter *f)
{
	struct version_ctx x = { c, 0 };
	int r;

	c->cols = rule_cols;
	c->ncols = RULE_NCOLS;
	if ((r = which_version(c, &x.version)) != 0)
		return r;
	if (x.version == 0)
		return 0;
	return store_sourcing_rules(c->st, x.version, rule_row, &x);
}

static int
group_row(void *p, const char *group_id, const char *node_id)
{
	const struct version_ctx *x = p;
	char version[24];
	const char *out[3] = { int_text(version, x->version), group_id, node_id };

	row(x->c, out);
	return 0;
}

int
report_groups(struct view_ctx *c, const struct view_filter *f)
{
	struct version_ctx x = { c, 0 };
	int r;

	c->cols = group_cols;
	c->ncols = 3;
	if ((r = which_version(c, &x.version)) != 0)
		return r;
	if (x.version == 0)
		return 0;
	return store_sourcing_groups(c->st, x.version, group_row, &x);
}
