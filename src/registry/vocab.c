/*
 * vocab.c - the operator's edits of the industrial vocabulary and loading the
 * shipped entries (see vocab.h; matching's side is src/text/vocab.c).
 */
#include "registry/vocab.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "platform/audit.h"
#include "platform/csv_import.h"
#include "text/vocab.h"

#define TERM_CHARS 40
#define SOURCE_CHARS 200

static const char *const kind_choices[] = {"synonym", "colloquial", "abbreviation", "english", "narrower", NULL};

const struct jfield vocab_entry_fields[] = {
    {"canonical", JF_STRING, true, 1, TERM_CHARS, NULL, "canonical term, e.g. 电机"},
    {"kind", JF_STRING, true, 0, 0, kind_choices,
     "synonym (同义词), colloquial (俗称), abbreviation (缩写), english (英文) or narrower (下位词: term ⊂ canonical)"},
    {"term", JF_STRING, true, 1, TERM_CHARS, NULL, "the other term, e.g. 马达"},
    {"weight", JF_INT, false, 1, 100, NULL, "weight in the expanded query, percent (default 80)"},
    {"source", JF_STRING, false, 0, SOURCE_CHARS, NULL, "where it comes from, e.g. GB/T 2900.25, 1688 类目"},
    {NULL, 0, false, 0, 0, NULL, NULL},
};

const struct jfield vocab_update_fields[] = {
    {"weight", JF_INT, false, 1, 100, NULL, "weight, percent"},
    {"source", JF_STRING, false, 0, SOURCE_CHARS, NULL, "where it comes from"},
    {NULL, 0, false, 0, 0, NULL, NULL},
};

static bool is_operator(const struct actor *a)
{
	return a->org_type == ORG_OPERATOR;
}

static enum qerr need_operator(const struct actor *a, struct qerror *err)
{
	return is_operator(a) ? QERR_OK
			      : qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
					 "only the platform operator edits the vocabulary");
}

#define ENTRY_COLUMNS "id, canonical, kind, term, weight, source, created_at, updated_at"

static json_t *entry_json(struct db_stmt *st)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:i,s:s,s:s,s:s}", "id", (json_int_t)db_col_int64(st, 0), "canonical",
			 db_col_text(st, 1), "kind", db_col_text(st, 2), "term", db_col_text(st, 3), "weight",
			 db_col_int(st, 4), "source", db_col_text(st, 5), "created_at", db_col_text(st, 6), "updated_at",
			 db_col_text(st, 7));
}

static enum qerr load_entry(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT " ENTRY_COLUMNS " FROM vocab WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	int step = db_step(st, err);
	*out = step == DB_ROW ? entry_json(st) : NULL;
	db_reset(st);
	if (step < 0)
		return err->code;
	if (step != DB_ROW)
		return qerr_set(err, QERR_NOT_FOUND, "vocab_not_found", "id", "vocabulary entry %lld not found",
				(long long)id);
	return *out ? QERR_OK : qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
}

enum qerr vocab_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	(void)a;
	return load_entry(db, id, out, err);
}

enum qerr vocab_list(struct db *db, const struct actor *a, const char *q, const char *kind, int limit, int64_t after,
		     json_t **out, struct qerror *err)
{
	(void)a;
	*out = NULL;
	enum text_vocab_kind k;
	if (kind && *kind && !text_vocab_kind_parse(kind, &k))
		return qerr_set(err, QERR_INVALID, "invalid_kind", "kind",
				"kind: synonym, colloquial, abbreviation, english or narrower");
	if (limit < 1 || limit > 500)
		limit = 100;
	/* A substring filter: an escaped LIKE pattern (same on SQLite and PostgreSQL) */
	char *pat = NULL;
	if (q && *q) {
		size_t n = strlen(q);
		pat = malloc(n * 2 + 3);
		if (!pat)
			return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		size_t j = 0;
		pat[j++] = '%';
		for (size_t i = 0; i < n; i++) {
			if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
				pat[j++] = '\\';
			pat[j++] = q[i];
		}
		pat[j++] = '%';
		pat[j] = '\0';
	}
#define LIST_WHERE                                                                                                     \
	" WHERE id > ? AND (CAST(? AS TEXT) IS NULL OR kind = ?)"                                                      \
	" AND (CAST(? AS TEXT) IS NULL OR canonical LIKE ? ESCAPE '\\' OR term LIKE ? ESCAPE '\\')"
	struct db_stmt *st = db_prepare(db, "SELECT " ENTRY_COLUMNS " FROM vocab" LIST_WHERE " ORDER BY id LIMIT ?", err);
	enum qerr rc = QERR_OK;
	json_t *items = json_array();
	int64_t last = 0, total = 0;
	bool more = false;
	if (!st || !items) {
		rc = st ? qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory") : err->code;
		goto out;
	}
	const char *kv = kind && *kind ? kind : NULL;
	db_bind_int64(st, 1, after);
	db_bind_text_or_null(st, 2, kv);
	db_bind_text_or_null(st, 3, kv);
	db_bind_text_or_null(st, 4, pat);
	db_bind_text_or_null(st, 5, pat);
	db_bind_text_or_null(st, 6, pat);
	db_bind_int(st, 7, limit + 1);
	int step;
	while ((step = db_step(st, err)) == DB_ROW) {
		if ((int)json_array_size(items) == limit) {
			more = true;
			break;
		}
		last = db_col_int64(st, 0);
		json_array_append_new(items, entry_json(st));
	}
	db_reset(st);
	if (step < 0) {
		rc = err->code;
		goto out;
	}
	st = db_prepare(db, "SELECT count(*) FROM vocab" LIST_WHERE, err);
	if (!st) {
		rc = err->code;
		goto out;
	}
	db_bind_int64(st, 1, 0);
	db_bind_text_or_null(st, 2, kv);
	db_bind_text_or_null(st, 3, kv);
	db_bind_text_or_null(st, 4, pat);
	db_bind_text_or_null(st, 5, pat);
	db_bind_text_or_null(st, 6, pat);
	rc = db_scalar_int64(st, &total, err);
	if (rc)
		goto out;
	*out = json_page(items, more, last);
	items = NULL;
	if (!*out)
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	else
		json_object_set_new(*out, "total", json_integer(total));
out:
	json_decref(items);
	free(pat);
	return rc;
}

/* Checks one entry's fields (a row error names the field); weight -1: the default. */
static enum qerr check_entry(const char *canonical, const char *kind, const char *term, int64_t weight,
			     const char *source, struct qerror *err)
{
	char ck[TEXT_TOKEN_MAX + 1], tk[TEXT_TOKEN_MAX + 1];
	enum text_vocab_kind k;
	if (!canonical || !util_utf8_valid(canonical, strlen(canonical)) || util_utf8_len(canonical) > TERM_CHARS ||
	    !text_vocab_key(canonical, ck))
		return qerr_set(err, QERR_INVALID, "invalid_term", "canonical",
				"canonical: 1-%d characters with at least one word", TERM_CHARS);
	if (!term || !util_utf8_valid(term, strlen(term)) || util_utf8_len(term) > TERM_CHARS || !text_vocab_key(term, tk))
		return qerr_set(err, QERR_INVALID, "invalid_term", "term", "term: 1-%d characters with at least one word",
				TERM_CHARS);
	if (!text_vocab_kind_parse(kind, &k))
		return qerr_set(err, QERR_INVALID, "invalid_kind", "kind",
				"kind: synonym, colloquial, abbreviation, english or narrower");
	if (strcmp(ck, tk) == 0)
		return qerr_set(err, QERR_INVALID, "same_term", "term", "term and canonical are the same words");
	if (weight != -1 && (weight < 1 || weight > 100))
		return qerr_set(err, QERR_INVALID, "out_of_range", "weight", "weight: 1 to 100 (percent)");
	if (source && (!util_utf8_valid(source, strlen(source)) || util_utf8_len(source) > SOURCE_CHARS))
		return qerr_set(err, QERR_INVALID, "invalid_source", "source", "source: at most %d characters",
				SOURCE_CHARS);
	return QERR_OK;
}

/* Inserts or (upsert) updates one entry inside the caller's transaction; *id set, *inserted says which. */
static enum qerr write_entry(struct db *db, const char *canonical, const char *kind, const char *term, int weight,
			     const char *source, bool upsert, int64_t *id, bool *inserted, struct qerror *err)
{
	char now[32];
	util_now_iso(now, sizeof now);
	struct db_stmt *st = db_prepare(db, "SELECT id FROM vocab WHERE canonical=? AND kind=? AND term=?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, canonical);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, term);
	int step = db_step(st, err);
	int64_t existing = step == DB_ROW ? db_col_int64(st, 0) : 0;
	db_reset(st);
	if (step < 0)
		return err->code;
	if (existing) {
		if (!upsert)
			return qerr_set(err, QERR_CONFLICT, "vocab_exists", "term", "%s (%s) of %s is already an entry (id %lld)",
					term, kind, canonical, (long long)existing);
		st = db_prepare(db, "UPDATE vocab SET weight=?, source=?, updated_at=? WHERE id=?", err);
		if (!st)
			return err->code;
		db_bind_int(st, 1, weight);
		db_bind_text(st, 2, source ? source : "");
		db_bind_text(st, 3, now);
		db_bind_int64(st, 4, existing);
		if (db_run(st, err))
			return err->code;
		*id = existing;
		*inserted = false;
		return QERR_OK;
	}
	st = db_prepare(db,
			"INSERT INTO vocab(canonical, kind, term, weight, source, created_at, updated_at)"
			" VALUES(?,?,?,?,?,?,?) RETURNING id",
			err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, canonical);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, term);
	db_bind_int(st, 4, weight);
	db_bind_text(st, 5, source ? source : "");
	db_bind_text(st, 6, now);
	db_bind_text(st, 7, now);
	*inserted = true;
	return db_scalar_int64(st, id, err);
}

enum qerr vocab_add(struct db *db, const struct actor *a, const json_t *body, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (need_operator(a, err))
		return err->code;
	const char *canonical = json_str(body, "canonical", NULL), *kind = json_str(body, "kind", NULL),
		   *term = json_str(body, "term", NULL), *source = json_str(body, "source", "");
	int64_t weight = json_int(body, "weight", 80);
	if (check_entry(canonical, kind, term, weight, source, err))
		return err->code;
	enum qerr rc = db_begin_write(db, err);
	if (rc)
		return rc;
	int64_t id = 0;
	bool inserted;
	rc = write_entry(db, canonical, kind, term, (int)weight, source, false, &id, &inserted, err);
	if (!rc)
		rc = load_entry(db, id, out, err);
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	if (!rc)
		rc = audit_record(db, a, "vocab.add", "vocab", ids, *out, err);
	if (!rc)
		rc = db_touch(db, "vocab", err);
	if (!rc)
		rc = db_commit(db, err);
	if (rc) {
		db_rollback(db);
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

enum qerr vocab_update(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
		       struct qerror *err)
{
	*out = NULL;
	if (need_operator(a, err))
		return err->code;
	const char *source = json_str(body, "source", NULL);
	int64_t weight = json_int(body, "weight", -1);
	if ((weight != -1 && (weight < 1 || weight > 100)))
		return qerr_set(err, QERR_INVALID, "out_of_range", "weight", "weight: 1 to 100 (percent)");
	if (source && util_utf8_len(source) > SOURCE_CHARS)
		return qerr_set(err, QERR_INVALID, "invalid_source", "source", "source: at most %d characters",
				SOURCE_CHARS);
	enum qerr rc = db_begin_write(db, err);
	if (rc)
		return rc;
	json_t *before = NULL;
	rc = load_entry(db, id, &before, err);
	char now[32];
	util_now_iso(now, sizeof now);
	struct db_stmt *st = NULL;
	if (!rc && !(st = db_prepare(db,
				      "UPDATE vocab SET weight=coalesce(CAST(? AS BIGINT), weight),"
				      " source=coalesce(CAST(? AS TEXT), source), updated_at=? WHERE id=?",
				      err)))
		rc = err->code;
	if (!rc) {
		if (weight == -1)
			db_bind_null(st, 1);
		else
			db_bind_int64(st, 1, weight);
		db_bind_text_or_null(st, 2, source);
		db_bind_text(st, 3, now);
		db_bind_int64(st, 4, id);
		rc = db_run(st, err);
	}
	if (!rc)
		rc = load_entry(db, id, out, err);
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	if (!rc) {
		json_t *detail = json_pack("{s:O,s:O}", "before", before, "after", *out);
		rc = audit_record(db, a, "vocab.update", "vocab", ids, detail, err);
		json_decref(detail);
	}
	if (!rc)
		rc = db_touch(db, "vocab", err);
	if (!rc)
		rc = db_commit(db, err);
	json_decref(before);
	if (rc) {
		db_rollback(db);
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static enum qerr remove_by(struct db *db, const struct actor *a, int64_t id, const char *canonical, const char *kind,
			   const char *term, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (need_operator(a, err))
		return err->code;
	enum qerr rc = db_begin_write(db, err);
	if (rc)
		return rc;
	if (!id) {
		struct db_stmt *st = db_prepare(db, "SELECT id FROM vocab WHERE canonical=? AND kind=? AND term=?", err);
		if (!st) {
			db_rollback(db);
			return err->code;
		}
		db_bind_text(st, 1, canonical);
		db_bind_text(st, 2, kind);
		db_bind_text(st, 3, term);
		int step = db_step(st, err);
		id = step == DB_ROW ? db_col_int64(st, 0) : 0;
		db_reset(st);
		if (step < 0 || !id) {
			db_rollback(db);
			return step < 0 ? err->code
					: qerr_set(err, QERR_NOT_FOUND, "vocab_not_found", "term",
						   "no entry %s (%s) of %s", term, kind, canonical);
		}
	}
	rc = load_entry(db, id, out, err);
	struct db_stmt *st = NULL;
	if (!rc && !(st = db_prepare(db, "DELETE FROM vocab WHERE id=?", err)))
		rc = err->code;
	if (!rc) {
		db_bind_int64(st, 1, id);
		rc = db_run(st, err);
	}
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	if (!rc)
		rc = audit_record(db, a, "vocab.remove", "vocab", ids, *out, err);
	if (!rc)
		rc = db_touch(db, "vocab", err);
	if (!rc)
		rc = db_commit(db, err);
	if (rc) {
		db_rollback(db);
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

enum qerr vocab_remove(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	return remove_by(db, a, id, NULL, NULL, NULL, out, err);
}

enum qerr vocab_remove_entry(struct db *db, const struct actor *a, const char *canonical, const char *kind,
			     const char *term, json_t **out, struct qerror *err)
{
	if (!canonical || !kind || !term)
		return qerr_set(err, QERR_INVALID, "required", "term", "canonical, kind and term are required");
	return remove_by(db, a, 0, canonical, kind, term, out, err);
}

/* ---- CSV ---- */

static const char *const csv_columns[] = {"canonical", "kind", "term", "weight", "source"};

static enum qerr import_row(void *ctx, struct csv_import *im, struct qerror *rowerr, struct qerror *err)
{
	(void)ctx;
	const char *const *f = im->r.field;
	int64_t weight = 80;
	if (*f[3] && !util_parse_i64(f[3], 1, 100, &weight)) {
		qerr_set(rowerr, QERR_INVALID, "out_of_range", "weight", "weight: 1 to 100 (percent)");
		return QERR_OK;
	}
	if (check_entry(f[0], f[1], f[2], weight, f[4], rowerr))
		return QERR_OK;
	if (im->rejected)
		return QERR_OK;
	int64_t id;
	bool inserted;
	if (write_entry(im->db, f[0], f[1], f[2], (int)weight, f[4], true, &id, &inserted, err))
		return err->code;
	if (inserted)
		im->inserted++;
	else
		im->updated++;
	return QERR_OK;
}

static enum qerr import_finish(void *ctx, struct csv_import *im, struct qerror *err)
{
	(void)ctx;
	return db_touch(im->db, "vocab", err);
}

static const struct csv_import_ops import_ops = {
    .columns = csv_columns,
    .ncolumns = 5,
    .header = VOCAB_CSV_HEADER,
    .audit_action = "vocab.import",
    .audit_object = "vocab",
    .row = import_row,
    .finish = import_finish,
};

enum qerr vocab_import(struct db *db, const struct actor *a, const char *data, size_t len,
		       void (*progress)(long, void *), void *ctx, json_t **report, struct qerror *err)
{
	*report = NULL;
	if (need_operator(a, err))
		return err->code;
	return csv_import_run(db, a, &import_ops, NULL, data, len, progress, ctx, report, err);
}

enum qerr vocab_export(struct db *db, const struct actor *a, FILE *out, long *rows, struct qerror *err)
{
	(void)a;
	*rows = 0;
	struct db_stmt *st = db_prepare(db, "SELECT canonical, kind, term, weight, source FROM vocab ORDER BY id", err);
	if (!st)
		return err->code;
	fputs(VOCAB_CSV_HEADER "\n", out);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		char w[16];
		snprintf(w, sizeof w, "%d", db_col_int(st, 3));
		csv_write_field(out, db_col_text(st, 0), 1);
		csv_write_field(out, db_col_text(st, 1), 0);
		csv_write_field(out, db_col_text(st, 2), 0);
		csv_write_field(out, w, 0);
		csv_write_field(out, db_col_text(st, 4), 0);
		fputc('\n', out);
		(*rows)++;
	}
	db_reset(st);
	return rc < 0 ? err->code : QERR_OK;
}

/* ---- the shipped entries ---- */

struct seed {
	struct db *db;
	long inserted, bad;
	struct qerror *err;
	enum qerr rc;
};

static int seed_one(void *ctx, const char *canonical, const char *kind, const char *term, int weight,
		    const char *source, long line)
{
	struct seed *s = ctx;
	struct qerror rowerr = {0};
	if (check_entry(canonical, kind, term, weight, source, &rowerr)) {
		s->bad++; /* tests/unit/test_vocab.c keeps the shipped data clean; never fail a start over one line */
		(void)line;
		return 0;
	}
	int64_t id;
	bool inserted;
	s->rc = write_entry(s->db, canonical, kind, term, weight, source, true, &id, &inserted, s->err);
	if (s->rc)
		return 1;
	s->inserted += inserted;
	return 0;
}

enum qerr vocab_seed(struct db *db, const struct actor *a, long *inserted, struct qerror *err)
{
	if (inserted)
		*inserted = 0;
	int64_t done = 0;
	enum qerr rc = db_query_int64(db, "SELECT count(*) FROM vocab_state", &done, err);
	if (rc || done)
		return rc; /* the usual case, without taking the write lock */
	rc = db_begin_write(db, err);
	if (rc)
		return rc;
	rc = db_query_int64(db, "SELECT count(*) FROM vocab_state", &done, err);
	if (rc || done) {
		db_rollback(db);
		return rc;
	}
	struct seed s = {.db = db, .err = err};
	text_vocab_seed_each(seed_one, &s);
	rc = s.rc;
	char now[32];
	util_now_iso(now, sizeof now);
	struct db_stmt *st = NULL;
	if (!rc && !(st = db_prepare(db, "INSERT INTO vocab_state(id, seeded_at, seeded_entries) VALUES(1,?,?)", err)))
		rc = err->code;
	if (!rc) {
		db_bind_text(st, 1, now);
		db_bind_int64(st, 2, s.inserted);
		rc = db_run(st, err);
	}
	if (!rc) {
		json_t *detail = json_pack("{s:I,s:I}", "inserted", (json_int_t)s.inserted, "skipped", (json_int_t)s.bad);
		rc = audit_record(db, a, "vocab.seed", "vocab", "*", detail, err);
		json_decref(detail);
	}
	if (!rc)
		rc = db_touch(db, "vocab", err);
	if (!rc)
		rc = db_commit(db, err);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	if (inserted)
		*inserted = s.inserted;
	return QERR_OK;
}
