#ifndef OMS_ROWS_H
#define OMS_ROWS_H
/*
 * rows: how every input path (oms-import, oms-order, oms-return, oms-release
 * confirm) checks a record's fields and answers a bad one, so that a bad
 * field gets the same words from every command.
 *
 * A field check notes the record's first problem in rw->err (later ones
 * are dropped: one message a record) and returns -1; 0 when the field is
 * good.  A record with a problem is rejected with rows_reject(): reported
 * as "file:line: message", counted, and written unchanged with its error
 * to the --rejects file; past --max-rejects the run stops.  Without a
 * rejects file a run is strict: every bad record is reported, then the run
 * fails whole (rows_strict_end()).
 */
#include <stddef.h>
#include <stdint.h>

#include "input.h"
#include "util.h"

#define ROWS_MAX_KEY 200	/* bytes in a key (oms-formats(5), "key") */
/* bytes in an id oms makes from a key: "RMA-" order_id "-" n (oms-return(1)) */
#define ROWS_MAX_ID (ROWS_MAX_KEY + 40)
#define ROWS_MAX_TEXT 65536	/* bytes in any other text, unless a format says less */

struct rows {
	struct buf err;		/* the current record's first problem; "" none */
	struct rejects *rj;	/* NULL: strict */
	long max_rejects;	/* -1: no limit */
	long *rejected;		/* the caller's count of rejected records */
	const char *nothing;	/* what a stopped run did: "nothing imported" */
	int failed;		/* strict, and a record was rejected */
};

/*
 * Start a run's checks: rejects_path NULL is strict.  *rejected is counted
 * up by rows_reject().  0, or -1 with *status set after a diagnostic (the
 * rejects file cannot be made).
 */
int rows_open(struct rows *rw, const char *rejects_path, long max_rejects, long *rejected,
    const char *nothing, int *status);
/* The end of the run: the rejects file kept (status 0) or removed. Returns status,
 * or the rejects file's own failure when status was 0. */
int rows_close(struct rows *rw, int status);

/* A new record: no problem noted. */
void rows_next(struct rows *rw);
/* Note a problem with the current record unless one is noted already.  -1. */
int rows_bad(struct rows *rw, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Reject a record: counted; "file:line: msg" on stderr when loud; in the
 * rejects file (raw, or the input's current record when raw is NULL), or
 * the run marked failed when strict.  Returns -1 when the run must stop
 * (past --max-rejects: *status is 65 after a diagnostic), else 0.
 */
int rows_reject(struct rows *rw, struct input *in, const struct raw *raw, const char *file,
    long line, const char *msg, int loud, int *status);
/*
 * A strict run that saw bad records: "N bad records; nothing imported (use
 * --rejects FILE to import the good ones)".  Returns 65.
 */
int rows_strict_end(struct rows *rw, const char *one, const char *many, const char *verb);

/*
 * Field checks: name is the column's, v its value ("" when absent).  Each
 * returns 0 or -1 (problem noted); on -1 *out is left as the caller set it
 * unless said otherwise.
 */
/* A key: *out v, or NULL when empty and not required (and on a problem). */
int rows_key(struct rows *rw, const char *name, const char *v, int required,
    const char **out);
/* An id oms made from a key (an RMA id): as a key, of at most ROWS_MAX_ID bytes. */
int rows_id(struct rows *rw, const char *name, const char *v, int required,
    const char **out);
/* Text of at most max bytes. */
int rows_text(struct rows *rw, const char *name, const char *v, size_t max);
/* Text of at most max bytes without control characters. */
int rows_plain(struct rows *rw, const char *name, const char *v, size_t max);
/* "name is empty" when v is: 1 when empty (a problem noted if required). */
int rows_empty(struct rows *rw, const char *name, const char *v, int required);
/* An integer within [min, max]; what says what was expected. */
int rows_int(struct rows *rw, const char *name, const char *v, int64_t min, int64_t max,
    const char *what, int64_t *out);
/* A real within [min, max]. */
int rows_real(struct rows *rw, const char *name, const char *v, double min, double max,
    const char *what, double *out);
/* An amount in cents (positive: above 0 as well). */
int rows_money(struct rows *rw, const char *name, const char *v, int positive,
    int64_t *out);
/*
 * The discount of an order line of qty units at unit_price, in cents: an
 * amount (0 when v is empty) of at most qty x unit_price, the one
 * statement of that rule (oms-import orders, oms-order add).
 */
/*
 * How an order line is handed over, the one statement of that rule
 * (oms-import orders, oms-order method).  rows_method: v is ship, pickup,
 * curbside or locker (*out: that word as the store spells it).
 * rows_handover: method and pickup_node agree (a pickup_node for all but
 * ship), and the node, of node_type (NULL: not known, said elsewhere)
 * with can_pickup and can_curbside, offers the method.
 */
int rows_method(struct rows *rw, const char *v, const char **out);
int rows_handover(struct rows *rw, const char *method, const char *pickup_node,
    const char *node_type, int can_pickup, int can_curbside);
/*
 * An amount ("12.34": *cents) or a percentage ("12.5%": *pct in
 * hundredths of a percent, above 0 and at most 100), positive: 0 and the
 * one set (the other -1), or -1 with the row rejected.
 */
int rows_amount_or_pct(struct rows *rw, const char *name, const char *v, int64_t *cents,
	int64_t *pct);
int rows_discount(struct rows *rw, const char *name, const char *v, int64_t qty,
    int64_t unit_price, int64_t *out);
/* 0/1, true/false, yes/no. */
int rows_bool(struct rows *rw, const char *name, const char *v, int *out);
/* An ISO 8601 date or time, normalised (out[0] '\0' on a problem). */
int rows_time(struct rows *rw, const char *name, const char *v, char out[21]);
/*
 * Latitude and longitude, both or neither: *has 1 with both read, 0 when
 * neither is given or on a problem.
 */
int rows_latlon(struct rows *rw, const char *nlat, const char *vlat, const char *nlon,
    const char *vlon, int *has, double *lat, double *lon);

#endif
