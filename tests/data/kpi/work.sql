-- What allocate, route, release, confirm and return recorded for
-- tests/data/kpi/orders.csv; the hand computation is in tests/kpi.bats.
UPDATE orders SET shipping_charge = 500 WHERE order_id = 'K1';
UPDATE order_line SET shipped = qty WHERE order_id IN ('K1', 'K2', 'K3', 'K6');
UPDATE order_line SET returned = 1 WHERE order_id = 'K2';
UPDATE order_line SET cancelled = 1 WHERE order_id = 'K4';
UPDATE order_line SET backordered = 1, backorder_reason = 'no stock' WHERE order_id = 'K5';

INSERT INTO event (at, order_id, type, payload) VALUES
 ('2026-11-10T10:00:00Z', 'K1', 'line.allocated', '{"line_no":1,"sku":"A1","allocated":2,"backordered":0,"reason":null,"previous":0}'),
 ('2026-11-10T10:00:00Z', 'K1', 'line.allocated', '{"line_no":2,"sku":"B2","allocated":1,"backordered":0,"reason":null,"previous":0}'),
 ('2026-11-11T10:00:00Z', 'K2', 'line.allocated', '{"line_no":1,"sku":"A1","allocated":2,"backordered":1,"reason":"no stock","previous":0}'),
 ('2026-11-10T11:00:00Z', 'K1', 'line.routed', '{"line_no":1,"sku":"A1","node_id":"DC1","qty":2,"previous":0,"cost":6,"transit_days":1,"late":0}'),
 ('2026-11-10T11:00:00Z', 'K1', 'line.routed', '{"line_no":2,"sku":"B2","node_id":"DC1","qty":1,"previous":0,"cost":2,"transit_days":1,"late":0}'),
 ('2026-11-11T11:00:00Z', 'K2', 'line.routed', '{"line_no":1,"sku":"A1","node_id":"DC1","qty":2,"previous":0,"cost":5,"transit_days":1,"late":0}'),
 ('2026-11-12T11:00:00Z', 'K2', 'line.routed', '{"line_no":1,"sku":"A1","node_id":"ST1","qty":1,"previous":0,"cost":4,"transit_days":1,"late":0}'),
 ('2026-11-12T11:00:00Z', 'K3', 'line.routed', '{"line_no":1,"sku":"B2","node_id":"ST1","qty":4,"previous":0,"cost":9.99,"transit_days":1,"late":0}'),
 ('2026-11-12T12:00:00Z', 'K3', 'line.unrouted', '{"line_no":1,"node_id":"ST1","qty":4}'),
 ('2026-11-12T12:00:00Z', 'K3', 'line.routed', '{"line_no":1,"sku":"B2","node_id":"ST2","qty":4,"previous":0,"cost":3,"transit_days":1,"late":0}'),
 ('2026-11-20T11:00:00Z', 'K6', 'line.routed', '{"line_no":1,"sku":"A1","node_id":"DC1","qty":1,"previous":0,"cost":7,"transit_days":1,"late":0}');

INSERT INTO release (release_id, order_id, node_id, released_at, business_day, document) VALUES
 ('R1', 'K1', 'DC1', '2026-11-13T01:00:00Z', '2026-11-13', '{}'),
 ('R2', 'K2', 'DC1', '2026-11-11T01:00:00Z', '2026-11-11', '{}'),
 ('R3', 'K2', 'ST1', '2026-11-13T01:00:00Z', '2026-11-13', '{}'),
 ('R4', 'K3', 'ST2', '2026-11-13T01:00:00Z', '2026-11-13', '{}'),
 ('R5', 'K5', 'V1', '2026-11-13T01:00:00Z', '2026-11-13', '{}'),
 ('R6', 'K6', 'DC1', '2026-11-20T01:00:00Z', '2026-11-20', '{}');
INSERT INTO release_line (release_id, line_no, order_id, qty, shipped, short) VALUES
 ('R1', 1, 'K1', 2, 2, 0), ('R1', 2, 'K1', 1, 1, 0),
 ('R2', 1, 'K2', 2, 2, 0), ('R3', 1, 'K2', 1, 1, 0),
 ('R4', 1, 'K3', 4, 4, 0), ('R5', 1, 'K5', 1, 0, 1),
 ('R6', 1, 'K6', 1, 1, 0);
INSERT INTO confirmation (release_id, line_no, status, qty, at) VALUES
 ('R1', 1, 'shipped', 2, '2026-11-14T12:00:00Z'),
 ('R1', 2, 'shipped', 1, '2026-11-14T08:00:00Z'),
 ('R2', 1, 'shipped', 2, '2026-11-12T09:00:00Z'),
 ('R3', 1, 'shipped', 1, '2026-11-13T10:00:00Z'),
 ('R4', 1, 'picked_up', 4, '2026-11-13T15:00:00Z'),
 ('R5', 1, 'short', 1, '2026-11-13T15:00:00Z'),
 ('R6', 1, 'shipped', 1, '2026-11-21T10:00:00Z');
INSERT INTO refund (order_id, line_no, kind, amount, reason, at) VALUES
 ('K2', 1, 'return', 1000, 'changed mind', '2026-11-20T10:00:00Z'),
 ('K3', NULL, 'appeasement', 300, 'late', '2026-11-20T10:00:00Z'),
 ('K6', 1, 'appeasement', 100, 'late', '2026-11-22T10:00:00Z');

-- What allocation, routing and confirmation kept of all that (schema
-- versions 5 and 10): the lines ever backordered (K2 by its event, K5
-- backordered now); per line and node, the cost of its routing there in
-- cents, the transit days of its band and the units shipped from there
-- (K3's ST1 row went when its work moved to ST2); each shipment's latest
-- ship time and the transit days of its lines.
UPDATE order_line SET ever_backordered = 1 WHERE order_id IN ('K2', 'K5');
INSERT INTO line_node (order_id, line_no, node_id, cost_cents, transit_days, shipped) VALUES
 ('K1', 1, 'DC1', 600, 1, 2), ('K1', 2, 'DC1', 200, 1, 1), ('K2', 1, 'DC1', 500, 1, 2),
 ('K2', 1, 'ST1', 400, 1, 1), ('K3', 1, 'ST2', 300, 1, 4), ('K6', 1, 'DC1', 700, 1, 1);
INSERT INTO shipment (order_id, release_id, shipped_at, transit_days) VALUES
 ('K1', 'R1', '2026-11-14T12:00:00Z', 1), ('K2', 'R2', '2026-11-12T09:00:00Z', 1),
 ('K2', 'R3', '2026-11-13T10:00:00Z', 1), ('K3', 'R4', '2026-11-13T15:00:00Z', 1),
 ('K6', 'R6', '2026-11-21T10:00:00Z', 1);
