-- Schema version 13: policy that runs by itself, per sales channel.  See
-- oms(7), "Channel policy".
--
-- channel_policy: one row per channel (orders.channel), imported with
-- "oms-import channels".  backorder_days: how many days a line may stay
-- backordered before "oms-order expire-backorders" cancels its
-- backordered units (with the refund due); NULL: no limit.
-- hold_release_hours: how many hours a held order keeps its allocated
-- and routed (not released) units before oms-allocate frees them for
-- others; NULL: it keeps them while held.  A channel with no row has
-- neither limit.
CREATE TABLE channel_policy (
	channel            TEXT PRIMARY KEY NOT NULL,
	backorder_days     INTEGER CHECK (backorder_days >= 1),
	hold_release_hours INTEGER CHECK (hold_release_hours >= 1)
) WITHOUT ROWID;

-- When oms-allocate freed the order's stock for this hold (held longer
-- than its channel's hold_release_hours): once per hold, so a hold frees
-- at most once; NULL until then.  An unhold deletes the row, so a new hold
-- starts again.  The partial index holds only the holds not yet freed,
-- the rows each oms-allocate run looks at.
ALTER TABLE order_hold ADD COLUMN stock_freed_at TEXT;
CREATE INDEX order_hold_not_freed ON order_hold (order_id) WHERE stock_freed_at IS NULL;
