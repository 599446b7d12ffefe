-- Schema version 11: the care desk's money.  Every refund carries its
-- tender (back to the original payment, or store credit); care's price
-- adjustments (kind adjustment, with a reason code) and the refunds of
-- uneven exchanges (kind exchange) join the refunds of returns,
-- appeasements and cancels; store credit is a ledger per customer.  See
-- oms(7), "Money owed".

CREATE TABLE refund_v11 (
	refund_id        INTEGER PRIMARY KEY,
	order_id         TEXT NOT NULL REFERENCES orders (order_id),
	line_no          INTEGER,
	rma_id           TEXT REFERENCES rma (rma_id),
	kind             TEXT NOT NULL CHECK (kind IN
	                   ('return','appeasement','cancel','adjustment','exchange')),
	amount           INTEGER NOT NULL CHECK (amount >= 0),
	merchandise      INTEGER NOT NULL DEFAULT 0,
	restocking_fee   INTEGER NOT NULL DEFAULT 0,
	shipping         INTEGER NOT NULL DEFAULT 0,
	reason           TEXT NOT NULL DEFAULT '',
	-- an adjustment's reason code (price_match, damaged_box, ...); else ''
	code             TEXT NOT NULL DEFAULT '',
	tender           TEXT NOT NULL DEFAULT 'original'
	                   CHECK (tender IN ('original','store_credit')),
	at               TEXT NOT NULL,
	run_id           INTEGER
);
INSERT INTO refund_v11 (refund_id, order_id, line_no, rma_id, kind, amount, merchandise,
    restocking_fee, shipping, reason, at, run_id)
    SELECT refund_id, order_id, line_no, rma_id, kind, amount, merchandise,
    restocking_fee, shipping, reason, at, run_id FROM refund;
DROP TABLE refund;
ALTER TABLE refund_v11 RENAME TO refund;
CREATE INDEX refund_by_order ON refund (order_id);

-- Where the refund of units asked back from a node goes when the node
-- answers (oms-order cancel --tender): the tender of the latest request.
ALTER TABLE release_line ADD COLUMN cancel_tender TEXT NOT NULL DEFAULT 'original'
	CHECK (cancel_tender IN ('original','store_credit'));

-- Store credit: one row per movement of a customer's balance.  A refund
-- in tender store_credit credits it (amount > 0, refund_id set); a spend
-- debits it (amount < 0) with the order it paid for (order_ref, which
-- need not be an order of this store).  The balance is the sum, and
-- never goes below zero (oms-order refuses a spend that would).
CREATE TABLE store_credit (
	entry_id         INTEGER PRIMARY KEY,
	customer_id      TEXT NOT NULL,
	amount           INTEGER NOT NULL CHECK (amount <> 0),
	refund_id        INTEGER REFERENCES refund (refund_id),
	order_ref        TEXT NOT NULL DEFAULT '',
	reason           TEXT NOT NULL DEFAULT '',
	by               TEXT NOT NULL DEFAULT '',
	at               TEXT NOT NULL,
	run_id           INTEGER,
	CHECK ((amount > 0) = (refund_id IS NOT NULL))
);
CREATE INDEX store_credit_by_customer ON store_credit (customer_id);

-- The care changes applied under a reference (oms-order's ref column or
-- --ref), so that a change sent twice, a script run again, a file applied
-- again, is applied once: the second is told and changes nothing.
CREATE TABLE change_ref (
	ref              TEXT PRIMARY KEY NOT NULL,
	action           TEXT NOT NULL,
	order_id         TEXT NOT NULL,
	by               TEXT NOT NULL DEFAULT '',
	at               TEXT NOT NULL,
	run_id           INTEGER
) WITHOUT ROWID;
