-- The naive allocation a user might write instead of oms-allocate: rank
-- the lines of each sku in the order of service and give each line what
-- the sku's total stock still covers.  It ignores which nodes may serve
-- which line (pickup stores, the dropship vendor, inactive nodes count
-- like any other), ship-complete orders and existing reservations.
CREATE TABLE naive_allocation AS
WITH stock AS (
	SELECT i.sku, SUM(MAX(0, i.on_hand - COALESCE(i.safety_stock, n.safety_stock))) AS atp
	FROM inventory i JOIN node n USING (node_id)
	GROUP BY i.sku
), ranked AS (
	SELECT l.order_id, l.line_no, l.sku, l.qty,
	    SUM(l.qty) OVER (PARTITION BY l.sku ORDER BY o.priority,
	        o.promise_date IS NULL, o.promise_date, o.created_at, l.order_id, l.line_no
	        ROWS UNBOUNDED PRECEDING) AS running
	FROM order_line l JOIN orders o USING (order_id)
)
SELECT r.order_id, r.line_no, r.sku, r.qty,
    MAX(0, MIN(r.qty, COALESCE(s.atp, 0) - (r.running - r.qty))) AS allocated
FROM ranked r LEFT JOIN stock s USING (sku);
