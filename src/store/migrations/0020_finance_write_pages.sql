-- 0020: fewer index pages per finance write (issue 11, bench/RESULTS.md "Finance transfer
-- throughput"). A transfer rewrote four leaf pages of indexes that its reads did not need.
--
-- finance_pieces_holder was (holder_org, state): every state change of a piece (held -> split,
-- held -> pending_transfer) moved its entry, and the two new pieces landed in yet another part of
-- it. Keyed by holder_org alone (SQLite appends the rowid, so it is (holder_org, id)) a state change
-- leaves it alone and new pieces go to the end of their holder's range; the holder's reads
-- (`holder_org=? AND id<? ... ORDER BY id DESC`) now come in id order without a sort, and filter the
-- few states they want on the way.
DROP INDEX finance_pieces_holder;
CREATE INDEX finance_pieces_holder ON finance_pieces(holder_org);

-- idempotency_keys_created served only idempotency_purge, a maintenance DELETE by age that may scan;
-- every idempotent write of every chain paid a page of it.
DROP INDEX idempotency_keys_created;
