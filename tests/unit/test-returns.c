/*
 * Table-driven unit tests of lib/returns' arithmetic, which needs no
 * store: shares of a total (returns_share), percentages rounded half up
 * (returns_percent), what units were paid for (returns_merchandise,
 * returns_line_paid, returns_order_paid), what is still refundable
 * (returns_refundable), the refund of units coming back
 * (returns_refund_units), the goodwill cap (returns_appeasable) and the
 * refunds of cancels (returns_cancel_units, returns_cancel_shipping).
 * Every figure is in cents; each expected figure is worked out by hand
 * in its row's comment.  Prints TAP-style "ok"/"not ok" lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "returns.h"
#include "store-return.h"

static int failures, count;

static void
check(int ok, const char *what)
{
	count++;
	if (!ok)
		failures++;
	printf("%s %d returns: %s\n", ok ? "ok" : "not ok", count, what);
}

static void
check_int(int64_t got, int64_t want, const char *what)
{
	char line[256];

	snprintf(line, sizeof line, "%s = %lld", what, (long long)want);
	check(got == want, line);
	if (got != want)
		printf("# got %lld\n", (long long)got);
}

/*
 * share(total, parts, from, n) = floor(total (from + n) / parts)
 * - floor(total from / parts): the remainder falls to the last parts.
 */
static void
share_cases(void)
{
	static const struct {
		int64_t total, parts, from, n, want;
		const char *why;
	} t[] = {
		/* 100/3 = 33.3: 33, 66.6 - 33 = 66 - 33 = 33, 100 - 66 = 34 */
		{ 100, 3, 0, 1, 33, "first third of 100" },
		{ 100, 3, 1, 1, 33, "second third of 100" },
		{ 100, 3, 2, 1, 34, "last third of 100 takes the remainder" },
		{ 100, 3, 0, 3, 100, "all three thirds are the whole" },
		{ 100, 3, 1, 2, 67, "the last two thirds: 100 - 33" },
		{ 0, 5, 0, 5, 0, "nothing to share" },
		{ 100, 0, 0, 1, 0, "no parts: nothing" },
		{ 100, 3, 1, 0, 0, "no units: nothing" },
		/* 7 over 7: one each */
		{ 7, 7, 6, 1, 1, "7 over 7 parts" },
		/*
		 * Past 2^63 in the product, exact: total 10^15 cents over 10^9
		 * units, the second half: 10^15 10^9 / 10^9 - 10^15 (5 10^8)
		 * / 10^9 = 10^15 - 5 10^14 = 5 10^14
		 */
		{ INT64_C(1000000000000000), 1000000000, 500000000, 500000000,
		    INT64_C(500000000000000), "10^15 over 10^9 units, second half" },
		/*
		 * (10^15 + 1) over 10^9 units, the last: (10^15 + 1) - floor((10^15
		 * + 1)(1 - 10^-9)) = (10^15 + 1) - floor(10^15 + 1 - 10^6 -
		 * 10^-9) = (10^15 + 1) - (10^15 - 10^6) = 10^6 + 1
		 */
		{ INT64_C(1000000000000001), 1000000000, 999999999, 1, 1000001,
		    "(10^15 + 1) over 10^9 units, the last takes the remainder" },
		/*
		 * INT64_MAX = 9223372036854775807 over 3, the second: 2 INT64_MAX
		 * / 3 = 18446744073709551614 / 3 = 6148914691236517204.67 -> 6148914691236517204,
		 * INT64_MAX / 3 = 3074457345618258602.33 -> 3074457345618258602;
		 * the difference 3074457345618258602
		 */
		{ INT64_MAX, 3, 1, 1, INT64_C(3074457345618258602), "INT64_MAX over 3, the second" },
		/* INT64_MAX - floor(INT64_MAX / 2) = 9223372036854775807 - 4611686018427387903 */
		{ INT64_MAX, 2, 1, 1, INT64_C(4611686018427387904), "INT64_MAX over 2, the second" },
	};
	char what[160];
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		snprintf(what, sizeof what, "share %s", t[i].why);
		check_int(returns_share(t[i].total, t[i].parts, t[i].from, t[i].n), t[i].want, what);
	}
}

/* percent(amount, rate) = amount x rate / 10000 (rate in hundredths of a percent), half up */
static void
percent_cases(void)
{
	static const struct {
		int64_t amount, rate, want;
		const char *why;
	} t[] = {
		{ 1000, 1000, 100, "10% of 10.00 is 1.00" },
		{ 1005, 1000, 101, "10% of 10.05 is 1.005: half up to 1.01" },
		{ 1004, 1000, 100, "10% of 10.04 is 1.004: down to 1.00" },
		{ 999, 2500, 250, "25% of 9.99 is 2.4975: up to 2.50" },
		{ 2, 2500, 1, "25% of 0.02 is 0.005: half up to 0.01" },
		{ 1, 2500, 0, "25% of 0.01 is 0.0025: down to 0" },
		{ 0, 2500, 0, "25% of nothing" },
		{ 1000, 0, 0, "0% of 10.00" },
		{ 1234, 10000, 1234, "100% is the amount" },
		/* 10^15 x 10^4 = 10^19 > 2^63 ~ 9.22 10^18: (10^19 + 5000) / 10^4 = 10^15 */
		{ INT64_C(1000000000000000), 10000, INT64_C(1000000000000000),
		    "100% of 10^13 dollars, past 2^63 in the product" },
		/* 10^16 x 2500 = 2.5 10^19: / 10^4 = 2.5 10^15 */
		{ INT64_C(10000000000000000), 2500, INT64_C(2500000000000000),
		    "25% of 10^14 dollars, past 2^63 in the product" },
		/* (10^15 + 1) x 5000 = 5 10^18 + 5000, + 5000 = 5 10^18 + 10^4: / 10^4 = 5 10^14 + 1 */
		{ INT64_C(1000000000000001), 5000, INT64_C(500000000000001),
		    "50% of 10^15 + 1 cents: half a cent up" },
	};
	char what[160];
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		snprintf(what, sizeof what, "percent %s", t[i].why);
		check_int(returns_percent(t[i].amount, t[i].rate), t[i].want, what);
	}
}

/* merchandise(qty, price, discount, from, n) = n price - share(discount, qty, from, n) */
static void
merchandise_cases(void)
{
	/* 3 units at 10.00, 1.00 off the line: shares of the discount 33, 33, 34 */
	check_int(returns_merchandise(3, 1000, 100, 0, 1), 967, "merchandise unit 1 of 3: 1000 - 33");
	check_int(returns_merchandise(3, 1000, 100, 1, 1), 967, "merchandise unit 2 of 3: 1000 - 33");
	check_int(returns_merchandise(3, 1000, 100, 2, 1), 966, "merchandise unit 3 of 3: 1000 - 34");
	check_int(returns_merchandise(3, 1000, 100, 0, 3), 2900,
	    "merchandise all 3: 3000 - 100 = 967 + 967 + 966");
	check_int(returns_merchandise(3, 1000, 0, 0, 2), 2000, "merchandise no discount: 2 x 1000");
}

/*
 * The order of these cases: shipping 10.00 over its 5 units (cancelled
 * ones included: 200 a unit), line 0 two units at 25.00 both shipped,
 * line 1 three at 10.00 less 3.00 (100 a unit), one cancelled (its
 * refund of kind cancel, 1000 - 100 = 900, counted in refunded), two
 * shipped.  Every unit was paid, cancelled ones too:
 *   line 0 paid: 2 x 2500 + shipping units [0, 2) = 5000 + 400 = 5400
 *   line 1 paid: 3 x 1000 - 300 = 2700, + shipping units [2, 5) of 5 =
 *                1000 - 400 = 600: 3300
 *   order paid: 8700, the whole shipping charge; refunded 900 already
 */
static struct return_line lines[2];
static struct return_order order;

static void
fresh_order(void)
{
	memset(lines, 0, sizeof lines);
	lines[0].line_no = 1;
	lines[0].qty = 2;
	lines[0].unit_price = 2500;
	lines[0].shipped = 2;
	lines[1].line_no = 2;
	lines[1].qty = 3;
	lines[1].unit_price = 1000;
	lines[1].discount = 300;
	lines[1].cancelled = 1;
	lines[1].refunded = 900;
	lines[1].shipped = 2;
	memset(&order, 0, sizeof order);
	order.shipping_charge = 1000;
	order.refunded = 900;
	order.lines = lines;
	order.nlines = 2;
}

static void
paid_cases(void)
{
	fresh_order();
	check_int(returns_line_paid(&order, 0), 5400, "line 0 paid: 5000 + 400 of shipping");
	check_int(returns_line_paid(&order, 1), 3300,
	    "line 1 paid, its cancelled unit too: 2700 + 600 of shipping");
	check_int(returns_order_paid(&order), 8700, "order paid: 5400 + 3300");
	/* a cancel changes nothing of what was paid: 5000 + 3000 - 300 + 1000 */
	lines[1].cancelled = 0;
	check_int(returns_order_paid(&order), 8700, "order paid, nothing cancelled: 7700 + 1000");
}

static void
refundable_cases(void)
{
	fresh_order();
	check_int(returns_refundable(&order, -1), 7800,
	    "refundable, order, the cancel refunded: 8700 - 900");
	check_int(returns_refundable(&order, 0), 5400, "refundable, line 0, nothing refunded: 5400");
	check_int(returns_refundable(&order, 1), 2400, "refundable, line 1: 3300 - 900");
	/* 70.00 more refunded, 50.00 of it on line 0: the order has 800 left, line 0 400 */
	order.refunded = 900 + 7000;
	lines[0].refunded = 5000;
	check_int(returns_refundable(&order, -1), 800, "refundable, order: 8700 - 7900");
	check_int(returns_refundable(&order, 0), 400, "refundable, line 0: 5400 - 5000 < 800");
	check_int(returns_refundable(&order, 1), 800,
	    "refundable, line 1: 3300 - 900 = 2400, but the order's 800");
	order.refunded = 9000;
	check_int(returns_refundable(&order, -1), 0, "refundable, order over-refunded: never negative");
}

static void
refund_cases(void)
{
	struct returns_refund r;

	/* one unit of line 0, opened (10%): 2500, fee 250, no shipping: 2250 */
	fresh_order();
	returns_refund_units(&order, 0, 1, 1000, 0, &r);
	check(r.merchandise == 2500 && r.restocking_fee == 250 && r.shipping == 0 &&
	    r.amount == 2250 && !r.capped, "refund 1 opened unit of line 0: 2500 - 250 = 2250");
	/* the seller's fault: no fee, its shipping share back (unit 0 of 5: 200) */
	returns_refund_units(&order, 0, 1, 1000, 1, &r);
	check(r.merchandise == 2500 && r.restocking_fee == 0 && r.shipping == 200 &&
	    r.amount == 2700 && !r.capped, "refund 1 unit of line 0, seller's fault: 2500 + 200 = 2700");
	/* line 1, unit 0 of 3, seller's fault: 1000 - 100 off, shipping unit 2 of 5: 600 - 400 */
	returns_refund_units(&order, 1, 1, 1000, 1, &r);
	check(r.merchandise == 900 && r.shipping == 200 && r.amount == 1100,
	    "refund 1 unit of line 1, seller's fault: 900 + 200 = 1100");
	/* line 1 after one came back, damaged (25%): unit 1 of 3, 1000 - (200 - 100); 225 */
	lines[1].returned = 1;
	returns_refund_units(&order, 1, 1, 2500, 0, &r);
	check(r.merchandise == 900 && r.restocking_fee == 225 && r.amount == 675 && !r.capped,
	    "refund the second unit of line 1, damaged: 900 - 225 (225.0 of 900 x 25%) = 675");
	/*
	 * capped: 70.00 more refunded, 50.00 on line 0, 4.00 of it its
	 * shipping: line 0 has 400 left of its 5400, 400 of its 5000 of
	 * merchandise, but the order only 200 of its 7700 (7900 - 400 refunded)
	 */
	fresh_order();
	order.refunded = 900 + 7000;
	order.refunded_shipping = 400;
	lines[0].refunded = 5000;
	lines[0].refunded_shipping = 400;
	returns_refund_units(&order, 0, 1, 1000, 0, &r);
	check(r.merchandise == 2500 && r.restocking_fee == 250 && r.amount == 200 && r.capped,
	    "refund capped by the merchandise left on the order: 2250 -> 200");
	/*
	 * the order's cap is lower than line 1's: 2400 left on the line, 800 on
	 * the order, of which 200 for merchandise (7700 paid, 7500 refunded):
	 * the seller's fault, 900 of merchandise cut to 200, + 200 of shipping
	 */
	returns_refund_units(&order, 1, 1, 1000, 1, &r);
	check(r.amount == 400 && r.capped,
	    "refund capped by what is left on the order's merchandise: 900 + 200 -> 200 + 200");
	/* the same, with no shipping refunded before: no merchandise left on line 0 */
	order.refunded_shipping = lines[0].refunded_shipping = 0;
	returns_refund_units(&order, 0, 1, 1000, 0, &r);
	check(r.amount == 0 && r.capped,
	    "refund of merchandise when all of the line's was refunded: 2250 -> 0");
	check_int(returns_merchandise_left(&order, 0), 0, "merchandise left, line 0: 5000 - 5000");
	check_int(returns_merchandise_left(&order, 1), 0,
	    "merchandise left, line 1: 2700 - 900, but the order's 7700 - 7900, none");
}

static void
goodwill_cases(void)
{
	struct returns_goodwill g;

	/* line 0 kept whole: 2 units, paid 5400, nothing given yet */
	fresh_order();
	returns_appeasable(&order, 0, &g);
	check(g.units == 2 && g.kept == 5400 && g.left == 5400 && g.scope == 0 && !g.by_refunds,
	    "appeasable, line 0 kept whole: 5400");
	/* the order: lines 0 and 1 kept, 2 + 2 units, 5400 + 2200 */
	returns_appeasable(&order, -1, &g);
	check(g.units == 4 && g.kept == 7600 && g.left == 7600 && g.scope == -1,
	    "appeasable, the order: 7600");
	/*
	 * one unit of line 0 on its way back, 3.00 given on line 0: kept unit
	 * [1, 2): 2500 + shipping unit 1 of 5 (400 - 200 = 200) = 2700, less
	 * 300 = 2400; the order's 2700 + 2200 - 300 = 4600 is more
	 */
	lines[0].authorized = 1;
	lines[0].appeased = lines[0].refunded = 300;
	order.appeased = 300;
	order.refunded = 900 + 300;
	returns_appeasable(&order, 0, &g);
	check(g.units == 1 && g.kept == 2700 && g.left == 2400 && g.scope == 0 && !g.by_refunds,
	    "appeasable, line 0 with a unit on its way back and 300 given: 2700 - 300");
	/*
	 * one unit of line 0 returned and 30.00 refunded on it: kept 2700 as
	 * above, but line 0 has only 5400 - 3000 = 2400 refundable
	 */
	fresh_order();
	lines[0].returned = 1;
	lines[0].refunded = 3000;
	order.refunded = 900 + 3000;
	returns_appeasable(&order, 0, &g);
	check(g.kept == 2700 && g.left == 2400 && g.scope == 0 && g.by_refunds,
	    "appeasable, line 0 bound by its refunds: 5400 - 3000 = 2400 < 2700");
	/*
	 * 70.00 given on the order as a whole: line 0 may have the order's
	 * 600 only (kept 7600 - 7000; refundable 8700 - 7900 = 800 is more)
	 */
	fresh_order();
	order.appeased = 7000;
	order.refunded = 900 + 7000;
	returns_appeasable(&order, 0, &g);
	check(g.left == 600 && g.scope == -1 && !g.by_refunds && g.scope_units == 4 &&
	    g.scope_kept == 7600 && g.scope_appeased == 7000,
	    "appeasable, line 0 bound by its order: 7600 - 7000 = 600 < 5400");
	/* nothing shipped: nothing kept, nothing to give */
	fresh_order();
	lines[1].shipped = 0;
	returns_appeasable(&order, 1, &g);
	check(g.units == 0 && g.kept == 0 && g.left == 0, "appeasable, line 1 not shipped: 0");
}

/*
 * Cancels: one line of 3 units at 10.00 less 1.00 (discount shares 33,
 * 33, 34 by unit), shipping 6.99; a cancelled unit is counted last of
 * the line's, the refund of a cancel is its returns_merchandise().
 */
static struct return_line cline;
static struct return_order corder;

static void
fresh_cancel(void)
{
	memset(&cline, 0, sizeof cline);
	cline.line_no = 1;
	cline.qty = 3;
	cline.unit_price = 1000;
	cline.discount = 100;
	memset(&corder, 0, sizeof corder);
	corder.shipping_charge = 699;
	corder.lines = &cline;
	corder.nlines = 1;
}

/* Cancel n more units of the line and record their refund; the refund. */
static int64_t
cancel(int64_t n)
{
	int64_t r;

	cline.cancelled += n;
	r = returns_cancel_units(&corder, 0, n);
	cline.refunded += r;
	corder.refunded += r;
	return r;
}

static void
cancel_cases(void)
{
	struct returns_goodwill g;
	struct returns_refund r;
	int64_t a, b, c;

	/* three cancels of one unit each: units 3, 2, 1 in turn, 966 + 967 + 967 */
	fresh_cancel();
	a = cancel(1);
	b = cancel(1);
	c = cancel(1);
	check_int(a, 966, "cancel unit 3 of 3: 1000 - 34");
	check_int(b, 967, "cancel unit 2 of 3: 1000 - 33");
	check_int(c, 967, "cancel unit 1 of 3: 1000 - 33");
	check_int(a + b + c, 2900, "three cancels of one unit: the line's 3000 - 100 exactly");
	/* every unit cancelled, none shipped: the shipping charge is owed too */
	check_int(returns_cancel_shipping(&corder), 699, "whole cancel before shipping: 699");
	corder.refunded += 699;
	check_int(returns_refundable(&corder, -1), 0, "whole cancel: 2900 + 699 paid, all back");
	check_int(returns_cancel_shipping(&corder), 0, "the shipping charge comes back once");
	/* a unit shipped: no shipping charge back, even with the rest cancelled */
	fresh_cancel();
	cline.shipped = 1;
	cancel(2);
	check_int(returns_cancel_shipping(&corder), 0, "whole cancel after a unit shipped: 0");
	/* not every unit cancelled: no shipping charge back */
	fresh_cancel();
	cancel(2);
	check_int(returns_cancel_shipping(&corder), 0, "2 of 3 cancelled: no shipping back");
	/*
	 * cancel then appease: 2 cancelled (units [1, 3): 2000 - 67 = 1933),
	 * 1 shipped and kept: 1000 - 33 + shipping unit 0 of 3 (233) = 1200;
	 * the line's cap 2900 + 699 - 1933 = 1666 is more
	 */
	fresh_cancel();
	cline.shipped = 1;
	check_int(cancel(2), 1933, "cancel 2 of 3: 2000 - (100 - 33)");
	returns_appeasable(&corder, 0, &g);
	check(g.units == 1 && g.kept == 1200 && g.left == 1200 && !g.by_refunds,
	    "appeasable after a cancel: the kept unit's 967 + 233");
	cline.appeased = cline.refunded += 1200;
	corder.appeased = 1200;
	corder.refunded += 1200;
	returns_appeasable(&corder, 0, &g);
	check_int(g.left, 0, "appeased whole after a cancel: nothing left");
	check_int(returns_refundable(&corder, 0), 466,
	    "left on the line: 3599 - 1933 - 1200, the cancelled units' shipping share");
	/*
	 * return then cancel of the rest: unit 1 back, opened, 967 - 97 = 870;
	 * then units 2 and 3 cancelled: 1933; 870 + 1933 = 2803 <= 3599
	 */
	fresh_cancel();
	cline.shipped = 1;
	returns_refund_units(&corder, 0, 1, 1000, 0, &r);
	check(r.merchandise == 967 && r.amount == 870 && !r.capped,
	    "return unit 1 of 3, opened: 967 - 97");
	cline.returned = 1;
	cline.refunded = corder.refunded = 870;
	check_int(cancel(2), 1933, "then cancel the other 2: units [1, 3), 1933");
	check_int(returns_refundable(&corder, 0), 796, "left: 3599 - 870 - 1933");
	/* a cap already used up: a cancel refunds no more than is left */
	fresh_cancel();
	corder.refunded = cline.refunded = 3000;
	corder.refunded_shipping = cline.refunded_shipping = 699;
	check_int(cancel(1), 599, "cancel capped: 966 due, 3599 - 3000 left");
	/*
	 * goodwill before a cancel comes off its merchandise, not its shipping
	 * share: 10.00 appeased, then all 3 cancelled: 2900 - 1000, not 2599
	 */
	fresh_cancel();
	corder.refunded = cline.refunded = 1000;
	corder.appeased = cline.appeased = 1000;
	check_int(cancel(3), 1900, "cancel after goodwill: 2900 of merchandise - 1000 given");
}

static void
fault_cases(void)
{
	check(returns_seller_fault("damaged_in_transit"), "seller's fault: damaged_in_transit");
	check(returns_seller_fault("wrong_item"), "seller's fault: wrong_item");
	check(returns_seller_fault("Defective"), "seller's fault: Defective (any case)");
	check(!returns_seller_fault("changed_mind"), "not the seller's fault: changed_mind");
	check(!returns_seller_fault(""), "not the seller's fault: no reason");
}

int
main(void)
{
	share_cases();
	percent_cases();
	merchandise_cases();
	paid_cases();
	refundable_cases();
	refund_cases();
	goodwill_cases();
	cancel_cases();
	fault_cases();
	printf("1..%d\n", count);
	return failures != 0;
}
