/*
 * alloc-supply: backordered lines take stock on its way (alloc-supply.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc-supply.h"
#include "alloc.h"
#include "jsonw.h"
#include "model.h"
#include "sourcing.h"
#include "store-supply.h"
#include "util.h"

static const char *
supply_words(void)
{
	return backorder_reason(NULL, BO_SUPPLY, NULL, NULL, NULL);
}

int
alloc_supply_waiting(const char *reason)
{
	return reason != NULL && strcmp(reason, supply_words()) == 0;
}

int
alloc_supply_serves(const struct open_supply *s, const char *method, const char *pickup_node)
{
	struct alloc_node_caps caps;
	unsigned serves;

	caps.vendor = s->vendor;
	caps.active = s->active;
	caps.can_ship = s->can_ship;
	caps.can_pickup = s->can_pickup;
	caps.can_curbside = s->can_curbside;
	caps.located = s->located;
	caps.ship_to_store = s->ship_to_store;
	serves = alloc_serves(&caps, s->own_item);
	if (strcmp(method, "pickup") == 0 || strcmp(method, "curbside") == 0)
		return pickup_node != NULL && strcmp(pickup_node, s->node_id) == 0 &&
		    (serves & (method[0] == 'p' ? ALLOC_SERVES_PICKUP : ALLOC_SERVES_CURBSIDE));
	return (serves & ALLOC_SERVES_SHIP) != 0;
}

/* --- rows read before anything is written ------------------------------------ */

struct peg {
	char *supply_id, *order_id, *expected_at, *reason;
	int64_t line_no, qty, backordered, allocated, excess;
};

struct opensup {
	struct open_supply s;	/* its strings owned */
};

struct wline {
	struct waiting_line l;	/* its strings owned */
};

struct step {
	struct store *st;
	struct sourcing *src;
	struct alloc_supply_counts *n;
	struct buf payload;
	struct peg *pegs;
	long npegs, cappegs;
	struct opensup *sup;
	long nsup, capsup;
	struct wline *lines;
	long nlines, caplines;
	struct strmap by_sku;	/* sku -> 1 + its first supply */
};

static char *
dup_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static int
peg_row(void *p, const struct supply_peg *g)
{
	struct step *w = p;
	struct peg *x;

	if (w->npegs == w->cappegs) {
		w->cappegs = w->cappegs ? 2 * w->cappegs : 64;
		w->pegs = xrealloc(w->pegs, (size_t)w->cappegs * sizeof *w->pegs);
	}
	x = &w->pegs[w->npegs++];
	x->supply_id = xstrdup(g->supply_id);
	x->order_id = xstrdup(g->order_id);
	x->expected_at = xstrdup(g->expected_at);
	x->reason = dup_null(g->reason);
	x->line_no = g->line_no;
	x->qty = g->qty;
	x->backordered = g->backordered;
	x->allocated = g->allocated;
	x->excess = g->excess;
	return 0;
}

static int
open_row(void *p, const struct open_supply *s)
{
	struct step *w = p;
	struct open_supply *x;
	void *v;

	if (s->open <= 0)
		return 0;
	if (w->nsup == w->capsup) {
		w->capsup = w->capsup ? 2 * w->capsup : 64;
		w->sup = xrealloc(w->sup, (size_t)w->capsup * sizeof *w->sup);
	}
	x = &w->sup[w->nsup].s;
	*x = *s;
	x->supply_id = xstrdup(s->supply_id);
	x->node_id = xstrdup(s->node_id);
	x->sku = xstrdup(s->sku);
	x->expected_at = xstrdup(s->expected_at);
	if (!strmap_get(&w->by_sku, x->sku, &v))
		strmap_put(&w->by_sku, x->sku, (void *)(uintptr_t)(w->nsup + 1));
	w->nsup++;
	return 0;
}

static int
line_row(void *p, const struct waiting_line *l)
{
	struct step *w = p;
	struct waiting_line *x;

	if (l->backordered <= l->pegged)
		return 0;
	if (w->nlines == w->caplines) {
		w->caplines = w->caplines ? 2 * w->caplines : 64;
		w->lines = xrealloc(w->lines, (size_t)w->caplines * sizeof *w->lines);
	}
	x = &w->lines[w->nlines++].l;
	*x = *l;
	x->order_id = xstrdup(l->order_id);
	x->sku = xstrdup(l->sku);
	x->method = xstrdup(l->method);
	x->pickup_node = dup_null(l->pickup_node);
	x->reason = dup_null(l->reason);
	x->channel = xstrdup(l->channel);
	x->ship_country = xstrdup(l->ship_country);
	x->ship_region = xstrdup(l->ship_region);
	x->ship_postal_code = xstrdup(l->ship_postal_code);
	return 0;
}

static void
step_free(struct step *w)
{
	long i;

	for (i = 0; i < w->npegs; i++) {
		free(w->pegs[i].supply_id);
		free(w->pegs[i].order_id);
		free(w->pegs[i].expected_at);
		free(w->pegs[i].reason);
	}
	for (i = 0; i < w->nsup; i++) {
		free((char *)w->sup[i].s.supply_id);
		free((char *)w->sup[i].s.node_id);
		free((char *)w->sup[i].s.sku);
		free((char *)w->sup[i].s.expected_at);
	}
	for (i = 0; i < w->nlines; i++) {
		struct waiting_line *l = &w->lines[i].l;

		free((char *)l->order_id);
		free((char *)l->sku);
		free((char *)l->method);
		free((char *)l->pickup_node);
		free((char *)l->reason);
		free((char *)l->channel);
		free((char *)l->ship_country);
		free((char *)l->ship_region);
		free((char *)l->ship_postal_code);
	}
	free(w->pegs);
	free(w->sup);
	free(w->lines);
	strmap_release(&w->by_sku, NULL);
	buf_release(&w->payload);
}

/*
 * The event of a line whose expected date changed: "line.expected" with
 * its supply and date now (null when it waits for none) and the one before.
 */
static int
tell_expected(struct store *st, struct buf *b, const char *order_id, int64_t line_no,
    const char *previous, int64_t pegged)
{
	char at[21], sid[ROWS_MAX_KEY + 1];
	int r;

	if ((r = store_line_expected(st, order_id, line_no, at, sid)) < 0)
		return -1;
	if (previous != NULL && r == 1 && strcmp(previous, at) == 0 && pegged == 0)
		return 0;
	if (previous == NULL && r == 0)
		return 0;
	jsonw_start(b);
	jsonw_str(b, "order_id", order_id);
	jsonw_int(b, "line_no", line_no);
	jsonw_str(b, "supply_id", r == 1 ? sid : NULL);
	jsonw_str(b, "expected_at", r == 1 ? at : NULL);
	jsonw_str(b, "previous", previous);
	if (pegged > 0)
		jsonw_int(b, "pegged", pegged);
	return store_event(st, order_id, "line.expected", jsonw_end(b));
}

/* Lines pegged beyond what they lack: the pegs expected last let go first. */
static int
trim(struct step *w, int scoped)
{
	long i, j;

	if (store_pegs_over(w->st, scoped, peg_row, w) != 0)
		return -1;
	for (i = 0; i < w->npegs; i = j) {
		const struct peg *first = &w->pegs[i];
		int64_t excess = first->excess, left;

		for (j = i; j < w->npegs && strcmp(w->pegs[j].order_id, first->order_id) == 0 &&
		    w->pegs[j].line_no == first->line_no; j++) {
			const struct peg *g = &w->pegs[j];
			int64_t cut = g->qty < excess ? g->qty : excess;

			if (cut == 0)
				continue;
			if (store_peg_set(w->st, g->supply_id, g->order_id, g->line_no,
			    g->qty - cut) != 0)
				return -1;
			excess -= cut;
			w->n->units_unpegged += cut;
		}
		/* a line still short with nothing on its way: a plain backorder */
		left = store_line_expected(w->st, first->order_id, first->line_no,
		    (char[21]){ 0 }, NULL);
		if (left < 0)
			return -1;
		if (left == 0 && first->backordered > 0 && alloc_supply_waiting(first->reason) &&
		    store_line_supply_set(w->st, first->order_id, first->line_no,
		    first->allocated, first->backordered,
		    backorder_reason(NULL, BO_NETWORK, NULL, NULL, NULL)) != 0)
			return -1;
		/* still waiting for some: allocation gave its backorder a reason anew */
		if (left == 1 && !alloc_supply_waiting(first->reason) &&
		    store_line_supply_set(w->st, first->order_id, first->line_no,
		    first->allocated, first->backordered, supply_words()) != 0)
			return -1;
		/* the latest first: the line's date before */
		if (tell_expected(w->st, &w->payload, first->order_id, first->line_no,
		    first->expected_at, 0) != 0)
			return -1;
	}
	return 0;
}

/*
 * The class of line l (0 without rules), and in *rule the sourcing rule
 * it matches (-1: none).
 */
static int
line_class(struct step *w, const struct waiting_line *l, int *rule)
{
	struct sourcing_order so;
	struct sourcing_line sl;

	so.channel = l->channel;
	so.ship_country = l->ship_country;
	so.ship_region = l->ship_region;
	so.ship_postal_code = l->ship_postal_code;
	so.priority = l->priority;
	so.value = l->value;
	sl.sku = l->sku;
	sl.method = l->method;
	sl.item_class = NULL;
	return sourcing_line_class(w->src, &so, &sl, rule);
}

/* May a line of class cls use supply s's node, as its rule says? */
static int
rule_allows(struct step *w, int cls, const struct waiting_line *l, const struct open_supply *s)
{
	int node;

	if (w->src == NULL)
		return 1;
	/* the customer comes to the store: its own stock whatever the rules */
	if (l->pickup_node != NULL && strcmp(l->method, "ship") != 0 &&
	    strcmp(l->method, "locker") != 0 && strcmp(l->pickup_node, s->node_id) == 0)
		return 1;
	if ((node = sourcing_node(w->src, s->node_id)) < 0)
		return 0;
	return sourcing_tier(w->src, cls, node, NULL) > 0;
}

static int
peg_line(struct step *w, const struct waiting_line *l)
{
	char before[21];
	void *v;
	long k;
	int64_t need = l->backordered - l->pegged, took = 0;
	int cls = 0, had, rule = -1;
	const struct sourcing_rule *x;

	before[0] = '\0';
	if (!strmap_get(&w->by_sku, l->sku, &v))
		return 0;
	if (w->src != NULL && (cls = line_class(w, l, &rule)) < 0)
		return -1;
	/* a rule whose on_short is not supply keeps its lines off stock on its way */
	if (w->src != NULL && (x = sourcing_rule_at(w->src, rule)) != NULL &&
	    x->on_short != SHORT_SUPPLY)
		return 0;
	for (k = (long)(uintptr_t)v - 1; k < w->nsup && need > 0 &&
	    strcmp(w->sup[k].s.sku, l->sku) == 0; k++) {
		struct open_supply *s = &w->sup[k].s;
		int64_t take;

		if (s->open <= 0 || !alloc_supply_serves(s, l->method,
		    strcmp(l->method, "ship") == 0 ? NULL : l->pickup_node) ||
		    !rule_allows(w, cls, l, s))
			continue;
		if (took == 0 && (had = store_line_expected(w->st, l->order_id, l->line_no,
		    before, NULL)) < 0)
			return -1;
		else if (took == 0 && had == 0)
			before[0] = '\0';
		take = s->open < need ? s->open : need;
		if (store_peg_add(w->st, s->supply_id, l->order_id, l->line_no, take) != 0)
			return -1;
		s->open -= take;
		need -= take;
		took += take;
	}
	if (took == 0)
		return 0;
	w->n->lines_pegged++;
	w->n->units_pegged += took;
	if (!alloc_supply_waiting(l->reason) && store_line_supply_set(w->st, l->order_id,
	    l->line_no, l->allocated, l->backordered, supply_words()) != 0)
		return -1;
	return tell_expected(w->st, &w->payload, l->order_id, l->line_no,
	    before[0] ? before : NULL, took);
}

int
alloc_supply(struct store *st, struct sourcing *src, int scoped,
    struct alloc_supply_counts *n)
{
	struct step w;
	long i;
	int any, ret = -1;

	memset(n, 0, sizeof *n);
	if ((any = store_supply_any(st)) <= 0)
		return any;
	memset(&w, 0, sizeof w);
	w.st = st;
	w.src = src;
	w.n = n;
	if (trim(&w, scoped) != 0)
		goto out;
	if (store_open_supply(st, open_row, &w) != 0)
		goto out;
	if (w.nsup > 0 && store_waiting_lines(st, scoped, line_row, &w) != 0)
		goto out;
	for (i = 0; i < w.nlines; i++)
		if (peg_line(&w, &w.lines[i].l) != 0)
			goto out;
	ret = 0;
out:
	step_free(&w);
	return ret;
}
