/*
 * route-lp: the route batch as a linear program (--write-lp), written for
 * the benchmark's lower bound (tests/bench/route.sh solves it with
 * glpsol); nothing else reads it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "route-int.h"

/*
 * The same problem as a linear program in CPLEX LP format, for glpsol:
 * x(o,n,d) in [0,1] opens a shipment of order o from node n to destination
 * d at its fixed cost (base, handling, late and day penalties); y(l,n) units
 * of line l from n at their weight cost (ship-alone units at the cost of a
 * box each); s(o) >= sum x - 1 splits; u(l) units left unrouted at a price
 * no route pays.  y(l,n) <= min(want, atp) x(o,n,d) ties units to open
 * shipments; stock and capacity bind.  Pinned lines are fixed; their
 * handling is the constant written in the header comment.
 */
struct xvar {
	int node, order, d;
};

static int
xvar_cmp(const void *a, const void *b)
{
	const struct xvar *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

int
lp_write(struct run *r, const char *path)
{
	FILE *fp = fopen(path, "w");
	struct xvar *xs = NULL;
	struct buf bounds = BUF_INIT, sp = BUF_INIT;
	int nxs = 0, capxs = 0;
	double pinned = 0;
	int i, k, c, pass, dl[64], ndl;

	if (fp == NULL) {
		diag_error("%s: cannot create: %s", path, strerror(errno));
		return EX_CANTCREAT;
	}
	for (i = 0; i < r->net.norders; i++) {
		struct rorder *o = &r->net.orders[i];
		int j, first;

		for (k = 0; k < o->pins.n; k++) {
			for (first = 1, j = 0; j < k && first; j++)
				first = o->pins.a[j].node != o->pins.a[k].node;
			if (first)
				pinned += r->net.nodes[o->pins.a[k].node].handling;
		}
	}
	/* "zero" keeps the objective a valid row when there is nothing to route */
	fprintf(fp, "\\ oms-route LP relaxation\n\\ constant %.6f\nMinimize\n obj: 0 zero",
	    pinned);
	r->ideal = 1;
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1)	/* and one row, should nothing else be there */
			fprintf(fp, "\nSubject To\n zero: zero = 0\n");
		for (i = 0; i < r->net.norders; i++) {
			struct rorder *o = &r->net.orders[i];
			int nx = 0;

			if (!routable(o))
				continue;
			candidates(r, o);
			if (pass == 0)
				fprintf(fp, "\n + %.6f s%d", r->opts->split_penalty, i);
			for (k = o->first; k < o->first + o->n; k++) {
				struct rline *l = &r->net.lines[k];
				const struct ritem *it = l->item >= 0 ? &r->net.items[l->item] : NULL;

				if (l->pin != -1 || l->want == 0 || it == NULL)
					continue;
				fprintf(fp, pass == 0 ? "\n + 1000 u%d" : " d%d: u%d", k, k);
				for (c = 0; c < r->scratch.ncand; c++) {
					int n = r->scratch.cand_node[c];
					const struct rrate *b;

					if (!eligible(r, l, n) || atp_of(r, l->item, n) == 0 ||
					    (b = band(r, o, n, line_dest(l), l)) == NULL)
						continue;
					if (pass == 0)
						fprintf(fp, "\n + %.6f y%d_%d", it->alone ?
						    ship_cost(r, o, n, b, it->w, NULL) : b->per_kg * it->w,
						    k, n);
					else
						fprintf(fp, " + y%d_%d", k, n);
				}
				if (pass == 1)
					fprintf(fp, " = %lld\n", (long long)l->want);
			}
			/* the order's destinations */
			ndl = 0;
			for (k = o->first; k < o->first + o->n && ndl < 64; k++) {
				int q, dup = 0;

				for (q = 0; q < ndl && !dup; q++)
					dup = dl[q] == line_dest(&r->net.lines[k]);
				if (!dup)
					dl[ndl++] = line_dest(&r->net.lines[k]);
			}
			for (c = 0; c < r->scratch.ncand; c++) {
				int n = r->scratch.cand_node[c], d, q;

				for (q = 0; q < ndl; q++) {
					const struct rrate *b = NULL, *b0 = NULL;
					int any = 0;

					d = dl[q];

					for (k = o->first; k < o->first + o->n; k++) {
						struct rline *l = &r->net.lines[k];
						int64_t bound;

						if (l->pin != -1 || l->want == 0 || l->item < 0 ||
						    r->net.items[l->item].alone || line_dest(l) != d ||
						    !eligible(r, l, n) || atp_of(r, l->item, n) == 0 ||
						    (b = band(r, o, n, d, l)) == NULL)
							continue;
						if (!any)
							b0 = b;
						any = 1;
						if (pass == 1) {
							bound = atp_of(r, l->item, n) < l->want ?
							    atp_of(r, l->item, n) : l->want;
							fprintf(fp, " t%d_%d: y%d_%d - %lld x%d_%d_%d <= 0\n",
							    k, n, k, n, (long long)bound, i, n, d);
						}
					}
					if (!any)
						continue;
					if (pass == 0) {
						fprintf(fp, "\n + %.6f x%d_%d_%d",
						    ship_cost(r, o, n, b0, 0, NULL), i, n, d);
						buf_addf(&bounds, " x%d_%d_%d <= 1\n", i, n, d);
						continue;
					}
					if (nx++ == 0) {
						buf_reset(&sp);
						buf_addf(&sp, " sp%d: - s%d", i, i);
					}
					buf_addf(&sp, " + x%d_%d_%d", i, n, d);
					if (!order_kept(o, n) && r->net.nodes[n].cap_start != NOCAP) {
						struct xvar *x = PUSH(xs, nxs, capxs);

						x->node = n;
						x->order = i;
						x->d = d;
					}
				}
			}
			if (pass == 1 && nx > 0)
				fprintf(fp, "%s <= 1\n", sp.s);
		}
	}
	r->ideal = 0;
	/* stock: the y drawing on each stock entry */
	for (i = 0; i < r->net.nstock; i++) {
		struct rstock *s = &r->net.stock[i];
		int any = 0;

		for (k = 0; k < r->net.nlines && s->atp_start > 0; k++) {
			struct rline *l = &r->net.lines[k];
			struct rorder *o = &r->net.orders[l->order];

			if (l->item != s->item || l->pin != -1 || l->want == 0 || o->need == 0 ||
			    !eligible(r, l, s->node) ||
			    band(r, o, s->node, line_dest(l), l) == NULL)
				continue;
			if (!any)
				fprintf(fp, " st%d:", i);
			fprintf(fp, " + y%d_%d", k, s->node);
			any = 1;
		}
		if (any)
			fprintf(fp, " <= %lld\n", (long long)s->atp_start);
	}
	/* capacity: the shipments each node may still open, per destination */
	if (nxs > 0)
		qsort(xs, (size_t)nxs, sizeof *xs, xvar_cmp);
	for (i = 0; i < nxs; i = k) {
		fprintf(fp, " c%d_%d:", xs[i].node, xs[i].d);
		for (k = i; k < nxs && xs[k].node == xs[i].node && xs[k].d == xs[i].d; k++)
			fprintf(fp, " + x%d_%d_%d", xs[k].order, xs[k].node, xs[k].d);
		fprintf(fp, " <= %ld\n", r->net.nodes[xs[i].node].cap_start);
	}
	fprintf(fp, "Bounds\n%s", buf_str(&bounds));
	fprintf(fp, "End\n");
	free(xs);
	buf_release(&bounds);
	buf_release(&sp);
	if (fclose(fp) != 0) {
		diag_error("%s: %s", path, strerror(errno));
		return EX_IOERR;
	}
	return 0;
}
