-- oms store, schema version 2: holds, releases and what the nodes confirm,
-- returns and refunds.  Same conventions as 001: money the customer pays
-- is integer cents, times are ISO 8601 UTC text.

-- What the customer paid for shipping on the whole order, in cents: its
-- share goes back with a return when the fault is the seller's.
ALTER TABLE orders ADD COLUMN shipping_charge INTEGER NOT NULL DEFAULT 0
	CHECK (shipping_charge >= 0);

-- Holds in force (an unhold deletes the row; the events keep the history).
-- Nothing of a held order is allocated anew or released.
CREATE TABLE order_hold (
	order_id         TEXT NOT NULL REFERENCES orders (order_id),
	hold_type        TEXT NOT NULL CHECK (hold_type IN
	                   ('fraud','payment','address','customer')),
	reason           TEXT NOT NULL DEFAULT '',
	held_by          TEXT NOT NULL DEFAULT '',
	held_at          TEXT NOT NULL,
	PRIMARY KEY (order_id, hold_type)
) WITHOUT ROWID;

-- A release: one shipment request for one order at one node, as sent.
-- business_day is the day whose capacity it used (the node's capacity_per_day
-- counts releases); document is the release exactly as first emitted
-- (JSON), so --resend gives the same bytes.
CREATE TABLE release (
	release_id       TEXT PRIMARY KEY NOT NULL,
	order_id         TEXT NOT NULL REFERENCES orders (order_id),
	node_id          TEXT NOT NULL REFERENCES node (node_id),
	released_at      TEXT NOT NULL,
	business_day     TEXT NOT NULL,
	run_id           INTEGER,
	document         TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX release_by_order ON release (order_id);
CREATE INDEX release_by_node_day ON release (node_id, business_day);

-- The lines of a release.  qty is what was released; shipped (or picked
-- up), short and cancelled are what the node confirmed of it.  What is
-- still out at the node (line_node.released) is qty less those three.
-- cancel_requested: units the customer cancelled after release, asked of
-- the node and not yet answered.
CREATE TABLE release_line (
	release_id       TEXT NOT NULL REFERENCES release (release_id),
	line_no          INTEGER NOT NULL,
	order_id         TEXT NOT NULL,
	qty              INTEGER NOT NULL CHECK (qty >= 1),
	shipped          INTEGER NOT NULL DEFAULT 0 CHECK (shipped >= 0),
	short            INTEGER NOT NULL DEFAULT 0 CHECK (short >= 0),
	cancelled        INTEGER NOT NULL DEFAULT 0 CHECK (cancelled >= 0),
	cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested >= 0),
	CHECK (shipped + short + cancelled <= qty),
	PRIMARY KEY (release_id, line_no),
	FOREIGN KEY (order_id, line_no) REFERENCES order_line (order_id, line_no)
) WITHOUT ROWID;
CREATE INDEX release_line_by_line ON release_line (order_id, line_no);

-- Every confirmation a node sent back, as taken.
CREATE TABLE confirmation (
	seq              INTEGER PRIMARY KEY,
	release_id       TEXT NOT NULL,
	line_no          INTEGER NOT NULL,
	status           TEXT NOT NULL CHECK (status IN
	                   ('shipped','picked_up','short','cancelled')),
	qty              INTEGER NOT NULL CHECK (qty >= 1),
	carrier          TEXT NOT NULL DEFAULT '',
	tracking         TEXT NOT NULL DEFAULT '',
	at               TEXT NOT NULL,
	run_id           INTEGER,
	FOREIGN KEY (release_id, line_no) REFERENCES release_line (release_id, line_no)
);
CREATE INDEX confirmation_by_release ON confirmation (release_id, line_no);

-- A return authorisation (RMA): one per order per authorisation run.
CREATE TABLE rma (
	rma_id           TEXT PRIMARY KEY NOT NULL,
	order_id         TEXT NOT NULL REFERENCES orders (order_id),
	channel          TEXT NOT NULL CHECK (channel IN ('store','mail','locker','dropoff')),
	node_id          TEXT REFERENCES node (node_id),
	authorized_at    TEXT NOT NULL,
	run_id           INTEGER
) WITHOUT ROWID;
CREATE INDEX rma_by_order ON rma (order_id);

CREATE TABLE rma_line (
	rma_id           TEXT NOT NULL REFERENCES rma (rma_id),
	line_no          INTEGER NOT NULL,
	order_id         TEXT NOT NULL,
	qty              INTEGER NOT NULL CHECK (qty >= 1),
	received         INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0),
	reason           TEXT NOT NULL,
	CHECK (received <= qty),
	PRIMARY KEY (rma_id, line_no),
	FOREIGN KEY (order_id, line_no) REFERENCES order_line (order_id, line_no)
) WITHOUT ROWID;
CREATE INDEX rma_line_by_line ON rma_line (order_id, line_no);

-- What came back: condition and what was done with it (restock adds to
-- the node's on_hand; damaged and vendor_return do not).
CREATE TABLE receipt (
	seq              INTEGER PRIMARY KEY,
	rma_id           TEXT NOT NULL,
	line_no          INTEGER NOT NULL,
	qty              INTEGER NOT NULL CHECK (qty >= 1),
	condition        TEXT NOT NULL CHECK (condition IN ('new','opened','damaged')),
	disposition      TEXT NOT NULL CHECK (disposition IN
	                   ('restock','damaged','vendor_return')),
	node_id          TEXT REFERENCES node (node_id),
	at               TEXT NOT NULL,
	run_id           INTEGER,
	FOREIGN KEY (rma_id, line_no) REFERENCES rma_line (rma_id, line_no)
);

-- Money owed back to the customer, in cents, as instructed to the payment
-- system: for a return (rma_id set) or a goodwill appeasement.  line_no
-- NULL: the order as a whole.
CREATE TABLE refund (
	refund_id        INTEGER PRIMARY KEY,
	order_id         TEXT NOT NULL REFERENCES orders (order_id),
	line_no          INTEGER,
	rma_id           TEXT REFERENCES rma (rma_id),
	kind             TEXT NOT NULL CHECK (kind IN ('return','appeasement')),
	amount           INTEGER NOT NULL CHECK (amount >= 0),
	merchandise      INTEGER NOT NULL DEFAULT 0,
	restocking_fee   INTEGER NOT NULL DEFAULT 0,
	shipping         INTEGER NOT NULL DEFAULT 0,
	reason           TEXT NOT NULL DEFAULT '',
	at               TEXT NOT NULL,
	run_id           INTEGER
);
CREATE INDEX refund_by_order ON refund (order_id);
