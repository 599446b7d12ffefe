-- Schema version 5: facts the KPIs need, kept where they are read.
--
-- Until version 4 only the event log held two of them: whether a line
-- was ever backordered (an allocation event with "backordered" > 0) and
-- what oms-route estimated each line's routing to a node cost (the
-- "cost" of its "line.routed" events).  The other two took a join of
-- three large tables by release: whether a line shipped from a node, and
-- a release's ship time.  oms-report kpi read and parsed 1.7 million
-- events and 1.3 million release lines and confirmations for them on the
-- 1M-line benchmark store, most of its time.  Now allocation, routing and
-- confirmation write them in the same transaction as their events, and
-- the migration below fills them in once from what is there.
--
-- order_line.ever_backordered: 1 once the line's backordered has been
-- above 0 (it never goes back to 0).
ALTER TABLE order_line ADD COLUMN ever_backordered INTEGER NOT NULL DEFAULT 0
	CHECK (ever_backordered IN (0, 1));

-- cost_cents: the sum, in cents, of the cost of every "line.routed"
-- event of a line and node.  shipped: 1 once a unit of the line was
-- confirmed shipped or picked up from a release at that node.  Rows are
-- never deleted: work moved off a node keeps what its routing there was
-- estimated to cost (the KPIs count it only where the line shipped
-- from).  No foreign key: written only with a routing of an existing
-- line, and lines are never deleted.
CREATE TABLE line_route (
	order_id         TEXT NOT NULL,
	line_no          INTEGER NOT NULL,
	node_id          TEXT NOT NULL,
	cost_cents       INTEGER NOT NULL DEFAULT 0,
	shipped          INTEGER NOT NULL DEFAULT 0 CHECK (shipped IN (0, 1)),
	PRIMARY KEY (order_id, line_no, node_id)
) WITHOUT ROWID;

-- The latest at of the release's shipped and picked-up confirmations
-- (NULL: none, nothing shipped from it).
ALTER TABLE release ADD COLUMN shipped_at TEXT;
-- The releases that shipped, by order: the KPIs read them in the order
-- of the other streams, with no table lookup.
CREATE INDEX release_shipped ON release (order_id, shipped_at)
	WHERE shipped_at IS NOT NULL;

-- From the log: payloads oms wrote are valid JSON; one that is not (edited
-- by hand) is skipped, as oms-report kpi skipped it.
UPDATE order_line SET ever_backordered = 1
WHERE backordered > 0 OR (order_id, line_no) IN (
	SELECT order_id, json_extract(payload, '$.line_no') FROM event
	WHERE type IN ('line.allocated', 'line.backordered', 'line.deallocated')
	  AND order_id IS NOT NULL AND json_valid(payload)
	  AND json_extract(payload, '$.backordered') > 0);

INSERT INTO line_route (order_id, line_no, node_id, cost_cents)
SELECT order_id, json_extract(payload, '$.line_no') AS line_no,
       json_extract(payload, '$.node_id') AS node_id,
       sum(round(coalesce(json_extract(payload, '$.cost'), 0) * 100))
FROM event
WHERE type = 'line.routed' AND order_id IS NOT NULL AND json_valid(payload)
  AND typeof(json_extract(payload, '$.line_no')) = 'integer'
  AND typeof(json_extract(payload, '$.node_id')) = 'text'
GROUP BY order_id, line_no, node_id;

UPDATE line_route SET shipped = 1
WHERE EXISTS (SELECT 1 FROM release_line rl JOIN release r USING (release_id)
	WHERE rl.order_id = line_route.order_id AND rl.line_no = line_route.line_no
	  AND r.node_id = line_route.node_id AND rl.shipped > 0);

UPDATE release SET shipped_at = (SELECT max(c.at) FROM confirmation c
	WHERE c.release_id = release.release_id AND c.status IN ('shipped', 'picked_up'));
