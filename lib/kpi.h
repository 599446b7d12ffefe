#ifndef OMS_KPI_H
#define OMS_KPI_H
/*
 * kpi: the key performance indicators of oms-report kpi over the orders
 * created in a date range, one row per channel and one for all of them.
 * Every figure is defined in oms-report(1); this module computes the
 * counts behind them, and kpi_format turns a row into the documented
 * columns.
 */
#include <stdio.h>

#include "output.h"
#include "store.h"

/* The counts of one channel (or of all): numerators and denominators. */
struct kpi_row {
	char *channel;			/* "all" for the total row */
	int64_t orders, lines, units, shipped_units, returned_units;
	int64_t demand_orders;		/* orders with a unit not cancelled */
	int64_t demand_lines;		/* lines with a unit not cancelled */
	int64_t filled_orders, filled_lines, backordered_orders;
	int64_t shipped_orders;		/* orders with at least one shipment */
	int64_t shipments;		/* releases that shipped something */
	int64_t promised_shipments, on_time_shipments;
	int64_t ship_cost;		/* routing cost of what shipped, cents */
	double revenue;			/* cents */
	int64_t refunds, appeasements, adjustments;	/* cents */
};

struct kpi_table {
	struct kpi_row *rows;		/* by channel, then "all" last */
	int n;
};

/*
 * Compute the table over orders created in [from, to] (times "YYYY-MM-DD
 * THH:MM:SSZ", NULL: unbounded) of the channels (NULL or empty: every
 * channel).
 * Returns 0, or -1 after a diagnostic.  kpi_table_release frees it.
 */
/* A value in a JSON text: its first character (a string's opening quote) and length. */
struct span {
	const char *v;
	size_t n;
};
/*
 * The values of keys[0..n) in a flat JSON object (the payloads oms
 * writes), in one pass: out[i].v NULL when keys[i] is not there.
 */
void json_fields(const char *s, const char *const *keys, int n, struct span *out);

int kpi_compute(struct store *st, const char *from, const char *to,
	const struct strv *channels, struct kpi_table *t);
void kpi_table_release(struct kpi_table *t);

/* The columns of the kpi view. */
#define KPI_NCOLS 16
extern const struct outcol kpi_cols[KPI_NCOLS];

/*
 * Format r as the KPI_NCOLS values of kpi_cols into f (rates with 4
 * decimals, money with 2; "" where a rate has no denominator) and point
 * vals at them.
 */
void kpi_format(const struct kpi_row *r, char f[KPI_NCOLS][32], const char *vals[KPI_NCOLS]);

/* The options of the kpi view (and of the HTML page's KPI table). */
struct kpi_opts {
	const char *from, *to;		/* dates YYYY-MM-DD, inclusive; NULL: open */
	const struct strv *channels;	/* empty: every channel */
};

/* The kpi view to fp, written as fmt: 0 or an exit status. */
int kpi_report(struct store *st, const struct kpi_opts *o, enum outfmt fmt, int safe_csv,
	FILE *fp);

#endif
