/*
 * route-explain: oms-route --explain ORDER (route-int.h): why an order
 * ships from where it does.  The run routes the one order as it would
 * now (its routed work re-planned, nothing written), then says, for each
 * line and each node holding its item, whether the node was a candidate
 * and why not (the sourcing rule, what the node can do, its stock, its
 * capacity, the distance), which the plan chose, and what each candidate
 * plan costs: each node alone, and the plan chosen.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "output.h"
#include "parse.h"
#include "route-int.h"
#include "sourcing.h"

static const struct outcol explain_cols[] = {
	{ "order_id", COL_TEXT }, { "line_no", COL_NUM }, { "sku", COL_TEXT },
	{ "qty", COL_NUM }, { "rules_version", COL_NUM }, { "rule_id", COL_TEXT },
	{ "node_id", COL_TEXT }, { "tier", COL_NUM }, { "atp", COL_NUM },
	{ "held_back", COL_NUM }, { "verdict", COL_TEXT }, { "reason", COL_TEXT },
	{ "cost", COL_NUM }, { "planned", COL_NUM },
};
enum { X_ORDER, X_LINE, X_SKU, X_QTY, X_VERSION, X_RULE, X_NODE, X_TIER, X_ATP, X_HELD,
	X_VERDICT, X_REASON, X_COST, X_PLANNED, X_N };

struct xrow {
	const char *v[X_N];
	char num[X_N][32];
	struct buf why;
};

static void
xnum(struct xrow *x, int col, int64_t v)
{
	int_format(v, 1, x->num[col]);
	x->v[col] = x->num[col];
}

static void
xcost(struct xrow *x, double v)
{
	real_format(round(v * 100) / 100, x->num[X_COST]);
	x->v[X_COST] = x->num[X_COST];
}

/* Units of line li planned at node n in p. */
static int64_t
planned(const struct plan *p, int li, int n)
{
	int64_t q = 0;
	int i;

	for (i = 0; i < p->n; i++)
		if (p->a[i].line == li && p->a[i].node == n)
			q += p->a[i].qty;
	return q;
}

/* Plan p's cost without the tier penalties: money and the other penalties. */
static double
plan_money(struct run *r, const struct rorder *o, const struct plan *p)
{
	double c = plan_cost(r, o, p, NULL);
	int i;

	if (c >= INF)
		return c;
	for (i = 0; i < p->n; i++)
		c -= (double)p->a[i].qty * tier_cost(r, &r->net.lines[p->a[i].line], p->a[i].node);
	return c;
}

/* The nodes of p, "A+B", into b. */
static const char *
plan_nodes(struct run *r, const struct plan *p, struct buf *b)
{
	int i, j;

	buf_reset(b);
	for (i = 0; i < p->n; i++) {
		for (j = 0; j < i && p->a[j].node != p->a[i].node; j++)
			continue;
		if (j < i || p->a[i].qty == 0)
			continue;
		if (b->len > 0)
			buf_addc(b, '+');
		buf_adds(b, r->net.nodes[p->a[i].node].id);
	}
	return buf_str(b);
}

/* Why node n is no candidate for line l of o, into x->why; 0 when it is one. */
static int
excluded(struct run *r, const struct rorder *o, const struct rline *l, int n,
    const struct rstock *s, struct xrow *x)
{
	const struct rnode *nd = &r->net.nodes[n];
	int64_t held = held_back(r, l, n);

	buf_reset(&x->why);
	if (r->tier != NULL && r->tier[l->cls][n] == 0) {
		enum sourcing_why w = SW_OK;
		int sn = sourcing_node(r->src, nd->id);

		if (sn >= 0)
			sourcing_tier(r->src, l->cls, sn, &w);
		buf_adds(&x->why, sourcing_why_text(w));
		return 1;
	}
	if (!eligible(r, l, n)) {
		buf_adds(&x->why, !nd->active ? "node inactive" : !nd->placed ?
		    "node cannot be located" : nd->vendor ? "a vendor ships only its own items" :
		    "node does not ship");
		return 1;
	}
	if (s->atp_start - held <= 0) {
		if (held > 0 && s->atp_start > 0)
			buf_addf(&x->why, "ATP: %lld free, all held back from its rule",
			    (long long)s->atp_start);
		else
			buf_adds(&x->why, "ATP: none free");
		return 1;
	}
	if (nd->cap_start <= 0 && !order_kept(o, n)) {
		buf_adds(&x->why, "capacity: no release left today");
		return 1;
	}
	if (band(r, o, n, line_dest(l), l) == NULL) {
		buf_adds(&x->why, "distance: no rate band reaches the destination");
		return 1;
	}
	return 0;
}

/* Why a candidate that the plan did not use was passed over. */
static const char *
passed_over(struct run *r, const struct rorder *o, const struct rline *l, int n, int best_tier)
{
	if (r->tier != NULL && r->tier[l->cls][n] > best_tier)
		return "tier: an earlier tier serves it";
	if (o->max_splits >= 0 && !within_limit(r, o, &o->plan, &n, 1))
		return "split limit: the order ships from as many nodes as its limit allows";
	return "cost: the plan chosen costs less";
}

int
route_explain(struct run *r, FILE *out)
{
	struct writer w;
	struct xrow x;
	struct buf nodes = BUF_INIT;
	const struct rorder *o;
	char version[24];
	int j, c, nl;

	if (r->net.norders == 0) {
		diag_error("%s: nothing to route: no allocated units that are not released yet, "
		    "or the order is held (oms-allocate --explain says why)",
		    r->opts->explain);
		return EX_DATAERR;
	}
	o = &r->net.orders[0];
	nl = o->n;
	memset(&x, 0, sizeof x);
	int_format(r->src != NULL ? sourcing_version(r->src) : r->counts->rules_version, 1,
	    version);
	writer_init(&w, out, r->opts->format, explain_cols, X_N);
	w.safe_csv = r->opts->safe_csv;
	/* each line, at each node holding its item */
	for (j = 0; j < nl; j++) {
		const int li = o->first + j;
		const struct rline *l = &r->net.lines[li];
		const struct sourcing_rule *rule = r->src ? sourcing_rule_at(r->src, l->rule) : NULL;
		const struct ritem *it;
		int best_tier = 255, k;

		if (l->item < 0)
			continue;
		it = &r->net.items[l->item];
		for (k = 0; k < o->plan.n; k++)
			if (o->plan.a[k].line == li && o->plan.a[k].qty > 0 && r->tier != NULL &&
			    r->tier[l->cls][o->plan.a[k].node] < best_tier)
				best_tier = r->tier[l->cls][o->plan.a[k].node];
		for (k = 0; k < it->nstock; k++) {
			const struct rstock *s = &r->net.stock[it->first + k];
			int n = s->node;
			int64_t q;

			memset(x.v, 0, sizeof x.v);
			x.v[X_ORDER] = o->id;
			xnum(&x, X_LINE, l->line_no);
			x.v[X_SKU] = l->sku;
			xnum(&x, X_QTY, l->want);
			x.v[X_VERSION] = version;
			x.v[X_RULE] = rule ? rule->rule_id : NULL;
			x.v[X_NODE] = r->net.nodes[n].id;
			xnum(&x, X_TIER, r->tier ? r->tier[l->cls][n] : 1);
			xnum(&x, X_ATP, s->atp_start);
			xnum(&x, X_HELD, held_back(r, l, n));
			if (l->pin >= 0) {
				/* collected at its store: no choice to explain */
				if (n != l->pin)
					continue;
				q = planned(&o->pins, li, n);
				x.v[X_VERDICT] = q > 0 ? "chosen" : "short";
				x.v[X_REASON] = "the customer collects it at this store";
				xnum(&x, X_PLANNED, q);
				writer_row(&w, x.v);
				continue;
			}
			q = planned(&o->plan, li, n);
			if (q == 0 && excluded(r, o, l, n, s, &x)) {
				x.v[X_VERDICT] = "excluded";
				x.v[X_REASON] = buf_str(&x.why);
			} else {
				const struct rrate *b = band(r, o, n, line_dest(l), l);

				/* its units from there, as a shipment of their own */
				if (b != NULL) {
					double m;

					if (it->alone) {
						ship_cost(r, o, n, b, it->w, &m);
						m *= (double)l->want;
					} else
						ship_cost(r, o, n, b, it->w * (double)l->want, &m);
					xcost(&x, m);
				}
				x.v[X_VERDICT] = q > 0 ? "chosen" : "candidate";
				x.v[X_REASON] = q > 0 ? NULL : passed_over(r, o, l, n, best_tier);
			}
			xnum(&x, X_PLANNED, q);
			writer_row(&w, x.v);
		}
	}
	/* the candidate plans: each candidate alone, then the plan chosen */
	r->ideal = 1;
	candidates(r, o);
	for (c = 0; c < r->scratch.ncand; c++) {
		struct plan *p = &r->scratch.trial;
		int node = r->scratch.cand_node[c];

		plan_single(r, o, c, p);
		if (p->covered == 0)
			continue;
		memset(x.v, 0, sizeof x.v);
		x.v[X_ORDER] = o->id;
		xnum(&x, X_QTY, p->covered);
		x.v[X_VERSION] = version;
		x.v[X_NODE] = plan_nodes(r, p, &nodes);
		x.v[X_VERDICT] = "plan";
		buf_reset(&x.why);
		if (p->covered < o->need)
			buf_addf(&x.why, "covers %lld of %lld units", (long long)p->covered,
			    (long long)o->need);
		if (!within_limit(r, o, NULL, &node, 1))
			buf_addf(&x.why, "%sover its split limit", x.why.len ? "; " : "");
		x.v[X_REASON] = buf_str(&x.why);
		xcost(&x, plan_money(r, o, p));
		writer_row(&w, x.v);
	}
	r->ideal = 0;
	if (o->plan.n > 0) {
		memset(x.v, 0, sizeof x.v);
		x.v[X_ORDER] = o->id;
		xnum(&x, X_QTY, o->plan.covered);
		x.v[X_VERSION] = version;
		x.v[X_NODE] = plan_nodes(r, &o->plan, &nodes);
		x.v[X_VERDICT] = "chosen plan";
		xcost(&x, plan_money(r, o, &o->plan));
		writer_row(&w, x.v);
	}
	writer_finish(&w);
	buf_release(&x.why);
	buf_release(&nodes);
	return 0;
}
