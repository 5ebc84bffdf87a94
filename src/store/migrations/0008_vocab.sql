-- 0008: the industrial vocabulary (行业词表) that market matching expands queries with
-- (src/text/vocab.h): a canonical term, a term of one kind, a weight and where it comes from.
--   kind synonym      电动机 = 电机
--        colloquial   马达 → 电机 (trade slang, 俗称)
--        abbreviation BMS → 电池管理系统
--        english      motor → 电机
--        narrower     伺服电机 ⊂ 电机 (term is a kind of canonical)
-- weight: percent, 1..100 (an expansion's weight in the query, multiplied along the way).
-- Seeded once from the data shipped in the binary (src/text/vocab/*.tsv; vocab_state records
-- that it was), then edited by the operator (CLI, API, CSV); every write bumps the 'vocab'
-- change counter, which the cached vocabulary and the match indexes follow.

CREATE TABLE vocab (
  id INTEGER PRIMARY KEY,
  canonical TEXT NOT NULL CHECK (length(canonical) > 0),
  kind TEXT NOT NULL CHECK (kind IN ('synonym', 'colloquial', 'abbreviation', 'english', 'narrower')),
  term TEXT NOT NULL CHECK (length(term) > 0),
  weight INTEGER NOT NULL CHECK (weight >= 1 AND weight <= 100),
  source TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (canonical, kind, term)
);
CREATE INDEX vocab_term ON vocab(term);

-- One row (id 1) once the shipped vocabulary was loaded: removing entries later does not
-- bring them back at the next start.
CREATE TABLE vocab_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seeded_at TEXT NOT NULL,
  seeded_entries INTEGER NOT NULL
);
