#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "import.h"
#include "jsonw.h"
#include "parse.h"
#include "rows.h"
#include "util.h"
#include "store-import.h"
#include "store-route.h"

#define MAX_QTY INT64_C(1000000000)
#define MAX_STOCK INT64_C(1000000000000)

static const char *const kind_names[] = {
	"items", "nodes", "inventory", "customers", "orders", "postal", "rates"
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
	I_HOLD, I_LEAD, I_ACTIVE, I_N };
static const struct colspec item_cols[] = {
	{ "sku", 1 }, { "description", 0 }, { "unit_price", 0 }, { "unit_cost", 0 },
	{ "weight_kg", 0 }, { "ship_alone", 0 }, { "vendor_node", 0 },
	{ "ordering_cost", 0 }, { "holding_rate", 0 }, { "lead_time_days", 0 },
	{ "active", 0 },
};

enum { N_ID, N_TYPE, N_NAME, N_POSTAL, N_COUNTRY, N_LAT, N_LON, N_SHIP, N_PICKUP,
	N_CURB, N_RETURNS, N_CAP, N_HANDLING, N_PROC, N_SAFETY, N_ACTIVE, N_ADDRESS1,
	N_CITY, N_REGION, N_N };
static const struct colspec node_cols[] = {
	{ "node_id", 1 }, { "type", 1 }, { "name", 0 }, { "postal_code", 0 },
	{ "country", 0 }, { "lat", 0 }, { "lon", 0 }, { "can_ship", 0 },
	{ "can_pickup", 0 }, { "can_curbside", 0 }, { "accepts_returns", 0 },
	{ "capacity_per_day", 0 }, { "handling_cost", 0 }, { "processing_days", 0 },
	{ "safety_stock", 0 }, { "active", 0 }, { "address1", 0 }, { "city", 0 },
	{ "region", 0 },
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

enum { C_ID, C_NAME, C_EMAIL, C_PHONE, C_TIER, C_N };
static const struct colspec cust_cols[] = {
	{ "customer_id", 1 }, { "name", 0 }, { "email", 0 }, { "phone", 0 }, { "tier", 0 },
};

/* order-level columns first (O_ORDER .. O_COMPLETE), then line columns */
enum { O_ORDER, O_CHANNEL, O_CUSTOMER, O_CREATED, O_PRIORITY, O_PROMISE,
	O_SNAME, O_SADDR, O_SCITY, O_SREGION, O_SPOSTAL, O_SCOUNTRY, O_SLAT, O_SLON,
	O_SHIPPING, O_COMPLETE, O_LINE, O_SKU, O_QTY, O_METHOD, O_PICKUP, O_PRICE, O_DISCOUNT, O_N };
static const struct colspec order_cols[] = {
	{ "order_id", 1 }, { "channel", 0 }, { "customer_id", 0 }, { "created_at", 0 },
	{ "priority", 0 }, { "promise_date", 0 }, { "ship_name", 0 },
	{ "ship_address1", 0 }, { "ship_city", 0 }, { "ship_region", 0 },
	{ "ship_postal_code", 0 }, { "ship_country", 0 }, { "ship_lat", 0 },
	{ "ship_lon", 0 }, { "shipping_charge", 0 }, { "ship_complete", 0 }, { "line_no", 1 }, { "sku", 1 },
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

/* --- the importer --------------------------------------------------- */

/* A row of the order being read, kept until the order is complete. */
struct held {
	long line;
	char *vals[O_N];	/* into block */
	char *block;
	struct raw *raw;
	char *error;
	struct order_line l;
	int dup;		/* the same line again, identical: nothing to do */
	int stored;		/* update_order: how the store has this line */
};

enum { LINE_NEW, LINE_SAME, LINE_CHANGED, LINE_THIS_RUN };

struct importer {
	struct store *st;
	const struct import_opts *o;
	struct import_counts *n;
	const struct colspec *cols;
	int ncols;
	struct input *in;
	const char *file;	/* the input's name, for messages */
	struct rows rows;	/* the checks, the rejects and --max-rejects */
	struct strmap nodes, skus, customers;
	long unknown_customers;	/* orders naming one (see unknown_customer) */
	struct buf unknown_first;	/* the first few of them, for the warning */
	int status;		/* a fatal error: the exit status */
	struct buf key, payload;
	uint64_t file_digest;	/* delta: the content of the current file */
	struct held *group;	/* orders: the rows of one order */
	int ngroup, capgroup;
	struct pending *batch;	/* valid orders not yet written */
	int nbatch;
	int one_by_one;		/* orders are turning out to exist: skip batching */
	long rejected_orders;	/* orders rejected so far (see reject_order) */
	long unplaced;		/* warn_unplaced: nodes without a place */
	double *bands;		/* rates: the max_km of every band read */
	int nbands, capbands;
};

static int
store_failed(struct importer *im)
{
	im->status = store_status(im->st);
	return -1;
}

/*
 * A record that will not be imported: rows_reject() (raw NULL: the input's
 * current record).  -1 when the run must stop (past --max-rejects).
 */
static int
reject(struct importer *im, const char *file, long line, const char *msg,
    const struct raw *raw, int loud)
{
	return rows_reject(&im->rows, im->in, raw, file, line, msg, loud, &im->status);
}

/* The current record is bad if a problem was noted: reject it.  1 if so. */
static int
rejected(struct importer *im, const struct record *r, int *ret)
{
	if (im->rows.err.len == 0)
		return 0;
	*ret = reject(im, r->file, r->line, im->rows.err.s, NULL, 1);
	return 1;
}

/* An order read and checked, waiting to be written with others. */
struct pending {
	struct held *rows;
	int nrows;
	struct order o;
	char *payload;
};
#define BATCH 64

/* --- fields ----------------------------------------------------------- */

#define NAME(c) (im->cols[c].name)

static int
f_key(struct importer *im, const struct record *r, int c, const char **out)
{
	return rows_key(&im->rows, NAME(c), r->val[c], im->cols[c].required, out);
}

static int
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

static int
f_int(struct importer *im, const struct record *r, int c, int64_t min, int64_t max,
    int64_t def, const char *what, int64_t *out)
{
	*out = def;
	if (empty_required(im, r, c))
		return im->cols[c].required ? -1 : 0;
	return rows_int(&im->rows, NAME(c), r->val[c], min, max, what, out);
}

static int
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

static int
f_bool(struct importer *im, const struct record *r, int c, int def, int *out)
{
	*out = def;
	if (r->val[c][0] == '\0')
		return 0;
	return rows_bool(&im->rows, NAME(c), r->val[c], out);
}

/* A time, or "" when empty and not required. */
static int
f_time(struct importer *im, const struct record *r, int c, char out[21])
{
	out[0] = '\0';
	if (empty_required(im, r, c))
		return im->cols[c].required ? -1 : 0;
	return rows_time(&im->rows, NAME(c), r->val[c], out);
}

/* Latitude and longitude: both or neither. */
static int
f_latlon(struct importer *im, const struct record *r, int clat, int clon, int *has,
    double *lat, double *lon)
{
	return rows_latlon(&im->rows, NAME(clat), r->val[clat], NAME(clon), r->val[clon], has,
	    lat, lon);
}

static const struct node_ref *
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

static const int64_t *
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
static int64_t
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
static int
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

static void
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
		"warehouse", "store", "dark_store", "3pl", "vendor", "locker"
	};
	struct node n;
	int ret = 0, put, is_store, i;

	memset(&n, 0, sizeof n);
	f_key(im, r, N_ID, &n.node_id);
	n.type = r->val[N_TYPE];
	if ((i = parse_word(n.type, types, sizeof types / sizeof *types)) < 0)
		rows_bad(&im->rows, "type must be one of warehouse, store, dark_store, 3pl, vendor, "
		    "locker, got \"%s\"", quote_value(n.type));
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
 * A delta file, once applied, is remembered by its name and content, so
 * that re-running a failed cron job does not apply it twice; standard
 * input has no name and is never refused.
 */
static int
delta_file_done(struct importer *im, const char *file)
{
	const char *base = strrchr(file, '/');
	char dig[80];
	int64_t run;

	if (strcmp(file, "-") == 0 || im->rows.failed || im->status)
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
	if (store_delta_file_add(im->st, dig, base) != 0)
		return store_failed(im);
	return 0;
}

/* --- orders ----------------------------------------------------------- */

static void
held_release(struct held *h)
{
	free(h->block);
	raw_free(h->raw);
	free(h->error);
	memset(h, 0, sizeof *h);
}

/* A record view of a held row, for the field parsers. */
static void
held_record(const struct importer *im, const struct held *h, struct record *r)
{
	r->file = im->file;
	r->line = h->line;
	r->ncols = O_N;
	r->val = (const char **)h->vals;
	r->present = NULL;
	r->error = NULL;
}

/* Take the problem noted so far as this row's error. */
static void
held_take_error(struct importer *im, struct held *h)
{
	if (im->rows.err.len > 0 && h->error == NULL)
		h->error = xstrdup(im->rows.err.s);
	buf_reset(&im->rows.err);
}

/* Parse the order-level columns of h into o. */
static void
parse_order(struct importer *im, const struct record *r, struct order *o)
{
	memset(o, 0, sizeof *o);
	f_key(im, r, O_ORDER, &o->order_id);
	f_text(im, r, O_CHANNEL, "web", &o->channel);
	f_text(im, r, O_CUSTOMER, "", &o->customer_id);
	if (im->o->strict_refs && o->customer_id[0] != '\0' &&
	    !strmap_get(&im->customers, o->customer_id, NULL))
		rows_bad(&im->rows, "customer_id \"%s\" is not a known customer (import customers "
		    "first)", quote_value(o->customer_id));
	f_time(im, r, O_CREATED, o->created_at);
	f_int(im, r, O_PRIORITY, 1, 99, 5, "an integer from 1 (most urgent) to 99", &o->priority);
	f_time(im, r, O_PROMISE, o->promise_date);
	f_text(im, r, O_SNAME, "", &o->ship_name);
	f_text(im, r, O_SADDR, "", &o->ship_address1);
	f_text(im, r, O_SCITY, "", &o->ship_city);
	f_text(im, r, O_SREGION, "", &o->ship_region);
	f_text(im, r, O_SPOSTAL, "", &o->ship_postal_code);
	f_text(im, r, O_SCOUNTRY, "US", &o->ship_country);
	f_latlon(im, r, O_SLAT, O_SLON, &o->has_latlon, &o->ship_lat, &o->ship_lon);
	f_money(im, r, O_SHIPPING, 0, &o->shipping_charge);
	f_bool(im, r, O_COMPLETE, 0, &o->ship_complete);
}

/* Parse the line columns of h into h->l. */
static void
parse_line(struct importer *im, const struct record *r, struct held *h, const char *order_id)
{
	static const char *const methods[] = { "ship", "pickup", "curbside", "locker" };
	struct order_line *l = &h->l;
	const struct node_ref *pn;
	const int64_t *price;
	int m;

	memset(l, 0, sizeof *l);
	l->order_id = order_id;
	f_int(im, r, O_LINE, 1, MAX_QTY, 0, "a positive integer", &l->line_no);
	f_key(im, r, O_SKU, &l->sku);
	price = sku_ref(im, O_SKU, l->sku);
	f_int(im, r, O_QTY, 1, MAX_QTY, 0, "a positive integer", &l->qty);
	l->method = r->val[O_METHOD][0] ? r->val[O_METHOD] : "ship";
	if ((m = parse_word(l->method, methods, sizeof methods / sizeof *methods)) < 0)
		rows_bad(&im->rows, "method must be one of ship, pickup, curbside, locker, "
		    "got \"%s\"", quote_value(l->method));
	else
		l->method = methods[m];
	f_key(im, r, O_PICKUP, &l->pickup_node);
	pn = node_ref(im, O_PICKUP, l->pickup_node);
	if (strcmp(l->method, "ship") == 0 && l->pickup_node != NULL)
		rows_bad(&im->rows, "pickup_node is only for pickup, curbside and locker lines");
	else if (strcmp(l->method, "ship") != 0 && l->pickup_node == NULL)
		rows_bad(&im->rows, "a %s line needs a pickup_node", l->method);
	else if (pn != NULL && strcmp(l->method, "pickup") == 0 && !pn->can_pickup)
		rows_bad(&im->rows, "node \"%s\" does not offer pickup",
		    quote_value(l->pickup_node));
	else if (pn != NULL && strcmp(l->method, "curbside") == 0 && !pn->can_curbside)
		rows_bad(&im->rows, "node \"%s\" does not offer curbside pickup",
		    quote_value(l->pickup_node));
	else if (pn != NULL && strcmp(l->method, "locker") == 0 && strcmp(pn->type, "locker") != 0)
		rows_bad(&im->rows, "node \"%s\" is a %s, not a locker",
		    quote_value(l->pickup_node), pn->type);
	f_money(im, r, O_PRICE, price ? *price : 0, &l->unit_price);
	f_money(im, r, O_DISCOUNT, 0, &l->discount);
	if (im->rows.err.len == 0 && l->discount > l->unit_price * l->qty)
		rows_bad(&im->rows, "discount %s is more than the line's %lld x unit_price",
		    quote_value(r->val[O_DISCOUNT]), (long long)l->qty);
	held_take_error(im, h);
}

/*
 * Reject every row of the order in the group: rows with a problem of
 * their own are reported; the others go to the rejects file with a
 * pointer to the first problem.  -1 when the run must stop.
 */
static int
reject_order(struct importer *im, const char *why)
{
	struct buf msg = BUF_INIT;
	long first = 0;
	int i, ret = 0;

	for (i = 0; i < im->ngroup && first == 0; i++)
		if (im->group[i].error)
			first = im->group[i].line, why = why ? why : im->group[i].error;
	for (i = 0; i < im->ngroup && ret == 0; i++) {
		struct held *h = &im->group[i];

		buf_reset(&msg);
		if (h->error)
			buf_adds(&msg, h->error);
		else if (first)
			buf_addf(&msg, "rejected with its order: line %ld: %s", first, why);
		else
			buf_adds(&msg, why);
		ret = reject(im, im->file, h->line, msg.s, h->raw,
		    h->error != NULL || (first == 0 && i == 0));
	}
	buf_release(&msg);
	buf_reset(&im->key);
	buf_addc(&im->key, 'R');
	buf_adds(&im->key, im->group[0].vals[O_ORDER]);
	if (ret == 0) {
		long l0;

		im->rejected_orders++;
		if (store_seen(im->st, im->key.s, im->key.len, 0, im->group[0].line, &l0) < 0)
			return store_failed(im);
	}
	return ret;
}

/* Note a problem as the row's own, then reject the whole order. */
static int
reject_order_at(struct importer *im, struct held *h)
{
	held_take_error(im, h);
	return reject_order(im, NULL);
}

/*
 * Strict mode after a bad record writes nothing more but still reports
 * every bad record: an order or line met again in this input with other
 * values is found through the rows written before the first bad record
 * and the keys remembered since.
 */
static int
check_only(struct importer *im, const struct order *o)
{
	struct held *g = im->group;
	struct order_probe p;
	char no[24];
	int i, r;

	if ((r = store_order_probe(im->st, o, &p)) < 0)
		return store_failed(im);
	if (r && p.this_run && !p.same)
		rows_bad(&im->rows, "order_id appears twice in this input with different order "
		    "details");
	if (seen(im, 'O', "order_id", o->order_id, NULL, NULL,
	    digest((const char *const *)g[0].vals, 0, O_COMPLETE + 1), g[0].line) < 0)
		return -1;
	held_take_error(im, &g[0]);
	for (i = 0; i < im->ngroup; i++) {
		if (g[i].dup)
			continue;
		if ((r = store_line_probe(im->st, &g[i].l, &p)) < 0)
			return store_failed(im);
		if (r && p.this_run && !p.same)
			rows_bad(&im->rows, "order_id and line_no appear twice in this input with "
			    "different values");
		snprintf(no, sizeof no, "%lld", (long long)g[i].l.line_no);
		if (seen(im, 'L', "order_id", o->order_id, "line_no", no,
		    digest((const char *const *)g[i].vals, O_LINE, O_N), g[i].line) < 0)
			return -1;
		held_take_error(im, &g[i]);
	}
	for (i = 0; i < im->ngroup; i++)
		if (g[i].error)
			return reject_order(im, NULL);
	return 0;
}

static int
order_event(struct importer *im, const struct order *o, const char *type, int lines,
    int64_t units)
{
	jsonw_start(&im->payload);
	jsonw_str(&im->payload, "order_id", o->order_id);
	jsonw_str(&im->payload, "channel", o->channel);
	jsonw_int(&im->payload, "lines", lines);
	if (units > 0)
		jsonw_int(&im->payload, "units", units);
	if (store_event(im->st, o->order_id, type, jsonw_end(&im->payload)) != 0)
		return store_failed(im);
	return 0;
}

/*
 * An order that was in the store before: every line is checked against
 * the store and this run's earlier rows first, so that nothing is written
 * for an order that is bad or unchanged (a re-import); then what changed
 * is written.
 */
static int
update_order(struct importer *im, struct order *o)
{
	struct held *g = im->group;
	struct order_probe p, lp;
	char no[24];
	int i, r, put, same, lines = 0;

	if (store_order_probe(im->st, o, &p) < 0)
		return store_failed(im);
	if (g[0].vals[O_CREATED][0] == '\0') {
		/* no created_at given: the order keeps the one it has */
		memcpy(o->created_at, p.created_at, sizeof o->created_at);
		if (store_order_probe(im->st, o, &p) < 0)
			return store_failed(im);
	}
	if (p.this_run && !p.same) {
		rows_bad(&im->rows, "order_id appears twice in this input with different order "
		    "details");
		return reject_order_at(im, &g[0]);
	}
	if (seen(im, 'O', "order_id", o->order_id, NULL, NULL,
	    digest((const char *const *)g[0].vals, 0, O_COMPLETE + 1), g[0].line) < 0)
		return -1;
	if (im->rows.err.len > 0)
		return reject_order_at(im, &g[0]);
	same = p.same;
	for (i = 0; i < im->ngroup; i++) {
		struct held *h = &g[i];

		if (h->dup)
			continue;
		if ((r = store_line_probe(im->st, &h->l, &lp)) < 0)
			return store_failed(im);
		h->stored = r ? (lp.same ? LINE_SAME : LINE_CHANGED) : LINE_NEW;
		if (r && lp.this_run) {
			if (!lp.same)
				rows_bad(&im->rows, "order_id and line_no appear twice in this input with "
				    "different values");
			h->stored = LINE_THIS_RUN;
		} else if (r) {
			snprintf(no, sizeof no, "%lld", (long long)h->l.line_no);
			if (seen(im, 'L', "order_id", o->order_id, "line_no", no,
			    digest((const char *const *)h->vals, O_LINE, O_N), h->line) < 0)
				return -1;
		}
		if (im->rows.err.len > 0)
			return reject_order_at(im, h);
		same &= h->stored == LINE_SAME || h->stored == LINE_THIS_RUN;
	}
	if (same) {
		for (i = 0; i < im->ngroup; i++)
			im->n->unchanged += g[i].stored == LINE_SAME;
		im->n->orders_unchanged++;
		return 0;
	}
	if (p.in_fulfilment) {
		char why[400];

		snprintf(why, sizeof why, "order \"%s\" is already in fulfilment; change it "
		    "with oms-order", quote_value(o->order_id));
		return reject_order(im, why);
	}
	if ((put = store_order_update(im->st, o)) < 0)
		return store_failed(im);
	for (i = 0; i < im->ngroup; i++) {
		if (g[i].dup || g[i].stored == LINE_THIS_RUN)
			continue;
		if (g[i].stored == LINE_NEW)
			r = store_line_insert(im->st, &g[i].l) == 1 ? PUT_INSERTED : -1;
		else if (g[i].stored == LINE_CHANGED)
			r = store_line_update(im->st, &g[i].l);
		else
			r = PUT_UNCHANGED;
		if (r < 0)
			return store_failed(im);
		count_put(im, r);
		lines += r != PUT_UNCHANGED;
	}
	im->n->orders_updated++;
	return order_event(im, o, "order.updated", lines, 0);
}

static int flush_batch(struct importer *im);
static int enqueue(struct importer *im, const struct order *o);
static int write_order(struct importer *im, struct order *o);

/*
 * An order that is being imported names a customer_id no customer has
 * (without --strict-refs, which refuses it in parse_order): count it,
 * and keep the first few for the warning at the end of the run.
 */
#define UNKNOWN_SHOWN 3

static void
unknown_customer(struct importer *im, const struct order *o)
{
	if (o->customer_id[0] == '\0' || strmap_get(&im->customers, o->customer_id, NULL))
		return;
	if (im->unknown_customers++ < UNKNOWN_SHOWN) {
		buf_addf(&im->unknown_first, "%sorder \"%s\"", im->unknown_customers > 1 ?
		    ", " : "", quote_value(o->order_id));
		buf_addf(&im->unknown_first, " (\"%s\")", quote_value(o->customer_id));
	}
}

/* The order in the group is complete: validate it whole, then store it. */
static int
flush_order(struct importer *im)
{
	struct held *g = im->group;
	struct record r;
	struct order o;
	int i, j, c, rc;

	if (im->ngroup == 0)
		return 0;
	held_record(im, &g[0], &r);
	parse_order(im, &r, &o);
	held_take_error(im, &g[0]);
	for (i = 1; i < im->ngroup; i++)
		for (c = O_ORDER + 1; c <= O_COMPLETE && g[i].error == NULL; c++)
			if (strcmp(g[i].vals[c], g[0].vals[c]) != 0) {
				rows_bad(&im->rows, "%s differs from line %ld of the same order",
				    NAME(c), g[0].line);
				held_take_error(im, &g[i]);
			}
	for (i = 0; i < im->ngroup; i++) {
		held_record(im, &g[i], &r);
		parse_line(im, &r, &g[i], o.order_id);
	}
	/* a line number twice in one order: harmless if identical */
	for (i = 1; i < im->ngroup; i++)
		for (j = 0; j < i && !g[i].error && !g[i].dup; j++) {
			if (g[j].error || g[j].dup || g[j].l.line_no != g[i].l.line_no)
				continue;
			if (digest((const char *const *)g[i].vals, O_LINE, O_N) ==
			    digest((const char *const *)g[j].vals, O_LINE, O_N))
				g[i].dup = 1;
			else
				g[i].error = xstrdup("order_id and line_no appear twice in this "
				    "input with different values");
		}
	for (i = 0; i < im->ngroup; i++)
		if (g[i].error)
			return reject_order(im, NULL);
	if (im->rejected_orders > 0) {
		buf_reset(&im->key);
		buf_addc(&im->key, 'R');
		buf_adds(&im->key, o.order_id);
		if ((rc = store_seen_has(im->st, im->key.s, im->key.len)) < 0)
			return store_failed(im);
		if (rc)
			return reject_order(im, "an earlier part of this order was rejected");
	}
	unknown_customer(im, &o);
	if (im->rows.failed) {
		/* writing no more, but what was read before is in the store */
		if (flush_batch(im) != 0)
			return -1;
		return check_only(im, &o);
	}
	/*
	 * A batch pays off when orders are new; when they turn out to be in
	 * the store already (a re-import), go one by one until a new one
	 * comes.
	 */
	if (im->one_by_one)
		return write_order(im, &o);
	return enqueue(im, &o);
}

/* Write the order in the group, one statement at a time. */
static int
write_order(struct importer *im, struct order *o)
{
	struct held *g = im->group;
	int i, rc, lines = 0;
	int64_t units = 0;

	if (o->created_at[0] == '\0')
		memcpy(o->created_at, store_run_time(im->st), sizeof o->created_at);
	im->n->orders++;
	if ((rc = store_order_insert(im->st, o)) < 0)
		return store_failed(im);
	if (rc == 0)
		return update_order(im, o);
	im->one_by_one = 0;
	/* a new order: its lines cannot be there yet */
	for (i = 0; i < im->ngroup; i++) {
		if (g[i].dup)
			continue;
		if ((rc = store_line_insert(im->st, &g[i].l)) != 1)
			return rc < 0 ? store_failed(im) : (im->status = EX_SOFTWARE, -1);
		count_put(im, PUT_INSERTED);
		units += g[i].l.qty;
		lines++;
	}
	im->n->orders_inserted++;
	return order_event(im, o, "order.created", lines, units);
}

static void
group_clear(struct importer *im)
{
	int i;

	for (i = 0; i < im->ngroup; i++)
		held_release(&im->group[i]);
	im->ngroup = 0;
}

static void
drop_batch(struct importer *im)
{
	int i, k;

	for (i = 0; i < im->nbatch; i++) {
		for (k = 0; k < im->batch[i].nrows; k++)
			held_release(&im->batch[i].rows[k]);
		free(im->batch[i].rows);
		free(im->batch[i].payload);
	}
	im->nbatch = 0;
}

/* Queue a checked order; the batch is written when full. */
static int
enqueue(struct importer *im, const struct order *o)
{
	struct pending *p;
	int64_t units = 0;
	int i, lines = 0;

	if (im->batch == NULL)
		im->batch = xcalloc(BATCH, sizeof *im->batch);
	for (i = 0; i < im->ngroup; i++)
		if (!im->group[i].dup)
			lines++, units += im->group[i].l.qty;
	p = &im->batch[im->nbatch++];
	p->o = *o;
	if (p->o.created_at[0] == '\0')
		memcpy(p->o.created_at, store_run_time(im->st), sizeof p->o.created_at);
	jsonw_start(&im->payload);
	jsonw_str(&im->payload, "order_id", o->order_id);
	jsonw_str(&im->payload, "channel", o->channel);
	jsonw_int(&im->payload, "lines", lines);
	jsonw_int(&im->payload, "units", units);
	p->payload = xstrdup(jsonw_end(&im->payload));
	/* the rows move to the batch; the next order gets a new group */
	p->rows = im->group;
	p->nrows = im->ngroup;
	im->group = NULL;
	im->ngroup = im->capgroup = 0;
	return im->nbatch == BATCH ? flush_batch(im) : 0;
}

/*
 * Write the queued orders: all at once when every one is new (the usual
 * case), else one by one in the order they were read.
 */
static int
flush_batch(struct importer *im)
{
	struct order orders[BATCH];
	const char *payloads[BATCH];
	struct order_line *lines = NULL;
	int i, k, n = 0, cap = 0, r = 0, ret = 0;

	if (im->nbatch == 0)
		return 0;
	for (i = 0; i < im->nbatch; i++) {
		struct pending *p = &im->batch[i];

		orders[i] = p->o;
		payloads[i] = p->payload;
		for (k = 0; k < p->nrows; k++) {
			if (p->rows[k].dup)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				lines = xrealloc(lines, (size_t)cap * sizeof *lines);
			}
			lines[n++] = p->rows[k].l;
		}
	}
	r = store_new_orders(im->st, orders, im->nbatch, lines, n, payloads);
	free(lines);
	if (r < 0)
		ret = store_failed(im);
	else if (r == 1) {
		im->n->orders += im->nbatch;
		im->n->orders_inserted += im->nbatch;
		im->n->inserted += n;
	} else {
		im->one_by_one = 1;
	}
	for (i = 0; i < im->nbatch; i++) {
		struct pending *p = &im->batch[i];
		struct held *saved = im->group;
		int nsaved = im->ngroup, capsaved = im->capgroup;

		im->group = p->rows;
		im->ngroup = im->capgroup = p->nrows;
		if (r == 0 && ret == 0)
			ret = write_order(im, &p->o);
		group_clear(im);
		free(im->group);
		im->group = saved;
		im->ngroup = nsaved;
		im->capgroup = capsaved;
		free(p->payload);
	}
	im->nbatch = 0;
	return ret;
}

static int
row_order(struct importer *im, const struct record *r)
{
	struct held *h;
	size_t size;
	char *p, *error = NULL;
	int c, ret = 0;

	/* this row's problem is its own, not the previous order's */
	if (im->rows.err.len > 0)
		error = xstrdup(im->rows.err.s);
	buf_reset(&im->rows.err);
	if (im->ngroup > 0 && strcmp(im->group[0].vals[O_ORDER], r->val[O_ORDER]) != 0) {
		ret = flush_order(im);
		group_clear(im);
		if (ret < 0) {
			free(error);
			return -1;
		}
	}
	if (im->ngroup == im->capgroup) {
		im->capgroup = im->capgroup ? im->capgroup * 2 : 16;
		im->group = xrealloc(im->group, (size_t)im->capgroup * sizeof *im->group);
	}
	h = &im->group[im->ngroup++];
	memset(h, 0, sizeof *h);
	h->line = r->line;
	for (c = 0, size = 0; c < O_N; c++)
		size += strlen(r->val[c]) + 1;
	h->block = p = xmalloc(size);
	for (c = 0; c < O_N; c++) {
		size_t n = strlen(r->val[c]) + 1;

		h->vals[c] = memcpy(p, r->val[c], n);
		p += n;
	}
	if (im->rows.rj != NULL)
		h->raw = input_raw(im->in);
	h->error = error;
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
};

static void
free_ref(void *p)
{
	free(p);
}

static int
unplaced_row(void *ctx, const struct store_row *row)
{
	struct importer *im = ctx;

	place_list_add(&im->key, &im->unplaced, store_col_text(row, 0), store_col_text(row, 1),
	    store_col_text(row, 2), "lat/lon");
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
	if (!im->status && im->o->kind == KIND_INVENTORY && im->o->delta)
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
	/* the references the kind can hold: vendor and pickup nodes, skus */
	if ((o->kind == KIND_ITEMS || o->kind == KIND_INVENTORY || o->kind == KIND_ORDERS) &&
	    store_load_nodes(st, &im.nodes) != 0) {
		im.status = store_status(st);
		goto out;
	}
	if ((o->kind == KIND_INVENTORY || o->kind == KIND_ORDERS) &&
	    store_load_skus(st, &im.skus) != 0) {
		im.status = store_status(st);
		goto out;
	}
	if (o->kind == KIND_ORDERS && store_load_customers(st, &im.customers) != 0) {
		im.status = store_status(st);
		goto out;
	}
	if (rows_open(&im.rows, o->rejects, o->max_rejects, &counts->rejected,
	    "nothing imported", &im.status) != 0)
		goto out;
	for (i = 0; i < nfiles; i++)
		if (import_file(&im, files[i], o->kind == KIND_INVENTORY && o->delta ?
		    row_delta : kinds[o->kind].row) != 0)
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

	buf_addf(line, "%s%s: %ld %s", kind, o->delta ? " (deltas)" : "", c->records,
	    plural(c->records, "record", "records"));
	if (o->kind == KIND_ORDERS)
		buf_addf(line, ", %ld %s (%ld inserted, %ld updated, %ld unchanged); lines:",
		    c->orders, plural(c->orders, "order", "orders"), c->orders_inserted,
		    c->orders_updated, c->orders_unchanged);
	else
		buf_addc(line, ',');
	buf_addf(line, " %ld inserted, %ld updated, %ld unchanged", c->inserted, c->updated,
	    c->unchanged);
	if (o->kind == KIND_INVENTORY && !o->delta)
		buf_addf(line, ", %ld stale", c->stale);
	if (o->kind == KIND_RATES)
		buf_addf(line, ", %ld removed", c->removed);
	buf_addf(line, ", %ld rejected", c->rejected);
	if (c->inserted + c->updated + c->removed == 0 &&
	    c->orders_inserted + c->orders_updated == 0)
		buf_adds(line, "; nothing changed");
	buf_addf(json, "{\"kind\":\"%s\",\"records\":%ld,\"inserted\":%ld,\"updated\":%ld,"
	    "\"unchanged\":%ld,\"rejected\":%ld,\"stale\":%ld", kind, c->records, c->inserted,
	    c->updated, c->unchanged, c->rejected, c->stale);
	if (o->kind == KIND_RATES)
		buf_addf(json, ",\"removed\":%ld", c->removed);
	if (o->kind == KIND_ORDERS)
		buf_addf(json, ",\"orders\":%ld,\"orders_inserted\":%ld,\"orders_updated\":%ld",
		    c->orders, c->orders_inserted, c->orders_updated);
	buf_addc(json, '}');
}
