#ifndef OMS_EOQ_H
#define OMS_EOQ_H
/*
 * eoq: order quantities and reorder points per sku from its demand
 * history (oms-report eoq; the formulas are in oms-report(1)).
 */
#include <stdio.h>

#include "output.h"
#include "store.h"

struct eoq_opts {
	const char *today;	/* "YYYY-MM-DD": the history ends the day before */
	int days;		/* days of history, >= 1 */
	double service;		/* cycle service level, 0 < service < 1 */
	double alpha;		/* smoothing factor, 0 < alpha <= 1 */
	const struct strv *skus;	/* NULL or empty: every active item */
};

/*
 * One sku's figures; eoq is NAN when the holding cost is 0 or there was
 * no demand in the window (then reorder_now is 0 too).
 */
struct eoq_row {
	const char *sku;
	int days;
	double mean_daily, sd_daily, annual_demand, ordering_cost, holding_cost, eoq;
	double forecast_daily, lead_time_days, lead_time_demand, z, safety_stock;
	double reorder_point;
	int64_t on_hand;
	int reorder_now;	/* some demand, and position <= reorder_point */
	int64_t on_order;	/* open supply: qty less received */
	int64_t position;	/* the inventory position: on_hand + on_order - backordered */
};

/*
 * Call fn for every active item (by sku) with its figures; fn returns 0
 * to go on.  Returns 0, or -1 after a diagnostic (or fn's -1).
 */
int eoq_compute(struct store *st, const struct eoq_opts *o,
	int (*fn)(void *ctx, const struct eoq_row *r), void *ctx);

/*
 * The same in steps, for a caller that reads the order lines itself (the
 * HTML page, on its pass for the KPIs): eoq_demand_add for every order
 * line, in order_id, line_no order, with its order's created_at and qty
 * less cancelled (it keeps those of the window and of o->skus), then
 * eoq_demand_items as eoq_compute.  o must outlive d.
 */
struct eoq_demand;
struct eoq_demand *eoq_demand_new(const struct eoq_opts *o);
void eoq_demand_add(struct eoq_demand *d, const char *sku, const char *created_at,
	int64_t qty);
int eoq_demand_items(struct store *st, struct eoq_demand *d,
	int (*fn)(void *ctx, const struct eoq_row *r), void *ctx);
void eoq_demand_free(struct eoq_demand *d);

/*
 * The inverse of the standard normal distribution function: the z with
 * P(Z <= z) = p, for 0 < p < 1 (Acklam's rational approximation refined
 * by one Halley step; error below 1e-12).
 */
double eoq_z(double p);

/* Simple exponential smoothing of d[0..n): the forecast for day n. */
double eoq_smooth(const double *d, int n, double alpha);

#define EOQ_NCOLS 18
extern const struct outcol eoq_cols[EOQ_NCOLS];
/* Format r as the EOQ_NCOLS values of eoq_cols. */
void eoq_format(const struct eoq_row *r, char f[EOQ_NCOLS][32], const char *vals[EOQ_NCOLS]);

/* The eoq view to fp, written as fmt: 0 or an exit status. */
int eoq_report(struct store *st, const struct eoq_opts *o, enum outfmt fmt, int safe_csv,
	FILE *fp);

#endif
