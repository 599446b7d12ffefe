/*
 * alloc-run: alloc_run(), oms-allocate's run around the decision of
 * alloc.c: reading the store, the order of service, events, writing back.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "diag.h"
#include "alloc-supply.h"
#include "events.h"
#include "jsonw.h"
#include "model.h"
#include "parse.h"
#include "sourcing.h"
#include "store-alloc.h"
#include "store-order.h"
#include "util.h"

/*
 * The run reads every line in scope in key order (a plain scan of the
 * table), sorts the orders in C by the order of service, decides them in
 * that order (rows and events in that order too), and writes the changed
 * lines back at the end in key order, so that the updates walk the table
 * once instead of seeking all over it.
 */

/* Strings that live as long as the run, many to a block. */
struct arena {
	struct ablock { struct ablock *next; size_t used, cap; char s[]; } *head;
};

static const char *
arena_dup(struct arena *ar, const char *s)
{
	size_t n;
	char *p;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if (ar->head == NULL || ar->head->cap - ar->head->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		struct ablock *b = xmalloc(sizeof *b + cap);

		b->next = ar->head;
		b->used = 0;
		b->cap = cap;
		ar->head = b;
	}
	p = ar->head->s + ar->head->used;
	memcpy(p, s, n);
	ar->head->used += n;
	return p;
}

static void
arena_free(struct arena *ar)
{
	while (ar->head) {
		struct ablock *b = ar->head;

		ar->head = b->next;
		free(b);
	}
}

/* An order in scope with lines to decide. */
struct aorder {
	struct service_key svc;	/* first: by_service points at it; line_no 0 */
	long first;		/* its lines: r->rows[first .. first + n - 1] */
	int n;
	int ship_complete;
	long wfirst;		/* its routed work: r->rwork[wfirst .. wfirst + wn - 1] */
	int wn;
	int nowhere;		/* lines of it backordered for want of its ship-to's place */
	const char *code, *country;	/* its ship-to cannot be placed: the keys; else NULL */
	/* with sourcing rules, what they match on (sourcing.h); else NULL */
	const char *channel, *ship_country, *ship_region, *ship_postal_code;
	int64_t value;		/* its merchandise, cents */
};

/* The order of service (service_cmp, model.h), for qsort of key pointers. */
static int
cmp_service(const void *x, const void *y)
{
	return service_cmp(*(const struct service_key *const *)x,
	    *(const struct service_key *const *)y);
}

/* A line to decide, as stored, and then as decided. */
struct aline {
	int64_t line_no, qty, demand, old_allocated, old_backordered;
	int64_t allocated;	/* decided */
	uint32_t sku, method, pickup_node, old_reason;	/* r->texts, 0: NULL */
	uint32_t reason;	/* decided: r->texts */
	signed char changed;	/* decided, and not as stored */
	/*
	 * Shipped to its store: as stored; must stay so (it has units
	 * routed, released or shipped so); may become so; decided.
	 */
	unsigned old_to_store : 1, keep_to_store : 1, may_transfer : 1, to_store : 1;
	short rule;		/* the sourcing rule it matched, -1 none */
	unsigned short cls;	/* its sourcing class (alloc_line.cls) */
};

struct run {
	struct store *st;
	const char *explain;	/* --explain: the order whose rows are written */
	long version;		/* the sourcing rules' */
	struct allocator *a;
	struct sourcing *src;	/* the rules; NULL when plain (sourcing_plain) */
	struct alloc_counts *n;
	struct writer w;
	struct buf payload;
	struct buf why;		/* a reason's text as it is made */
	struct arena strings;	/* order ids and the order of service */
	struct strmap interned;	/* sku, method, node and reason texts: index */
	const char **texts;	/* by index; texts[0] is NULL */
	uint32_t ntexts, captexts;
	struct aorder *orders;	/* key order */
	long norders, capo;
	struct aline *rows;	/* key order */
	long nrows, capr;
	/* the routed work of the rows, in their order, that may be taken back */
	struct rwork {
		long row, order;	/* into rows, orders */
		uint32_t node;		/* r->texts */
		int64_t routed;		/* as it stands */
	} *rwork;
	long nrwork, caprwork;
	long cur;		/* the order the next line read may belong to */
	struct alloc_line *lines;	/* one order's, for alloc_order */
	int caplines;
	struct events events;	/* written many to a statement */
	/* node and sku pairs whose stock no longer covers what is reserved */
	struct shortage { char *node_id, *sku; int64_t over; } *short_v;
	int nshort;
	long seen;		/* lines read, decided, written: the progress meter */
	long wo;		/* write-back: the order ... */
	int wk;			/* ... and its line that comes next in key order */
};

static int
node_row(void *p, const struct network_node *n)
{
	struct alloc_node_caps caps = { 0, (int)n->active, (int)n->can_ship,
		(int)n->can_pickup, (int)n->can_curbside, n->postal_key == NULL,
		n->ship_to_store != 0 };

	alloc_add_node(p, n->node_id, n->type, &caps, n->postal_key, n->country_key);
	return 0;
}

static int
stock_row(void *p, const struct stock_reserved *s)
{
	struct run *r = p;
	int64_t over = node_over(s->on_hand, s->safety_stock, s->reserved);

	alloc_add_stock(r->a, s->sku, s->vendor_node, s->node_id,
	    node_atp(s->on_hand, s->safety_stock, s->reserved));
	if (over > 0) {
		struct shortage *sh;

		r->short_v = xrealloc(r->short_v, (size_t)(r->nshort + 1) * sizeof *r->short_v);
		sh = &r->short_v[r->nshort++];
		sh->node_id = xstrdup(s->node_id);
		sh->sku = xstrdup(s->sku);
		sh->over = over;
	}
	return 0;
}

/* Routed work at a node short of stock, as read: taken back once read. */
struct routed_work {
	struct routed_row {
		struct service_key svc;	/* its place in the order of service */
		int64_t routed;
	} **v;
	int n;
};

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int
routed_row(void *p, const struct routed_line *l)
{
	struct routed_work *w = p;
	struct routed_row *v = xmalloc(sizeof *v);

	v->svc.order_id = xstrdup(l->order_id);
	v->svc.line_no = l->line_no;
	v->routed = l->routed;
	v->svc.priority = l->priority;
	v->svc.promise_date = dup_or_null(l->promise_date);
	v->svc.created_at = dup_or_null(l->created_at);
	w->v = xrealloc(w->v, (size_t)(w->n + 1) * sizeof *w->v);
	w->v[w->n++] = v;
	return 0;
}

/* The last in the order of service first, for qsort of routed_work's v. */
static int
cmp_routed_last(const void *x, const void *y)
{
	const struct routed_row *a = *(const struct routed_row *const *)x;
	const struct routed_row *b = *(const struct routed_row *const *)y;

	return service_cmp(&b->svc, &a->svc);
}

/*
 * A stock count can fall under what is reserved at a node.  What was
 * released there is the node's to short; what is only routed there is
 * taken back, from the last lines in the order of service first, until
 * the stock covers the rest.  Those units are then the lines' demand
 * again, allocated below like any other (or backordered).
 */
static int
take_back(struct run *r)
{
	struct buf payload = BUF_INIT;
	int i, k, ret = 0;

	for (i = 0; i < r->nshort && ret == 0; i++) {
		struct shortage *sh = &r->short_v[i];
		struct routed_work w = { NULL, 0 };

		if (store_alloc_routed_at(r->st, sh->node_id, sh->sku, routed_row, &w) != 0)
			ret = -1;
		if (w.n > 1)
			qsort(w.v, (size_t)w.n, sizeof *w.v, cmp_routed_last);
		for (k = 0; k < w.n && ret == 0 && sh->over > 0; k++) {
			const struct routed_row *v = w.v[k];
			int64_t take = v->routed < sh->over ? v->routed : sh->over;

			jsonw_start(&payload);
			jsonw_int(&payload, "line_no", v->svc.line_no);
			jsonw_str(&payload, "node_id", sh->node_id);
			jsonw_int(&payload, "qty", take);
			jsonw_str(&payload, "reason", "node stock under its reservations");
			jsonw_end(&payload);
			if (store_line_node_routed(r->st, v->svc.order_id, v->svc.line_no,
			    sh->node_id, v->routed - take) != 0 ||
			    store_event(r->st, v->svc.order_id, "line.unrouted", payload.s) != 0) {
				ret = -1;
				break;
			}
			sh->over -= take;
			r->n->units_unrouted += take;
		}
		for (k = 0; k < w.n; k++) {
			free((char *)w.v[k]->svc.order_id);
			free((char *)w.v[k]->svc.promise_date);
			free((char *)w.v[k]->svc.created_at);
			free(w.v[k]);
		}
		free(w.v);
	}
	buf_release(&payload);
	return ret;
}

static void
clear_shortages(struct run *r)
{
	int i;

	for (i = 0; i < r->nshort; i++) {
		free(r->short_v[i].node_id);
		free(r->short_v[i].sku);
	}
	free(r->short_v);
	r->short_v = NULL;
	r->nshort = 0;
}

static int
kept_row(void *p, const struct kept_allocation *k)
{
	/* (of class 0: what held and unscoped lines keep is not matched to rules) */
	struct alloc_line l = { k->sku, k->method, k->pickup_node, 0, 0, BO_NONE, NULL, NULL, -1,
		k->ship_to_store != 0, 0, 0 };

	alloc_keep(p, &l, k->allocated);
	return 0;
}

/* The network as the allocator sees it: nodes, stock, what held orders keep. */
static int
load_network(struct run *r, const char *const *scoped)
{
	r->a = alloc_new();
	if (store_alloc_nodes(r->st, node_row, r->a) != 0)
		return -1;
	alloc_set_sourcing(r->a, r->src);
	if (store_alloc_stock(r->st, stock_row, r) != 0 ||
	    store_alloc_kept(r->st, scoped[0] != NULL, kept_row, r->a) != 0)
		return -1;
	return 0;
}

/*
 * Held orders free their stock (oms-allocate(1), "Held orders"): an order
 * held longer than its channel's hold_release_hours gives up its
 * allocated and routed (not released) units, back to open, once per hold,
 * with one "order.stock_freed" event; done before the network is read, so
 * that the stock serves the orders of this very run.  The order itself
 * stays held: it gets nothing until care lifts every hold.
 */
struct held {
	struct hold_row { char *order_id, *hold_type, *held_at; int64_t hours; } *h;
	int nh, caph;
	struct stock_row { int64_t line_no, allocated, routed; char *sku, *node_id; } *s;
	int ns, caps;
};

static int
hold_row(void *p, const struct hold_due *d)
{
	struct held *x = p;
	struct hold_row *h;

	if (x->nh == x->caph) {
		x->caph = x->caph ? 2 * x->caph : 16;
		x->h = xrealloc(x->h, (size_t)x->caph * sizeof *x->h);
	}
	h = &x->h[x->nh++];
	h->order_id = xstrdup(d->order_id);
	h->hold_type = xstrdup(d->hold_type);
	h->held_at = xstrdup(d->held_at);
	h->hours = d->hours;
	return 0;
}

static int
stock_held_row(void *p, const struct held_stock *d)
{
	struct held *x = p;
	struct stock_row *s;

	if (x->ns == x->caps) {
		x->caps = x->caps ? 2 * x->caps : 16;
		x->s = xrealloc(x->s, (size_t)x->caps * sizeof *x->s);
	}
	s = &x->s[x->ns++];
	s->line_no = d->line_no;
	s->allocated = d->allocated;
	s->routed = d->routed;
	s->sku = xstrdup(d->sku);
	s->node_id = dup_or_null(d->node_id);
	return 0;
}

static void
held_stock_clear(struct held *x)
{
	for (int i = 0; i < x->ns; i++) {
		free(x->s[i].sku);
		free(x->s[i].node_id);
	}
	x->ns = 0;
}

/*
 * Free the stock of the order of holds x->h[first .. first + n - 1] (its
 * holds due): 0 or -1.
 */
static int
free_order(struct run *r, struct held *x, int first, int n)
{
	const char *order_id = x->h[first].order_id, *at = store_run_time(r->st);
	int64_t units = 0, from_allocated = 0, from_routed = 0;
	int i, k;

	held_stock_clear(x);
	if (store_alloc_held_stock(r->st, order_id, stock_held_row, x) != 0)
		return -1;
	jsonw_start(&r->payload);
	jsonw_array(&r->payload, "hold_types");
	for (i = first; i < first + n; i++)
		jsonw_str(&r->payload, NULL, x->h[i].hold_type);
	jsonw_array_end(&r->payload);
	jsonw_int(&r->payload, "hold_release_hours", x->h[first].hours);
	jsonw_array(&r->payload, "lines");
	/* a line's rows: its allocated on each, its routed at each node */
	for (i = 0; i < x->ns; i = k) {
		int64_t routed = 0;

		for (k = i; k < x->ns && x->s[k].line_no == x->s[i].line_no; k++) {
			if (x->s[k].routed > 0 && store_line_node_routed(r->st, order_id,
			    x->s[k].line_no, x->s[k].node_id, 0) != 0)
				return -1;
			routed += x->s[k].routed;
		}
		jsonw_object(&r->payload, NULL);
		jsonw_int(&r->payload, "line_no", x->s[i].line_no);
		jsonw_str(&r->payload, "sku", x->s[i].sku);
		jsonw_int(&r->payload, "freed", x->s[i].allocated + routed);
		jsonw_int(&r->payload, "from_allocated", x->s[i].allocated);
		jsonw_int(&r->payload, "from_routed", routed);
		jsonw_object_end(&r->payload);
		from_allocated += x->s[i].allocated;
		from_routed += routed;
	}
	jsonw_array_end(&r->payload);
	units = from_allocated + from_routed;
	jsonw_int(&r->payload, "units", units);
	for (i = first; i < first + n; i++)
		if (store_alloc_hold_freed(r->st, order_id, x->h[i].hold_type, at) != 0)
			return -1;
	if (units == 0)
		return 0;	/* nothing held: the hold is done with, nothing to tell */
	if ((from_allocated > 0 && store_alloc_unallocate(r->st, order_id) != 0) ||
	    store_event(r->st, order_id, "order.stock_freed", jsonw_end(&r->payload)) != 0)
		return -1;
	buf_reset(&r->why);
	for (i = first; i < first + n; i++)
		buf_addf(&r->why, "%s%s", i > first ? ", " : "", x->h[i].hold_type);
	diag_info("order \"%s\": on %s hold since %s, longer than its channel's %lld %s: "
	    "%lld %s freed (%lld allocated, %lld routed)", quote_value(order_id),
	    r->why.s, x->h[first].held_at,
	    (long long)x->h[first].hours, plural(x->h[first].hours, "hour", "hours"),
	    (long long)units, plural(units, "unit", "units"), (long long)from_allocated,
	    (long long)from_routed);
	r->n->held_orders_freed++;
	r->n->held_units_freed += units;
	return 0;
}

/* Free the stock of every order held past its channel's time: 0 or -1. */
static int
free_held(struct run *r, int scoped)
{
	struct held x;
	int i, k, ret = 0;

	memset(&x, 0, sizeof x);
	if (store_alloc_holds_due(r->st, scoped, store_run_time(r->st), hold_row, &x) != 0)
		ret = -1;
	for (i = 0; i < x.nh && ret == 0; i = k) {
		for (k = i; k < x.nh && strcmp(x.h[k].order_id, x.h[i].order_id) == 0; k++)
			;
		ret = free_order(r, &x, i, k - i);
	}
	held_stock_clear(&x);
	for (i = 0; i < x.nh; i++) {
		free(x.h[i].order_id);
		free(x.h[i].hold_type);
		free(x.h[i].held_at);
	}
	free(x.h);
	free(x.s);
	return ret;
}

static const struct outcol explain_cols[] = {
	{ "order_id", COL_TEXT }, { "line_no", COL_NUM }, { "sku", COL_TEXT },
	{ "qty", COL_NUM }, { "rules_version", COL_NUM }, { "rule_id", COL_TEXT },
	{ "node_id", COL_TEXT }, { "tier", COL_NUM }, { "atp", COL_NUM },
	{ "held_back", COL_NUM }, { "verdict", COL_TEXT }, { "reason", COL_TEXT },
	{ "allocated", COL_NUM },
};
enum { X_ORDER, X_LINE, X_SKU, X_QTY, X_VERSION, X_RULE, X_NODE, X_TIER, X_ATP, X_HELD,
	X_VERDICT, X_REASON, X_ALLOCATED, X_N };

static const struct outcol alloc_cols[] = {
	{ "order_id", COL_TEXT }, { "line_no", COL_NUM }, { "sku", COL_TEXT },
	{ "qty", COL_NUM }, { "allocated", COL_NUM }, { "backordered", COL_NUM },
	{ "reason", COL_TEXT },
};


/* One copy of each of the few distinct sku, method, node and reason texts. */
static uint32_t
intern(struct run *r, const char *s)
{
	void *v;

	if (s == NULL)
		return 0;
	if (strmap_get(&r->interned, s, &v))
		return (uint32_t)(uintptr_t)v;
	if (r->ntexts == r->captexts) {
		r->captexts = r->captexts ? r->captexts * 2 : 256;
		r->texts = xrealloc(r->texts, r->captexts * sizeof *r->texts);
	}
	if (r->ntexts == 0)
		r->texts[r->ntexts++] = NULL;
	r->texts[r->ntexts] = arena_dup(&r->strings, s);
	strmap_put(&r->interned, s, (void *)(uintptr_t)r->ntexts);
	return r->ntexts++;
}

static int
order_row(void *p, const struct order_to_allocate *x)
{
	struct run *r = p;
	struct aorder *o;

	if (r->norders == r->capo) {
		r->capo = r->capo ? r->capo * 2 : 1024;
		r->orders = xrealloc(r->orders, (size_t)r->capo * sizeof *r->orders);
	}
	o = &r->orders[r->norders++];
	o->svc.order_id = arena_dup(&r->strings, x->order_id);
	o->svc.priority = x->priority;
	o->svc.promise_date = arena_dup(&r->strings, x->promise_date);
	o->svc.created_at = arena_dup(&r->strings, x->created_at);
	o->svc.line_no = 0;
	o->ship_complete = (int)x->ship_complete;
	o->first = 0;
	o->n = 0;
	o->wfirst = 0;
	o->wn = 0;
	o->nowhere = 0;
	o->code = arena_dup(&r->strings, x->postal_key);
	o->country = arena_dup(&r->strings, x->country_key);
	o->value = 0;
	o->channel = o->ship_country = o->ship_region = o->ship_postal_code = NULL;
	if (r->src != NULL) {
		o->channel = arena_dup(&r->strings, x->channel);
		o->ship_country = arena_dup(&r->strings, x->ship_country);
		o->ship_region = arena_dup(&r->strings, x->ship_region);
		o->ship_postal_code = arena_dup(&r->strings, x->ship_postal_code);
	}
	return 0;
}

/*
 * Lines come in key order, as the orders did: find the line's order.  A
 * line with routed work is kept even with nothing to decide: a line ahead
 * of it may take the work back, and then it has.
 */
static int
line_row(void *p, const struct line_to_allocate *l, const struct alloc_work *work,
    int nwork)
{
	struct run *r = p;
	struct aorder *o;
	struct aline *a;
	const char *order_id = l->order_id;
	int64_t demand = l->open_qty, routed = 0;
	const char *old_reason = l->backorder_reason;
	const char *method = l->method;
	int c = 1, i;

	progress_tick(++r->seen);
	for (i = 0; i < nwork; i++) {
		demand -= work[i].routed + work[i].released;
		routed += work[i].routed;
	}
	while (r->cur < r->norders &&
	    (c = strcmp(r->orders[r->cur].svc.order_id, order_id)) < 0)
		r->cur++;
	if (c != 0)
		return 0;	/* held, or outside the scope */
	o = &r->orders[r->cur];
	o->value += l->qty * l->unit_price - l->discount;	/* ORDER_MERCHANDISE's sum */
	if (demand <= 0 && routed == 0 && l->allocated == 0 &&
	    l->backordered == 0 && old_reason == NULL)
		return 0;	/* nothing to decide, to undo or to take back */
	if (demand < 0)
		demand = 0;
	if (r->nrows == r->capr) {
		r->capr = r->capr ? r->capr * 2 : 1024;
		r->rows = xrealloc(r->rows, (size_t)r->capr * sizeof *r->rows);
	}
	if (o->n == 0)
		o->first = r->nrows;
	o->n++;
	a = &r->rows[r->nrows++];
	a->line_no = l->line_no;
	/* most lines are ship lines of the sku of the line before */
	a->sku = r->nrows > 1 && strcmp(r->texts[a[-1].sku], l->sku) == 0 ?
	    a[-1].sku : intern(r, l->sku);
	a->qty = l->qty;
	a->method = r->nrows > 1 && method != NULL && r->texts[a[-1].method] != NULL &&
	    strcmp(r->texts[a[-1].method], method) == 0 ? a[-1].method : intern(r, method);
	a->pickup_node = intern(r, l->pickup_node);
	a->old_allocated = l->allocated;
	a->old_backordered = l->backordered;
	a->old_reason = intern(r, old_reason);
	a->demand = demand;
	a->allocated = 0;
	a->reason = 0;
	a->changed = 0;
	a->old_to_store = a->to_store = l->ship_to_store != 0;
	a->keep_to_store = a->old_to_store && (l->shipped > 0 || nwork > 0);
	a->may_transfer = l->item_ship_to_store != 0;
	a->rule = -1;
	a->cls = 0;
	for (i = 0; i < nwork; i++) {
		struct rwork *w;

		if (work[i].routed == 0)
			continue;
		if (r->nrwork == r->caprwork) {
			r->caprwork = r->caprwork ? r->caprwork * 2 : 256;
			r->rwork = xrealloc(r->rwork, (size_t)r->caprwork * sizeof *r->rwork);
		}
		if (o->wn++ == 0)
			o->wfirst = r->nrwork;
		w = &r->rwork[r->nrwork++];
		w->row = r->nrows - 1;
		w->order = r->cur;
		w->node = intern(r, work[i].node_id);
		w->routed = work[i].routed;
	}
	return 0;
}

/*
 * The routed work order o took back: the lines after it that gave it,
 * each a "line.unrouted" event now and its units its demand again, to be
 * decided in its turn.
 */
static int
taken_back(struct run *r, const struct aorder *o)
{
	const struct alloc_take *t;
	int i, n;

	t = alloc_taken(r->a, &n);
	for (i = 0; i < n; i++) {
		struct rwork *w = &r->rwork[t[i].ref];
		struct aline *a = &r->rows[w->row];
		const struct aorder *lo = &r->orders[w->order];
		const char *node_id = r->texts[w->node];

		w->routed -= t[i].qty;
		a->demand += t[i].qty;
		r->n->units_routed_taken += t[i].qty;
		if (store_line_node_routed(r->st, lo->svc.order_id, a->line_no, node_id,
		    w->routed) != 0) {
			events_drop(&r->events);
			return -1;
		}
		jsonw_start(&r->payload);
		jsonw_int(&r->payload, "line_no", a->line_no);
		jsonw_str(&r->payload, "node_id", node_id);
		jsonw_int(&r->payload, "qty", t[i].qty);
		jsonw_str(&r->payload, "reason", "taken back for a more urgent order");
		jsonw_str(&r->payload, "for_order", o->svc.order_id);
		if (events_add(&r->events, lo->svc.order_id, "line.unrouted",
		    jsonw_end(&r->payload)) != 0)
			return -1;
	}
	return 0;
}

/*
 * The sourcing rule each line of order o matches and its class; the
 * order ships complete when one of its lines' rules says so.
 */
static void
classify(struct run *r, struct aorder *o)
{
	struct sourcing_order so;
	int i;

	so.channel = o->channel;
	so.ship_country = o->ship_country;
	so.ship_region = o->ship_region;
	so.ship_postal_code = o->ship_postal_code;
	so.priority = o->svc.priority;
	so.value = o->value;
	for (i = 0; i < o->n; i++) {
		struct aline *a = &r->rows[o->first + i];
		struct sourcing_line sl;
		const struct sourcing_rule *rule;
		int cls, rule_ix;

		sl.sku = r->texts[a->sku];
		sl.method = r->texts[a->method];
		sl.item_class = NULL;
		cls = sourcing_line_class(r->src, &so, &sl, &rule_ix);
		a->rule = (short)rule_ix;
		a->cls = (unsigned short)cls;
		if ((rule = sourcing_rule_at(r->src, a->rule)) != NULL && rule->ship_complete)
			o->ship_complete = 1;
	}
}

/*
 * A line whose rule sends it to care when nothing fits (on_short hold)
 * got nothing: its order is held, a sourcing hold, with the rule.  The
 * order keeps what its other lines got, as a held order does.
 */
static int
hold_short(struct run *r, struct aorder *o)
{
	const struct sourcing_rule *rule = NULL;
	int i;

	for (i = 0; i < o->n && rule == NULL; i++) {
		const struct aline *a = &r->rows[o->first + i];
		const struct alloc_line *l = &r->lines[i];
		const struct sourcing_rule *x = sourcing_rule_at(r->src, a->rule);

		if (x != NULL && x->on_short == SHORT_HOLD && l->demand > 0 && l->allocated == 0)
			rule = x;
	}
	if (rule == NULL)
		return 0;
	buf_reset(&r->why);
	buf_addf(&r->why, "sourcing rule %s: no node it allows has the stock", rule->rule_id);
	if (store_hold_add(r->st, o->svc.order_id, "sourcing", r->why.s, "oms-allocate",
	    rule->rule_id) != 0)
		return -1;
	jsonw_start(&r->payload);
	jsonw_str(&r->payload, "hold_type", "sourcing");
	jsonw_str(&r->payload, "by", "oms-allocate");
	jsonw_str(&r->payload, "reason", r->why.s);
	jsonw_str(&r->payload, "rule_id", rule->rule_id);
	r->n->orders_held++;
	return events_add(&r->events, o->svc.order_id, "order.held", jsonw_end(&r->payload));
}

/* --explain: a line's row for each node holding its sku. */
struct xsource {
	struct run *r;
	const char *v[X_N];
	char num[X_N][24];
};

static void
explain_source(void *p, const struct alloc_source *s)
{
	struct xsource *x = p;

	x->v[X_NODE] = s->node_id;
	int_format(s->tier, 1, x->num[X_TIER]);
	x->v[X_TIER] = x->num[X_TIER];
	int_format(s->free, 1, x->num[X_ATP]);
	x->v[X_ATP] = x->num[X_ATP];
	int_format(s->held, 1, x->num[X_HELD]);
	x->v[X_HELD] = x->num[X_HELD];
	x->v[X_VERDICT] = s->tier > 0 ? "may draw" : "excluded";
	x->v[X_REASON] = s->why;
	if (s->tier > 0 && s->held > 0)
		x->v[X_REASON] = s->free > s->held ? "part held back from its rule" :
		    "all held back from its rule";
	x->v[X_ALLOCATED] = NULL;
	writer_row(&x->r->w, x->v);
}

/*
 * --explain: each line of o as decided, with each node holding its sku,
 * after a row for the line: its rule, what it got, and why not more.
 */
static void
explain_order(struct run *r, const struct aorder *o)
{
	struct xsource x;
	int i;

	memset(&x, 0, sizeof x);
	x.r = r;
	for (i = 0; i < o->n; i++) {
		const struct aline *a = &r->rows[o->first + i];
		const struct alloc_line *l = &r->lines[i];
		const struct sourcing_rule *rule = r->src ? sourcing_rule_at(r->src, a->rule) : NULL;
		const char *reason = l->allocated < l->demand ?
		    alloc_line_reason(r->a, l, &r->why) : NULL;

		memset(x.v, 0, sizeof x.v);
		x.v[X_ORDER] = o->svc.order_id;
		int_format(a->line_no, 1, x.num[X_LINE]);
		x.v[X_LINE] = x.num[X_LINE];
		x.v[X_SKU] = l->sku;
		int_format(l->demand, 1, x.num[X_QTY]);
		x.v[X_QTY] = x.num[X_QTY];
		int_format(r->version, 1, x.num[X_VERSION]);
		x.v[X_VERSION] = x.num[X_VERSION];
		x.v[X_RULE] = rule ? rule->rule_id : NULL;
		x.v[X_VERDICT] = l->demand == 0 ? "nothing open" : l->allocated == l->demand ?
		    "allocated" : l->allocated > 0 ? "partly allocated" : "backordered";
		if (l->demand == 0)
			reason = "its units are routed, released or shipped";
		x.v[X_REASON] = reason;
		int_format(l->allocated, 1, x.num[X_ALLOCATED]);
		x.v[X_ALLOCATED] = x.num[X_ALLOCATED];
		writer_row(&r->w, x.v);
		x.v[X_ALLOCATED] = NULL;
		alloc_explain(r->a, l, explain_source, &x);
	}
}

/*
 * Decide order o, at rank in the order of service: report and queue an
 * event for each line that changed.
 */
static int
decide(struct run *r, struct aorder *o, long rank)
{
	int i;

	if (o->n > r->caplines) {
		r->caplines = o->n > 2 * r->caplines ? o->n : 2 * r->caplines;
		r->lines = xrealloc(r->lines, (size_t)r->caplines * sizeof *r->lines);
	}
	for (i = 0; i < o->n; i++) {
		const struct aline *a = &r->rows[o->first + i];
		struct alloc_line *l = &r->lines[i];

		l->sku = r->texts[a->sku];
		l->method = r->texts[a->method];
		l->pickup_node = r->texts[a->pickup_node];
		l->demand = a->demand;
		l->ship_to_code = o->code;
		l->ship_to_country = o->country;
		l->node = -1;
		l->transfer = a->keep_to_store;
		l->may_transfer = a->may_transfer;
		l->cls = a->cls;
	}
	alloc_order(r->a, r->lines, o->n, o->ship_complete, rank);
	if (taken_back(r, o) != 0)
		return -1;
	if (r->src != NULL && hold_short(r, o) != 0)
		return -1;
	if (r->explain != NULL && strcmp(r->explain, o->svc.order_id) == 0)
		explain_order(r, o);
	for (i = 0; i < o->n; i++) {
		struct aline *a = &r->rows[o->first + i];
		const struct alloc_line *l = &r->lines[i];
		int64_t back = l->demand - l->allocated;
		const char *reason = back > 0 ? alloc_line_reason(r->a, l, &r->why) : NULL;
		const char *old_reason = r->texts[a->old_reason];
		const char *type;
		char f[4][24];
		const char *row[7];

		/*
		 * The line's counts keep their rules (model.h, line_counts_broken):
		 * allocated + backordered is its open quantity as read (demand,
		 * never below 0).  The one writer store_line_check does not see.
		 */
		assert(l->allocated >= 0 && back >= 0);
		progress_tick(++r->seen);
		if (back > 0 && l->reason == BO_DEST)
			o->nowhere++;
		/* shipped to its store while it has something to ship there */
		a->to_store = l->transfer && (l->allocated > 0 || a->keep_to_store);
		if (l->allocated == a->old_allocated && back == a->old_backordered &&
		    (alloc_supply_waiting(old_reason) || (reason == NULL ? old_reason == NULL :
		    old_reason != NULL && strcmp(reason, old_reason) == 0))) {
			/* its source alone changed: written back, nothing to tell */
			if (a->to_store != a->old_to_store) {
				a->allocated = l->allocated;
				a->reason = a->old_reason;
				a->changed = 1;
				r->n->to_store_changed++;
			}
			continue;
		}
		a->allocated = l->allocated;
		a->reason = intern(r, reason);
		a->changed = 1;
		reason = r->texts[a->reason];
		type = l->allocated > a->old_allocated ? "line.allocated" :
		    l->allocated < a->old_allocated ? "line.deallocated" : "line.backordered";
		int_format(a->line_no, 1, f[0]);
		int_format(a->qty, 1, f[1]);
		int_format(l->allocated, 1, f[2]);
		int_format(back, 1, f[3]);
		row[0] = o->svc.order_id;
		row[1] = f[0];
		row[2] = l->sku;
		row[3] = f[1];
		row[4] = f[2];
		row[5] = f[3];
		row[6] = reason;
		jsonw_start(&r->payload);
		jsonw_int(&r->payload, "line_no", a->line_no);
		jsonw_str(&r->payload, "sku", l->sku);
		jsonw_int(&r->payload, "allocated", l->allocated);
		jsonw_int(&r->payload, "backordered", back);
		jsonw_str(&r->payload, "reason", reason);
		jsonw_int(&r->payload, "previous", a->old_allocated);
		/* a pickup served from the network: its store is ready later */
		if (a->to_store)
			jsonw_int(&r->payload, "ship_to_store", 1);
		if (events_add(&r->events, o->svc.order_id, type, jsonw_end(&r->payload)) != 0)
			return -1;
		/*
		 * A backorder that starts or grows is always told as one: a
		 * notifier reads "line.backordered" alone (oms(7), "Events").
		 */
		if (back > a->old_backordered && strcmp(type, "line.backordered") != 0 &&
		    events_add(&r->events, o->svc.order_id, "line.backordered",
		    r->payload.s) != 0)
			return -1;
		if (r->explain == NULL)
			writer_row(&r->w, row);
		r->n->lines++;
		if (l->allocated > a->old_allocated)
			r->n->units += l->allocated - a->old_allocated;
		else
			r->n->units_taken_back += a->old_allocated - l->allocated;
		r->n->units_backordered += back;
		if (back == 0)
			r->n->full++;
		else if (l->allocated > 0)
			r->n->partly++;
		else
			r->n->backordered++;
	}
	return 0;
}

/* For store_alloc_write: is this line changed, and to what? */
static int
find_changed(void *p, const char *order_id, int64_t line_no, int64_t *allocated,
    int64_t *backordered, const char **reason, int *to_store)
{
	struct run *r = p;

	while (r->wo < r->norders) {
		const struct aorder *o = &r->orders[r->wo];
		const struct aline *a;
		int c;

		if (r->wk >= o->n || (c = strcmp(o->svc.order_id, order_id)) < 0) {
			r->wo++;
			r->wk = 0;
			continue;
		}
		if (c > 0)
			return 0;
		a = &r->rows[o->first + r->wk];
		if (a->line_no < line_no) {
			r->wk++;
			continue;
		}
		if (a->line_no > line_no || !a->changed)
			return 0;
		if (r->seen < (long)(a - r->rows) + 1)
			progress_tick(r->seen = (long)(a - r->rows) + 1);
		*allocated = a->allocated;
		*backordered = a->demand - a->allocated;
		*reason = r->texts[a->reason];
		*to_store = a->to_store;
		return 1;
	}
	return 0;
}

/*
 * The changed lines, in key order: one pass over the table.  A scoped run
 * (a few orders, as a rule) updates its lines one by one instead.
 */
static int
write_back(struct run *r, int scoped)
{
	long i;
	int k;

	if (!scoped)
		return r->n->lines + r->n->to_store_changed > 0 ? store_alloc_write(r->st,
		    find_changed, r, r->n->lines + r->n->to_store_changed) : 0;
	for (i = 0; i < r->norders; i++) {
		const struct aorder *o = &r->orders[i];

		for (k = 0; k < o->n; k++) {
			const struct aline *a = &r->rows[o->first + k];

			progress_tick(++r->seen);
			if (a->changed && store_line_alloc(r->st, o->svc.order_id, a->line_no,
			    a->allocated, a->demand - a->allocated, r->texts[a->reason],
			    a->to_store) != 0)
				return -1;
		}
	}
	return 0;
}

/* With -v: the wall and CPU time of each phase of the run, for BENCHMARKS.md. */
static void
phase(const char *what, long n)
{
	static struct timespec w0, c0;
	struct timespec w, c;

	if (diag_verbosity < 1)
		return;
	clock_gettime(CLOCK_MONOTONIC, &w);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
	if (what != NULL)
		diag_info("%s (%ld): %.2f s, cpu %.2f s", what, n,
		    (double)(w.tv_sec - w0.tv_sec) + (double)(w.tv_nsec - w0.tv_nsec) / 1e9,
		    (double)(c.tv_sec - c0.tv_sec) + (double)(c.tv_nsec - c0.tv_nsec) / 1e9);
	w0 = w;
	c0 = c;
}

/* Read the lines in scope, decide them in the order of service, write back. */
static int
decide_all(struct run *r, const char *const *scoped)
{
	struct service_key **by_service;	/* each an aorder's svc */
	long i, k;
	int ret = 0;

	phase(NULL, 0);
	if (store_alloc_orders(r->st, scoped[0] != NULL, order_row, r) != 0)
		return -1;
	phase("orders read", r->norders);
	if (store_alloc_lines(r->st, scoped[0] != NULL, line_row, r) != 0)
		return -1;
	phase("lines read", r->nrows);
	by_service = xmalloc((size_t)(r->norders ? r->norders : 1) * sizeof *by_service);
	for (i = k = 0; i < r->norders; i++) {
		struct aorder *o = &r->orders[i];

		if (o->n == 0)
			continue;
		by_service[k++] = &o->svc;
	}
	qsort(by_service, (size_t)k, sizeof *by_service, cmp_service);
	if (r->src != NULL)
		for (i = 0; i < k; i++)
			classify(r, (struct aorder *)by_service[i]);
	/* the routed work a line ahead may take back, in the order of service */
	for (i = 0; i < k; i++) {
		const struct aorder *o = (const struct aorder *)by_service[i];
		long w;

		for (w = o->wfirst; w < o->wfirst + o->wn; w++)
			alloc_add_routed(r->a, r->texts[r->rows[r->rwork[w].row].sku],
			    r->texts[r->rwork[w].node], i, o->ship_complete, r->rwork[w].routed, w);
	}
	phase("orders sorted", k);
	progress_end();
	progress_start("lines decided");
	r->seen = 0;
	for (i = 0; i < k && ret == 0; i++)
		ret = decide(r, (struct aorder *)by_service[i], i);
	free(by_service);
	if (ret == 0)
		ret = events_flush(&r->events);
	phase("decided, rows and events written", r->n->lines);
	progress_end();
	progress_start("lines written");
	r->seen = 0;
	if (ret == 0)
		ret = write_back(r, scoped[0] != NULL);
	phase("lines updated", r->n->lines);
	return ret;
}

/*
 * The places that kept lines from their stock, one warning each (even
 * with -q: data to fix), as oms-route gives them: the orders whose
 * ship-to cannot be placed, by order_id, and the nodes that cannot be
 * located, by node_id, with the lines backordered for them.
 */
static void
warn_places(struct run *r)
{
	struct place_warn w = PLACE_WARN_INIT;
	long i;

	for (i = 0; i < r->norders; i++)
		if (r->orders[i].nowhere > 0)
			place_warn_order(&w, r->orders[i].svc.order_id, r->orders[i].code,
			    r->orders[i].country);
	alloc_warn_nodes(r->a, &w);
	place_warn_end(&w);
}

int
alloc_run(struct store *st, const struct alloc_opts *o, FILE *out,
    struct alloc_counts *counts)
{
	struct run r;
	const char *scoped[1] = { NULL };
	int status = 0;

	memset(&r, 0, sizeof r);
	memset(counts, 0, sizeof *counts);
	r.st = st;
	events_init(&r.events, st);
	r.n = counts;
	if ((status = scope_load(st, o->scope)) != 0)
		return status;
	if (scope_on(o->scope))
		scoped[0] = "1";
	if (sourcing_load(st, &r.src) != 0) {
		status = store_status(st);
		goto out;
	}
	counts->rules_version = r.version = sourcing_version(r.src);
	r.explain = o->explain;
	if (sourcing_plain(r.src)) {
		sourcing_free(r.src);
		r.src = NULL;
	}
	if (free_held(&r, scoped[0] != NULL) != 0) {
		status = store_status(st);
		goto out;
	}
	if (load_network(&r, scoped) != 0) {
		status = store_status(st);
		goto out;
	}
	/* rare: work routed to stock that is no longer there; then start again */
	if (r.nshort > 0) {
		if (take_back(&r) != 0) {
			status = store_status(st);
			goto out;
		}
		clear_shortages(&r);
		alloc_free(r.a);
		if (load_network(&r, scoped) != 0) {
			status = store_status(st);
			goto out;
		}
		clear_shortages(&r);	/* what is left is released work: the node's */
	}
	if (o->explain != NULL)
		writer_init(&r.w, out, o->format, explain_cols, X_N);
	else
		writer_init(&r.w, out, o->format, alloc_cols, 7);
	r.w.safe_csv = o->safe_csv;
	progress_start("lines read");
	if (decide_all(&r, scoped) != 0)
		status = store_status(st);
	progress_end();
	if (status == 0 && o->explain != NULL && r.w.rows == 0) {
		diag_error("%s: nothing to allocate: its units are released, shipped or "
		    "cancelled, or the order is held", o->explain);
		status = EX_DATAERR;
	}
	/* the lines still short take stock on its way (alloc-supply.h) */
	if (status == 0 && o->explain == NULL) {
		struct alloc_supply_counts sn;

		if (alloc_supply(st, r.src, scoped[0] != NULL, &sn) != 0)
			status = store_status(st);
		counts->lines_pegged = sn.lines_pegged;
		counts->units_pegged = sn.units_pegged;
		counts->units_unpegged = sn.units_unpegged;
	}
	if (status == 0)
		warn_places(&r);
	writer_finish(&r.w);
out:
	events_release(&r.events);	/* drops what an error left queued */
	free(r.orders);
	free(r.rows);
	free(r.rwork);
	free(r.lines);
	buf_release(&r.payload);
	buf_release(&r.why);
	strmap_release(&r.interned, NULL);
	free(r.texts);
	arena_free(&r.strings);
	clear_shortages(&r);
	alloc_free(r.a);
	sourcing_free(r.src);
	return status;
}
