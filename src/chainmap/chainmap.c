/*
 * chainmap.c - the chain map's records one at a time: a chain with its
 * segments, segment and capability CRUD, supply relations with their
 * visibility rules, and the graph version that tells snapshots to rebuild.
 * CSV import is chainmap_csv.c, export chainmap_export.c.
 *
 * Visibility of a relation is decided per row from the owners of its two
 * enterprises, in SQL for lists and in C for single rows, so the rule is
 * written once per path: operator, buyer's organisation, supplier's
 * organisation. Anyone else gets 404, as if the relation did not exist.
 */
#include "chainmap/chainmap.h"

#include <stdlib.h>
#include <string.h>
#include "base/util.h"
#include "chainmap/chainmap_int.h"
#include "platform/audit.h"
#include "platform/enterprise_ref.h"

/* ---------- shared helpers ---------- */

bool chainmap_code_ok(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n == 0 || n > CHAINMAP_CODE_MAX)
		return false;
	for (const char *p = code; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

enum qerr chainmap_check_code(const char *code, const char *field, struct qerror *err)
{
	if (chainmap_code_ok(code))
		return QERR_OK;
	/* The bad value is not echoed: cut at a byte limit it could end inside a UTF-8 character. */
	return qerr_set(err, QERR_INVALID, strcmp(field, "chain") == 0 ? "invalid_chain_id" : "invalid_segment_code",
			field, "%s应为1至32位小写字母、数字、_或- (%s must be 1-32 of a-z, 0-9, _ and -)", field,
			field);
}

enum qerr chainmap_check_name(const char *name, const char *field, struct qerror *err)
{
	size_t n = name ? util_utf8_len(name) : 0;
	if (n == 0 || n > CHAINMAP_NAME_MAX)
		return qerr_set(err, QERR_INVALID, "invalid_name", field,
				"%s应为1至100个字符 (%s needs 1 to 100 characters)", field, field);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return qerr_set(err, QERR_INVALID, "invalid_name", field,
					"%s含有控制字符 (%s contains control characters)", field, field);
	return QERR_OK;
}

long chainmap_find_cycle(size_t n, const struct seg_edge *edges, size_t nedges, const long *rank, uint32_t *cycle)
{
	if (n == 0)
		return 0;
	/* Kahn's algorithm peels off every node not on or behind a cycle. */
	uint32_t *indeg = calloc(n, sizeof *indeg);
	size_t *start = calloc(n + 1, sizeof *start);
	uint32_t *adj = calloc(nedges + 1, sizeof *adj);
	uint32_t *queue = calloc(n, sizeof *queue);
	int64_t *seen_at = malloc(n * sizeof *seen_at);
	uint32_t *pred = calloc(n, sizeof *pred);
	long found = -1;
	if (!indeg || !start || !adj || !queue || !seen_at || !pred)
		goto out;
	for (size_t i = 0; i < nedges; i++) {
		start[edges[i].up + 1]++;
		indeg[edges[i].down]++;
	}
	for (size_t v = 0; v < n; v++)
		start[v + 1] += start[v];
	for (size_t i = 0; i < nedges; i++)
		adj[start[edges[i].up]++] = edges[i].down;
	for (size_t v = n; v > 0; v--)
		start[v] = start[v - 1];
	start[0] = 0;
	size_t head = 0, tail = 0;
	for (size_t v = 0; v < n; v++)
		if (indeg[v] == 0)
			queue[tail++] = (uint32_t)v;
	while (head < tail) {
		uint32_t v = queue[head++];
		for (size_t k = start[v]; k < start[v + 1]; k++)
			if (--indeg[adj[k]] == 0)
				queue[tail++] = adj[k];
	}
	found = 0;
	if (tail == n)
		goto out;
	/* Every node left has a predecessor that is also left: walk back until a node repeats. */
	for (size_t i = 0; i < nedges; i++)
		if (indeg[edges[i].up] && indeg[edges[i].down])
			pred[edges[i].down] = edges[i].up;
	size_t first = n;
	for (size_t v = 0; v < n; v++)
		if (indeg[v] && (first == n || (rank ? rank[v] < rank[first] : false)))
			first = v;
	for (size_t v = 0; v < n; v++)
		seen_at[v] = -1;
	uint32_t v = (uint32_t)first;
	int64_t step = 0;
	while (seen_at[v] < 0) {
		seen_at[v] = step;
		queue[step++] = v; /* queue is free again: reuse it for the walk */
		v = pred[v];
	}
	/* queue[seen_at[v] .. step-1] is the cycle backwards (each is fed by the next). */
	size_t len = (size_t)(step - seen_at[v]);
	for (size_t i = 0; i < len; i++)
		cycle[i] = queue[step - 1 - (int64_t)i];
	size_t best = 0;
	for (size_t i = 1; i < len; i++)
		if (rank ? rank[cycle[i]] < rank[cycle[best]] : cycle[i] < cycle[best])
			best = i;
	/* Rotate so the cycle starts at its smallest rank. */
	for (size_t i = 0; i < len; i++)
		queue[i] = cycle[(best + i) % len];
	memcpy(cycle, queue, len * sizeof *cycle);
	found = (long)len;
out:
	free(indeg);
	free(start);
	free(adj);
	free(queue);
	free(seen_at);
	free(pred);
	return found;
}

/*
 * Checks a USCC given as field and finds its enterprise. missing is the
 * error code when it is not registered (404 for a path, 422 for a body).
 */
static enum qerr find_enterprise(struct db *db, const char *text, const char *field, enum qerr missing,
				 char canon[USCC_LEN + 1], int64_t *id, int64_t *org_id, struct qerror *err)
{
	*id = *org_id = 0;
	if (uscc_check(text, canon, err)) {
		snprintf(err->field, sizeof err->field, "%s", field);
		return err->code;
	}
	if (enterprise_ref_owner(db, canon, id, org_id, err))
		return err->code;
	if (!*id)
		return enterprise_ref_not_registered(err, missing, field, canon);
	return QERR_OK;
}

enum qerr chainmap_find_segment(struct db *db, const char *chain, const char *code, enum qerr missing, int64_t *sid,
				struct qerror *err)
{
	*sid = 0;
	if (chainmap_check_code(chain, "chain", err) || chainmap_check_code(code, "segment", err))
		return err->code;
	struct db_stmt *st = db_prepare(db,
					"SELECT (SELECT sid FROM segments WHERE chain_id=?1 AND code=?2),"
					" EXISTS(SELECT 1 FROM chains WHERE id=?1)",
					err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, chain);
	db_bind_text(st, 2, code);
	if (db_step(st, err) != DB_ROW)
		return err->code ? err->code : QERR_INTERNAL;
	*sid = db_col_int64(st, 0);
	bool chain_exists = db_col_int(st, 1) != 0;
	db_reset(st);
	if (!chain_exists)
		return qerr_set(err, missing, "chain_not_found", "chain", "产业链不存在 (no chain '%s')", chain);
	if (!*sid)
		return qerr_set(err, missing, "segment_not_found", "segment",
				"环节不存在 (chain '%s' has no segment '%s')", chain, code);
	return QERR_OK;
}

static enum qerr fail_tx(struct db *db, struct qerror *err)
{
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

enum qerr chainmap_bump_graph_version(struct db *db, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "UPDATE graph_version SET version=version+1 WHERE id=1", err);
	if (!st)
		return err->code;
	return db_run(st, err);
}

enum qerr chainmap_graph_version(struct db *db, int64_t *version, struct qerror *err)
{
	*version = 0;
	struct db_stmt *st = db_prepare(db, "SELECT version FROM graph_version WHERE id=1", err);
	if (!st)
		return err->code;
	int rc = db_step(st, err);
	if (rc < 0)
		return err->code;
	if (rc == DB_ROW)
		*version = db_col_int64(st, 0);
	db_reset(st);
	return QERR_OK;
}

bool chainmap_actor_owns(struct db *db, const struct actor *a, int64_t enterprise_id)
{
	if (a->org_type == ORG_OPERATOR)
		return true;
	struct qerror e = {0};
	struct enterprise_ref ref;
	return enterprise_ref_by_id(db, enterprise_id, &ref, &e) == QERR_OK && a->org_id && ref.org_id == a->org_id;
}

enum qerr chainmap_relations_between(struct db *db, int64_t buyer_id, int64_t supplier_id, json_t **out,
				     struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(db,
					"SELECT s.chain_id,s.code,s.name,r.annual_amount_fen,r.updated_at"
					" FROM relations r JOIN segments s ON s.sid=r.sid"
					" WHERE r.buyer_id=? AND r.supplier_id=? ORDER BY s.chain_id,s.code",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, buyer_id);
	db_bind_int64(st, 2, supplier_id);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:I,s:s}", "chain", db_col_text(st, 0), "segment",
						       db_col_text(st, 1), "segment_name", db_col_text(st, 2),
						       "annual_amount_fen", (json_int_t)db_col_int64(st, 3),
						       "updated_at", db_col_text(st, 4)));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = items;
	return QERR_OK;
}

/* Appends the codes of the segments feeding sid (in sid order) to arr. */
enum qerr chainmap_upstream_of(struct db *db, int64_t sid, json_t *arr, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"SELECT u.code FROM segment_links l JOIN segments u ON u.sid=l.upstream"
					" WHERE l.downstream=? ORDER BY u.sid",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, sid);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(arr, json_string(db_col_text(st, 0)));
	return rc < 0 ? err->code : QERR_OK;
}

/* ---------- chains and segments ---------- */

enum qerr chainmap_chain_get(struct db *db, const char *chain, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (chainmap_check_code(chain, "chain", err))
		return err->code;
	struct db_stmt *st = db_prepare(db, "SELECT id,name,name_en FROM chains WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, chain);
	int rc = db_step(st, err);
	if (rc < 0)
		return err->code;
	if (rc != DB_ROW)
		return qerr_set(err, QERR_NOT_FOUND, "chain_not_found", "chain", "产业链不存在 (no chain '%s')", chain);
	json_t *segs = json_array();
	json_t *res = json_pack("{s:s,s:s,s:s,s:o}", "id", db_col_text(st, 0), "name", db_col_text(st, 1), "name_en",
				db_col_text(st, 2), "segments", segs);
	db_reset(st);
	st = db_prepare(db, "SELECT sid,code,name FROM segments WHERE chain_id=? ORDER BY sid", err);
	if (!st)
		goto fail;
	db_bind_text(st, 1, chain);
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *up = json_array();
		json_array_append_new(segs, json_pack("{s:s,s:s,s:o}", "code", db_col_text(st, 1), "name",
						      db_col_text(st, 2), "upstream", up));
		if (chainmap_upstream_of(db, db_col_int64(st, 0), up, err))
			goto fail;
	}
	if (rc < 0)
		goto fail;
	*out = res;
	return QERR_OK;
fail:
	json_decref(res);
	return err->code ? err->code : QERR_INTERNAL;
}

void chainmap_graph_free(struct chain_graph *g)
{
	free(g->sid);
	free(g->code);
	free(g->edges);
	memset(g, 0, sizeof *g);
}

static long graph_index_of_sid(const struct chain_graph *g, int64_t sid)
{
	size_t lo = 0, hi = g->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (g->sid[mid] < sid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->n && g->sid[lo] == sid ? (long)lo : -1;
}

long chainmap_graph_find(const struct chain_graph *g, const char *code)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->code[i], code) == 0)
			return (long)i;
	return -1;
}

enum qerr chainmap_graph_load(struct db *db, const char *chain, size_t extra, struct chain_graph *g, struct qerror *err)
{
	memset(g, 0, sizeof *g);
	size_t cap = 16;
	struct db_stmt *st = db_prepare(db, "SELECT sid,code FROM segments WHERE chain_id=? ORDER BY sid", err);
	if (!st)
		return err->code ? err->code : QERR_INTERNAL;
	db_bind_text(st, 1, chain);
	g->sid = malloc((cap + extra) * sizeof *g->sid);
	g->code = malloc((cap + extra) * sizeof *g->code);
	if (!g->sid || !g->code)
		goto oom;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (g->n == cap) {
			int64_t *s = realloc(g->sid, (cap * 2 + extra) * sizeof *g->sid);
			if (s)
				g->sid = s;
			char(*c)[CHAINMAP_CODE_MAX + 1] =
			    s ? realloc(g->code, (cap * 2 + extra) * sizeof *g->code) : NULL;
			if (!c) {
				db_reset(st);
				goto oom;
			}
			g->code = c;
			cap *= 2;
		}
		g->sid[g->n] = db_col_int64(st, 0);
		snprintf(g->code[g->n], sizeof g->code[0], "%s", db_col_text(st, 1));
		g->n++;
	}
	if (rc < 0)
		return err->code ? err->code : QERR_INTERNAL;
	st = db_prepare(db,
			"SELECT l.upstream,l.downstream FROM segment_links l JOIN segments d ON d.sid=l.downstream"
			" WHERE d.chain_id=?",
			err);
	if (!st)
		return err->code ? err->code : QERR_INTERNAL;
	db_bind_text(st, 1, chain);
	size_t ecap = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		long u = graph_index_of_sid(g, db_col_int64(st, 0));
		long d = graph_index_of_sid(g, db_col_int64(st, 1));
		if (u < 0 || d < 0)
			continue; /* a link across chains cannot be created here; ignore it rather than fail */
		if (g->nedges == ecap) {
			ecap = ecap ? ecap * 2 : 32;
			struct seg_edge *e = realloc(g->edges, ecap * sizeof *e);
			if (!e) {
				db_reset(st);
				goto oom;
			}
			g->edges = e;
		}
		g->edges[g->nedges++] = (struct seg_edge){(uint32_t)u, (uint32_t)d};
	}
	return rc < 0 ? (err->code ? err->code : QERR_INTERNAL) : QERR_OK;
oom:
	return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
}

void chainmap_format_cycle(const struct chain_graph *g, const uint32_t *cycle, long len, char *buf, size_t cap)
{
	struct buf b = {0};
	for (long i = 0; i < len; i++)
		buf_printf(&b, "%s → ", g->code[cycle[i]]);
	buf_puts(&b, g->code[cycle[0]]);
	snprintf(buf, cap, "%s", b.data ? b.data : "");
	buf_free(&b);
}

static json_t *segment_json(struct db *db, const char *chain, int64_t sid, const char *code, const char *name,
			    struct qerror *err)
{
	json_t *up = json_array();
	if (chainmap_upstream_of(db, sid, up, err)) {
		json_decref(up);
		return NULL;
	}
	return json_pack("{s:s,s:s,s:s,s:o}", "chain", chain, "code", code, "name", name, "upstream", up);
}

enum qerr chainmap_segment_put(struct db *db, const struct actor *a, const char *chain, const char *code,
			       const char *name, const json_t *upstream, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (a->org_type != ORG_OPERATOR)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"只有运营方可以定义产业链环节 (only the operator defines segments)");
	if (chainmap_check_code(chain, "chain", err) || chainmap_check_code(code, "segment", err) ||
	    chainmap_check_name(name, "name", err))
		return err->code;
	if (upstream && !json_is_array(upstream))
		return qerr_set(err, QERR_INVALID, "wrong_type", "upstream",
				"upstream must be an array of segment codes");
	size_t i;
	json_t *item;
	json_array_foreach(upstream, i, item)
	{
		if (!json_is_string(item))
			return qerr_set(err, QERR_INVALID, "wrong_type", "upstream",
					"upstream must be an array of segment codes");
		if (chainmap_check_code(json_string_value(item), "upstream", err))
			return err->code;
	}
	if (db_begin_write(db, err))
		return err->code;
	struct chain_graph g;
	uint32_t *cycle = NULL;
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM chains WHERE id=?", err);
	if (!st)
		goto fail;
	db_bind_text(st, 1, chain);
	int rc = db_step(st, err);
	db_reset(st);
	if (rc < 0)
		goto fail;
	if (rc != DB_ROW) {
		qerr_set(err, QERR_NOT_FOUND, "chain_not_found", "chain", "产业链不存在 (no chain '%s')", chain);
		goto fail;
	}
	if (chainmap_graph_load(db, chain, 1, &g, err))
		goto fail_graph;
	long self = chainmap_graph_find(&g, code);
	bool created = self < 0;
	if (created) {
		self = (long)g.n;
		g.sid[g.n] = 0;
		snprintf(g.code[g.n], sizeof g.code[0], "%s", code);
		g.n++;
	}
	if (upstream) {
		/* The new upstream list replaces the links into this segment. */
		size_t k = 0;
		for (size_t e = 0; e < g.nedges; e++)
			if (g.edges[e].down != (uint32_t)self)
				g.edges[k++] = g.edges[e];
		g.nedges = k;
		struct seg_edge *edges = realloc(g.edges, (g.nedges + json_array_size(upstream) + 1) * sizeof *edges);
		if (!edges) {
			qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
			goto fail_graph;
		}
		g.edges = edges;
		json_array_foreach(upstream, i, item)
		{
			long u = chainmap_graph_find(&g, json_string_value(item));
			if (u < 0) {
				qerr_set(err, QERR_INVALID, "upstream_not_found", "upstream",
					 "上游环节不存在 (chain '%s' has no segment '%s')", chain,
					 json_string_value(item));
				goto fail_graph;
			}
			g.edges[g.nedges++] = (struct seg_edge){(uint32_t)u, (uint32_t)self};
		}
	}
	cycle = malloc((g.n + 1) * sizeof *cycle);
	long len = cycle ? chainmap_find_cycle(g.n, g.edges, g.nedges, NULL, cycle) : -1;
	if (len < 0) {
		qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto fail_graph;
	}
	if (len > 0) {
		char path[240];
		chainmap_format_cycle(&g, cycle, len, path, sizeof path);
		qerr_set(err, QERR_INVALID, "segment_cycle", "upstream",
			 "上游关系成环 (upstream links form a cycle): %s", path);
		goto fail_graph;
	}
	int64_t sid = g.sid[self];
	if (created) {
		st = db_prepare(db, "INSERT INTO segments(chain_id,code,name) VALUES(?,?,?) RETURNING sid", err);
		if (!st)
			goto fail_graph;
		db_bind_text(st, 1, chain);
		db_bind_text(st, 2, code);
		db_bind_text(st, 3, name);
		if (db_scalar_int64(st, &sid, err))
			goto fail_graph;
	} else {
		st = db_prepare(db, "UPDATE segments SET name=? WHERE sid=?", err);
		if (!st)
			goto fail_graph;
		db_bind_text(st, 1, name);
		db_bind_int64(st, 2, sid);
		if (db_run(st, err))
			goto fail_graph;
	}
	if (upstream) {
		st = db_prepare(db, "DELETE FROM segment_links WHERE downstream=?", err);
		if (!st)
			goto fail_graph;
		db_bind_int64(st, 1, sid);
		if (db_run(st, err))
			goto fail_graph;
		json_array_foreach(upstream, i, item)
		{
			long u = chainmap_graph_find(&g, json_string_value(item));
			st = db_prepare(db,
					"INSERT INTO segment_links(upstream,downstream) VALUES(?,?)"
					" ON CONFLICT(upstream,downstream) DO NOTHING",
					err);
			if (!st)
				goto fail_graph;
			db_bind_int64(st, 1, g.sid[u]);
			db_bind_int64(st, 2, sid);
			if (db_run(st, err))
				goto fail_graph;
		}
	}
	char object[80];
	snprintf(object, sizeof object, "%s/%s", chain, code);
	json_t *detail = json_pack("{s:s,s:b}", "name", name, "created", created);
	if (upstream)
		json_object_set(detail, "upstream", (json_t *)upstream);
	rc = audit_record(db, a, "segment.put", "segment", object, detail, err);
	json_decref(detail);
	if (rc || chainmap_bump_graph_version(db, err))
		goto fail_graph;
	json_t *res = segment_json(db, chain, sid, code, name, err);
	if (!res || db_commit(db, err)) {
		json_decref(res);
		goto fail_graph;
	}
	json_object_set_new(res, "created", json_boolean(created));
	*out = res;
	free(cycle);
	chainmap_graph_free(&g);
	return QERR_OK;
fail_graph:
	free(cycle);
	chainmap_graph_free(&g);
fail:
	return fail_tx(db, err);
}

enum qerr chainmap_segment_delete(struct db *db, const struct actor *a, const char *chain, const char *code,
				  struct qerror *err)
{
	if (a->org_type != ORG_OPERATOR)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"只有运营方可以删除产业链环节 (only the operator deletes segments)");
	if (db_begin_write(db, err))
		return err->code;
	int64_t sid;
	if (chainmap_find_segment(db, chain, code, QERR_NOT_FOUND, &sid, err))
		return fail_tx(db, err);
	/* Relations are other organisations' records: refuse rather than cascade into them. */
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM relations WHERE sid=?", err);
	if (!st)
		return fail_tx(db, err);
	db_bind_int64(st, 1, sid);
	if (db_step(st, err) != DB_ROW)
		return fail_tx(db, err);
	int64_t used = db_col_int64(st, 0);
	db_reset(st);
	if (used) {
		qerr_set(err, QERR_CONFLICT, "segment_in_use", "segment",
			 "该环节有%lld条供应关系，不能删除 (%lld supply relations use this segment; delete them first)",
			 (long long)used, (long long)used);
		return fail_tx(db, err);
	}
	st = db_prepare(db, "DELETE FROM segments WHERE sid=?", err);
	if (!st)
		return fail_tx(db, err);
	db_bind_int64(st, 1, sid);
	if (db_run(st, err))
		return fail_tx(db, err);
	char object[80];
	snprintf(object, sizeof object, "%s/%s", chain, code);
	if (audit_record(db, a, "segment.delete", "segment", object, NULL, err) ||
	    chainmap_bump_graph_version(db, err) || db_commit(db, err))
		return fail_tx(db, err);
	return QERR_OK;
}

/* ---------- capabilities ---------- */

enum qerr chainmap_capabilities_of(struct db *db, const struct actor *a, const char *uscc, json_t **out,
				   struct qerror *err)
{
	(void)a; /* capabilities are public offers */
	*out = NULL;
	char canon[USCC_LEN + 1];
	int64_t id, owner;
	if (find_enterprise(db, uscc, "uscc", QERR_NOT_FOUND, canon, &id, &owner, err))
		return err->code;
	struct db_stmt *st = db_prepare(db,
					"SELECT s.chain_id,c.name,s.code,s.name,k.capacity FROM capabilities k"
					" JOIN segments s ON s.sid=k.sid JOIN chains c ON c.id=s.chain_id"
					" WHERE k.enterprise_id=? ORDER BY s.chain_id,s.sid",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *o =
		    json_pack("{s:s,s:s,s:s,s:s}", "chain", db_col_text(st, 0), "chain_name", db_col_text(st, 1),
			      "segment", db_col_text(st, 2), "segment_name", db_col_text(st, 3));
		json_object_set_new(o, "capacity", db_col_json_int(st, 4));
		json_array_append_new(items, o);
	}
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:s,s:o}", "uscc", canon, "items", items);
	return QERR_OK;
}

/* Finds the enterprise (404) and checks the actor may write its records (403). */
static enum qerr writable_enterprise(struct db *db, const struct actor *a, const char *uscc, char canon[USCC_LEN + 1],
				     int64_t *id, struct qerror *err)
{
	int64_t owner;
	if (find_enterprise(db, uscc, "uscc", QERR_NOT_FOUND, canon, id, &owner, err))
		return err->code;
	if (a->org_type != ORG_OPERATOR && (!owner || owner != a->org_id))
		return qerr_set(err, QERR_FORBIDDEN, "not_owner", "uscc",
				"只有企业所属组织或运营方可以修改 (only the owning organisation or the operator may "
				"change this enterprise's capabilities)");
	return QERR_OK;
}

enum qerr chainmap_capability_put(struct db *db, const struct actor *a, const char *uscc, const char *chain,
				  const char *segment, int64_t capacity, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (capacity < -1)
		return qerr_set(err, QERR_INVALID, "invalid_capacity", "capacity",
				"产能应为非负整数 (capacity must be 0 or more)");
	if (db_begin_write(db, err))
		return err->code;
	char canon[USCC_LEN + 1];
	int64_t id, sid;
	if (writable_enterprise(db, a, uscc, canon, &id, err) ||
	    chainmap_find_segment(db, chain, segment, QERR_NOT_FOUND, &sid, err))
		return fail_tx(db, err);
	struct db_stmt *st = db_prepare(db,
					"INSERT INTO capabilities(enterprise_id,sid,capacity) VALUES(?,?,?)"
					" ON CONFLICT(enterprise_id,sid) DO UPDATE SET capacity=excluded.capacity",
					err);
	if (!st)
		return fail_tx(db, err);
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, sid);
	if (capacity >= 0)
		db_bind_int64(st, 3, capacity);
	if (db_run(st, err))
		return fail_tx(db, err);
	char object[96];
	snprintf(object, sizeof object, "%s/%s/%s", canon, chain, segment);
	json_t *res = json_pack("{s:s,s:s,s:s}", "uscc", canon, "chain", chain, "segment", segment);
	json_object_set_new(res, "capacity", capacity >= 0 ? json_integer(capacity) : json_null());
	enum qerr rc = audit_record(db, a, "capability.put", "capability", object, res, err);
	if (rc || chainmap_bump_graph_version(db, err) || db_commit(db, err)) {
		json_decref(res);
		return fail_tx(db, err);
	}
	*out = res;
	return QERR_OK;
}

enum qerr chainmap_capability_delete(struct db *db, const struct actor *a, const char *uscc, const char *chain,
				     const char *segment, struct qerror *err)
{
	if (db_begin_write(db, err))
		return err->code;
	char canon[USCC_LEN + 1];
	int64_t id, sid;
	if (writable_enterprise(db, a, uscc, canon, &id, err) ||
	    chainmap_find_segment(db, chain, segment, QERR_NOT_FOUND, &sid, err))
		return fail_tx(db, err);
	struct db_stmt *st = db_prepare(db, "DELETE FROM capabilities WHERE enterprise_id=? AND sid=?", err);
	if (!st)
		return fail_tx(db, err);
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, sid);
	if (db_run(st, err))
		return fail_tx(db, err);
	if (db_changes(db) == 0) {
		qerr_set(err, QERR_NOT_FOUND, "capability_not_found", "segment",
			 "该企业未声明此环节 (the enterprise has not declared this segment)");
		return fail_tx(db, err);
	}
	char object[96];
	snprintf(object, sizeof object, "%s/%s/%s", canon, chain, segment);
	if (audit_record(db, a, "capability.delete", "capability", object, NULL, err) ||
	    chainmap_bump_graph_version(db, err) || db_commit(db, err))
		return fail_tx(db, err);
	return QERR_OK;
}

/* ---------- relations ---------- */

#define REL_COLS                                                                                                       \
	"r.id,b.uscc,b.name,p.uscc,p.name,g.chain_id,g.code,g.name,r.annual_amount_fen,r.updated_at,"                  \
	"coalesce(b.org_id,0),coalesce(p.org_id,0),b.region,p.region"
#define REL_FROM                                                                                                       \
	" FROM relations r JOIN enterprises b ON b.id=r.buyer_id JOIN enterprises p ON p.id=r.supplier_id"             \
	" JOIN segments g ON g.sid=r.sid"
/* ?5 is the actor's organisation, or 0 for the operator who sees everything. */
#define REL_VISIBLE " AND (?5=0 OR b.org_id=?5 OR p.org_id=?5)"

static json_t *relation_row(struct db_stmt *st)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "id", (json_int_t)db_col_int64(st, 0),
			      "buyer_uscc", db_col_text(st, 1), "buyer_name", db_col_text(st, 2), "supplier_uscc",
			      db_col_text(st, 3), "supplier_name", db_col_text(st, 4), "chain", db_col_text(st, 5),
			      "segment", db_col_text(st, 6), "segment_name", db_col_text(st, 7), "annual_amount_fen",
			      (json_int_t)db_col_int64(st, 8), "updated_at", db_col_text(st, 9));
	json_object_set_new(o, "buyer_region", json_string(db_col_text(st, 12)));
	json_object_set_new(o, "supplier_region", json_string(db_col_text(st, 13)));
	return o;
}

static int64_t visibility_org(const struct actor *a)
{
	return a->org_type == ORG_OPERATOR ? 0 : (a->org_id ? a->org_id : -1);
}

static bool may_see(const struct actor *a, int64_t buyer_org, int64_t supplier_org)
{
	if (a->org_type == ORG_OPERATOR)
		return true;
	return a->org_id && (buyer_org == a->org_id || supplier_org == a->org_id);
}

static enum qerr relation_not_found(int64_t id, struct qerror *err)
{
	return qerr_set(err, QERR_NOT_FOUND, "relation_not_found", "id", "供应关系不存在 (no relation %lld)",
			(long long)id);
}

enum qerr chainmap_relation_list(struct db *db, const struct actor *a, const struct relation_filter *f, json_t **out,
				 struct qerror *err)
{
	*out = NULL;
	char buyer[USCC_LEN + 1] = "", supplier[USCC_LEN + 1] = "";
	int64_t buyer_id = 0, supplier_id = 0, owner;
	if (f->buyer && *f->buyer &&
	    find_enterprise(db, f->buyer, "buyer", QERR_NOT_FOUND, buyer, &buyer_id, &owner, err))
		goto filter_error;
	if (f->supplier && *f->supplier &&
	    find_enterprise(db, f->supplier, "supplier", QERR_NOT_FOUND, supplier, &supplier_id, &owner, err))
		goto filter_error;
	if (f->chain && *f->chain && chainmap_check_code(f->chain, "chain", err))
		return err->code;
	if (f->segment && *f->segment && chainmap_check_code(f->segment, "segment", err))
		return err->code;
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50;
	/*
	 * The driving index depends on the filter: the buyer's relations (unique
	 * key prefix), the supplier's (supplier index), the organisation's own
	 * enterprises (both, unioned), or everything in id order (operator).
	 */
	static const char by_buyer[] =
	    "SELECT " REL_COLS REL_FROM " WHERE r.buyer_id=?1 AND (?2=0 OR r.supplier_id=?2)"
	    " AND (?3 IS NULL OR g.chain_id=?3) AND (?7 IS NULL OR g.code=?7) AND r.id>?4" REL_VISIBLE " ORDER BY r.id LIMIT ?6";
	static const char by_supplier[] =
	    "SELECT " REL_COLS REL_FROM " WHERE r.supplier_id=?2"
	    " AND (?3 IS NULL OR g.chain_id=?3) AND (?7 IS NULL OR g.code=?7) AND r.id>?4" REL_VISIBLE " ORDER BY r.id LIMIT ?6";
	static const char by_org[] =
	    "SELECT " REL_COLS REL_FROM " WHERE r.id IN (SELECT r2.id FROM enterprises e JOIN relations r2 ON"
	    " r2.buyer_id=e.id WHERE e.org_id=?5 UNION ALL SELECT r3.id FROM enterprises e JOIN relations r3 ON"
	    " r3.supplier_id=e.id WHERE e.org_id=?5) AND (?3 IS NULL OR g.chain_id=?3)"
	    " AND (?7 IS NULL OR g.code=?7) AND r.id>?4 ORDER BY r.id LIMIT ?6";
	static const char all[] = "SELECT " REL_COLS REL_FROM " WHERE"
				  " (?3 IS NULL OR g.chain_id=?3) AND (?7 IS NULL OR g.code=?7) AND r.id>?4" REL_VISIBLE
				  " ORDER BY r.id LIMIT ?6";
	int64_t vis = visibility_org(a);
	const char *sql = buyer_id ? by_buyer : supplier_id ? by_supplier : vis ? by_org : all;
	struct db_stmt *st = db_prepare(db, sql, err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, buyer_id);
	db_bind_int64(st, 2, supplier_id);
	if (f->chain && *f->chain)
		db_bind_text(st, 3, f->chain);
	db_bind_int64(st, 4, f->cursor);
	db_bind_int64(st, 5, vis);
	db_bind_int(st, 6, limit + 1);
	if (f->segment && *f->segment)
		db_bind_text(st, 7, f->segment);
	return db_page(st, limit, relation_row, out, err);
filter_error:
	/* A valid USCC that is not registered has no relations: an empty page, not an error. */
	if (err->code == QERR_NOT_FOUND) {
		qerr_clear(err);
		*out = json_pack("{s:[],s:n}", "items", "next_cursor");
		return QERR_OK;
	}
	return err->code;
}

/* Loads relation id; DB_ROW with st on it, DB_DONE, or -1. */
static int relation_load(struct db *db, int64_t id, struct db_stmt **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT " REL_COLS REL_FROM " WHERE r.id=?", err);
	if (!st)
		return -1;
	db_bind_int64(st, 1, id);
	*out = st;
	return db_step(st, err);
}

enum qerr chainmap_relation_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st;
	int rc = relation_load(db, id, &st, err);
	if (rc < 0)
		return err->code;
	if (rc != DB_ROW || !may_see(a, db_col_int64(st, 10), db_col_int64(st, 11))) {
		db_reset(st);
		return relation_not_found(id, err);
	}
	*out = relation_row(st);
	db_reset(st);
	return QERR_OK;
}

enum qerr chainmap_relation_put(struct db *db, const struct actor *a, const char *buyer, const char *supplier,
				const char *chain, const char *segment, int64_t annual_amount_fen, json_t **out,
				struct qerror *err)
{
	*out = NULL;
	char b[USCC_LEN + 1], s[USCC_LEN + 1];
	if (uscc_check(buyer, b, err)) {
		snprintf(err->field, sizeof err->field, "buyer_uscc");
		return err->code;
	}
	if (uscc_check(supplier, s, err)) {
		snprintf(err->field, sizeof err->field, "supplier_uscc");
		return err->code;
	}
	if (strcmp(b, s) == 0)
		return qerr_set(err, QERR_INVALID, "same_enterprise", "supplier_uscc",
				"采购方与供应方不能是同一企业 (buyer and supplier must differ)");
	if (annual_amount_fen < 0)
		return qerr_set(err, QERR_INVALID, "invalid_amount", "annual_amount_fen",
				"年采购额应为非负整数（分）(annual_amount_fen must be 0 or more fen)");
	if (chainmap_check_code(chain, "chain", err) || chainmap_check_code(segment, "segment", err))
		return err->code;
	if (db_begin_write(db, err))
		return err->code;
	int64_t buyer_id, buyer_org, supplier_id, supplier_org, sid;
	if (find_enterprise(db, b, "buyer_uscc", QERR_INVALID, b, &buyer_id, &buyer_org, err))
		return fail_tx(db, err);
	if (a->org_type != ORG_OPERATOR && (!buyer_org || buyer_org != a->org_id)) {
		qerr_set(err, QERR_FORBIDDEN, "not_owner", "buyer_uscc",
			 "只有采购方所属组织或运营方可以登记供应关系 (only the buyer's organisation or the operator "
			 "records its relations)");
		return fail_tx(db, err);
	}
	if (find_enterprise(db, s, "supplier_uscc", QERR_INVALID, s, &supplier_id, &supplier_org, err) ||
	    chainmap_find_segment(db, chain, segment, QERR_INVALID, &sid, err))
		return fail_tx(db, err);
	/* Created or updated: the key looked up first, in the same write transaction. */
	struct db_stmt *st =
	    db_prepare(db, "SELECT id FROM relations WHERE buyer_id=? AND supplier_id=? AND sid=?", err);
	if (!st)
		return fail_tx(db, err);
	db_bind_int64(st, 1, buyer_id);
	db_bind_int64(st, 2, supplier_id);
	db_bind_int64(st, 3, sid);
	int found = db_step(st, err);
	if (found < 0)
		return fail_tx(db, err);
	db_reset(st);
	bool created = found == DB_DONE;
	char ts[32];
	util_now_iso(ts, sizeof ts);
	st = db_prepare(db,
			"INSERT INTO relations(buyer_id,supplier_id,sid,annual_amount_fen,updated_at)"
			" VALUES(?,?,?,?,?) ON CONFLICT(buyer_id,supplier_id,sid) DO UPDATE SET"
			" annual_amount_fen=excluded.annual_amount_fen,updated_at=excluded.updated_at RETURNING id",
			err);
	if (!st)
		return fail_tx(db, err);
	db_bind_int64(st, 1, buyer_id);
	db_bind_int64(st, 2, supplier_id);
	db_bind_int64(st, 3, sid);
	db_bind_int64(st, 4, annual_amount_fen);
	db_bind_text(st, 5, ts);
	int64_t id;
	if (db_scalar_int64(st, &id, err))
		return fail_tx(db, err);
	char object[24];
	snprintf(object, sizeof object, "%lld", (long long)id);
	json_t *detail =
	    json_pack("{s:s,s:s,s:s,s:s,s:I,s:b}", "buyer_uscc", b, "supplier_uscc", s, "chain", chain, "segment",
		      segment, "annual_amount_fen", (json_int_t)annual_amount_fen, "created", created);
	enum qerr rc = audit_record(db, a, "relation.put", "relation", object, detail, err);
	json_decref(detail);
	if (rc || chainmap_bump_graph_version(db, err))
		return fail_tx(db, err);
	if (relation_load(db, id, &st, err) != DB_ROW)
		return fail_tx(db, err);
	json_t *res = relation_row(st);
	db_reset(st);
	if (db_commit(db, err)) {
		json_decref(res);
		return fail_tx(db, err);
	}
	json_object_set_new(res, "created", json_boolean(created));
	*out = res;
	return QERR_OK;
}

enum qerr chainmap_relation_delete(struct db *db, const struct actor *a, int64_t id, struct qerror *err)
{
	if (db_begin_write(db, err))
		return err->code;
	struct db_stmt *st;
	int rc = relation_load(db, id, &st, err);
	if (rc < 0)
		return fail_tx(db, err);
	if (rc != DB_ROW || !may_see(a, db_col_int64(st, 10), db_col_int64(st, 11))) {
		db_reset(st);
		relation_not_found(id, err);
		return fail_tx(db, err);
	}
	json_t *detail = relation_row(st);
	int64_t buyer_org = db_col_int64(st, 10);
	db_reset(st);
	if (a->org_type != ORG_OPERATOR && buyer_org != a->org_id) {
		json_decref(detail);
		qerr_set(err, QERR_FORBIDDEN, "not_owner", NULL,
			 "只有采购方所属组织或运营方可以删除供应关系 (only the buyer's organisation or the operator "
			 "deletes a relation)");
		return fail_tx(db, err);
	}
	st = db_prepare(db, "DELETE FROM relations WHERE id=?", err);
	if (!st) {
		json_decref(detail);
		return fail_tx(db, err);
	}
	db_bind_int64(st, 1, id);
	char object[24];
	snprintf(object, sizeof object, "%lld", (long long)id);
	rc = db_run(st, err) || audit_record(db, a, "relation.delete", "relation", object, detail, err) ||
	     chainmap_bump_graph_version(db, err) || db_commit(db, err);
	json_decref(detail);
	return rc ? fail_tx(db, err) : QERR_OK;
}
