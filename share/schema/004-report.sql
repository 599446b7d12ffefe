-- Schema version 4: the event log indexed by type.
--
-- oms-report reads the events of a few types out of millions: kpi the
-- allocation and routing events, backorders the allocation events, and
-- "events --type" one type after a seq.  Without an index each is a scan
-- of the whole log, payloads and all (1.2 GB for the 3.4 million events of
-- the 1M-line benchmark store); with it, only the rows of those types,
-- in seq order.  The index costs about 20 bytes an event and a little
-- time on every insert (BENCHMARKS.md, "oms-report views").
CREATE INDEX IF NOT EXISTS event_by_type ON event (type);
