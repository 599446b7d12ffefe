/*
 * import-rules: oms-import groups and rules (oms-formats(5), "Node
 * groups" and "Sourcing rules").  Every import that changes them makes a
 * new version holding all the groups and all the rules (store-sourcing.h);
 * an import that changes nothing makes none.  A groups file replaces each
 * group it names whole; a rules file is the whole rule set, in order, and
 * any bad row refuses it whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "import-int.h"
#include "jsonw.h"
#include "parse.h"
#include "store-sourcing.h"

enum { G_GROUP, G_NODE, G_N };
const struct colspec group_cols[] = {
	{ "group_id", 1 }, { "node_id", 1 },
};

enum { S_RULE, S_CHANNEL, S_METHOD, S_COUNTRY, S_REGION, S_POSTAL, S_SKU, S_CLASS,
	S_VMIN, S_VMAX, S_PRIORITY, S_TIERS, S_XNODES, S_XTYPES, S_SPLITS, S_COMPLETE,
	S_MINSTORE, S_SAFETY, S_SHORT, S_N };
const struct colspec rule_cols[] = {
	{ "rule_id", 1 }, { "channel", 0 }, { "method", 0 }, { "country", 0 },
	{ "region", 0 }, { "postal_prefix", 0 }, { "sku", 0 }, { "item_class", 0 },
	{ "value_min", 0 }, { "value_max", 0 }, { "priority", 0 }, { "tiers", 0 },
	{ "exclude_nodes", 0 }, { "exclude_types", 0 }, { "max_splits", 0 },
	{ "ship_complete", 0 }, { "min_store_value", 0 }, { "safety", 0 }, { "on_short", 0 },
};
const int group_ncols = G_N, rule_ncols = S_N;

static const char *const methods[] = { "ship", "pickup", "curbside", "locker" };
static const char *const node_types[] = {
	"warehouse", "store", "dark_store", "3pl", "vendor", "locker", "marketplace"
};
static const char *const shorts[] = { "backorder", "supply", "hold" };

struct pair {
	char *group_id, *node_id;
	int named;		/* a groups import: the file names its group */
};

/* What a groups or rules import builds: the new version, whole. */
struct sourcing_import {
	long latest;		/* the version before the run (0: none) */
	struct pair *groups;	/* the latest version's, then the file's */
	int ngroups, capgroups;
	struct strmap named;	/* groups: the groups the file names */
	struct sourcing_rule_row *rules;	/* strings malloc'd */
	int nrules, caprules;
	int file_rules;		/* rules: the rules are the file's */
	struct strmap rule_lines;	/* rules: rule_id -> its line */
};

static char *
dup0(const char *s)
{
	return xstrdup(s != NULL ? s : "");
}

static void
pair_add(struct sourcing_import *x, const char *group_id, const char *node_id)
{
	if (x->ngroups == x->capgroups) {
		x->capgroups = x->capgroups ? 2 * x->capgroups : 32;
		x->groups = xrealloc(x->groups, (size_t)x->capgroups * sizeof *x->groups);
	}
	x->groups[x->ngroups].group_id = xstrdup(group_id);
	x->groups[x->ngroups].node_id = xstrdup(node_id);
	x->groups[x->ngroups].named = 0;
	x->ngroups++;
}

static int
group_loaded(void *ctx, const char *group_id, const char *node_id)
{
	pair_add(ctx, group_id, node_id);
	return 0;
}

/* A copy of r, its strings the copy's own. */
static void
rule_add(struct sourcing_import *x, const struct sourcing_rule_row *r)
{
	struct sourcing_rule_row *c;

	if (x->nrules == x->caprules) {
		x->caprules = x->caprules ? 2 * x->caprules : 16;
		x->rules = xrealloc(x->rules, (size_t)x->caprules * sizeof *x->rules);
	}
	c = &x->rules[x->nrules++];
	*c = *r;
	c->seq = x->nrules;
	c->rule_id = dup0(r->rule_id);
	c->channel = dup0(r->channel);
	c->method = dup0(r->method);
	c->country = dup0(r->country);
	c->region = dup0(r->region);
	c->postal_prefix = dup0(r->postal_prefix);
	c->sku = dup0(r->sku);
	c->item_class = dup0(r->item_class);
	c->tiers = dup0(r->tiers);
	c->exclude_nodes = dup0(r->exclude_nodes);
	c->exclude_types = dup0(r->exclude_types);
	c->safety = dup0(r->safety);
	c->on_short = dup0(r->on_short);
}

static int
rule_loaded(void *ctx, const struct sourcing_rule_row *r)
{
	rule_add(ctx, r);
	return 0;
}

static void
rule_free(struct sourcing_rule_row *r)
{
	free((char *)r->rule_id);
	free((char *)r->channel);
	free((char *)r->method);
	free((char *)r->country);
	free((char *)r->region);
	free((char *)r->postal_prefix);
	free((char *)r->sku);
	free((char *)r->item_class);
	free((char *)r->tiers);
	free((char *)r->exclude_nodes);
	free((char *)r->exclude_types);
	free((char *)r->safety);
	free((char *)r->on_short);
}

int
rules_start(struct importer *im)
{
	struct sourcing_import *x = xcalloc(1, sizeof *x);

	im->src = x;
	if (store_load_nodes(im->st, &im->nodes) != 0 ||
	    store_sourcing_version(im->st, &x->latest) != 0 ||
	    store_sourcing_groups(im->st, x->latest, group_loaded, x) != 0)
		return store_failed(im);
	/* a rules import: the file is the rule set */
	x->file_rules = im->o->kind == KIND_RULES;
	if (!x->file_rules && store_sourcing_rules(im->st, x->latest, rule_loaded, x) != 0)
		return store_failed(im);
	return 0;
}

void
rules_end(struct importer *im)
{
	struct sourcing_import *x = im->src;
	int i;

	if (x == NULL)
		return;
	for (i = 0; i < x->ngroups; i++) {
		free(x->groups[i].group_id);
		free(x->groups[i].node_id);
	}
	free(x->groups);
	for (i = 0; i < x->nrules; i++)
		rule_free(&x->rules[i]);
	free(x->rules);
	strmap_release(&x->named, NULL);
	strmap_release(&x->rule_lines, free);
	free(x);
	im->src = NULL;
}

/* --- groups ----------------------------------------------------------- */

/* A group's id: a key without the characters rules use to name groups. */
static int
group_id_ok(struct importer *im, const char *id)
{
	if (id != NULL && strpbrk(id, "|>=") != NULL)
		return rows_bad(&im->rows, "group_id \"%s\" must not hold '|', '>' or '='",
		    quote_value(id));
	return 0;
}

int
row_group(struct importer *im, const struct record *r)
{
	struct sourcing_import *x = im->src;
	const char *group_id, *node_id;
	int ret = 0, s = 0;

	f_key(im, r, G_GROUP, &group_id);
	group_id_ok(im, group_id);
	f_key(im, r, G_NODE, &node_id);
	node_ref(im, G_NODE, node_id);
	if (im->rows.err.len == 0)
		s = seen(im, 'G', "group_id", group_id, "node_id", node_id,
		    digest(r->val, 0, G_N), r->line);
	if (im->status || rejected(im, r, &ret))
		return im->status ? -1 : ret;
	if (im->rows.failed || s == 1)
		return 0;
	strmap_put(&x->named, group_id, NULL);
	pair_add(x, group_id, node_id);
	x->groups[x->ngroups - 1].named = 1;
	return 0;
}

/* --- rules ------------------------------------------------------------ */

/*
 * Split v at sep into its parts, each checked by ok (NULL: none), which
 * notes a problem and returns -1.  An empty part is a problem.
 */
static int
each_part(struct importer *im, int c, const char *v, int sep,
    int (*ok)(struct importer *, int, const char *, void *), void *arg)
{
	char *copy = xstrdup(v), *p = copy, *end;
	int ret = 0;

	for (;;) {
		end = strchr(p, sep);
		if (end != NULL)
			*end = '\0';
		if (*p == '\0') {
			ret = rows_bad(&im->rows, "%s \"%s\" has an empty part", NAME(c),
			    quote_value(v));
			break;
		}
		if (ok != NULL && ok(im, c, p, arg) != 0) {
			ret = -1;
			break;
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	free(copy);
	return ret;
}

/* A matcher: '' for any, else alternatives separated by '|'. */
static int
f_alternatives(struct importer *im, const struct record *r, int c,
    int (*ok)(struct importer *, int, const char *, void *), void *arg, const char **out)
{
	*out = r->val[c];
	if (rows_plain(&im->rows, NAME(c), r->val[c], ROWS_MAX_TEXT) != 0)
		return -1;
	if (r->val[c][0] == '\0')
		return 0;
	return each_part(im, c, r->val[c], '|', ok, arg);
}

/* A word of tab (arg: the struct words naming it). */
struct words {
	const char *const *tab;
	int n;
	const char *list;
};

static int
word_ok(struct importer *im, int c, const char *p, void *arg)
{
	const struct words *w = arg;

	if (parse_word(p, w->tab, w->n) < 0)
		return rows_bad(&im->rows, "%s must be among %s, got \"%s\"", NAME(c), w->list,
		    quote_value(p));
	return 0;
}

static int
node_ok(struct importer *im, int c, const char *p, void *arg)
{
	void *v;

	if (!strmap_get(&im->nodes, p, &v))
		return rows_bad(&im->rows, "%s: \"%s\" is not a known node (import nodes "
		    "first)", NAME(c), quote_value(p));
	return 0;
}

static int
group_ok(struct importer *im, int c, const char *p, void *arg)
{
	const struct sourcing_import *x = im->src;
	int i;

	for (i = 0; i < x->ngroups; i++)
		if (strcmp(x->groups[i].group_id, p) == 0)
			return 0;
	return rows_bad(&im->rows, "%s: \"%s\" is not a known group (import groups first)",
	    NAME(c), quote_value(p));
}

static int
tier_ok(struct importer *im, int c, const char *p, void *arg)
{
	return each_part(im, c, p, '|', group_ok, arg);
}

/* In safety, "group=units": the group among the rule's tiers' groups. */
static int
safety_ok(struct importer *im, int c, const char *p, void *arg)
{
	const char *tiers = arg, *eq = strchr(p, '='), *t;
	int64_t units;
	size_t n;

	if (eq == NULL || eq == p)
		return rows_bad(&im->rows, "%s must be group=units separated by '|', got \"%s\"",
		    NAME(c), quote_value(p));
	n = (size_t)(eq - p);
	for (t = tiers; *t != '\0'; t += strcspn(t, "|>"), t += *t != '\0') {
		if (strcspn(t, "|>") == n && strncmp(t, p, n) == 0)
			break;
	}
	if (*t == '\0')
		return rows_bad(&im->rows, "%s: group \"%.*s\" is not among the rule's tiers",
		    NAME(c), (int)n, p);
	if (parse_int(eq + 1, 0, MAX_STOCK, &units) != 0)
		return rows_bad(&im->rows, "%s: units for \"%.*s\" must be a non-negative "
		    "integer, got \"%s\"", NAME(c), (int)n, p, quote_value(eq + 1));
	return 0;
}

/* priority: "N" or "N-M", 1 <= N <= M. */
static int
f_priority(struct importer *im, const struct record *r, int c, int64_t *min, int64_t *max)
{
	const char *v = r->val[c], *dash;
	char lo[32];

	*min = *max = -1;
	if (v[0] == '\0')
		return 0;
	dash = strchr(v, '-');
	if (dash == NULL) {
		if (parse_int(v, 1, MAX_QTY, min) == 0) {
			*max = *min;
			return 0;
		}
	} else if ((size_t)(dash - v) < sizeof lo) {
		memcpy(lo, v, (size_t)(dash - v));
		lo[dash - v] = '\0';
		if (parse_int(lo, 1, MAX_QTY, min) == 0 && parse_int(dash + 1, 1, MAX_QTY, max) == 0
		    && *min <= *max)
			return 0;
	}
	*min = *max = -1;
	return rows_bad(&im->rows, "%s must be N or N-M with 1 <= N <= M, got \"%s\"", NAME(c),
	    quote_value(v));
}

int
row_rule(struct importer *im, const struct record *r)
{
	static const struct words method_words = { methods, 4, "ship, pickup, curbside, locker" };
	static const struct words type_words = { node_types, 7,
	    "warehouse, store, dark_store, 3pl, vendor, locker, marketplace" };
	struct sourcing_import *x = im->src;
	struct sourcing_rule_row s;
	char vmin[32], vmax[32];
	void *first;
	int i;

	memset(&s, 0, sizeof s);
	f_key(im, r, S_RULE, &s.rule_id);
	if (s.rule_id != NULL && strmap_get(&x->rule_lines, s.rule_id, &first))
		rows_bad(&im->rows, "rule_id \"%s\" is already on line %ld",
		    quote_value(s.rule_id), *(long *)first);
	f_alternatives(im, r, S_CHANNEL, NULL, NULL, &s.channel);
	f_alternatives(im, r, S_METHOD, word_ok, (void *)&method_words, &s.method);
	f_alternatives(im, r, S_COUNTRY, NULL, NULL, &s.country);
	f_alternatives(im, r, S_REGION, NULL, NULL, &s.region);
	f_alternatives(im, r, S_POSTAL, NULL, NULL, &s.postal_prefix);
	f_alternatives(im, r, S_SKU, NULL, NULL, &s.sku);
	f_alternatives(im, r, S_CLASS, NULL, NULL, &s.item_class);
	f_money(im, r, S_VMIN, -1, &s.value_min);
	f_money(im, r, S_VMAX, -1, &s.value_max);
	if (s.value_min >= 0 && s.value_max >= 0 && s.value_min > s.value_max) {
		money_format(s.value_min, vmin);
		money_format(s.value_max, vmax);
		rows_bad(&im->rows, "value_min %s is above value_max %s", vmin, vmax);
	}
	f_priority(im, r, S_PRIORITY, &s.priority_min, &s.priority_max);
	s.tiers = r->val[S_TIERS];
	if (rows_plain(&im->rows, NAME(S_TIERS), s.tiers, ROWS_MAX_TEXT) == 0 && s.tiers[0])
		each_part(im, S_TIERS, s.tiers, '>', tier_ok, NULL);
	f_alternatives(im, r, S_XNODES, node_ok, NULL, &s.exclude_nodes);
	f_alternatives(im, r, S_XTYPES, word_ok, (void *)&type_words, &s.exclude_types);
	f_int(im, r, S_SPLITS, 0, MAX_QTY, -1, "a non-negative integer (empty: the run's)",
	    &s.max_splits);
	f_bool(im, r, S_COMPLETE, 0, &s.ship_complete);
	f_money(im, r, S_MINSTORE, -1, &s.min_store_value);
	s.safety = r->val[S_SAFETY];
	if (rows_plain(&im->rows, NAME(S_SAFETY), s.safety, ROWS_MAX_TEXT) == 0 && s.safety[0])
		each_part(im, S_SAFETY, s.safety, '|', safety_ok, (void *)s.tiers);
	s.on_short = "supply";
	if (r->val[S_SHORT][0] != '\0') {
		if ((i = parse_word(r->val[S_SHORT], shorts, 3)) < 0)
			rows_bad(&im->rows, "on_short must be backorder, supply or hold, got \"%s\"",
			    quote_value(r->val[S_SHORT]));
		else
			s.on_short = shorts[i];
	}
	if (im->rows.err.len > 0) {
		/* the order of rules matters: one bad row refuses them all */
		diag_at(r->file, r->line, "%s; a rules file is taken whole: nothing imported",
		    im->rows.err.s);
		im->n->rejected++;
		im->status = EX_DATAERR;
		return -1;
	}
	first = xmalloc(sizeof(long));
	*(long *)first = r->line;
	strmap_put(&x->rule_lines, s.rule_id, first);
	rule_add(x, &s);
	return 0;
}

/* --- the new version -------------------------------------------------- */

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair *p = a, *q = b;
	int c = strcmp(p->group_id, q->group_id);

	return c != 0 ? c : strcmp(p->node_id, q->node_id);
}

static void
dig_s(uint64_t *h, const char *s)
{
	*h = fnv1a(*h, s, strlen(s) + 1);
}

static void
dig_i(uint64_t *h, int64_t v)
{
	char n[32];

	snprintf(n, sizeof n, "%lld", (long long)v);
	dig_s(h, n);
}

/* The digest of a version's rules and groups, as stored: canonical. */
static void
version_digest(const struct sourcing_import *x, char out[17])
{
	uint64_t h = FNV_INIT;
	int i;

	for (i = 0; i < x->nrules; i++) {
		const struct sourcing_rule_row *r = &x->rules[i];

		dig_s(&h, "R");
		dig_i(&h, r->seq);
		dig_s(&h, r->rule_id);
		dig_s(&h, r->channel);
		dig_s(&h, r->method);
		dig_s(&h, r->country);
		dig_s(&h, r->region);
		dig_s(&h, r->postal_prefix);
		dig_s(&h, r->sku);
		dig_s(&h, r->item_class);
		dig_i(&h, r->value_min);
		dig_i(&h, r->value_max);
		dig_i(&h, r->priority_min);
		dig_i(&h, r->priority_max);
		dig_s(&h, r->tiers);
		dig_s(&h, r->exclude_nodes);
		dig_s(&h, r->exclude_types);
		dig_i(&h, r->max_splits);
		dig_i(&h, r->ship_complete);
		dig_i(&h, r->min_store_value);
		dig_s(&h, r->safety);
		dig_s(&h, r->on_short);
	}
	for (i = 0; i < x->ngroups; i++) {
		dig_s(&h, "G");
		dig_s(&h, x->groups[i].group_id);
		dig_s(&h, x->groups[i].node_id);
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

int
rules_done(struct importer *im)
{
	struct sourcing_import *x = im->src;
	char dig[17], *old = NULL;
	long version;
	int i, j, same;

	/* groups: those the file names replace the latest version's whole */
	for (i = j = 0; i < x->ngroups; i++) {
		if (!x->groups[i].named && strmap_get(&x->named, x->groups[i].group_id, NULL)) {
			free(x->groups[i].group_id);
			free(x->groups[i].node_id);
			continue;
		}
		x->groups[j++] = x->groups[i];
	}
	x->ngroups = j;
	qsort(x->groups, (size_t)x->ngroups, sizeof *x->groups, pair_cmp);
	version_digest(x, dig);
	if (x->latest > 0 && store_sourcing_digest(im->st, x->latest, &old) != 0)
		return store_failed(im);
	if (x->latest > 0)
		same = old != NULL && strcmp(old, dig) == 0;
	else
		same = x->nrules == 0 && x->ngroups == 0;
	free(old);
	im->n->rules = x->nrules;
	for (i = 0; i < x->ngroups; i++)
		im->n->groups += i == 0 || strcmp(x->groups[i].group_id,
		    x->groups[i - 1].group_id) != 0;
	if (same) {
		im->n->rules_version = x->latest;
		return 0;
	}
	if (store_sourcing_version_new(im->st, dig, &version) != 0)
		return store_failed(im);
	for (i = 0; i < x->ngroups; i++)
		if (store_sourcing_group_put(im->st, version, x->groups[i].group_id,
		    x->groups[i].node_id) != 0)
			return store_failed(im);
	for (i = 0; i < x->nrules; i++)
		if (store_sourcing_rule_put(im->st, version, &x->rules[i]) != 0)
			return store_failed(im);
	im->n->rules_version = version;
	im->n->version_made = 1;
	jsonw_start(&im->payload);
	jsonw_int(&im->payload, "version", version);
	if (x->latest > 0)
		jsonw_int(&im->payload, "previous", x->latest);
	jsonw_int(&im->payload, "rules", x->nrules);
	jsonw_int(&im->payload, "groups", im->n->groups);
	jsonw_str(&im->payload, "digest", dig);
	if (store_event(im->st, NULL, im->o->kind == KIND_RULES ? "import.rules" :
	    "import.groups", jsonw_end(&im->payload)) != 0)
		return store_failed(im);
	return 0;
}

void
rules_summary(const struct import_counts *c, struct buf *line)
{
	buf_addf(line, ", version %ld %s (%ld %s, %ld %s)", c->rules_version,
	    c->version_made ? "made" : "unchanged", c->rules, plural(c->rules, "rule", "rules"),
	    c->groups, plural(c->groups, "group", "groups"));
}
