/*
 * sourcing: the merchant's sourcing rules, matched and turned into
 * classes of lines that draw alike (sourcing.h; oms(7), "Sourcing
 * rules").  Plain C over what sourcing_load read; the store's side is
 * store-sourcing.c.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "model.h"
#include "sourcing.h"
#include "store-sourcing.h"
#include "util.h"

/* A text matcher: '' any, else alternatives separated by '|'. */
struct alts {
	char **v;
	int n;
};

struct srule {
	struct sourcing_rule pub;
	struct alts channel, method, country, region, postal, sku, item_class;
	int64_t value_min, value_max, priority_min, priority_max;	/* -1: none */
	struct alts *tiers;	/* ntiers lists of group ids; none: every node */
	int ntiers;
	struct alts exclude_nodes, exclude_types;
	struct alts safety_group;	/* with safety_units, by the same index */
	int64_t *safety_units;
};

struct snode {
	char *id, *type, *channel;
	struct alts groups;	/* the groups it is in */
};

struct sclass {
	int rule;
	char *channel;		/* '' when it is no marketplace's */
	unsigned char *tier;	/* by node */
	unsigned char *why;	/* by node: enum sourcing_why */
	int64_t *held;		/* by node */
};

struct sourcing {
	long version;
	struct snode *nodes;
	int nnodes, capnodes;
	struct strmap node_ix;	/* node_id -> index + 1 */
	struct srule *rules;
	int nrules, caprules;
	struct sclass *classes;
	int nclasses, capclasses;
	int marketplaces;	/* marketplace nodes */
	struct strmap item_class;	/* sku -> its class (malloc'd), when a rule asks */
};

static const char *const why_text[] = {
	[SW_OK] = "",
	[SW_NOT_IN_TIERS] = "rule: not in its tiers",
	[SW_EXCLUDED_NODE] = "rule: node excluded",
	[SW_EXCLUDED_TYPE] = "rule: node type excluded",
	[SW_MARKETPLACE] = "marketplace of another channel"
};

const char *
sourcing_why_text(enum sourcing_why w)
{
	return why_text[w];
}

static void
alts_add(struct alts *a, const char *s, size_t n)
{
	char *v = xmalloc(n + 1);

	memcpy(v, s, n);
	v[n] = '\0';
	a->v = xrealloc(a->v, (size_t)(a->n + 1) * sizeof *a->v);
	a->v[a->n++] = v;
}

/* Split s at sep, each part trimmed of blanks; empty parts are dropped. */
static void
alts_split(struct alts *a, const char *s, int sep)
{
	while (s != NULL && *s != '\0') {
		const char *end = strchr(s, sep), *b = s, *e;

		if (end == NULL)
			end = s + strlen(s);
		e = end;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > b)
			alts_add(a, b, (size_t)(e - b));
		s = *end ? end + 1 : end;
	}
}

static void
alts_free(struct alts *a)
{
	int i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

static int
alts_has(const struct alts *a, const char *s, int nocase)
{
	int i;

	for (i = 0; i < a->n; i++)
		if ((nocase ? strcasecmp(a->v[i], s) : strcmp(a->v[i], s)) == 0)
			return 1;
	return 0;
}

/* '' matches anything; else one of the alternatives. */
static int
alts_match(const struct alts *a, const char *s, int nocase)
{
	return a->n == 0 || alts_has(a, s ? s : "", nocase);
}

struct sourcing *
sourcing_new(long version)
{
	struct sourcing *s = xcalloc(1, sizeof *s);

	s->version = version;
	return s;
}

void
sourcing_add_node(struct sourcing *s, const char *node_id, const char *type,
    const char *channel)
{
	struct snode *n;

	if (s->nnodes == s->capnodes) {
		s->capnodes = s->capnodes ? s->capnodes * 2 : 64;
		s->nodes = xrealloc(s->nodes, (size_t)s->capnodes * sizeof *s->nodes);
	}
	n = &s->nodes[s->nnodes++];
	memset(n, 0, sizeof *n);
	n->id = xstrdup(node_id);
	n->type = xstrdup(type);
	n->channel = xstrdup(channel ? channel : "");
	if (strcmp(type, "marketplace") == 0)
		s->marketplaces++;
	strmap_put(&s->node_ix, node_id, (void *)(intptr_t)s->nnodes);
}

int
sourcing_node(const struct sourcing *s, const char *node_id)
{
	void *v;

	if (node_id == NULL || !strmap_get(&s->node_ix, node_id, &v))
		return -1;
	return (int)(intptr_t)v - 1;
}

void
sourcing_add_member(struct sourcing *s, const char *group_id, const char *node_id)
{
	int n = sourcing_node(s, node_id);

	if (n >= 0 && !alts_has(&s->nodes[n].groups, group_id, 0))
		alts_add(&s->nodes[n].groups, group_id, strlen(group_id));
}

static enum sourcing_short
short_word(const char *w)
{
	if (w != NULL && strcmp(w, "backorder") == 0)
		return SHORT_BACKORDER;
	if (w != NULL && strcmp(w, "hold") == 0)
		return SHORT_HOLD;
	return SHORT_SUPPLY;
}

int
sourcing_add_rule(struct sourcing *s, const struct sourcing_rule_row *r)
{
	struct srule *x;
	struct alts tiers = { 0 }, safety = { 0 };
	int i;

	if (s->nrules == s->caprules) {
		s->caprules = s->caprules ? s->caprules * 2 : 16;
		s->rules = xrealloc(s->rules, (size_t)s->caprules * sizeof *s->rules);
	}
	x = &s->rules[s->nrules];
	memset(x, 0, sizeof *x);
	x->pub.rule_id = xstrdup(r->rule_id);
	x->pub.seq = r->seq;
	x->pub.max_splits = r->max_splits < 0 ? -1 : (int)r->max_splits;
	x->pub.ship_complete = r->ship_complete;
	x->pub.min_store_value = r->min_store_value;
	x->pub.on_short = short_word(r->on_short);
	alts_split(&x->channel, r->channel, '|');
	alts_split(&x->method, r->method, '|');
	alts_split(&x->country, r->country, '|');
	alts_split(&x->region, r->region, '|');
	alts_split(&x->postal, r->postal_prefix, '|');
	for (i = 0; i < x->postal.n; i++) {
		char *k = xmalloc(strlen(x->postal.v[i]) + 1);

		postal_key("", x->postal.v[i], k);
		free(x->postal.v[i]);
		x->postal.v[i] = k;
	}
	alts_split(&x->sku, r->sku, '|');
	alts_split(&x->item_class, r->item_class, '|');
	x->value_min = r->value_min;
	x->value_max = r->value_max;
	x->priority_min = r->priority_min;
	x->priority_max = r->priority_max;
	alts_split(&tiers, r->tiers, '>');
	x->ntiers = tiers.n;
	x->tiers = xcalloc(tiers.n > 0 ? (size_t)tiers.n : 1, sizeof *x->tiers);
	for (i = 0; i < tiers.n; i++)
		alts_split(&x->tiers[i], tiers.v[i], '|');
	alts_free(&tiers);
	x->pub.ntiers = x->ntiers > 0 ? x->ntiers : 1;
	alts_split(&x->exclude_nodes, r->exclude_nodes, '|');
	alts_split(&x->exclude_types, r->exclude_types, '|');
	alts_split(&safety, r->safety, '|');
	x->safety_units = xcalloc(safety.n > 0 ? (size_t)safety.n : 1, sizeof *x->safety_units);
	for (i = 0; i < safety.n; i++) {
		char *eq = strchr(safety.v[i], '=');
		long long u;
		char *end;

		if (eq == NULL || eq == safety.v[i] || (u = strtoll(eq + 1, &end, 10)) < 0 ||
		    end == eq + 1 || *end != '\0') {
			diag_error("sourcing rule %s: safety \"%s\" is not group=units", r->rule_id,
			    safety.v[i]);
			alts_free(&safety);
			s->nrules++;	/* freed with the rest */
			return -1;
		}
		alts_add(&x->safety_group, safety.v[i], (size_t)(eq - safety.v[i]));
		x->safety_units[i] = u;
	}
	alts_free(&safety);
	s->nrules++;
	return 0;
}

static int
load_node(void *ctx, const char *node_id, const char *type, const char *channel)
{
	sourcing_add_node(ctx, node_id, type, channel);
	return 0;
}

static int
load_member(void *ctx, const char *group_id, const char *node_id)
{
	sourcing_add_member(ctx, group_id, node_id);
	return 0;
}

static int
load_rule(void *ctx, const struct sourcing_rule_row *r)
{
	return sourcing_add_rule(ctx, r);
}

void
sourcing_add_item_class(struct sourcing *s, const char *sku, const char *item_class)
{
	void *old;

	if (strmap_get(&s->item_class, sku, &old))
		free(old);
	strmap_put(&s->item_class, sku, xstrdup(item_class));
}

static int
load_class(void *ctx, const char *sku, const char *item_class)
{
	sourcing_add_item_class(ctx, sku, item_class);
	return 0;
}

/* Whether some rule matches on the item's class. */
static int
uses_class(const struct sourcing *s)
{
	int i;

	for (i = 0; i < s->nrules; i++)
		if (s->rules[i].item_class.n > 0)
			return 1;
	return 0;
}

int
sourcing_load(struct store *st, struct sourcing **out)
{
	struct sourcing *s;
	long version;

	*out = NULL;
	if (store_sourcing_version(st, &version) != 0)
		return -1;
	s = sourcing_new(version);
	if (store_sourcing_nodes(st, load_node, s) != 0 ||
	    (version > 0 && (store_sourcing_groups(st, version, load_member, s) != 0 ||
	    store_sourcing_rules(st, version, load_rule, s) != 0 ||
	    (uses_class(s) && store_sourcing_item_classes(st, load_class, s) != 0)))) {
		sourcing_free(s);
		return -1;
	}
	sourcing_class(s, -1, "");	/* class 0 */
	*out = s;
	return 0;
}

void
sourcing_free(struct sourcing *s)
{
	int i, k;

	if (s == NULL)
		return;
	for (i = 0; i < s->nnodes; i++) {
		free(s->nodes[i].id);
		free(s->nodes[i].type);
		free(s->nodes[i].channel);
		alts_free(&s->nodes[i].groups);
	}
	free(s->nodes);
	strmap_release(&s->node_ix, NULL);
	for (i = 0; i < s->nrules; i++) {
		struct srule *x = &s->rules[i];

		free((char *)x->pub.rule_id);
		alts_free(&x->channel);
		alts_free(&x->method);
		alts_free(&x->country);
		alts_free(&x->region);
		alts_free(&x->postal);
		alts_free(&x->sku);
		alts_free(&x->item_class);
		for (k = 0; k < x->ntiers; k++)
			alts_free(&x->tiers[k]);
		free(x->tiers);
		alts_free(&x->exclude_nodes);
		alts_free(&x->exclude_types);
		alts_free(&x->safety_group);
		free(x->safety_units);
	}
	free(s->rules);
	for (i = 0; i < s->nclasses; i++) {
		free(s->classes[i].channel);
		free(s->classes[i].tier);
		free(s->classes[i].why);
		free(s->classes[i].held);
	}
	free(s->classes);
	strmap_release(&s->item_class, free);
	free(s);
}

long
sourcing_version(const struct sourcing *s)
{
	return s->version;
}

int
sourcing_plain(const struct sourcing *s)
{
	return s->nrules == 0 && s->marketplaces == 0;
}

int
sourcing_nrules(const struct sourcing *s)
{
	return s->nrules;
}

const struct sourcing_rule *
sourcing_rule_at(const struct sourcing *s, int rule)
{
	return rule >= 0 && rule < s->nrules ? &s->rules[rule].pub : NULL;
}

/*
 * Whether the order's postal code starts with one of the rule's prefixes
 * (as keys): key is the code's key, made here the first time a rule asks
 * (*n -1 until then; -2 when the code has none).
 */
static int
postal_match(const struct alts *a, const char *code, char key[64], long *n)
{
	int i;

	if (a->n == 0)
		return 1;
	if (*n == -1)
		*n = code == NULL || strlen(code) >= 64 ? -2 : (long)postal_key("", code, key);
	if (*n < 0)
		return 0;
	for (i = 0; i < a->n; i++) {
		size_t k = strlen(a->v[i]);

		if ((long)k <= *n && memcmp(key, a->v[i], k) == 0)
			return 1;
	}
	return 0;
}

static int
band(int64_t v, int64_t lo, int64_t hi)
{
	return (lo < 0 || v >= lo) && (hi < 0 || v <= hi);
}

int
sourcing_match(const struct sourcing *s, const struct sourcing_order *o,
    const struct sourcing_line *l)
{
	const char *item_class = l->item_class;
	char key[64];
	long nkey = -1;
	void *v;
	int i;

	if (item_class == NULL)
		item_class = s->item_class.len > 0 && strmap_get(&s->item_class, l->sku, &v) ?
		    v : "";
	for (i = 0; i < s->nrules; i++) {
		const struct srule *x = &s->rules[i];

		if (alts_match(&x->channel, o->channel, 0) &&
		    alts_match(&x->method, l->method, 0) &&
		    alts_match(&x->country, o->ship_country, 1) &&
		    alts_match(&x->region, o->ship_region, 1) &&
		    postal_match(&x->postal, o->ship_postal_code, key, &nkey) &&
		    alts_match(&x->sku, l->sku, 0) &&
		    alts_match(&x->item_class, item_class, 0) &&
		    band(o->value, x->value_min, x->value_max) &&
		    band(o->priority, x->priority_min, x->priority_max))
			return i;
	}
	return -1;
}

/* The tier of node n for rule x (-1: none) and channel, with why. */
static int
tier_of(const struct sourcing *s, int rule, const char *channel, int n,
    enum sourcing_why *why, int64_t *held)
{
	const struct snode *nd = &s->nodes[n];
	const struct srule *x;
	int t, g, k;

	*held = 0;
	if (strcmp(nd->type, "marketplace") == 0 && strcmp(nd->channel, channel) != 0) {
		*why = SW_MARKETPLACE;
		return 0;
	}
	*why = SW_OK;
	if (rule < 0)
		return 1;
	x = &s->rules[rule];
	if (alts_has(&x->exclude_nodes, nd->id, 0)) {
		*why = SW_EXCLUDED_NODE;
		return 0;
	}
	if (alts_has(&x->exclude_types, nd->type, 0)) {
		*why = SW_EXCLUDED_TYPE;
		return 0;
	}
	if (x->ntiers == 0)
		t = 0;
	else {
		for (t = 0; t < x->ntiers; t++) {
			for (g = 0; g < x->tiers[t].n; g++)
				if (alts_has(&nd->groups, x->tiers[t].v[g], 0))
					break;
			if (g < x->tiers[t].n)
				break;
		}
		if (t == x->ntiers) {
			*why = SW_NOT_IN_TIERS;
			return 0;
		}
	}
	/* held back: the most any of its groups in the rule's safety asks */
	for (k = 0; k < x->safety_group.n; k++)
		if (alts_has(&nd->groups, x->safety_group.v[k], 0) && x->safety_units[k] > *held)
			*held = x->safety_units[k];
	return t + 1;
}

int
sourcing_class(struct sourcing *s, int rule, const char *channel)
{
	struct sclass *c;
	int i, n;

	/* a channel matters only when a marketplace is its (asked once a line) */
	if (channel == NULL || s->marketplaces == 0)
		channel = "";
	else {
		for (n = 0; n < s->nnodes; n++)
			if (s->nodes[n].channel[0] != '\0' &&
			    strcmp(s->nodes[n].channel, channel) == 0)
				break;
		if (n == s->nnodes)
			channel = "";
	}
	for (i = 0; i < s->nclasses; i++)
		if (s->classes[i].rule == rule && strcmp(s->classes[i].channel, channel) == 0)
			return i;
	if (s->nclasses == s->capclasses) {
		s->capclasses = s->capclasses ? s->capclasses * 2 : 8;
		s->classes = xrealloc(s->classes, (size_t)s->capclasses * sizeof *s->classes);
	}
	c = &s->classes[s->nclasses];
	c->rule = rule;
	c->channel = xstrdup(channel);
	c->tier = xcalloc((size_t)s->nnodes + 1, 1);
	c->why = xcalloc((size_t)s->nnodes + 1, 1);
	c->held = xcalloc((size_t)s->nnodes + 1, sizeof *c->held);
	for (n = 0; n < s->nnodes; n++) {
		enum sourcing_why w;
		int t = tier_of(s, rule, channel, n, &w, &c->held[n]);

		c->tier[n] = (unsigned char)(t > 255 ? 255 : t);
		c->why[n] = (unsigned char)w;
	}
	return s->nclasses++;
}

int
sourcing_line_class(struct sourcing *s, const struct sourcing_order *o,
    const struct sourcing_line *l, int *rule)
{
	*rule = sourcing_match(s, o, l);
	return sourcing_class(s, *rule, o->channel);
}

int
sourcing_nclasses(const struct sourcing *s)
{
	return s->nclasses;
}

int
sourcing_class_rule(const struct sourcing *s, int cls)
{
	return s->classes[cls].rule;
}

int
sourcing_nnodes(const struct sourcing *s)
{
	return s->nnodes;
}

const char *
sourcing_node_id(const struct sourcing *s, int node)
{
	return s->nodes[node].id;
}

int
sourcing_tier(const struct sourcing *s, int cls, int node, enum sourcing_why *why)
{
	if (why != NULL)
		*why = (enum sourcing_why)s->classes[cls].why[node];
	return s->classes[cls].tier[node];
}

int64_t
sourcing_held_back(const struct sourcing *s, int cls, int node)
{
	return s->classes[cls].held[node];
}

const unsigned char *
sourcing_class_tiers(const struct sourcing *s, int cls)
{
	return s->classes[cls].tier;
}

const int64_t *
sourcing_class_held(const struct sourcing *s, int cls)
{
	return s->classes[cls].held;
}
