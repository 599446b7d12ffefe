#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "import-int.h"
#include "import.h"
#include "jsonw.h"
#include "parse.h"
#include "rows.h"
#include "util.h"
#include "store-import.h"
#include "store-route.h"


static const char *const kind_names[] = {
	"items", "nodes", "inventory", "customers", "orders", "postal", "rates",
	[KIND_CHANNELS] = "channels", [KIND_HOLDRULES] = "holdrules",
	[KIND_SUPPLY] = "supply",
	[KIND_GROUPS] = "groups", [KIND_RULES] = "rules",
};

int
import_kind_parse(const char *s)
{
	return strtab_find(kind_names, sizeof kind_names / sizeof *kind_names, s);
}

const char *
import_kind_name(int kind)
{
	return kind_names[kind];
}

/* --- columns of each kind (SPEC "File formats") ----------------------- */

enum { I_SKU, I_DESC, I_PRICE, I_COST, I_WEIGHT, I_ALONE, I_VENDOR, I_ORDCOST,
	I_HOLD, I_LEAD, I_ACTIVE, I_S2S, I_CLASS, I_N };
static const struct colspec item_cols[] = {
	{ "sku", 1 }, { "description", 0 }, { "unit_price", 0 }, { "unit_cost", 0 },
	{ "weight_kg", 0 }, { "ship_alone", 0 }, { "vendor_node", 0 },
	{ "ordering_cost", 0 }, { "holding_rate", 0 }, { "lead_time_days", 0 },
	{ "active", 0 }, { "ship_to_store", 0 }, { "item_class", 0 },
};

enum { N_ID, N_TYPE, N_NAME, N_POSTAL, N_COUNTRY, N_LAT, N_LON, N_SHIP, N_PICKUP,
	N_CURB, N_RETURNS, N_CAP, N_HANDLING, N_PROC, N_SAFETY, N_ACTIVE, N_ADDRESS1,
	N_CITY, N_REGION, N_HOLD, N_S2S, N_CONFIRM, N_CHANNEL, N_N };
static const struct colspec node_cols[] = {
	{ "node_id", 1 }, { "type", 1 }, { "name", 0 }, { "postal_code", 0 },
	{ "country", 0 }, { "lat", 0 }, { "lon", 0 }, { "can_ship", 0 },
	{ "can_pickup", 0 }, { "can_curbside", 0 }, { "accepts_returns", 0 },
	{ "capacity_per_day", 0 }, { "handling_cost", 0 }, { "processing_days", 0 },
	{ "safety_stock", 0 }, { "active", 0 }, { "address1", 0 }, { "city", 0 },
	{ "region", 0 }, { "pickup_hold_days", 0 }, { "ship_to_store", 0 },
	{ "confirm_hours", 0 }, { "channel", 0 },
};

enum { V_NODE, V_SKU, V_ONHAND, V_SAFETY, V_ASOF, V_N };
static const struct colspec inv_cols[] = {
	{ "node_id", 1 }, { "sku", 1 }, { "on_hand", 1 }, { "safety_stock", 0 },
	{ "as_of", 0 },
};

enum { D_NODE, D_SKU, D_DELTA, D_REASON, D_N };
static const struct colspec delta_cols[] = {
	{ "node_id", 1 }, { "sku", 1 }, { "delta", 1 }, { "reason", 0 },
};

enum { C_ID, C_NAME, C_EMAIL, C_PHONE, C_TIER, C_FLAGGED, C_N };
static const struct colspec cust_cols[] = {
	{ "customer_id", 1 }, { "name", 0 }, { "email", 0 }, { "phone", 0 }, { "tier", 0 },
	{ "flagged", 0 },
};

static const struct colspec order_cols[] = {
	{ "order_id", 1 }, { "channel", 0 }, { "customer_id", 0 }, { "created_at", 0 },
	{ "priority", 0 }, { "promise_date", 0 }, { "ship_name", 0 },
	{ "ship_address1", 0 }, { "ship_city", 0 }, { "ship_region", 0 },
	{ "ship_postal_code", 0 }, { "ship_country", 0 }, { "ship_lat", 0 },
	{ "ship_lon", 0 }, { "shipping_charge", 0 }, { "bill_country", 0 }, { "ship_complete", 0 },
	{ "line_no", 1 }, { "sku", 1 },
	{ "qty", 1 }, { "method", 0 }, { "pickup_node", 0 }, { "unit_price", 0 },
	{ "discount", 0 },
};

enum { P_CODE, P_COUNTRY, P_LAT, P_LON, P_N };
static const struct colspec postal_cols[] = {
	{ "postal_code", 1 }, { "country", 0 }, { "lat", 1 }, { "lon", 1 },
};

enum { R_MAXKM, R_BASE, R_PERKG, R_TRANSIT, R_N };
static const struct colspec rate_cols[] = {
	{ "max_km", 1 }, { "base_cost", 1 }, { "per_kg", 0 }, { "transit_days", 1 },
};

/* a channel's policy; blank: none */
enum { CP_CHANNEL, CP_BODAYS, CP_HOLDHOURS, CP_N };
static const struct colspec channel_cols[] = {
	{ "channel", 1 }, { "backorder_days", 0 }, { "hold_release_hours", 0 },
};

enum { H_RULE, H_TEST, H_VALUE, H_HOLD, H_CHANNEL, H_ACTIVE, H_N };
static const struct colspec holdrule_cols[] = {
	{ "rule_id", 1 }, { "test", 1 }, { "value", 0 }, { "hold_type", 1 }, { "channel", 0 },
	{ "active", 0 },
};

/* --- the importer --------------------------------------------------- */

int
store_failed(struct importer *im)
{
	im->status = store_status(im->st);
	return -1;
}

/*
 * A record that will not be imported: rows_reject() (raw NULL: the input's
 * current record).  -1 when the run must stop (past --max-rejects).
 */
int
reject(struct importer *im, const char *file, long line, const char *msg,
    const struct raw *raw, int loud)
{
	return rows_reject(&im->rows, im->in, raw, file, line, msg, loud, &im->status);
}

/* The current record is bad if a problem was noted: reject it.  1 if so. */
int
rejected(struct importer *im, const struct record *r, int *ret)
{
	if (im->rows.err.len == 0)
		return 0;
	*ret = reject(im, r->file, r->line, im->rows.err.s, NULL, 1);
	return 1;
}

/* --- fields ----------------------------------------------------------- */

int
f_key(struct importer *im, const struct record *r, int c, const char **out)
{
	return rows_key(&im->rows, NAME(c), r->val[c], im->cols[c].required, out);
}

int
f_text(struct importer *im, const struct record *r, int c, const char *def,
    const char **out)
{
	*out = r->val[c][0] ? r->val[c] : def;
	return rows_text(&im->rows, NAME(c), r->val[c], ROWS_MAX_TEXT);
}

static int
empty_required(struct importer *im, const struct record *r, int c)
{
	return rows_empty(&im->rows, NAME(c), r->val[c], im->cols[c].required);
}

int
f_int(struct importer *im, const struct record *r, int c, int64_t min, int64_t max,
    int64_t def, const char *what, int64_t *out)
{
	*out = def;
	if (empty_required(im, r, c))
		return im->cols[c].required ? -1 : 0;
	return rows_int(&im->rows, NAME(c), r->val[c], min, max, what, out);
}

int
f_money(struct importer *im, const struct record *r, int c, int64_t def, int64_t *out)
{
	*out = def;
	if (empty_required(im, r, c))
		return im->cols[c].required ? -1 : 0;
	return rows_money(&im->rows, NAME(c), r->val[c], 0, out);
}

static int
f_real(struct importer *im, const struct record *r, int c, double min, double max,
    double def, const char *what, double *out)
{
	*out = def;
	if (empty_required(im, r, c))
		return im->cols[c].required ? -1 : 0;
	return rows_real(&im->rows, NAME(c), r->val[c], min, max, what, out);
}

int
f_bool(struct importer *im, const struct record *r, int c, int def, int *out)
{
	*out = def;
	if (r->val[c][0] == '\0')
		return 0;
	return rows_bool(&im->rows, NAME(c), r->val[c], out);
}

/* A time, or "" when empty and not required. */
int
f_time(struct importer *im, const struct record *r, int c, char out[21])
{
	out[0] = '\0';
	if (empty_required(im, r, c))
		return im->cols[c].required ? -1 : 0;
	return rows_time(&im->rows, NAME(c), r->val[c], out);
}

/* Latitude and longitude: both or neither. */
int
f_latlon(struct importer *im, const struct record *r, int clat, int clon, int *has,
    double *lat, double *lon)
{
	return rows_latlon(&im->rows, NAME(clat), r->val[clat], NAME(clon), r->val[clon], has,
	    lat, lon);
}

const struct node_ref *
node_ref(struct importer *im, int c, const char *id)
{
	void *v;

	if (id == NULL)
		return NULL;
	if (!strmap_get(&im->nodes, id, &v)) {
		rows_bad(&im->rows, "%s \"%s\" is not a known node (import nodes first)",
		    NAME(c), quote_value(id));
		return NULL;
	}
	return v;
}

const int64_t *
sku_ref(struct importer *im, int c, const char *sku)
{
	void *v;

	if (sku == NULL)
		return NULL;
	if (!strmap_get(&im->skus, sku, &v)) {
		rows_bad(&im->rows, "%s \"%s\" is not a known item (import items first)",
		    NAME(c), quote_value(sku));
		return NULL;
	}
	return v;
}

/* A digest of a record's values in columns [from, to). */
int64_t
digest(const char *const *vals, int from, int to)
{
	uint64_t h = FNV_INIT;
	int c;

	for (c = from; c < to; c++)
		h = fnv1a(h, vals[c], strlen(vals[c]) + 1);
	return (int64_t)h;
}

/*
 * Check a natural key (column n1 holding k1, and n2 holding k2 when not
 * NULL) against the rest of this run: 0 new, 1 seen with the same values,
 * 2 seen with others (a problem is noted), -1 fatal.
 */
int
seen(struct importer *im, char tag, const char *n1, const char *k1, const char *n2,
    const char *k2, int64_t dig, long line)
{
	struct buf what = BUF_INIT;
	long first = 0;
	int r;

	buf_reset(&im->key);
	buf_addc(&im->key, tag);
	buf_adds(&im->key, k1);
	if (k2 != NULL) {
		buf_addc(&im->key, '\x1f');
		buf_adds(&im->key, k2);
	}
	r = store_seen(im->st, im->key.s, im->key.len, dig, line, &first);
	if (r < 0)
		return store_failed(im);
	if (r == 2) {
		/* quote_value() has one buffer: one value per call */
		buf_addf(&what, "%s \"%s\"", n1, quote_value(k1));
		if (k2 != NULL)
			buf_addf(&what, ", %s \"%s\"", n2, quote_value(k2));
		rows_bad(&im->rows, "duplicate key %s conflicts with line %ld", what.s, first);
		buf_release(&what);
	}
	return r;
}

void
count_put(struct importer *im, int put)
{
	if (put == PUT_INSERTED)
		im->n->inserted++;
	else if (put == PUT_UPDATED)
		im->n->updated++;
	else
		im->n->unchanged++;
}

/* --- items, nodes, customers, postal, rates --------------------------- */

/*
 * A value sourcing rules match with alternatives ("a|b": oms-formats(5),
 * "Sourcing rules") cannot hold a '|' itself.
 */
int
no_bar(struct importer *im, int c, const char *v)
{
	if (v != NULL && strchr(v, '|') != NULL)
		return rows_bad(&im->rows, "%s \"%s\" must not hold a '|'", NAME(c),
		    quote_value(v));
	return 0;
}

static int
row_item(struct importer *im, const struct record *r)
{
	struct item it;
	const struct node_ref *v;
	int ret = 0, put;

	memset(&it, 0, sizeof it);
	f_key(im, r, I_SKU, &it.sku);
	f_text(im, r, I_DESC, "", &it.description);
	f_money(im, r, I_PRICE, 0, &it.unit_price);
	f_real(im, r, I_COST, 0, 1e12, 0, "a non-negative number", &it.unit_cost);
	f_real(im, r, I_WEIGHT, 0, 1e6, 0, "a non-negative weight in kg", &it.weight_kg);
	f_bool(im, r, I_ALONE, 0, &it.ship_alone);
	f_key(im, r, I_VENDOR, &it.vendor_node);
	if ((v = node_ref(im, I_VENDOR, it.vendor_node)) != NULL && strcmp(v->type, "vendor") != 0)
		rows_bad(&im->rows, "vendor_node \"%s\" is a %s, not a vendor",
		    quote_value(it.vendor_node), v->type);
	f_real(im, r, I_ORDCOST, 0, 1e12, 0, "a non-negative number", &it.ordering_cost);
	f_real(im, r, I_HOLD, 0, 100, 0, "a non-negative yearly rate like 0.25", &it.holding_rate);
	f_real(im, r, I_LEAD, 0, 3650, 0, "a number of days (0 to 3650)", &it.lead_time_days);
	f_bool(im, r, I_ACTIVE, 1, &it.active);
	f_bool(im, r, I_S2S, 1, &it.ship_to_store);
	f_key(im, r, I_CLASS, &it.item_class);
	no_bar(im, I_CLASS, it.item_class);
	if (im->rows.err.len == 0 && it.sku != NULL)
		seen(im, 'K', "sku", it.sku, NULL, NULL, digest(r->val, 0, I_N), r->line);
	if (im->status || rejected(im, r, &ret))
		return im->status ? -1 : ret;
	if (im->rows.failed)
		return 0;
	if ((put = store_item_put(im->st, &it)) < 0)
		return store_failed(im);
	count_put(im, put);
	return 0;
}

static int
row_node(struct importer *im, const struct record *r)
{
	static const char *const types[] = {
		"warehouse", "store", "dark_store", "3pl", "vendor", "locker", "marketplace"
	};
	struct node n;
	int ret = 0, put, is_store, i;

	memset(&n, 0, sizeof n);
	f_key(im, r, N_ID, &n.node_id);
	n.type = r->val[N_TYPE];
	if ((i = parse_word(n.type, types, sizeof types / sizeof *types)) < 0)
		rows_bad(&im->rows, "type must be one of warehouse, store, dark_store, 3pl, vendor, "
		    "locker, marketplace, got \"%s\"", quote_value(n.type));
	else
		n.type = types[i];
	is_store = strcmp(n.type, "store") == 0;
	f_text(im, r, N_NAME, "", &n.name);
	f_text(im, r, N_POSTAL, "", &n.postal_code);
	f_text(im, r, N_COUNTRY, "US", &n.country);
	f_text(im, r, N_ADDRESS1, "", &n.address1);
	f_text(im, r, N_CITY, "", &n.city);
	f_text(im, r, N_REGION, "", &n.region);
	f_latlon(im, r, N_LAT, N_LON, &n.has_latlon, &n.lat, &n.lon);
	f_bool(im, r, N_SHIP, strcmp(n.type, "locker") != 0, &n.can_ship);
	f_bool(im, r, N_PICKUP, is_store, &n.can_pickup);
	f_bool(im, r, N_CURB, 0, &n.can_curbside);
	f_bool(im, r, N_RETURNS, is_store || strcmp(n.type, "warehouse") == 0, &n.accepts_returns);
	f_int(im, r, N_CAP, 0, MAX_QTY, -1, "a non-negative integer (empty: unlimited)",
	    &n.capacity_per_day);
	f_real(im, r, N_HANDLING, 0, 1e9, 0, "a non-negative amount", &n.handling_cost);
	f_int(im, r, N_PROC, 0, 365, 1, "a number of days (0 to 365)", &n.processing_days);
	f_int(im, r, N_SAFETY, 0, MAX_STOCK, 0, "a non-negative integer", &n.safety_stock);
	f_bool(im, r, N_ACTIVE, 1, &n.active);
	f_int(im, r, N_HOLD, 1, 365, 7, "a number of days (1 to 365)", &n.pickup_hold_days);
	f_bool(im, r, N_S2S, 0, &n.ship_to_store);
	f_int(im, r, N_CONFIRM, 1, 720, -1, "a number of hours (1 to 720; empty: the default)",
	    &n.confirm_hours);
	/* a marketplace's stock serves its channel's orders only (oms(7)) */
	f_key(im, r, N_CHANNEL, &n.channel);
	no_bar(im, N_CHANNEL, n.channel);
	if (i >= 0 && strcmp(n.type, "marketplace") == 0 && n.channel == NULL)
		rows_bad(&im->rows, "channel is empty: a marketplace node needs the channel it "
		    "sells on");
	else if (i >= 0 && strcmp(n.type, "marketplace") != 0 && n.channel != NULL)
		rows_bad(&im->rows, "channel is only for a marketplace node, not a %s", n.type);
	if (im->rows.err.len == 0)
		seen(im, 'K', "node_id", n.node_id, NULL, NULL, digest(r->val, 0, N_N), r->line);
	if (im->status || rejected(im, r, &ret))
		return im->status ? -1 : ret;
	if (im->rows.failed)
		return 0;
	if ((put = store_node_put(im->st, &n)) < 0)
		return store_failed(im);
	count_put(im, put);
	return 0;
}

static int
row_customer(struct importer *im, const struct record *r)
{
	struct customer c;
	int ret = 0, put;

	memset(&c, 0, sizeof c);
	f_key(im, r, C_ID, &c.customer_id);
	f_text(im, r, C_NAME, "", &c.name);
	f_text(im, r, C_EMAIL, "", &c.email);
	f_text(im, r, C_PHONE, "", &c.phone);
	f_text(im, r, C_TIER, "", &c.tier);
	f_bool(im, r, C_FLAGGED, 0, &c.flagged);
	if (im->rows.err.len == 0)
		seen(im, 'K', "customer_id", c.customer_id, NULL, NULL, digest(r->val, 0, C_N),
		    r->line);
	if (im->status || rejected(im, r, &ret))
		return im->status ? -1 : ret;
	if (im->rows.failed)
		return 0;
	if ((put = store_customer_put(im->st, &c)) < 0)
		return store_failed(im);
	count_put(im, put);
	return 0;
}

/* --- hold rules -------------------------------------------------------- */

const char *const hold_tests[HT_N] = {
	[HT_VALUE_OVER] = "order_value_over", [HT_UNPLACEABLE] = "unplaceable",
	[HT_FLAGGED] = "customer_flagged", [HT_COUNTRY] = "country_mismatch",
};
/* order_hold's types (share/schema/002-fulfilment.sql), as oms-order hold takes them */

/* A hold rule, applied by oms-import orders to the orders it brings (oms(7)). */
static int
row_holdrule(struct importer *im, const struct record *r)
{
	struct hold_rule h;
	int ret = 0, put, t = -1, i;

	memset(&h, 0, sizeof h);
	h.value = -1;
	f_key(im, r, H_RULE, &h.rule_id);
	h.test = r->val[H_TEST];
	if (empty_required(im, r, H_TEST))
		;
	else if ((t = parse_word(h.test, hold_tests, HT_N)) < 0)
		rows_bad(&im->rows, "test must be one of order_value_over, unplaceable, "
		    "customer_flagged, country_mismatch, got \"%s\"", quote_value(h.test));
	else
		h.test = hold_tests[t];
	if (t == HT_VALUE_OVER && !rows_empty(&im->rows, NAME(H_VALUE), r->val[H_VALUE], 1))
		rows_money(&im->rows, NAME(H_VALUE), r->val[H_VALUE], 0, &h.value);
	else if (t >= 0 && r->val[H_VALUE][0] != '\0')
		rows_bad(&im->rows, "value is only for order_value_over");
	h.hold_type = r->val[H_HOLD];
	if (empty_required(im, r, H_HOLD))
		;
	else if ((i = parse_word(h.hold_type, hold_types, HOLD_RULE_TYPES_N)) < 0)
		rows_bad(&im->rows, "hold_type must be fraud, payment, address or customer, got "
		    "\"%s\"", quote_value(h.hold_type));
	else
		h.hold_type = hold_types[i];
	f_key(im, r, H_CHANNEL, &h.channel);
	f_bool(im, r, H_ACTIVE, 1, &h.active);
	if (im->rows.err.len == 0)
		seen(im, 'K', "rule_id", h.rule_id, NULL, NULL, digest(r->val, 0, H_N), r->line);
	if (im->status || rejected(im, r, &ret))
		return im->status ? -1 : ret;
	if (im->rows.failed)
		return 0;
	if ((put = store_hold_rule_put(im->st, &h)) < 0)
		return store_failed(im);
	count_put(im, put);
	return 0;
}

/*
 * A key of the postal table from column c (model.h: country_key, or
 * postal_key of country), into out (ROWS_MAX_KEY + 1 bytes); "" when empty.
 */
static int
f_place_key(struct importer *im, const struct record *r, int c, const char *country,
    char *out)
{
	const char *v = r->val[c];

	out[0] = '\0';
	if (rows_plain(&im->rows, NAME(c), v, ROWS_MAX_KEY) != 0)
		return -1;
	if (country == NULL)
		country_key(v, out);
	else
		postal_key(country, v, out);
	if (out[0] == '\0' && im->cols[c].required)
		return rows_bad(&im->rows, "%s is empty", NAME(c));
	return 0;
}

/* Postal codes are kept by their keys: "sw1a 1aa" is stored as SW1A1AA. */
static int
row_postal(struct importer *im, const struct record *r)
{
	struct postal p;
	char code[ROWS_MAX_KEY + 1], country[ROWS_MAX_KEY + 1];
	const char *keys[P_N];
	int ret = 0, put;

	memset(&p, 0, sizeof p);
	f_place_key(im, r, P_COUNTRY, NULL, country);
	p.country = country[0] != '\0' ? country : "US";
	f_place_key(im, r, P_CODE, p.country, code);
	p.postal_code = code;
	f_real(im, r, P_LAT, -90, 90, 0, "a latitude between -90 and 90", &p.lat);
	f_real(im, r, P_LON, -180, 180, 0, "a longitude between -180 and 180", &p.lon);
	keys[P_CODE] = p.postal_code;
	keys[P_COUNTRY] = p.country;
	keys[P_LAT] = r->val[P_LAT];
	keys[P_LON] = r->val[P_LON];
	if (im->rows.err.len == 0)
		seen(im, 'K', "country", p.country, "postal_code", p.postal_code,
		    digest(keys, 0, P_N), r->line);
	if (im->status || rejected(im, r, &ret))
		return im->status ? -1 : ret;
	if (im->rows.failed)
		return 0;
	if ((put = store_postal_put(im->st, &p)) < 0)
		return store_failed(im);
	count_put(im, put);
	return 0;
}

static int
row_rate(struct importer *im, const struct record *r)
{
	struct rate rt;
	char key[32];
	int ret = 0, put;

	memset(&rt, 0, sizeof rt);
	f_real(im, r, R_MAXKM, 0.001, 40075, 0, "a distance in km above 0", &rt.max_km);
	f_real(im, r, R_BASE, 0, 1e9, 0, "a non-negative amount", &rt.base_cost);
	f_real(im, r, R_PERKG, 0, 1e9, 0, "a non-negative amount", &rt.per_kg);
	f_int(im, r, R_TRANSIT, 0, 365, 0, "a number of days (0 to 365)", &rt.transit_days);
	if (im->rows.err.len == 0) {
		/* 50 and 50.0 are the same band */
		real_format(rt.max_km, key);
		seen(im, 'K', "max_km", key, NULL, NULL, digest(r->val, 0, R_N), r->line);
	}
	if (im->status || rejected(im, r, &ret))
		return im->status ? -1 : ret;
	if (im->rows.failed)
		return 0;
	if ((put = store_rate_put(im->st, &rt)) < 0)
		return store_failed(im);
	count_put(im, put);
	if (im->nbands == im->capbands) {
		im->capbands = im->capbands ? 2 * im->capbands : 16;
		im->bands = xrealloc(im->bands, (size_t)im->capbands * sizeof *im->bands);
	}
	im->bands[im->nbands++] = rt.max_km;
	return 0;
}

/*
 * A rates import is the whole card (oms-import(1), "Rate cards"): once
 * every file is read, the bands it does not have are removed.  Not when a
 * row was rejected (its band would go): they are kept, with a warning;
 * and an input without a band is refused, not taken for an empty card.
 */
static int
rates_done(struct importer *im)
{
	long others;

	if (im->n->rejected == 0 && im->nbands == 0) {
		diag_error("no rate band in the input: a rates import is the whole rate card; "
		    "nothing changed");
		im->status = EX_DATAERR;
		return -1;
	}
	if (store_rates_keep(im->st, im->bands, im->nbands, im->n->rejected == 0, &others) != 0)
		return store_failed(im);
	if (im->n->rejected == 0)
		im->n->removed = others;
	else if (others > 0)
		diag_warn("%ld rate %s not in the input kept, as %ld %s rejected: fix %s "
		    "and import the whole card again", others, plural(others, "band", "bands"),
		    im->n->rejected, plural(im->n->rejected, "row was", "rows were"),
		    plural(im->n->rejected, "it", "them"));
	return 0;
}

/*
 * A channel's policy (oms-import(1), "Channel policy"): the days a line
 * may stay backordered and the hours a held order keeps its stock, each
 * blank for none.
 */
static int
row_channel(struct importer *im, const struct record *r)
{
	struct channel_policy p;
	int ret = 0, put;

	memset(&p, 0, sizeof p);
	f_key(im, r, CP_CHANNEL, &p.channel);
	f_int(im, r, CP_BODAYS, 1, 3650, -1, "a number of days (1 to 3650; empty: none)",
	    &p.backorder_days);
	f_int(im, r, CP_HOLDHOURS, 1, 87600, -1, "a number of hours (1 to 87600; empty: "
	    "never)", &p.hold_release_hours);
	if (im->rows.err.len == 0)
		seen(im, 'K', "channel", p.channel, NULL, NULL, digest(r->val, 0, CP_N), r->line);
	if (im->status || rejected(im, r, &ret))
		return im->status ? -1 : ret;
	if (im->rows.failed)
		return 0;
	if ((put = store_channel_policy_put(im->st, &p)) < 0)
		return store_failed(im);
	count_put(im, put);
	return 0;
}

/* --- inventory -------------------------------------------------------- */

static int
row_inventory(struct importer *im, const struct record *r)
{
	struct inventory inv, cur;
	int ret = 0, got, asof_given;

	memset(&inv, 0, sizeof inv);
	f_key(im, r, V_NODE, &inv.node_id);
	f_key(im, r, V_SKU, &inv.sku);
	node_ref(im, V_NODE, inv.node_id);
	sku_ref(im, V_SKU, inv.sku);
	f_int(im, r, V_ONHAND, 0, MAX_STOCK, 0, "a non-negative integer", &inv.on_hand);
	f_int(im, r, V_SAFETY, 0, MAX_STOCK, -1, "a non-negative integer", &inv.safety_stock);
	f_time(im, r, V_ASOF, inv.as_of);
	if (im->rows.err.len == 0)
		seen(im, 'V', "node_id", inv.node_id, "sku", inv.sku, digest(r->val, 0, V_N),
		    r->line);
	if (im->status || rejected(im, r, &ret))
		return im->status ? -1 : ret;
	if (im->rows.failed)
		return 0;
	asof_given = inv.as_of[0] != '\0';
	if (!asof_given)
		memcpy(inv.as_of, store_run_time(im->st), sizeof inv.as_of);
	if ((got = store_inventory_get(im->st, inv.node_id, inv.sku, &cur)) < 0)
		return store_failed(im);
	if (got && asof_given && strcmp(inv.as_of, cur.as_of) < 0) {
		/* an older count never overwrites a newer one */
		im->n->stale++;
		diag_info("%s:%ld: %s at %s: as_of %s is older than the stored %s; skipped",
		    r->file, r->line, inv.sku, inv.node_id, inv.as_of, cur.as_of);
		return 0;
	}
	if (got && cur.on_hand == inv.on_hand && cur.safety_stock == inv.safety_stock) {
		im->n->unchanged++;
		if (asof_given && strcmp(inv.as_of, cur.as_of) > 0 &&
		    store_inventory_put(im->st, &inv) != 0)
			return store_failed(im);	/* the same count, newer */
		return 0;
	}
	if (store_inventory_put(im->st, &inv) != 0)
		return store_failed(im);
	count_put(im, got ? PUT_UPDATED : PUT_INSERTED);
	jsonw_start(&im->payload);
	jsonw_str(&im->payload, "node_id", inv.node_id);
	jsonw_str(&im->payload, "sku", inv.sku);
	jsonw_int(&im->payload, "on_hand", inv.on_hand);
	if (got)
		jsonw_int(&im->payload, "previous", cur.on_hand);
	if (inv.safety_stock >= 0)
		jsonw_int(&im->payload, "safety_stock", inv.safety_stock);
	jsonw_str(&im->payload, "as_of", inv.as_of);
	if (store_event(im->st, NULL, "inventory.snapshot", jsonw_end(&im->payload)) != 0)
		return store_failed(im);
	return 0;
}

static int
row_delta(struct importer *im, const struct record *r)
{
	struct inventory cur;
	const char *node, *sku, *reason;
	int64_t delta;
	int ret = 0, got = 0;

	im->file_digest = fnv1a(im->file_digest, "\n", 1);
	for (int c = 0; c < D_N; c++)
		im->file_digest = fnv1a(im->file_digest, r->val[c], strlen(r->val[c]) + 1);
	f_key(im, r, D_NODE, &node);
	f_key(im, r, D_SKU, &sku);
	node_ref(im, D_NODE, node);
	sku_ref(im, D_SKU, sku);
	f_int(im, r, D_DELTA, -MAX_STOCK, MAX_STOCK, 0, "an integer like 5 or -2", &delta);
	f_text(im, r, D_REASON, "adjustment", &reason);
	if (im->rows.err.len == 0 && !im->rows.failed) {
		if ((got = store_inventory_get(im->st, node, sku, &cur)) < 0)
			return store_failed(im);
		if (!got) {
			memset(&cur, 0, sizeof cur);
			cur.safety_stock = -1;
			memcpy(cur.as_of, store_run_time(im->st), sizeof cur.as_of);
		}
		if (cur.on_hand + delta < 0)
			rows_bad(&im->rows, "delta %lld would take on_hand of %s at %s below 0 "
			    "(on hand %lld)", (long long)delta, sku, node, (long long)cur.on_hand);
	}
	if (rejected(im, r, &ret))
		return ret;
	if (im->rows.failed)
		return 0;
	if (delta == 0) {
		im->n->unchanged++;
		return 0;
	}
	cur.node_id = node;
	cur.sku = sku;
	cur.on_hand += delta;
	if (store_inventory_put(im->st, &cur) != 0)
		return store_failed(im);
	count_put(im, got ? PUT_UPDATED : PUT_INSERTED);
	jsonw_start(&im->payload);
	jsonw_str(&im->payload, "node_id", node);
	jsonw_str(&im->payload, "sku", sku);
	jsonw_int(&im->payload, "delta", delta);
	jsonw_int(&im->payload, "on_hand", cur.on_hand);
	jsonw_str(&im->payload, "reason", reason);
	if (store_event(im->st, NULL, "inventory.delta", jsonw_end(&im->payload)) != 0)
		return store_failed(im);
	return 0;
}

/*
 * A delta file (or a receipts file), once applied, is remembered by its
 * name and content, so that re-running a failed cron job does not apply
 * it twice; standard input has no name and is never refused.
 */
int
delta_file_done(struct importer *im, const char *file)
{
	const char *base = strrchr(file, '/');
	char dig[80];
	int64_t run;

	/* a receipts file applied before has rows over what is open: say why */
	if (strcmp(file, "-") == 0 || im->status || (im->rows.failed && !im->o->received))
		return 0;
	base = base ? base + 1 : file;
	snprintf(dig, sizeof dig, "%016llx",
	    (unsigned long long)fnv1a(im->file_digest, base, strlen(base)));
	if (!im->o->force) {
		if ((run = store_delta_file_run(im->st, dig)) < 0)
			return store_failed(im);
		if (run > 0) {
			diag_at(file, 0, "already applied in run %lld (use --force to apply "
			    "it again)", (long long)run);
			im->status = EX_DATAERR;
			return -1;
		}
	}
	if (im->rows.failed)
		return 0;
	if (store_delta_file_add(im->st, dig, base) != 0)
		return store_failed(im);
	return 0;
}

/* --- the run ---------------------------------------------------------- */

static const struct {
	const struct colspec *cols;
	int ncols;
	int (*row)(struct importer *, const struct record *);
} kinds[] = {
	[KIND_ITEMS] = { item_cols, I_N, row_item },
	[KIND_NODES] = { node_cols, N_N, row_node },
	[KIND_INVENTORY] = { inv_cols, V_N, row_inventory },
	[KIND_CUSTOMERS] = { cust_cols, C_N, row_customer },
	[KIND_ORDERS] = { order_cols, O_N, row_order },
	[KIND_POSTAL] = { postal_cols, P_N, row_postal },
	[KIND_RATES] = { rate_cols, R_N, row_rate },
	[KIND_CHANNELS] = { channel_cols, CP_N, row_channel },
	[KIND_HOLDRULES] = { holdrule_cols, H_N, row_holdrule },
	[KIND_SUPPLY] = { supply_cols, 6, row_supply },
	[KIND_GROUPS] = { group_cols, 0, row_group },
	[KIND_RULES] = { rule_cols, 0, row_rule },
};

static void
free_ref(void *p)
{
	free(p);
}

static int
unplaced_row(void *ctx, const struct unplaced_node *n)
{
	struct importer *im = ctx;

	place_list_add(&im->key, &im->unplaced, n->node_id, n->postal_key, n->country_key,
	    "lat/lon");
	return 0;
}

/*
 * After nodes or postal codes: the nodes oms-route cannot place now.  A
 * warning, not an error: their postal codes may come next (the nightly
 * job imports nodes before the postal table); until then oms-route leaves
 * them unused and says so on the lines they leave short.
 */
static int
warn_unplaced(struct importer *im)
{
	buf_reset(&im->key);
	im->unplaced = 0;
	if (store_unplaced_nodes(im->st, unplaced_row, im) != 0)
		return store_failed(im);
	place_list_end(&im->key, im->unplaced);
	if (im->unplaced > 0)
		diag_warn("%ld %s cannot be located, %s stock ships nothing until %s can: %s",
		    im->unplaced, plural(im->unplaced, "node", "nodes"),
		    plural(im->unplaced, "its", "their"), plural(im->unplaced, "it", "they"),
		    buf_str(&im->key));
	return 0;
}

static int
import_file(struct importer *im, const char *file, int (*row)(struct importer *,
    const struct record *))
{
	struct record rec;
	int r;

	im->in = input_open(file, im->o->input_format, im->cols, im->ncols,
	    im->o->kind == KIND_ORDERS ? "lines" : NULL, &im->status);
	if (im->in == NULL)
		return -1;
	im->file = file;
	im->file_digest = FNV_INIT;
	progress_start(file);
	while ((r = input_next(im->in, &rec)) == 1) {
		rows_next(&im->rows);
		im->n->records++;
		progress_tick(im->n->records);
		if (rec.error != NULL)
			rows_bad(&im->rows, "%s", rec.error);
		if (row(im, &rec) < 0)
			break;
	}
	progress_end();
	if (r < 0)
		im->status = input_status(im->in);
	if (!im->status && im->o->kind == KIND_ORDERS) {
		if ((flush_order(im) < 0 || flush_batch(im) < 0) && !im->status)
			im->status = EX_SOFTWARE;
	}
	group_clear(im);
	if (!im->status && ((im->o->kind == KIND_INVENTORY && im->o->delta) ||
	    (im->o->kind == KIND_SUPPLY && im->o->received)))
		delta_file_done(im, file);
	im->n->blank += input_blank_rows(im->in);
	if (input_blank_rows(im->in) > 0)
		diag_warn("%s: skipped %ld empty %s", file, input_blank_rows(im->in),
		    plural(input_blank_rows(im->in), "row", "rows"));
	input_close(im->in);
	im->in = NULL;
	return im->status ? -1 : 0;
}

int
import_files(struct store *st, const struct import_opts *o, int nfiles,
    char *const *files, struct import_counts *counts)
{
	struct importer im;
	int i, status;

	memset(&im, 0, sizeof im);
	memset(counts, 0, sizeof *counts);
	im.st = st;
	im.o = o;
	im.n = counts;
	im.cols = o->kind == KIND_INVENTORY && o->delta ? delta_cols : kinds[o->kind].cols;
	im.ncols = o->kind == KIND_INVENTORY && o->delta ? D_N : kinds[o->kind].ncols;
	if (o->kind == KIND_SUPPLY && o->received) {
		im.cols = received_cols;
		im.ncols = received_ncols;
	}
	if (o->kind == KIND_GROUPS || o->kind == KIND_RULES) {
		im.ncols = o->kind == KIND_GROUPS ? group_ncols : rule_ncols;
		if (rules_start(&im) != 0)
			goto out;
	}
	/* the references the kind can hold: vendor and pickup nodes, skus */
	if ((o->kind == KIND_ITEMS || o->kind == KIND_INVENTORY || o->kind == KIND_ORDERS ||
	    (o->kind == KIND_SUPPLY && !o->received)) &&
	    store_load_nodes(st, &im.nodes) != 0) {
		im.status = store_status(st);
		goto out;
	}
	if ((o->kind == KIND_INVENTORY || o->kind == KIND_ORDERS ||
	    (o->kind == KIND_SUPPLY && !o->received)) &&
	    store_load_skus(st, &im.skus) != 0) {
		im.status = store_status(st);
		goto out;
	}
	if (o->kind == KIND_ORDERS && store_load_customers(st, &im.customers) != 0) {
		im.status = store_status(st);
		goto out;
	}
	if (o->kind == KIND_ORDERS && load_hold_rules(&im) != 0)
		goto out;
	if (rows_open(&im.rows, o->rejects, o->max_rejects, &counts->rejected,
	    "nothing imported", &im.status) != 0)
		goto out;
	for (i = 0; i < nfiles; i++)
		if (import_file(&im, files[i], o->kind == KIND_INVENTORY && o->delta ?
		    row_delta : o->kind == KIND_SUPPLY && o->received ? row_received :
		    kinds[o->kind].row) != 0)
			break;
	if (!im.status && !im.rows.failed && im.unknown_customers > 0) {
		if (im.unknown_customers > UNKNOWN_SHOWN)
			buf_addf(&im.unknown_first, " and %ld more",
			    im.unknown_customers - UNKNOWN_SHOWN);
		diag_warn("%ld %s a customer_id that is not a known customer: %s; import "
		    "customers first, or refuse such orders with --strict-refs",
		    im.unknown_customers,
		    plural(im.unknown_customers, "order names", "orders name"),
		    im.unknown_first.s);
	}
	if (!im.status && !im.rows.failed && o->kind == KIND_RATES)
		rates_done(&im);
	if (!im.status && !im.rows.failed && (o->kind == KIND_GROUPS || o->kind == KIND_RULES))
		rules_done(&im);
	if (!im.status && im.rows.failed)
		im.status = rows_strict_end(&im.rows, "record", "records", "import");
	if (!im.status && (o->kind == KIND_NODES || o->kind == KIND_POSTAL))
		warn_unplaced(&im);
	if (!im.status && o->kind != KIND_INVENTORY && o->kind != KIND_ORDERS &&
	    counts->inserted + counts->updated + counts->removed > 0) {
		char type[32];

		snprintf(type, sizeof type, "import.%s", kind_names[o->kind]);
		jsonw_start(&im.payload);
		jsonw_int(&im.payload, "inserted", counts->inserted);
		jsonw_int(&im.payload, "updated", counts->updated);
		jsonw_int(&im.payload, "unchanged", counts->unchanged);
		if (o->kind == KIND_RATES)
			jsonw_int(&im.payload, "removed", counts->removed);
		if (store_event(st, NULL, type, jsonw_end(&im.payload)) != 0)
			im.status = store_status(st);
	}
out:
	status = rows_close(&im.rows, im.status);
	strmap_release(&im.nodes, free_ref);
	strmap_release(&im.skus, free_ref);
	strmap_release(&im.customers, NULL);
	free_hold_rules(&im);
	rules_end(&im);
	buf_release(&im.unknown_first);
	buf_release(&im.key);
	buf_release(&im.payload);
	drop_batch(&im);	/* left queued only by a fatal error */
	free(im.batch);
	free(im.group);
	free(im.bands);
	return status;
}

void
import_summary(const struct import_opts *o, const struct import_counts *c,
    struct buf *line, struct buf *json)
{
	const char *kind = kind_names[o->kind];

	buf_addf(line, "%s%s: %ld %s", kind, o->delta ? " (deltas)" : o->received ?
	    " (receipts)" : "", c->records,
	    plural(c->records, "record", "records"));
	if (o->kind == KIND_GROUPS || o->kind == KIND_RULES)
		rules_summary(c, line);
	else if (o->kind == KIND_ORDERS)
		buf_addf(line, ", %ld %s (%ld inserted, %ld updated, %ld unchanged); lines:",
		    c->orders, plural(c->orders, "order", "orders"), c->orders_inserted,
		    c->orders_updated, c->orders_unchanged);
	else
		buf_addc(line, ',');
	if (o->kind != KIND_GROUPS && o->kind != KIND_RULES)
		buf_addf(line, " %ld inserted, %ld updated, %ld unchanged", c->inserted,
		    c->updated, c->unchanged);
	if (o->kind == KIND_INVENTORY && !o->delta)
		buf_addf(line, ", %ld stale", c->stale);
	if (o->kind == KIND_RATES)
		buf_addf(line, ", %ld removed", c->removed);
	buf_addf(line, ", %ld rejected", c->rejected);
	if (c->orders_held > 0)
		buf_addf(line, "; %ld %s by hold rules", c->orders_held,
		    plural(c->orders_held, "order held", "orders held"));
	if (c->inserted + c->updated + c->removed == 0 &&
	    c->orders_inserted + c->orders_updated == 0 && !c->version_made)
		buf_adds(line, "; nothing changed");
	jsonw_start(json);
	jsonw_str(json, "kind", kind);
	jsonw_int(json, "records", c->records);
	jsonw_int(json, "inserted", c->inserted);
	jsonw_int(json, "updated", c->updated);
	jsonw_int(json, "unchanged", c->unchanged);
	jsonw_int(json, "rejected", c->rejected);
	jsonw_int(json, "stale", c->stale);
	if (o->kind == KIND_RATES)
		jsonw_int(json, "removed", c->removed);
	if (o->kind == KIND_ORDERS) {
		jsonw_int(json, "orders", c->orders);
		jsonw_int(json, "orders_inserted", c->orders_inserted);
		jsonw_int(json, "orders_updated", c->orders_updated);
		jsonw_int(json, "orders_held", c->orders_held);
	}
	if (o->kind == KIND_GROUPS || o->kind == KIND_RULES) {
		jsonw_int(json, "rules_version", c->rules_version);
		jsonw_int(json, "version_made", c->version_made);
		jsonw_int(json, "rules", c->rules);
		jsonw_int(json, "groups", c->groups);
	}
	jsonw_end(json);
}
