#ifndef OMS_RELEASE_H
#define OMS_RELEASE_H
/*
 * release: sending routed lines to their nodes, and what the nodes say
 * back (oms-release(1)).
 *
 * A release is one shipment request for one order at one node and one
 * destination (one parcel, or one hand-over at a store): the lines routed
 * there that go to the same place, with where they go (the order's
 * ship-to address, or a locker's or the store's) and the customer's own
 * address.  Its id is
 * "YYYYMMDD-NODE-NNNNNN": the business day, the node and the node's
 * sequence number for that day, so the same store always gives the same
 * ids, and the sequence number also counts the node's daily capacity.
 * The release as first emitted is kept as JSON (its document), from which
 * --resend renders it again in any format, byte for byte as before.
 */
#include <stdint.h>
#include <stdio.h>

#include "store.h"

struct release_opts {
	const char *day;	/* business day YYYY-MM-DD; NULL: the run's UTC date */
	const char *node;	/* release only at this node; NULL: every node */
	long max;		/* at most this many releases; -1: no limit */
	const char *split_dir;	/* one file per node in this directory; NULL: out */
	int format;		/* enum outfmt */
	int safe_csv;
	int dry_run;		/* ids begin "dry-run-": a preview, never issued */
};

/* Releases made, and those that wait (counted as order-and-node pairs). */
struct release_counts {
	long releases, lines, nodes;
	int64_t units;
	long held, incomplete, over_capacity, over_max;
};

/* The files of --split-by-node, one per node, until they are closed. */
struct release_files;

/*
 * Release every routed line that may go now, in the order of service,
 * writing the releases to the store (in the caller's transaction) and
 * to out, or with split_dir to one file per node (*files).  Returns 0 or
 * an exit status after a diagnostic.
 */
int release_run(struct store *st, const struct release_opts *o, FILE *out,
	struct release_files **files, struct release_counts *counts);
/*
 * Finish every node file and flush it: 0, or 74 after a diagnostic.  Call
 * before the store's commit, so that a file that cannot be written fails
 * the run.
 */
int release_files_ready(struct release_files *f);
/*
 * Rename every node file into place (commit 1: after the store's commit)
 * or remove them all (the run failed); free f (NULL is fine).  Returns 0,
 * or 74 after a diagnostic for each file that could not be put in place.
 */
int release_files_close(struct release_files *f, int commit);

/*
 * Write releases again, exactly as first emitted: the n named by ids, or
 * with ids NULL every release that run run_id made, in the order it made
 * them.  To out, or with o->split_dir to one file per node (*files, as
 * release_run); o's format and safe_csv apply.  Returns 0; 65 after
 * naming every unknown id, or when run_id is not a run of oms-release in
 * the run log; or another exit status.
 */
int release_resend(struct store *st, const struct release_opts *o, const char *const *ids,
	int n, int64_t run_id, FILE *out, struct release_files **files);

struct confirm_counts {
	long rows;
	int64_t shipped, picked_up, shorted, cancelled;	/* units */
	int64_t ready, delivered, received;		/* units */
	long arrived, tracking;				/* rows */
	long orders_ready, orders_collected, orders_shipped, orders_delivered;
};

/*
 * Take the confirmations of the nfiles files ("-": standard input), all
 * or nothing: returns 0 when every row was applied, 65 after reporting
 * every bad row (the caller rolls back), or another exit status.
 */
int release_confirm(struct store *st, char *const *files, int nfiles, int infmt,
	struct confirm_counts *counts);

/*
 * The collection window on the day today (YYYY-MM-DD): what was ready
 * for collection and is past its last day expires, and a reminder goes
 * out for what has at most remind_days left (lib/expire.c).  0, or an
 * exit status after a diagnostic.
 */
struct expire_opts {
	const char *today;
	int64_t remind_days;
};
struct expire_counts {
	long expired, reminders;		/* collections */
	int64_t units_cancelled, units_returned;
	int64_t refunded;			/* cents due */
	long alerts;				/* alert events sent */
};
int release_expire(struct store *st, const struct expire_opts *o, struct expire_counts *n);

#endif
