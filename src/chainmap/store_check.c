/* store_check.c - the chain map's invariants for store copy/verify (see store_check.h). */
#include "chainmap/store_check.h"

#include <stdlib.h>

/* Kahn's algorithm over every segment link: QERR_CONFLICT naming a segment on a cycle. */
static enum qerr links_acyclic(struct db *db, json_t *report, struct qerror *err)
{
	int64_t nlinks = 0, maxsid = 0;
	if (db_query_int64(db, "SELECT count(*) FROM segment_links", &nlinks, err) ||
	    db_query_int64(db, "SELECT coalesce(max(sid),0) FROM segments", &maxsid, err))
		return err->code;
	json_object_set_new(report, "segment_links", json_integer(nlinks));
	if (!nlinks)
		return QERR_OK;
	int64_t *up = calloc((size_t)nlinks, sizeof *up), *down = calloc((size_t)nlinks, sizeof *down);
	int64_t *indeg = calloc((size_t)maxsid + 1, sizeof *indeg), *queue = calloc((size_t)maxsid + 1, sizeof *queue);
	enum qerr rc = QERR_OK;
	if (!up || !down || !indeg || !queue) {
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto out;
	}
	struct db_stmt *st = db_prepare(db, "SELECT upstream,downstream FROM segment_links", err);
	if (!st) {
		rc = err->code;
		goto out;
	}
	int64_t n = 0;
	int step;
	while ((step = db_step(st, err)) == DB_ROW && n < nlinks) {
		up[n] = db_col_int64(st, 0);
		down[n] = db_col_int64(st, 1);
		if (up[n] < 0 || up[n] > maxsid || down[n] < 0 || down[n] > maxsid) {
			db_reset(st);
			rc = qerr_set(err, QERR_CONFLICT, "invariant_violation", NULL,
				      "a segment link names no segment");
			goto out;
		}
		indeg[down[n]]++;
		n++;
	}
	db_reset(st);
	if (step < 0) {
		rc = err->code;
		goto out;
	}
	/* Peel segments without incoming links; whatever keeps one is on (or after) a cycle. */
	int64_t head = 0, tail = 0;
	for (int64_t s = 0; s <= maxsid; s++)
		if (!indeg[s])
			queue[tail++] = s;
	while (head < tail) {
		int64_t s = queue[head++];
		for (int64_t i = 0; i < n; i++)
			if (up[i] == s && --indeg[down[i]] == 0)
				queue[tail++] = down[i];
	}
	for (int64_t s = 0; s <= maxsid; s++)
		if (indeg[s]) {
			rc = qerr_set(err, QERR_CONFLICT, "invariant_violation", NULL,
				      "segment %lld is on a cycle of segment links (a chain must be a DAG)",
				      (long long)s);
			break;
		}
out:
	free(up);
	free(down);
	free(indeg);
	free(queue);
	return rc;
}

static enum qerr chainmap_verify(struct db *db, json_t *report, struct qerror *err)
{
	int64_t n = 0;
	if (db_query_int64(db, "SELECT count(*) FROM graph_version WHERE id=1", &n, err))
		return err->code;
	if (n != 1)
		return qerr_set(err, QERR_CONFLICT, "invariant_violation", NULL, "graph_version must have its one row");
	if (db_query_int64(db,
			   "SELECT count(*) FROM segment_links l JOIN segments a ON a.sid=l.upstream"
			   " JOIN segments b ON b.sid=l.downstream WHERE a.chain_id<>b.chain_id",
			   &n, err))
		return err->code;
	json_object_set_new(report, "links_across_chains", json_integer(n));
	if (n)
		return qerr_set(err, QERR_CONFLICT, "invariant_violation", NULL,
				"%lld segment links join segments of different chains", (long long)n);
	return links_acyclic(db, report, err);
}

static const char *const chainmap_seeded[] = {"graph_version", NULL};

const struct store_domain chainmap_store = {
    .name = "chainmap",
    .seeded = chainmap_seeded,
    .verify = chainmap_verify,
};
