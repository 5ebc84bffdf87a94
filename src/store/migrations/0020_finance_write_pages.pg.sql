-- 0020: fewer index pages per finance write (the twin of 0020_finance_write_pages.sql, which says why).
-- (holder_org, id): the holder's reads page by id, and a state change no longer touches the index.
DROP INDEX finance_pieces_holder;
CREATE INDEX finance_pieces_holder ON finance_pieces(holder_org, id);

DROP INDEX idempotency_keys_created;
