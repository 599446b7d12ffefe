#ifndef OMS_STORE_RELEASE_H
#define OMS_STORE_RELEASE_H
/*
 * store-release: routed work to release, node capacity, releases and
 * their documents, confirmations (lib/store-release.c).
 */
#include "store.h"

/*
 * Routed work to release, one per line and node with routed > 0, in the
 * order of service of its orders (service_cmp, model.h), then node_id,
 * line_no.
 */
struct routed_work {
	const char *order_id, *node_id, *sku, *method, *promise_date;
	int64_t line_no, routed;
	int ship_complete;
	int held;		/* 1 when the order has a hold */
	/* for ship-complete orders: units of its lines not yet routed,
	   released, shipped or cancelled; else 0 */
	int64_t unrouted;
	/* ship_name, ship_address1, ship_city, ship_region,
	   ship_postal_code, ship_country */
	const char *ship[6];
	const char *pickup_node;	/* NULL: none */
};
int store_release_work(struct store *st, int (*fn)(void *ctx, const struct routed_work *w),
	void *ctx);
/*
 * Every node with its capacity_per_day, how many releases it has for
 * business day day (made, all of them: the last one's number) and how
 * many of those count against its capacity (used; not those whose every
 * unit came back short or cancelled), and its address.
 */
struct node_day_capacity {
	const char *node_id;
	int64_t capacity;	/* -1: unlimited */
	int64_t used;		/* releases that day that count against capacity */
	int64_t made;		/* releases that day */
	const char *addr[5];	/* address1, city, region, postal_code, country */
};
int store_release_capacity(struct store *st, const char *day,
	int (*fn)(void *ctx, const struct node_day_capacity *c), void *ctx);
/* A release as sent, with its "release.created" event (payload). */
struct release_row {
	const char *release_id, *order_id, *node_id, *document, *payload;
	int nlines;		/* its lines: the next nlines of the lines given */
};
/* A line of a release: qty moves from routed to released at its node. */
struct release_line_row {
	int64_t line_no, qty;
};
/*
 * Write n releases of business day day, their lines (the lines of r[0],
 * then of r[1], ...) and their events, one row to a statement.
 */
int store_releases_write(struct store *st, const char *day, const struct release_row *r,
	int n, const struct release_line_row *lines);
/*
 * The document of release_id as first emitted: 1 and *doc (malloc'd, the
 * caller frees), 0 when there is no such release, -1 error.
 */
int store_release_document(struct store *st, const char *release_id, char **doc);
/*
 * The releases run run_id made, in the order it made them (the order of
 * their "release.created" events).
 */
struct release_document {
	const char *release_id, *document;
};
int store_release_documents_of_run(struct store *st, int64_t run_id,
	int (*fn)(void *ctx, const struct release_document *d), void *ctx);
/*
 * The command of run run_id in the run log: 1 and *command (malloc'd, the
 * caller frees), 0 when there is no such run, -1 error.
 */
int store_run_command(struct store *st, int64_t run_id, char **command);

/* A released line as the node must answer for it. */
struct release_line_state {
	char order_id[256], node_id[256], sku[256], method[16];
	char pickup_node[256];	/* the line's store or locker ("": none) */
	int64_t qty, shipped, shorted, cancelled, cancel_requested;
	int64_t ready, delivered, collected;	/* the last mile (schema 009) */
	int64_t on_hand;	/* the node's of the sku; -1: no inventory row */
	int seen;		/* already took this confirmation (see below) */
	char cancel_tender[16];	/* where the refund of units asked back goes */
};
/*
 * Line line_no of release_id, asked about a confirmation of status, qty,
 * tracking and time at: 1 and *s filled, 0 when the release has no such
 * line (*release_known: whether the release exists), -1 error.  s->seen
 * is 1 when the line already took a confirmation of the same status, qty,
 * tracking and time (at NULL: at any time).
 */
int store_release_line_get(struct store *st, const char *release_id, int64_t line_no,
	const char *status, const char *tracking, int64_t qty, const char *at,
	struct release_line_state *s, int *release_known);

/* One confirmation to apply, as decided by lib/release.c. */
struct confirmation {
	const char *release_id, *order_id, *node_id, *sku, *status, *carrier,
	    *tracking, *at;
	int64_t line_no, qty;
	int64_t shipped, shorted, cancelled;	/* added to the release line */
	int64_t cancel_requested;		/* the release line's, afterwards */
	int64_t line_cancelled;			/* added to order_line.cancelled */
	int64_t on_hand;			/* the node's, afterwards; -1: no row */
	int64_t ready, delivered, collected;	/* added to the release line */
	const char *location;			/* the ready units' place ("": as was) */
	const char *code, *bay, *vehicle;	/* as the row gave them, or "" */
	const char *collect_node;		/* keep its collection; NULL: none */
	int arrived;				/* the customer checked in there */
	int shipment;				/* record the shipment: at is its latest */
	const char *event_type, *payload;
};
/*
 * Apply it: the release line, line_node's released and shipped, the
 * order line's shipped and cancelled, the shipment (when c->shipment;
 * else, for units shipped, its transit days only), the node's on_hand,
 * the confirmation row and its event.
 */
int store_confirmation_apply(struct store *st, const struct confirmation *c);

/*
 * What one order has to collect at one node (its pickup and curbside
 * lines at their store, its locker lines at their locker): lines with
 * units still to collect (not cancelled, not handed over or taken from
 * the locker), of which lines_waiting are not all ready; the collection's
 * code, whether it was announced ready and collected, and the node's
 * type and pickup_hold_days.
 */
struct collection_state {
	int64_t lines_to_collect, lines_waiting, hold_days;
	int ready_at, collected;	/* 1: announced */
	char code[1024], node_type[16];
};
int store_collection_state(struct store *st, const char *order_id, const char *node_id,
	struct collection_state *c);
/* Announce it ready at time at, with its code and last day to collect. */
int store_collection_ready(struct store *st, const char *order_id, const char *node_id,
	const char *at, const char *code, const char *last_day);
/* Announce it collected at time at. */
int store_collection_collected(struct store *st, const char *order_id, const char *node_id,
	const char *at);
/* Its ready lines, by line_no, summed over their releases; strings live until fn returns. */
struct collection_line {
	int64_t line_no, ready;
	const char *sku, *location;
};
int store_collection_lines(struct store *st, const char *order_id, const char *node_id,
	int (*fn)(void *ctx, const struct collection_line *l), void *ctx);

/*
 * The collections announced ready and neither collected nor expired
 * that are due on the day today: to expire (their last day is past) or
 * to remind of (their last day is at most remind_days away, and no
 * reminder went out); by node_id, order_id.  Strings live until fn
 * returns.
 */
struct collection_due {
	const char *order_id, *node_id, *node_type, *code, *last_day;
	int expire;
};
int store_collections_due(struct store *st, const char *today, int64_t remind_days,
	int (*fn)(void *ctx, const struct collection_due *c), void *ctx);
/*
 * The release lines an order has to collect at a node (its pickup and
 * curbside lines at their store, its locker lines at their locker): the
 * release's node, units out there and ready, and the order line's
 * quantity, price, discount and cancelled units; by line_no.
 */
struct collection_unit {
	const char *release_id, *node_id, *method, *sku;
	int64_t line_no, out, ready;
	int64_t qty, unit_price, discount, cancelled;	/* the order line's */
};
int store_collection_units(struct store *st, const char *order_id, const char *node_id,
	int (*fn)(void *ctx, const struct collection_unit *u), void *ctx);
/*
 * Cancel what a release line still has out at its node (n units: out of
 * the release, out of line_node's released, into the order line's
 * cancelled; nothing ready or asked to be cancelled is left), or take n
 * ready units out of a locker line (unready).  0 or -1.
 */
int store_release_line_expire(struct store *st, const char *release_id,
	const char *order_id, int64_t line_no, const char *node_id, int64_t n);
int store_release_line_unready(struct store *st, const char *release_id, int64_t line_no,
	int64_t n);
/* Mark a collection expired, or reminded, at time at. */
int store_collection_expired(struct store *st, const char *order_id, const char *node_id,
	const char *at);
int store_collection_reminded(struct store *st, const char *order_id, const char *node_id,
	const char *at);

/*
 * An order's shipping (ship and locker) lines together: units to ship
 * (not cancelled), shipped, and (with_delivered) delivered, to the door
 * or into the locker.
 */
struct order_progress {
	int64_t to_ship, shipped, delivered;
};
int store_order_progress(struct store *st, const char *order_id, int with_delivered,
	struct order_progress *o);
/*
 * Record that the event of type on subject (with plan, "" none) is sent
 * at time at, once: 1 when it was not sent before (the caller sends it),
 * 0 when it was, -1 error.
 */
int store_sent_once(struct store *st, const char *type, const char *subject,
	const char *plan, const char *at);

/*
 * Keep a carrier's update on a parcel; *seen: 1 (and nothing kept) when
 * the same update was taken before (same carrier, tracking, status and,
 * when timed, time).  0 or -1.
 */
int store_tracking_add(struct store *st, const char *carrier, const char *tracking,
	const char *status, const char *detail, const char *at, int timed, int *seen);
/*
 * The release lines a parcel carried (shipped with that carrier and
 * tracking), each with the units of it not yet delivered; strings live
 * until fn returns.
 */
struct tracked_line {
	const char *release_id;
	int64_t line_no, undelivered;
	int64_t to_store;	/* shipped to its store, which confirms it received */
};
int store_tracked_lines(struct store *st, const char *carrier, const char *tracking,
	int (*fn)(void *ctx, const struct tracked_line *l), void *ctx);
/* The orders a parcel carried, by order_id. */
int store_tracked_orders(struct store *st, const char *carrier, const char *tracking,
	int (*fn)(void *ctx, const char *order_id), void *ctx);

#endif
