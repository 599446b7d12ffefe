-- Schema version 17: promising (oms-promise(1)).  A checkout's hold on
-- stock: oms-promise --reserve keeps the units it promised a cart line at
-- a node until expires_at; while live (expires_at after the run's time)
-- they count as reserved at the node for oms-allocate, oms-route and
-- oms-promise, like routed and released units.  A reservation ends when
-- it expires (any writer may delete expired rows), when the same cart is
-- promised again (its rows are replaced), or when the order arrives:
-- oms-import orders deletes the rows whose cart_id is the order's
-- order_id (a checkout uses its cart_id as the order_id).

-- A cart line's units held at a node: made_at and run_id, the run of
-- oms-promise that made it.
CREATE TABLE reservation (
	cart_id          TEXT NOT NULL,
	line_no          INTEGER NOT NULL,
	sku              TEXT NOT NULL REFERENCES item (sku),
	node_id          TEXT NOT NULL REFERENCES node (node_id),
	qty              INTEGER NOT NULL CHECK (qty >= 1),
	expires_at       TEXT NOT NULL,
	made_at          TEXT NOT NULL,
	run_id           INTEGER,
	PRIMARY KEY (cart_id, line_no, node_id)
) WITHOUT ROWID;
CREATE INDEX reservation_by_sku ON reservation (sku, node_id);

-- oms-promise reads only the skus of its carts: their stock by sku.
CREATE INDEX inventory_by_sku ON inventory (sku);
