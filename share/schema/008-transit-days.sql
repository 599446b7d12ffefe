-- Schema version 8: the transit days of the rate band each shipment
-- took, for the on-time KPI.
--
-- oms-report kpi counted a shipment on time when it shipped by the
-- promise date; but the promise is a delivery date, and a box shipped on
-- the promise day arrives days later.  Like is compared with like when the
-- ship time plus the transit days of the rate band oms-route priced the
-- trip with is compared with the promise.  Only routing knows the band
-- (it depends on the distance from the node to where the line goes and on
-- the rate card of that night), and until now only its "line.routed"
-- events kept its transit days: oms-route writes them with each line's
-- work at a node, and a confirmation that ships takes them to the
-- shipment, where the KPI reads them with the ship time.
--
-- line_node.transit_days: the transit days of the band of the line's
-- latest routing to the node (0 for a pickup at the node); NULL when not
-- known.
ALTER TABLE line_node ADD COLUMN transit_days INTEGER CHECK (transit_days >= 0);
-- shipment.transit_days: the most transit days of the lines it shipped
-- (the day the last of them arrives); NULL when none is known.
ALTER TABLE shipment ADD COLUMN transit_days INTEGER CHECK (transit_days >= 0);

-- From the log: the latest "line.routed" event of each line and node.
-- Payloads oms wrote are valid JSON; one that is not (edited by hand), or
-- without a whole number of days, is skipped, and the row stays unknown.
CREATE TEMP TABLE route_transit AS
SELECT order_id, line_no, node_id, transit FROM (
	SELECT order_id, json_extract(payload, '$.line_no') AS line_no,
	       json_extract(payload, '$.node_id') AS node_id,
	       json_extract(payload, '$.transit_days') AS transit,
	       row_number() OVER (PARTITION BY order_id, json_extract(payload, '$.line_no'),
	           json_extract(payload, '$.node_id') ORDER BY seq DESC) AS latest
	FROM event
	WHERE type = 'line.routed' AND order_id IS NOT NULL AND json_valid(payload)
	  AND typeof(json_extract(payload, '$.line_no')) = 'integer'
	  AND typeof(json_extract(payload, '$.node_id')) = 'text'
	  AND typeof(json_extract(payload, '$.transit_days')) = 'integer'
	  AND json_extract(payload, '$.transit_days') >= 0)
WHERE latest = 1;
UPDATE line_node SET transit_days = rt.transit FROM temp.route_transit rt
WHERE rt.order_id = line_node.order_id AND rt.line_no = line_node.line_no
  AND rt.node_id = line_node.node_id;
DROP TABLE temp.route_transit;

-- Each shipment from the lines its release shipped, at the release's node.
UPDATE shipment SET transit_days = (
	SELECT max(ln.transit_days)
	FROM release r JOIN release_line rl USING (release_id)
	JOIN line_node ln ON ln.order_id = rl.order_id AND ln.line_no = rl.line_no
	  AND ln.node_id = r.node_id
	WHERE r.release_id = shipment.release_id AND rl.shipped > 0);
