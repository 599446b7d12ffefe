/*
 * oms-report inventory: stock per node and sku, and the network totals
 * per sku (--by sku).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "report-int.h"
#include "store-views.h"

/* --- inventory -------------------------------------------------------- */

static const struct outcol inv_cols[] = {
	{ "node_id", COL_TEXT }, { "sku", COL_TEXT }, { "on_hand", COL_NUM },
	{ "safety_stock", COL_NUM }, { "reserved", COL_NUM }, { "atp", COL_NUM },
};

static int
inv_row(void *p, int n, const char *const *v)
{
	struct view_ctx *c = p;
	char atp[24];
	const char *out[6];

	(void)n;
	int_text(atp, node_atp(num(v[2]), num(v[3]), num(v[4])));
	out[0] = v[0], out[1] = v[1], out[2] = v[2], out[3] = v[3], out[4] = v[4], out[5] = atp;
	row(c, out);
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
 * Whether some line may draw on a node's stock of a sku (an inventory
 * view's row, VIEW_INVENTORY's columns), by allocation's rule: not an
 * inactive node's, nor a node's that may neither ship the sku (a vendor
 * that is not the sku's, a node that cannot be located) nor hand it over.
 */
int
report_stock_usable(const char *const *v)
{
	struct alloc_node_caps caps = { v[7] != NULL && strcmp(v[7], "vendor") == 0,
		(int)num(v[5]), (int)num(v[8]), (int)num(v[9]), (int)num(v[10]),
		(int)num(v[12]) };

	return alloc_serves(&caps, v[11] != NULL && strcmp(v[11], v[0]) == 0) != 0;
}

/* A node's stock of the sku (VIEW_INVENTORY_BY_SKU's columns). */
static int
sku_node_row(void *p, int n, const char *const *v)
{
	struct sku_total *t = sku_push(p, v[1]);

	(void)n;
	if (!report_stock_usable(v)) {
		t->unusable += num(v[2]);
		return 0;
	}
	t->on_hand += num(v[2]);
	t->safety += num(v[3]);
	t->reserved += num(v[4]);
	t->atp += node_atp(num(v[2]), num(v[3]), num(v[4]));
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
sku_alloc_row(void *p, int n, const char *const *v)
{
	struct alloc_merge *m = p;
	struct sku_total key = { .sku = (char *)v[0] }, *t;

	(void)n;
	/* bsearch and qsort must not be handed the NULL of an empty list */
	t = m->sorted ? bsearch(&key, m->l->v, m->sorted, sizeof key, cmp_sku) : NULL;
	if (t == NULL)
		t = sku_push(m->l, v[0]);	/* allocated, but stocked nowhere */
	t->allocated = num(v[1]);
	return 0;
}

/* Load the network totals per sku (of f's skus), sorted by sku. */
static int
sku_totals(struct store *st, const struct view_filter *f, struct sku_list *l)
{
	struct alloc_merge m = { l, 0 };

	if (store_inventory_view(st, VIEW_INVENTORY_BY_SKU, f, sku_node_row, l) != 0)
		return -1;
	m.sorted = l->n;
	if (store_inventory_view(st, VIEW_ALLOCATED_BY_SKU, f, sku_alloc_row, &m) != 0)
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
		c->ncols = 6;
		return store_inventory_view(c->st, VIEW_INVENTORY, f, inv_row, c);
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
