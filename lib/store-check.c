/*
 * store-check: what oms-report check reads, each large table once.
 *
 * Two passes, each merging streams that come in the same key order:
 *
 *  by order: orders, order_line, line_node, and the rows that must have
 *   their order (release, rma, refund, order_hold) or their order line
 *   (release_line, rma_line) from indexes that have those columns, all by
 *   (order_id, line_no).  It hands every line, with its work at nodes
 *   summed, to the caller's line check; finds the rows whose order or
 *   order line is missing, and the orders without lines; and sums, for
 *   the checks that come after it, what is reserved at each node per
 *   sku, what is allocated per sku, and the units line_node says are
 *   released at each node.
 *
 *  by release: release (its node), release_line and confirmation
 *   (confirmation_by_release), all by (release_id, line_no): the node of
 *   a release, the release of a release line and the release line of a
 *   confirmation must exist; and the units the release lines still have
 *   out, summed by order line and node.
 *
 * After the passes, in the order the caller reports them: the stock at
 * each node (inventory, with what the pass by order summed), the
 * foreign keys, the released units (the two sums merged), the stock of
 * the network per sku.
 *
 * SQLite's foreign_key_check looks every parent up at random (8 s on the
 * 1M-line benchmark store); the merges above find the same missing
 * parents, and the small parents (nodes, items, RMAs) are sets in memory
 * that their children's columns are looked up in.  Every other table
 * (and one whose foreign keys are not the ones known here) is left to
 * foreign_key_check itself, one table at a time.  Only when something is
 * found does the caller run the full foreign_key_check, whose rows it
 * reports as they always were.
 *
 * On a store of many orders the two passes are read in two threads, on
 * two connections that see one snapshot, the pass by order in ranges of
 * order_id (see passes_threaded); the caller sees the same as from one.
 *
 * One file of some 1,360 lines, not split: the passes, their sums and
 * the threads that run them share struct store_check, this check's alone.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "store-int.h"
#include "workers.h"
#include "store-views.h"
#include "store-check.h"

/*
 * Tables whose foreign keys are checked here, and how many key columns
 * each has; where each key is checked:
 *
 *  order_line: its order (pass by order), sku and pickup_node (sets)
 *  line_node: its order line (pass by order), node (set)
 *  release: its order (pass by order), node (pass by release)
 *  release_line: its order line (pass by order), release (pass by release)
 *  confirmation: its release line (pass by release)
 *  rma, refund, order_hold: the order (pass by order), rma's node and
 *   refund's rma (sets)
 *  rma_line: its order line (pass by order), rma (set)
 *  inventory, item: node and sku, vendor_node (sets)
 */
enum {
	FK_LINE, FK_LINE_NODE, FK_RELEASE, FK_RELEASE_LINE, FK_CONFIRMATION, FK_RMA,
	FK_RMA_LINE, FK_REFUND, FK_HOLD, FK_INVENTORY, FK_ITEM, NFAST
};
static const struct {
	const char *table;
	int fk_columns;
} fast[NFAST] = {
	{ "order_line", 3 }, { "line_node", 3 }, { "release", 2 },
	{ "release_line", 3 }, { "confirmation", 2 }, { "rma", 2 }, { "rma_line", 3 },
	{ "refund", 2 }, { "order_hold", 1 }, { "inventory", 2 }, { "item", 1 },
};

/* The small parents, kept as sets in memory. */
enum { NODES, ITEMS, RMAS, NSETS };
static const char *const sql_sets[NSETS] = {
	"SELECT node_id FROM node", "SELECT sku FROM item", "SELECT rma_id FROM rma",
};

/* Foreign keys to a small parent: the child's column (NULL refers to nothing). */
static const struct {
	int table, parent;
	const char *sql;
} to_set[] = {
	{ FK_RMA, NODES, "SELECT node_id FROM rma" },
	{ FK_RMA_LINE, RMAS, "SELECT rma_id FROM rma_line" },
	{ FK_REFUND, RMAS, "SELECT rma_id FROM refund" },
	{ FK_INVENTORY, NODES, "SELECT node_id FROM inventory" },
	{ FK_INVENTORY, ITEMS, "SELECT sku FROM inventory" },
	{ FK_ITEM, NODES, "SELECT vendor_node FROM item" },
};

static const char what[] = "checking the store";

static const char sql_tables[] =
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
    "ORDER BY name";
static const char sql_fk_columns[] = "SELECT count(*) FROM pragma_foreign_key_list(?1)";
static const char sql_fk_any[] = "SELECT count(*) FROM (SELECT 1 FROM "
    "pragma_foreign_key_check(?1) LIMIT 1)";

/*
 * The pass by order: every stream by order_id (and line_no); each
 * statement twice, for every order_id (ALL) and FROM a key ?1 on, for the
 * key ranges of the threaded check.  The end of a range is by_order's
 * (a bound in SQL would cost a comparison of every row).
 */
enum range { ALL, FROM, NRANGES };
#define RANGES(head, tail) { head tail, head " WHERE order_id >= ?1" tail }
static const char *const sql_orders[NRANGES] =
    RANGES("SELECT order_id FROM orders", " ORDER BY order_id");
static const char *const sql_lines[NRANGES] =
    RANGES("SELECT order_id, line_no, sku, qty, allocated, shipped, cancelled, returned, "
    "backordered, pickup_node FROM order_line", " ORDER BY order_id, line_no");
static const char *const sql_line_nodes[NRANGES] =
    RANGES("SELECT order_id, line_no, node_id, routed, released FROM line_node",
    " ORDER BY order_id, line_no, node_id");
/*
 * The rows that must have their order, and those that must have their
 * order line: from an index that has the columns, no lookup of the row.
 */
static const struct child {
	int table;
	const char *sql[NRANGES];
} order_children[] = {
	{ FK_RELEASE, RANGES("SELECT order_id FROM release INDEXED BY release_by_order",
	    " ORDER BY order_id") },
	{ FK_RMA, RANGES("SELECT order_id FROM rma", " ORDER BY order_id") },
	{ FK_REFUND, RANGES("SELECT order_id FROM refund", " ORDER BY order_id") },
	{ FK_HOLD, RANGES("SELECT order_id FROM order_hold", " ORDER BY order_id") },
}, line_children[] = {
	{ FK_RELEASE_LINE, RANGES("SELECT order_id, line_no FROM release_line "
	    "INDEXED BY release_line_by_line", " ORDER BY order_id, line_no") },
	{ FK_RMA_LINE, RANGES("SELECT order_id, line_no FROM rma_line",
	    " ORDER BY order_id, line_no") },
};
#define NORDER_CHILDREN (sizeof order_children / sizeof *order_children)
#define NLINE_CHILDREN (sizeof line_children / sizeof *line_children)

/* The pass by release. */
static const char sql_releases[] =
    "SELECT release_id, node_id FROM release ORDER BY release_id";
static const char sql_release_lines[] =
    "SELECT release_id, line_no, order_id, qty - shipped - short - cancelled, "
    "cancel_requested FROM release_line ORDER BY release_id, line_no";
static const char sql_confirmation_lines[] =
    "SELECT release_id, line_no FROM confirmation INDEXED BY confirmation_by_release "
    "ORDER BY release_id, line_no";

/* Units released at a node that line_node has but no release line has out. */
static const char sql_released_any[] =
    "SELECT EXISTS (SELECT 1 FROM release_line rl JOIN release r "
    "ON r.release_id = rl.release_id WHERE rl.order_id = ?1 AND rl.line_no = ?2 "
    "AND r.node_id = ?3)";

/*
 * The stock of every node (the reserved part comes from the pass by
 * order): each node's range of inventory, not a lookup of the node (or
 * of its place) per row; and who may draw on it (struct node_stock,
 * store-views.h).
 */
static const char sql_stock[] =
    "SELECT i.node_id, i.sku, i.on_hand, COALESCE(i.safety_stock, n.safety_stock), "
    "n.active, n.type, n.can_ship, n.can_pickup, n.can_curbside, it.vendor_node, "
    NODE_LOCATED " FROM node n " NODE_PLACE_JOIN
    "CROSS JOIN inventory i ON i.node_id = n.node_id LEFT JOIN item it ON it.sku = i.sku "
    "ORDER BY n.node_id, i.sku";

/* Units of a line at a node: line_node's released, or a release lines' sum. */
struct at_node {
	char *order_id;
	int64_t line_no;
	const char *node_id;	/* interned in names */
	int64_t units, cancel_requested;
};

struct at_nodes {
	struct at_node *v;
	size_t n, cap;
};

struct reserve {
	int64_t q, routed;
};

struct sku_sum {
	char *sku;
	int64_t allocated, held, atp;	/* held: allocated to orders on hold */
};

/*
 * A small parent's keys (node ids, skus) as a set made for a million
 * lookups: each key's hash and place in one array, the keys in one block,
 * so that a lookup touches a cache line or two.
 */
struct keyset {
	struct slot {
		uint32_t hash, at;	/* at: 1 + the key's offset in keys; 0: empty */
	} *slot;
	size_t mask;
	struct buf keys;	/* each key and its NUL */
};

/* A line the caller's line check wants, kept until it can be handed over in order. */
struct kept {
	struct view_line *v;
	size_t n, cap;
};

/* The threads of the threaded check (see store_check_begin), each on a connection. */
#define NWORKERS 2

struct store_check {
	int ok[NFAST];		/* the table's keys are as this file knows them */
	int64_t suspect;
	struct keyset sets[NSETS];	/* the small parents */
	const struct keyset *set;	/* sets, or a part's whole check's */
	struct strmap names;	/* node ids seen, each to its one copy */
	struct strmap reserved;	/* node_id to a strmap of sku to struct reserve */
	struct strmap sku_at;	/* sku to 1 + its index in skus */
	struct sku_sum *skus;
	size_t nskus, capskus;
	struct at_nodes ln_released;	/* line_node rows with units released */
	struct at_nodes rl_out;	/* release lines with units out or a cancel request */
	char **no_lines;
	size_t nno_lines, capno_lines;
	/* a part: the lines its whole check's caller wants, kept */
	store_line_test_fn want;
	struct kept kept;
	struct store_check *part[NWORKERS];	/* the threaded check's */
};

static int
next(struct store *st, struct store_cur *c)
{
	return store_cur_next(st, c, what);
}

/* Open c on sql, whose rows are from key lo (?1) on, if it has a ?1. */
static int
open_cur(struct store *st, struct store_cur *c, const char *sql, int two, const char *lo)
{
	c->two = two;
	c->row = 0;
	if ((c->s = store_sql(st, sql)) == NULL)
		return -1;
	if (sqlite3_bind_parameter_count(c->s) >= 1)
		bind_text(c->s, 1, lo);
	return next(st, c);
}

static void
close_cur(struct store_cur *c)
{
	if (c->s)
		sqlite3_reset(c->s);
	c->s = NULL;
	c->row = 0;
}

static const char *
ctext(const struct store_cur *c, int i)
{
	return (const char *)sqlite3_column_text(c->s, i);
}

/* FNV-1a of key, to its NUL, in 32 bits. */
static uint32_t
key_hash(const char *key)
{
	uint32_t h = 2166136261u;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h;
}

/* The slot of key: its own, or the empty one where it would be. */
static struct slot *
key_slot(const struct keyset *set, const char *key)
{
	uint32_t h = key_hash(key);
	size_t i = h & set->mask;

	for (;; i = (i + 1) & set->mask) {
		struct slot *sl = &set->slot[i];

		if (sl->at == 0)
			return sl;
		if (sl->hash == h && strcmp(set->keys.s + sl->at - 1, key) == 0)
			return sl;
	}
}

/* The keys in the first column of sql's rows (NULL is no key). */
static int
load_set(struct store *st, const char *sql, struct keyset *set)
{
	sqlite3_stmt *s = store_sql(st, sql);
	size_t n = 0, at;
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (sqlite3_column_type(s, 0) != SQLITE_NULL) {
			buf_add(&set->keys, sqlite3_column_text(s, 0),
			    (size_t)sqlite3_column_bytes(s, 0) + 1);
			n++;
		}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, what);
	/* at most half full */
	for (set->mask = 15; set->mask + 1 < 2 * n; set->mask = set->mask * 2 + 1)
		;
	set->slot = xcalloc(set->mask + 1, sizeof *set->slot);
	for (at = 0; at < set->keys.len; at += strlen(set->keys.s + at) + 1) {
		const char *key = set->keys.s + at;
		struct slot *sl;

		if ((sl = key_slot(set, key))->at == 0)
			*sl = (struct slot){ key_hash(key), (uint32_t)at + 1 };
	}
	return 0;
}

static void
keyset_release(struct keyset *set)
{
	free(set->slot);
	buf_release(&set->keys);
}

/* Column col of s, a text foreign key to set: 1 when it is missing (NULL never is). */
static int
not_in(const struct keyset *set, sqlite3_stmt *s, int col)
{
	const char *key = (const char *)sqlite3_column_text(s, col);

	return key != NULL && key_slot(set, key)->at == 0;
}

/* The one copy of a node id kept in names. */
static const char *
intern(struct store_check *k, const char *id)
{
	void *v;

	if (!strmap_get(&k->names, id, &v)) {
		v = xstrdup(id);
		strmap_put(&k->names, id, v);
	}
	return v;
}

static void
at_nodes_add(struct at_nodes *a, const char *order_id, int64_t line_no, const char *node_id,
    int64_t units, int64_t cancel_requested)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 256;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n++] = (struct at_node){ xstrdup(order_id), line_no, node_id, units,
		cancel_requested };
}

/* (order_id, line_no, node_id) order, as SQLite sorts them. */
static int
at_node_cmp(const void *pa, const void *pb)
{
	const struct at_node *a = pa, *b = pb;
	int r = strcmp(a->order_id, b->order_id);

	if (r != 0)
		return r;
	if (a->line_no != b->line_no)
		return a->line_no < b->line_no ? -1 : 1;
	return strcmp(a->node_id, b->node_id);
}

static void
at_nodes_release(struct at_nodes *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].order_id);
	free(a->v);
}

/* Routed and released units at a node, of a line of sku. */
static void
reserve(struct store_check *k, const char *node_id, const char *sku, int64_t routed,
    int64_t released)
{
	void *m, *r;

	if (!strmap_get(&k->reserved, node_id, &m)) {
		m = xcalloc(1, sizeof(struct strmap));
		strmap_put(&k->reserved, node_id, m);
	}
	if (!strmap_get(m, sku, &r)) {
		r = xcalloc(1, sizeof(struct reserve));
		strmap_put(m, sku, r);
	}
	((struct reserve *)r)->q += routed + released;
	((struct reserve *)r)->routed += routed;
}

static void
reserved_release(void *m)
{
	strmap_release(m, free);
	free(m);
}

static struct sku_sum *
sku_sum(struct store_check *k, const char *sku)
{
	void *v;

	if (strmap_get(&k->sku_at, sku, &v))
		return &k->skus[(uintptr_t)v - 1];
	if (k->nskus == k->capskus) {
		k->capskus = k->capskus ? k->capskus * 2 : 256;
		k->skus = xrealloc(k->skus, k->capskus * sizeof *k->skus);
	}
	k->skus[k->nskus] = (struct sku_sum){ xstrdup(sku), 0, 0, 0 };
	strmap_put(&k->sku_at, sku, (void *)(uintptr_t)(k->nskus + 1));
	return &k->skus[k->nskus++];
}

/* Step past rows whose key is NULL: SQLite sorts them first, none has a parent. */
static int
skip_null(struct store *st, struct store_cur *c)
{
	while (c->row && c->k == NULL)
		if (next(st, c) != 0)
			return -1;
	return 0;
}

/* A stream of the pass by order; in: it stands on a row of the order at hand. */
struct stream {
	struct store_cur c;
	int in;
};

static int
step(struct store *st, struct stream *s, const char *key)
{
	if (next(st, &s->c) != 0)
		return -1;
	s->in = s->c.row && strcmp(s->c.k, key) == 0;
	return 0;
}

/* The lowest line_no of the streams in the order so far: *no, when *any. */
static void
lowest(const struct stream *s, int64_t *no, int *any)
{
	if (s->in && (!*any || s->c.n < *no)) {
		*no = s->c.n;
		*any = 1;
	}
}

/*
 * The streams of the pass by order: the orders, the lines, line_node, and
 * the children of orders and of lines.
 */
struct by_order {
	struct stream o, l, n, oc[NORDER_CHILDREN], lc[NLINE_CHILDREN];
};

/*
 * One order's rows, key its order_id (each stream's in set for it): the
 * order (if any), its children, and its lines by line_no with their
 * line_node rows and children.
 */
static int
one_order(struct store *st, struct store_check *k, const char *key, struct by_order *p,
    store_line_fn fn, void *ctx)
{
	struct stream *o = &p->o, *l = &p->l, *n = &p->n;
	int has_order = o->in, lined = 0, held = 0;
	size_t i;

	if (has_order && step(st, o, key) != 0)
		return -1;
	for (i = 0; i < NORDER_CHILDREN; i++) {
		/* (unknown, as not held, when order_hold is left to SQLite) */
		if (order_children[i].table == FK_HOLD && p->oc[i].in)
			held = has_order;
		while (p->oc[i].in) {
			k->suspect += !has_order;	/* a row of no order */
			if (step(st, &p->oc[i], key) != 0)
				return -1;
		}
	}
	for (;;) {
		int64_t no = 0;
		int any = 0, has_line;
		struct view_line v;
		const char *sku = NULL;

		/* the lowest line_no of the streams: that line comes next */
		lowest(l, &no, &any);
		lowest(n, &no, &any);
		for (i = 0; i < NLINE_CHILDREN; i++)
			lowest(&p->lc[i], &no, &any);
		if (!any)
			break;
		has_line = l->in && l->c.n == no;
		memset(&v, 0, sizeof v);
		if (has_line) {
			lined = 1;
			k->suspect += !has_order + not_in(&k->set[ITEMS], l->c.s, 2) +
			    not_in(&k->set[NODES], l->c.s, 9);
			sku = ctext(&l->c, 2);
			v.order_id = l->c.k;
			v.line_no = no;
			v.sku = sku;
			v.qty = sqlite3_column_int64(l->c.s, 3);
			v.allocated = sqlite3_column_int64(l->c.s, 4);
			v.shipped = sqlite3_column_int64(l->c.s, 5);
			v.cancelled = sqlite3_column_int64(l->c.s, 6);
			v.returned = sqlite3_column_int64(l->c.s, 7);
			v.backordered = sqlite3_column_int64(l->c.s, 8);
			v.at_node = 1;
			if (v.allocated > 0 && sku != NULL) {
				struct sku_sum *sum = sku_sum(k, sku);

				sum->allocated += v.allocated;
				if (held)
					sum->held += v.allocated;
			}
		}
		while (n->in && n->c.n == no) {
			int64_t routed = sqlite3_column_int64(n->c.s, 3);
			int64_t released = sqlite3_column_int64(n->c.s, 4);
			const char *node;

			/* a line_node row of no line, or of no node */
			k->suspect += !has_line + not_in(&k->set[NODES], n->c.s, 2);
			node = ctext(&n->c, 2);
			if (has_line) {
				v.routed += routed;
				v.released += released;
				if (routed + released > 0 && node != NULL && sku != NULL)
					reserve(k, node, sku, routed, released);
			}
			if (released != 0 && node != NULL)
				at_nodes_add(&k->ln_released, key, no, intern(k, node), released, 0);
			if (step(st, n, key) != 0)
				return -1;
		}
		for (i = 0; i < NLINE_CHILDREN; i++)
			while (p->lc[i].in && p->lc[i].c.n == no) {
				k->suspect += !has_line;	/* a row of no order line */
				if (step(st, &p->lc[i], key) != 0)
					return -1;
			}
		if (has_line && (fn(ctx, &v) < 0 || step(st, l, key) != 0))
			return -1;
	}
	if (has_order && !lined) {
		if (k->nno_lines == k->capno_lines) {
			k->capno_lines = k->capno_lines ? k->capno_lines * 2 : 16;
			k->no_lines = xrealloc(k->no_lines, k->capno_lines * sizeof *k->no_lines);
		}
		k->no_lines[k->nno_lines++] = xstrdup(key);
	}
	return 0;
}

/*
 * The pass by order (see the top of the file), over the order_ids from lo
 * (range FROM) below hi (if not NULL).
 */
static int
by_order(struct store *st, struct store_check *k, enum range range, const char *lo,
    const char *hi, store_line_fn fn, void *ctx)
{
	struct by_order p;
	struct stream *all[3 + NORDER_CHILDREN + NLINE_CHILDREN];
	struct buf key = BUF_INIT;
	size_t i, nall = 0;
	int ret = -1;

	memset(&p, 0, sizeof p);
	all[nall++] = &p.o;
	all[nall++] = &p.l;
	all[nall++] = &p.n;
	for (i = 0; i < NORDER_CHILDREN; i++)
		all[nall++] = &p.oc[i];
	for (i = 0; i < NLINE_CHILDREN; i++)
		all[nall++] = &p.lc[i];
	if (open_cur(st, &p.o.c, sql_orders[range], 0, lo) != 0 ||
	    open_cur(st, &p.l.c, sql_lines[range], 1, lo) != 0 ||
	    open_cur(st, &p.n.c, sql_line_nodes[range], 1, lo) != 0)
		goto out;
	/* a table whose keys changed is left to foreign_key_check */
	for (i = 0; i < NORDER_CHILDREN; i++)
		if (k->ok[order_children[i].table] &&
		    open_cur(st, &p.oc[i].c, order_children[i].sql[range], 0, lo) != 0)
			goto out;
	for (i = 0; i < NLINE_CHILDREN; i++)
		if (k->ok[line_children[i].table] &&
		    open_cur(st, &p.lc[i].c, line_children[i].sql[range], 1, lo) != 0)
			goto out;
	for (i = 0; i < nall; i++)
		if (skip_null(st, &all[i]->c) != 0)
			goto out;
	for (;;) {
		const char *low = NULL;
		int r;

		/* the lowest order_id any stream stands on: its order comes next */
		for (i = 0; i < nall; i++) {
			all[i]->in = 0;
			if (!all[i]->c.row)
				continue;
			r = low == NULL ? -1 : strcmp(all[i]->c.k, low);
			if (r < 0) {
				for (size_t j = 0; j < i; j++)
					all[j]->in = 0;
				low = all[i]->c.k;
			}
			all[i]->in = r <= 0;
		}
		if (low == NULL || (hi != NULL && strcmp(low, hi) >= 0))
			break;	/* every stream is at the end, or past the range */
		buf_reset(&key);
		buf_adds(&key, low);
		if (one_order(st, k, buf_str(&key), &p, fn, ctx) != 0)
			goto out;
	}
	ret = 0;
out:
	for (i = 0; i < nall; i++)
		close_cur(&all[i]->c);
	buf_release(&key);
	return ret;
}

/* Key order of two (release_id, line_no) cursors. */
static int
key_cmp(const struct store_cur *a, const struct store_cur *b)
{
	int r = strcmp(a->k, b->k);

	if (r != 0)
		return r;
	return a->n < b->n ? -1 : a->n > b->n;
}

/* Step r, the releases, to its next row; a release's node must be a node. */
static int
next_release(struct store *st, struct store_check *k, struct store_cur *r)
{
	if (next(st, r) != 0)
		return -1;
	if (r->row && k->ok[FK_RELEASE])
		k->suspect += not_in(&k->set[NODES], r->s, 1);
	return 0;
}

/*
 * The pass by release: the releases, their lines and the lines'
 * confirmations, merged by (release_id, line_no).  A release line must
 * have its release, a confirmation its release line; the release lines
 * with units out (or a cancel request) are kept by order line and the
 * release's node, summed.
 */
static int
by_release(struct store *st, struct store_check *k)
{
	struct store_cur r = { 0 }, rl = { 0 }, cf = { 0 };
	int ret = -1, c;
	size_t i, j;

	if ((r.s = store_sql(st, sql_releases)) == NULL ||
	    next_release(st, k, &r) != 0 || skip_null(st, &r) != 0 ||
	    open_cur(st, &rl, sql_release_lines, 1, NULL) != 0 || skip_null(st, &rl) != 0 ||
	    (k->ok[FK_CONFIRMATION] && open_cur(st, &cf, sql_confirmation_lines, 1, NULL) != 0) ||
	    skip_null(st, &cf) != 0)
		goto out;
	while (rl.row) {
		int64_t q = sqlite3_column_int64(rl.s, 3), cr = sqlite3_column_int64(rl.s, 4);
		const char *order_id = ctext(&rl, 2), *node;

		while (r.row && strcmp(r.k, rl.k) < 0)
			if (next_release(st, k, &r) != 0)
				goto out;
		c = r.row ? strcmp(r.k, rl.k) : 1;
		if (k->ok[FK_RELEASE_LINE])
			k->suspect += c != 0;	/* a line of no release */
		/* as SQLite joins them: a line of no release is at no node */
		node = c == 0 ? ctext(&r, 1) : NULL;
		if (node != NULL && (q != 0 || cr != 0) && order_id != NULL)
			at_nodes_add(&k->rl_out, order_id, rl.n, intern(k, node), q, cr);
		/* the confirmations before this line's key have no release line */
		while (cf.row && key_cmp(&cf, &rl) < 0) {
			k->suspect++;
			if (next(st, &cf) != 0)
				goto out;
		}
		while (cf.row && key_cmp(&cf, &rl) == 0)
			if (next(st, &cf) != 0)
				goto out;
		if (next(st, &rl) != 0)
			goto out;
	}
	while (r.row)
		if (next_release(st, k, &r) != 0)
			goto out;
	while (cf.row) {
		k->suspect++;
		if (next(st, &cf) != 0)
			goto out;
	}
	/* sum them by order line and node */
	if (k->rl_out.n > 1)
		qsort(k->rl_out.v, k->rl_out.n, sizeof *k->rl_out.v, at_node_cmp);
	for (i = 0, j = 0; i < k->rl_out.n; i++) {
		if (j > 0 && at_node_cmp(&k->rl_out.v[j - 1], &k->rl_out.v[i]) == 0) {
			k->rl_out.v[j - 1].units += k->rl_out.v[i].units;
			k->rl_out.v[j - 1].cancel_requested += k->rl_out.v[i].cancel_requested;
			free(k->rl_out.v[i].order_id);
		} else {
			k->rl_out.v[j++] = k->rl_out.v[i];
		}
	}
	k->rl_out.n = j;
	ret = 0;
out:
	close_cur(&r);
	close_cur(&rl);
	close_cur(&cf);
	return ret;
}

/* The foreign keys to the small parents: a scan of the child's column each. */
static int
to_sets(struct store *st, struct store_check *k)
{
	sqlite3_stmt *s;
	size_t i;
	int rc;

	for (i = 0; i < sizeof to_set / sizeof *to_set; i++) {
		if (!k->ok[to_set[i].table])
			continue;
		if ((s = store_sql(st, to_set[i].sql)) == NULL)
			return -1;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			k->suspect += not_in(&k->set[to_set[i].parent], s, 0);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return store_fail(st, rc, what);
	}
	return 0;
}

/* Every other table's foreign keys, and a fast one's whose keys changed, by SQLite. */
static int
other_keys(struct store *st, struct store_check *k)
{
	sqlite3_stmt *s, *q;
	int rc, failed = 0;
	int64_t v;
	size_t i;

	if ((s = store_sql(st, sql_tables)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, 0);
		int skip = 0;

		for (i = 0; i < NFAST; i++)
			if (strcmp(t, fast[i].table) == 0)
				skip = k->ok[i];
		if (skip)
			continue;
		if ((q = store_sql(st, sql_fk_any)) == NULL) {
			failed = 1;
			break;
		}
		bind_text(q, 1, t);
		if ((v = store_int(st, q, what)) < 0) {
			failed = 1;
			break;
		}
		k->suspect += v;
	}
	sqlite3_reset(s);
	if (failed)
		return -1;
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, what);
}

/*
 * The threaded check.  On a store of many orders (CHECK_SPLIT; in the
 * test build, OMS_CHECK_SPLIT sets how many) two threads make the passes,
 * this one on st and another on a second connection that sees the same
 * snapshot (store_read_together).  The work is a queue: first the pass by
 * release, which the other thread takes at once, then the pass by order
 * in CHUNKS ranges of order_id, which this thread finds meanwhile (every
 * so many orders, a key) and both take in turn, then the foreign keys to
 * the sets and the other tables' (to_sets, other_keys), so that both keep
 * busy to the end.  Each thread sums into a part of its own (a store_check
 * with the sets of the whole), added up after; what a range finds in key
 * order (the lines the caller's line check would say something of, by
 * want, the units line_node has released, the orders without lines) is
 * kept by range and joined in key order.  So the caller sees what the
 * one-thread check gives it, in the same order.  When the store keeps
 * changing as the connections begin, the check reads in one thread.
 */
#define CHECK_SPLIT 5000
#define CHUNKS 32
#define SAMPLE_MAX 1024		/* a key every so many orders, at most */

static const char sql_enough[] =
    "SELECT count(*) FROM (SELECT 1 FROM orders ORDER BY order_id LIMIT 1 OFFSET ?1)";

static int64_t
check_split(void)
{
#ifdef OMS_TEST_HOOKS
	const char *env = getenv("OMS_CHECK_SPLIT");
	long long v = env != NULL ? strtoll(env, NULL, 10) : 0;

	if (v > 0)
		return (int64_t)v;
#endif
	return CHECK_SPLIT;
}

/* A part's line check: keep what the caller's would say something about. */
static int
keep_line(void *p, const struct view_line *l)
{
	struct store_check *k = p;
	struct view_line *v;

	if (!k->want(l))
		return 0;
	if (k->kept.n == k->kept.cap) {
		k->kept.cap = k->kept.cap ? k->kept.cap * 2 : 16;
		k->kept.v = xrealloc(k->kept.v, k->kept.cap * sizeof *k->kept.v);
	}
	v = &k->kept.v[k->kept.n++];
	memset(v, 0, sizeof *v);
	v->order_id = xstrdup(l->order_id);
	v->sku = l->sku ? xstrdup(l->sku) : NULL;
	v->line_no = l->line_no;
	v->qty = l->qty;
	v->allocated = l->allocated;
	v->shipped = l->shipped;
	v->cancelled = l->cancelled;
	v->returned = l->returned;
	v->backordered = l->backordered;
	v->routed = l->routed;
	v->released = l->released;
	v->at_node = l->at_node;
	return 0;
}

/* What a range of the pass by order finds in key order. */
struct found {
	struct kept kept;
	struct at_nodes ln_released;
	char **no_lines;
	size_t nno_lines;
};

/* The queue of the threads' work. */
struct work {
	struct workers threads;	/* its mu guards what follows, its cv says it changed */
	int by_release;		/* the pass by release is taken */
	int ready;		/* the ranges are known */
	int failed;		/* a thread failed: the others stop */
	int nchunks, next;
	char **keys;		/* range i is from keys[i] (NULL: the first) below keys[i + 1] */
	struct found *found;	/* by range */
};

struct worker {
	struct work *w;
	struct store *st;
	struct store_check *k;	/* its part */
	int r;
};

/* Range i of the pass by order on the worker's connection, its findings kept. */
static int
one_range(struct worker *wk, int i)
{
	struct store_check *k = wk->k;
	struct work *w = wk->w;
	const char *lo = w->keys[i], *hi = w->keys[i + 1];
	struct found *f = &w->found[i];
	enum range range = lo == NULL ? ALL : FROM;

	if (by_order(wk->st, k, range, lo, hi, keep_line, k) != 0)
		return -1;
	f->kept = k->kept;
	f->ln_released = k->ln_released;
	f->no_lines = k->no_lines;
	f->nno_lines = k->nno_lines;
	memset(&k->kept, 0, sizeof k->kept);
	memset(&k->ln_released, 0, sizeof k->ln_released);
	k->no_lines = NULL;
	k->nno_lines = k->capno_lines = 0;
	return 0;
}

/* A thread's loop: the next piece of work until there is none, or one fails. */
static int
work_run(void *p)
{
	struct worker *wk = p;
	struct work *w = wk->w;
	int i;

	for (;;) {
		pthread_mutex_lock(&w->threads.mu);
		if (!w->by_release) {
			w->by_release = 1;
			i = -1;
		} else {
			while (!w->ready && !w->failed)
				pthread_cond_wait(&w->threads.cv, &w->threads.mu);
			i = w->failed || w->next == w->nchunks + 2 ? -2 : w->next++;
		}
		pthread_mutex_unlock(&w->threads.mu);
		if (i == -2)
			break;
		if ((i == -1 ? by_release(wk->st, wk->k) : i < w->nchunks ? one_range(wk, i) :
		    i == w->nchunks ? to_sets(wk->st, wk->k) : other_keys(wk->st, wk->k)) != 0) {
			wk->r = -1;
			pthread_mutex_lock(&w->threads.mu);
			w->failed = 1;
			pthread_cond_broadcast(&w->threads.cv);
			pthread_mutex_unlock(&w->threads.mu);
			break;
		}
	}
	return wk->r;
}

/*
 * The ranges of the pass by order: a key every stride orders (stride: of
 * a store of few orders, for tests, 1), and of those, CHUNKS at most, as
 * evenly spaced.  0 or -1.
 */
static int
ranges(struct store *st, struct work *w, int64_t stride)
{
	sqlite3_stmt *s = store_sql(st, sql_orders[ALL]);
	char **sample = NULL;
	size_t n = 0, cap = 0;
	int64_t i = 0;
	int rc, c;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (i++ % stride == 0 && sqlite3_column_type(s, 0) != SQLITE_NULL) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				sample = xrealloc(sample, cap * sizeof *sample);
			}
			sample[n++] = xstrdup((const char *)sqlite3_column_text(s, 0));
		}
	sqlite3_reset(s);
	w->nchunks = n < CHUNKS ? (n > 0 ? (int)n : 1) : CHUNKS;
	w->keys = xcalloc((size_t)w->nchunks + 1, sizeof *w->keys);
	w->found = xcalloc((size_t)w->nchunks, sizeof *w->found);
	/* range c from the key of sample c * n / nchunks; the first from any key */
	for (c = 1; c < w->nchunks; c++) {
		size_t at = (size_t)c * n / (size_t)w->nchunks;

		w->keys[c] = sample[at];
		sample[at] = NULL;
	}
	for (size_t j = 0; j < n; j++)
		free(sample[j]);
	free(sample);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, what);
}

/* Take a part's sums as k's, which has none. */
static void
take_sums(struct store_check *k, struct store_check *p)
{
	k->suspect += p->suspect;
	k->reserved = p->reserved;
	k->sku_at = p->sku_at;
	k->skus = p->skus;
	k->nskus = p->nskus;
	k->capskus = p->capskus;
	memset(&p->reserved, 0, sizeof p->reserved);
	memset(&p->sku_at, 0, sizeof p->sku_at);
	p->skus = NULL;
	p->nskus = p->capskus = 0;
}

/* Add a part's sums to k's. */
static void
add_sums(struct store_check *k, struct store_check *p)
{
	size_t i, j;

	k->suspect += p->suspect;
	for (i = 0; i < p->reserved.cap; i++) {
		struct strmap *m = p->reserved.vals[i];

		if (p->reserved.keys[i] == NULL)
			continue;
		for (j = 0; j < m->cap; j++) {
			const struct reserve *r = m->vals[j];

			if (m->keys[j] != NULL)
				reserve(k, p->reserved.keys[i], m->keys[j], r->routed,
				    r->q - r->routed);
		}
	}
	for (i = 0; i < p->nskus; i++) {
		struct sku_sum *sum = sku_sum(k, p->skus[i].sku);

		sum->allocated += p->skus[i].allocated;
		sum->held += p->skus[i].held;
	}
}

/* Append from's entries to to's (the order_ids become to's; the node ids stay the part's). */
static void
at_nodes_move(struct at_nodes *to, struct at_nodes *from)
{
	if (from->n == 0)
		return;
	if (to->n + from->n > to->cap) {
		to->cap = to->n + from->n;
		to->v = xrealloc(to->v, to->cap * sizeof *to->v);
	}
	memcpy(to->v + to->n, from->v, from->n * sizeof *from->v);
	to->n += from->n;
	from->n = 0;
}

/*
 * The passes on st and other, which reads st's snapshot, in two threads:
 * 0, or -1 after a diagnostic.  fn has the lines want keeps, in order.
 */
static int
passes_threaded(struct store *st, struct store *other, struct store_check *k,
    store_line_fn fn, store_line_test_fn want, void *ctx)
{
	struct worker wk[NWORKERS];
	struct work w;
	int64_t stride = check_split() / 16;
	int i, c, other_r, ret = 0;

	memset(&w, 0, sizeof w);
	memset(wk, 0, sizeof wk);
	workers_init(&w.threads);
	for (i = 0; i < NWORKERS; i++) {
		k->part[i] = xcalloc(1, sizeof *k->part[i]);
		memcpy(k->part[i]->ok, k->ok, sizeof k->ok);
		k->part[i]->set = k->set;
		k->part[i]->want = want;
		wk[i].w = &w;
		wk[i].k = k->part[i];
		wk[i].st = i == 0 ? st : other;
	}
	/* the other thread begins with the pass by release while this one finds the ranges */
	if (workers_start(&w.threads, work_run, &wk[1]) != 0)
		diag_info("cannot start a thread: %s; check reads in one", strerror(errno));
	ret = ranges(st, &w, stride < 1 ? 1 : stride > SAMPLE_MAX ? SAMPLE_MAX : stride);
	pthread_mutex_lock(&w.threads.mu);
	if (ret != 0)
		w.failed = 1;
	else
		w.ready = 1;
	pthread_cond_broadcast(&w.threads.cv);
	pthread_mutex_unlock(&w.threads.mu);
	if (ret == 0)
		work_run(&wk[0]);
	other_r = workers_join(&w.threads);
	if (ret == 0 && wk[0].r != 0)
		ret = -1;
	else if (ret == 0 && other_r != 0) {
		store_status_from(st, other);
		ret = -1;
	}
	workers_release(&w.threads);
	/* the larger part's sums are taken as they are, the other's added */
	if (ret == 0) {
		i = k->part[1]->reserved.len > k->part[0]->reserved.len;
		take_sums(k, k->part[i]);
		for (c = 0; c < NWORKERS; c++) {
			if (c != i)
				add_sums(k, k->part[c]);
			at_nodes_move(&k->rl_out, &k->part[c]->rl_out);
		}
	}
	/* what the ranges found, in key order; their lines to fn */
	for (c = 0; c < w.nchunks; c++) {
		struct found *f = &w.found[c];

		at_nodes_move(&k->ln_released, &f->ln_released);
		free(f->ln_released.v);
		for (size_t j = 0; j < f->kept.n; j++) {
			if (ret == 0 && fn(ctx, &f->kept.v[j]) < 0)
				ret = -1;
			free((char *)f->kept.v[j].order_id);
			free((char *)f->kept.v[j].sku);
		}
		free(f->kept.v);
		for (size_t j = 0; j < f->nno_lines; j++) {
			if (k->nno_lines == k->capno_lines) {
				k->capno_lines = k->capno_lines ? k->capno_lines * 2 : 16;
				k->no_lines = xrealloc(k->no_lines,
				    k->capno_lines * sizeof *k->no_lines);
			}
			k->no_lines[k->nno_lines++] = f->no_lines[j];
		}
		free(f->no_lines);
		free(w.keys[c]);
	}
	free(w.keys);
	free(w.found);
	return ret;
}

struct store_check *
store_check_begin(struct store *st, store_line_fn fn, store_line_test_fn want, void *ctx)
{
	struct store_check *k = xcalloc(1, sizeof *k);
	struct store *other = NULL;
	sqlite3_stmt *q;
	int64_t v;
	size_t i;

	k->set = k->sets;
	/* enough orders to read in threads, on connections that see one snapshot */
	if ((q = store_sql(st, sql_enough)) == NULL)
		goto fail;
	bind_int(q, 1, check_split() - 1);
	if ((v = store_int(st, q, what)) < 0)
		goto fail;
	if (v > 0 && store_read_together(st, &other, 1) != 0)
		goto fail;
	/* a fast table whose keys changed is left to foreign_key_check */
	for (i = 0; i < NFAST; i++) {
		if ((q = store_sql(st, sql_fk_columns)) == NULL)
			goto fail;
		bind_text(q, 1, fast[i].table);
		if ((v = store_int(st, q, what)) < 0)
			goto fail;
		k->ok[i] = v == fast[i].fk_columns;
	}
	/* the pass by order still reads both, for the lines and the orders without */
	if (!k->ok[FK_LINE] || !k->ok[FK_LINE_NODE])
		k->ok[FK_LINE] = k->ok[FK_LINE_NODE] = 0;
	for (i = 0; i < NSETS; i++)
		if (load_set(st, sql_sets[i], &k->sets[i]) != 0)
			goto fail;
	if (other != NULL) {
		if (passes_threaded(st, other, k, fn, want, ctx) != 0)
			goto fail;
		store_close(other);
		other = NULL;
	} else if (by_order(st, k, ALL, NULL, NULL, fn, ctx) != 0 || by_release(st, k) != 0 ||
	    to_sets(st, k) != 0 || other_keys(st, k) != 0) {
		goto fail;
	}
	return k;
fail:
	store_close(other);
	store_check_end(k);
	return NULL;
}

int64_t
store_check_suspect(const struct store_check *k)
{
	return k->suspect;
}

/* v in decimal into buf. */
static void
int_str(char buf[24], int64_t v)
{
	char t[24], *p = t + sizeof t;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	*--p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	memcpy(buf, p, (size_t)(t + sizeof t - p));
}

int
store_check_stock(struct store *st, struct store_check *k,
    int (*fn)(void *ctx, const struct node_stock *x), void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_stock);
	int rc, stop = 0;

	if (s == NULL)
		return -1;
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct node_stock x;
		char q[24];
		struct reserve r = { 0, 0 };
		void *m, *p;

		x.node_id = (const char *)sqlite3_column_text(s, 0);
		x.sku = (const char *)sqlite3_column_text(s, 1);
		x.on_hand = (const char *)sqlite3_column_text(s, 2);
		x.safety_stock = (const char *)sqlite3_column_text(s, 3);
		x.active = sqlite3_column_int(s, 4);
		x.type = (const char *)sqlite3_column_text(s, 5);
		x.can_ship = sqlite3_column_int(s, 6);
		x.can_pickup = sqlite3_column_int(s, 7);
		x.can_curbside = sqlite3_column_int(s, 8);
		x.vendor_node = (const char *)sqlite3_column_text(s, 9);
		x.located = sqlite3_column_int(s, 10);
		/* reserved and its routed part from the pass by order */
		if (x.node_id && x.sku && strmap_get(&k->reserved, x.node_id, &m) &&
		    strmap_get(m, x.sku, &p))
			r = *(struct reserve *)p;
		int_str(q, r.q);
		x.reserved = q;
		x.routed = r.routed;
		x.reserved_pickup = 0;	/* not the check's: it reads reserved and routed */
		stop = fn(ctx, &x);
	}
	sqlite3_reset(s);
	if (stop)
		return stop < 0 ? -1 : 0;
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, what);
}

/*
 * SQLite's own checks: the rows whose foreign key does not hold, and
 * (deep) the store's integrity.
 */
static const char sql_foreign_keys[] =
    "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check";
static const char sql_integrity[] =
    "SELECT integrity_check FROM pragma_integrity_check";

struct fk_walk {
	int (*fn)(void *ctx, const char *table, const char *rowid, const char *parent);
	void *ctx;
};

static int
fk_row(void *p, const struct store_row *row)
{
	const struct fk_walk *w = p;

	return w->fn(w->ctx, store_col_text(row, 0), store_col_text(row, 1),
	    store_col_text(row, 2));
}

int
store_check_foreign_keys(struct store *st,
    int (*fn)(void *ctx, const char *table, const char *rowid, const char *parent),
    void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_foreign_keys);
	struct fk_walk w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, fk_row, &w, what);
}

struct integrity_walk {
	int (*fn)(void *ctx, const char *problem);
	void *ctx;
};

static int
integrity_row(void *p, const struct store_row *row)
{
	const struct integrity_walk *w = p;
	const char *v = store_col_text(row, 0);

	return v != NULL && strcmp(v, "ok") != 0 ? w->fn(w->ctx, v) : 0;
}

int
store_check_integrity(struct store *st, int (*fn)(void *ctx, const char *problem),
    void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_integrity);
	struct integrity_walk w = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, integrity_row, &w, what);
}

void
store_check_atp(struct store_check *k, const char *sku, int64_t atp)
{
	void *p;

	if (sku != NULL && strmap_get(&k->sku_at, sku, &p))
		k->skus[(uintptr_t)p - 1].atp += atp;
}

int
store_check_no_lines(const struct store_check *k, int (*fn)(void *ctx, const char *order_id),
    void *ctx)
{
	for (size_t i = 0; i < k->nno_lines; i++)
		if (fn(ctx, k->no_lines[i]) != 0)
			return -1;
	return 0;
}

/* fn on one disagreement; 0 or -1. */
static int
disagree(int (*fn)(void *, const struct check_released *), void *ctx,
    const struct at_node *a, int64_t units, int64_t outstanding, int64_t cancel_requested)
{
	struct check_released r = { a->order_id, a->line_no, a->node_id, units, outstanding,
		cancel_requested };

	return fn(ctx, &r) != 0 ? -1 : 0;
}

int
store_check_released(struct store *st, struct store_check *k,
    int (*fn)(void *ctx, const struct check_released *r), void *ctx)
{
	const struct at_nodes *g = &k->rl_out, *a = &k->ln_released;
	size_t i = 0, j = 0;
	int r;

	/* both by order line and node: merged */
	while (i < g->n || j < a->n) {
		r = i == g->n ? 1 : j == a->n ? -1 : at_node_cmp(&g->v[i], &a->v[j]);
		if (r <= 0) {
			const struct at_node *o = &g->v[i++];
			int64_t units = r == 0 ? a->v[j++].units : 0;

			if ((units != o->units || o->cancel_requested > o->units) &&
			    disagree(fn, ctx, o, units, o->units, o->cancel_requested) != 0)
				return -1;
		} else {
			/* released, nothing out: said only when it has release lines there */
			const struct at_node *l = &a->v[j++];
			sqlite3_stmt *s = store_sql(st, sql_released_any);
			int64_t any;

			if (s == NULL)
				return -1;
			bind_text(s, 1, l->order_id);
			bind_int(s, 2, l->line_no);
			bind_text(s, 3, l->node_id);
			if ((any = store_int(st, s, what)) < 0)
				return -1;
			if (any && disagree(fn, ctx, l, l->units, 0, 0) != 0)
				return -1;
		}
	}
	return 0;
}

static int
sku_sum_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sku_sum *)a)->sku, ((const struct sku_sum *)b)->sku);
}

int
store_check_skus(struct store_check *k, int (*fn)(void *ctx, const char *sku,
    int64_t allocated, int64_t held, int64_t atp), void *ctx)
{
	/* sorted in place: sku_at's indexes are not used after this */
	if (k->nskus > 1)
		qsort(k->skus, k->nskus, sizeof *k->skus, sku_sum_cmp);
	strmap_release(&k->sku_at, NULL);
	for (size_t i = 0; i < k->nskus; i++)
		if (fn(ctx, k->skus[i].sku, k->skus[i].allocated, k->skus[i].held,
		    k->skus[i].atp) != 0)
			return -1;
	return 0;
}

void
store_check_end(struct store_check *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < NSETS; i++)
		keyset_release(&k->sets[i]);
	for (i = 0; i < NWORKERS; i++)
		store_check_end(k->part[i]);
	for (i = 0; i < k->kept.n; i++) {
		free((char *)k->kept.v[i].order_id);
		free((char *)k->kept.v[i].sku);
	}
	free(k->kept.v);
	strmap_release(&k->reserved, reserved_release);
	strmap_release(&k->sku_at, NULL);
	for (i = 0; i < k->nskus; i++)
		free(k->skus[i].sku);
	free(k->skus);
	at_nodes_release(&k->ln_released);
	at_nodes_release(&k->rl_out);
	for (i = 0; i < k->nno_lines; i++)
		free(k->no_lines[i]);
	free(k->no_lines);
	strmap_release(&k->names, free);	/* last: the others point into it */
	free(k);
}

/* --- store credit ---------------------------------------------------------- */

static const char sql_credit_faults[] =
    "SELECT 0, customer_id, 0, 0, MIN(balance), 0, 0 FROM (SELECT customer_id, "
    "SUM(amount) OVER (PARTITION BY customer_id ORDER BY entry_id) AS balance "
    "FROM store_credit) GROUP BY customer_id HAVING MIN(balance) < 0 "
    "UNION ALL "
    "SELECT 1, c.customer_id, c.entry_id, c.refund_id, c.amount, COALESCE(f.amount, 0), "
    "CASE WHEN f.refund_id IS NULL THEN 0 WHEN f.tender <> 'store_credit' THEN 1 "
    "WHEN f.amount <> c.amount THEN 2 ELSE 3 END "
    "FROM store_credit c LEFT JOIN refund f ON f.refund_id = c.refund_id "
    "LEFT JOIN orders o ON o.order_id = f.order_id WHERE c.refund_id IS NOT NULL AND "
    "(f.refund_id IS NULL OR f.amount <> c.amount OR f.tender <> 'store_credit' OR "
    "o.customer_id IS NOT c.customer_id) "
    "UNION ALL "
    "SELECT 2, COALESCE(o.customer_id, ''), 0, f.refund_id, "
    "COALESCE(SUM(c.amount), 0), f.amount, COUNT(c.entry_id) "
    "FROM refund f LEFT JOIN store_credit c ON c.refund_id = f.refund_id "
    "LEFT JOIN orders o ON o.order_id = f.order_id "
    "WHERE f.tender = 'store_credit' AND f.amount > 0 GROUP BY f.refund_id "
    "HAVING COUNT(c.entry_id) <> 1 "
    "ORDER BY 2, 1, 3, 4";

struct credit_ctx {
	int (*fn)(void *ctx, const struct credit_fault *f);
	void *ctx;
};

static int
credit_fault_row(void *p, const struct store_row *row)
{
	struct credit_ctx *c = p;
	struct credit_fault f;

	f.kind = (enum credit_fault_kind)store_col_int(row, 0);
	f.customer_id = store_col_text(row, 1);
	f.entry_id = store_col_int(row, 2);
	f.refund_id = store_col_int(row, 3);
	f.amount = store_col_int(row, 4);
	f.expected = store_col_int(row, 5);
	f.entries = store_col_int(row, 6);
	return c->fn(c->ctx, &f);
}

int
store_check_credit(struct store *st, int (*fn)(void *ctx, const struct credit_fault *f),
    void *ctx)
{
	sqlite3_stmt *s = store_sql(st, sql_credit_faults);
	struct credit_ctx c = { fn, ctx };

	if (s == NULL)
		return -1;
	return store_each(st, s, credit_fault_row, &c, "checking the store credit ledger");
}

/* --- exchanges and charges ---------------------------------------------- */

static const char sql_check_exchanges[] =
    "SELECT x.exchange_id, x.order_id, x.qty, x.advance, x.new_sku, x.replacement_order, "
    "COALESCE(ml.qty, 0), COALESCE(ml.received, 0), "
    "COALESCE((SELECT SUM(rc.qty) FROM receipt rc WHERE rc.rma_id = x.rma_id "
    "AND rc.line_no = x.line_no AND rc.rejected = 0), 0), "
    "EXISTS (SELECT 1 FROM orders o WHERE o.order_id = x.replacement_order), "
    "COALESCE((SELECT SUM(l.qty) FROM order_line l WHERE l.order_id = x.replacement_order "
    "AND l.sku = x.new_sku), 0) "
    "FROM exchange x LEFT JOIN rma_line ml ON ml.rma_id = x.rma_id AND ml.line_no = x.line_no "
    "ORDER BY x.exchange_id";
static const char sql_check_charges[] =
    "SELECT c.charge_id, COALESCE(c.exchange_id, 0), c.order_id FROM charge c "
    "WHERE c.exchange_id IS NULL OR NOT EXISTS (SELECT 1 FROM exchange x "
    "WHERE x.exchange_id = c.exchange_id) ORDER BY c.charge_id";

struct exchanges_ctx {
	int (*fn)(void *ctx, const struct check_exchange *x);
	void *ctx;
};

static int
check_exchange_row(void *p, const struct store_row *row)
{
	struct exchanges_ctx *w = p;
	struct check_exchange x;

	memset(&x, 0, sizeof x);
	x.exchange_id = store_col_int(row, 0);
	x.order_id = store_col_text(row, 1);
	x.qty = store_col_int(row, 2);
	x.advance = (int)store_col_int(row, 3);
	x.new_sku = store_col_text(row, 4);
	x.replacement = store_col_text(row, 5);
	x.rma_qty = store_col_int(row, 6);
	x.received = store_col_int(row, 7);
	x.accepted = store_col_int(row, 8);
	x.found = (int)store_col_int(row, 9);
	x.units = store_col_int(row, 10);
	return w->fn(w->ctx, &x);
}

static int
check_charge_row(void *p, const struct store_row *row)
{
	struct exchanges_ctx *w = p;
	struct check_exchange x;

	memset(&x, 0, sizeof x);
	x.charge_id = store_col_int(row, 0);
	x.exchange_id = store_col_int(row, 1);
	x.order_id = store_col_text(row, 2);
	return w->fn(w->ctx, &x);
}

int
store_check_exchanges(struct store *st,
    int (*fn)(void *ctx, const struct check_exchange *x), void *ctx)
{
	struct exchanges_ctx w = { fn, ctx };
	sqlite3_stmt *s;

	if ((s = store_sql(st, sql_check_exchanges)) == NULL ||
	    store_each(st, s, check_exchange_row, &w, "reading the exchanges") != 0 ||
	    (s = store_sql(st, sql_check_charges)) == NULL ||
	    store_each(st, s, check_charge_row, &w, "reading the charges") != 0)
		return -1;
	return 0;
}
