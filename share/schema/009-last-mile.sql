-- Schema version 9: the last mile.  A release no longer ends at "shipped"
-- or "picked_up": a pickup or curbside line is made ready and waits at
-- its store, a curbside customer checks in, a locker parcel is delivered
-- into a compartment and collected, a parcel is delivered by its carrier.
-- See oms(7), "The last mile".

-- How many days a node keeps what waits for collection before
-- oms-release --expire cancels it (stores, lockers).
ALTER TABLE node ADD COLUMN pickup_hold_days INTEGER NOT NULL DEFAULT 7
	CHECK (pickup_hold_days >= 1);
-- Whether a pickup at this store may be sourced from another node and
-- shipped to it (off: the line waits for the store's own stock).
ALTER TABLE node ADD COLUMN ship_to_store INTEGER NOT NULL DEFAULT 0;
-- How many hours a node has to confirm a release before it is overdue;
-- NULL: 4 for a release of pickup or curbside lines, else 24.
ALTER TABLE node ADD COLUMN confirm_hours INTEGER CHECK (confirm_hours >= 1);

-- When a shipment was delivered: the time its last shipped unit was
-- (NULL until every unit it shipped is), which the on-time KPI compares
-- with the promise where it is known.
ALTER TABLE shipment ADD COLUMN delivered_at TEXT;

-- A release line's last-mile units.  ready: units waiting for collection
-- (a pickup or curbside line: staged at its store, still out at the node;
-- a locker line: delivered into the locker, shipped); delivered: units
-- the carrier (or the locker) delivered, of those shipped; collected:
-- units of a locker line the customer took from the locker.  location:
-- where the ready units are staged (a shelf, a bay, a compartment).
-- (A line's ready units are never more than it has; what was delivered
-- was shipped, what was collected from a locker was delivered.)
ALTER TABLE release_line ADD COLUMN ready INTEGER NOT NULL DEFAULT 0
	CHECK (ready >= 0 AND ready <= qty);
ALTER TABLE release_line ADD COLUMN delivered INTEGER NOT NULL DEFAULT 0
	CHECK (delivered >= 0 AND delivered <= shipped);
ALTER TABLE release_line ADD COLUMN collected INTEGER NOT NULL DEFAULT 0
	CHECK (collected >= 0 AND collected <= delivered);
ALTER TABLE release_line ADD COLUMN location TEXT NOT NULL DEFAULT '';

-- What waits for one order at one node to be collected (a store for
-- pickup and curbside lines, a locker for locker lines).  code: the
-- pickup code; ready_at: when every line to collect there was ready
-- (order.ready_for_pickup), NULL until then; last_day: the last day to
-- collect (ready day + the node's pickup_hold_days); arrived_at, bay,
-- vehicle: the curbside customer's check-in; reminded_at, expired_at,
-- collected_at: when pickup.reminder, pickup.expired and order.collected
-- went out, each once.
CREATE TABLE collection (
	order_id         TEXT NOT NULL REFERENCES orders (order_id),
	node_id          TEXT NOT NULL REFERENCES node (node_id),
	code             TEXT NOT NULL DEFAULT '',
	ready_at         TEXT,
	last_day         TEXT,
	arrived_at       TEXT,
	bay              TEXT NOT NULL DEFAULT '',
	vehicle          TEXT NOT NULL DEFAULT '',
	reminded_at      TEXT,
	expired_at       TEXT,
	collected_at     TEXT,
	PRIMARY KEY (order_id, node_id)
) WITHOUT ROWID;
CREATE INDEX collection_by_node ON collection (node_id);

-- The confirmations, with the last mile's statuses and columns (the
-- table is rebuilt: SQLite cannot change a check in place).
CREATE TABLE confirmation_v9 (
	seq              INTEGER PRIMARY KEY,
	release_id       TEXT NOT NULL,
	line_no          INTEGER NOT NULL,
	status           TEXT NOT NULL CHECK (status = 'shipped' OR
	                   status = 'picked_up' OR status = 'short' OR
	                   status = 'cancelled' OR status = 'ready' OR
	                   status = 'arrived' OR status = 'received' OR
	                   status = 'delivered'),
	qty              INTEGER NOT NULL CHECK (qty >= 0),
	carrier          TEXT NOT NULL DEFAULT '',
	tracking         TEXT NOT NULL DEFAULT '',
	at               TEXT NOT NULL,
	run_id           INTEGER,
	location         TEXT NOT NULL DEFAULT '',
	code             TEXT NOT NULL DEFAULT '',
	bay              TEXT NOT NULL DEFAULT '',
	vehicle          TEXT NOT NULL DEFAULT '',
	FOREIGN KEY (release_id, line_no) REFERENCES release_line (release_id, line_no)
);
INSERT INTO confirmation_v9 (seq, release_id, line_no, status, qty, carrier,
    tracking, at, run_id)
SELECT seq, release_id, line_no, status, qty, carrier, tracking, at, run_id
FROM confirmation;
DROP TABLE confirmation;
ALTER TABLE confirmation_v9 RENAME TO confirmation;
CREATE INDEX confirmation_by_release ON confirmation (release_id, line_no);
CREATE INDEX confirmation_by_tracking ON confirmation (carrier, tracking)
	WHERE tracking <> '';

-- Carrier tracking updates as taken, keyed by carrier and tracking
-- number: in_transit, out_for_delivery, delivered or exception.
CREATE TABLE tracking_update (
	seq              INTEGER PRIMARY KEY,
	carrier          TEXT NOT NULL,
	tracking         TEXT NOT NULL,
	status           TEXT NOT NULL CHECK (status = 'in_transit' OR
	                   status = 'out_for_delivery' OR status = 'delivered' OR
	                   status = 'exception'),
	detail           TEXT NOT NULL DEFAULT '',
	at               TEXT NOT NULL,
	run_id           INTEGER
);
CREATE INDEX tracking_update_by_number ON tracking_update (carrier, tracking);

-- Refunds of a third kind: 'cancel', money owed for units cancelled
-- after they were paid for (what oms-release --expire cancels of a pickup
-- nobody collected).  The table is rebuilt for its check, as above.
CREATE TABLE refund_v9 (
	refund_id        INTEGER PRIMARY KEY,
	order_id         TEXT NOT NULL REFERENCES orders (order_id),
	line_no          INTEGER,
	rma_id           TEXT REFERENCES rma (rma_id),
	kind             TEXT NOT NULL CHECK (kind = 'return' OR kind = 'appeasement' OR
	                   kind = 'cancel'),
	amount           INTEGER NOT NULL CHECK (amount >= 0),
	merchandise      INTEGER NOT NULL DEFAULT 0,
	restocking_fee   INTEGER NOT NULL DEFAULT 0,
	shipping         INTEGER NOT NULL DEFAULT 0,
	reason           TEXT NOT NULL DEFAULT '',
	at               TEXT NOT NULL,
	run_id           INTEGER
);
INSERT INTO refund_v9 SELECT refund_id, order_id, line_no, rma_id, kind, amount,
    merchandise, restocking_fee, shipping, reason, at, run_id FROM refund;
DROP TABLE refund;
ALTER TABLE refund_v9 RENAME TO refund;
CREATE INDEX refund_by_order ON refund (order_id);

-- The collections oms-release --expire looks at: announced ready, not yet
-- collected or expired.
CREATE INDEX collection_open ON collection (last_day)
	WHERE ready_at IS NOT NULL AND collected_at IS NULL AND expired_at IS NULL;

-- The events sent once, and so never again: their type (order.shipped,
-- order.delivered, and the alerts release.overdue, order.at_risk,
-- node.capacity_filled), what each is of (an order, a release, an order
-- line at a node, a node's day) and, for a line at risk, the plan it was
-- at risk with (a new plan at risk is told again).
CREATE TABLE sent_once (
	kind             TEXT NOT NULL,
	subject          TEXT NOT NULL,
	plan             TEXT NOT NULL DEFAULT '',
	at               TEXT NOT NULL,
	PRIMARY KEY (kind, subject, plan)
) WITHOUT ROWID;
