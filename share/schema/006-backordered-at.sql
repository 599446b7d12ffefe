-- Schema version 6: when each line's current backorder began, kept on the
-- line.
--
-- Until version 5 only the event log held it: oms-report backorders read
-- every allocation event ("line.allocated", "line.deallocated",
-- "line.backordered", a million on the 1M-line benchmark store), parsed
-- their payloads and took, for each backordered line, the first of its
-- events with "backordered" > 0 after the last with "backordered" = 0:
-- 1.9 s of the view's time.  Now oms-allocate and oms-route set it in the
-- UPDATE of the line they already run, to the time of the event they
-- write with it (the run's), and oms-order clears it when it takes the
-- whole backorder away; the migration below fills it in once from the log
-- by the rule the view used.
--
-- order_line.backordered_at: when the line's backordered last went from 0
-- to more than 0, as the "at" of the event that did it; NULL while
-- backordered is 0, and where the log does not tell (oms-report
-- backorders then shows the order's created_at).
ALTER TABLE order_line ADD COLUMN backordered_at TEXT;

-- From the log, the allocation events of the orders with a backordered
-- line: payloads oms wrote are valid JSON; one that is not (edited by
-- hand) is skipped, as oms-report kpi skipped it.  "backordered" counts
-- as the view read it: a number's whole part, anything else 0.
CREATE TEMP TABLE bo_event AS
SELECT order_id, json_extract(payload, '$.line_no') AS line_no, seq, at,
       CASE WHEN json_type(payload, '$.backordered') IN ('integer', 'real')
         AND CAST(json_extract(payload, '$.backordered') AS INTEGER) <> 0
       THEN 1 ELSE 0 END AS backordered
FROM event
WHERE type IN ('line.allocated', 'line.deallocated', 'line.backordered')
  AND order_id IN (SELECT order_id FROM order_line WHERE backordered > 0)
  AND json_valid(payload);
CREATE INDEX temp.bo_event_by_line ON bo_event (order_id, line_no, backordered, seq);

-- The first event of the line with backordered and no event without after
-- it: the first with after the last without.
UPDATE order_line SET backordered_at = (
	SELECT e.at FROM temp.bo_event e
	WHERE e.order_id = order_line.order_id AND e.line_no = order_line.line_no
	  AND e.backordered = 1 AND NOT EXISTS (
		SELECT 1 FROM temp.bo_event z
		WHERE z.order_id = e.order_id AND z.line_no = e.line_no
		  AND z.backordered = 0 AND z.seq > e.seq)
	ORDER BY e.seq LIMIT 1)
WHERE backordered > 0;
DROP TABLE temp.bo_event;
