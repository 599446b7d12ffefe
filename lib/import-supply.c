/*
 * import-supply: oms-import supply, stock on its way (oms-formats(5),
 * "Supply"): a supply upserted by its supply_id, a late one moving the
 * dates of the lines pegged to it, a cut one letting go of the pegs
 * beyond what is left, the last in the order of service first; and with
 * --received, receipts that make its units on hand at its node and move
 * the lines pegged to it, the first in the order of service first, from
 * their backorder to their allocation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "import-int.h"
#include "jsonw.h"
#include "model.h"
#include "parse.h"
#include "store-supply.h"
#include "util.h"

enum { S_ID, S_NODE, S_SKU, S_QTY, S_EXPECTED, S_KIND, S_N };
const struct colspec supply_cols[] = {
	{ "supply_id", 1 }, { "node_id", 1 }, { "sku", 1 }, { "qty", 1 },
	{ "expected_at", 1 }, { "kind", 0 },
};
const int supply_ncols = S_N;

enum { RC_ID, RC_QTY, RC_AT, RC_N };
const struct colspec received_cols[] = {
	{ "supply_id", 1 }, { "qty", 1 }, { "received_at", 0 },
};
const int received_ncols = RC_N;

static const char *const supply_kinds[] = { "purchase_order", "transfer", "in_transit" };

/* The pegs of a supply, read before any is changed. */
struct pegs {
	struct peg {
		char *order_id, *sku, *reason;
		int64_t line_no, qty, allocated, backordered, line_pegged;
	} *v;
	int n, cap;
};

static int
peg_row(void *p, const struct supply_peg *g)
{
	struct pegs *w = p;
	struct peg *x;

	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		w->v = xrealloc(w->v, (size_t)w->cap * sizeof *w->v);
	}
	x = &w->v[w->n++];
	x->order_id = xstrdup(g->order_id);
	x->sku = xstrdup(g->sku);
	x->reason = g->reason != NULL ? xstrdup(g->reason) : NULL;
	x->line_no = g->line_no;
	x->qty = g->qty;
	x->allocated = g->allocated;
	x->backordered = g->backordered;
	x->line_pegged = g->line_pegged;
	return 0;
}

static void
pegs_free(struct pegs *w)
{
	int i;

	for (i = 0; i < w->n; i++) {
		free(w->v[i].order_id);
		free(w->v[i].sku);
		free(w->v[i].reason);
	}
	free(w->v);
}

static const char *
plain_backorder(void)
{
	return backorder_reason(NULL, BO_NETWORK, NULL, NULL, NULL);
}

static int
waits(const char *reason)
{
	return reason != NULL &&
	    strcmp(reason, backorder_reason(NULL, BO_SUPPLY, NULL, NULL, NULL)) == 0;
}

/* "line.expected": the line's supply and date now (null: none) and before. */
static int
line_expected(struct importer *im, const char *order_id, int64_t line_no,
    const char *supply_id, const char *at, const char *previous)
{
	jsonw_start(&im->payload);
	jsonw_str(&im->payload, "order_id", order_id);
	jsonw_int(&im->payload, "line_no", line_no);
	jsonw_str(&im->payload, "supply_id", supply_id);
	jsonw_str(&im->payload, "expected_at", at);
	jsonw_str(&im->payload, "previous", previous);
	return store_event(im->st, order_id, "line.expected", jsonw_end(&im->payload));
}

/*
 * A later date: every line pegged to the supply gets it, with an event
 * each, and the supply one "supply.late".  An earlier date moves the
 * lines' too, without it.
 */
static int
moved(struct importer *im, const struct supply *old, const struct supply *s,
    struct pegs *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (line_expected(im, p->v[i].order_id, p->v[i].line_no, s->supply_id,
		    s->expected_at, old->expected_at) != 0)
			return -1;
	if (strcmp(s->expected_at, old->expected_at) < 0)
		return 0;
	jsonw_start(&im->payload);
	jsonw_str(&im->payload, "supply_id", s->supply_id);
	jsonw_str(&im->payload, "node_id", s->node_id);
	jsonw_str(&im->payload, "sku", s->sku);
	jsonw_str(&im->payload, "expected_at", s->expected_at);
	jsonw_str(&im->payload, "previous", old->expected_at);
	jsonw_int(&im->payload, "lines", p->n);
	return store_event(im->st, NULL, "supply.late", jsonw_end(&im->payload));
}

/*
 * A lower qty: the pegs beyond what is left to come are let go, the last
 * in the order of service first; a line left pegged to nothing is a plain
 * backorder again ("line.expected", expected_at null).  One "supply.cut".
 */
static int
cut(struct importer *im, const struct supply *old, const struct supply *s,
    struct pegs *p)
{
	int64_t over = old->pegged - (s->qty - s->received), released = 0;
	int i;

	for (i = p->n - 1; i >= 0 && over > 0; i--) {
		struct peg *g = &p->v[i];
		int64_t m = g->qty < over ? g->qty : over;

		if (store_peg_set(im->st, s->supply_id, g->order_id, g->line_no, g->qty - m) != 0)
			return -1;
		over -= m;
		released += m;
		if (g->line_pegged - m > 0)
			continue;	/* still waiting for this or other supply */
		if (waits(g->reason) && store_line_supply_set(im->st, g->order_id, g->line_no,
		    g->allocated, g->backordered, plain_backorder()) != 0)
			return -1;
		if (line_expected(im, g->order_id, g->line_no, NULL, NULL, old->expected_at) != 0)
			return -1;
	}
	jsonw_start(&im->payload);
	jsonw_str(&im->payload, "supply_id", s->supply_id);
	jsonw_str(&im->payload, "node_id", s->node_id);
	jsonw_str(&im->payload, "sku", s->sku);
	jsonw_int(&im->payload, "qty", s->qty);
	jsonw_int(&im->payload, "previous", old->qty);
	jsonw_int(&im->payload, "released", released);
	return store_event(im->st, NULL, "supply.cut", jsonw_end(&im->payload));
}

int
row_supply(struct importer *im, const struct record *r)
{
	struct supply s, old;
	struct pegs p = { NULL, 0, 0 };
	const char *id = NULL, *node = NULL, *sku = NULL, *kind;
	int ret = 0, got = 0, k;

	memset(&s, 0, sizeof s);
	f_key(im, r, S_ID, &id);
	f_key(im, r, S_NODE, &node);
	f_key(im, r, S_SKU, &sku);
	node_ref(im, S_NODE, node);
	sku_ref(im, S_SKU, sku);
	f_int(im, r, S_QTY, 0, MAX_QTY, 0, "a non-negative integer", &s.qty);
	f_time(im, r, S_EXPECTED, s.expected_at);
	kind = r->val[S_KIND][0] ? r->val[S_KIND] : "purchase_order";
	if ((k = parse_word(kind, supply_kinds, 3)) < 0)
		rows_bad(&im->rows, "kind must be one of purchase_order, transfer, in_transit, "
		    "got \"%s\"", quote_value(kind));
	if (im->rows.err.len == 0) {
		snprintf(s.supply_id, sizeof s.supply_id, "%s", id);
		snprintf(s.node_id, sizeof s.node_id, "%s", node);
		snprintf(s.sku, sizeof s.sku, "%s", sku);
		snprintf(s.kind, sizeof s.kind, "%s", supply_kinds[k]);
		seen(im, 'S', "supply_id", id, NULL, NULL, digest(r->val, 0, S_N), r->line);
	}
	if (im->rows.err.len == 0 && !im->status) {
		if ((got = store_supply_get(im->st, id, &old)) < 0)
			return store_failed(im);
		if (got && s.qty < old.received)
			rows_bad(&im->rows, "qty %lld of supply %s is below the %lld %s received",
			    (long long)s.qty, id, (long long)old.received,
			    plural(old.received, "unit", "units"));
		else if (got && (strcmp(old.node_id, node) != 0 || strcmp(old.sku, sku) != 0) &&
		    old.received + old.pegged > 0)
			rows_bad(&im->rows, "supply %s has units received or pegged to lines: its "
			    "node_id and sku cannot change", id);
	}
	if (im->status || rejected(im, r, &ret))
		return im->status ? -1 : ret;
	if (im->rows.failed)
		return 0;
	s.received = got ? old.received : 0;
	if (got && strcmp(old.node_id, s.node_id) == 0 && strcmp(old.sku, s.sku) == 0 &&
	    old.qty == s.qty && strcmp(old.expected_at, s.expected_at) == 0 &&
	    strcmp(old.kind, s.kind) == 0) {
		im->n->unchanged++;
		return 0;
	}
	if (store_supply_put(im->st, &s) != 0)
		return store_failed(im);
	count_put(im, got ? PUT_UPDATED : PUT_INSERTED);
	if (!got)
		return 0;
	if (old.pegged > 0 && store_supply_pegs(im->st, id, peg_row, &p) != 0) {
		pegs_free(&p);
		return store_failed(im);
	}
	if ((strcmp(old.expected_at, s.expected_at) != 0 && moved(im, &old, &s, &p) != 0) ||
	    (s.qty < old.qty && cut(im, &old, &s, &p) != 0)) {
		pegs_free(&p);
		return store_failed(im);
	}
	pegs_free(&p);
	return 0;
}

/*
 * A receipt: the units on hand at the supply's node, unless its inventory
 * was counted at or after received_at (the count has them); the lines
 * pegged to it, the first in the order of service first, allocated what
 * it brought of theirs.
 */
static int
receive(struct importer *im, struct supply *s, int64_t qty, const char *at)
{
	struct inventory inv;
	struct pegs p = { NULL, 0, 0 };
	int64_t left = qty;
	int got, counted, i, ret = -1;

	if ((got = store_inventory_get(im->st, s->node_id, s->sku, &inv)) < 0)
		return -1;
	counted = got && strcmp(inv.as_of, at) >= 0;
	if (!got) {
		memset(&inv, 0, sizeof inv);
		inv.safety_stock = -1;
		snprintf(inv.as_of, sizeof inv.as_of, "%s", at);
	}
	inv.node_id = s->node_id;
	inv.sku = s->sku;
	if (!counted) {
		inv.on_hand += qty;
		if (store_inventory_put(im->st, &inv) != 0)
			return -1;
	}
	if (store_supply_pegs(im->st, s->supply_id, peg_row, &p) != 0)
		goto out;
	s->received += qty;
	if (store_supply_put(im->st, s) != 0)
		goto out;
	for (i = 0; i < p.n && left > 0; i++) {
		struct peg *g = &p.v[i];
		int64_t m = g->qty < left ? g->qty : left;
		int64_t back = g->backordered - m;
		const char *reason = back == 0 ? NULL : g->line_pegged - m > 0 ?
		    g->reason : plain_backorder();

		if (store_peg_set(im->st, s->supply_id, g->order_id, g->line_no, g->qty - m) != 0 ||
		    store_line_supply_set(im->st, g->order_id, g->line_no, g->allocated + m, back,
		    reason) != 0)
			goto out;
		left -= m;
		jsonw_start(&im->payload);
		jsonw_int(&im->payload, "line_no", g->line_no);
		jsonw_str(&im->payload, "sku", g->sku);
		jsonw_int(&im->payload, "allocated", g->allocated + m);
		jsonw_int(&im->payload, "backordered", back);
		jsonw_str(&im->payload, "reason", reason);
		jsonw_int(&im->payload, "previous", g->allocated);
		jsonw_str(&im->payload, "supply_id", s->supply_id);
		if (store_event(im->st, g->order_id, "line.allocated", jsonw_end(&im->payload)) != 0)
			goto out;
	}
	jsonw_start(&im->payload);
	jsonw_str(&im->payload, "supply_id", s->supply_id);
	jsonw_str(&im->payload, "node_id", s->node_id);
	jsonw_str(&im->payload, "sku", s->sku);
	jsonw_int(&im->payload, "qty", qty);
	jsonw_int(&im->payload, "received", s->received);
	jsonw_str(&im->payload, "received_at", at);
	jsonw_int(&im->payload, "on_hand", inv.on_hand);
	jsonw_bool(&im->payload, "counted_already", counted);
	jsonw_int(&im->payload, "allocated", qty - left);
	ret = store_event(im->st, NULL, "supply.received", jsonw_end(&im->payload));
out:
	pegs_free(&p);
	return ret;
}

int
row_received(struct importer *im, const struct record *r)
{
	struct supply s;
	const char *id = NULL;
	char at[21];
	int64_t qty;
	int ret = 0, got = 0;

	im->file_digest = fnv1a(im->file_digest, "\nR", 2);
	for (int c = 0; c < RC_N; c++)
		im->file_digest = fnv1a(im->file_digest, r->val[c], strlen(r->val[c]) + 1);
	f_key(im, r, RC_ID, &id);
	f_int(im, r, RC_QTY, 1, MAX_QTY, 0, "a positive integer", &qty);
	f_time(im, r, RC_AT, at);
	if (im->rows.err.len == 0) {
		if ((got = store_supply_get(im->st, id, &s)) < 0)
			return store_failed(im);
		if (!got)
			rows_bad(&im->rows, "supply_id \"%s\" is not a known supply (import supply "
			    "first)", quote_value(id));
		else if (qty > s.qty - s.received)
			rows_bad(&im->rows, "receiving %lld %s of supply %s: only %lld open (qty "
			    "%lld, %lld received)", (long long)qty, plural(qty, "unit", "units"),
			    id, (long long)(s.qty - s.received), (long long)s.qty,
			    (long long)s.received);
	}
	if (rejected(im, r, &ret))
		return ret;
	if (im->rows.failed)
		return 0;
	if (at[0] == '\0')
		snprintf(at, sizeof at, "%s", store_run_time(im->st));
	if (receive(im, &s, qty, at) != 0)
		return store_failed(im);
	count_put(im, PUT_UPDATED);
	return 0;
}
