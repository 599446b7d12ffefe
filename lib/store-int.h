#ifndef OMS_STORE_INT_H
#define OMS_STORE_INT_H
/*
 * store-int: what the store's own files share, and nothing else may
 * include.  The store is split by subject: store.c the core (open,
 * migrate, the statement cache, transactions, the run log, events),
 * store-read.c read snapshots, store-import.c, store-alloc.c,
 * store-route.c, store-release.c, store-order.c, store-return.c,
 * store-views.c, store-check.c and store-scan.c the rest.  Each file
 * keeps its SQL as static strings next to the functions that run it, and
 * prepares them through store_sql, the one statement mechanism, which
 * caches one statement per string; the bind helpers below are the one
 * set.
 */
#include <sqlite3.h>

#include "store.h"

struct store {
	sqlite3 *db;
	char *path;
	int status;
	int in_tx;
	int in_read;	/* in a read transaction of store_read_begin */
	int in_work;	/* inside the savepoint that follows the run row */
	int seen_ready;
	int created;	/* store_open made the file (store_discard_new) */
	int opening;	/* in open_store, for a writer: see removed() */
	int immutable;	/* read as it is: see reader_files */
	int64_t run_id;
	int busy_ms;
	char run_time[21];
	/* the statement cache: open addressing on a key's address (store.c) */
	struct sql_slot { const void *key; sqlite3_stmt *s; } *cache;
	size_t ncache, capcache;
};

/*
 * The prepared statement for sql, which must be a string with static
 * storage: statements are cached by its address and reset, their
 * bindings cleared, before reuse.  NULL after a diagnostic.
 */
sqlite3_stmt *store_sql(struct store *st, const char *sql);
/* Finalize sql's statement: the next store_sql prepares it again. */
void store_sql_forget(struct store *st, const char *sql);

/*
 * Many rows to one INSERT (store_write_rows): head, then a group of
 * nparams parameters per row, then tail; cached like store_sql's, by
 * the address of the struct (static storage).
 */
struct store_rows {
	const char *head, *tail;
	int nparams;
};
/* Bind row i of rows to the parameters after base. */
typedef void (*store_row_bind)(struct store *st, const void *rows, int i, sqlite3_stmt *s,
	int base);
/* Write n rows, many to a statement: how many rows changed, or -1. */
long store_write_rows(struct store *st, const struct store_rows *m, store_row_bind bind,
	const void *rows, int n);
/*
 * An event of the run (the event table): at (the run's time), order_id,
 * type, payload and run_id (none in a dry run) bound to base+1 ..
 * base+5; store_event_rows writes them many to a statement.
 */
void store_bind_event(const struct store *st, sqlite3_stmt *s, int base,
	const char *order_id, const char *type, const char *payload);
extern const struct store_rows store_event_rows;

/*
 * The backorder of a line, in the SET of an UPDATE of order_line: its
 * backordered to the SQL expression NEW, and the bookkeeping that goes
 * with it, written here only.  ever_backordered (share/schema/
 * 005-kpi-facts.sql) becomes 1 once NEW is over 0 and stays.
 * backordered_at (006-backordered-at.sql), with an event stamped AT (the
 * run's time; NULL when no event tells the change): NULL when nothing is
 * backordered, kept while a backorder goes on, else AT.  NEW is written
 * three times: a parameter or a deterministic call.
 */
#define SET_BACKORDERED(NEW, AT) "backordered = " NEW ", " \
    "ever_backordered = max(ever_backordered, " NEW " > 0), " \
    "backordered_at = CASE WHEN " NEW " > 0 THEN coalesce(CASE WHEN " \
    "backordered > 0 THEN backordered_at END, " AT ") END"

/*
 * An order's merchandise, cents, as sourcing rules' value bands read it
 * (sourcing.h: sourcing_order.value): the sum over its lines of qty x
 * unit_price - discount; O an expression of its order_id.  alloc-run.c
 * sums the same from the lines it reads.
 */
#define ORDER_MERCHANDISE(O) "(SELECT sum(v.qty * v.unit_price - v.discount) " \
    "FROM order_line v WHERE v.order_id = " O ")"

/*
 * The order of service of the orders O (an alias of the orders table), for
 * an ORDER BY: priority, promise_date with none last, created_at,
 * order_id.  It is service_cmp's (model.h, oms-allocate(1) "Order of
 * service") and must agree with it; a caller with lines adds line_no.
 */
#define SERVICE_ORDER(O) O ".priority, " O ".promise_date IS NULL, " O ".promise_date, " \
    O ".created_at, " O ".order_id"

/*
 * What counts against a node's capacity_per_day on a business day, the
 * one statement of it (oms-route, oms-release, the alerts and the
 * releases view all count so): the node's releases of that day, less
 * those whose every unit came back short or cancelled (a release with a
 * line of which something was shipped, or is still out, counts).  NODE
 * and DAY are SQL expressions of the outer query (a column qualified by
 * its table: a bare node_id would be the subquery's own).  A scalar
 * subquery: it walks release_by_node_day and, per release, release_line's
 * primary key (which starts with release_id).
 */
#define DAY_RELEASES(NODE, DAY) "(SELECT count(*) FROM release dr WHERE dr.node_id = " \
    NODE " AND dr.business_day = " DAY " AND EXISTS (SELECT 1 FROM release_line drl " \
    "WHERE drl.release_id = dr.release_id AND drl.qty > drl.short + drl.cancelled))"

/*
 * Where a node or an order's ship-to is, the one statement of it in SQL
 * (oms-allocate, oms-route, oms-import and oms-report all read it so): its
 * own lat and lon, else those of its country and postal code in the
 * postal table, looked up by their keys (model.h).  PLACE_JOIN(P, COUNTRY,
 * CODE) joins that row as P (none when the table does not know the code);
 * then PLACE_LAT and PLACE_LON are the place, PLACE_FOUND is 1 when there
 * is one, and PLACE_CODE and PLACE_COUNTRY the keys looked up in vain, NULL
 * when there is one (the code "" when there is none to look up).
 */
#define PLACE_JOIN(P, COUNTRY, CODE) "LEFT JOIN postal " P " ON " P ".country = " \
    "oms_country_key(" COUNTRY ") AND " P ".postal_code = oms_postal_key(" COUNTRY ", " \
    CODE ") "
#define PLACE_LAT(LAT, P) "COALESCE(" LAT ", " P ".lat)"
#define PLACE_LON(LON, P) "COALESCE(" LON ", " P ".lon)"
#define PLACE_FOUND(LAT, LON, P) \
    "(" PLACE_LAT(LAT, P) " IS NOT NULL AND " PLACE_LON(LON, P) " IS NOT NULL)"
#define PLACE_CODE(LAT, LON, P, COUNTRY, CODE) "CASE WHEN NOT " PLACE_FOUND(LAT, LON, P) \
    " THEN COALESCE(oms_postal_key(" COUNTRY ", " CODE "), '') END"
#define PLACE_COUNTRY(LAT, LON, P, COUNTRY) "CASE WHEN NOT " PLACE_FOUND(LAT, LON, P) \
    " THEN COALESCE(oms_country_key(" COUNTRY "), '') END"
/* The same for a node n, its postal row p. */
#define NODE_PLACE_JOIN PLACE_JOIN("p", "n.country", "n.postal_code")
#define NODE_LOCATED PLACE_FOUND("n.lat", "n.lon", "p")
#define NODE_PLACE_CODE PLACE_CODE("n.lat", "n.lon", "p", "n.country", "n.postal_code")
#define NODE_PLACE_COUNTRY PLACE_COUNTRY("n.lat", "n.lon", "p", "n.country")
/* And for the ship-to of an order o, its postal row p. */
#define SHIP_TO_JOIN PLACE_JOIN("p", "o.ship_country", "o.ship_postal_code")
#define SHIP_TO_CODE PLACE_CODE("o.ship_lat", "o.ship_lon", "p", "o.ship_country", \
    "o.ship_postal_code")
#define SHIP_TO_COUNTRY PLACE_COUNTRY("o.ship_lat", "o.ship_lon", "p", "o.ship_country")

/*
 * The units live reservations (share/schema/017-promise.sql) hold of the
 * sku at the node of inventory row I, at the run's time bound to ?1:
 * reserved like routed and released units (oms-promise(1)).
 */
#define LIVE_RESERVED(I) "(SELECT COALESCE(SUM(rv.qty), 0) FROM reservation rv " \
    "WHERE rv.sku = " I ".sku AND rv.node_id = " I ".node_id AND rv.expires_at > ?1)"

/* Map a SQLite result code to a diagnostic and an exit status; -1. */
int store_fail(struct store *st, int rc, const char *what);
/* Step a statement that returns no rows: 0, or -1 after store_fail. */
int store_done(struct store *st, sqlite3_stmt *s, const char *what);
/* Run SQL text with no parameters: 0 or -1. */
int store_exec(struct store *st, const char *text, const char *what);
/* A one-row, one-integer query: the value, 0 when no row, -1 error. */
int64_t store_int(struct store *st, sqlite3_stmt *s, const char *what);
/*
 * A row of a statement as the store files read it, handed to a
 * callback: valid during the callback only.  The callers outside the
 * store get structs named by their data, filled from it.
 */
struct store_row;
typedef int (*store_typed_fn)(void *ctx, const struct store_row *row);

/* Hand every row of s to fn (typed access); 0, or -1 (fn's -1 or error). */
int store_each(struct store *st, sqlite3_stmt *s, store_typed_fn fn, void *ctx,
	const char *what);
/*
 * The integer of a one-row statement run once, not cached (a PRAGMA):
 * 0 and *v, or -1 after a diagnostic.
 */
int store_once_int(struct store *st, const char *text, int64_t *v, const char *what);
/*
 * The text in the first column of the one row s returns: 1 and *text
 * (malloc'd, the caller frees), 0 when no row (*text NULL), -1 error.
 */
int store_text(struct store *st, sqlite3_stmt *s, char **text, const char *what);
/*
 * Set a line's unrouted allocation, backorder and reason (NULL: none), at
 * the time of the event written with the change (NULL: none; see
 * SET_BACKORDERED): store_line_alloc's and store_route_line's one
 * statement (store-alloc.c).  0, or -1 after a diagnostic saying what.
 */
int store_line_unrouted(struct store *st, const char *order_id, int64_t line_no,
	int64_t allocated, int64_t backordered, const char *reason, const char *at,
	const char *what);
/* Rows changed by the last statement. */
int store_changes(struct store *st);

struct store_row {
	sqlite3_stmt *s;
};

/* Its columns: text (NULL for SQL NULL), integer, real, whether NULL. */
static inline const char *
store_col_text(const struct store_row *row, int col)
{
	return (const char *)sqlite3_column_text(row->s, col);
}

static inline int64_t
store_col_int(const struct store_row *row, int col)
{
	return sqlite3_column_int64(row->s, col);
}

static inline double
store_col_real(const struct store_row *row, int col)
{
	return sqlite3_column_double(row->s, col);
}

static inline int
store_col_null(const struct store_row *row, int col)
{
	return sqlite3_column_type(row->s, col) == SQLITE_NULL;
}

/*
 * A statement read alongside others, merged in key order: row is 1 while
 * it stands on a row, whose first column is k and, for a two-column key,
 * second (integer) column n.
 */
struct store_cur {
	sqlite3_stmt *s;
	int row;
	int two;		/* the key has a second, integer column (line_no) */
	const char *k;
	int64_t n;		/* 0 for a one-column key */
};
/* Step c to its next row: 0 (c->row says whether there is one), or -1. */
int store_cur_next(struct store *st, struct store_cur *c, const char *what);

/* Bind helpers: NULL text binds SQL NULL. */
static inline void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/*
 * A list filter (struct strv, see struct view_filter) is one parameter:
 * NULL when the list is empty (no filter), else its values as a JSON
 * array of strings, which IN_LIST(column, parameter) matches.  bind_list
 * binds it.
 */
#define IN_LIST(col, p) "(" p " IS NULL OR " col " IN (SELECT value FROM json_each(" p ")))"
void bind_list(sqlite3_stmt *s, int i, const struct strv *l);

static inline void
bind_int(sqlite3_stmt *s, int i, int64_t v)
{
	sqlite3_bind_int64(s, i, v);
}

static inline void
bind_real(sqlite3_stmt *s, int i, double v)
{
	sqlite3_bind_double(s, i, v);
}

#endif
