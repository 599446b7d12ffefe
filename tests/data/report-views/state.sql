-- Work under way on tests/data/report-views/orders.csv, as the commands
-- record it; every invariant of oms-report check holds.
update order_line set shipped = 2 where order_id = 'P1' and line_no = 1;
insert into line_node (order_id, line_no, node_id, shipped) values ('P1', 1, 'DC1', 2);
update order_line set backordered = 1, backorder_reason = 'no stock' where order_id = 'P1' and line_no = 2;
update order_line set shipped = 1 where order_id = 'P2';
insert into line_node (order_id, line_no, node_id, released) values ('P2', 1, 'DC1', 2);
update order_line set shipped = 1 where order_id = 'P3';
insert into line_node (order_id, line_no, node_id, shipped) values ('P3', 1, 'ST2', 1);
update order_line set cancelled = 2 where order_id = 'P4';
update order_line set allocated = 1 where order_id = 'P5' and line_no = 2;
update order_line set allocated = 1 where order_id = 'P6';
insert into order_hold (order_id, hold_type, reason, held_by, held_at) values ('P6', 'fraud', 'card check', 'care', '2026-11-25T09:05:00Z');
insert into order_hold (order_id, hold_type, reason, held_by, held_at) values ('P6', 'address', 'no such street', 'care', '2026-11-25T09:06:00Z');
insert into line_node (order_id, line_no, node_id, routed) values ('P7', 1, 'DC1', 1);
insert into line_node (order_id, line_no, node_id, routed) values ('P7', 1, 'ST1', 1);
insert into line_node (order_id, line_no, node_id, released) values ('P8', 1, 'ST1', 1);
