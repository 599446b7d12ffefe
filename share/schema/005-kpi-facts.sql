-- Schema version 5: facts the KPIs need, kept where they are read.
--
-- Until version 4 only the event log held two of them: whether a line
-- was ever backordered (an allocation event with "backordered" > 0) and
-- what oms-route estimated each line's routing to a node cost (the
-- "cost" of its "line.routed" events).  The other two took a join of
-- three large tables by release: which nodes a line shipped from, and
-- each release's ship time.  oms-report kpi read and parsed 1.7 million
-- events and 1.3 million release lines and confirmations for them on the
-- 1M-line benchmark store, most of its time.  Now allocation, routing
-- and confirmation keep them, in the statements they already run where
-- they can, and the migration below fills them in once from what is
-- there.
--
-- order_line.ever_backordered: 1 once the line's backordered has been
-- above 0 (it never goes back to 0).
ALTER TABLE order_line ADD COLUMN ever_backordered INTEGER NOT NULL DEFAULT 0
	CHECK (ever_backordered IN (0, 1));

-- line_node.shipped: the units of the line confirmed shipped or picked up
-- from releases at the node.  A row with shipped units is kept when its
-- routed and released work is gone, as the record of where the line
-- shipped from.
ALTER TABLE line_node ADD COLUMN shipped INTEGER NOT NULL DEFAULT 0
	CHECK (shipped >= 0);
-- line_node.cost_cents: the sum, in cents, of the cost of the
-- "line.routed" events of the line and node since the row was made (work
-- moved off a node and not shipped from there takes its row, and its
-- cost, with it).
ALTER TABLE line_node ADD COLUMN cost_cents INTEGER NOT NULL DEFAULT 0;

-- The releases that shipped something: the latest at of their shipped
-- and picked-up confirmations, by order.
CREATE TABLE shipment (
	order_id         TEXT NOT NULL,
	release_id       TEXT NOT NULL,
	shipped_at       TEXT NOT NULL,
	PRIMARY KEY (order_id, release_id)
) WITHOUT ROWID;

-- From the log: payloads oms wrote are valid JSON; one that is not (edited
-- by hand) is skipped, as oms-report kpi skipped it.
UPDATE order_line SET ever_backordered = 1
WHERE backordered > 0 OR (order_id, line_no) IN (
	SELECT order_id, json_extract(payload, '$.line_no') FROM event
	WHERE type IN ('line.allocated', 'line.backordered', 'line.deallocated')
	  AND order_id IS NOT NULL AND json_valid(payload)
	  AND json_extract(payload, '$.backordered') > 0);

-- Where lines shipped from, from the release lines; a row an earlier
-- reroute deleted comes back.
INSERT INTO line_node (order_id, line_no, node_id, shipped)
SELECT rl.order_id, rl.line_no, r.node_id, sum(rl.shipped)
FROM release_line rl JOIN release r USING (release_id)
WHERE rl.shipped > 0
GROUP BY rl.order_id, rl.line_no, r.node_id
ON CONFLICT DO UPDATE SET shipped = excluded.shipped;

-- Every routing event's cost, on the rows there are.
CREATE TEMP TABLE route_cost AS
SELECT order_id, json_extract(payload, '$.line_no') AS line_no,
       json_extract(payload, '$.node_id') AS node_id,
       sum(round(coalesce(json_extract(payload, '$.cost'), 0) * 100)) AS cents
FROM event
WHERE type = 'line.routed' AND order_id IS NOT NULL AND json_valid(payload)
  AND typeof(json_extract(payload, '$.line_no')) = 'integer'
  AND typeof(json_extract(payload, '$.node_id')) = 'text'
GROUP BY 1, 2, 3;
UPDATE line_node SET cost_cents = rc.cents FROM temp.route_cost rc
WHERE rc.order_id = line_node.order_id AND rc.line_no = line_node.line_no
  AND rc.node_id = line_node.node_id;
DROP TABLE temp.route_cost;

INSERT INTO shipment (order_id, release_id, shipped_at)
SELECT r.order_id, r.release_id, max(c.at)
FROM confirmation c JOIN release r USING (release_id)
WHERE c.status IN ('shipped', 'picked_up')
GROUP BY r.release_id;
