/*
 * confirm: what the nodes and carriers send back (oms-release --confirm):
 * a release line shipped, picked up, short or cancelled; made ready for
 * collection, a customer arrived for it, delivered into a locker or to
 * the door, collected from a locker; and carrier tracking updates.  Each
 * row is checked against the line's state and applied, and when an
 * order's rows are done its order-level events follow (oms(7), "The last
 * mile").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "input.h"
#include "jsonw.h"
#include "model.h"
#include "parse.h"
#include "release.h"
#include "returns.h"
#include "rows.h"
#include "util.h"
#include "store-release.h"

enum { C_RELEASE, C_LINE, C_STATUS, C_QTY, C_CARRIER, C_TRACKING, C_AT, C_LOCATION,
	C_CODE, C_BAY, C_VEHICLE, C_DETAIL, C_NCOLS };

static const struct colspec confirm_cols[C_NCOLS] = {
	{ "release_id", 0 }, { "line_no", 0 }, { "status", 1 }, { "qty", 0 },
	{ "carrier", 0 }, { "tracking", 0 }, { "at", 0 }, { "location", 0 },
	{ "code", 0 }, { "bay", 0 }, { "vehicle", 0 }, { "detail", 0 },
};

/* A release line's statuses, then the carrier's (tracking updates). */
static const char *const statuses[] = {
	"shipped", "picked_up", "short", "cancelled", "ready", "arrived", "received",
	"delivered", "in_transit", "out_for_delivery", "exception",
};
enum { ST_SHIPPED, ST_PICKED_UP, ST_SHORT, ST_CANCELLED, ST_READY, ST_ARRIVED,
	ST_RECEIVED, ST_DELIVERED, ST_IN_TRANSIT, ST_OUT_FOR_DELIVERY, ST_EXCEPTION,
	ST_N };

static const char *const event_types[] = {
	"line.shipped", "line.picked_up", "line.short", "line.cancelled", "line.ready",
	"order.arrived", "line.received", "line.delivered",
};

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Bytes in a release id, carrier, tracking number, location, code, bay or vehicle. */
#define MAX_CONFIRM_TEXT 1000

/*
 * The last shipment the run recorded: confirmations come by release, as
 * a rule, and the next of the same release no later need not record it
 * again (a run is one transaction, applied whole or not at all).
 */
struct last_shipment {
	struct buf release_id;
	char at[21];
};

/*
 * The order whose rows the run is taking, and what they did: when the
 * rows go on to another order (or end), what the order as a whole now is
 * is looked at once, not after each of its lines.
 */
struct order_mark {
	struct buf order_id;
	struct buf collect_node;	/* where its ready or collected lines wait */
	char at[21];			/* the latest row's time */
	unsigned ready : 1, collected : 1, shipped : 1, delivered : 1;
};

/* A confirmation run: what rows share. */
struct confirm_run {
	struct store *st;
	struct confirm_counts *n;
	struct buf payload;
	struct last_shipment last;
	struct order_mark mark;
	long repeats;		/* rows that repeat a confirmation already taken */
	struct rows rows;	/* the current row's problem; the bad rows */
};

/* Repeats listed one by one; the rest are counted (a file sent twice). */
#define REPEATS_LISTED 5

/*
 * A row that repeats a confirmation already taken (at NULL: the row gave
 * no time): listed, or counted.
 */
static void
repeat(struct confirm_run *cr, const char *what, const char *status, int64_t qty,
    const char *tracking, const char *at)
{
	struct buf msg = BUF_INIT;

	if (++cr->repeats > REPEATS_LISTED)
		return;
	buf_addf(&msg, "%s was already confirmed %s", what, status);
	if (qty > 0)
		buf_addf(&msg, " %lld", (long long)qty);
	if (*tracking)
		buf_addf(&msg, " with tracking \"%s\"", quote_value(tracking));
	if (at != NULL)
		buf_addf(&msg, " at %s (a file sent twice?)", at);
	else
		buf_adds(&msg, " (a file sent twice? give its time, at, if it is another one)");
	rows_bad(&cr->rows, "%s", msg.s);
	buf_release(&msg);
}

/* --- the order as a whole ------------------------------------------------ */

/* A pickup code, when the node gave none: six digits, not guessable. */
static void
new_code(char code[8])
{
	snprintf(code, 8, "%06u", (unsigned)arc4random_uniform(1000000));
}

static int
ready_line(void *p, const struct collection_line *l)
{
	struct buf *b = p;

	jsonw_object(b, NULL);
	jsonw_int(b, "line_no", l->line_no);
	jsonw_str(b, "sku", l->sku);
	jsonw_int(b, "qty", l->ready);
	jsonw_str(b, "location", l->location);
	jsonw_object_end(b);
	return 0;
}

/*
 * What waits at m's node: announced ready once every line to collect
 * there is ready; announced collected once nothing is left to collect.
 */
static int
collection_events(struct confirm_run *cr, const struct order_mark *m)
{
	struct store *st = cr->st;
	struct buf *b = &cr->payload;
	struct collection_state c;
	const char *order_id = m->order_id.s, *node_id = m->collect_node.s;

	if (store_collection_state(st, order_id, node_id, &c) != 0)
		return -1;
	if (m->ready && c.ready_at == 0 && c.lines_to_collect > 0 && c.lines_waiting == 0) {
		char code[8], last_day[11];

		if (c.code[0] == '\0') {
			new_code(code);
			snprintf(c.code, sizeof c.code, "%s", code);
		}
		days_date(date_days(m->at) + c.hold_days, last_day);
		if (store_collection_ready(st, order_id, node_id, m->at, c.code, last_day) != 0)
			return -1;
		jsonw_start(b);
		jsonw_str(b, "order_id", order_id);
		jsonw_str(b, "node_id", node_id);
		jsonw_str(b, "node_type", c.node_type);
		jsonw_str(b, "code", c.code);
		jsonw_str(b, "last_day", last_day);
		jsonw_array(b, "lines");
		if (store_collection_lines(st, order_id, node_id, ready_line, b) != 0)
			return -1;
		jsonw_array_end(b);
		jsonw_str(b, "at", m->at);
		jsonw_end(b);
		if (store_event(st, order_id, "order.ready_for_pickup", b->s) != 0)
			return -1;
		cr->n->orders_ready++;
	}
	if (m->collected && !c.collected && c.lines_to_collect == 0) {
		if (store_collection_collected(st, order_id, node_id, m->at) != 0)
			return -1;
		jsonw_start(b);
		jsonw_str(b, "order_id", order_id);
		jsonw_str(b, "node_id", node_id);
		jsonw_str(b, "at", m->at);
		jsonw_end(b);
		if (store_event(st, order_id, "order.collected", b->s) != 0)
			return -1;
		cr->n->orders_collected++;
	}
	return 0;
}

/* One order-level event of m's order, once (store_sent_once): 0 or -1. */
static int
order_event(struct confirm_run *cr, const struct order_mark *m, const char *type,
    int64_t units)
{
	struct buf *b = &cr->payload;
	const char *order_id = m->order_id.s;
	int r = store_sent_once(cr->st, type, order_id, "", m->at);

	if (r <= 0)
		return r;
	jsonw_start(b);
	jsonw_str(b, "order_id", order_id);
	jsonw_int(b, "units", units);
	jsonw_str(b, "at", m->at);
	jsonw_end(b);
	return store_event(cr->st, order_id, type, b->s) != 0 ? -1 : 1;
}

/* order.shipped when its last shipping line ships; order.delivered likewise. */
static int
order_events(struct confirm_run *cr, const struct order_mark *m)
{
	struct order_progress o;
	int r;

	if (store_order_progress(cr->st, m->order_id.s, m->delivered, &o) != 0)
		return -1;
	if (m->shipped && o.to_ship > 0 && o.shipped == o.to_ship) {
		if ((r = order_event(cr, m, "order.shipped", o.shipped)) < 0)
			return -1;
		cr->n->orders_shipped += r;
	}
	if (m->delivered && o.to_ship > 0 && o.delivered == o.to_ship) {
		if ((r = order_event(cr, m, "order.delivered", o.delivered)) < 0)
			return -1;
		cr->n->orders_delivered += r;
	}
	return 0;
}

/* The rows of the marked order are done: its order-level events.  0 or -1. */
static int
mark_flush(struct confirm_run *cr)
{
	struct order_mark *m = &cr->mark;
	int r = 0;

	if (m->order_id.len == 0)
		return 0;
	if ((m->ready || m->collected) && m->collect_node.len > 0)
		r = collection_events(cr, m);
	if (r == 0 && (m->shipped || m->delivered))
		r = order_events(cr, m);
	buf_reset(&m->order_id);
	buf_reset(&m->collect_node);
	m->ready = m->collected = m->shipped = m->delivered = 0;
	return r;
}

/*
 * A row of order_id (its lines collected at collect_node, NULL: none) at
 * time at: the order before it is done when this is another one, or
 * another node.  0 or -1.
 */
static int
mark(struct confirm_run *cr, const char *order_id, const char *collect_node, const char *at)
{
	struct order_mark *m = &cr->mark;
	int fresh;

	if (m->order_id.len > 0 && (strcmp(m->order_id.s, order_id) != 0 ||
	    (collect_node != NULL && m->collect_node.len > 0 &&
	    strcmp(m->collect_node.s, collect_node) != 0)))
		if (mark_flush(cr) != 0)
			return -1;
	if ((fresh = m->order_id.len == 0))
		buf_adds(&m->order_id, order_id);
	if (collect_node != NULL && m->collect_node.len == 0)
		buf_adds(&m->collect_node, collect_node);
	if (fresh || strcmp(at, m->at) > 0)
		memcpy(m->at, at, sizeof m->at);
	return 0;
}

/* --- a release line ------------------------------------------------------ */

/* Where a line is collected: its store (pickup, curbside), its locker; NULL: shipped. */
static const char *
collect_node(const struct release_line_state *s)
{
	return strcmp(s->method, "ship") != 0 && s->pickup_node[0] != '\0' ?
	    s->pickup_node : NULL;
}

static int
is_locker(const struct release_line_state *s)
{
	return strcmp(s->method, "locker") == 0;
}

/* A pickup or curbside line released to another node, which ships it to its store. */
static int
is_to_store(const struct release_line_state *s)
{
	return method_handed_over(s->method) && s->pickup_node[0] != '\0' &&
	    strcmp(s->node_id, s->pickup_node) != 0;
}

/*
 * A line shipped to where its customer collects it (a locker, a store
 * that receives it): its ready units wait there, of those shipped.
 */
static int
shipped_there(const struct release_line_state *s)
{
	return is_locker(s) || is_to_store(s);
}

/*
 * Whether status fits the line: 0, or 1 with the row's problem said.  A
 * line is shipped (ship, locker, a pickup shipped to its store) or handed
 * over at its store (pickup, curbside); received by the store it is
 * shipped to; made ready and met by its customer at the store; delivered
 * to the door, or into the locker and then picked up from it.
 */
static int
refused_for_method(struct confirm_run *cr, int status, const struct release_line_state *s,
    const char *id, int64_t line_no)
{
	const char *fits;

	switch (status) {
	case ST_SHIPPED:
		if (method_handed_over(s->method) && !is_to_store(s)) {
			rows_bad(&cr->rows, "status shipped is for ship and locker lines, and "
			    "pickup and curbside lines shipped to their store; line %lld of "
			    "release \"%s\" is a %s line released to the store itself (handed "
			    "over there: picked_up)", (long long)line_no, quote_value(id),
			    s->method);
			return 1;
		}
		fits = NULL;
		break;
	case ST_DELIVERED:
		if (is_to_store(s)) {
			rows_bad(&cr->rows, "status delivered is for ship and locker lines; "
			    "line %lld of release \"%s\" is a %s line shipped to its store, "
			    "which confirms it received", (long long)line_no, quote_value(id),
			    s->method);
			return 1;
		}
		fits = method_handed_over(s->method) ? "ship and locker" : NULL;
		break;
	case ST_PICKED_UP:
		fits = strcmp(s->method, "ship") == 0 ? "pickup, curbside and locker" : NULL;
		break;
	case ST_READY:
	case ST_ARRIVED:
		fits = method_handed_over(s->method) ? NULL : "pickup and curbside";
		break;
	case ST_RECEIVED:
		fits = is_to_store(s) ? NULL : "pickup and curbside lines shipped to their store";
		break;
	default:
		fits = NULL;
	}
	if (fits == NULL)
		return 0;
	if (status == ST_RECEIVED)
		rows_bad(&cr->rows, "status received is for %s; line %lld of release \"%s\" "
		    "is a %s line%s", fits, (long long)line_no, quote_value(id), s->method,
		    method_handed_over(s->method) ? " released to the store itself" : "");
	else
		rows_bad(&cr->rows, "status %s is for %s lines; line %lld of release \"%s\" "
		    "is a %s line", statuses[status], fits, (long long)line_no, quote_value(id),
		    s->method);
	return 1;
}

/*
 * Whether qty fits what the line has for status: 0, or 1 with the row's
 * problem said.  out: what is still out at the node.
 */
static int
refused_for_qty(struct confirm_run *cr, int status, const struct release_line_state *s,
    const char *id, int64_t line_no, int64_t qty, int64_t out)
{
	const char *st = statuses[status];

	if (status == ST_ARRIVED) {
		/* at the node still, or (shipped to its store) there and not collected */
		if (out > 0 || s->ready > 0 || (is_to_store(s) && s->shipped > s->collected))
			return 0;
		rows_bad(&cr->rows, "line %lld of release \"%s\": a customer arrived, but "
		    "nothing of it is left to collect", (long long)line_no, quote_value(id));
		return 1;
	}
	if (status == ST_RECEIVED) {
		int64_t can = s->shipped - s->delivered;

		if (qty <= can)
			return 0;
		rows_bad(&cr->rows, "line %lld of release \"%s\": %lld confirmed received, "
		    "but only %lld of the %lld shipped to the store %s not received yet",
		    (long long)line_no, quote_value(id), (long long)qty, (long long)can,
		    (long long)s->shipped, plural(can, "is", "are"));
		return 1;
	}
	if (status == ST_READY && is_to_store(s)) {
		int64_t can = s->delivered - s->collected - s->ready;

		if (qty <= can)
			return 0;
		rows_bad(&cr->rows, "line %lld of release \"%s\": %lld confirmed ready, but "
		    "only %lld of the %lld received at the store %s not ready or collected yet",
		    (long long)line_no, quote_value(id), (long long)qty, (long long)can,
		    (long long)s->delivered, plural(can, "is", "are"));
		return 1;
	}
	if (status == ST_DELIVERED || (status == ST_PICKED_UP && shipped_there(s))) {
		int64_t can = status == ST_DELIVERED ? s->shipped - s->delivered : s->ready;

		if (qty <= can)
			return 0;
		if (status == ST_DELIVERED)
			rows_bad(&cr->rows, "line %lld of release \"%s\": %lld confirmed delivered, "
			    "but only %lld of the %lld shipped %s not delivered yet",
			    (long long)line_no, quote_value(id), (long long)qty, (long long)can,
			    (long long)s->shipped, plural(can, "is", "are"));
		else if (is_locker(s))
			rows_bad(&cr->rows, "line %lld of release \"%s\": %lld confirmed picked_up "
			    "from the locker, but only %lld %s delivered into it and not collected",
			    (long long)line_no, quote_value(id), (long long)qty, (long long)can,
			    plural(can, "was", "were"));
		else
			rows_bad(&cr->rows, "line %lld of release \"%s\": %lld confirmed picked_up, "
			    "but only %lld shipped to the store %s ready and not collected",
			    (long long)line_no, quote_value(id), (long long)qty, (long long)can,
			    plural(can, "is", "are"));
		return 1;
	}
	if (status == ST_READY) {
		if (qty <= out - s->ready)
			return 0;
		rows_bad(&cr->rows, "line %lld of release \"%s\": %lld confirmed ready, but "
		    "only %lld of the %lld still out at the node %s not ready yet",
		    (long long)line_no, quote_value(id), (long long)qty,
		    (long long)(out - s->ready), (long long)out,
		    plural(out - s->ready, "is", "are"));
		return 1;
	}
	if (qty > out) {
		rows_bad(&cr->rows, "line %lld of release \"%s\": %lld confirmed %s, but "
		    "only %lld of the %lld released %s still outstanding (shipped %lld, short "
		    "%lld, cancelled %lld)", (long long)line_no, quote_value(id), (long long)qty,
		    st, (long long)out, (long long)s->qty, plural(out, "is", "are"),
		    (long long)s->shipped, (long long)s->shorted, (long long)s->cancelled);
		return 1;
	}
	if (status == ST_CANCELLED && qty > s->cancel_requested) {
		rows_bad(&cr->rows, "line %lld of release \"%s\": %lld confirmed "
		    "cancelled, but only %lld %s asked to be cancelled", (long long)line_no,
		    quote_value(id), (long long)qty, (long long)s->cancel_requested,
		    plural(s->cancel_requested, "was", "were"));
		return 1;
	}
	return 0;
}

/* What the row does to the line's counts, into c. */
static void
decide(struct confirmation *c, int status, const struct release_line_state *s,
    int64_t qty, int64_t out)
{
	int64_t left;

	switch (status) {
	case ST_SHIPPED:
		c->shipped = qty;
		/* what is gone can no longer be cancelled */
		c->cancel_requested = min64(s->cancel_requested, out - qty);
		break;
	case ST_PICKED_UP:
		if (shipped_there(s)) {
			/* shipped already: out of the locker or store, into the customer's hands */
			c->collected = qty;
			c->ready = -qty;
			break;
		}
		c->shipped = qty;
		c->cancel_requested = min64(s->cancel_requested, out - qty);
		/* the ready units are handed over first */
		c->ready = -min64(qty, s->ready);
		break;
	case ST_SHORT:
		c->shorted = qty;
		/* units the customer asked to cancel are cancelled, not reopened */
		c->line_cancelled = min64(qty, s->cancel_requested);
		c->cancel_requested = s->cancel_requested - c->line_cancelled;
		break;
	case ST_CANCELLED:
		c->cancelled = c->line_cancelled = qty;
		c->cancel_requested = s->cancel_requested - qty;
		break;
	case ST_READY:
		c->ready = qty;
		break;
	case ST_RECEIVED:
		/* at the store: there it is made ready */
		c->delivered = qty;
		break;
	case ST_DELIVERED:
		c->delivered = qty;
		/* into the locker: there it waits for its customer */
		if (is_locker(s))
			c->ready = qty;
		break;
	}
	/*
	 * short or cancelled: no more ready at the store than is left there
	 * (the ready units of a line shipped to its locker or store are
	 * there, shipped already)
	 */
	if ((status == ST_SHORT || status == ST_CANCELLED) && !shipped_there(s)) {
		left = out - qty;
		if (s->ready > left)
			c->ready = left - s->ready;
	}
}

/* The row's time (the run's when it gives none) into at: 0, or 1 when bad. */
static int
row_time(struct confirm_run *cr, const struct record *r, char at[21])
{
	if (r->val[C_AT][0] == '\0') {
		snprintf(at, 21, "%s", store_run_time(cr->st));
		return 0;
	}
	return rows_time(&cr->rows, "at", r->val[C_AT], at) != 0;
}

/* The text columns' checks: 0, or 1 when one is bad. */
static int
row_texts(struct confirm_run *cr, const struct record *r)
{
	static const int cols[] = { C_RELEASE, C_CARRIER, C_TRACKING, C_LOCATION, C_CODE,
		C_BAY, C_VEHICLE, C_DETAIL };

	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
		if (rows_plain(&cr->rows, confirm_cols[cols[i]].name, r->val[cols[i]],
		    MAX_CONFIRM_TEXT) != 0)
			return 1;
	return 0;
}

static void
count(struct confirm_counts *n, int status, int64_t qty)
{
	switch (status) {
	case ST_SHIPPED: n->shipped += qty; break;
	case ST_PICKED_UP: n->picked_up += qty; break;
	case ST_SHORT: n->shorted += qty; break;
	case ST_CANCELLED: n->cancelled += qty; break;
	case ST_READY: n->ready += qty; break;
	case ST_ARRIVED: n->arrived++; break;
	case ST_DELIVERED: n->delivered += qty; break;
	case ST_RECEIVED: n->received += qty; break;
	}
}

/*
 * One release line's confirmation of status (qty: -1 when the row gave
 * none, for arrived), checked and applied: 0, 1 when it is bad (its
 * problem in cr->rows), -1 error.  r is the row (NULL for a delivery a
 * tracking update made, with carrier and tracking).
 */
static int
confirm_line(struct confirm_run *cr, const struct record *r, const char *id, int64_t line_no,
    int status, int64_t qty, const char *carrier, const char *tracking, const char *at,
    int timed)
{
	struct store *st = cr->st;
	struct buf *payload = &cr->payload;
	struct last_shipment *last = &cr->last;
	struct release_line_state s;
	struct confirmation c;
	const char *where;
	int64_t out, on_hand, refund;
	int known, rc;

	if (qty < 0)
		qty = 0;
	if ((rc = store_release_line_get(st, id, line_no, statuses[status], tracking, qty,
	    timed ? at : NULL, &s, &known)) < 0)
		return -1;
	if (rc == 0) {
		if (known)
			rows_bad(&cr->rows, "release \"%s\" has no line %lld", quote_value(id),
			    (long long)line_no);
		else
			rows_bad(&cr->rows, "unknown release \"%s\"", quote_value(id));
		return 1;
	}
	if (refused_for_method(cr, status, &s, id, line_no))
		return 1;
	if (s.seen) {
		char what[1100];

		snprintf(what, sizeof what, "line %lld of release \"%s\"", (long long)line_no,
		    quote_value(id));
		repeat(cr, what, statuses[status], qty, tracking, timed ? at : NULL);
		return 1;
	}
	out = s.qty - s.shipped - s.shorted - s.cancelled;
	if (refused_for_qty(cr, status, &s, id, line_no, qty, out))
		return 1;

	memset(&c, 0, sizeof c);
	c.release_id = id;
	c.order_id = s.order_id;
	c.node_id = s.node_id;
	c.sku = s.sku;
	c.status = statuses[status];
	c.carrier = carrier;
	c.tracking = tracking;
	c.at = at;
	c.line_no = line_no;
	c.qty = qty;
	c.on_hand = -1;
	c.event_type = event_types[status];
	c.cancel_requested = s.cancel_requested;
	c.location = c.code = c.bay = c.vehicle = "";
	if (r != NULL) {
		c.location = r->val[C_LOCATION];
		c.code = r->val[C_CODE];
		c.bay = r->val[C_BAY];
		c.vehicle = r->val[C_VEHICLE];
	}
	decide(&c, status, &s, qty, out);
	where = collect_node(&s);
	/* a collection is kept where something waits or a customer comes */
	if (where != NULL && (status == ST_READY || status == ST_ARRIVED ||
	    status == ST_RECEIVED || (status == ST_DELIVERED && is_locker(&s))))
		c.collect_node = where;
	c.arrived = status == ST_ARRIVED;
	/* the stock leaves the node when it ships or is handed over */
	if (c.shipped > 0 || c.shorted > 0) {
		on_hand = s.on_hand;
		if (on_hand < 0 && status != ST_SHORT)
			diag_warn("%s:%ld: node \"%s\" has no inventory of sku \"%s\"; %s %lld "
			    "taken as is", r ? r->file : "-", r ? r->line : 0L, s.node_id, s.sku,
			    statuses[status], (long long)qty);
		if (on_hand >= 0) {
			if (on_hand < qty && status != ST_SHORT)
				diag_warn("%s:%ld: node \"%s\" had on_hand %lld of sku \"%s\", less "
				    "than the %lld %s; on_hand set to 0", r ? r->file : "-",
				    r ? r->line : 0L, s.node_id, (long long)on_hand, s.sku,
				    (long long)qty, statuses[status]);
			c.on_hand = on_hand > qty ? on_hand - qty : 0;
		}
	}
	/* the order before is done: its events come first (they use payload too) */
	if (mark(cr, s.order_id, where, at) != 0)
		return -1;
	jsonw_start(payload);
	jsonw_str(payload, "release_id", id);
	jsonw_int(payload, "line_no", line_no);
	jsonw_str(payload, "node_id", s.node_id);
	jsonw_str(payload, "sku", s.sku);
	if (status != ST_ARRIVED)
		jsonw_int(payload, "qty", qty);
	if (status == ST_SHORT) {
		jsonw_int(payload, "reopened", qty - c.line_cancelled);
		jsonw_int(payload, "cancelled", c.line_cancelled);
	}
	if (status <= ST_CANCELLED || status == ST_DELIVERED || status == ST_RECEIVED) {
		jsonw_str(payload, "carrier", c.carrier);
		jsonw_str(payload, "tracking", c.tracking);
	}
	if (c.collect_node != NULL && strcmp(c.collect_node, s.node_id) != 0)
		jsonw_str(payload, "collect_node", c.collect_node);
	if (*c.location)
		jsonw_str(payload, "location", c.location);
	if (status == ST_ARRIVED) {
		jsonw_str(payload, "bay", c.bay);
		jsonw_str(payload, "vehicle", c.vehicle);
	}
	jsonw_str(payload, "at", at);
	jsonw_end(payload);
	c.payload = payload->s;
	if (c.shipped > 0) {
		int same = last->release_id.s != NULL && strcmp(last->release_id.s, id) == 0;

		c.shipment = !same || strcmp(at, last->at) > 0;
		if (!same) {
			buf_reset(&last->release_id);
			buf_adds(&last->release_id, id);
		}
		if (c.shipment)
			memcpy(last->at, at, sizeof last->at);
	}
	if (store_confirmation_apply(st, &c) != 0)
		return -1;
	/*
	 * units asked back and now cancelled are owed back at this moment;
	 * the cancel request keeps no reason, so the refund's is "cancelled"
	 */
	if (c.line_cancelled > 0 && returns_cancel_refund(st, s.order_id, line_no,
	    c.line_cancelled, NULL, s.cancel_tender, at, payload, &refund) != 0)
		return -1;
	if (status == ST_READY || (status == ST_DELIVERED && is_locker(&s)))
		cr->mark.ready = 1;
	if (status == ST_PICKED_UP)
		cr->mark.collected = 1;
	if (status == ST_SHIPPED)
		cr->mark.shipped = 1;
	if (status == ST_DELIVERED)
		cr->mark.delivered = 1;
	cr->n->rows++;
	count(cr->n, status, qty);
	return 0;
}

/* --- a carrier's tracking update ----------------------------------------- */

struct tracked {
	struct confirm_run *cr;
	const char *carrier, *tracking, *detail, *at;
	int timed;
	long lines;		/* the parcel's lines (or orders) found */
	struct tracked_line *v;	/* its lines not all delivered, copied */
	size_t n;
};

/* A line the parcel carried: delivered with it, once the walk is over. */
static int
tracked_line(void *p, const struct tracked_line *l)
{
	struct tracked *t = p;

	t->lines++;
	/* at the store the parcel is received by the store, not delivered */
	if (l->undelivered <= 0 || l->to_store)
		return 0;
	t->v = xrealloc(t->v, (t->n + 1) * sizeof *t->v);
	t->v[t->n] = *l;
	t->v[t->n].release_id = xstrdup(l->release_id);
	t->n++;
	return 0;
}

/* Deliver the lines found (apply 0: only free them): 0, 1 when one was refused, -1 error. */
static int
tracked_deliver(struct tracked *t, int apply)
{
	int rc = 0;

	for (size_t i = 0; apply && i < t->n && rc == 0; i++) {
		rc = confirm_line(t->cr, NULL, t->v[i].release_id, t->v[i].line_no, ST_DELIVERED,
		    t->v[i].undelivered, t->carrier, t->tracking, t->at, t->timed);
		/* the update is one row of the file, the lines it delivered are not */
		if (rc == 0)
			t->cr->n->rows--;
	}
	for (size_t i = 0; i < t->n; i++)
		free((char *)t->v[i].release_id);
	free(t->v);
	return rc;
}

static int
tracked_count(void *p, const char *order_id)
{
	(void)order_id;
	((struct tracked *)p)->lines++;
	return 0;
}

static int
tracked_order(void *p, const char *order_id)
{
	struct tracked *t = p;
	struct buf *b = &t->cr->payload;

	t->lines++;
	jsonw_start(b);
	jsonw_str(b, "order_id", order_id);
	jsonw_str(b, "carrier", t->carrier);
	jsonw_str(b, "tracking", t->tracking);
	jsonw_str(b, "detail", t->detail);
	jsonw_str(b, "at", t->at);
	jsonw_end(b);
	return store_event(t->cr->st, order_id, "shipment.exception", b->s) != 0 ? -1 : 0;
}

/*
 * A carrier's update on a parcel, keyed by carrier and tracking number:
 * kept; delivered delivers every line the parcel carried; an exception
 * is an event of each order it carried.  0, 1 when bad, -1 error.
 */
static int
confirm_tracking(struct confirm_run *cr, const struct record *r, int status)
{
	struct store *st = cr->st;
	const char *carrier = r->val[C_CARRIER], *tracking = r->val[C_TRACKING];
	struct tracked t = { cr, carrier, tracking, r->val[C_DETAIL], NULL,
		r->val[C_AT][0] != '\0', 0, NULL, 0 };
	char at[21];
	int seen, rc;

	if (*carrier == '\0' || *tracking == '\0') {
		rows_bad(&cr->rows, "status %s without a release_id is a carrier's tracking "
		    "update: it needs carrier and tracking", statuses[status]);
		return 1;
	}
	if (r->val[C_LINE][0] != '\0' || r->val[C_QTY][0] != '\0') {
		rows_bad(&cr->rows, "a tracking update (no release_id) is of the whole parcel: "
		    "line_no and qty must be empty");
		return 1;
	}
	if (row_time(cr, r, at))
		return 1;
	t.at = at;
	if ((rc = store_tracking_add(st, carrier, tracking, statuses[status],
	    r->val[C_DETAIL], at, t.timed, &seen)) < 0)
		return -1;
	if (seen) {
		char what[2100];
		int n;

		/* quote_value's text lasts until its next call: one at a time */
		n = snprintf(what, sizeof what, "parcel \"%s\"", quote_value(tracking));
		snprintf(what + n, sizeof what - (size_t)n, " of carrier \"%s\"",
		    quote_value(carrier));
		repeat(cr, what, statuses[status], 0, "", t.timed ? at : NULL);
		return 1;
	}
	if (status == ST_DELIVERED) {
		rc = store_tracked_lines(st, carrier, tracking, tracked_line, &t);
		if (rc == 0)
			rc = tracked_deliver(&t, 1);
		else
			tracked_deliver(&t, 0);
	} else {
		rc = store_tracked_orders(st, carrier, tracking,
		    status == ST_EXCEPTION ? tracked_order : tracked_count, &t);
	}
	if (rc != 0)
		return rc;
	if (t.lines == 0 && status != ST_EXCEPTION) {
		char t[1100];

		snprintf(t, sizeof t, "%s", quote_value(tracking));
		rows_bad(&cr->rows, "no shipment has tracking \"%s\" of carrier \"%s\"", t,
		    quote_value(carrier));
		return 1;
	}
	cr->n->rows++;
	cr->n->tracking++;
	return 0;
}

/* Check and apply one record: 0, 1 when it is bad (its problem in cr->rows), -1 error. */
static int
confirm_one(struct confirm_run *cr, const struct record *r)
{
	const char *id = r->val[C_RELEASE];
	int64_t line_no = 0, qty = -1;
	char at[21];
	int status;

	if (r->error) {
		rows_bad(&cr->rows, "%s", r->error);
		return 1;
	}
	if ((status = parse_word(r->val[C_STATUS], statuses, ST_N)) < 0) {
		rows_bad(&cr->rows, "status must be one of shipped, picked_up, short, cancelled, "
		    "ready, arrived, received, delivered (and in a tracking update in_transit, "
		    "out_for_delivery, exception), got \"%s\"",
		    quote_value(r->val[C_STATUS]));
		return 1;
	}
	if (row_texts(cr, r))
		return 1;
	if (status >= ST_IN_TRANSIT || (status == ST_DELIVERED && *id == '\0'))
		return confirm_tracking(cr, r, status);
	if (rows_empty(&cr->rows, "release_id", id, 1) ||
	    rows_int(&cr->rows, "line_no", r->val[C_LINE], 1, INT64_MAX, "a positive integer",
	    &line_no) != 0)
		return 1;
	if (status != ST_ARRIVED || r->val[C_QTY][0] != '\0')
		if (rows_int(&cr->rows, "qty", r->val[C_QTY], 1, 1000000000, "a positive integer",
		    &qty) != 0)
			return 1;
	if (row_time(cr, r, at))
		return 1;
	return confirm_line(cr, r, id, line_no, status, qty, r->val[C_CARRIER],
	    r->val[C_TRACKING], at, r->val[C_AT][0] != '\0');
}

int
release_confirm(struct store *st, char *const *files, int nfiles, int infmt,
    struct confirm_counts *n)
{
	struct confirm_run cr = { .st = st, .n = n, .payload = BUF_INIT,
	    .last = { BUF_INIT, "" }, .mark = { BUF_INIT, BUF_INIT, "", 0, 0, 0, 0 } };
	struct record rec;
	int i, rc, status = 0;
	long bad = 0;

	memset(n, 0, sizeof *n);
	/* no rejects file: a confirmation file is applied whole or not at all */
	rows_open(&cr.rows, NULL, -1, &bad, "nothing applied", &status);
	progress_start("confirmations");
	for (i = 0; i < nfiles && status == 0; i++) {
		struct input *in = input_open(files[i], infmt, confirm_cols, C_NCOLS, NULL,
		    &status);

		if (in == NULL)
			break;
		while ((rc = input_next(in, &rec)) == 1) {
			progress_tick(n->rows + bad);
			/* a bad row spoils the run, but every row is still checked */
			rows_next(&cr.rows);
			if ((rc = confirm_one(&cr, &rec)) < 0) {
				status = store_status(st);
				break;
			}
			/* a repeat past the listed ones has no message: counted only */
			if (rc > 0)
				rows_reject(&cr.rows, in, NULL, rec.file, rec.line, cr.rows.err.s,
				    cr.rows.err.len > 0, &status);
		}
		if (rc < 0 && status == 0)
			status = input_status(in);
		input_close(in);
	}
	if (status == 0 && bad == 0 && mark_flush(&cr) != 0)
		status = store_status(st);
	progress_end();
	buf_release(&cr.payload);
	buf_release(&cr.last.release_id);
	buf_release(&cr.mark.order_id);
	buf_release(&cr.mark.collect_node);
	status = rows_close(&cr.rows, status);
	if (status == 0 && cr.repeats > REPEATS_LISTED)
		diag_error("%ld more %s already confirmed, not listed (a file sent twice?)",
		    cr.repeats - REPEATS_LISTED, plural(cr.repeats - REPEATS_LISTED, "row", "rows"));
	if (status == 0 && bad > 0) {
		diag_error("%ld bad %s: nothing applied", bad,
		    plural(bad, "confirmation", "confirmations"));
		status = EX_DATAERR;
	}
	return status;
}
