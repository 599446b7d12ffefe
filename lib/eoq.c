/*
 * eoq: the demand history of every sku in one pass over the order lines
 * of the window (a day-by-day array per sku), then per item EOQ,
 * smoothed lead-time demand, safety stock and reorder point.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eoq.h"
#include "parse.h"
#include "util.h"
#include "store-scan.h"

const struct outcol eoq_cols[EOQ_NCOLS] = {
	{ "sku", COL_TEXT }, { "days", COL_NUM }, { "mean_daily", COL_NUM },
	{ "sd_daily", COL_NUM }, { "annual_demand", COL_NUM }, { "ordering_cost", COL_NUM },
	{ "holding_cost", COL_NUM }, { "eoq", COL_NUM }, { "forecast_daily", COL_NUM },
	{ "lead_time_days", COL_NUM }, { "lead_time_demand", COL_NUM }, { "z", COL_NUM },
	{ "safety_stock", COL_NUM }, { "reorder_point", COL_NUM }, { "on_hand", COL_NUM },
	{ "reorder_now", COL_NUM }, { "on_order", COL_NUM }, { "position", COL_NUM },
};

double
eoq_z(double p)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
	    -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01,
	    2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
	    -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
	    -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00,
	    2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
	    2.445134137142996e+00, 3.754408661907416e+00 };
	const double plow = 0.02425;
	double q, r, x, e, u;

	if (p < plow) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p <= 1 - plow) {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	} else {
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	/* one step of Halley's method on the exact distribution function */
	e = 0.5 * erfc(-x / sqrt(2)) - p;
	u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}

double
eoq_smooth(const double *d, int n, double alpha)
{
	double f;

	if (n <= 0)
		return 0;
	f = d[0];
	for (int t = 0; t < n; t++)
		f = alpha * d[t] + (1 - alpha) * f;
	return f;
}

struct ectx {
	const struct eoq_opts *o;
	int64_t first;			/* days of the window's first day */
	struct strmap hist;		/* sku -> double[days] */
	char at[11];			/* the last created_at's day, and its days */
	int64_t day;
	double *last;			/* the last sku's history */
	struct buf last_sku;
	int (*fn)(void *, const struct eoq_row *);
	void *ctx;
};

static int
demand_row(void *p, const char *sku, const char *created_at, int64_t qty)
{
	struct ectx *c = p;
	int64_t day;
	void *v;

	/* the lines of an order come together: its day once */
	if (created_at == NULL || strncmp(created_at, c->at, sizeof c->at - 1) != 0) {
		snprintf(c->at, sizeof c->at, "%s", created_at ? created_at : "");
		c->day = date_days(created_at) - c->first;
	}
	day = c->day;
	if (day < 0 || day >= c->o->days)
		return 0;
	if (c->last == NULL || strcmp(c->last_sku.s, sku ? sku : "") != 0) {
		if (!strmap_get(&c->hist, sku, &v)) {
			v = xcalloc((size_t)c->o->days, sizeof(double));
			strmap_put(&c->hist, sku, v);
		}
		c->last = v;
		buf_reset(&c->last_sku);
		buf_adds(&c->last_sku, sku ? sku : "");
	}
	c->last[day] += (double)qty;
	return 0;
}

static int
item_row(void *p, const struct item_cost *ic)
{
	struct ectx *c = p;
	const struct eoq_opts *o = c->o;
	struct eoq_row r;
	const double *d = NULL;
	double sum = 0, ss = 0;
	void *v;

	memset(&r, 0, sizeof r);
	r.sku = ic->sku;
	r.days = o->days;
	if (strmap_get(&c->hist, r.sku, &v))
		d = v;
	for (int t = 0; d && t < o->days; t++)
		sum += d[t];
	r.mean_daily = sum / o->days;
	for (int t = 0; d && t < o->days; t++)
		ss += (d[t] - r.mean_daily) * (d[t] - r.mean_daily);
	/* days without a line are days of zero demand */
	if (d == NULL)
		ss = 0;
	else if (o->days > 1)
		r.sd_daily = sqrt(ss / (o->days - 1));
	r.annual_demand = r.mean_daily * 365;
	r.ordering_cost = ic->ordering_cost;
	r.holding_cost = ic->holding_rate * ic->unit_cost;
	/* nothing to order for an item nobody asked for in the window */
	r.eoq = r.holding_cost > 0 && sum > 0 ?
	    sqrt(2 * r.annual_demand * r.ordering_cost / r.holding_cost) : NAN;
	r.forecast_daily = d ? eoq_smooth(d, o->days, o->alpha) : 0;
	r.lead_time_days = ic->lead_time_days;
	r.lead_time_demand = r.forecast_daily * r.lead_time_days;
	r.z = eoq_z(o->service);
	r.safety_stock = r.z * r.sd_daily * sqrt(r.lead_time_days);
	if (r.safety_stock < 0)
		r.safety_stock = 0;	/* a service level under 0.5 keeps no safety stock */
	r.reorder_point = r.lead_time_demand + r.safety_stock;
	r.on_hand = ic->on_hand;
	r.on_order = ic->on_order;
	/* what is on hand and on its way, less what lines already wait for */
	r.position = ic->on_hand + ic->on_order - ic->backordered;
	r.reorder_now = sum > 0 && (double)r.position <= r.reorder_point;
	return c->fn(c->ctx, &r);
}

struct eoq_demand {
	struct ectx c;
	char from[21], to[21];		/* the window: [from, to) */
};

struct eoq_demand *
eoq_demand_new(const struct eoq_opts *o)
{
	struct eoq_demand *d = xcalloc(1, sizeof *d);

	d->c.o = o;
	d->c.first = date_days(o->today) - o->days;
	d->c.day = INT64_MAX;
	days_date(d->c.first, d->from);
	strcpy(d->from + 10, "T00:00:00Z");
	snprintf(d->to, sizeof d->to, "%.10sT00:00:00Z", o->today);
	return d;
}

void
eoq_demand_add(struct eoq_demand *d, const char *sku, const char *created_at, int64_t qty)
{
	/* as the store compares text: byte by byte */
	if (created_at == NULL || strcmp(created_at, d->from) < 0 ||
	    strcmp(created_at, d->to) >= 0)
		return;
	if (d->c.o->skus != NULL && d->c.o->skus->n > 0 && !strv_has(d->c.o->skus, sku))
		return;
	demand_row(&d->c, sku, created_at, qty);
}

int
eoq_demand_items(struct store *st, struct eoq_demand *d,
    int (*fn)(void *ctx, const struct eoq_row *r), void *ctx)
{
	d->c.fn = fn;
	d->c.ctx = ctx;
	return store_item_costs(st, d->c.o->skus, item_row, &d->c);
}

void
eoq_demand_free(struct eoq_demand *d)
{
	if (d == NULL)
		return;
	strmap_release(&d->c.hist, free);
	buf_release(&d->c.last_sku);
	free(d);
}

int
eoq_compute(struct store *st, const struct eoq_opts *o,
    int (*fn)(void *ctx, const struct eoq_row *r), void *ctx)
{
	struct eoq_demand *d = eoq_demand_new(o);
	int ret;

	ret = store_demand(st, d->from, d->to, o->skus, demand_row, &d->c);
	if (ret == 0)
		ret = eoq_demand_items(st, d, fn, ctx);
	eoq_demand_free(d);
	return ret;
}

static const char *
fixed(char *f, double v, int prec)
{
	snprintf(f, 32, "%.*f", prec, v);
	return f;
}

void
eoq_format(const struct eoq_row *r, char f[EOQ_NCOLS][32], const char *vals[EOQ_NCOLS])
{
	vals[0] = r->sku;
	snprintf(f[1], 32, "%d", r->days);
	vals[1] = f[1];
	vals[2] = fixed(f[2], r->mean_daily, 4);
	vals[3] = fixed(f[3], r->sd_daily, 4);
	vals[4] = fixed(f[4], r->annual_demand, 2);
	real_format(r->ordering_cost, f[5]);
	vals[5] = f[5];
	vals[6] = fixed(f[6], r->holding_cost, 4);
	vals[7] = isnan(r->eoq) ? "" : fixed(f[7], r->eoq, 2);
	vals[8] = fixed(f[8], r->forecast_daily, 4);
	real_format(r->lead_time_days, f[9]);
	vals[9] = f[9];
	vals[10] = fixed(f[10], r->lead_time_demand, 2);
	vals[11] = fixed(f[11], r->z, 4);
	vals[12] = fixed(f[12], r->safety_stock, 2);
	vals[13] = fixed(f[13], r->reorder_point, 2);
	snprintf(f[14], 32, "%lld", (long long)r->on_hand);
	vals[14] = f[14];
	vals[15] = r->reorder_now ? "1" : "0";
	snprintf(f[16], 32, "%lld", (long long)r->on_order);
	vals[16] = f[16];
	snprintf(f[17], 32, "%lld", (long long)r->position);
	vals[17] = f[17];
}

static int
write_row(void *p, const struct eoq_row *r)
{
	char f[EOQ_NCOLS][32];
	const char *vals[EOQ_NCOLS];

	eoq_format(r, f, vals);
	writer_row(p, vals);
	return 0;
}

int
eoq_report(struct store *st, const struct eoq_opts *o, enum outfmt fmt, int safe_csv,
    FILE *fp)
{
	struct writer w;
	int r;

	writer_init(&w, fp, fmt, eoq_cols, EOQ_NCOLS);
	w.safe_csv = safe_csv;
	r = eoq_compute(st, o, write_row, &w);
	writer_finish(&w);
	return r == 0 ? 0 : store_status(st);
}
