#ifndef OMS_RETURNS_H
#define OMS_RETURNS_H
/*
 * returns: return authorisations (RMAs), their receipt at a node, and the
 * refunds they earn; appeasements (goodwill refunds with no return).
 *
 * Money is int64 cents throughout.  The arithmetic is exact: a line's
 * discount and an order's shipping charge are spread over units by
 * returns_share(), whose parts always add up to the whole, so refunding
 * every unit one at a time gives back exactly what was paid.
 *
 * returns_run() is the command: it reads records, checks each one against
 * the store as it stands after the records before it, writes the good
 * ones with their events in the caller's transaction, and writes one row
 * per record done to out only when the run succeeds.
 */
#include <stdint.h>
#include <stdio.h>

#include "util.h"
#include "store.h"
#include "store-return.h"

enum returns_cmd { RETURNS_AUTHORIZE, RETURNS_RECEIVE, RETURNS_APPEASE, RETURNS_EXCHANGE,
	RETURNS_EXPIRE_EXCHANGES };

/*
 * Conditions of returned goods, in the order of their names.  wrong_item
 * (not what was sold) is always a rejection: received, not restocked,
 * not refunded (oms-return(1), "Rejected receipts").
 */
enum returns_condition { COND_NEW, COND_OPENED, COND_DAMAGED, COND_WRONG_ITEM, COND_N };
extern const char *const returns_condition_names[COND_N];

/* Policy defaults, documented in oms-return(1). */
#define RETURNS_WINDOW_DAYS 30
/* Restocking fee by condition, in hundredths of a percent. */
extern const int64_t returns_default_fee[COND_N];

struct returns_opts {
	enum returns_cmd cmd;
	int input_format;	/* enum infmt */
	const char *rejects;	/* NULL: strict */
	long max_rejects;	/* -1: no limit */
	const char *now;	/* "YYYY-MM-DDTHH:MM:SSZ"; NULL: the run's start */
	int64_t window_days;
	int64_t fee[COND_N];	/* hundredths of a percent of the merchandise */
	int format;		/* enum outfmt */
	int safe_csv;
	int tender;		/* --tender: enum returns_tender; a record's column wins */
};

struct returns_counts {
	long records, rejected, lines, rmas, refunds;
	int64_t units, restocked, damaged, amount;
	/* receipts rejected (units); exchanges made, replacement orders
	   created, charges written and their sum (cents) */
	int64_t turned_back;
	long exchanges, replacements, charges;
	int64_t charged;
	long skipped;		/* appeasements given already under their ref */
};

/*
 * The run over nfiles files ("-" is standard input).  Returns 0 when the
 * transaction may be committed (and the rows are on out), or the exit
 * status after diagnostics (65 bad data, 66 missing input, 73/74 output,
 * 70/74/75 store).
 */
int returns_run(struct store *st, const struct returns_opts *o, int nfiles,
	char *const *files, FILE *out, struct returns_counts *counts);

/* --- the arithmetic, free of the store ------------------------------ */

/*
 * The part of total that falls to n of parts equal shares, starting after
 * the first `from`: floor(total (from + n) / parts) - floor(total from /
 * parts).  The remainder falls to the last parts; shares of consecutive
 * ranges add up to total exactly.  Requires 0 <= from, 0 <= n,
 * from + n <= parts, parts > 0, total >= 0.
 */
int64_t returns_share(int64_t total, int64_t parts, int64_t from, int64_t n);

/* amount x rate (hundredths of a percent), rounded half up. */
int64_t returns_percent(int64_t amount, int64_t rate);

/* 1 when reason names a fault of the seller (damaged_in_transit, wrong_item, defective). */
int returns_seller_fault(const char *reason);

/*
 * What was paid for units [from, from + n) of a line of qty units at
 * unit_price less its discount, without shipping: n x unit_price less
 * their returns_share() of the discount.  The units of a line are
 * counted in one order: those returned first, then the rest shipped,
 * then those still coming, and those cancelled last.  Never negative when
 * discount <= qty x unit_price.
 */
int64_t returns_merchandise(int64_t qty, int64_t unit_price, int64_t discount,
	int64_t from, int64_t n);

/*
 * What was paid for line i of o: every unit of it, cancelled ones too
 * (every order is taken as paid when imported; a cancelled unit was paid
 * for, then refunded by a refund of kind cancel), at unit_price less
 * their share of the discount, plus their share of the shipping charge
 * (spread over the units of the order in line order).
 * returns_order_paid() is the sum over the lines, with the whole
 * shipping charge.
 *
 * The one cap: what can be refunded or appeased on a line (or the
 * order) is what was paid for it less every refund on it, of any kind
 * (returns_refundable); every money path (a return's refund, an
 * appeasement, a cancel's refund) stays within it.  A unit is refunded
 * once: the units of a line are counted returned first and cancelled
 * last, and no unit is both (a line's returned + cancelled <= qty).
 */
int64_t returns_line_paid(const struct return_order *o, int i);
int64_t returns_order_paid(const struct return_order *o);

struct returns_refund {
	int64_t merchandise;	/* n x unit_price less the units' discount share */
	int64_t restocking_fee;	/* by condition; none for a seller's fault */
	int64_t shipping;	/* the units' shipping share, for a seller's fault */
	int64_t amount;		/* merchandise - fee + shipping, within the cap */
	int capped;		/* amount was cut to what is still refundable */
};

/*
 * The refund for n more units of line i coming back (after the line's
 * `returned` already did), with restocking fee rate `fee` unless the
 * seller was at fault.  Never more than what was paid for the line, or
 * the order, less what was refunded on it.
 */
void returns_refund_units(const struct return_order *o, int i, int64_t n, int64_t fee,
	int seller_fault, struct returns_refund *out);

/*
 * What can still be refunded on line i of o (i < 0: on the order); >= 0.
 * returns_merchandise_left: of it, what can still be refunded for
 * merchandise (a refund's amount less its shipping part: a return's
 * merchandise less its fee, a cancel's, an appeasement, an adjustment):
 * what was paid for the line's (the order's) merchandise less those
 * already refunded, so that goodwill given on units that later come back
 * or are cancelled is not paid out again from their shipping share.
 * Every money path keeps within both.
 */
int64_t returns_refundable(const struct return_order *o, int i);
int64_t returns_merchandise_left(const struct return_order *o, int i);

/*
 * The refund due for n units of line i just cancelled, already counted
 * in its cancelled (they are the last n of its units not cancelled
 * before): their returns_merchandise(), within returns_refundable().
 */
int64_t returns_cancel_units(const struct return_order *o, int i, int64_t n);

/*
 * The shipping charge owed back when every unit of o is cancelled and
 * none ever shipped, within returns_refundable(o, -1); else 0.  Once
 * refunded, the cap leaves nothing for a second time.
 */
int64_t returns_cancel_shipping(const struct return_order *o);

/*
 * Where a refund goes: back to the original payment, or to the
 * customer's store credit (the store_credit ledger; the customer of the
 * order).  returns_tender_parse: "" or "original", "store_credit"; -1
 * else.
 */
enum returns_tender { TENDER_ORIGINAL, TENDER_STORE_CREDIT, TENDER_N };
extern const char *const returns_tender_names[TENDER_N];
int returns_tender_parse(const char *s);
/*
 * Whether a refund of order_id may go to tender: 0 yes, 1 no with the
 * reason added to why (store credit for an order with no customer), -1
 * store error.
 */
int returns_tender_check(struct store *st, const char *order_id, int tender, struct buf *why);

/*
 * Write refund f and its refund.issued event (its payload built in b):
 * one form for every kind.  A refund in tender store_credit credits the
 * order's customer's balance by its amount (checked first with
 * returns_tender_check) and its event says the customer and the new
 * balance.  *id its refund_id.  0 or -1 (diagnosed).
 */
int returns_refund_write(struct store *st, const struct refund *f, int capped,
	struct buf *b, int64_t *id);

/*
 * Record what is owed for n units of line line_no of order_id just
 * cancelled (already counted in the store's cancelled): a refund of kind
 * cancel with reason (NULL or "": "cancelled") at at, and, when that
 * leaves the whole order cancelled with nothing ever shipped, a second
 * one for the shipping charge (line_no NULL); each with its
 * refund.issued event, in tender (NULL: original; store_credit checked
 * first with returns_tender_check).  Nothing is written for an amount of 0.  *amount:
 * the sum.  0 or -1 (diagnosed).
 */
int returns_cancel_refund(struct store *st, const char *order_id, int64_t line_no,
	int64_t n, const char *reason, const char *tender, const char *at, struct buf *b,
	int64_t *amount);

/*
 * What goodwill may still be credited on line i of o (i < 0: on the
 * order), the one rule of oms-return appease: what was paid for the units
 * the customer has and keeps (shipped, less those returned and those
 * authorised for return and not yet received), less the appeasements
 * already given on them; never more than returns_refundable() (so the
 * refunds of returns count too), and for a line never more than what is
 * left on its order.  Cancelled units and units not yet shipped are not
 * appeasable: they are refunded, or not yet with the customer.
 */
struct returns_goodwill {
	int64_t units;		/* kept: shipped - returned - authorised */
	int64_t kept;		/* paid for those units, cents */
	int64_t left;		/* what can still be credited, >= 0 */
	/*
	 * What bounds left: the figures of the line (scope i) or, for a line,
	 * of its order (scope -1); by_refunds when returns_refundable() of
	 * that scope is lower than its kept - appeased.
	 */
	int scope, by_refunds;
	int64_t scope_units, scope_kept, scope_appeased;
};
void returns_appeasable(const struct return_order *o, int i, struct returns_goodwill *g);

/*
 * What a price adjustment (oms-order adjust) may still give on line i of
 * o, or (i < 0) over the order: base is what was paid for the
 * merchandise the customer has or will have (the units not cancelled,
 * not returned and not authorised for return; a percentage is of it);
 * given, the appeasements and adjustments already on it; left, what may
 * still be given: base - given, never more than returns_refundable() of
 * the line and of the order, and for a line never more than the order's
 * left.  For the order, left is also at most the sum of its lines' left
 * (an adjustment over an order is spread over its lines,
 * returns_adjust_share).
 */
struct returns_adjust {
	int64_t units, base, given, left;
};
void returns_adjustable(const struct return_order *o, int i, struct returns_adjust *a);

/*
 * The part of amount (at most the order's left, returns_adjustable) that
 * falls to line i when it is spread over the order's lines in proportion
 * to what each may still be given: exact (the parts add up to amount) and
 * never more than the line's left.
 */
int64_t returns_adjust_share(const struct return_order *o, int64_t amount, int i);

#endif
