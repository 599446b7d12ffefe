#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "jsonw.h"
#include "model.h"
#include "order.h"
#include "output.h"
#include "parse.h"
#include "returns.h"
#include "rows.h"
#include "util.h"
#include "store-import.h"
#include "store-order.h"

static const char *const action_names[ACT_COUNT] = {
	[ACT_CANCEL] = "cancel", [ACT_HOLD] = "hold", [ACT_UNHOLD] = "unhold",
	[ACT_ADDRESS] = "address", [ACT_REDUCE] = "reduce", [ACT_PRIORITY] = "priority",
	[ACT_ADD] = "add", [ACT_RAISE] = "raise", [ACT_SWAP] = "swap",
	[ACT_METHOD] = "method", [ACT_ADJUST] = "adjust", [ACT_SPEND] = "spend",
};


const struct colspec order_change_cols[OC_COUNT] = {
	{ "order_id", 1 }, { "line_no", 0 }, { "action", 1 }, { "qty", 0 },
	{ "hold_type", 0 }, { "priority", 0 }, { "reason", 0 }, { "sku", 0 },
	{ "unit_price", 0 }, { "discount", 0 }, { "ship_name", 0 },
	{ "ship_address1", 0 }, { "ship_city", 0 }, { "ship_region", 0 },
	{ "ship_postal_code", 0 }, { "ship_country", 0 }, { "ship_lat", 0 },
	{ "ship_lon", 0 }, { "method", 0 }, { "pickup_node", 0 }, { "amount", 0 },
	{ "code", 0 }, { "tender", 0 }, { "customer_id", 0 }, { "ref", 0 },
};

/* The ship_* text columns, in the order of struct change's ship[]. */
enum { SHIP_NAME, SHIP_ADDR, SHIP_CITY, SHIP_REGION, SHIP_POSTAL, SHIP_COUNTRY, SHIP_N };

int
order_action_parse(const char *s)
{
	return strtab_find(action_names, ACT_COUNT, s);
}

const char *
order_action_name(int action)
{
	return action_names[action];
}

const char *
order_login_name(void)
{
	const char *names[] = { "LOGNAME", "USER" };
	struct passwd *pw;
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names; i++) {
		const char *v = getenv(names[i]);

		if (v != NULL && *v != '\0')
			return v;
	}
	if ((pw = getpwuid(getuid())) != NULL)
		return pw->pw_name;
	return "";
}

/* --- a change, checked ------------------------------------------------- */

struct change {
	int action;
	const char *order_id;
	int64_t line_no;	/* 0: the whole order */
	int64_t qty;		/* -1: not given */
	const char *hold_type;	/* NULL: not given */
	int64_t priority;	/* 0: not given */
	const char *sku;	/* NULL: not given */
	int64_t price;		/* cents; -1: not given */
	const char *discount;	/* as given, checked as an amount; NULL: not given */
	const char *reason;	/* "" none */
	const char *method;	/* NULL: not given */
	const char *pickup_node;	/* NULL: not given */
	int64_t amount, pct;	/* cents, hundredths of a percent; -1: not given */
	const char *code;	/* an adjustment's reason code; NULL: not given */
	const char *tender;	/* where money owed goes: "original" or "store_credit" */
	const char *customer;	/* spend: whose store credit; NULL: not given */
	const char *ref;	/* applied once under this reference; NULL: none */
	const char *ship[SHIP_N];	/* NULL: keep what the order has */
	int has_latlon;
	double lat, lon;
	int backordered;	/* cancel: the units are the line's backordered ones */
};

/* A line of the order being changed, with its work at nodes. */
struct onode {
	char *node_id;
	int64_t routed, released;
	int64_t taken;		/* routed units taken by this change */
};

struct orel {
	char *release_id, *node_id;
	int64_t outstanding;	/* still out at the node */
	int64_t requested;	/* of which asked back already */
	int64_t asked;		/* asked back by this change */
};

struct oline {
	int64_t line_no, qty, allocated, backordered, shipped, cancelled;
	int64_t unit_price, discount;	/* cents */
	char *sku, *method, *pickup_node, *reason;
	struct onode *nodes;
	int nnodes;
	struct orel *rels;
	int nrels;
	/* what this change took, by stage */
	int64_t from_open, from_allocated, from_routed, asked;
};

struct ctx {
	struct store *st;
	const struct order_opts *o;
	struct order_counts *n;
	const char *file;	/* the input, NULL for the command line */
	long line;
	struct rows rows;	/* the first problem with the current change; rejects */
	struct buf pl;		/* an event payload */
	struct oline *lines;
	int nlines, caplines;
	/* the order's head, for address and priority */
	int64_t priority;
	char *ship[SHIP_N];
	int has_latlon;
	double lat, lon;
};

/* A change that changes nothing: say why, with its place. */
static void
unchanged(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
unchanged(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	char msg[700];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->file != NULL)
		diag_warn("%s:%ld: %s; nothing changed", c->file, c->line, msg);
	else
		diag_warn("%s; nothing changed", msg);
}

#define COL(i) (order_change_cols[i].name)

static void
check_text(struct ctx *c, const char *const *vals, int col, const char **out)
{
	*out = vals[col][0] ? vals[col] : NULL;
	rows_text(&c->rows, COL(col), vals[col], ROWS_MAX_TEXT);
}

/* A positive count, or def when empty. */
static void
check_count(struct ctx *c, const char *const *vals, int col, int64_t def, const char *what,
    int64_t *out)
{
	*out = def;
	if (vals[col][0] != '\0')
		rows_int(&c->rows, COL(col), vals[col], 1, 1000000000, what, out);
}

/*
 * An adjustment's reason code: a word of lowercase letters, digits and
 * underscores, at most 32 (price_match, damaged_box, promotion_missed, or
 * the merchant's own).
 */
static void
rows_code(struct ctx *c, const char *v, const char **out)
{
	size_t n = strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_");

	*out = v;
	if (n != strlen(v) || n > 32)
		rows_bad(&c->rows, "code must be a word of lowercase letters, digits and "
		    "underscores, at most 32 (like price_match), got \"%s\"", quote_value(v));
}

/* Which columns each action takes besides order_id, action and reason. */
static int
takes(int action, int col)
{
	switch (action) {
	case ACT_CANCEL:
		return col == OC_LINE || col == OC_QTY || col == OC_TENDER;
	case ACT_HOLD:
	case ACT_UNHOLD:
		return col == OC_HOLD;
	case ACT_ADDRESS:
		return col >= OC_SNAME && col <= OC_SLON;
	case ACT_REDUCE:
	case ACT_RAISE:
		return col == OC_LINE || col == OC_QTY;
	case ACT_ADD:
		return col == OC_SKU || col == OC_QTY || col == OC_PRICE || col == OC_DISCOUNT;
	case ACT_SWAP:
		return col == OC_LINE || col == OC_SKU || col == OC_PRICE;
	case ACT_METHOD:
		return col == OC_LINE || col == OC_METHOD || col == OC_PICKUP;
	case ACT_ADJUST:
		return col == OC_LINE || col == OC_AMOUNT || col == OC_CODE || col == OC_TENDER;
	case ACT_SPEND:
		return col == OC_CUSTOMER || col == OC_AMOUNT;
	default:
		return col == OC_PRIORITY;
	}
}

/* Check the values of one change row into *ch.  0, or -1 with c->rows.err set. */
static int
parse_change(struct ctx *c, const char *const *vals, struct change *ch)
{
	const char *act = vals[OC_ACTION];
	int i;

	memset(ch, 0, sizeof *ch);
	rows_key(&c->rows, COL(OC_ORDER), vals[OC_ORDER], 1, &ch->order_id);
	if (c->o->action >= 0 && act[0] != '\0' &&
	    parse_word(act, action_names, ACT_COUNT) != c->o->action)
		return rows_bad(&c->rows, "action must be %s here (oms-order %s), got \"%s\"",
		    action_names[c->o->action], action_names[c->o->action], quote_value(act));
	if (c->o->action >= 0)
		ch->action = c->o->action;
	else if (act[0] == '\0')
		return rows_bad(&c->rows, "action is empty");
	else if ((ch->action = parse_word(act, action_names, ACT_COUNT)) < 0)
		return rows_bad(&c->rows, "action must be cancel, hold, unhold, address, "
		    "reduce, priority, add, raise, swap, method, adjust or spend, got \"%s\"",
		    quote_value(act));
	check_count(c, vals, OC_LINE, 0, "a positive integer", &ch->line_no);
	check_count(c, vals, OC_QTY, -1, "a positive integer", &ch->qty);
	check_count(c, vals, OC_PRIORITY, 0, "a positive integer (1 is most urgent)",
	    &ch->priority);
	if (vals[OC_HOLD][0] != '\0') {
		ch->hold_type = vals[OC_HOLD];
		if ((i = parse_word(ch->hold_type, hold_types, HOLD_TYPES_N)) < 0)
			rows_bad(&c->rows, "hold_type must be fraud, payment, address, "
			    "customer or sourcing, got \"%s\"",
			    quote_value(ch->hold_type));
		else
			ch->hold_type = hold_types[i];
	}
	rows_key(&c->rows, COL(OC_SKU), vals[OC_SKU], 0, &ch->sku);
	ch->price = -1;
	if (vals[OC_PRICE][0] != '\0')
		rows_money(&c->rows, COL(OC_PRICE), vals[OC_PRICE], 0, &ch->price);
	if (vals[OC_DISCOUNT][0] != '\0') {
		int64_t cents;

		ch->discount = vals[OC_DISCOUNT];
		rows_money(&c->rows, COL(OC_DISCOUNT), ch->discount, 0, &cents);
	}
	check_text(c, vals, OC_REASON, &ch->reason);
	if (ch->reason == NULL)
		ch->reason = c->o->reason ? c->o->reason : "";
	for (i = 0; i < SHIP_N; i++)
		check_text(c, vals, OC_SNAME + i, &ch->ship[i]);
	if (vals[OC_METHOD][0] != '\0')
		rows_method(&c->rows, vals[OC_METHOD], &ch->method);
	rows_key(&c->rows, COL(OC_PICKUP), vals[OC_PICKUP], 0, &ch->pickup_node);
	ch->amount = ch->pct = -1;
	if (vals[OC_AMOUNT][0] != '\0')
		rows_amount_or_pct(&c->rows, COL(OC_AMOUNT), vals[OC_AMOUNT], &ch->amount,
		    &ch->pct);
	if (vals[OC_CODE][0] != '\0')
		rows_code(c, vals[OC_CODE], &ch->code);
	ch->tender = vals[OC_TENDER][0] != '\0' ? vals[OC_TENDER] :
	    c->o->tender ? c->o->tender : "original";
	if ((i = returns_tender_parse(ch->tender)) < 0)
		rows_bad(&c->rows, "tender must be original or store_credit, got \"%s\"",
		    quote_value(ch->tender));
	else
		ch->tender = returns_tender_names[i];
	rows_key(&c->rows, COL(OC_CUSTOMER), vals[OC_CUSTOMER], 0, &ch->customer);
	rows_key(&c->rows, COL(OC_REF), vals[OC_REF], 0, &ch->ref);
	rows_latlon(&c->rows, COL(OC_SLAT), vals[OC_SLAT], COL(OC_SLON), vals[OC_SLON],
	    &ch->has_latlon, &ch->lat, &ch->lon);
	if (c->rows.err.len > 0)
		return -1;
	for (i = OC_LINE; i < OC_COUNT; i++)
		if (i != OC_ACTION && i != OC_REASON && i != OC_REF && vals[i][0] != '\0' &&
		    !takes(ch->action, i))
			return rows_bad(&c->rows, "%s does not apply to %s, got \"%s\"%s", COL(i),
			    action_names[ch->action], quote_value(vals[i]),
			    i != OC_LINE ? "" : ch->action == ACT_ADD ?
			    " (add takes the order's next line number)" : " (it is on the whole order)");
	switch (ch->action) {
	case ACT_CANCEL:
		if (ch->qty > 0 && ch->line_no == 0)
			return rows_bad(&c->rows, "qty needs a line_no: an order is cancelled "
			    "whole");
		break;
	case ACT_HOLD:
	case ACT_UNHOLD:
		if (ch->hold_type == NULL)
			return rows_bad(&c->rows, "hold_type is empty (fraud, payment, address, "
			    "customer or sourcing)");
		break;
	case ACT_ADDRESS:
		for (i = 0; i < SHIP_N && ch->ship[i] == NULL; i++)
			;
		if (i == SHIP_N && !ch->has_latlon)
			return rows_bad(&c->rows, "an address change needs at least one ship_* "
			    "value");
		break;
	case ACT_REDUCE:
		if (ch->line_no == 0)
			return rows_bad(&c->rows, "reduce needs a line_no");
		if (ch->qty < 0)
			return rows_bad(&c->rows, "reduce needs qty, the line's new quantity");
		break;
	case ACT_RAISE:
		if (ch->line_no == 0)
			return rows_bad(&c->rows, "raise needs a line_no");
		if (ch->qty < 0)
			return rows_bad(&c->rows, "raise needs qty, the line's new quantity");
		break;
	case ACT_ADD:
		if (ch->sku == NULL)
			return rows_bad(&c->rows, "add needs a sku");
		if (ch->qty < 0)
			return rows_bad(&c->rows, "add needs qty, the units of the new line");
		break;
	case ACT_SWAP:
		if (ch->line_no == 0)
			return rows_bad(&c->rows, "swap needs a line_no");
		if (ch->sku == NULL)
			return rows_bad(&c->rows, "swap needs a sku, the line's new item");
		break;
	case ACT_METHOD:
		if (ch->line_no == 0)
			return rows_bad(&c->rows, "method needs a line_no");
		if (ch->method == NULL)
			return rows_bad(&c->rows, "method needs a method (ship, pickup, curbside "
			    "or locker)");
		if (rows_handover(&c->rows, ch->method, ch->pickup_node, NULL, 0, 0) != 0)
			return -1;
		break;
	case ACT_ADJUST:
		if (ch->amount < 0 && ch->pct < 0)
			return rows_bad(&c->rows, "adjust needs an amount (like 5.00, or a percent "
			    "like 10%%)");
		if (ch->code == NULL)
			return rows_bad(&c->rows, "adjust needs a code, the reason code (like "
			    "price_match, damaged_box, promotion_missed)");
		break;
	case ACT_SPEND:
		if (ch->customer == NULL)
			return rows_bad(&c->rows, "spend needs a customer_id, whose store credit");
		if (ch->pct >= 0)
			return rows_bad(&c->rows, "spend takes an amount, not a percent, got \"%s\"",
			    quote_value(vals[OC_AMOUNT]));
		if (ch->amount < 0)
			return rows_bad(&c->rows, "spend needs an amount");
		break;
	default:
		if (ch->priority == 0)
			return rows_bad(&c->rows, "priority is empty (1 is most urgent)");
	}
	return 0;
}

/* --- the order in memory ------------------------------------------------ */

static void
lines_clear(struct ctx *c)
{
	int i, k;

	for (i = 0; i < c->nlines; i++) {
		struct oline *l = &c->lines[i];

		for (k = 0; k < l->nnodes; k++)
			free(l->nodes[k].node_id);
		for (k = 0; k < l->nrels; k++) {
			free(l->rels[k].release_id);
			free(l->rels[k].node_id);
		}
		free(l->nodes);
		free(l->rels);
		free(l->sku);
		free(l->method);
		free(l->pickup_node);
		free(l->reason);
	}
	c->nlines = 0;
	for (i = 0; i < SHIP_N; i++) {
		free(c->ship[i]);
		c->ship[i] = NULL;
	}
}

static char *
dup_text(const char *v)
{
	return v ? xstrdup(v) : NULL;
}

static int
head_row(void *p, const struct order_head *row)
{
	struct ctx *c = p;
	int i;

	c->priority = row->priority;
	for (i = 0; i < SHIP_N; i++)
		c->ship[i] = dup_text(row->ship[i]);
	c->has_latlon = row->ship_lat != NULL && row->ship_lon != NULL;
	c->lat = c->has_latlon ? strtod(row->ship_lat, NULL) : 0;
	c->lon = c->has_latlon ? strtod(row->ship_lon, NULL) : 0;
	return 0;
}

static int
line_row(void *p, const struct order_line_state *row)
{
	struct ctx *c = p;
	struct oline *l;

	if (c->nlines == c->caplines) {
		c->caplines = c->caplines ? 2 * c->caplines : 8;
		c->lines = xrealloc(c->lines, (size_t)c->caplines * sizeof *c->lines);
	}
	l = &c->lines[c->nlines++];
	memset(l, 0, sizeof *l);
	l->line_no = row->line_no;
	l->sku = dup_text(row->sku);
	l->method = dup_text(row->method);
	l->pickup_node = dup_text(row->pickup_node);
	l->qty = row->qty;
	l->allocated = row->allocated;
	l->backordered = row->backordered;
	l->reason = dup_text(row->backorder_reason);
	l->shipped = row->shipped;
	l->cancelled = row->cancelled;
	l->unit_price = row->unit_price;
	l->discount = row->discount;
	return 0;
}

static struct oline *
find_line(struct ctx *c, int64_t line_no)
{
	int i;

	for (i = 0; i < c->nlines; i++)
		if (c->lines[i].line_no == line_no)
			return &c->lines[i];
	return NULL;
}

static int
node_row(void *p, const struct line_node_work *row)
{
	struct oline *l = find_line(p, row->line_no);
	struct onode *n;

	if (l == NULL)
		return 0;	/* a line this change does not touch */
	l->nodes = xrealloc(l->nodes, (size_t)(l->nnodes + 1) * sizeof *l->nodes);
	n = &l->nodes[l->nnodes++];
	n->node_id = dup_text(row->node_id);
	n->routed = row->routed;
	n->released = row->released;
	n->taken = 0;
	return 0;
}

static int
rel_row(void *p, const struct release_line_out *row)
{
	struct oline *l = find_line(p, row->line_no);
	struct orel *r;

	if (l == NULL)
		return 0;
	l->rels = xrealloc(l->rels, (size_t)(l->nrels + 1) * sizeof *l->rels);
	r = &l->rels[l->nrels++];
	r->release_id = dup_text(row->release_id);
	r->node_id = dup_text(row->node_id);
	r->outstanding = row->outstanding;
	r->requested = row->cancel_requested;
	r->asked = 0;
	return 0;
}

/*
 * Load the order (its head, and its lines: all, or line_no) into c.
 * 0, or -1 with c->rows.err set (unknown order or line), or -2 store error.
 */
static int
load(struct ctx *c, const char *order_id, int64_t line_no)
{
	int k;

	lines_clear(c);
	if ((k = store_order_head(c->st, order_id, head_row, c)) < 0)
		return -2;
	if (k == 0)
		return rows_bad(&c->rows, "unknown order \"%s\"", quote_value(order_id));
	if (store_order_lines(c->st, order_id, line_no, line_row, c) != 0)
		return -2;
	if (c->nlines == 0)
		return rows_bad(&c->rows, "order \"%s\" has no line %lld", quote_value(order_id),
		    (long long)line_no);
	if (store_order_line_nodes(c->st, order_id, node_row, c) != 0 ||
	    store_order_release_lines(c->st, order_id, rel_row, c) != 0)
		return -2;
	return 0;
}

static int64_t
routed(const struct oline *l)
{
	int64_t s = 0;

	for (int i = 0; i < l->nnodes; i++)
		s += l->nodes[i].routed;
	return s;
}

static int64_t
released(const struct oline *l)
{
	int64_t s = 0;

	for (int i = 0; i < l->nnodes; i++)
		s += l->nodes[i].released;
	return s;
}

static int64_t
open_qty(const struct oline *l)
{
	int64_t o = l->qty - l->allocated - routed(l) - released(l) - l->shipped - l->cancelled;

	return o > 0 ? o : 0;
}

/* Released units that may still be asked back (not asked already). */
static int64_t
askable(const struct oline *l)
{
	int64_t s = 0;

	for (int i = 0; i < l->nrels; i++)
		if (l->rels[i].outstanding > l->rels[i].requested)
			s += l->rels[i].outstanding - l->rels[i].requested;
	return s;
}

/* Released units asked back and not yet answered. */
static int64_t
pending(const struct oline *l)
{
	int64_t s = 0;

	for (int i = 0; i < l->nrels; i++)
		s += l->rels[i].requested < l->rels[i].outstanding ? l->rels[i].requested :
		    l->rels[i].outstanding;
	return s;
}

static int64_t
cancellable(const struct oline *l)
{
	return open_qty(l) + l->allocated + routed(l) + askable(l);
}

/*
 * Take n units from l, earliest stage first (open, allocated, routed by
 * node id, then with ask set released units asked back), recording what
 * came from where.  n is at most what those stages hold.
 */
static void
take(struct oline *l, int64_t n, int ask)
{
	int64_t t, open = open_qty(l);
	int i;

	t = n < open ? n : open;
	l->from_open += t;
	n -= t;
	if (l->backordered > open - t)
		l->backordered = open - t;
	t = n < l->allocated ? n : l->allocated;
	l->from_allocated += t;
	l->allocated -= t;
	n -= t;
	for (i = 0; i < l->nnodes && n > 0; i++) {
		struct onode *d = &l->nodes[i];

		t = n < d->routed ? n : d->routed;
		d->routed -= t;
		d->taken += t;
		l->from_routed += t;
		n -= t;
	}
	for (i = 0; ask && i < l->nrels && n > 0; i++) {
		struct orel *r = &l->rels[i];

		t = r->outstanding - r->requested;
		if (t <= 0)
			continue;
		if (t > n)
			t = n;
		r->requested += t;
		r->asked += t;
		l->asked += t;
		n -= t;
	}
	if (l->backordered == 0) {
		free(l->reason);
		l->reason = NULL;
	}
}

/* "qty 4: 2 shipped, 1 cancelled, ..." for the lines of c (or just l). */
static const char *
describe(struct ctx *c, const struct oline *only, char *out, size_t size)
{
	int64_t qty = 0, shipped = 0, cancelled = 0, asked = 0;
	int i, n;

	for (i = 0; i < c->nlines; i++) {
		const struct oline *l = &c->lines[i];

		if (only != NULL && l != only)
			continue;
		qty += l->qty;
		shipped += l->shipped;
		cancelled += l->cancelled;
		asked += pending(l);
	}
	n = snprintf(out, size, "qty %lld", (long long)qty);
	if (shipped)
		n += snprintf(out + n, size - (size_t)n, ", %lld shipped", (long long)shipped);
	if (cancelled)
		n += snprintf(out + n, size - (size_t)n, ", %lld cancelled", (long long)cancelled);
	if (asked)
		snprintf(out + n, size - (size_t)n, ", %lld awaiting cancellation at the node",
		    (long long)asked);
	return out;
}

/* --- writing a change -------------------------------------------------- */

/* A latitude or longitude, or null. */
static void
payload_coord(struct ctx *c, const char *k, int has, double v)
{
	if (has)
		jsonw_real(&c->pl, k, v);
	else
		jsonw_null(&c->pl, k);
}

/* "by" and "reason", and the closing brace. */
static const char *
payload_end(struct ctx *c, const struct change *ch)
{
	jsonw_str_or_null(&c->pl, "by", c->o->by);
	jsonw_str_or_null(&c->pl, "reason", ch->reason);
	return jsonw_end(&c->pl);
}

/* A line's figures in the payload: what was taken from where. */
static void
payload_line(struct ctx *c, const struct oline *l, int cancel)
{
	jsonw_int(&c->pl, "line_no", l->line_no);
	jsonw_str_or_null(&c->pl, "sku", l->sku);
	if (cancel)
		jsonw_int(&c->pl, "cancelled", l->from_open + l->from_allocated + l->from_routed);
	jsonw_int(&c->pl, "from_open", l->from_open);
	jsonw_int(&c->pl, "from_allocated", l->from_allocated);
	jsonw_int(&c->pl, "from_routed", l->from_routed);
	if (cancel)
		jsonw_int(&c->pl, "cancel_requested", l->asked);
}

/* The refund owed for what this change cancelled of l (returns_cancel_refund). */
static int
write_cancel_refund(struct ctx *c, const char *order_id, const struct oline *l,
    const struct change *ch)
{
	int64_t n = l->from_open + l->from_allocated + l->from_routed, amount;

	if (n == 0)
		return 0;
	if (returns_cancel_refund(c->st, order_id, l->line_no, n, ch->reason, ch->tender,
	    store_run_time(c->st), &c->pl, &amount) != 0)
		return -1;
	c->n->refunded += amount;
	return 0;
}

/* Write l's counts and the routed units of the nodes taken from.  0 or -2. */
static int
write_counts(struct ctx *c, const char *order_id, const struct oline *l)
{
	/*
	 * The nodes first: store_line_set checks the line's counts, which
	 * its new cancelled (or lower qty) would break beside the routed
	 * units not yet taken off its nodes.
	 */
	for (int i = 0; i < l->nnodes; i++)
		if (l->nodes[i].taken > 0 && store_line_node_routed(c->st, order_id, l->line_no,
		    l->nodes[i].node_id, l->nodes[i].routed) != 0)
			return -2;
	return store_line_set(c->st, order_id, l->line_no, l->qty, l->allocated, l->backordered,
	    l->reason, l->cancelled) != 0 ? -2 : 0;
}

/*
 * Write l as it now stands in memory (cancel: what was taken is cancelled),
 * its routes, and its cancel requests with an event each.  0 or -2.
 */
static int
write_line(struct ctx *c, const char *order_id, struct oline *l, int cancel,
    const struct change *ch)
{
	int i;

	if (cancel)
		l->cancelled += l->from_open + l->from_allocated + l->from_routed;
	if (write_counts(c, order_id, l) != 0)
		return -2;
	if (cancel && write_cancel_refund(c, order_id, l, ch) != 0)
		return -2;
	for (i = 0; i < l->nrels; i++) {
		const struct orel *r = &l->rels[i];

		if (r->asked == 0)
			continue;
		if (store_release_cancel_request(c->st, r->release_id, l->line_no, r->asked,
		    ch->tender) != 0)
			return -2;
		jsonw_start(&c->pl);
		jsonw_str_or_null(&c->pl, "release_id", r->release_id);
		jsonw_str_or_null(&c->pl, "node_id", r->node_id);
		jsonw_int(&c->pl, "line_no", l->line_no);
		jsonw_str_or_null(&c->pl, "sku", l->sku);
		jsonw_int(&c->pl, "qty", r->asked);
		if (store_event(c->st, order_id, "release.cancel_requested",
		    payload_end(c, ch)) != 0)
			return -2;
		diag_info("order \"%s\" line %lld: %lld asked back from %s (release %s)",
		    quote_value(order_id), (long long)l->line_no, (long long)r->asked, r->node_id,
		    r->release_id);
	}
	diag_info("order \"%s\" line %lld: %lld %s (%lld open, %lld allocated, %lld routed)%s",
	    quote_value(order_id), (long long)l->line_no,
	    (long long)(l->from_open + l->from_allocated + l->from_routed),
	    cancel ? "cancelled" : "removed", (long long)l->from_open,
	    (long long)l->from_allocated, (long long)l->from_routed,
	    l->asked ? ", the rest asked back" : "");
	c->n->cancelled += cancel ? l->from_open + l->from_allocated + l->from_routed : 0;
	c->n->requested += l->asked;
	return 0;
}

/*
 * Whether money owed on the order may go to the change's tender
 * (returns_tender_check): 0, -1 (c->rows.err set) or -2.
 */
static int
tender_ok(struct ctx *c, const struct change *ch)
{
	struct buf why = { 0 };
	int k = returns_tender_check(c->st, ch->order_id, returns_tender_parse(ch->tender), &why);

	if (k == 1)
		rows_bad(&c->rows, "%s", why.s);
	buf_release(&why);
	return k == 0 ? 0 : k == 1 ? -1 : -2;
}

static int
do_cancel(struct ctx *c, const struct change *ch)
{
	char what[200];
	int64_t total = 0, asked = 0, shipped = 0, gone = 0;
	int i, r;

	if ((r = load(c, ch->order_id, ch->line_no)) != 0 || (r = tender_ok(c, ch)) != 0)
		return r;
	if (ch->line_no > 0) {
		struct oline *l = &c->lines[0];
		int64_t can = cancellable(l), want = ch->qty > 0 ? ch->qty : can;
		int64_t bo = l->backordered;

		if (can == 0 && ch->qty < 0 && l->cancelled + pending(l) > 0) {
			unchanged(c, "order \"%s\" line %lld is already cancelled (%s)",
			    quote_value(ch->order_id), (long long)l->line_no,
			    describe(c, l, what, sizeof what));
			return 1;
		}
		if (can == 0)
			return rows_bad(&c->rows, "cannot cancel order \"%s\" line %lld: "
			    "nothing left to cancel "
			    "(%s)%s", quote_value(ch->order_id), (long long)l->line_no,
			    describe(c, l, what, sizeof what),
			    l->shipped ? "; shipped units cannot be cancelled" : "");
		if (want > can)
			return rows_bad(&c->rows, "cannot cancel %lld of order \"%s\" line "
			    "%lld: only %lld can "
			    "be (%s)%s", (long long)want, quote_value(ch->order_id),
			    (long long)l->line_no, (long long)can, describe(c, l, what, sizeof what),
			    l->shipped ? "; shipped units cannot be cancelled" : "");
		take(l, want, 1);
		if (ch->backordered) {
			/*
			 * Open units (backordered is at most open), and the
			 * backordered ones first: not the open units beside
			 * them that no run has decided yet.
			 */
			l->backordered = bo > want ? bo - want : 0;
			if (l->backordered == 0) {
				free(l->reason);
				l->reason = NULL;
			}
		}
		jsonw_start(&c->pl);
		payload_line(c, l, 1);
		if (store_event(c->st, ch->order_id, "line.cancelled", payload_end(c, ch)) != 0 ||
		    write_line(c, ch->order_id, l, 1, ch) != 0)
			return -2;
		return 0;
	}
	for (i = 0; i < c->nlines; i++) {
		total += cancellable(&c->lines[i]);
		shipped += c->lines[i].shipped;
		gone += c->lines[i].cancelled + pending(&c->lines[i]);
	}
	if (total == 0 && gone > 0) {
		unchanged(c, "order \"%s\" is already cancelled (%s)", quote_value(ch->order_id),
		    describe(c, NULL, what, sizeof what));
		return 1;
	}
	if (total == 0)
		return rows_bad(&c->rows, "cannot cancel order \"%s\": nothing left to cancel "
		    "(%s)%s",
		    quote_value(ch->order_id), describe(c, NULL, what, sizeof what),
		    shipped ? "; shipped units cannot be cancelled" : "");
	jsonw_start(&c->pl);
	jsonw_array(&c->pl, "lines");
	for (i = 0; i < c->nlines; i++) {
		struct oline *l = &c->lines[i];
		int64_t can = cancellable(l);

		if (can == 0)
			continue;
		take(l, can, 1);
		asked += l->asked;
		jsonw_object(&c->pl, NULL);
		payload_line(c, l, 1);
		jsonw_object_end(&c->pl);
	}
	jsonw_array_end(&c->pl);
	jsonw_int(&c->pl, "cancelled", total - asked);
	jsonw_int(&c->pl, "cancel_requested", asked);
	jsonw_int(&c->pl, "shipped", shipped);
	if (store_event(c->st, ch->order_id, "order.cancelled", payload_end(c, ch)) != 0)
		return -2;
	for (i = 0; i < c->nlines; i++)
		if (c->lines[i].from_open + c->lines[i].from_allocated + c->lines[i].from_routed +
		    c->lines[i].asked > 0 && write_line(c, ch->order_id, &c->lines[i], 1, ch) != 0)
			return -2;
	return 0;
}

static int
do_reduce(struct ctx *c, const struct change *ch)
{
	struct oline *l;
	int64_t kept, old;
	int r;

	if ((r = load(c, ch->order_id, ch->line_no)) != 0)
		return r;
	l = &c->lines[0];
	old = l->qty;
	kept = released(l) + l->shipped + l->cancelled;
	if (ch->qty == old) {
		unchanged(c, "order \"%s\" line %lld already has qty %lld",
		    quote_value(ch->order_id), (long long)l->line_no, (long long)old);
		return 1;
	}
	if (ch->qty > old)
		return rows_bad(&c->rows, "cannot reduce order \"%s\" line %lld to %lld: that "
		    "is more than "
		    "its qty %lld", quote_value(ch->order_id), (long long)l->line_no,
		    (long long)ch->qty, (long long)old);
	if (ch->qty < kept)
		return rows_bad(&c->rows, "cannot reduce order \"%s\" line %lld to %lld: %lld "
		    "of its units "
		    "are released, shipped or cancelled (%lld released, %lld shipped, %lld "
		    "cancelled)", quote_value(ch->order_id), (long long)l->line_no,
		    (long long)ch->qty, (long long)kept, (long long)released(l),
		    (long long)l->shipped, (long long)l->cancelled);
	take(l, old - ch->qty, 0);
	l->qty = ch->qty;
	jsonw_start(&c->pl);
	payload_line(c, l, 0);
	jsonw_int(&c->pl, "qty", ch->qty);
	jsonw_int(&c->pl, "previous", old);
	if (store_event(c->st, ch->order_id, "line.reduced", payload_end(c, ch)) != 0 ||
	    write_line(c, ch->order_id, l, 0, ch) != 0)
		return -2;
	c->n->reduced += old - ch->qty;
	return 0;
}

/*
 * What the order loaded in c has become when it can take no more units
 * (add, raise): "cancelled", every unit cancelled; "complete", every unit
 * shipped or cancelled.  NULL while any unit is open, allocated, routed
 * or released (asked back or not).
 */
static const char *
order_done(const struct ctx *c)
{
	int64_t qty = 0, shipped = 0, cancelled = 0;

	for (int i = 0; i < c->nlines; i++) {
		qty += c->lines[i].qty;
		shipped += c->lines[i].shipped;
		cancelled += c->lines[i].cancelled;
	}
	if (cancelled == qty)
		return "cancelled";
	return shipped + cancelled == qty ? "complete" : NULL;
}

/*
 * Write nl, all open, as the order's next line (its line_no set here; c
 * holds every line of the order), with its line.added event (replacing:
 * the line it takes the units of, 0 none).  0 or -2.
 */
static int
insert_line(struct ctx *c, const struct change *ch, struct order_line *nl, int64_t replacing)
{
	int i, k;

	nl->line_no = 1;
	for (i = 0; i < c->nlines; i++)
		if (c->lines[i].line_no >= nl->line_no)
			nl->line_no = c->lines[i].line_no + 1;
	if ((k = store_line_insert(c->st, nl)) < 0)
		return -2;
	if (k == 0) {
		diag_error("order \"%s\" has a line %lld already", quote_value(ch->order_id),
		    (long long)nl->line_no);
		return -2;
	}
	if (store_line_check(c->st, ch->order_id, nl->line_no, "adding an order line") != 0)
		return -2;
	jsonw_start(&c->pl);
	jsonw_str(&c->pl, "order_id", ch->order_id);
	jsonw_int(&c->pl, "line_no", nl->line_no);
	jsonw_str(&c->pl, "sku", nl->sku);
	jsonw_int(&c->pl, "qty", nl->qty);
	jsonw_money(&c->pl, "unit_price", nl->unit_price);
	jsonw_money(&c->pl, "discount", nl->discount);
	jsonw_str(&c->pl, "method", nl->method);
	jsonw_str_or_null(&c->pl, "pickup_node", nl->pickup_node);
	if (replacing > 0)
		jsonw_int(&c->pl, "replaces_line", replacing);
	return store_event(c->st, ch->order_id, "line.added", payload_end(c, ch)) != 0 ? -2 : 0;
}

/*
 * A new line: the order's next line number, the method and pickup_node
 * of its first line, the item's unit_price unless one is given; open.
 */
static int
do_add(struct ctx *c, const struct change *ch)
{
	const struct oline *first;
	struct order_line nl;
	const char *done;
	char what[200];
	int64_t price;
	int active, k, r;

	if ((r = load(c, ch->order_id, 0)) != 0)
		return r;
	if ((done = order_done(c)) != NULL)
		return rows_bad(&c->rows, "cannot add to order \"%s\": it is %s (%s): create a "
		    "new order", quote_value(ch->order_id), done, describe(c, NULL, what,
		    sizeof what));
	if ((k = store_order_item(c->st, ch->sku, &price, &active)) < 0)
		return -2;
	if (k == 0)
		return rows_bad(&c->rows, "unknown sku \"%s\"", quote_value(ch->sku));
	if (!active) {
		snprintf(what, sizeof what, "%s", quote_value(ch->sku));
		return rows_bad(&c->rows, "cannot add sku \"%s\" to order \"%s\": the item is "
		    "inactive", what, quote_value(ch->order_id));
	}
	first = &c->lines[0];
	memset(&nl, 0, sizeof nl);
	nl.order_id = ch->order_id;
	nl.sku = ch->sku;
	nl.qty = ch->qty;
	nl.method = first->method;
	nl.pickup_node = first->pickup_node;
	nl.unit_price = ch->price >= 0 ? ch->price : price;
	if (rows_discount(&c->rows, COL(OC_DISCOUNT), ch->discount ? ch->discount : "", nl.qty,
	    nl.unit_price, &nl.discount) != 0)
		return -1;
	if (insert_line(c, ch, &nl, 0) != 0)
		return -2;
	diag_info("order \"%s\" line %lld added: %lld of %s, open", quote_value(ch->order_id),
	    (long long)nl.line_no, (long long)nl.qty, nl.sku);
	c->n->added++;
	return 0;
}

/* More units on a line: the new ones are open. */
static int
do_raise(struct ctx *c, const struct change *ch)
{
	struct oline *l;
	const char *done;
	char what[200];
	int64_t old, price;
	int active, k, r;

	if ((r = load(c, ch->order_id, 0)) != 0)
		return r;
	if ((l = find_line(c, ch->line_no)) == NULL)
		return rows_bad(&c->rows, "order \"%s\" has no line %lld",
		    quote_value(ch->order_id), (long long)ch->line_no);
	old = l->qty;
	if (ch->qty == old) {
		unchanged(c, "order \"%s\" line %lld already has qty %lld",
		    quote_value(ch->order_id), (long long)l->line_no, (long long)old);
		return 1;
	}
	if (ch->qty < old)
		return rows_bad(&c->rows, "cannot raise order \"%s\" line %lld to %lld: that is "
		    "less than its qty %lld (use reduce)", quote_value(ch->order_id),
		    (long long)l->line_no, (long long)ch->qty, (long long)old);
	if (l->cancelled == l->qty)
		return rows_bad(&c->rows, "cannot raise order \"%s\" line %lld: it is cancelled "
		    "(%s): add a line", quote_value(ch->order_id), (long long)l->line_no,
		    describe(c, l, what, sizeof what));
	if ((done = order_done(c)) != NULL)
		return rows_bad(&c->rows, "cannot raise order \"%s\" line %lld: the order is %s "
		    "(%s): create a new order", quote_value(ch->order_id), (long long)l->line_no,
		    done, describe(c, NULL, what, sizeof what));
	if ((k = store_order_item(c->st, l->sku, &price, &active)) < 0)
		return -2;
	if (k == 1 && !active) {
		snprintf(what, sizeof what, "%s", quote_value(ch->order_id));
		return rows_bad(&c->rows, "cannot raise order \"%s\" line %lld: its item \"%s\" "
		    "is inactive", what, (long long)l->line_no, quote_value(l->sku));
	}
	l->qty = ch->qty;
	if (store_line_set(c->st, ch->order_id, l->line_no, l->qty, l->allocated, l->backordered,
	    l->reason, l->cancelled) != 0)
		return -2;
	jsonw_start(&c->pl);
	jsonw_int(&c->pl, "line_no", l->line_no);
	jsonw_str_or_null(&c->pl, "sku", l->sku);
	jsonw_int(&c->pl, "qty", ch->qty);
	jsonw_int(&c->pl, "previous", old);
	if (store_event(c->st, ch->order_id, "line.raised", payload_end(c, ch)) != 0)
		return -2;
	diag_info("order \"%s\" line %lld: qty %lld raised to %lld, %lld more open",
	    quote_value(ch->order_id), (long long)l->line_no, (long long)old, (long long)ch->qty,
	    (long long)(ch->qty - old));
	c->n->raised += ch->qty - old;
	return 0;
}

/*
 * How a line is changed (verb, "swap"): in place (0) while nothing of it
 * is released or shipped; else (1) its units still to come move to a new
 * line (move_line); -1 with c->rows.err set when none of it is left to
 * change (all cancelled, shipped or asked back).
 */
static int
change_how(struct ctx *c, const struct change *ch, const struct oline *l, const char *verb)
{
	char what[200];

	if (l->cancelled == l->qty)
		return rows_bad(&c->rows, "cannot %s order \"%s\" line %lld: it is cancelled "
		    "(%s): add a line", verb, quote_value(ch->order_id), (long long)l->line_no,
		    describe(c, l, what, sizeof what));
	if (l->shipped == 0 && released(l) == 0)
		return 0;
	if (cancellable(l) == 0)
		return rows_bad(&c->rows, "cannot %s order \"%s\" line %lld: nothing of it is "
		    "left to change (%s): add a line", verb, quote_value(ch->order_id),
		    (long long)l->line_no, describe(c, l, what, sizeof what));
	return 1;
}

/*
 * A line with units released or shipped cannot change in place: its units
 * still to come move to a new line nl (filled but for qty, discount and
 * line_no), the new work.  Those not released are cancelled, those
 * released asked back from their node, as cancel does (with the refund
 * each owes, now or at the node's answer); the new line takes them all,
 * open, with their share of the old line's discount (within the new
 * price).  *moved: how many.  0 or -2.
 */
static int
move_line(struct ctx *c, const struct change *ch, struct oline *l, struct order_line *nl,
    int64_t *moved)
{
	int64_t n = cancellable(l);

	*moved = n;
	nl->qty = n;
	/* cancelled units are counted last: these are the last n not cancelled */
	nl->discount = returns_share(l->discount, l->qty, l->qty - l->cancelled - n, n);
	if (nl->discount > nl->unit_price * n)
		nl->discount = nl->unit_price * n;
	take(l, n, 1);
	jsonw_start(&c->pl);
	payload_line(c, l, 1);
	if (store_event(c->st, ch->order_id, "line.cancelled", payload_end(c, ch)) != 0 ||
	    write_line(c, ch->order_id, l, 1, ch) != 0)
		return -2;
	return insert_line(c, ch, nl, l->line_no);
}

/* Every unit of l not released, shipped or cancelled back to open, written.  0 or -2. */
static int
all_to_open(struct ctx *c, const char *order_id, struct oline *l)
{
	take(l, open_qty(l) + l->allocated + routed(l), 0);
	return write_counts(c, order_id, l);
}

/*
 * Another item on a line nothing of which is released or shipped: its
 * allocated and routed units go back to open, for the next runs to serve
 * with the new item; the unit price stays unless one is given.
 */
static int
do_swap(struct ctx *c, const struct change *ch)
{
	struct oline *l;
	struct order_line nl;
	char at[200], price_text[24], discount_text[24];
	int64_t price, old_price, diff, moved;
	int active, how, k, r;

	if ((r = load(c, ch->order_id, 0)) != 0)
		return r;
	if ((l = find_line(c, ch->line_no)) == NULL)
		return rows_bad(&c->rows, "order \"%s\" has no line %lld",
		    quote_value(ch->order_id), (long long)ch->line_no);
	snprintf(at, sizeof at, "order \"%s\" line %lld", quote_value(ch->order_id),
	    (long long)l->line_no);
	if (strcmp(l->sku, ch->sku) == 0)
		return rows_bad(&c->rows, "cannot swap %s to sku \"%s\": it is the line's sku "
		    "already", at, quote_value(ch->sku));
	if ((k = store_order_item(c->st, ch->sku, &price, &active)) < 0)
		return -2;
	if (k == 0)
		return rows_bad(&c->rows, "unknown sku \"%s\"", quote_value(ch->sku));
	if (!active)
		return rows_bad(&c->rows, "cannot swap %s to sku \"%s\": the item is inactive",
		    at, quote_value(ch->sku));
	if ((how = change_how(c, ch, l, "swap")) < 0)
		return -1;
	old_price = l->unit_price;
	price = ch->price >= 0 ? ch->price : old_price;
	if (how == 1) {
		memset(&nl, 0, sizeof nl);
		nl.order_id = ch->order_id;
		nl.sku = ch->sku;
		nl.method = l->method;
		nl.pickup_node = l->pickup_node;
		nl.unit_price = price;
		if (move_line(c, ch, l, &nl, &moved) != 0)
			return -2;
		/*
		 * no price_difference: the old units are refunded as cancelled
		 * units are, and the new line is charged as an added one
		 */
		jsonw_start(&c->pl);
		jsonw_int(&c->pl, "line_no", l->line_no);
		jsonw_int(&c->pl, "new_line_no", nl.line_no);
		jsonw_str(&c->pl, "sku", ch->sku);
		jsonw_str(&c->pl, "previous_sku", l->sku);
		jsonw_int(&c->pl, "qty", moved);
		jsonw_money(&c->pl, "unit_price", price);
		jsonw_money(&c->pl, "previous_unit_price", old_price);
		jsonw_int(&c->pl, "cancel_requested", l->asked);
		if (store_event(c->st, ch->order_id, "line.swapped", payload_end(c, ch)) != 0)
			return -2;
		diag_info("%s: %lld %s moved to line %lld as %s (%lld asked back from the node)",
		    at, (long long)moved, l->sku, (long long)nl.line_no, ch->sku,
		    (long long)l->asked);
		c->n->swapped++;
		return 0;
	}
	money_format(l->discount, discount_text);
	if (rows_discount(&c->rows, "discount", discount_text, l->qty, price, &l->discount) != 0)
		return -1;
	diff = (price - old_price) * l->qty;
	if (all_to_open(c, ch->order_id, l) != 0 ||
	    store_line_item_set(c->st, ch->order_id, l->line_no, ch->sku, price) != 0)
		return -2;
	jsonw_start(&c->pl);
	jsonw_int(&c->pl, "line_no", l->line_no);
	jsonw_str(&c->pl, "sku", ch->sku);
	jsonw_str(&c->pl, "previous_sku", l->sku);
	jsonw_int(&c->pl, "qty", l->qty);
	jsonw_money(&c->pl, "unit_price", price);
	jsonw_money(&c->pl, "previous_unit_price", old_price);
	jsonw_money(&c->pl, "price_difference", diff);
	if (store_event(c->st, ch->order_id, "line.swapped", payload_end(c, ch)) != 0)
		return -2;
	money_format(diff, price_text);
	diag_info("%s: %s swapped for %s, price difference %s; %lld back to open (%lld "
	    "allocated, %lld routed)", at, l->sku, ch->sku, price_text,
	    (long long)(l->from_allocated + l->from_routed), (long long)l->from_allocated,
	    (long long)l->from_routed);
	c->n->swapped++;
	return 0;
}

static int
same_text(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/*
 * Hand a line nothing of which is released or shipped over another way
 * (ship, or pickup, curbside or locker at a node that offers it): its
 * allocated and routed units go back to open, for the next runs.
 */
static int
do_method(struct ctx *c, const struct change *ch)
{
	struct oline *l;
	struct node_ref n;
	struct order_line nl;
	int64_t moved;
	int how, k, r;

	if ((r = load(c, ch->order_id, 0)) != 0)
		return r;
	if ((l = find_line(c, ch->line_no)) == NULL)
		return rows_bad(&c->rows, "order \"%s\" has no line %lld",
		    quote_value(ch->order_id), (long long)ch->line_no);
	if (strcmp(l->method, ch->method) == 0 && same_text(l->pickup_node, ch->pickup_node))
		return rows_bad(&c->rows, "cannot change the method of order \"%s\" line %lld: "
		    "it is %s%s%s already", quote_value(ch->order_id), (long long)l->line_no,
		    ch->method, ch->pickup_node ? " at " : "",
		    ch->pickup_node ? ch->pickup_node : "");
	if (ch->pickup_node != NULL) {
		if ((k = store_order_node(c->st, ch->pickup_node, &n)) < 0)
			return -2;
		if (k == 0)
			return rows_bad(&c->rows, "unknown node \"%s\"",
			    quote_value(ch->pickup_node));
		if (!n.active)
			return rows_bad(&c->rows, "node \"%s\" is inactive",
			    quote_value(ch->pickup_node));
		if (rows_handover(&c->rows, ch->method, ch->pickup_node, n.type, n.can_pickup,
		    n.can_curbside) != 0)
			return -1;
	}
	if ((how = change_how(c, ch, l, "change the method of")) < 0)
		return -1;
	if (how == 1) {
		memset(&nl, 0, sizeof nl);
		nl.order_id = ch->order_id;
		nl.sku = l->sku;
		nl.method = ch->method;
		nl.pickup_node = ch->pickup_node;
		nl.unit_price = l->unit_price;
		if (move_line(c, ch, l, &nl, &moved) != 0)
			return -2;
		jsonw_start(&c->pl);
		jsonw_int(&c->pl, "line_no", l->line_no);
		jsonw_int(&c->pl, "new_line_no", nl.line_no);
		jsonw_int(&c->pl, "qty", moved);
		jsonw_str(&c->pl, "method", ch->method);
		jsonw_str_or_null(&c->pl, "pickup_node", ch->pickup_node);
		jsonw_str(&c->pl, "previous_method", l->method);
		jsonw_str_or_null(&c->pl, "previous_pickup_node", l->pickup_node);
		jsonw_int(&c->pl, "cancel_requested", l->asked);
		if (store_event(c->st, ch->order_id, "line.method_changed",
		    payload_end(c, ch)) != 0)
			return -2;
		diag_info("order \"%s\" line %lld: %lld moved to line %lld, %s%s%s (%lld asked "
		    "back from the node)", quote_value(ch->order_id), (long long)l->line_no,
		    (long long)moved, (long long)nl.line_no, ch->method,
		    ch->pickup_node ? " at " : "", ch->pickup_node ? ch->pickup_node : "",
		    (long long)l->asked);
		c->n->methods++;
		return 0;
	}
	if (all_to_open(c, ch->order_id, l) != 0 ||
	    store_line_method_set(c->st, ch->order_id, l->line_no, ch->method,
	    ch->pickup_node) != 0)
		return -2;
	jsonw_start(&c->pl);
	jsonw_int(&c->pl, "line_no", l->line_no);
	jsonw_str(&c->pl, "method", ch->method);
	jsonw_str_or_null(&c->pl, "pickup_node", ch->pickup_node);
	jsonw_str(&c->pl, "previous_method", l->method);
	jsonw_str_or_null(&c->pl, "previous_pickup_node", l->pickup_node);
	if (store_event(c->st, ch->order_id, "line.method_changed", payload_end(c, ch)) != 0)
		return -2;
	diag_info("order \"%s\" line %lld: %s%s%s, was %s%s%s; %lld back to open (%lld "
	    "allocated, %lld routed)", quote_value(ch->order_id), (long long)l->line_no,
	    ch->method, ch->pickup_node ? " at " : "", ch->pickup_node ? ch->pickup_node : "",
	    l->method, l->pickup_node ? " at " : "", l->pickup_node ? l->pickup_node : "",
	    (long long)(l->from_allocated + l->from_routed), (long long)l->from_allocated,
	    (long long)l->from_routed);
	c->n->methods++;
	return 0;
}

struct held_by {
	char by[64], at[21];
};

static int
hold_row(void *p, const struct order_hold *row)
{
	struct held_by *h = p;

	snprintf(h->by, sizeof h->by, "%s", row->held_by);
	snprintf(h->at, sizeof h->at, "%s", row->held_at);
	return 0;
}

static int
do_hold(struct ctx *c, const struct change *ch)
{
	struct held_by h = { "", "" };
	int hold = ch->action == ACT_HOLD, k, r;

	if ((r = load(c, ch->order_id, 0)) != 0)
		return r;
	if ((k = store_hold_get(c->st, ch->order_id, ch->hold_type, hold_row, &h)) < 0)
		return -2;
	if (hold && k) {
		unchanged(c, "order \"%s\" is already on %s hold (since %s%s%s)",
		    quote_value(ch->order_id), ch->hold_type, h.at, h.by[0] ? ", by " : "", h.by);
		return 1;
	}
	if (!hold && !k) {
		unchanged(c, "order \"%s\" has no %s hold", quote_value(ch->order_id),
		    ch->hold_type);
		return 1;
	}
	if ((hold ? store_hold_add(c->st, ch->order_id, ch->hold_type, ch->reason, c->o->by,
	    NULL) :
	    store_hold_remove(c->st, ch->order_id, ch->hold_type)) != 0)
		return -2;
	jsonw_start(&c->pl);
	jsonw_str_or_null(&c->pl, "hold_type", ch->hold_type);
	if (!hold) {
		jsonw_str_or_null(&c->pl, "held_by", h.by);
		jsonw_str_or_null(&c->pl, "held_at", h.at);
	}
	if (store_event(c->st, ch->order_id, hold ? "order.held" : "order.unheld",
	    payload_end(c, ch)) != 0)
		return -2;
	return 0;
}

static int
do_priority(struct ctx *c, const struct change *ch)
{
	int r;

	if ((r = load(c, ch->order_id, 0)) != 0)
		return r;
	if (c->priority == ch->priority) {
		unchanged(c, "order \"%s\" already has priority %lld", quote_value(ch->order_id),
		    (long long)ch->priority);
		return 1;
	}
	if (store_order_priority_set(c->st, ch->order_id, ch->priority) != 0)
		return -2;
	jsonw_start(&c->pl);
	jsonw_int(&c->pl, "priority", ch->priority);
	jsonw_int(&c->pl, "previous", c->priority);
	return store_event(c->st, ch->order_id, "order.priority_changed",
	    payload_end(c, ch)) ? -2 : 0;
}

static const char *const ship_names[SHIP_N] = {
	"ship_name", "ship_address1", "ship_city", "ship_region", "ship_postal_code",
	"ship_country",
};

static int
do_address(struct ctx *c, const struct change *ch)
{
	const char *now[SHIP_N];
	struct order o;
	int64_t kept = 0, moved = 0;
	int i, k, r, changed = 0, moved_place = 0, latlon_changed;

	if ((r = load(c, ch->order_id, 0)) != 0)
		return r;
	for (i = 0; i < SHIP_N; i++) {
		now[i] = ch->ship[i] ? ch->ship[i] : c->ship[i];
		if (strcmp(now[i], c->ship[i]) != 0) {
			changed = 1;
			moved_place |= i != SHIP_NAME;
		}
	}
	memset(&o, 0, sizeof o);
	o.order_id = ch->order_id;
	/* coordinates describe the old place: they go unless new ones are given */
	o.has_latlon = ch->has_latlon || (c->has_latlon && !moved_place);
	o.ship_lat = ch->has_latlon ? ch->lat : c->lat;
	o.ship_lon = ch->has_latlon ? ch->lon : c->lon;
	latlon_changed = o.has_latlon != c->has_latlon ||
	    (o.has_latlon && (o.ship_lat != c->lat || o.ship_lon != c->lon));
	if (!changed && !latlon_changed) {
		unchanged(c, "order \"%s\" already ships to that address",
		    quote_value(ch->order_id));
		return 1;
	}
	o.ship_name = now[SHIP_NAME];
	o.ship_address1 = now[SHIP_ADDR];
	o.ship_city = now[SHIP_CITY];
	o.ship_region = now[SHIP_REGION];
	o.ship_postal_code = now[SHIP_POSTAL];
	o.ship_country = now[SHIP_COUNTRY];
	if (store_order_address_set(c->st, &o) != 0)
		return -2;
	jsonw_start(&c->pl);
	for (i = 0; i < SHIP_N; i++)
		if (strcmp(now[i], c->ship[i]) != 0)
			jsonw_str_or_null(&c->pl, ship_names[i], now[i]);
	if (latlon_changed) {
		payload_coord(c, "ship_lat", o.has_latlon, o.ship_lat);
		payload_coord(c, "ship_lon", o.has_latlon, o.ship_lon);
	}
	jsonw_object(&c->pl, "previous");
	for (i = 0; i < SHIP_N; i++)
		if (strcmp(now[i], c->ship[i]) != 0)
			jsonw_str_or_null(&c->pl, ship_names[i], c->ship[i]);
	if (latlon_changed) {
		payload_coord(c, "ship_lat", c->has_latlon, c->lat);
		payload_coord(c, "ship_lon", c->has_latlon, c->lon);
	}
	jsonw_object_end(&c->pl);
	/* routed but unreleased ship lines go back to allocated, to be routed anew */
	jsonw_array(&c->pl, "unrouted");
	for (i = 0; i < c->nlines; i++) {
		struct oline *l = &c->lines[i];
		int64_t back = 0;

		kept += released(l);
		if (strcmp(l->method, "ship") != 0)
			continue;
		for (k = 0; k < l->nnodes; k++) {
			struct onode *d = &l->nodes[k];

			if (d->routed == 0)
				continue;
			jsonw_object(&c->pl, NULL);
			jsonw_int(&c->pl, "line_no", l->line_no);
			jsonw_str(&c->pl, "node_id", d->node_id);
			jsonw_int(&c->pl, "qty", d->routed);
			jsonw_object_end(&c->pl);
			back += d->routed;
			d->taken = d->routed;
			d->routed = 0;
			if (store_line_node_routed(c->st, ch->order_id, l->line_no, d->node_id,
			    0) != 0)
				return -2;
		}
		if (back > 0) {
			l->allocated += back;
			moved += back;
			if (store_line_set(c->st, ch->order_id, l->line_no, l->qty, l->allocated,
			    l->backordered, l->reason, l->cancelled) != 0)
				return -2;
		}
	}
	jsonw_array_end(&c->pl);
	jsonw_int(&c->pl, "released_kept", kept);
	if (store_event(c->st, ch->order_id, "order.address_changed", payload_end(c, ch)) != 0)
		return -2;
	c->n->unrouted += moved;
	if (kept > 0) {
		char msg[300];

		snprintf(msg, sizeof msg, "order \"%s\": %lld released %s the old "
		    "address: tell the node", quote_value(ch->order_id), (long long)kept,
		    plural(kept, "unit keeps", "units keep"));
		if (c->file != NULL)
			diag_warn("%s:%ld: %s", c->file, c->line, msg);
		else
			diag_warn("%s", msg);
	}
	return 0;
}

/*
 * A price adjustment: amount (or pct of what was paid for the merchandise
 * the customer has or will have) back to the customer as a refund of kind
 * adjustment with its code, on a line or spread over the order's lines
 * (returns_adjustable, returns_adjust_share: within the one cap).  Every
 * order is taken as paid, so an adjustment is always a refund.
 */
static int
do_adjust(struct ctx *c, const struct change *ch)
{
	struct return_order o;
	struct returns_adjust a;
	struct refund f;
	char at[200], amount_text[24], left_text[24], base_text[24], given_text[24];
	int64_t amount, id;
	int i, k, idx = -1, r = 0;

	if ((r = load(c, ch->order_id, ch->line_no)) != 0 || (r = tender_ok(c, ch)) != 0)
		return r;
	if ((k = store_return_order(c->st, ch->order_id, &o)) <= 0)
		return -2;
	for (i = 0; ch->line_no > 0 && i < o.nlines; i++)
		if (o.lines[i].line_no == ch->line_no)
			idx = i;
	returns_adjustable(&o, idx, &a);
	amount = ch->pct >= 0 ? returns_percent(a.base, ch->pct) : ch->amount;
	if (ch->line_no > 0)
		snprintf(at, sizeof at, "order \"%s\" line %lld", quote_value(ch->order_id),
		    (long long)ch->line_no);
	else
		snprintf(at, sizeof at, "order \"%s\"", quote_value(ch->order_id));
	money_format(amount, amount_text);
	money_format(a.left, left_text);
	money_format(a.base, base_text);
	money_format(a.given, given_text);
	if (amount == 0 || amount > a.left) {
		r = rows_bad(&c->rows, "cannot adjust %s by %s: %s%s (%s paid for the %lld "
		    "%s kept or coming, %s appeased or adjusted already, within what is left to "
		    "refund)", at, amount_text, a.left ? "at most " : "nothing is left to give",
		    a.left ? left_text : "", base_text, (long long)a.units,
		    plural(a.units, "unit", "units"), given_text);
		goto out;
	}
	jsonw_start(&c->pl);
	if (ch->line_no > 0)
		jsonw_int(&c->pl, "line_no", ch->line_no);
	else
		jsonw_null(&c->pl, "line_no");
	jsonw_money(&c->pl, "amount", amount);
	if (ch->pct >= 0) {
		jsonw_money(&c->pl, "percent", ch->pct);
		jsonw_money(&c->pl, "of", a.base);
	}
	jsonw_str(&c->pl, "code", ch->code);
	jsonw_str(&c->pl, "tender", ch->tender);
	if (store_event(c->st, ch->order_id, "order.adjusted", payload_end(c, ch)) != 0) {
		r = -2;
		goto out;
	}
	memset(&f, 0, sizeof f);
	f.order_id = ch->order_id;
	f.kind = "adjustment";
	f.code = ch->code;
	f.tender = ch->tender;
	f.reason = ch->reason[0] ? ch->reason : ch->code;
	f.at = store_run_time(c->st);
	for (i = 0; i < o.nlines; i++) {
		if (idx >= 0 && i != idx)
			continue;
		f.line_no = o.lines[i].line_no;
		f.amount = f.merchandise = idx >= 0 ? amount : returns_adjust_share(&o, amount, i);
		if (f.amount > 0 && returns_refund_write(c->st, &f, 0, &c->pl, &id) != 0) {
			r = -2;
			goto out;
		}
	}
	diag_info("%s: %s adjusted (%s), to %s", at, amount_text, ch->code, ch->tender);
	c->n->adjusted += amount;
out:
	store_return_order_release(&o);
	return r;
}

/*
 * Store credit spent on an order (order_ref, which need not be in the
 * store; when it is, it must be the customer's): the balance goes down,
 * never below zero.
 */
static int
do_spend(struct ctx *c, const struct change *ch)
{
	char *owner = NULL, who[200], amount_text[24], balance_text[24];
	int64_t balance;
	int k;

	if ((k = store_order_customer(c->st, ch->order_id, &owner)) < 0)
		return -2;
	snprintf(who, sizeof who, "%s", quote_value(ch->customer));
	if (k == 1 && strcmp(owner, ch->customer) != 0) {
		char theirs[200];

		snprintf(theirs, sizeof theirs, "%s", quote_value(owner));
		free(owner);
		return rows_bad(&c->rows, "cannot spend customer \"%s\"'s store credit on order "
		    "\"%s\": it is %s%s%s's order", who, quote_value(ch->order_id),
		    theirs[0] ? "customer \"" : "a guest", theirs, theirs[0] ? "\"" : "");
	}
	free(owner);
	if (store_credit_balance(c->st, ch->customer, &balance) != 0)
		return -2;
	money_format(ch->amount, amount_text);
	money_format(balance, balance_text);
	if (ch->amount > balance)
		return rows_bad(&c->rows, "cannot spend %s of customer \"%s\"'s store credit: "
		    "the balance is %s (it never goes below zero)", amount_text, who,
		    balance_text);
	if (store_credit_add(c->st, ch->customer, -ch->amount, 0, ch->order_id, ch->reason,
	    c->o->by, store_run_time(c->st)) < 0)
		return -2;
	jsonw_start(&c->pl);
	jsonw_str(&c->pl, "customer_id", ch->customer);
	jsonw_money(&c->pl, "amount", ch->amount);
	jsonw_money(&c->pl, "credit_balance", balance - ch->amount);
	if (store_event(c->st, ch->order_id, "credit.spent", payload_end(c, ch)) != 0)
		return -2;
	money_format(balance - ch->amount, balance_text);
	diag_info("customer \"%s\": %s of store credit spent on order \"%s\", %s left", who,
	    amount_text, quote_value(ch->order_id), balance_text);
	c->n->spent += ch->amount;
	return 0;
}

static int apply_change(struct ctx *c, const struct change *ch);

/*
 * Apply a checked change: 0 applied, 1 nothing to do, -1 bad
 * (c->rows.err), -2 store.  A change with a reference is applied once:
 * sent again (a script run twice, a file applied again), it is told and
 * changes nothing.
 */
static int
apply(struct ctx *c, const struct change *ch)
{
	struct change_ref_seen seen;
	int k, r;

	if (ch->ref != NULL) {
		if ((k = store_change_ref_get(c->st, ch->ref, &seen)) < 0)
			return -2;
		if (k == 1) {
			char ref[300];

			snprintf(ref, sizeof ref, "%s", quote_value(ch->ref));
			unchanged(c, "change \"%s\" was applied already (%s of order \"%s\" at %s%s%s)",
			    ref, seen.action, quote_value(seen.order_id), seen.at,
			    seen.by[0] ? " by " : "", seen.by);
			return 1;
		}
	}
	r = apply_change(c, ch);
	if (r == 0 && ch->ref != NULL && store_change_ref_add(c->st, ch->ref,
	    action_names[ch->action], ch->order_id, c->o->by) != 0)
		return -2;
	return r;
}

static int
apply_change(struct ctx *c, const struct change *ch)
{
	switch (ch->action) {
	case ACT_CANCEL:
		return do_cancel(c, ch);
	case ACT_REDUCE:
		return do_reduce(c, ch);
	case ACT_HOLD:
	case ACT_UNHOLD:
		return do_hold(c, ch);
	case ACT_ADDRESS:
		return do_address(c, ch);
	case ACT_ADD:
		return do_add(c, ch);
	case ACT_RAISE:
		return do_raise(c, ch);
	case ACT_SWAP:
		return do_swap(c, ch);
	case ACT_METHOD:
		return do_method(c, ch);
	case ACT_ADJUST:
		return do_adjust(c, ch);
	case ACT_SPEND:
		return do_spend(c, ch);
	default:
		return do_priority(c, ch);
	}
}

static void
ctx_release(struct ctx *c)
{
	lines_clear(c);
	free(c->lines);
	buf_release(&c->rows.err);
	buf_release(&c->pl);
}

/* Count the outcome r of one change (a rejected one: where it is rejected). */
static void
count(struct ctx *c, int r)
{
	c->n->changes++;
	if (r == 0)
		c->n->applied++;
	else if (r == 1)
		c->n->unchanged++;
}

/*
 * One change of its own (not of a stream): apply ch unless r says it is
 * bad already, count it, release c.  An exit status, as order_change's.
 */
static int
change_one(struct ctx *c, const struct change *ch, int r)
{
	if (r == 0)
		r = apply(c, ch);
	count(c, r);
	if (r == -1) {
		c->n->rejected++;
		diag_error("%s", c->rows.err.s);
	}
	ctx_release(c);
	return r == -2 ? store_status(c->st) : r == -1 ? EX_DATAERR : 0;
}

int
order_change(struct store *st, const struct order_opts *o, const char *const *vals,
    struct order_counts *n)
{
	struct ctx c;
	struct change ch;

	memset(&c, 0, sizeof c);
	memset(n, 0, sizeof *n);
	c.st = st;
	c.o = o;
	c.n = n;
	return change_one(&c, &ch, parse_change(&c, vals, &ch));
}

int
order_cancel(struct store *st, const struct order_opts *o, const char *order_id,
    int64_t line_no, int64_t qty, int backordered, struct order_counts *n)
{
	struct ctx c;
	struct change ch;

	memset(&c, 0, sizeof c);
	c.st = st;
	c.o = o;
	c.n = n;
	/* the change "cancel order_id line_no qty" as parse_change makes it */
	memset(&ch, 0, sizeof ch);
	ch.action = ACT_CANCEL;
	ch.order_id = order_id;
	ch.line_no = line_no;
	ch.qty = qty;
	ch.price = ch.amount = ch.pct = -1;
	ch.tender = "original";	/* the policy pays back the way the customer paid */
	ch.reason = o->reason ? o->reason : "";
	ch.backordered = backordered;
	return change_one(&c, &ch, 0);
}

int
order_change_files(struct store *st, const struct order_opts *o, int nfiles,
    char *const *files, struct order_counts *n)
{
	struct colspec cols[OC_COUNT];
	struct input *in;
	struct record rec;
	struct change ch;
	struct ctx c;
	int i, r, rc = 0, status = 0;

	memset(&c, 0, sizeof c);
	memset(n, 0, sizeof *n);
	c.st = st;
	c.o = o;
	c.n = n;
	memcpy(cols, order_change_cols, sizeof cols);
	cols[OC_ACTION].required = o->action < 0;
	if (rows_open(&c.rows, o->rejects, -1, &n->rejected, "nothing applied", &status) != 0)
		goto out;
	for (i = 0; i < nfiles && status == 0; i++) {
		if ((in = input_open(files[i], o->input_format, cols, OC_COUNT, NULL,
		    &status)) == NULL)
			break;
		c.file = files[i];
		while (status == 0 && (rc = input_next(in, &rec)) == 1) {
			c.line = rec.line;
			rows_next(&c.rows);
			if (rec.error != NULL)
				rows_bad(&c.rows, "%s", rec.error);
			r = c.rows.err.len > 0 ? -1 : parse_change(&c, rec.val, &ch);
			if (r == 0) {
				if (store_savepoint_begin(st) != 0) {
					status = store_status(st);
					break;
				}
				r = apply(&c, &ch);
				if (r == -2 || (r == -1 ? store_savepoint_undo(st) : store_savepoint_end(st)) != 0) {
					status = store_status(st);
					break;
				}
			}
			count(&c, r);
			if (r == -1)
				rows_reject(&c.rows, in, NULL, rec.file, rec.line, c.rows.err.s, 1,
				    &status);
		}
		if (rc < 0 && status == 0)
			status = input_status(in);
		if (input_blank_rows(in) > 0)
			diag_warn("%s: skipped %ld empty %s", files[i], input_blank_rows(in),
			    plural(input_blank_rows(in), "row", "rows"));
		input_close(in);
	}
	if (status == 0 && c.rows.failed)
		status = rows_strict_end(&c.rows, "change", "changes", "apply");
out:
	status = rows_close(&c.rows, status);
	ctx_release(&c);
	return status;
}

/* "; N units cancelled": a count of the summary, when there is one. */
static void
summary_part(struct buf *line, int64_t n, const char *one, const char *many, const char *what)
{
	if (n)
		buf_addf(line, "; %lld %s %s", (long long)n, plural(n, one, many), what);
}

/* "; 12.50 adjusted": an amount of the summary, when there is one. */
static void
summary_money(struct buf *line, int64_t cents, const char *what)
{
	char m[24];

	if (cents) {
		money_format(cents, m);
		buf_addf(line, "; %s %s", m, what);
	}
}

void
order_summary(const struct order_counts *n, struct buf *line, struct buf *json)
{
	buf_addf(line, "%ld %s applied, %ld unchanged, %ld rejected", n->applied,
	    plural(n->applied, "change", "changes"), n->unchanged, n->rejected);
	summary_part(line, n->cancelled, "unit", "units", "cancelled");
	if (n->requested)
		buf_addf(line, "; %lld released %s asked back from the %s",
		    (long long)n->requested, plural(n->requested, "unit", "units"),
		    plural(n->requested, "node", "nodes"));
	summary_part(line, n->reduced, "unit", "units", "reduced");
	summary_part(line, n->unrouted, "unit", "units", "to route again");
	summary_part(line, n->added, "line", "lines", "added");
	summary_part(line, n->raised, "unit", "units", "raised");
	summary_part(line, n->swapped, "line", "lines", "swapped");
	summary_part(line, n->methods, "line", "lines", "handed over another way");
	summary_money(line, n->refunded, "owed back for cancelled units");
	summary_money(line, n->adjusted, "adjusted");
	summary_money(line, n->spent, "of store credit spent");
	if (n->applied == 0)
		buf_adds(line, "; nothing changed");
	jsonw_start(json);
	jsonw_int(json, "changes", n->changes);
	jsonw_int(json, "applied", n->applied);
	jsonw_int(json, "unchanged", n->unchanged);
	jsonw_int(json, "rejected", n->rejected);
	jsonw_int(json, "cancelled", n->cancelled);
	jsonw_int(json, "cancel_requested", n->requested);
	jsonw_int(json, "reduced", n->reduced);
	jsonw_int(json, "unrouted", n->unrouted);
	jsonw_int(json, "added", n->added);
	jsonw_int(json, "raised", n->raised);
	jsonw_int(json, "swapped", n->swapped);
	jsonw_int(json, "method_changed", n->methods);
	jsonw_money(json, "refunded", n->refunded);
	jsonw_money(json, "adjusted", n->adjusted);
	jsonw_money(json, "spent", n->spent);
	jsonw_end(json);
}
