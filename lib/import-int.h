#ifndef OMS_IMPORT_INT_H
#define OMS_IMPORT_INT_H
/*
 * import-int: oms-import's private header, shared by its files and no
 * other module:
 *
 *	import.c	the columns of each kind, the checks of a field, the
 *			rows of items, nodes, customers, postal codes, rates,
 *			hold rules and inventory, and the run over the files
 *	import-supply.c	supply, late and cut, and its receipts (--received)
 *	import-orders.c	orders: an order's rows held until it is complete,
 *			checked whole, written in batches; the hold rules
 *			applied to each new order as it is written
 */
#include <stdint.h>

#include "import.h"
#include "input.h"
#include "rows.h"
#include "store-import.h"
#include "util.h"

#define MAX_QTY INT64_C(1000000000)
#define MAX_STOCK INT64_C(1000000000000)

/* order-level columns first (O_ORDER .. O_COMPLETE), then line columns */
enum { O_ORDER, O_CHANNEL, O_CUSTOMER, O_CREATED, O_PRIORITY, O_PROMISE,
	O_SNAME, O_SADDR, O_SCITY, O_SREGION, O_SPOSTAL, O_SCOUNTRY, O_SLAT, O_SLON,
	O_SHIPPING, O_BCOUNTRY, O_COMPLETE, O_LINE, O_SKU, O_QTY, O_METHOD, O_PICKUP, O_PRICE, O_DISCOUNT, O_N };
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

/* The tests of a hold rule (oms-formats(5), "Hold rules"), as hold_tests[] spells them. */
enum { HT_VALUE_OVER, HT_UNPLACEABLE, HT_FLAGGED, HT_COUNTRY, HT_N };
extern const char *const hold_tests[HT_N];
/* An active hold rule, loaded once per orders run (load_hold_rules). */
struct rule {
	char *rule_id, *hold_type, *channel;	/* channel "": every channel */
	int test;		/* HT_* */
	int64_t value;		/* order_value_over: cents */
};

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
	struct rule *rules;	/* orders: the active hold rules, by rule_id */
	int nrules;
	struct strmap flagged;	/* orders: the flagged customers, when a rule asks */
	struct buf reason;	/* a hold's reason */
	struct sourcing_import *src;	/* groups, rules: the version being made */
};

#define NAME(c) (im->cols[c].name)
#define UNKNOWN_SHOWN 3		/* orders with an unknown customer named in the warning */

/* --- import.c: the run's helpers ---------------------------------------- */

/* The store failed: its exit status into im->status; -1. */
int store_failed(struct importer *im);
/* Reject a record (raw NULL: the current one); -1 when the run must stop. */
int reject(struct importer *im, const char *file, long line, const char *msg,
    const struct raw *raw, int loud);
/* Reject the current record if a problem was noted: 1 if so, *ret set. */
int rejected(struct importer *im, const struct record *r, int *ret);
/* Column c of r checked (rows.h) into *out; the default when empty. */
int f_key(struct importer *im, const struct record *r, int c, const char **out);
int f_text(struct importer *im, const struct record *r, int c, const char *def,
    const char **out);
int f_int(struct importer *im, const struct record *r, int c, int64_t min, int64_t max,
    int64_t def, const char *what, int64_t *out);
int f_money(struct importer *im, const struct record *r, int c, int64_t def, int64_t *out);
int f_bool(struct importer *im, const struct record *r, int c, int def, int *out);
int f_time(struct importer *im, const struct record *r, int c, char out[21]);
int f_latlon(struct importer *im, const struct record *r, int clat, int clon, int *has,
    double *lat, double *lon);
/* The node or item id names, as loaded; NULL (a problem noted) when unknown. */
const struct node_ref *node_ref(struct importer *im, int c, const char *id);
const int64_t *sku_ref(struct importer *im, int c, const char *sku);
/* A value rules match as one of alternatives: no '|' in it (a problem noted). */
int no_bar(struct importer *im, int c, const char *v);
int64_t digest(const char *const *vals, int from, int to);
int seen(struct importer *im, char tag, const char *n1, const char *k1, const char *n2,
    const char *k2, int64_t dig, long line);
void count_put(struct importer *im, int put);

/*
 * A delta or receipts file read whole (its content in file_digest):
 * refused when applied before (unless --force), else remembered.
 */
int delta_file_done(struct importer *im, const char *file);

/* --- import-supply.c: supply and its receipts ----------------------------- */

extern const struct colspec supply_cols[], received_cols[];
extern const int supply_ncols, received_ncols;
int row_supply(struct importer *im, const struct record *r);
int row_received(struct importer *im, const struct record *r);

/* --- import-rules.c: groups and rules ---------------------------------- */

extern const struct colspec group_cols[], rule_cols[];
extern const int group_ncols, rule_ncols;
/* Before the files: the nodes and the latest version; 0 or -1. */
int rules_start(struct importer *im);
int row_group(struct importer *im, const struct record *r);
int row_rule(struct importer *im, const struct record *r);
/* After the files, none refused: make the new version unless unchanged; 0 or -1. */
int rules_done(struct importer *im);
void rules_end(struct importer *im);
/* The summary's words for a groups or rules import: ", version N made (...)". */
void rules_summary(const struct import_counts *c, struct buf *line);

/* --- import-orders.c ----------------------------------------------------- */

/* One row of an order file: held until its order is complete; 0 or -1. */
int row_order(struct importer *im, const struct record *r);
/* The order held is complete: check it whole and write or queue it; 0 or -1. */
int flush_order(struct importer *im);
/* Write the queued orders; 0 or -1. */
int flush_batch(struct importer *im);
/*
 * The active hold rules, read once before an orders run (and the flagged
 * customers when a rule tests them); 0 or -1.  Let go of them at the end.
 */
int load_hold_rules(struct importer *im);
void free_hold_rules(struct importer *im);
/* Let go of the rows held, and of the queued orders (after a fatal error). */
void group_clear(struct importer *im);
void drop_batch(struct importer *im);

#endif
