/*
 * fts.h - the word tokenizer inside the database's full-text indexes, as
 * tokenize='qilian_zh'.
 *
 * FTS5 tables over listing text (title, description) are declared
 *     CREATE VIRTUAL TABLE ... USING fts5(title, body, tokenize='qilian_zh')
 * and every connection that reads or writes them must have the tokenizer,
 * or SQLite reports "no such tokenizer". text_fts_install() adds a store
 * open hook, so every connection db_open makes afterwards has it. The
 * tokenizer takes no options: the CREATE statement is fixed text, never
 * built from input (a malformed tokenizer option crashes SQLite 3.40.1's
 * trigram).
 *
 * Documents and auxiliary functions (highlight, snippet) are tokenized in
 * index mode: a word's sub-words are colocated with it, so they add index
 * entries but no positions, and phrase queries and bm25 document lengths
 * count words only. MATCH text is tokenized in query mode (words only).
 * See tokenizer.h for the terms and for the query-side choice.
 */
#ifndef QILIAN_TEXT_FTS_H
#define QILIAN_TEXT_FTS_H
#include "base/qerr.h"
#include "store/db.h"

#define TEXT_FTS_TOKENIZER "qilian_zh"

/*
 * Makes every connection opened from now on register the tokenizer (a
 * db_add_open_hook). Call once at start-up before threads; calling again
 * does nothing. Registering is cheap: the dictionary loads on first use.
 */
void text_fts_install(void);

/* Registers the tokenizer on one connection (what the hook does). QERR_INTERNAL without full-text support. */
enum qerr text_fts_register(struct db *db, struct qerror *err);

#endif
