#include <string.h>

#include "diag.h"
#include "model.h"
#include "parse.h"
#include "util.h"

int
method_handed_over(const char *method)
{
	return strcmp(method, "pickup") == 0 || strcmp(method, "curbside") == 0;
}

int64_t
node_atp(int64_t on_hand, int64_t safety_stock, int64_t reserved)
{
	int64_t atp = on_hand - safety_stock - reserved;

	return atp > 0 ? atp : 0;
}

int64_t
node_over(int64_t on_hand, int64_t safety_stock, int64_t reserved)
{
	int64_t room = on_hand - safety_stock;

	if (reserved <= 0 || reserved <= room)
		return 0;
	return reserved - (room > 0 ? room : 0);
}

/* Two times of service_cmp: NULL last, else by their bytes. */
static int
service_time_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

int
service_cmp(const struct service_key *a, const struct service_key *b)
{
	int c;

	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	if ((c = service_time_cmp(a->promise_date, b->promise_date)) != 0 ||
	    (c = service_time_cmp(a->created_at, b->created_at)) != 0 ||
	    (c = strcmp(a->order_id, b->order_id)) != 0)
		return c;
	return a->line_no < b->line_no ? -1 : a->line_no > b->line_no;
}

int64_t
line_open(const struct line_qty *q)
{
	return q->qty - q->allocated - q->routed - q->released - q->shipped - q->cancelled;
}

unsigned
line_counts_broken(const struct line_qty *q)
{
	unsigned broken = 0;

	if (line_open(q) < 0)
		broken |= LINE_BUCKETS;
	if (q->returned > q->shipped)
		broken |= LINE_RETURNED;
	if (q->backordered > 0 && q->backordered > line_open(q))
		broken |= LINE_BACKORDERED;
	return broken;
}

const char *
line_rule_name(enum line_rule rule)
{
	return rule == LINE_BUCKETS ? "line_buckets" : rule == LINE_RETURNED ? "line_returned" :
	    "line_backordered";
}

const char *const hold_types[HOLD_TYPES_N] = { "fraud", "payment", "address", "customer",
	"sourcing" };

static const char *const statuses[] = {
	"backordered", "open", "allocated", "routed", "released", "shipped", "cancelled"
};

const char *
line_status(const struct line_qty *q)
{
	if (q->backordered > 0)
		return statuses[0];
	if (line_open(q) > 0)
		return statuses[1];
	if (q->allocated > 0)
		return statuses[2];
	if (q->routed > 0)
		return statuses[3];
	if (q->released > 0)
		return statuses[4];
	if (q->shipped > 0)
		return statuses[5];
	return statuses[6];
}

int
line_status_valid(const char *s)
{
	return strtab_find(statuses, sizeof statuses / sizeof *statuses, s) >= 0;
}

int64_t
line_days_past_promise(const char *promise, int64_t today)
{
	int64_t d = date_days(promise);

	return d != INT64_MAX && today != INT64_MAX && today > d ? today - d : -1;
}

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

static char
upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

size_t
country_key(const char *country, char *out)
{
	const char *s = country ? country : "", *e;
	size_t n = 0;

	while (blank(*s))
		s++;
	for (e = s + strlen(s); e > s && blank(e[-1]); e--)
		;
	for (; s < e; s++)
		out[n++] = upper(*s);
	out[n] = '\0';
	return n;
}

/* The country's key is "US"? */
static int
is_us(const char *country)
{
	const char *s = country ? country : "";

	while (blank(*s))
		s++;
	if (upper(s[0]) != 'U' || upper(s[1]) != 'S')
		return 0;
	for (s += 2; blank(*s); s++)
		;
	return *s == '\0';
}

size_t
postal_key(const char *country, const char *code, char *out)
{
	const char *s = code ? code : "";
	size_t n = 0, i;

	for (; *s != '\0'; s++)
		if (!blank(*s) && *s != '-')
			out[n++] = upper(*s);
	out[n] = '\0';
	if (n == 9 && is_us(country)) {
		for (i = 0; i < n && out[i] >= '0' && out[i] <= '9'; i++)
			;
		if (i == n)
			out[n = 5] = '\0';	/* ZIP+4: its ZIP */
	}
	return n;
}

void
place_list_add(struct buf *b, long *n, const char *id, const char *code,
    const char *country, const char *latlon)
{
	if ((*n)++ >= PLACES_NAMED)
		return;
	if (*n > 1)
		buf_adds(b, ", ");
	buf_addf(b, "\"%s\" (", quote_value(id));
	if (code[0] == '\0') {
		buf_addf(b, "no %s, no postal code)", latlon);
		return;
	}
	buf_addf(b, "postal code \"%s\", ", quote_value(code));
	buf_addf(b, "country \"%s\")", quote_value(country));
}

void
place_list_end(struct buf *b, long n)
{
	if (n > PLACES_NAMED)
		buf_addf(b, " and %ld more", n - PLACES_NAMED);
}

const char *
place_reason(struct buf *b, const char *kind, const char *node_id, const char *code,
    const char *country)
{
	buf_reset(b);
	if (node_id == NULL) {
		if (code[0] == '\0')
			buf_adds(b, "destination unknown (no ship_lat/ship_lon, no postal code)");
		else
			buf_addf(b, "destination postal code %s (country %s) unknown", code,
			    country);
		return buf_str(b);
	}
	buf_addf(b, "%s %s cannot be located (", kind, node_id);
	if (code[0] == '\0')
		buf_adds(b, "no lat/lon, no postal code)");
	else
		buf_addf(b, "postal code %s, country %s unknown)", code, country);
	return buf_str(b);
}

static const char *const backorder_words[] = {
	[BO_NETWORK] = "no stock in the network",
	[BO_STORE] = "no stock at the pickup store",
	[BO_METHOD] = "node does not offer the method",
	[BO_SHIP_COMPLETE] = "ship-complete order short",
	[BO_ROUTE_STOCK] = "no stock left at an eligible node when routed",
	[BO_ROUTE_STORE] = "no stock at the pickup store when routed",
	[BO_RULE] = "no stock where its sourcing rule allows",
	[BO_SUPPLY] = "awaiting supply",
};

const char *
backorder_reason(struct buf *b, enum backorder_why why, const char *node_id, const char *code,
    const char *country)
{
	switch (why) {
	case BO_NONE:
		return NULL;
	case BO_DEST:
		return place_reason(b, NULL, NULL, code, country);
	case BO_LOCKER:
		return place_reason(b, "locker", node_id, code, country);
	case BO_NODE:
		return place_reason(b, "node", node_id, code, country);
	default:
		return backorder_words[why];
	}
}

void
place_warn_order(struct place_warn *w, const char *order_id, const char *code,
    const char *country)
{
	place_list_add(&w->orders, &w->norders, order_id, code, country, "ship_lat/ship_lon");
}

void
place_warn_node(struct place_warn *w, const char *node_id, const char *code,
    const char *country, long lines)
{
	place_list_add(&w->nodes, &w->nnodes, node_id, code, country, "lat/lon");
	w->lines += lines;
}

void
place_warn_end(struct place_warn *w)
{
	long n = w->norders;

	place_list_end(&w->orders, n);
	if (n > 0)
		diag_alert("%ld %s a destination that cannot be placed, %s lines "
		    "backordered: %s", n, plural(n, "order has", "orders have"),
		    plural(n, "its", "their"), buf_str(&w->orders));
	n = w->nnodes;
	place_list_end(&w->nodes, n);
	if (n > 0)
		diag_alert("%ld %s cannot be located, %ld %s backordered for %s: %s", n,
		    plural(n, "node", "nodes"), w->lines, plural(w->lines, "line", "lines"),
		    plural(n, "it", "them"), buf_str(&w->nodes));
	buf_release(&w->orders);
	buf_release(&w->nodes);
}

const char *
line_ship_to_node(const char *method, const char *pickup_node)
{
	return strcmp(method, "ship") == 0 ? NULL : pickup_node;
}
