/*
 * route-net: the route wing's index of the network (route-int.h): the
 * stock entries of each item made adjacent and found by item and node,
 * and what each node may ship (allocation's rule, less the evacuated).
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "route-int.h"

static const struct rstock *cmp_stock;	/* for stock_cmp */

static int
stock_cmp(const void *a, const void *b)
{
	const struct rstock *x = &cmp_stock[*(const int *)a], *y = &cmp_stock[*(const int *)b];

	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

/*
 * Index the stock by item and node.  The entries of one item are made
 * adjacent first: candidates() walks an item's stock for every best
 * response, and entries scattered in the order read cost a cache miss each.
 */
void
stock_index(struct run *r)
{
	int *perm = xcalloc((size_t)r->net.nstock + 1, sizeof *perm);
	struct rstock *stock = xcalloc((size_t)r->net.nstock + 1, sizeof *stock);
	struct stock_count *counts = xcalloc((size_t)r->net.nstock + 1, sizeof *counts);
	int i;

	for (i = 0; i < r->net.nstock; i++)
		perm[i] = i;
	cmp_stock = r->net.stock;
	if (r->net.nstock > 1)
		qsort(perm, (size_t)r->net.nstock, sizeof *perm, stock_cmp);
	for (i = 0; i < r->net.nstock; i++) {
		stock[i] = r->net.stock[perm[i]];
		counts[i] = r->net.stock_count[perm[i]];
	}
	free(r->net.stock);
	free(r->net.stock_count);
	free(perm);
	r->net.stock = stock;
	r->net.stock_count = counts;
	r->net.capstock = r->net.ncount = r->net.capcount = r->net.nstock;
	r->net.stock_users = xcalloc((size_t)r->net.nstock + 1, sizeof *r->net.stock_users);
	for (i = 0; i < r->net.nitems; i++)
		r->net.items[i].nstock = 0;
	for (i = r->net.nstock - 1; i >= 0; i--) {
		struct ritem *it = &r->net.items[r->net.stock[i].item];

		it->first = i;
		it->nstock++;
	}
	for (r->net.nslots = 64; r->net.nslots < 2 * (size_t)r->net.nstock; r->net.nslots *= 2)
		;
	r->net.stock_slots = xmalloc(r->net.nslots * sizeof *r->net.stock_slots);
	memset(r->net.stock_slots, 0xff, r->net.nslots * sizeof *r->net.stock_slots);
	for (i = 0; i < r->net.nstock; i++) {
		size_t h = stock_slot(r, r->net.stock[i].item, r->net.stock[i].node);

		while (r->net.stock_slots[h] >= 0)
			h = (h + 1) & (r->net.nslots - 1);
		r->net.stock_slots[h] = i;
	}
}

int64_t
atp_of(struct run *r, int item, int node)
{
	struct rstock *s = stock_at(r, item, node);

	if (s == NULL)
		return 0;
	return r->ideal ? s->atp_start : s->atp;
}

/*
 * What node n may ship by allocation's rule (alloc_serves: a node that
 * cannot be placed ships nothing), as if it could be placed when placed
 * is 1 (lost_node).
 */
unsigned
node_serves(const struct run *r, int n, int own_item, int placed)
{
	const struct rnode *nd = &r->net.nodes[n];
	struct alloc_node_caps caps = { nd->vendor, nd->active, nd->ship, 0, 0, placed, 0 };

	return alloc_serves(&caps, own_item) & ALLOC_SERVES_SHIP;
}

void
node_flags_update(struct run *r, int n)
{
	int placed = r->net.nodes[n].placed;

	r->cache.node_flags[n] = r->net.nodes[n].excluded ? 0 : node_serves(r, n, 0, placed) ? NF_SHIP :
	    node_serves(r, n, 1, placed) ? NF_VENDOR : 0;
}
