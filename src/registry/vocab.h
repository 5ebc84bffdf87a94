/*
 * vocab.h - the operator's side of the industrial vocabulary (行业词表,
 * table vocab, 0008_vocab.sql; what an entry means and how matching uses it:
 * src/text/vocab.h): list, add, change, remove, CSV import and export, and
 * loading the shipped entries once.
 *
 * Reading is open to every signed-in user (it explains their matches);
 * every write is the platform operator's (an admin or member of an operator
 * organisation, or the CLI), runs in one transaction with an audit record
 * (vocab.add, vocab.update, vocab.remove, vocab.import, vocab.seed) and bumps
 * the 'vocab' change counter, so the cached vocabulary and the match
 * indexes follow on their next use.
 *
 * Entry JSON: {"id", "canonical", "kind", "term", "weight" (1..100), "source",
 * "created_at", "updated_at"}. CSV: canonical,kind,term,weight,source; an
 * import upserts by (canonical, kind, term), all rows or none.
 */
#ifndef QILIAN_REGISTRY_VOCAB_H
#define QILIAN_REGISTRY_VOCAB_H
#include <jansson.h>
#include <stdio.h>
#include "base/jsonio.h"
#include "base/qerr.h"
#include "platform/actor.h"
#include "store/db.h"

#define VOCAB_CSV_HEADER "canonical,kind,term,weight,source"

/* Body fields of POST (all required but weight and source) and PATCH (weight, source) /api/v1/vocab. */
extern const struct jfield vocab_entry_fields[];
extern const struct jfield vocab_update_fields[];

/* A page of entries by id: q (substring of canonical or term), kind, limit, after id (cursor). {"items","next_cursor","total"}. */
enum qerr vocab_list(struct db *db, const struct actor *a, const char *q, const char *kind, int limit, int64_t after,
		     json_t **out, struct qerror *err);

/* One entry; QERR_NOT_FOUND. */
enum qerr vocab_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

/* Adds an entry from a decoded body (vocab_entry_fields); 409 vocab_exists when (canonical, kind, term) is there. */
enum qerr vocab_add(struct db *db, const struct actor *a, const json_t *body, json_t **out, struct qerror *err);

/* Changes an entry's weight or source. */
enum qerr vocab_update(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
		       struct qerror *err);

/* Removes an entry; *out is what was removed. */
enum qerr vocab_remove(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

/* Removes by (canonical, kind, term) (the CLI's form); QERR_NOT_FOUND. */
enum qerr vocab_remove_entry(struct db *db, const struct actor *a, const char *canonical, const char *kind,
			     const char *term, json_t **out, struct qerror *err);

/* CSV import (upsert), the shape every importer has (cli.h, api.h). */
enum qerr vocab_import(struct db *db, const struct actor *a, const char *data, size_t len,
		       void (*progress)(long, void *), void *ctx, json_t **report, struct qerror *err);

/* CSV export of every entry in id order. */
enum qerr vocab_export(struct db *db, const struct actor *a, FILE *out, long *rows, struct qerror *err);

/*
 * Loads the shipped vocabulary (text_vocab_seed_tsv) when it was never
 * loaded into this database: one transaction, audited as vocab.seed, then
 * recorded in vocab_state so entries the operator removed stay removed.
 * *inserted (may be NULL) is how many entries it added (0 when it had run).
 * `qilian migrate` and `qilian serve` call it.
 */
enum qerr vocab_seed(struct db *db, const struct actor *a, long *inserted, struct qerror *err);

#endif
