/*
 * oms-report inventory: stock per node and sku (with the part reserved
 * for the node's own pickups), and the network totals per sku (--by
 * sku).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "report-int.h"
#include "store-views.h"

/* --- inventory -------------------------------------------------------- */

/* the last two after atp: scripts read the first six by position */
static const struct outcol inv_cols[] = {
	{ "node_id", COL_TEXT }, { "sku", COL_TEXT }, { "on_hand", COL_NUM },
	{ "safety_stock", COL_NUM }, { "reserved", COL_NUM }, { "atp", COL_NUM },
	{ "reserved_pickup", COL_NUM }, { "reserved_ship", COL_NUM },
};
#define INV_NCOLS ((int)(sizeof inv_cols / sizeof *inv_cols))

/* reserved split: for the node's own pickup and curbside lines, and the rest */
static int
inv_row(void *p, const struct node_stock *x)
{
	struct view_ctx *c = p;
	int64_t reserved = num(x->reserved);
	const char *out[INV_NCOLS] = { x->node_id, x->sku, x->on_hand, x->safety_stock,
		x->reserved, writer_int, writer_int, writer_int };
	int64_t ints[INV_NCOLS] = { 0, 0, 0, 0, 0,
		node_atp(num(x->on_hand), num(x->safety_stock), reserved),
		x->reserved_pickup, reserved - x->reserved_pickup };

	row_ints(c, out, ints);
	return 0;
}

static const struct outcol sku_cols[] = {
	{ "sku", COL_TEXT }, { "on_hand", COL_NUM }, { "safety_stock", COL_NUM },
	{ "allocated", COL_NUM }, { "reserved", COL_NUM }, { "atp", COL_NUM },
	{ "unusable", COL_NUM },
};
#define SKU_NCOLS ((int)(sizeof sku_cols / sizeof *sku_cols))

/*
 * Network totals merge two streams sorted by sku: node rows (summed over
 * the nodes whose stock of the sku some line may use; the rest is
 * unusable) and unrouted allocations per sku.
 */
struct sku_total {
	char *sku;
	int64_t on_hand, safety, reserved, atp, allocated, unusable;
};

struct sku_list {
	struct sku_total *v;
	size_t n, cap;
};

static struct sku_total *
sku_push(struct sku_list *l, const char *sku)
{
	if (l->n > 0 && strcmp(l->v[l->n - 1].sku, sku) == 0)
		return &l->v[l->n - 1];
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	memset(&l->v[l->n], 0, sizeof *l->v);
	l->v[l->n].sku = xstrdup(sku);
	return &l->v[l->n++];
}

/*
 * Whether some line may draw on a node's stock of a sku, by allocation's
 * rule: not an inactive node's, nor a node's that may neither ship the
 * sku (a vendor that is not the sku's, a node that cannot be located) nor
 * hand it over.
 */
int
report_stock_usable(const struct node_stock *x)
{
	struct alloc_node_caps caps = { x->type != NULL && strcmp(x->type, "vendor") == 0,
		x->active, x->can_ship, x->can_pickup, x->can_curbside, x->located, 0 };

	return alloc_serves(&caps, x->vendor_node != NULL &&
	    strcmp(x->vendor_node, x->node_id) == 0) != 0;
}

/* A node's stock of the sku, the rows by sku. */
static int
sku_node_row(void *p, const struct node_stock *x)
{
	struct sku_total *t = sku_push(p, x->sku);
	int64_t on_hand = num(x->on_hand), safety = num(x->safety_stock);
	int64_t reserved = num(x->reserved);

	if (!report_stock_usable(x)) {
		t->unusable += on_hand;
		return 0;
	}
	t->on_hand += on_hand;
	t->safety += safety;
	t->reserved += reserved;
	t->atp += node_atp(on_hand, safety, reserved);
	return 0;
}

static int
cmp_sku(const void *a, const void *b)
{
	return strcmp(((const struct sku_total *)a)->sku, ((const struct sku_total *)b)->sku);
}

struct alloc_merge {
	struct sku_list *l;
	size_t sorted;		/* l->v[0..sorted) came sorted from the node rows */
};

static int
sku_alloc_row(void *p, const char *sku, int64_t allocated)
{
	struct alloc_merge *m = p;
	struct sku_total key = { .sku = (char *)sku }, *t;

	/* bsearch and qsort must not be handed the NULL of an empty list */
	t = m->sorted ? bsearch(&key, m->l->v, m->sorted, sizeof key, cmp_sku) : NULL;
	if (t == NULL)
		t = sku_push(m->l, sku);	/* allocated, but stocked nowhere */
	t->allocated = allocated;
	return 0;
}

/* Load the network totals per sku (of f's skus), sorted by sku. */
static int
sku_totals(struct store *st, const struct view_filter *f, struct sku_list *l)
{
	struct alloc_merge m = { l, 0 };

	if (store_stock_view(st, f, 1, sku_node_row, l) != 0)
		return -1;
	m.sorted = l->n;
	if (store_allocated_view(st, f, sku_alloc_row, &m) != 0)
		return -1;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, cmp_sku);
	return 0;
}

static void
sku_list_release(struct sku_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].sku);
	free(l->v);
}

static int64_t
sku_atp(const struct sku_total *t)
{
	return t->atp > t->allocated ? t->atp - t->allocated : 0;
}

int
report_inventory(struct view_ctx *c, const struct view_filter *f)
{
	struct sku_list l = { 0 };

	if (!c->o->by_sku) {
		c->cols = inv_cols;
		c->ncols = INV_NCOLS;
		return store_stock_view(c->st, f, 0, inv_row, c);
	}
	c->cols = sku_cols;
	c->ncols = SKU_NCOLS;
	if (sku_totals(c->st, f, &l) != 0) {
		sku_list_release(&l);
		return -1;
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct sku_total *t = &l.v[i];
		const char *out[SKU_NCOLS];
		int64_t v[SKU_NCOLS] = { 0, t->on_hand, t->safety, t->allocated, t->reserved,
			sku_atp(t), t->unusable };

		out[0] = t->sku;
		for (int k = 1; k < SKU_NCOLS; k++)
			out[k] = writer_int;
		row_ints(c, out, v);
	}
	sku_list_release(&l);
	return 0;
}
