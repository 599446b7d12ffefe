-- Schema version 16: stock on its way.  Supply (purchase orders,
-- transfers, stock in transit) expected at a node, imported by
-- oms-import supply and received by oms-import supply --received; and
-- the pegs of backordered lines to it, made by oms-allocate in the order
-- of service.  See oms(7), "Stock on its way", and oms-formats(5).

-- A supply: qty units of sku expected at node_id at expected_at (a time
-- or a date, as imported); received: the units received so far (never
-- above qty).  status: open while units are still to come, received when
-- every unit came, cut when its qty was cut to 0.  changed_at and run_id:
-- the run that last changed it.  What is open to peg: qty - received -
-- the units pegged to it.
CREATE TABLE supply (
	supply_id        TEXT PRIMARY KEY NOT NULL,
	node_id          TEXT NOT NULL REFERENCES node (node_id),
	sku              TEXT NOT NULL REFERENCES item (sku),
	qty              INTEGER NOT NULL CHECK (qty >= 0),
	expected_at      TEXT NOT NULL,
	kind             TEXT NOT NULL CHECK (kind IN ('purchase_order','transfer','in_transit')),
	received         INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= qty),
	status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','received','cut')),
	changed_at       TEXT NOT NULL,
	run_id           INTEGER
) WITHOUT ROWID;
CREATE INDEX supply_sku ON supply (sku, expected_at, supply_id);

-- A backordered line waiting for qty units of a supply: they stay in its
-- backordered count until received, when they move to its allocated.
CREATE TABLE supply_peg (
	supply_id        TEXT NOT NULL REFERENCES supply (supply_id),
	order_id         TEXT NOT NULL,
	line_no          INTEGER NOT NULL,
	qty              INTEGER NOT NULL CHECK (qty >= 1),
	pegged_at        TEXT NOT NULL,
	PRIMARY KEY (supply_id, order_id, line_no),
	FOREIGN KEY (order_id, line_no) REFERENCES order_line (order_id, line_no)
) WITHOUT ROWID;
CREATE INDEX supply_peg_line ON supply_peg (order_id, line_no);
