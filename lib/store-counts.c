/*
 * store-counts: the rule of an order line's counts, as the store checks
 * it on every write oms makes (oms(7), "Line counts").
 *
 * A line's quantity columns are written by oms-allocate, oms-route,
 * oms-release (releases and confirmations), oms-order and oms-return.
 * The triggers below refuse, as it is written, a statement that would
 * leave a line breaking the rule: the statement fails with one of the
 * messages below, store_line_done (store-int.h) names the line, and the
 * command rolls its whole run back.  The rule, where routed and released
 * are the sums of the line's line_node rows:
 *
 *   open = qty - allocated - routed - released - shipped - cancelled
 *   line_buckets:     open >= 0
 *   line_backordered: backordered <= open
 *   line_returned:    returned <= shipped
 *
 * It is line_open() and line_counts_ok() of lib/model.c, the rule in C,
 * which must agree with this one; the messages start with the name of the
 * oms-report check that reports a line that breaks it.
 *
 * TEMP triggers, made on each connection that writes (store.c's
 * open_store), not triggers in the schema: they check oms's own writes.
 * A store edited by other means (the sqlite3 shell; the tests of
 * oms-report check) is read as it is, and oms-report check says what is
 * wrong with it.
 *
 * What is checked: a write that raises what a line holds or lowers its
 * qty.  One that only gives quantity back cannot break the rule, and a
 * line broken by other means can still be mended.  Each statement must
 * leave the line whole, not only the transaction: oms's writers lower
 * before they raise.
 *
 * Not checked: oms-allocate's and oms-route's writes of allocated and
 * backordered alone, counts they compute from the counts they read in the
 * same transaction.  A trigger on those columns would make SQLite run
 * oms-allocate's write-back (one UPDATE under its scan, store.c) in two
 * passes, which it cannot do.
 */
#include "store-int.h"

/* Of the line of the row NEW: its line_node rows' sum; COLS of its order_line row. */
#define AT_NODES "(SELECT COALESCE(SUM(routed + released), 0) FROM line_node " \
    "WHERE order_id = NEW.order_id AND line_no = NEW.line_no)"
#define LINE_FREE(COLS) "(SELECT " COLS " FROM order_line " \
    "WHERE order_id = NEW.order_id AND line_no = NEW.line_no)"
#define BUCKETS "'line_buckets: allocated + routed + released + shipped + cancelled " \
    "would exceed qty'"
#define BACKORDERED "'line_backordered: backordered would exceed open'"
#define RETURNED "'line_returned: returned would exceed shipped'"

/* After each row a node's work on a line rose at: which rule it breaks. */
#define NODE_RAISE \
    "BEGIN SELECT RAISE(ABORT, " BUCKETS ") WHERE " \
    LINE_FREE("qty - allocated - shipped - cancelled") " < " AT_NODES "; " \
    "SELECT RAISE(ABORT, " BACKORDERED "); END;"

const char store_line_counts_sql[] =
    /*
     * qty lowered, or shipped, cancelled, returned raised (and allocated
     * or backordered with them, in the same statement).
     */
    "CREATE TEMP TRIGGER line_counts AFTER UPDATE OF qty, shipped, cancelled, returned "
    "ON main.order_line "
    "WHEN (NEW.qty < OLD.qty OR NEW.allocated > OLD.allocated OR NEW.shipped > OLD.shipped "
    "OR NEW.cancelled > OLD.cancelled OR NEW.returned > OLD.returned "
    "OR NEW.backordered > OLD.backordered) "
    "AND (NEW.returned > NEW.shipped OR NEW.qty - NEW.allocated - NEW.shipped - "
    "NEW.cancelled - NEW.backordered < " AT_NODES ") "
    "BEGIN SELECT RAISE(ABORT, " RETURNED ") WHERE NEW.returned > NEW.shipped; "
    "SELECT RAISE(ABORT, " BUCKETS ") WHERE NEW.qty - NEW.allocated - NEW.shipped - "
    "NEW.cancelled < " AT_NODES "; "
    "SELECT RAISE(ABORT, " BACKORDERED "); END;"
    /*
     * Work placed at a node, or more of it: the line's open quantity
     * falls.  (A release moves routed to released, the same sum.)
     */
    "CREATE TEMP TRIGGER line_counts_node_new AFTER INSERT ON main.line_node "
    "WHEN NEW.routed + NEW.released > 0 AND "
    LINE_FREE("qty - allocated - shipped - cancelled - backordered") " < " AT_NODES " "
    NODE_RAISE
    "CREATE TEMP TRIGGER line_counts_node AFTER UPDATE OF routed, released "
    "ON main.line_node "
    "WHEN NEW.routed + NEW.released > OLD.routed + OLD.released AND "
    LINE_FREE("qty - allocated - shipped - cancelled - backordered") " < " AT_NODES " "
    NODE_RAISE;
