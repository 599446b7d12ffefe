/*
 * expire: the collection window (oms-release --expire).  What waits for
 * collection past its last day is cancelled at its store (the stock
 * stays, its reservation ends, the refund due is recorded) or, out of a
 * locker or a store it was shipped to, sent back to the node that shipped
 * it (a return authorised there); a reminder goes out some days before.  Each once: a collection
 * expired or reminded is marked so.  Then the alerts of oms-report alerts
 * go out as events, each once (store_sent_once), a node's capacity as it
 * fills and is freed.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "parse.h"
#include "release.h"
#include "returns.h"
#include "util.h"
#include "store-alerts.h"
#include "store-release.h"
#include "store-return.h"

/* A collection due, copied: the walk over them is done before any is acted on. */
struct due {
	char *order_id, *node_id, *node_type, *code, *last_day;
	int expire;
};

struct dues {
	struct due *v;
	size_t n;
};

static int
due_add(void *p, const struct collection_due *c)
{
	struct dues *d = p;
	struct due *x;

	d->v = xrealloc(d->v, (d->n + 1) * sizeof *d->v);
	x = &d->v[d->n++];
	x->order_id = xstrdup(c->order_id);
	x->node_id = xstrdup(c->node_id);
	x->node_type = xstrdup(c->node_type ? c->node_type : "");
	x->code = xstrdup(c->code ? c->code : "");
	x->last_day = xstrdup(c->last_day ? c->last_day : "");
	x->expire = c->expire;
	return 0;
}

static void
dues_free(struct dues *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].order_id);
		free(d->v[i].node_id);
		free(d->v[i].node_type);
		free(d->v[i].code);
		free(d->v[i].last_day);
	}
	free(d->v);
}

/* A release line of the collection, copied likewise. */
struct unit {
	struct collection_unit u;
	char *release_id, *node_id, *method, *sku;
};

struct units {
	struct unit *v;
	size_t n;
};

static int
unit_add(void *p, const struct collection_unit *u)
{
	struct units *l = p;
	struct unit *x;

	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	x = &l->v[l->n++];
	x->u = *u;
	x->release_id = xstrdup(u->release_id);
	x->node_id = xstrdup(u->node_id);
	x->method = xstrdup(u->method);
	x->sku = xstrdup(u->sku);
	return 0;
}

static void
units_free(struct units *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].release_id);
		free(l->v[i].node_id);
		free(l->v[i].method);
		free(l->v[i].sku);
	}
	free(l->v);
}

struct expire_run {
	struct store *st;
	const struct expire_opts *o;
	struct expire_counts *n;
	struct buf payload;
	struct buf refund_pl;	/* the refunds' events, made while payload is open */
	const char *at;		/* the run's time */
};

static int
remind(struct expire_run *x, const struct due *d)
{
	struct buf *b = &x->payload;

	jsonw_start(b);
	jsonw_str(b, "order_id", d->order_id);
	jsonw_str(b, "node_id", d->node_id);
	jsonw_str(b, "node_type", d->node_type);
	jsonw_str(b, "code", d->code);
	jsonw_str(b, "last_day", d->last_day);
	jsonw_int(b, "days_left", date_days(d->last_day) - date_days(x->o->today));
	jsonw_end(b);
	if (store_collection_reminded(x->st, d->order_id, d->node_id, x->at) != 0 ||
	    store_event(x->st, d->order_id, "pickup.reminder", b->s) != 0)
		return -1;
	x->n->reminders++;
	return 0;
}

/*
 * A store's pickup or curbside line: what is still out there is
 * cancelled, and what was paid for it is owed back as any cancel's is
 * (returns_cancel_refund: those units counted last of the line's, and
 * the order's shipping charge when that leaves it all cancelled with
 * nothing shipped).
 */
static int
expire_at_store(struct expire_run *x, const struct due *d, const struct unit *t,
    int64_t *refund)
{
	const struct collection_unit *u = &t->u;
	int64_t amount;

	if (u->out <= 0)
		return 0;
	if (store_release_line_expire(x->st, t->release_id, d->order_id, u->line_no, t->node_id,
	    u->out) != 0 ||
	    returns_cancel_refund(x->st, d->order_id, u->line_no, u->out, "uncollected", NULL, x->at,
	    &x->refund_pl, &amount) != 0)
		return -1;
	jsonw_object(&x->payload, NULL);
	jsonw_int(&x->payload, "line_no", u->line_no);
	jsonw_str(&x->payload, "sku", t->sku);
	jsonw_int(&x->payload, "qty", u->out);
	jsonw_money(&x->payload, "refund", amount);
	jsonw_object_end(&x->payload);
	x->n->units_cancelled += u->out;
	x->n->refunded += amount;
	*refund += amount;
	return 0;
}

/*
 * A line shipped to where it waits (a locker, or a store it was shipped
 * to for a pickup): what waits there goes back to the node that shipped
 * it, a return authorised there, of the channel "locker" or "store" (its
 * refund comes with its receipt, as any return's).  rma: the
 * collection's one RMA, made with the first line that needs it.
 */
static int
expire_shipped_there(struct expire_run *x, const struct due *d, const struct unit *t,
    char **rma)
{
	const struct collection_unit *u = &t->u;

	if (u->ready <= 0)
		return 0;
	if (*rma == NULL && store_rma_add(x->st, d->order_id,
	    strcmp(d->node_type, "locker") == 0 ? "locker" : "store", t->node_id, x->at,
	    rma) != 0)
		return -1;
	if (store_release_line_unready(x->st, t->release_id, u->line_no, u->ready) != 0 ||
	    store_rma_line_add(x->st, *rma, d->order_id, u->line_no, u->ready,
	    "uncollected") != 0)
		return -1;
	jsonw_object(&x->payload, NULL);
	jsonw_int(&x->payload, "line_no", u->line_no);
	jsonw_str(&x->payload, "sku", t->sku);
	jsonw_int(&x->payload, "qty", u->ready);
	jsonw_str(&x->payload, "rma_id", *rma);
	jsonw_str(&x->payload, "return_to", t->node_id);
	jsonw_object_end(&x->payload);
	x->n->units_returned += u->ready;
	return 0;
}

static int
expire(struct expire_run *x, const struct due *d)
{
	struct units l = { NULL, 0 };
	struct buf *b = &x->payload;
	char *rma = NULL;
	int64_t refund = 0;
	int r = 0;

	if (store_collection_units(x->st, d->order_id, d->node_id, unit_add, &l) != 0) {
		units_free(&l);
		return -1;
	}
	jsonw_start(b);
	jsonw_str(b, "order_id", d->order_id);
	jsonw_str(b, "node_id", d->node_id);
	jsonw_str(b, "node_type", d->node_type);
	jsonw_str(b, "last_day", d->last_day);
	jsonw_array(b, "lines");
	/* released to another node: shipped here (a locker's, a pickup's shipped to its store) */
	for (size_t i = 0; r == 0 && i < l.n; i++)
		r = strcmp(l.v[i].node_id, d->node_id) != 0 ?
		    expire_shipped_there(x, d, &l.v[i], &rma) :
		    expire_at_store(x, d, &l.v[i], &refund);
	jsonw_array_end(b);
	jsonw_money(b, "refund", refund);
	jsonw_str(b, "at", x->at);
	jsonw_end(b);
	if (r == 0 && (store_collection_expired(x->st, d->order_id, d->node_id, x->at) != 0 ||
	    store_event(x->st, d->order_id, "pickup.expired", b->s) != 0))
		r = -1;
	if (r == 0)
		x->n->expired++;
	free(rma);
	units_free(&l);
	return r;
}

/* An alert of store_alerts, copied (the walk is done before any is sent). */
struct alert_copy {
	char *kind, *node_id, *order_id, *release_id, *since, *detail;
	int64_t line_no;
};

struct alert_list {
	struct alert_copy *v;
	size_t n;
};

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int
alert_add(void *p, const struct alert *a)
{
	struct alert_list *l = p;
	struct alert_copy *x;

	/*
	 * what waits for collection is reminded of above, not alerted; a
	 * full node is told with its changes (capacity_send)
	 */
	if (strcmp(a->kind, "pickup_expiring") == 0 || strcmp(a->kind, "node_full") == 0)
		return 0;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	x = &l->v[l->n++];
	x->kind = xstrdup(a->kind);
	x->node_id = dup_or_null(a->node_id);
	x->order_id = dup_or_null(a->order_id);
	x->release_id = dup_or_null(a->release_id);
	x->since = dup_or_null(a->since);
	x->detail = dup_or_null(a->detail);
	x->line_no = a->line_no;
	return 0;
}

static void
alerts_free(struct alert_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].kind);
		free(l->v[i].node_id);
		free(l->v[i].order_id);
		free(l->v[i].release_id);
		free(l->v[i].since);
		free(l->v[i].detail);
	}
	free(l->v);
}

/*
 * One alert as an event, once: a release overdue once, a line at risk
 * once per plan (its detail says the plan's earliest day).
 */
static int
alert_send(struct expire_run *x, const struct alert_copy *a)
{
	struct buf subject = BUF_INIT, *b = &x->payload;
	const char *type, *plan = "";
	int r;

	if (strcmp(a->kind, "release_overdue") == 0) {
		type = "release.overdue";
		buf_adds(&subject, a->release_id);
	} else {
		assert(strcmp(a->kind, "at_risk") == 0);
		type = "order.at_risk";
		buf_addf(&subject, "%s/%lld@%s", a->order_id, (long long)a->line_no, a->node_id);
		plan = a->detail;
	}
	r = store_sent_once(x->st, type, subject.s, plan, x->at);
	buf_release(&subject);
	if (r <= 0)
		return r;
	jsonw_start(b);
	if (a->order_id != NULL)
		jsonw_str(b, "order_id", a->order_id);
	jsonw_str(b, "node_id", a->node_id);
	if (a->release_id != NULL)
		jsonw_str(b, "release_id", a->release_id);
	if (a->line_no > 0)
		jsonw_int(b, "line_no", a->line_no);
	jsonw_str(b, "since", a->since);
	jsonw_str(b, "reason", a->detail);
	jsonw_end(b);
	if (store_event(x->st, a->order_id, type, b->s) != 0)
		return -1;
	x->n->alerts++;
	return 0;
}

/* A node's day of store_capacity_told, copied (the walk is done before any is sent). */
struct told_copy {
	char *node_id, *subject, *detail;
	int64_t used, capacity, filled, freed;
};

struct told_list {
	struct told_copy *v;
	size_t n;
};

static int
told_add(void *p, const struct node_capacity_told *t)
{
	struct told_list *l = p;
	struct told_copy *x;

	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	x = &l->v[l->n++];
	x->node_id = xstrdup(t->node_id);
	x->subject = xstrdup(t->subject);
	x->detail = xstrdup(t->detail);
	x->used = t->used;
	x->capacity = t->capacity;
	x->filled = t->filled;
	x->freed = t->freed;
	return 0;
}

static void
told_free(struct told_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].node_id);
		free(l->v[i].subject);
		free(l->v[i].detail);
	}
	free(l->v);
}

/*
 * A node's day as an event when it changed since it was last told:
 * node.capacity_filled when its releases that count reach its capacity
 * and it was not told so (or was told freed since), node.capacity_freed
 * when it was told filled and is full no more (cancels or shorts gave
 * some back, or its capacity was raised or removed).  Each change once: the n-th of a
 * kind on the node's day is recorded with plan n, the first with ""
 * (as stores before node.capacity_freed have their filled).
 */
static int
capacity_send(struct expire_run *x, const struct told_copy *t)
{
	struct buf *b = &x->payload;
	int full = t->capacity >= 0 && t->used >= t->capacity;
	int64_t nth = (full ? t->filled : t->freed) + 1;
	const char *type = full ? "node.capacity_filled" : "node.capacity_freed";
	char plan[24] = "";
	int r;

	/* told filled more often than freed: told full */
	if (full == (t->filled > t->freed))
		return 0;
	if (nth > 1)
		snprintf(plan, sizeof plan, "%lld", (long long)nth);
	if ((r = store_sent_once(x->st, type, t->subject, plan, x->at)) <= 0)
		return r;
	jsonw_start(b);
	jsonw_str(b, "node_id", t->node_id);
	jsonw_str(b, "since", x->o->today);
	jsonw_str(b, "reason", t->detail);
	jsonw_end(b);
	if (store_event(x->st, NULL, type, b->s) != 0)
		return -1;
	x->n->alerts++;
	return 0;
}

int
release_expire(struct store *st, const struct expire_opts *o, struct expire_counts *n)
{
	struct expire_run x = { st, o, n, BUF_INIT, BUF_INIT, store_run_time(st) };
	struct dues d = { NULL, 0 };
	struct alert_list al = { NULL, 0 };
	struct told_list tl = { NULL, 0 };
	int r;

	memset(n, 0, sizeof *n);
	r = store_collections_due(st, o->today, o->remind_days, due_add, &d);
	for (size_t i = 0; r == 0 && i < d.n; i++)
		r = d.v[i].expire ? expire(&x, &d.v[i]) : remind(&x, &d.v[i]);
	dues_free(&d);
	if (r == 0)
		r = store_alerts(st, x.at, o->today, o->remind_days, NULL, alert_add, &al);
	for (size_t i = 0; r == 0 && i < al.n; i++)
		r = alert_send(&x, &al.v[i]);
	alerts_free(&al);
	if (r == 0)
		r = store_capacity_told(st, o->today, told_add, &tl);
	for (size_t i = 0; r == 0 && i < tl.n; i++)
		r = capacity_send(&x, &tl.v[i]);
	told_free(&tl);
	buf_release(&x.payload);
	buf_release(&x.refund_pl);
	return r == 0 ? 0 : store_status(st);
}
