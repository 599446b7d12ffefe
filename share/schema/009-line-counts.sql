-- Schema version 9: a line's counts are checked as they are written.
--
-- A line's quantity columns are written by oms-import, oms-allocate,
-- oms-route, oms-release (releases and confirmations), oms-order and
-- oms-return, and until now nothing refused a write that broke them:
-- oms-report check found it after the fact.  The triggers below refuse
-- it as it is written, in every build of oms and from any other program
-- that writes the store (the sqlite3 shell): the statement fails with
-- one of the messages below, and oms rolls its whole run back.
--
-- The rule (oms(7), "Line counts"; the same arithmetic as line_open()
-- and line_counts_ok() in lib/model.c, which must agree with it), where
-- routed and released are the sums of the line's line_node rows:
--
--   open = qty - allocated - routed - released - shipped - cancelled
--   line_buckets:     open >= 0
--   line_backordered: backordered <= open
--   line_returned:    returned <= shipped
--
-- The messages start with the name of the oms-report check that would
-- report the line.  lib/store.c's fail() knows them by that start.
--
-- Only a write that raises what a line holds (or lowers its qty) is
-- checked: one that gives quantity back cannot break the rule, and a
-- line broken before this version (oms-report check shows it) can still
-- be mended.  Each statement of a writer must leave the line whole, not
-- only its transaction: oms's writers lower before they raise.
--
-- Not checked here: oms-allocate's and oms-route's writes of allocated
-- and backordered alone.  oms computes them from the counts it read in
-- the same transaction; and a trigger on those columns would make
-- SQLite run oms-allocate's write-back (one UPDATE under its scan) in two
-- passes, which it cannot do.  lib/model.c's line_counts_ok() checks
-- them, in debug builds, where they are computed.

-- A new line holds nothing but what the statement gives it (no line_node
-- row can name it yet).
CREATE TRIGGER line_counts_insert AFTER INSERT ON order_line
WHEN NEW.allocated + NEW.shipped + NEW.cancelled + NEW.backordered > NEW.qty
  OR NEW.returned > NEW.shipped
BEGIN
	SELECT RAISE(ABORT, 'line_returned: returned would exceed shipped')
	WHERE NEW.returned > NEW.shipped;
	SELECT RAISE(ABORT, 'line_buckets: allocated + routed + released + shipped + cancelled would exceed qty')
	WHERE NEW.allocated + NEW.shipped + NEW.cancelled > NEW.qty;
	SELECT RAISE(ABORT, 'line_backordered: backordered would exceed open');
END;

-- qty lowered, or shipped, cancelled, returned raised (and with them, in
-- the same statement, allocated or backordered).
CREATE TRIGGER line_counts_update AFTER UPDATE OF qty, shipped, cancelled, returned
ON order_line
WHEN (NEW.qty < OLD.qty OR NEW.allocated > OLD.allocated OR NEW.shipped > OLD.shipped
    OR NEW.cancelled > OLD.cancelled OR NEW.returned > OLD.returned
    OR NEW.backordered > OLD.backordered)
  AND (NEW.returned > NEW.shipped
    OR NEW.qty - NEW.allocated - NEW.shipped - NEW.cancelled - NEW.backordered <
      (SELECT COALESCE(SUM(routed + released), 0) FROM line_node
       WHERE order_id = NEW.order_id AND line_no = NEW.line_no))
BEGIN
	SELECT RAISE(ABORT, 'line_returned: returned would exceed shipped')
	WHERE NEW.returned > NEW.shipped;
	SELECT RAISE(ABORT, 'line_buckets: allocated + routed + released + shipped + cancelled would exceed qty')
	WHERE NEW.qty - NEW.allocated - NEW.shipped - NEW.cancelled <
	    (SELECT COALESCE(SUM(routed + released), 0) FROM line_node
	     WHERE order_id = NEW.order_id AND line_no = NEW.line_no);
	SELECT RAISE(ABORT, 'line_backordered: backordered would exceed open');
END;

-- Work placed at a node, or more of it: the line's open quantity falls.
-- (A release moves routed to released, the same sum: not checked.)
CREATE TRIGGER line_counts_node_insert AFTER INSERT ON line_node
WHEN NEW.routed + NEW.released > 0
  AND (SELECT qty - allocated - shipped - cancelled - backordered FROM order_line
       WHERE order_id = NEW.order_id AND line_no = NEW.line_no) <
      (SELECT SUM(routed + released) FROM line_node
       WHERE order_id = NEW.order_id AND line_no = NEW.line_no)
BEGIN
	SELECT RAISE(ABORT, 'line_buckets: allocated + routed + released + shipped + cancelled would exceed qty')
	WHERE (SELECT qty - allocated - shipped - cancelled FROM order_line
	       WHERE order_id = NEW.order_id AND line_no = NEW.line_no) <
	    (SELECT SUM(routed + released) FROM line_node
	     WHERE order_id = NEW.order_id AND line_no = NEW.line_no);
	SELECT RAISE(ABORT, 'line_backordered: backordered would exceed open');
END;

CREATE TRIGGER line_counts_node_update AFTER UPDATE OF routed, released ON line_node
WHEN NEW.routed + NEW.released > OLD.routed + OLD.released
  AND (SELECT qty - allocated - shipped - cancelled - backordered FROM order_line
       WHERE order_id = NEW.order_id AND line_no = NEW.line_no) <
      (SELECT SUM(routed + released) FROM line_node
       WHERE order_id = NEW.order_id AND line_no = NEW.line_no)
BEGIN
	SELECT RAISE(ABORT, 'line_buckets: allocated + routed + released + shipped + cancelled would exceed qty')
	WHERE (SELECT qty - allocated - shipped - cancelled FROM order_line
	       WHERE order_id = NEW.order_id AND line_no = NEW.line_no) <
	    (SELECT SUM(routed + released) FROM line_node
	     WHERE order_id = NEW.order_id AND line_no = NEW.line_no);
	SELECT RAISE(ABORT, 'line_backordered: backordered would exceed open');
END;
