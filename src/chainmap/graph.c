/*
 * graph.c - building the supply graph snapshot from the store in one pass
 * (counting sorts, no SQL ORDER BY), sharing the current snapshot between
 * threads with reference counts, and small helpers the analytics share.
 */
#include "chainmap/graph_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "platform/enterprise_ref.h"
#include "registry/classify.h"
#include "registry/uscc.h"

double graph_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

double graph_share(int64_t a, int64_t b)
{
	return b > 0 ? (double)a / (double)b : 0.0;
}

int graph_region_proximity(int32_t a, int32_t b)
{
	if (a == b)
		return 3;
	if (a / 100 == b / 100)
		return 2;
	if (a / 10000 == b / 10000)
		return 1;
	return 0;
}

static uint8_t level_rank(const char *s)
{
	if (strcmp(s, "little_giant") == 0)
		return 3;
	if (strcmp(s, "provincial") == 0)
		return 2;
	if (strcmp(s, "innovative") == 0)
		return 1;
	return 0;
}

static void *xcalloc(struct graph *g, size_t n, size_t size)
{
	if (n == 0)
		n = 1;
	g->bytes += n * size;
	return calloc(n, size);
}

void graph_free(struct graph *g)
{
	if (!g)
		return;
	free(g->ent_id);
	free(g->ent_org);
	free(g->ent_region);
	free(g->ent_level);
	free(g->ent_size);
	free(g->ent_uscc);
	free(g->name_pool);
	free(g->name_off);
	free(g->idx_of_id);
	for (int32_t i = 0; i < g->nchains; i++)
		free(g->chain_id[i]);
	free(g->chain_id);
	for (int32_t i = 0; i < g->nseg; i++) {
		free(g->seg_code[i]);
		free(g->seg_name[i]);
	}
	free(g->seg_sid);
	free(g->seg_chain);
	free(g->seg_code);
	free(g->seg_name);
	free(g->seg_of_sid);
	free(g->buy_off);
	free(g->be_supplier);
	free(g->be_amount);
	free(g->grp_off);
	free(g->grp_seg);
	free(g->grp_start);
	free(g->grp_total);
	free(g->sup_off);
	free(g->se_buyer);
	free(g->se_group);
	free(g->se_amount);
	free(g);
}

static enum qerr oom(struct qerror *err)
{
	return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory building the graph snapshot");
}

static enum qerr load_enterprises(struct graph *g, struct db *db, struct qerror *err)
{
	int64_t count;
	if (db_query_int64(db, "SELECT count(*) FROM enterprises", &count, err) ||
	    db_query_int64(db, "SELECT coalesce(max(id),0) FROM enterprises", &g->max_id, err))
		return err->code;
	g->ent_id = xcalloc(g, (size_t)count, sizeof *g->ent_id);
	g->ent_org = xcalloc(g, (size_t)count, sizeof *g->ent_org);
	g->ent_region = xcalloc(g, (size_t)count, sizeof *g->ent_region);
	g->ent_level = xcalloc(g, (size_t)count, 1);
	g->ent_size = xcalloc(g, (size_t)count, 1);
	g->ent_uscc = xcalloc(g, (size_t)count, sizeof *g->ent_uscc);
	g->name_off = xcalloc(g, (size_t)count, sizeof *g->name_off);
	g->idx_of_id = xcalloc(g, (size_t)g->max_id + 1, sizeof *g->idx_of_id);
	size_t pool_cap = 1 << 16, pool_len = 0;
	g->name_pool = malloc(pool_cap);
	if (!g->ent_id || !g->ent_org || !g->ent_region || !g->ent_level || !g->ent_size || !g->ent_uscc ||
	    !g->name_off || !g->idx_of_id || !g->name_pool)
		return oom(err);
	memset(g->idx_of_id, 0xff, ((size_t)g->max_id + 1) * sizeof *g->idx_of_id);
	struct db_stmt *st = db_prepare(
	    db, "SELECT id,uscc,name,region,level,size,coalesce(org_id,0) FROM enterprises ORDER BY id", err);
	if (!st)
		return err->code;
	int rc;
	int32_t n = 0;
	while ((rc = db_step(st, err)) == DB_ROW && n < count) {
		int64_t id = db_col_int64(st, 0);
		g->ent_id[n] = id;
		g->idx_of_id[id] = n;
		snprintf(g->ent_uscc[n], sizeof g->ent_uscc[n], "%s", db_col_text(st, 1));
		const char *name = db_col_text(st, 2);
		size_t len = strlen(name) + 1;
		if (pool_len + len > pool_cap) {
			while (pool_len + len > pool_cap)
				pool_cap *= 2;
			char *p = realloc(g->name_pool, pool_cap);
			if (!p)
				return oom(err);
			g->name_pool = p;
		}
		memcpy(g->name_pool + pool_len, name, len);
		g->name_off[n] = (uint32_t)pool_len;
		pool_len += len;
		g->ent_region[n] = (int32_t)strtol(db_col_text(st, 3), NULL, 10);
		g->ent_level[n] = level_rank(db_col_text(st, 4));
		enum size_class sc = SIZE_MICRO;
		size_class_parse(db_col_text(st, 5), &sc);
		g->ent_size[n] = (uint8_t)sc;
		g->ent_org[n] = db_col_int64(st, 6);
		n++;
	}
	db_reset(st);
	if (rc < 0)
		return err->code;
	g->n = n;
	g->bytes += pool_cap;
	return QERR_OK;
}

static enum qerr load_segments(struct graph *g, struct db *db, struct qerror *err)
{
	int64_t nchains, nseg;
	if (db_query_int64(db, "SELECT count(*) FROM chains", &nchains, err) ||
	    db_query_int64(db, "SELECT count(*) FROM segments", &nseg, err) ||
	    db_query_int64(db, "SELECT coalesce(max(sid),0) FROM segments", &g->max_sid, err))
		return err->code;
	g->chain_id = xcalloc(g, (size_t)nchains, sizeof *g->chain_id);
	g->seg_sid = xcalloc(g, (size_t)nseg, sizeof *g->seg_sid);
	g->seg_chain = xcalloc(g, (size_t)nseg, sizeof *g->seg_chain);
	g->seg_code = xcalloc(g, (size_t)nseg, sizeof *g->seg_code);
	g->seg_name = xcalloc(g, (size_t)nseg, sizeof *g->seg_name);
	g->seg_of_sid = xcalloc(g, (size_t)g->max_sid + 1, sizeof *g->seg_of_sid);
	if (!g->chain_id || !g->seg_sid || !g->seg_chain || !g->seg_code || !g->seg_name || !g->seg_of_sid)
		return oom(err);
	memset(g->seg_of_sid, 0xff, ((size_t)g->max_sid + 1) * sizeof *g->seg_of_sid);
	struct db_stmt *st = db_prepare(db, "SELECT id FROM chains ORDER BY id", err);
	if (!st)
		return err->code;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW && g->nchains < nchains)
		g->chain_id[g->nchains++] = strdup(db_col_text(st, 0));
	db_reset(st);
	if (rc < 0)
		return err->code;
	st = db_prepare(db, "SELECT sid,chain_id,code,name FROM segments ORDER BY chain_id,sid", err);
	if (!st)
		return err->code;
	int32_t ci = 0;
	while ((rc = db_step(st, err)) == DB_ROW && g->nseg < nseg) {
		const char *chain = db_col_text(st, 1);
		while (ci < g->nchains && strcmp(g->chain_id[ci], chain) != 0)
			ci++;
		if (ci >= g->nchains)
			ci = 0; /* cannot happen: segments reference chains */
		int32_t s = g->nseg++;
		g->seg_sid[s] = db_col_int64(st, 0);
		g->seg_of_sid[g->seg_sid[s]] = s;
		g->seg_chain[s] = ci;
		g->seg_code[s] = strdup(db_col_text(st, 2));
		g->seg_name[s] = strdup(db_col_text(st, 3));
	}
	db_reset(st);
	return rc < 0 ? err->code : QERR_OK;
}

/* Stable counting sort of perm[0..m) by key[perm[i]] in [0,nkeys): writes the result to out. */
static int counting_sort(const int32_t *key, int64_t nkeys, const int64_t *perm, int64_t m, int64_t *out)
{
	int64_t *count = calloc((size_t)nkeys + 1, sizeof *count);
	if (!count)
		return -1;
	for (int64_t i = 0; i < m; i++)
		count[key[perm[i]] + 1]++;
	for (int64_t k = 0; k < nkeys; k++)
		count[k + 1] += count[k];
	for (int64_t i = 0; i < m; i++)
		out[count[key[perm[i]]]++] = perm[i];
	free(count);
	return 0;
}

static enum qerr load_relations(struct graph *g, struct db *db, struct qerror *err)
{
	int64_t m;
	if (db_query_int64(db, "SELECT count(*) FROM relations", &m, err))
		return err->code;
	/* Raw rows first; these temporaries are freed before the snapshot is published. */
	int32_t *rb = malloc((size_t)(m ? m : 1) * sizeof *rb), *rs = malloc((size_t)(m ? m : 1) * sizeof *rs);
	int32_t *rg = malloc((size_t)(m ? m : 1) * sizeof *rg);
	int64_t *ra = malloc((size_t)(m ? m : 1) * sizeof *ra);
	int64_t *p1 = malloc((size_t)(m ? m : 1) * sizeof *p1), *p2 = malloc((size_t)(m ? m : 1) * sizeof *p2);
	enum qerr rc = QERR_OK;
	if (!rb || !rs || !rg || !ra || !p1 || !p2) {
		rc = oom(err);
		goto out;
	}
	struct db_stmt *st = db_prepare(db, "SELECT buyer_id,supplier_id,sid,annual_amount_fen FROM relations", err);
	if (!st) {
		rc = err->code;
		goto out;
	}
	int64_t e = 0;
	int step;
	while ((step = db_step(st, err)) == DB_ROW && e < m) {
		int64_t b = db_col_int64(st, 0), s = db_col_int64(st, 1), sid = db_col_int64(st, 2);
		if (b > g->max_id || s > g->max_id || sid > g->max_sid || g->idx_of_id[b] < 0 || g->idx_of_id[s] < 0 ||
		    g->seg_of_sid[sid] < 0)
			continue; /* a row written between our reads: the next snapshot has it */
		rb[e] = g->idx_of_id[b];
		rs[e] = g->idx_of_id[s];
		rg[e] = g->seg_of_sid[sid];
		ra[e] = db_col_int64(st, 3);
		e++;
	}
	db_reset(st);
	if (step < 0) {
		rc = err->code;
		goto out;
	}
	m = e;
	g->nedges = m;
	/* By buyer: order (buyer, segment, supplier) with three stable passes. */
	for (int64_t i = 0; i < m; i++)
		p1[i] = i;
	if (counting_sort(rs, g->n, p1, m, p2) || counting_sort(rg, g->nseg, p2, m, p1) ||
	    counting_sort(rb, g->n, p1, m, p2)) {
		rc = oom(err);
		goto out;
	}
	g->buy_off = xcalloc(g, (size_t)g->n + 1, sizeof *g->buy_off);
	g->grp_off = xcalloc(g, (size_t)g->n + 1, sizeof *g->grp_off);
	g->be_supplier = xcalloc(g, (size_t)m, sizeof *g->be_supplier);
	g->be_amount = xcalloc(g, (size_t)m, sizeof *g->be_amount);
	int32_t *edge_group = malloc((size_t)(m ? m : 1) * sizeof *edge_group); /* by-buyer edge -> group (temporary) */
	int64_t ngroups = 0;
	for (int64_t i = 0; i < m; i++)
		if (i == 0 || rb[p2[i]] != rb[p2[i - 1]] || rg[p2[i]] != rg[p2[i - 1]])
			ngroups++;
	g->ngroups = ngroups;
	g->grp_seg = xcalloc(g, (size_t)ngroups, sizeof *g->grp_seg);
	g->grp_start = xcalloc(g, (size_t)ngroups + 1, sizeof *g->grp_start);
	g->grp_total = xcalloc(g, (size_t)ngroups, sizeof *g->grp_total);
	if (!g->buy_off || !g->grp_off || !g->be_supplier || !g->be_amount || !edge_group || !g->grp_seg ||
	    !g->grp_start || !g->grp_total) {
		free(edge_group);
		rc = oom(err);
		goto out;
	}
	int64_t grp = -1;
	for (int64_t i = 0; i < m; i++) {
		int64_t r = p2[i];
		if (i == 0 || rb[r] != rb[p2[i - 1]] || rg[r] != rg[p2[i - 1]]) {
			grp++;
			g->grp_seg[grp] = rg[r];
			g->grp_start[grp] = i;
			g->grp_off[rb[r] + 1] = grp + 1;
		}
		g->buy_off[rb[r] + 1] = i + 1;
		g->be_supplier[i] = rs[r];
		g->be_amount[i] = ra[r];
		if (__builtin_add_overflow(g->grp_total[grp], ra[r], &g->grp_total[grp]))
			g->grp_total[grp] = INT64_MAX;
		edge_group[i] = (int32_t)grp;
	}
	g->grp_start[ngroups] = m;
	/* Offsets of buyers without edges carry the previous buyer's end forward. */
	for (int32_t b = 0; b < g->n; b++) {
		if (g->buy_off[b + 1] < g->buy_off[b])
			g->buy_off[b + 1] = g->buy_off[b];
		if (g->grp_off[b + 1] < g->grp_off[b])
			g->grp_off[b + 1] = g->grp_off[b];
	}
	/* The raw rows are no longer needed: freeing them now lowers the build's peak memory. */
	free(rb);
	free(rs);
	free(rg);
	free(ra);
	rb = rs = rg = NULL;
	ra = NULL;
	/* By supplier, ordered by segment: two stable passes over the by-buyer order. */
	int32_t *bs = malloc((size_t)(m ? m : 1) * sizeof *bs), *bg = malloc((size_t)(m ? m : 1) * sizeof *bg);
	if (!bs || !bg) {
		free(bs);
		free(bg);
		free(edge_group);
		rc = oom(err);
		goto out;
	}
	for (int64_t i = 0; i < m; i++) {
		bs[i] = g->be_supplier[i];
		bg[i] = g->grp_seg[edge_group[i]];
		p1[i] = i;
	}
	if (counting_sort(bg, g->nseg, p1, m, p2) || counting_sort(bs, g->n, p2, m, p1)) {
		free(bs);
		free(bg);
		free(edge_group);
		rc = oom(err);
		goto out;
	}
	g->sup_off = xcalloc(g, (size_t)g->n + 1, sizeof *g->sup_off);
	g->se_buyer = xcalloc(g, (size_t)m, sizeof *g->se_buyer);
	g->se_group = xcalloc(g, (size_t)m, sizeof *g->se_group);
	g->se_amount = xcalloc(g, (size_t)m, sizeof *g->se_amount);
	if (!g->sup_off || !g->se_buyer || !g->se_group || !g->se_amount) {
		free(bs);
		free(bg);
		free(edge_group);
		rc = oom(err);
		goto out;
	}
	for (int64_t i = 0; i < m; i++) {
		int64_t be = p1[i];
		g->sup_off[bs[be] + 1] = i + 1;
		g->se_group[i] = edge_group[be];
		g->se_amount[i] = g->be_amount[be];
	}
	/* The buyer of a by-buyer edge is the buyer whose range holds it: walk the ranges once. */
	int32_t *edge_buyer = bg; /* reuse: by-buyer edge -> buyer */
	for (int32_t b = 0; b < g->n; b++)
		for (int64_t i = g->buy_off[b]; i < g->buy_off[b + 1]; i++)
			edge_buyer[i] = b;
	for (int64_t i = 0; i < m; i++)
		g->se_buyer[i] = edge_buyer[p1[i]];
	for (int32_t s = 0; s < g->n; s++)
		if (g->sup_off[s + 1] < g->sup_off[s])
			g->sup_off[s + 1] = g->sup_off[s];
	free(bs);
	free(bg);
	free(edge_group);
out:
	free(rb);
	free(rs);
	free(rg);
	free(ra);
	free(p1);
	free(p2);
	return rc;
}

struct graph *graph_build(struct db *db, struct qerror *err)
{
	double t0 = graph_now_ms();
	struct graph *g = calloc(1, sizeof *g);
	if (!g) {
		oom(err);
		return NULL;
	}
	/* One read transaction (the caller's, if it has one): everything from the same moment. */
	bool own = !db_in_transaction(db);
	if (own && db_begin_read(db, err))
		goto fail;
	if (db_counter(db, "enterprises", &g->version_enterprises, err) ||
	    db_query_int64(db, "SELECT version FROM graph_version WHERE id=1", &g->version_relations, err) ||
	    load_enterprises(g, db, err) || load_segments(g, db, err) || load_relations(g, db, err)) {
		if (own)
			db_rollback(db);
		goto fail;
	}
	if (own)
		db_rollback(db);
	g->build_ms = graph_now_ms() - t0;
	atomic_init(&g->refs, 1);
	return g;
fail:
	graph_free(g);
	return NULL;
}

json_t *graph_stats(const struct graph *g)
{
	return json_pack("{s:i,s:I,s:I,s:i,s:i,s:f,s:I,s:I}", "enterprises", g->n, "relations", (json_int_t)g->nedges,
			 "groups", (json_int_t)g->ngroups, "segments", g->nseg, "chains", g->nchains, "build_ms",
			 g->build_ms, "bytes", (json_int_t)g->bytes, "version", (json_int_t)g->version_relations);
}

/* The shared snapshot. Readers hold a reference; a rebuild swaps the pointer and drops the old one's reference. */
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;
static struct graph *shared;

void graph_release(struct graph *g)
{
	if (g && atomic_fetch_sub(&g->refs, 1) == 1)
		graph_free(g);
}

static struct graph *take_shared(void)
{
	pthread_mutex_lock(&shared_lock);
	struct graph *g = shared;
	if (g)
		atomic_fetch_add(&g->refs, 1);
	pthread_mutex_unlock(&shared_lock);
	return g;
}

static bool current(struct db *db, const struct graph *g, struct qerror *err)
{
	int64_t rel = -1, ent = -1;
	if (db_counter(db, "enterprises", &ent, err) || db_query_int64(db, "SELECT version FROM graph_version WHERE id=1", &rel, err))
		return false;
	/*
	 * Not older than what this reader sees: a standby a moment behind the primary
	 * (serve --read-db) shares a snapshot built from the primary instead of
	 * rebuilding an older one, and the other way round the next time.
	 */
	return g && g->version_relations >= rel && g->version_enterprises >= ent;
}

struct graph *graph_acquire(struct db *db, struct qerror *err)
{
	struct graph *g = take_shared();
	if (g && current(db, g, err))
		return g;
	graph_release(g);
	/* One builder at a time; the others wait and then share its result. */
	pthread_mutex_lock(&build_lock);
	g = take_shared();
	if (g && current(db, g, err)) {
		pthread_mutex_unlock(&build_lock);
		return g;
	}
	graph_release(g);
	struct graph *fresh = graph_build(db, err);
	if (fresh) {
		atomic_fetch_add(&fresh->refs, 1); /* one for the caller, one for `shared` */
		pthread_mutex_lock(&shared_lock);
		struct graph *old = shared;
		shared = fresh;
		pthread_mutex_unlock(&shared_lock);
		graph_release(old);
	}
	pthread_mutex_unlock(&build_lock);
	return fresh;
}

/* Drops the shared snapshot (tests and shutdown, so leak checkers see everything freed). */
void graph_reset_shared(void);
void graph_reset_shared(void)
{
	pthread_mutex_lock(&shared_lock);
	struct graph *old = shared;
	shared = NULL;
	pthread_mutex_unlock(&shared_lock);
	graph_release(old);
}

enum qerr graph_find(const struct graph *g, struct db *db, const char *uscc, const char *field, int32_t *idx,
		     struct qerror *err)
{
	char canon[USCC_LEN + 1];
	if (uscc_check(uscc, canon, err)) {
		snprintf(err->field, sizeof err->field, "%s", field);
		return err->code;
	}
	int64_t id, org;
	if (enterprise_ref_owner(db, canon, &id, &org, err))
		return err->code;
	if (!id || id > g->max_id || g->idx_of_id[id] < 0)
		return enterprise_ref_not_found(err, QERR_NOT_FOUND, field, canon);
	*idx = g->idx_of_id[id];
	return QERR_OK;
}

enum qerr graph_find_chain(const struct graph *g, const char *chain, int32_t *ci, struct qerror *err)
{
	for (int32_t i = 0; chain && i < g->nchains; i++) {
		if (strcmp(g->chain_id[i], chain) == 0) {
			*ci = i;
			return QERR_OK;
		}
	}
	return qerr_set(err, QERR_NOT_FOUND, "chain_not_found", "chain", "产业链不存在 (no chain '%.32s')", chain ? chain : "");
}

enum qerr graph_find_segment(const struct graph *g, const char *chain, const char *code, int32_t *seg,
			     struct qerror *err)
{
	int32_t ci = -1;
	if (graph_find_chain(g, chain, &ci, err))
		return err->code;
	for (int32_t s = 0; code && s < g->nseg; s++) {
		if (g->seg_chain[s] == ci && strcmp(g->seg_code[s], code) == 0) {
			*seg = s;
			return QERR_OK;
		}
	}
	return qerr_set(err, QERR_NOT_FOUND, "segment_not_found", "segment", "环节不存在 (no segment '%.32s' in chain %.32s)",
			code ? code : "", chain);
}

json_t *graph_enterprise_json(const struct graph *g, int32_t idx)
{
	char region[8];
	snprintf(region, sizeof region, "%06d", g->ent_region[idx]);
	return json_pack("{s:s,s:s,s:s}", "uscc", g->ent_uscc[idx], "name", graph_name(g, idx), "region", region);
}

enum qerr graph_check_buyer_access(struct db *db, const struct actor *a, const char *buyer_uscc, struct qerror *err)
{
	if (a->org_type == ORG_OPERATOR)
		return QERR_OK;
	char canon[USCC_LEN + 1];
	if (uscc_check(buyer_uscc, canon, err))
		return err->code;
	int64_t id, org;
	if (enterprise_ref_owner(db, canon, &id, &org, err))
		return err->code;
	if (!id)
		return enterprise_ref_not_found(err, QERR_NOT_FOUND, "buyer", canon);
	if (org != a->org_id || org == 0)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", "buyer",
				"只能查看本组织企业的供应链 (only the operator or the buyer's own organisation sees its supply base)");
	return QERR_OK;
}
