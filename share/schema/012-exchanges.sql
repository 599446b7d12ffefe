-- Schema version 12: exchanges, amounts due, and rejected receipts.  An
-- exchange is a return (an RMA line, as oms-return authorize makes it)
-- paired with a replacement: a care order of the new item at no charge,
-- made when the return is received, or at once for an advance exchange.
-- What the customer owes (an uneven exchange's difference, an advance
-- exchange whose return never came) is a charge; what they are owed
-- stays a refund.  A receipt may be rejected (a wrong item, or outside
-- policy): received, not restocked, not refunded.  See oms-return(1),
-- "Exchanges", and oms(7), "Money owed".

-- One exchange per RMA line.  merchandise: what was paid for the qty
-- units given back (returns_merchandise, when authorised); unit_price:
-- new_sku's item price then; difference: qty x unit_price - merchandise,
-- charged when > 0, refunded (kind exchange, within the cap) when < 0, at
-- once for an advance exchange, else with the replacement.
-- replacement_order: the care order "<order_id>-X<n>", NULL until made.
-- due_by: an advance exchange's deadline for the return; charged_at: when
-- oms-return expire-exchanges charged its units not returned by then.
CREATE TABLE exchange (
	exchange_id      INTEGER PRIMARY KEY,
	rma_id           TEXT NOT NULL,
	line_no          INTEGER NOT NULL,
	order_id         TEXT NOT NULL REFERENCES orders (order_id),
	qty              INTEGER NOT NULL CHECK (qty >= 1),
	new_sku          TEXT NOT NULL REFERENCES item (sku),
	advance          INTEGER NOT NULL DEFAULT 0 CHECK (advance IN (0, 1)),
	replacement_order TEXT REFERENCES orders (order_id),
	unit_price       INTEGER NOT NULL CHECK (unit_price >= 0),
	merchandise      INTEGER NOT NULL CHECK (merchandise >= 0),
	difference       INTEGER NOT NULL,
	tender           TEXT NOT NULL DEFAULT 'original'
	                   CHECK (tender IN ('original','store_credit')),
	due_by           TEXT,
	charged_at       TEXT,
	at               TEXT NOT NULL,
	run_id           INTEGER,
	CHECK ((advance = 1) = (due_by IS NOT NULL)),
	UNIQUE (rma_id, line_no),
	FOREIGN KEY (rma_id, line_no) REFERENCES rma_line (rma_id, line_no)
);
CREATE INDEX exchange_by_order ON exchange (order_id);
CREATE INDEX exchange_by_replacement ON exchange (replacement_order)
    WHERE replacement_order IS NOT NULL;
CREATE INDEX exchange_due ON exchange (due_by) WHERE charged_at IS NULL;

-- An amount the customer owes, in cents (> 0), for the payment system to
-- collect: kind exchange_difference (an uneven exchange's new item costs
-- more than what was paid for the old) or exchange_unreturned (an
-- advance exchange whose return did not arrive by its due_by: what was
-- paid for the units not returned).
CREATE TABLE charge (
	charge_id        INTEGER PRIMARY KEY,
	order_id         TEXT NOT NULL REFERENCES orders (order_id),
	line_no          INTEGER,
	exchange_id      INTEGER REFERENCES exchange (exchange_id),
	kind             TEXT NOT NULL CHECK (kind IN
	                   ('exchange_difference','exchange_unreturned')),
	amount           INTEGER NOT NULL CHECK (amount > 0),
	reason           TEXT NOT NULL DEFAULT '',
	at               TEXT NOT NULL,
	run_id           INTEGER
);
CREATE INDEX charge_by_order ON charge (order_id);

-- Receipts, with the conditions and dispositions of a rejection: the
-- condition wrong_item, and the dispositions return_to_customer, dispose
-- and vendor_return.  rejected 1: received (the RMA line's received goes
-- up) but not returned (the order line's returned does not), not
-- restocked, not refunded.
CREATE TABLE receipt_v12 (
	seq              INTEGER PRIMARY KEY,
	rma_id           TEXT NOT NULL,
	line_no          INTEGER NOT NULL,
	qty              INTEGER NOT NULL CHECK (qty >= 1),
	condition        TEXT NOT NULL CHECK (condition IN
	                   ('new','opened','damaged','wrong_item')),
	disposition      TEXT NOT NULL CHECK (disposition IN
	                   ('restock','damaged','vendor_return','return_to_customer','dispose')),
	rejected         INTEGER NOT NULL DEFAULT 0 CHECK (rejected IN (0, 1)),
	node_id          TEXT REFERENCES node (node_id),
	at               TEXT NOT NULL,
	run_id           INTEGER,
	CHECK (rejected = 1 OR (condition <> 'wrong_item' AND
	    disposition IN ('restock','damaged'))),
	FOREIGN KEY (rma_id, line_no) REFERENCES rma_line (rma_id, line_no)
);
-- (vendor_return was never written before: a rejection if it were)
INSERT INTO receipt_v12 (seq, rma_id, line_no, qty, condition, disposition, rejected,
    node_id, at, run_id)
    SELECT seq, rma_id, line_no, qty, condition, disposition, disposition = 'vendor_return',
    node_id, at, run_id FROM receipt;
DROP TABLE receipt;
ALTER TABLE receipt_v12 RENAME TO receipt;
