/*
 * chainmap.h - the industry chain map's records: segments (a DAG per
 * chain), capabilities (who can make a segment) and supply relations (who
 * supplies whom in which segment for how much a year), with all-or-nothing
 * CSV import/export and CRUD. Analytics over them live in graph.h.
 *
 * Who may do what:
 *  - chains and segments: everyone signed in reads; the operator writes.
 *  - capabilities: everyone signed in reads (they are public offers); the
 *    enterprise's owning organisation or the operator writes.
 *  - relations: visible to the buyer's organisation, the supplier's
 *    organisation and the operator; written by the buyer's organisation or
 *    the operator.
 * Every write is one transaction, audited, and bumps graph_version once
 * (chainmap_bump_graph_version): graph snapshots read segments, links and
 * capabilities as well as relations, so any change to them moves it.
 * Imports live in chainmap_csv.c, exports in chainmap_export.c, the rest in
 * chainmap.c.
 */
#ifndef QILIAN_CHAINMAP_H
#define QILIAN_CHAINMAP_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "base/jsonio.h"
#include "base/qerr.h"
#include "registry/account.h"
#include "store/db.h"

#define SEGMENTS_CSV_HEADER "chain,chain_name,segment,segment_name,upstream"
#define CAPABILITIES_CSV_HEADER "uscc,chain,segment,capacity"
#define RELATIONS_CSV_HEADER "buyer_uscc,supplier_uscc,chain,segment,annual_amount_fen"

/* Progress callback for large imports: rows read so far. */
typedef void (*chainmap_progress_fn)(long rows, void *ctx);

/*
 * CSV imports, each all rows or none; *report (new reference, also on
 * failure) is {rows, inserted, updated, error_count, errors:[{line, field,
 * code, message}]}. Segments: chains are created or renamed, segments
 * upserted, and each listed segment's upstream links replaced by the file's
 * (ids of the same chain, ';'-separated); a cycle is an error naming the
 * segments on it. Capabilities and relations refer to enterprises by USCC
 * and to segments by (chain, segment) code; re-importing updates.
 */
enum qerr chainmap_import_segments(struct db *db, const struct actor *a, const char *data, size_t len,
				   chainmap_progress_fn progress, void *ctx, json_t **report, struct qerror *err);
enum qerr chainmap_import_capabilities(struct db *db, const struct actor *a, const char *data, size_t len,
				       chainmap_progress_fn progress, void *ctx, json_t **report, struct qerror *err);
enum qerr chainmap_import_relations(struct db *db, const struct actor *a, const char *data, size_t len,
				    chainmap_progress_fn progress, void *ctx, json_t **report, struct qerror *err);

/*
 * CSV exports in the import formats (what the actor may see), in a stable
 * order: segments in creation order (upstream ids in the same order),
 * capabilities by enterprise then segment, relations in id (import) order.
 */
enum qerr chainmap_export_segments(struct db *db, const struct actor *a, FILE *out, long *rows, struct qerror *err);
enum qerr chainmap_export_capabilities(struct db *db, const struct actor *a, FILE *out, long *rows,
				       struct qerror *err);
enum qerr chainmap_export_relations(struct db *db, const struct actor *a, FILE *out, long *rows, struct qerror *err);

/* One chain with its segments and links: {id,name,name_en,segments:[{code,name,upstream:[code]}]}. */
enum qerr chainmap_chain_get(struct db *db, const char *chain, json_t **out, struct qerror *err);

/*
 * Segment CRUD (operator). upstream is a JSON array of segment codes of the
 * same chain that replaces the segment's links, or NULL to keep them. A
 * cycle is QERR_INVALID ("segment_cycle") naming the path. *out is
 * {chain, code, name, upstream, created}. Deleting a segment some relation
 * uses is QERR_CONFLICT; its links and capabilities go with it otherwise.
 */
enum qerr chainmap_segment_put(struct db *db, const struct actor *a, const char *chain, const char *code,
			       const char *name, const json_t *upstream, json_t **out, struct qerror *err);
enum qerr chainmap_segment_delete(struct db *db, const struct actor *a, const char *chain, const char *code,
				  struct qerror *err);

/* Capabilities of one enterprise, and add/replace/remove one. */
enum qerr chainmap_capabilities_of(struct db *db, const struct actor *a, const char *uscc, json_t **out,
				   struct qerror *err);
enum qerr chainmap_capability_put(struct db *db, const struct actor *a, const char *uscc, const char *chain,
				  const char *segment, int64_t capacity /* -1 = none */, json_t **out,
				  struct qerror *err);
enum qerr chainmap_capability_delete(struct db *db, const struct actor *a, const char *uscc, const char *chain,
				     const char *segment, struct qerror *err);

/* Relations the actor may see, filtered ({buyer, supplier, chain} may be NULL), cursor-paginated. */
struct relation_filter {
	const char *buyer;    /* USCC */
	const char *supplier; /* USCC */
	const char *chain;
	const char *segment; /* segment code (within chain, if given) */
	int limit;
	int64_t cursor;
};
enum qerr chainmap_relation_list(struct db *db, const struct actor *a, const struct relation_filter *f, json_t **out,
				 struct qerror *err);
enum qerr chainmap_relation_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
/*
 * Creates or updates (same buyer, supplier, chain, segment) a relation; *out
 * is the relation with "created". References in the arguments that do not
 * resolve are QERR_INVALID naming the field; a buyer the actor's
 * organisation does not own is QERR_FORBIDDEN.
 */
enum qerr chainmap_relation_put(struct db *db, const struct actor *a, const char *buyer, const char *supplier,
				const char *chain, const char *segment, int64_t annual_amount_fen, json_t **out,
				struct qerror *err);
enum qerr chainmap_relation_delete(struct db *db, const struct actor *a, int64_t id, struct qerror *err);

/* Inside a write transaction: marks the relation graph changed. */
enum qerr chainmap_bump_graph_version(struct db *db, struct qerror *err);

/* The current graph version (outside or inside a transaction). */
enum qerr chainmap_graph_version(struct db *db, int64_t *version, struct qerror *err);

/*
 * The supply relations in which supplier_id supplies buyer_id (database
 * ids), for other chains that rely on the recorded chain (finance: who may
 * be paid with a certificate, a bank's risk view). No actor: the caller has
 * decided who may know. *out (new reference) is [{chain, segment,
 * segment_name, annual_amount_fen, updated_at}], empty when none.
 */
enum qerr chainmap_relations_between(struct db *db, int64_t buyer_id, int64_t supplier_id, json_t **out,
				     struct qerror *err);

/* True when the actor's organisation owns the enterprise with this database id (or the actor is the operator). */
bool chainmap_actor_owns(struct db *db, const struct actor *a, int64_t enterprise_id);

/* True for a chain id or segment code: 1-32 of a-z, 0-9, '_' and '-'. */
bool chainmap_code_ok(const char *code);

/*
 * The sid of segment code in chain, for modules that refer to segments
 * (the market's listings). Fills err with `missing` as the code
 * (chain_not_found / segment_not_found, naming the field) when either does
 * not exist, or QERR_INVALID when a code is malformed.
 */
enum qerr chainmap_find_segment(struct db *db, const char *chain, const char *code, enum qerr missing, int64_t *sid,
				struct qerror *err);

#endif
