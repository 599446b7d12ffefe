#ifndef OMS_IMPORT_H
#define OMS_IMPORT_H
/*
 * import: validate records of one kind and upsert them into the store, in
 * the caller's transaction.  Strict by default: any bad record makes the
 * run fail (every bad record is reported first); with a rejects file the
 * good records are kept and the bad ones written there.
 */
#include "input.h"
#include "store.h"

enum import_kind {
	KIND_ITEMS, KIND_NODES, KIND_INVENTORY, KIND_CUSTOMERS, KIND_ORDERS,
	KIND_POSTAL, KIND_RATES,
	KIND_CHANNELS,		/* each channel's policy (channel_policy) */
	KIND_HOLDRULES,
	KIND_SUPPLY,		/* stock on its way; --received: its receipts */
	KIND_GROUPS, KIND_RULES	/* node groups, sourcing rules: versioned together */
};

/* Parse a KIND word; -1 when unknown. */
int import_kind_parse(const char *s);
const char *import_kind_name(int kind);

struct import_opts {
	int kind;
	int delta;		/* inventory: rows are adjustments */
	int force;		/* delta, received: apply a file already applied */
	int received;		/* supply: rows are receipts */
	int strict_refs;	/* orders: refuse an unknown customer_id (else warn) */
	int input_format;	/* enum infmt */
	const char *rejects;	/* NULL: strict */
	long max_rejects;	/* -1: no limit */
};

struct import_counts {
	long records, inserted, updated, unchanged, rejected, stale, blank;
	long removed;		/* rates: bands the input no longer has */
	long orders, orders_inserted, orders_updated, orders_unchanged;
	long orders_held;	/* new orders held by hold rules */
	/* groups, rules: the version after the run, whether the run made it,
	 * and what it holds: rules, groups */
	long rules_version, version_made, rules, groups;
};

/*
 * Import every file (a name, or "-" for standard input) in order.  Returns
 * 0 when the transaction may be committed, or the exit status (65 bad
 * data, 66 missing input, 73/74 output, 70/74/75 store) after diagnostics.
 */
int import_files(struct store *st, const struct import_opts *o, int nfiles,
	char *const *files, struct import_counts *counts);

/* The summary line and the run-log counts (a JSON object) for counts. */
void import_summary(const struct import_opts *o, const struct import_counts *c,
	struct buf *line, struct buf *json);

#endif
