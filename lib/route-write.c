/*
 * route-write: the end of a route run (route-int.h): what each line
 * leaves (waiting, or back to backorder and why), then the output rows
 * with their money, the store's rows (line_node, order_line) and the
 * events, each pass in the order it is best written in.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "model.h"
#include "output.h"
#include "parse.h"
#include "route-int.h"
#include "store-route.h"
#include "store-order.h"

/* --- what each line leaves ----------------------------------------------------- */

/* A stock entry still able to give line l something (capacity aside)? */
static int
stock_left(struct run *r, const struct rline *l)
{
	const struct ritem *it = &r->net.items[l->item];
	int k;

	for (k = 0; k < it->nstock; k++) {
		const struct rstock *s = &r->net.stock[it->first + k];

		if (s->atp > 0 && eligible(r, l, s->node))
			return 1;
	}
	return 0;
}

/*
 * A node that would serve line l if it could be placed: without a place,
 * not evacuated, and one that ships l's item by allocation's rule.
 */
static int
lost_node(struct run *r, const struct rline *l, int n)
{
	const struct rnode *nd = &r->net.nodes[n];

	return !nd->placed && !nd->excluded && node_serves(r, n, r->net.items[l->item].vendor == n, 1);
}

/*
 * What each line leaves: the units no node can take now wait, allocated,
 * for a later run; those that cannot be served go back to backorder, and
 * why: a destination that cannot be placed; a pickup store short of
 * stock; no stock left at an eligible node, unless a node that cannot be
 * placed holds some (its units given to the lines first in the order of
 * service, as far as they go: that node is their reason).
 */
void
settle_lines(struct run *r)
{
	int i, p, k;

	for (i = 0; i < r->net.norders; i++) {
		const struct rorder *o = &r->net.orders[i];
		const struct plan *plans[2] = { &o->plan, &o->pins };

		for (p = 0; p < 2; p++)
			for (k = 0; k < plans[p]->n; k++)
				r->net.lines[plans[p]->a[k].line].assigned += plans[p]->a[k].qty;
	}
	for (i = 0; i < r->net.nlines; i++) {
		struct rline *l = &r->net.lines[i];
		int64_t waiting = l->want - l->assigned;

		l->to_backorder = 0;
		if (l->nowhere > 0) {
			l->to_backorder = l->nowhere;
			l->why = l->locker >= 0 ? BO_LOCKER : BO_DEST;
			l->why_node = l->locker;
		} else if (l->pin != -1 && !l->closed) {
			l->to_backorder = waiting;
			l->why = BO_ROUTE_STORE;
		} else if (waiting > 0 && l->item >= 0 && !stock_left(r, l)) {
			const struct ritem *it = &r->net.items[l->item];

			l->to_backorder = waiting;
			l->why = BO_ROUTE_STOCK;
			for (k = 0; k < it->nstock && l->why == BO_ROUTE_STOCK; k++) {
				struct rstock *s = &r->net.stock[it->first + k];

				if (s->atp <= 0 || !lost_node(r, l, s->node))
					continue;
				l->why = BO_NODE;
				l->why_node = s->node;
				s->atp -= s->atp < waiting ? s->atp : waiting;
			}
		}
		if (l->to_backorder > 0 && (l->why == BO_NODE || l->why == BO_LOCKER))
			r->net.nodes[l->why_node].lost++;
	}
}

/* The reason of line l's units sent back to backorder, into b. */
static const char *
reason_text(struct run *r, const struct rline *l, struct buf *b)
{
	const struct rorder *o = &r->net.orders[l->order];
	const struct rnode *n;

	if (l->why == BO_LOCKER || l->why == BO_NODE) {
		n = &r->net.nodes[l->why_node];
		return backorder_reason(b, l->why, n->id, n->code, n->country);
	}
	return backorder_reason(b, l->why, NULL, o->code, o->country);
}

/* --- writing --------------------------------------------------------------------- */

static const struct outcol route_cols[] = {
	{ "order_id", COL_TEXT }, { "line_no", COL_NUM }, { "sku", COL_TEXT },
	{ "qty", COL_NUM }, { "node_id", COL_TEXT }, { "cost", COL_NUM },
	{ "transit_days", COL_NUM }, { "late", COL_NUM },
};

/* What one assignment costs and how long it takes. */
struct share {
	double money;
	int transit, late;
};

/*
 * Price the shipments of order o: for assignment i of plan p (pins: 1 for
 * the pinned plan), its share of its shipment's money (by weight, else by
 * units), transit and lateness; and count the shipments, and the splits
 * as plan_cost prices them.
 */
static void
price(struct run *r, const struct rorder *o, const struct plan *p, int pins,
    struct share *sh, struct route_counts *n)
{
	int i, j, fresh = 0;

	for (i = 0; i < p->n; i++) {
		const struct assignment *a = &p->a[i];
		const struct rline *l = &r->net.lines[a->line];
		const struct ritem *it = &r->net.items[l->item];
		const struct rrate *b;
		double w = 0, units = 0, m;
		int d = line_dest(l), first = 1;

		if (pins) {
			for (j = 0; j < p->n; j++)
				if (p->a[j].node == a->node) {
					units += (double)p->a[j].qty;
					first &= j >= i;
				}
			sh[i].money = r->net.nodes[a->node].handling * (double)a->qty / units;
			sh[i].transit = 0;
			sh[i].late = o->slack != INT_MAX && r->net.nodes[a->node].proc_days > o->slack;
			if (first) {
				n->shipments++;
				n->late += sh[i].late;
			}
			continue;
		}
		b = band(r, o, a->node, d, l);
		sh[i].transit = b ? b->transit : 0;
		sh[i].late = b ? is_late(r, o, a->node, b) : 0;
		if (b == NULL) {
			sh[i].money = 0;
			continue;
		}
		if (it->alone) {
			ship_cost(r, o, a->node, b, it->w, &m);
			sh[i].money = m * (double)a->qty;
			n->shipments += a->qty;
			n->late += sh[i].late ? a->qty : 0;
			continue;
		}
		for (j = 0; j < p->n; j++) {
			const struct rline *k = &r->net.lines[p->a[j].line];

			if (p->a[j].node != a->node || r->net.items[k->item].alone ||
			    line_dest(k) != d)
				continue;
			w += (double)p->a[j].qty * r->net.items[k->item].w;
			units += (double)p->a[j].qty;
			if (j < i)
				first = 0;
		}
		ship_cost(r, o, a->node, b, w, &m);
		sh[i].money = w > 0 ? m * (double)a->qty * it->w / w : m * (double)a->qty / units;
		if (first) {
			n->shipments++;
			n->late += sh[i].late;
			fresh += fresh_shipment(o, a->node, d);
		}
	}
	if (!pins)
		n->splits += splits_of(o, fresh);
}

/* round(v * 100), the cents cost_format prints */
static int64_t
cost_cents(double v)
{
	double c = round(v * 100);

	return c > -1e15 && c < 1e15 ? (int64_t)c : 0;
}

/*
 * real_format(round(v * 100) / 100, out), without its printf and strtod
 * round trips: a whole number of cents prints as the shortest of "12",
 * "12.5" and "12.34", which is what real_format finds for them.
 */
static void
cost_format(double v, char *out)
{
	double c = round(v * 100);
	long long u;

	if (!(c > 0 && c < 1e13)) {
		real_format(c / 100, out);
		return;
	}
	u = (long long)c;
	if (u % 100 == 0)
		snprintf(out, 32, "%lld", u / 100);
	else if (u % 10 == 0)
		snprintf(out, 32, "%lld.%lld", u / 100, u % 100 / 10);
	else
		snprintf(out, 32, "%lld.%02lld", u / 100, u % 100);
}

/*
 * What one pass of write_all does with each line: the output rows and the
 * counts, in the order of service; the store's rows, in the order of
 * their keys (each page of the tables is then met once, not at random:
 * SQLite's cache holds a fraction of a large store); the events.
 */
enum {
	W_ROWS = 1,		/* output rows, summary counts */
	W_NODES = 2,		/* line_node */
	W_LINES = 4,		/* order_line */
	W_EVENTS = 8
};

/*
 * The routed quantity of line l at the node of assignment a after this
 * run (kept work plus this run's), and before it (*old).
 */
static int64_t
routed_now(const struct rline *l, const struct assignment *a, int64_t *old)
{
	int64_t kept = 0;
	int k;

	*old = 0;
	for (k = 0; k < l->nwork; k++)
		if (l->work[k].node == a->node) {
			*old = l->work[k].qty;
			kept = l->work[k].qty - l->work[k].inplay;
		}
	return kept + a->qty;
}

/*
 * The line_node rows of line l that this run raises (with the cost and
 * transit days their line.routed events give): how many, or -1.
 * write_line writes them last, after what the line gives back (work
 * lowered or moved off a node, allocated lowered), then has the store
 * check the line's counts (store_line_check).
 */
static int
write_raised_nodes(struct run *r, const struct rline *l, const struct plan *const *plans,
    const struct share *const *shares)
{
	const struct rorder *o = &r->net.orders[l->order];
	int li = (int)(l - r->net.lines), p, i, n = 0;

	for (p = 0; p < 2; p++)
		for (i = 0; i < plans[p]->n; i++) {
			const struct assignment *a = &plans[p]->a[i];
			int64_t old, now;

			if (a->line != li || (now = routed_now(l, a, &old)) <= old)
				continue;
			if (store_line_node_route(r->st, o->id, l->line_no, r->net.nodes[a->node].id,
			    now, cost_cents(shares[p][i].money), shares[p][i].transit) != 0)
				return -1;
			n++;
		}
	return n;
}

static int
write_line_lowered(struct run *r, struct writer *w, int what, struct rline *l,
    const struct plan *const *plans, const struct share *const *shares, struct buf *payload)
{
	const struct rorder *o = &r->net.orders[l->order];
	int li = (int)(l - r->net.lines), k, p, i;
	int64_t assigned = 0, waiting, to_backorder = 0;
	char f[6][32];

	/* new routed quantity per node: kept work plus this run's */
	for (p = 0; p < 2; p++)
		for (i = 0; i < plans[p]->n; i++) {
			const struct assignment *a = &plans[p]->a[i];
			int64_t old, now;
			const char *row[8];
			char cost[32];

			if (a->line != li)
				continue;
			assigned += a->qty;
			now = routed_now(l, a, &old);
			if (now == old)
				continue;
			/* lowered here; raised by write_raised_nodes */
			if ((what & W_NODES) && now < old && store_line_node_route(r->st, o->id,
			    l->line_no, r->net.nodes[a->node].id, now, cost_cents(shares[p][i].money),
			    shares[p][i].transit) != 0)
				return -1;
			if (!(what & (W_ROWS | W_EVENTS)))
				continue;
			cost_format(shares[p][i].money, cost);
			row[0] = o->id;
			int_format(l->line_no, 1, f[0]);
			row[1] = f[0];
			row[2] = l->sku;
			int_format(now, 1, f[1]);
			row[3] = f[1];
			row[4] = r->net.nodes[a->node].id;
			row[5] = cost;
			int_format(shares[p][i].transit, 1, f[2]);
			row[6] = f[2];
			row[7] = shares[p][i].late ? "1" : "0";
			if (what & W_ROWS) {
				r->counts->changes++;
				writer_row(w, row);
				r->counts->rows++;
			}
			if (!(what & W_EVENTS))
				continue;
			jsonw_start(payload);
			jsonw_int(payload, "line_no", l->line_no);
			jsonw_str(payload, "sku", l->sku);
			jsonw_str(payload, "node_id", row[4]);
			jsonw_int(payload, "qty", now);
			jsonw_int(payload, "previous", old);
			jsonw_raw(payload, "cost", cost);
			jsonw_int(payload, "transit_days", shares[p][i].transit);
			jsonw_int(payload, "late", shares[p][i].late ? 1 : 0);
			if (events_add(&r->events, o->id, "line.routed", jsonw_end(payload)) != 0)
				return -1;
		}
	/* work moved off a node and not put back there */
	for (k = 0; k < l->nwork; k++) {
		struct rwork *wk = &l->work[k];
		int back = 0;

		if (wk->inplay == 0 || wk->node < 0)
			continue;
		for (p = 0; p < 2 && !back; p++)
			for (i = 0; i < plans[p]->n && !back; i++)
				back = plans[p]->a[i].line == li && plans[p]->a[i].node == wk->node;
		if (back)
			continue;
		if ((what & W_NODES) && store_line_node_routed(r->st, o->id, l->line_no,
		    r->net.nodes[wk->node].id, wk->qty - wk->inplay) != 0)
			return -1;
		if (what & W_ROWS)
			r->counts->changes++;
		if (!(what & W_EVENTS))
			continue;
		jsonw_start(payload);
		jsonw_int(payload, "line_no", l->line_no);
		jsonw_str(payload, "node_id", r->net.nodes[wk->node].id);
		jsonw_int(payload, "qty", wk->inplay);
		if (events_add(&r->events, o->id, "line.unrouted", jsonw_end(payload)) != 0)
			return -1;
	}
	/* what is left (settle): back to backorder, or waiting */
	to_backorder = l->to_backorder;
	waiting = l->want + l->nowhere - assigned - to_backorder;
	if (what & W_ROWS) {
		r->counts->units += assigned;
		if (waiting > 0) {
			r->counts->waiting_lines++;
			r->counts->units_waiting += waiting;
		}
	}
	if (waiting == l->allocated && to_backorder == 0)
		return 0;
	if (what & W_ROWS)
		r->counts->changes++;
	if (to_backorder > 0) {
		const char *why = reason_text(r, l, &r->scratch.why_text);

		if (what & W_ROWS) {
			r->counts->backordered_lines++;
			r->counts->units_backordered += to_backorder;
		}
		if ((what & W_LINES) && store_route_line(r->st, o->id, l->line_no, waiting,
		    l->backordered + to_backorder, why, 1) != 0)
			return -1;
		if (!(what & W_EVENTS))
			return 0;
		jsonw_start(payload);
		jsonw_int(payload, "line_no", l->line_no);
		jsonw_str(payload, "sku", l->sku);
		jsonw_int(payload, "allocated", waiting);
		jsonw_int(payload, "backordered", l->backordered + to_backorder);
		jsonw_str(payload, "reason", why);
		jsonw_int(payload, "previous", l->allocated);
		return events_add(&r->events, o->id, "line.backordered", jsonw_end(payload));
	}
	if (what & W_LINES)
		return store_route_line(r->st, o->id, l->line_no, waiting, l->backordered, l->old_reason,
		    0);
	return 0;
}

/*
 * One pass of write_all over line l: with W_NODES (and W_LINES), what the
 * line gives back first, then what it takes, and the check of the line's
 * counts when it took anything.
 */
static int
write_line(struct run *r, struct writer *w, int what, struct rline *l,
    const struct plan *const *plans, const struct share *const *shares, struct buf *payload)
{
	int raised;

	if (write_line_lowered(r, w, what, l, plans, shares, payload) != 0)
		return -1;
	if (!(what & W_NODES))
		return 0;
	if ((raised = write_raised_nodes(r, l, plans, shares)) < 0)
		return -1;
	return raised > 0 ? store_line_check(r->st, r->net.orders[l->order].id, l->line_no,
	    "routing a line") : 0;
}

static const struct run *id_run;	/* for id_cmp */

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(id_run->net.orders[*(const int *)a].id, id_run->net.orders[*(const int *)b].id);
}

/* The passes over the plans into writer w. */
static int
write_passes(struct run *r, struct writer *w)
{
	static const int passes[] = { W_ROWS, W_NODES | W_LINES, W_EVENTS };
	struct buf payload = BUF_INIT;
	struct share *sh[2] = { NULL, NULL };
	struct route_counts scratch;
	int cap[2] = { 0, 0 };
	int *by_id = xcalloc((size_t)r->net.norders + 1, sizeof *by_id);
	int i, k, p, q, ret = 0;

	memset(&scratch, 0, sizeof scratch);
	/* the orders by id, as the store's keys sort them (strcmp is memcmp) */
	for (i = 0; i < r->net.norders; i++)
		by_id[i] = i;
	id_run = r;
	if (r->net.norders > 1)
		qsort(by_id, (size_t)r->net.norders, sizeof *by_id, id_cmp);
	for (q = 0; q < (int)(sizeof passes / sizeof *passes) && ret == 0; q++) {
		int what = passes[q];
		struct route_counts *n = what & W_ROWS ? r->counts : &scratch;

		for (i = 0; i < r->net.norders && ret == 0; i++) {
			int oi = what & (W_NODES | W_LINES) ? by_id[i] : i;
			struct rorder *o = &r->net.orders[oi];
			const struct plan *plans[2] = { &o->plan, &o->pins };
			const struct share *cs[2];
			long rows = n->rows;

			for (p = 0; p < 2; p++) {
				if (cap[p] < plans[p]->n + 1) {
					cap[p] = plans[p]->n + 1;
					sh[p] = xrealloc(sh[p], (size_t)cap[p] * sizeof *sh[p]);
				}
				price(r, o, plans[p], p, sh[p], n);
				cs[p] = sh[p];
				for (k = 0; k < plans[p]->n; k++)
					n->cost += sh[p][k].money;
			}
			if (o->plan.n > 0 && o->plan.cost < INF) {
				n->objective += o->plan.cost;
				/* a tier's order is a rule, not money: not in the objective shown */
				for (k = 0; k < o->plan.n && r->tier != NULL; k++)
					n->objective -= (double)o->plan.a[k].qty *
					    tier_cost(r, &r->net.lines[o->plan.a[k].line],
					    o->plan.a[k].node);
			}
			for (k = 0; k < o->pins.n; k++)
				n->objective += sh[1][k].money;
			for (k = o->first; k < o->first + o->n && ret == 0; k++)
				ret = write_line(r, w, what, &r->net.lines[k], plans, cs, &payload);
			if (n->rows > rows)
				n->orders++;
			n->lines += o->n;
		}
	}
	if (ret == 0)
		ret = events_flush(&r->events);
	else
		events_drop(&r->events);
	free(by_id);
	free(sh[0]);
	free(sh[1]);
	buf_release(&payload);
	return ret;
}

int
write_results(struct run *r, FILE *out)
{
	struct writer w;
	int ret;

	writer_init(&w, out, r->opts->format, route_cols, 8);
	w.safe_csv = r->opts->safe_csv;
	ret = write_passes(r, &w);
	writer_finish(&w);
	return ret;
}
