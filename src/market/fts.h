/*
 * fts.h - the market tokenizer inside SQLite FTS5, as tokenize='qilian_zh'.
 *
 * FTS5 tables over listing text (title, description) are declared
 *     CREATE VIRTUAL TABLE ... USING fts5(title, body, tokenize='qilian_zh')
 * and every connection that reads or writes them must have registered the
 * tokenizer first, or SQLite reports "no such tokenizer". The tokenizer
 * takes no options: the CREATE statement is fixed text, never built from
 * input (a malformed tokenizer option crashes SQLite 3.40.1's trigram).
 *
 * Documents and auxiliary functions (highlight, snippet) are tokenized in
 * index mode: a word's sub-words are FTS5_TOKEN_COLOCATED with it, so they
 * add index entries but no positions, and phrase queries and bm25 document
 * lengths count words only. MATCH text is tokenized in query mode (words
 * only). See tokenizer.h for the terms and for the query-side choice.
 */
#ifndef QILIAN_MARKET_FTS_H
#define QILIAN_MARKET_FTS_H
#include <sqlite3.h>
#include "base/qerr.h"

#define MARKET_FTS_TOKENIZER "qilian_zh"

/*
 * Registers the "qilian_zh" tokenizer on db through the fts5_api pointer
 * (SELECT fts5(?1) with sqlite3_bind_pointer). Cheap: the dictionary is
 * loaded on the first tokenization, not here. Registering again replaces
 * the earlier registration. Returns QERR_OK, or QERR_INTERNAL with err
 * filled (slug "fts5_unavailable") when this SQLite has no FTS5.
 */
enum qerr market_fts_register(sqlite3 *db, struct qerror *err);

#endif
