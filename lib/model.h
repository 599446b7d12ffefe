#ifndef OMS_MODEL_H
#define OMS_MODEL_H
/*
 * model: the records oms keeps, as plain C structs shared by the store and
 * the commands.  Strings are borrowed (the caller keeps them alive for the
 * call).  Money the customer pays is int64 cents; cost-model figures are
 * doubles; times are "YYYY-MM-DDTHH:MM:SSZ" ("" when absent).
 */
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct item {
	const char *sku, *description, *vendor_node;	/* vendor_node NULL: none */
	int64_t unit_price;
	double unit_cost, weight_kg, ordering_cost, holding_rate, lead_time_days;
	int ship_alone, active;
	int ship_to_store;	/* may be shipped to a store for a pickup there */
	const char *item_class;	/* what sourcing rules match on; NULL or "": none */
};

/*
 * How many days before its last day a collection is reminded of
 * (oms-release --expire, unless --remind-days) and shown among the alerts.
 */
#define PICKUP_REMIND_DAYS 2

struct node {
	const char *node_id, *type, *name, *postal_code, *country;
	const char *address1, *city, *region;	/* the street address */
	int has_latlon;
	double lat, lon;
	int can_ship, can_pickup, can_curbside, accepts_returns, active;
	int64_t capacity_per_day;	/* -1: unlimited */
	double handling_cost;
	int64_t processing_days, safety_stock;
	int64_t pickup_hold_days;	/* what waits for collection is kept this long */
	int ship_to_store;		/* pickups here may be shipped in from elsewhere */
	int64_t confirm_hours;		/* to confirm a release; -1: the default */
	const char *channel;		/* a marketplace's channel; NULL or "": none */
};

struct inventory {
	const char *node_id, *sku;
	int64_t on_hand;
	int64_t safety_stock;	/* -1: the node's default */
	char as_of[21];
};

struct customer {
	const char *customer_id, *name, *email, *phone, *tier;
	int flagged;		/* watched by care: customer_flagged hold rules */
};

struct order {
	const char *order_id, *channel, *customer_id;
	char created_at[21], promise_date[21];
	int64_t priority;
	const char *ship_name, *ship_address1, *ship_city, *ship_region,
	    *ship_postal_code, *ship_country;
	int has_latlon;
	double ship_lat, ship_lon;
	int64_t shipping_charge;	/* cents, for the whole order */
	int ship_complete;
	const char *bill_country;	/* "": not given (oms-import orders) */
};

struct order_line {
	const char *order_id, *sku, *method, *pickup_node;	/* pickup_node NULL: none */
	int64_t line_no, qty, unit_price, discount;
};

struct postal {
	const char *country, *postal_code;
	double lat, lon;
};

/*
 * The keys of the postal table (see oms-formats(5)): the postal table is
 * kept by them (oms-import postal), and a node's or an order's country
 * and postal code are looked up by them, so that "sw1a 1aa", "SW1A1AA"
 * and " SW1A-1AA " are one code.
 *
 * country_key: country without the blanks (spaces, tabs) around it,
 * ASCII letters upper-cased.  postal_key: code without any blank or dash
 * anywhere, ASCII letters upper-cased; a US code of nine digits (a
 * ZIP+4) is cut to its five (the ZIP).  Both write into out, which has
 * room for strlen of the input plus 1 (a key is never longer), and
 * return the key's length; NULL reads as "".
 */
size_t country_key(const char *country, char *out);
size_t postal_key(const char *country, const char *code, char *out);

/*
 * The list of places a warning names, *n of them so far: the first
 * PLACES_NAMED as "ID" (postal code "CODE", country "COUNTRY"), or "ID"
 * (no LATLON, no postal code) when code is "", then " and N more" at
 * place_list_end.  code and country are keys.
 */
#define PLACES_NAMED 3
void place_list_add(struct buf *b, long *n, const char *id, const char *code,
	const char *country, const char *latlon);
void place_list_end(struct buf *b, long n);

/*
 * The kinds of hold an order can be on (order_hold.hold_type, the
 * schema's CHECK): care's and the hold rules' one list.
 */
#define HOLD_TYPES_N 5
/* the hold rules place the first HOLD_RULE_TYPES_N; sourcing is allocation's */
#define HOLD_RULE_TYPES_N 4
extern const char *const hold_types[HOLD_TYPES_N];

/*
 * Why a line's units wait on backorder: its backorder_reason, in one
 * table of words for oms-allocate and oms-route (their man pages'
 * "Reasons").  The place kinds are made by place_reason.
 */
enum backorder_why {
	BO_NONE,
	BO_NETWORK,		/* "no stock in the network" */
	BO_STORE,		/* "no stock at the pickup store" */
	BO_METHOD,		/* "node does not offer the method" */
	BO_SHIP_COMPLETE,	/* "ship-complete order short" */
	BO_ROUTE_STOCK,		/* "no stock left at an eligible node when routed" */
	BO_ROUTE_STORE,		/* "no stock at the pickup store when routed" */
	BO_RULE,		/* "no stock where its sourcing rule allows" */
	BO_SUPPLY,		/* "awaiting supply": pegged to stock on its way */
	/* for want of a place, in place_reason's words: */
	BO_DEST,		/* the order's ship-to cannot be placed */
	BO_LOCKER,		/* the line's locker cannot be located */
	BO_NODE			/* the stock it lacks is at a node that cannot be */
};

/*
 * The text of reason why, into b for the place kinds (node_id, code,
 * country as place_reason takes them; node_id NULL for BO_DEST); NULL
 * for BO_NONE.
 */
const char *backorder_reason(struct buf *b, enum backorder_why why, const char *node_id,
	const char *code, const char *country);

/*
 * The reason of a line that waits for a place, in the one wording of
 * oms-allocate and oms-route, into b (reset first); returns its text.
 * node_id NULL: the order's destination, "destination postal code CODE
 * (country COUNTRY) unknown", or "destination unknown (no
 * ship_lat/ship_lon, no postal code)" when code is ""; else "KIND NODE
 * cannot be located (postal code CODE, country COUNTRY unknown)", or
 * "(no lat/lon, no postal code)", kind "node" (where the stock is) or
 * "locker" (where the line goes).  code and country are keys.
 */
const char *place_reason(struct buf *b, const char *kind, const char *node_id,
	const char *code, const char *country);

/*
 * The two warnings of a run that backordered lines for want of a place
 * (shown even with -q: data to fix, one line each however many): the
 * orders whose destination cannot be placed, and the nodes (stock or
 * locker) that cannot be located with the lines backordered for them,
 * each naming the first PLACES_NAMED.  Add each order and node once;
 * place_warn_end prints what was added and releases w.
 */
struct place_warn {
	struct buf orders, nodes;
	long norders, nnodes, lines;
};
#define PLACE_WARN_INIT { BUF_INIT, BUF_INIT, 0, 0, 0 }
void place_warn_order(struct place_warn *w, const char *order_id, const char *code,
	const char *country);
void place_warn_node(struct place_warn *w, const char *node_id, const char *code,
	const char *country, long lines);
void place_warn_end(struct place_warn *w);

struct rate {
	double max_km, base_cost, per_kg;
	int64_t transit_days;
};

/*
 * 1 when a line of this method is handed over to the customer at its
 * store (pickup, curbside), 0 when it is shipped (ship, and locker: shipped
 * to the locker).
 */
int method_handed_over(const char *method);

/*
 * Available to promise at a node: on_hand less safety stock less what is
 * reserved there; never below 0.
 */
int64_t node_atp(int64_t on_hand, int64_t safety_stock, int64_t reserved);
/*
 * What is reserved at a node past its on_hand less safety stock (0: none;
 * stock under its safety level with nothing reserved is not over): what
 * oms-allocate takes back of the routed work there, and oms-report check
 * reports.
 */
int64_t node_over(int64_t on_hand, int64_t safety_stock, int64_t reserved);

/*
 * The order of service, the one statement of it in C: the order in which
 * lines are served, stated in oms-allocate(1), "Order of service".  By
 * the order's priority (1 first); its promise_date, earliest first, an
 * order without one (NULL) after every order with one; its created_at,
 * earliest first; its order_id in byte order; then line_no as a number.
 * The times compare as text (their byte order is their order in the
 * store's form).  Orders compared as orders give line_no 0.
 *
 * service_cmp returns <0, 0 or >0 as a comes before, with, or after b;
 * service_cmp(b, a) is the order of take-back, the last first.  The same
 * order in SQL is SERVICE_ORDER in store-int.h, which must agree with it.
 */
struct service_key {
	const char *order_id, *promise_date, *created_at;	/* promise_date NULL: none */
	int64_t priority, line_no;
};
int service_cmp(const struct service_key *a, const struct service_key *b);

/* The quantity buckets of one order line (see oms(7)). */
struct line_qty {
	int64_t qty, allocated, routed, released, shipped, cancelled, returned,
	    backordered;
};

/* Open quantity: what no stage holds yet (negative means a broken line). */
int64_t line_open(const struct line_qty *q);
/*
 * The rules of a line's counts (oms(7), "Line counts"), their one
 * statement: open >= 0 (LINE_BUCKETS), returned <= shipped
 * (LINE_RETURNED), backordered <= open (LINE_BACKORDERED).
 * line_counts_broken returns the rules q breaks, or'ed (0: none);
 * line_rule_name the name of one rule, as oms-report check reports it
 * ("line_buckets").  oms-report check reports the lines that break them,
 * and store_line_check refuses a write that leaves a line so.
 */
enum line_rule { LINE_BUCKETS = 1, LINE_RETURNED = 2, LINE_BACKORDERED = 4 };
unsigned line_counts_broken(const struct line_qty *q);
const char *line_rule_name(enum line_rule rule);

/*
 * The node a line's goods go to, of a line with this method and
 * pickup_node: none (NULL) for a ship line, which goes to the order's
 * ship-to address; the locker of a locker line; the store of a pickup or
 * curbside line, where the customer collects it.
 */
const char *line_ship_to_node(const char *method, const char *pickup_node);
/*
 * The status of a line: the earliest stage that still holds quantity:
 * "backordered", "open", "allocated", "routed", "released", "shipped";
 * "cancelled" when everything was cancelled.
 */
const char *line_status(const struct line_qty *q);
/* 1 when s names a status line_status() can return. */
int line_status_valid(const char *s);
/*
 * How many whole days a backorder is past its order's promise date
 * (promise: a date or time, NULL none) on the day today (days since
 * 1970-01-01): today less the promise day when that is 1 or more; -1
 * when there is no promise or it is not yet past (today or later).
 * oms-report's backorders view and its HTML page both count by it.
 */
int64_t line_days_past_promise(const char *promise, int64_t today);

#endif
