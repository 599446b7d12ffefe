#ifndef OMS_SOURCING_H
#define OMS_SOURCING_H
/*
 * sourcing: where a line may be sourced from, as the merchant's rules say
 * (oms(7), "Sourcing rules").  The one module that decides eligibility
 * beyond what a node can do (alloc_serves): allocation, routing,
 * oms-promise and supply allocation ask it, and no rule is written twice.
 *
 * A struct sourcing holds the current version of the rules and groups
 * and the nodes it knows (their types and, for a marketplace, its
 * channel).  A line matches the first rule, in seq order, whose match
 * fields all accept it (sourcing_match); the rule, with the order's
 * channel, makes the line's class (sourcing_class): for every node, the
 * tier the node is in for the line (0: the line may not use it, with the
 * reason) and the units of the node's stock held back from it (the
 * rule's safety stock of the node's group).  Lines of one class draw
 * alike; classes are few (rules times the channels of marketplaces), and
 * are made once and kept.
 *
 * With no rules and no marketplace node, every line is of class 0, every
 * node in tier 1 with nothing held back: today's behaviour, and callers
 * keep their fast path (sourcing_plain).
 *
 * Nodes are named by the module's own index (sourcing_node), which
 * callers map their own indexes to once.
 */
#include <stdint.h>

#include "store.h"

struct sourcing;

/* What to do with a line that gets nothing where its rule allows. */
enum sourcing_short {
	SHORT_SUPPLY,		/* it waits for stock on its way, as without rules */
	SHORT_BACKORDER,	/* a plain backorder: it waits for stock on hand only */
	SHORT_HOLD		/* its order goes to the care queue: a sourcing hold */
};

/* Why a node is not a candidate for a class (tier 0). */
enum sourcing_why {
	SW_OK,			/* a candidate */
	SW_NOT_IN_TIERS,	/* the rule's tiers do not name a group holding it */
	SW_EXCLUDED_NODE,	/* the rule excludes the node */
	SW_EXCLUDED_TYPE,	/* the rule excludes the node's type */
	SW_MARKETPLACE		/* a marketplace of another channel */
};
/* The words of a why, for --explain and the docs: "rule: not in its tiers". */
const char *sourcing_why_text(enum sourcing_why w);

/* A rule as stored (the version's), for explaining and order-level actions. */
struct sourcing_rule {
	const char *rule_id;
	long seq;
	int max_splits;		/* -1: the run's */
	int ship_complete;	/* 1: its lines' orders ship complete */
	int64_t min_store_value;	/* cents; -1: none */
	enum sourcing_short on_short;
	int ntiers;		/* 1 when the rule names no tiers */
};

/* What rules match on: the order's fields and the line's. */
struct sourcing_order {
	const char *channel, *ship_country, *ship_region, *ship_postal_code;
	int64_t priority;
	int64_t value;		/* merchandise, cents: sum of qty x unit_price - discount */
};
struct sourcing_line {
	const char *sku, *method;
	const char *item_class;	/* NULL: the item's, as the store has it */
};

/*
 * Read the current version (0 when rules were never imported) with its
 * rules, groups, and the nodes.  0, or -1 after a diagnostic (the store's
 * status set).
 */
int sourcing_load(struct store *st, struct sourcing **out);
void sourcing_free(struct sourcing *s);
/*
 * What sourcing_load does, in steps (and the table tests' way to make
 * one): a version, its nodes, then each group member, then the rules in
 * seq order (-1 after a diagnostic when a rule's safety cannot be read).
 */
struct sourcing_rule_row;
struct sourcing *sourcing_new(long version);
void sourcing_add_node(struct sourcing *s, const char *node_id, const char *type,
	const char *channel);
void sourcing_add_member(struct sourcing *s, const char *group_id, const char *node_id);
int sourcing_add_rule(struct sourcing *s, const struct sourcing_rule_row *r);
void sourcing_add_item_class(struct sourcing *s, const char *sku, const char *item_class);

/* The version read (0: none), for the run log's counts ("rules_version"). */
long sourcing_version(const struct sourcing *s);
/* 1 when there are no rules and no marketplace node: class 0 for every line. */
int sourcing_plain(const struct sourcing *s);

/* The rule a line matches: an index for sourcing_rule_at, or -1 for none. */
int sourcing_match(const struct sourcing *s, const struct sourcing_order *o,
	const struct sourcing_line *l);
const struct sourcing_rule *sourcing_rule_at(const struct sourcing *s, int rule);
int sourcing_nrules(const struct sourcing *s);

/*
 * The class of lines matching rule (-1: none) in an order of channel.
 * Classes are numbered from 0 in the order first asked for (class 0 is
 * always no rule, a channel with no marketplace); the same rule and
 * channel give the same class.  -1 only when memory fails (fatal).
 */
int sourcing_class(struct sourcing *s, int rule, const char *channel);
int sourcing_nclasses(const struct sourcing *s);
/*
 * A line's class in one call: the rule it matches (into *rule, -1 none,
 * sourcing_match) and the class of that rule in its order's channel
 * (sourcing_class); what allocation, routing, supply and oms-promise each
 * ask of a line.
 */
int sourcing_line_class(struct sourcing *s, const struct sourcing_order *o,
	const struct sourcing_line *l, int *rule);
/* The rule of a class (-1: none). */
int sourcing_class_rule(const struct sourcing *s, int cls);

/* The nodes: their number, and one's index by node_id (-1: unknown). */
int sourcing_nnodes(const struct sourcing *s);
int sourcing_node(const struct sourcing *s, const char *node_id);
const char *sourcing_node_id(const struct sourcing *s, int node);

/*
 * For class cls and node: the tier (1 first; 0 not a candidate, why says
 * why when not NULL) and the units held back from the class (the rule's
 * safety stock for the node's group; 0 for none).  The arrays by node,
 * for the hot loops: valid while s lives.
 */
int sourcing_tier(const struct sourcing *s, int cls, int node, enum sourcing_why *why);
int64_t sourcing_held_back(const struct sourcing *s, int cls, int node);
const unsigned char *sourcing_class_tiers(const struct sourcing *s, int cls);
const int64_t *sourcing_class_held(const struct sourcing *s, int cls);

#endif
