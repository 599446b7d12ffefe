/*
 * Table-driven unit tests of lib/eoq: the normal quantile (eoq_z), the
 * smoothed forecast (eoq_smooth), and the figures of a sku (the EOQ,
 * safety stock, reorder point) from a demand history given day by day
 * (eoq_demand_add).  The per-sku formulas read each item's costs and
 * stock from the store (item_row in eoq.c takes a store row), so those
 * cases run on the smallest store: a new one in a temporary directory
 * with a few items, the demand given here, not read from orders.  Each
 * expected figure is worked out by hand in its comment.  Prints
 * TAP-style "ok"/"not ok" lines.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "eoq.h"

static int failures, count;

static void
check(int ok, const char *what)
{
	count++;
	if (!ok)
		failures++;
	printf("%s %d eoq: %s\n", ok ? "ok" : "not ok", count, what);
}

static int
near(double got, double want, double tol)
{
	if (fabs(got - want) <= tol)
		return 1;
	printf("# got %.15g, want %.15g\n", got, want);
	return 0;
}

/* The standard normal quantiles of the tables, to 1e-12 as eoq.h promises. */
static void
z_cases(void)
{
	static const struct {
		double p, z;
	} t[] = {
		{ 0.5, 0 },
		{ 0.8413447460685429, 1 },	/* Phi(1) */
		{ 0.9, 1.2815515655446004 },
		{ 0.95, 1.6448536269514722 },
		{ 0.975, 1.959963984540054 },	/* the 95% two-sided 1.96 */
		{ 0.99, 2.3263478740408408 },
		{ 0.999, 3.090232306167813 },	/* past the upper break, 1 - 0.02425 */
		{ 0.05, -1.6448536269514722 },	/* symmetric */
		{ 0.01, -2.3263478740408408 },	/* below the lower break, 0.02425 */
	};
	char what[96];
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		snprintf(what, sizeof what, "z(%.16g) = %.16g", t[i].p, t[i].z);
		check(near(eoq_z(t[i].p), t[i].z, 1e-12), what);
	}
}

/* f = d[0]; then f = alpha d[t] + (1 - alpha) f for every t */
static void
smooth_cases(void)
{
	static const double d1[] = { 10, 20, 30 }, d2[] = { 100, 0 }, d3[] = { 4, 0, 8, 4 };

	/* 10; 10; 0.5 20 + 0.5 10 = 15; 0.5 30 + 0.5 15 = 22.5 */
	check(near(eoq_smooth(d1, 3, 0.5), 22.5, 1e-12), "smooth 10 20 30, alpha 0.5: 22.5");
	/* alpha 1: the last day */
	check(near(eoq_smooth(d1, 3, 1), 30, 1e-12), "smooth 10 20 30, alpha 1: the last day, 30");
	/* 100; 100; 0.2 0 + 0.8 100 = 80 */
	check(near(eoq_smooth(d2, 2, 0.2), 80, 1e-12), "smooth 100 0, alpha 0.2: 80");
	/* 4; 4; 0.5 0 + 0.5 4 = 2; 0.5 8 + 0.5 2 = 5; 0.5 4 + 0.5 5 = 4.5 */
	check(near(eoq_smooth(d3, 4, 0.5), 4.5, 1e-12), "smooth 4 0 8 4, alpha 0.5: 4.5");
	check(eoq_smooth(d1, 0, 0.5) == 0, "smooth no days: 0");
}

/* --- the figures of a sku, on the smallest store ------------------------- */

#define MAXROWS 8
static struct eoq_row rows[MAXROWS];
static char skus[MAXROWS][16];
static int nrows;

static int
keep(void *ctx, const struct eoq_row *r)
{
	(void)ctx;
	if (nrows == MAXROWS)
		return -1;
	rows[nrows] = *r;
	snprintf(skus[nrows], sizeof skus[nrows], "%s", r->sku);
	rows[nrows].sku = skus[nrows];
	nrows++;
	return 0;
}

static const struct eoq_row *
row_of(const char *sku)
{
	int i;

	for (i = 0; i < nrows; i++)
		if (strcmp(rows[i].sku, sku) == 0)
			return &rows[i];
	printf("# no row for %s\n", sku);
	return NULL;
}

/*
 * The items:
 *   A  unit cost 10, ordering cost 50, holding rate 0.25 a year (2.50 a
 *      unit a year), lead time 4 days, 18 on hand at DC1
 *   B  as A, 19 on hand, the same demand
 *   N  as A, no demand in the window
 *   H  unit cost 0 (so no holding cost), with demand
 *   X  inactive: never reported
 */
static const char setup_sql[] =
    "INSERT INTO node (node_id, type) VALUES ('DC1', 'warehouse');"
    "INSERT INTO item (sku, unit_cost, ordering_cost, holding_rate, lead_time_days) VALUES"
    " ('A', 10, 50, 0.25, 4), ('B', 10, 50, 0.25, 4), ('N', 10, 50, 0.25, 4),"
    " ('H', 0, 50, 0.25, 4);"
    "INSERT INTO item (sku, unit_cost, active) VALUES ('X', 10, 0);"
    "INSERT INTO inventory (node_id, sku, on_hand, as_of) VALUES"
    " ('DC1', 'A', 18, '2026-11-15T00:00:00Z'), ('DC1', 'B', 19, '2026-11-15T00:00:00Z');";

/*
 * The history of 4 days ending the day before 2026-11-15: the 11th to the
 * 14th.  Each sku: 4 on the 11th, none on the 12th, 8 on the 13th, 4 on
 * the 14th; and lines outside the window (the 10th, the 15th), not
 * counted.
 */
static void
demand(struct eoq_demand *d)
{
	static const char *const demand_skus[] = { "A", "B", "H", "X" };
	size_t i;

	for (i = 0; i < sizeof demand_skus / sizeof *demand_skus; i++) {
		const char *s = demand_skus[i];

		eoq_demand_add(d, s, "2026-11-10T23:59:59Z", 100);
		eoq_demand_add(d, s, "2026-11-11T09:00:00Z", 3);
		eoq_demand_add(d, s, "2026-11-11T17:00:00Z", 1);
		eoq_demand_add(d, s, "2026-11-13T10:00:00Z", 8);
		eoq_demand_add(d, s, "2026-11-14T23:59:59Z", 4);
		eoq_demand_add(d, s, "2026-11-15T00:00:00Z", 100);
	}
}

/* The rows of every active item for these options: 0, or -1. */
static int
compute(struct store *st, double service)
{
	struct eoq_opts o = { "2026-11-15", 4, service, 0.5, NULL };
	struct eoq_demand *d = eoq_demand_new(&o);
	int r;

	nrows = 0;
	demand(d);
	r = eoq_demand_items(st, d, keep, NULL);
	eoq_demand_free(d);
	return r;
}

static void
sku_cases(void)
{
	char dir[] = "/tmp/oms-test-eoq.XXXXXX", path[64], f[EOQ_NCOLS][32];
	const char *vals[EOQ_NCOLS];
	const struct eoq_row *a, *b, *n, *h;
	struct store *st = NULL;
	sqlite3 *db;
	double sd;
	int ok;

	if (mkdtemp(dir) == NULL) {
		check(0, "a temporary directory for the store");
		return;
	}
	snprintf(path, sizeof path, "%s/oms.db", dir);
	ok = store_open(&st, path, 1000, 0) == 0 &&
	    sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_exec(db, setup_sql, NULL, NULL, NULL) == SQLITE_OK;
	sqlite3_close(db);
	check(ok, "the smallest store: items A, B, N, H, X");
	if (!ok)
		goto out;

	/* service 0.5: z = 0, no safety stock */
	check(compute(st, 0.5) == 0 && nrows == 4, "every active item, X not: 4 rows");
	check(nrows == 4 && strcmp(rows[0].sku, "A") == 0 && strcmp(rows[1].sku, "B") == 0 &&
	    strcmp(rows[2].sku, "H") == 0 && strcmp(rows[3].sku, "N") == 0, "rows by sku: A B H N");
	if ((a = row_of("A")) == NULL || (b = row_of("B")) == NULL || (n = row_of("N")) == NULL ||
	    (h = row_of("H")) == NULL)
		goto out;
	/* A's days: 4 (3 + 1), 0, 8, 4: 16 in 4 days */
	check(a->days == 4 && near(a->mean_daily, 4, 1e-12), "A: mean 16 / 4 = 4 a day");
	/* (4-4)^2 + (0-4)^2 + (8-4)^2 + (4-4)^2 = 32, over 4 - 1 days */
	sd = sqrt(32.0 / 3);
	check(near(a->sd_daily, sd, 1e-12), "A: sd sqrt(32 / 3) = 3.2660");
	check(near(a->annual_demand, 1460, 1e-9), "A: a year's demand 4 x 365 = 1460");
	check(near(a->holding_cost, 2.5, 1e-12), "A: holding 0.25 x 10 = 2.50 a unit a year");
	/* sqrt(2 D S / H) = sqrt(2 x 1460 x 50 / 2.5) = sqrt(58400) = 241.66 */
	check(near(a->eoq, sqrt(58400.0), 1e-9), "A: EOQ sqrt(2 x 1460 x 50 / 2.5) = 241.66");
	/* the forecast 4.5 (smooth_cases), over 4 days of lead time */
	check(near(a->forecast_daily, 4.5, 1e-12) && near(a->lead_time_demand, 18, 1e-12),
	    "A: forecast 4.5 a day, 18 over the lead time");
	check(a->z == 0 && a->safety_stock == 0 && near(a->reorder_point, 18, 1e-12),
	    "A: service 0.5, z 0, no safety stock: reorder point 18");
	/* on hand 18 <= 18: reorder; B's 19 > 18: not yet */
	check(a->on_hand == 18 && a->reorder_now == 1, "A: 18 on hand, at the reorder point: reorder");
	check(b->on_hand == 19 && b->reorder_now == 0, "B: 19 on hand, above it: not yet");
	/* N: no demand, no EOQ (NAN), nothing to reorder though nothing on hand */
	check(n->mean_daily == 0 && n->sd_daily == 0 && isnan(n->eoq) && n->forecast_daily == 0 &&
	    n->on_hand == 0 && n->reorder_now == 0, "N: no demand: no EOQ, no reorder");
	/* H: demand but no holding cost: no EOQ; its reorder point stands */
	check(isnan(h->eoq) && near(h->reorder_point, 18, 1e-12) && h->reorder_now == 1,
	    "H: no holding cost: no EOQ; 0 on hand <= 18: reorder");

	/* as the view writes A: fixed decimals, the EOQ's 2 (241.6609...), "" for none */
	eoq_format(a, f, vals);
	check(strcmp(vals[0], "A") == 0 && strcmp(vals[1], "4") == 0 &&
	    strcmp(vals[2], "4.0000") == 0 && strcmp(vals[3], "3.2660") == 0 &&
	    strcmp(vals[4], "1460.00") == 0 && strcmp(vals[5], "50") == 0 &&
	    strcmp(vals[6], "2.5000") == 0 && strcmp(vals[7], "241.66") == 0 &&
	    strcmp(vals[8], "4.5000") == 0 && strcmp(vals[9], "4") == 0 &&
	    strcmp(vals[10], "18.00") == 0 && strcmp(vals[11], "0.0000") == 0 &&
	    strcmp(vals[12], "0.00") == 0 && strcmp(vals[13], "18.00") == 0 &&
	    strcmp(vals[14], "18") == 0 && strcmp(vals[15], "1") == 0, "A as the view writes it");
	eoq_format(n, f, vals);
	check(strcmp(vals[7], "") == 0 && strcmp(vals[15], "0") == 0, "N as the view writes it: no EOQ");

	/*
	 * service 0.95: z 1.6449; safety z sd sqrt(L) = 1.6449 x 3.2660 x 2 =
	 * 10.744; reorder point 18 + 10.744 = 28.744: B's 19 is under it now
	 */
	check(compute(st, 0.95) == 0 && nrows == 4, "service 0.95: 4 rows");
	if ((a = row_of("A")) == NULL || (b = row_of("B")) == NULL)
		goto out;
	check(near(a->safety_stock, 1.6448536269514722 * sd * 2, 1e-9) &&
	    near(a->reorder_point, 18 + 1.6448536269514722 * sd * 2, 1e-9),
	    "A at 0.95: safety 1.6449 x 3.2660 x sqrt(4) = 10.74, reorder point 28.74");
	check(b->reorder_now == 1, "B at 0.95: 19 on hand <= 28.74: reorder");
	/* service 0.3: z < 0 would make the safety stock negative: none */
	check(compute(st, 0.3) == 0 && (a = row_of("A")) != NULL && a->z < 0 &&
	    a->safety_stock == 0 && near(a->reorder_point, 18, 1e-12),
	    "A at 0.3: z < 0, no safety stock, reorder point 18");
out:
	if (st != NULL)
		store_close(st);
	snprintf(path, sizeof path, "%s/oms.db", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/oms.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/oms.db-shm", dir);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	diag_prog = "test-eoq";
	z_cases();
	smooth_cases();
	sku_cases();
	printf("1..%d\n", count);
	return failures != 0;
}
