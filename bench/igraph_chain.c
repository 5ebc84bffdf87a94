/*
 * igraph_chain.c - the benchmark peer of Qilian's disruption cascade and
 * critical enterprises, on igraph (C core, 0.10).
 *
 * igraph is GPL-2.0-or-later: this program lives in bench/ and is never
 * linked into `qilian` (DESIGN.md §8). It needs libigraph-dev and
 * libsqlite3-dev (scripts/bootstrap --bench); bench/chain.sh builds it with
 *     cc -O2 bench/igraph_chain.c $(pkg-config --cflags --libs igraph sqlite3)
 *
 * Usage: igraph_chain DB SUPPLIER_USCC BUYER_USCC[,BUYER_USCC...] [REPEAT] [DUMP_DIR] [REGION]
 * (the first buyer is timed; the others only feed igraph-critical-extra.txt;
 * REGION, a 2/4/6-digit code prefix, adds a cascade from all its enterprises)
 *
 * Load: every relation as an edge supplier -> buyer (vertex id = enterprise
 * id) with the edge attributes "amount" (fen), "segment" (sid) and
 * "segment_total" (see below) set through igraph's C attribute handler; the
 * attribute vectors are read back once (EANV) for the algorithms. The load
 * time includes the SQL read; memory is reported for the graph with its
 * attributes (rss_kib_graph_with_attributes) and after the read-back copies.
 *
 * Cascade (the same rule as src/chainmap/graph_cascade.c, DESIGN.md §4):
 *   1. igraph_bfs_simple from the supplier along out-edges: the reachable
 *      set, which is all a cascade can touch; its vertices get compact
 *      indices so the per-(buyer, segment) loss and total arrays are sized
 *      by the reachable set, not the graph;
 *   2. tier by tier, for each knocked-out vertex, igraph_incident(OUT) and
 *      add each edge's amount to the loss of (buyer, segment); a buyer whose
 *      loss reaches threshold x total (integers, basis points) is knocked
 *      out at the next tier. The (buyer, segment) total is a third edge
 *      attribute, "segment_total", computed at load time from each vertex's
 *      in-edges - as Qilian's snapshot precomputes its group totals - so the
 *      query walks only the out-edges of knocked-out vertices. A second
 *      variant ("lazy totals") computes a buyer's totals from
 *      igraph_incident(IN) the first time it is touched instead.
 * Also timed alone: igraph_bfs_simple and the full igraph_bfs. From a region
 * (many seeds) the reachability is one igraph_bfs with all seeds as roots.
 *
 * Critical enterprises of the buyer B (the model of graph_critical.c): one
 * graph with an edge buyer -> supplier for every relation not touching B,
 * a virtual root R_s per segment s that B buys with edges to B's suppliers
 * in s, and a virtual sink T with an edge from every enterprise that has
 * no suppliers (B left out). igraph_dominator_tree from each R_s; T's
 * dominators (walking dom[] from T up to R_s) are the critical enterprises.
 * The graph is built once for all of B's segments (timed as "prep").
 *
 * Prints one JSON object; DUMP_DIR gets igraph-cascade.txt (uscc tier) and
 * igraph-critical.txt (segment uscc, or "segment -" when none) for the
 * cross-checks against Qilian.
 */
#define _GNU_SOURCE
#include <igraph/igraph.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void vm(long *rss, long *hwm)
{
	*rss = *hwm = -1;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return;
	char line[256];
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			*rss = strtol(line + 6, NULL, 10);
		else if (strncmp(line, "VmHWM:", 6) == 0)
			*hwm = strtol(line + 6, NULL, 10);
	}
	fclose(f);
}

static sqlite3 *sdb;

static void fail(const char *what)
{
	fprintf(stderr, "igraph_chain: %s: %s\n", what, sdb ? sqlite3_errmsg(sdb) : "");
	exit(1);
}

static int64_t scalar(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sdb, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		fail(sql);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t id_of(const char *uscc)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sdb, "SELECT id FROM enterprises WHERE uscc=upper(?)", -1, &st, NULL) != SQLITE_OK)
		fail("prepare");
	sqlite3_bind_text(st, 1, uscc, -1, SQLITE_STATIC);
	int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	if (id < 0) {
		fprintf(stderr, "igraph_chain: no enterprise %s\n", uscc);
		exit(1);
	}
	return id;
}

static sqlite3_stmt *uscc_st;

static const char *uscc_of(int64_t id)
{
	static char buf[32];
	sqlite3_reset(uscc_st);
	sqlite3_bind_int64(uscc_st, 1, id);
	snprintf(buf, sizeof buf, "%s", sqlite3_step(uscc_st) == SQLITE_ROW ? (const char *)sqlite3_column_text(uscc_st, 0) : "?");
	return buf;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* {"median":…, "min":…, "runs":[…]} of samples (sorted in place). */
static void print_samples(const char *name, double *v, int n, int last)
{
	double *c = malloc((size_t)n * sizeof *c);
	memcpy(c, v, (size_t)n * sizeof *c);
	qsort(c, (size_t)n, sizeof *c, cmp_double);
	printf("\"%s\":{\"median\":%.3f,\"min\":%.3f,\"runs\":[", name, c[n / 2], c[0]);
	for (int i = 0; i < n; i++)
		printf("%s%.3f", i ? "," : "", v[i]);
	printf("]}%s", last ? "" : ",");
	free(c);
}

struct cascade_result {
	igraph_integer_t reachable, knocked, max_tier;
	double bfs_ms, cascade_ms;
};

/* The threshold cascade from src; writes tier per vertex (-1 = not knocked out) if tier_out != NULL. */
static struct cascade_result cascade(const igraph_t *g, const igraph_vector_t *amount, const igraph_vector_t *segment,
				     const igraph_vector_t *segtotal, igraph_integer_t nseg, const igraph_vector_int_t *seeds,
				     long long bp, int16_t *tier_out)
{
	struct cascade_result r = {0};
	double t0 = now_ms();
	igraph_vector_int_t order;
	igraph_vector_int_init(&order, 0);
	igraph_integer_t nseeds = igraph_vector_int_size(seeds), nr;
	if (nseeds == 1) {
		igraph_bfs_simple(g, VECTOR(*seeds)[0], IGRAPH_OUT, &order, NULL, NULL);
		nr = igraph_vector_int_size(&order);
	} else {
		/* Several seeds (a region): one igraph_bfs from all of them; unreached entries of order are negative. */
		igraph_bfs(g, 0, seeds, IGRAPH_OUT, 0, NULL, &order, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
		for (nr = 0; nr < igraph_vector_int_size(&order) && VECTOR(order)[nr] >= 0; nr++)
			;
	}
	double t1 = now_ms();
	r.reachable = nr;
	/* Compact indices of the reachable vertices. */
	igraph_integer_t nv = igraph_vcount(g);
	int32_t *local = malloc((size_t)nv * sizeof *local);
	memset(local, 0xff, (size_t)nv * sizeof *local);
	for (igraph_integer_t i = 0; i < nr; i++)
		local[VECTOR(order)[i]] = (int32_t)i;
	int16_t *tier = malloc((size_t)nr * sizeof *tier);
	memset(tier, 0xff, (size_t)nr * sizeof *tier);
	uint8_t *totals_done = calloc((size_t)nr, 1);
	int64_t *lost = calloc((size_t)(nr * nseg), sizeof *lost), *total = calloc((size_t)(nr * nseg), sizeof *total);
	igraph_integer_t *queue = malloc((size_t)nr * sizeof *queue);
	igraph_vector_int_t inc;
	igraph_vector_int_init(&inc, 0);
	igraph_integer_t nq = 0, begin = 0;
	for (igraph_integer_t i = 0; i < nseeds; i++) {
		igraph_integer_t v = VECTOR(*seeds)[i];
		if (tier[local[v]] < 0) {
			queue[nq++] = v;
			tier[local[v]] = 0;
		}
	}
	for (int t = 0; begin < nq; t++) {
		igraph_integer_t end = nq;
		for (igraph_integer_t k = begin; k < end; k++) {
			igraph_incident(g, &inc, queue[k], IGRAPH_OUT);
			igraph_integer_t deg = igraph_vector_int_size(&inc);
			for (igraph_integer_t j = 0; j < deg; j++) {
				igraph_integer_t e = VECTOR(inc)[j], b = IGRAPH_TO(g, e), lb = local[b];
				if (segtotal) {
					igraph_integer_t key = lb * nseg + (igraph_integer_t)VECTOR(*segment)[e];
					total[key] = (int64_t)VECTOR(*segtotal)[e];
				} else if (!totals_done[lb]) {
					/* The buyer's totals per segment, from its in-edges. */
					igraph_vector_int_t in;
					igraph_vector_int_init(&in, 0);
					igraph_incident(g, &in, b, IGRAPH_IN);
					for (igraph_integer_t i = 0; i < igraph_vector_int_size(&in); i++) {
						igraph_integer_t ie = VECTOR(in)[i];
						total[lb * nseg + (igraph_integer_t)VECTOR(*segment)[ie]] += (int64_t)VECTOR(*amount)[ie];
					}
					igraph_vector_int_destroy(&in);
					totals_done[lb] = 1;
				}
				igraph_integer_t key = lb * nseg + (igraph_integer_t)VECTOR(*segment)[e];
				lost[key] += (int64_t)VECTOR(*amount)[e];
				if (tier[lb] < 0 && total[key] > 0 &&
				    (__int128)lost[key] * 10000 >= (__int128)total[key] * bp) {
					tier[lb] = (int16_t)(t + 1);
					queue[nq++] = b;
					if (t + 1 > r.max_tier)
						r.max_tier = t + 1;
				}
			}
		}
		begin = end;
	}
	double t2 = now_ms();
	r.knocked = nq;
	r.bfs_ms = t1 - t0;
	r.cascade_ms = t2 - t1;
	if (tier_out) {
		memset(tier_out, 0xff, (size_t)nv * sizeof *tier_out);
		for (igraph_integer_t i = 0; i < nr; i++)
			tier_out[VECTOR(order)[i]] = tier[i];
	}
	igraph_vector_int_destroy(&inc);
	igraph_vector_int_destroy(&order);
	free(local);
	free(tier);
	free(totals_done);
	free(lost);
	free(total);
	free(queue);
	return r;
}

/*
 * Critical enterprises of buyer B per segment it buys, by igraph_dominator_tree
 * (model in the header comment). With prefix == NULL prints the timings as
 * JSON fields and times `repeat` rounds into s_dom; lines go to f as
 * "[prefix ]segment uscc" ("segment -" when a segment has none).
 */
static void critical(const igraph_t *g, const igraph_vector_t *segment, igraph_integer_t nseg, igraph_integer_t buyer_id,
		     int repeat, double *s_dom, FILE *f, const char *prefix)
{
	long rss, hwm;
	igraph_integer_t nv = igraph_vcount(g);
	double p0 = now_ms();
	igraph_vector_int_t in;
	igraph_vector_int_init(&in, 0);
	igraph_incident(g, &in, buyer_id, IGRAPH_IN);
	igraph_integer_t *root_of_seg = malloc((size_t)nseg * sizeof *root_of_seg), nroots = 0;
	for (igraph_integer_t s = 0; s < nseg; s++)
		root_of_seg[s] = -1;
	for (igraph_integer_t i = 0; i < igraph_vector_int_size(&in); i++) {
		igraph_integer_t s = (igraph_integer_t)VECTOR(*segment)[VECTOR(in)[i]];
		if (root_of_seg[s] < 0)
			root_of_seg[s] = nv + nroots++;
	}
	igraph_integer_t T = nv + nroots;
	/* Edges buyer -> supplier avoiding B; R_s -> B's suppliers in s; supplier-less enterprises -> T. */
	igraph_vector_int_t cedges;
	igraph_vector_int_init(&cedges, 0);
	igraph_vector_int_reserve(&cedges, 2 * (igraph_ecount(g) + nv + igraph_vector_int_size(&in)));
	uint8_t *has_supplier = calloc((size_t)nv, 1);
	for (igraph_integer_t ed = 0; ed < igraph_ecount(g); ed++) {
		igraph_integer_t sup = IGRAPH_FROM(g, ed), buy = IGRAPH_TO(g, ed);
		if (sup == buyer_id || buy == buyer_id)
			continue;
		igraph_vector_int_push_back(&cedges, buy);
		igraph_vector_int_push_back(&cedges, sup);
		has_supplier[buy] = 1;
	}
	for (igraph_integer_t i = 0; i < igraph_vector_int_size(&in); i++) {
		igraph_integer_t ed = VECTOR(in)[i];
		igraph_vector_int_push_back(&cedges, root_of_seg[(igraph_integer_t)VECTOR(*segment)[ed]]);
		igraph_vector_int_push_back(&cedges, IGRAPH_FROM(g, ed));
	}
	for (igraph_integer_t v = 0; v < nv; v++) {
		if (v != buyer_id && !has_supplier[v]) {
			igraph_vector_int_push_back(&cedges, v);
			igraph_vector_int_push_back(&cedges, T);
		}
	}
	free(has_supplier);
	igraph_t cg;
	igraph_create(&cg, &cedges, T + 1, IGRAPH_DIRECTED);
	igraph_vector_int_destroy(&cedges);
	double prep_ms = now_ms() - p0;
	vm(&rss, &hwm);
	if (!prefix)
		printf("\"critical_prep_ms\":%.1f,\"critical_graph_edges\":%lld,\"critical_segments\":%lld,"
		       "\"rss_kib_after_critical_prep\":%ld,\"critical_per_segment\":{",
		       prep_ms, (long long)igraph_ecount(&cg), (long long)nroots, rss);
	sqlite3_stmt *code_st;
	sqlite3_prepare_v2(sdb, "SELECT code FROM segments WHERE sid=?", -1, &code_st, NULL);
	int first = 1;
	for (int r = 0; r < repeat; r++) {
		s_dom[r] = 0;
		for (igraph_integer_t s = 0; s < nseg; s++) {
			if (root_of_seg[s] < 0)
				continue;
			igraph_vector_int_t dom;
			igraph_vector_int_init(&dom, 0);
			double a = now_ms();
			igraph_dominator_tree(&cg, root_of_seg[s], &dom, NULL, NULL, IGRAPH_OUT);
			double d = now_ms() - a;
			s_dom[r] += d;
			if (r == 0) {
				sqlite3_reset(code_st);
				sqlite3_bind_int64(code_st, 1, s);
				char code[64];
				snprintf(code, sizeof code, "%s",
					 sqlite3_step(code_st) == SQLITE_ROW ? (const char *)sqlite3_column_text(code_st, 0) : "?");
				int count = 0;
				igraph_integer_t v = VECTOR(dom)[T];
				for (igraph_integer_t guard = 0; v >= 0 && v < nv && guard <= T; guard++) {
					if (f)
						fprintf(f, "%s%s%s %s\n", prefix ? prefix : "", prefix ? " " : "", code, uscc_of(v));
					count++;
					v = VECTOR(dom)[v];
				}
				if (f && count == 0)
					fprintf(f, "%s%s%s -\n", prefix ? prefix : "", prefix ? " " : "", code);
				if (!prefix)
					printf("%s\"%s\":{\"dominator_tree_ms\":%.1f,\"critical\":%d,\"T_reachable\":%s}",
					       first ? "" : ",", code, d, count, VECTOR(dom)[T] >= 0 ? "true" : "false");
				first = 0;
			}
			igraph_vector_int_destroy(&dom);
		}
	}
	if (!prefix)
		printf("},");
	sqlite3_finalize(code_st);
	igraph_destroy(&cg);
	igraph_vector_int_destroy(&in);
	free(root_of_seg);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: igraph_chain DB SUPPLIER_USCC BUYER_USCC[,BUYER_USCC...] [REPEAT] [DUMP_DIR] [REGION]\n");
		return 2;
	}
	int repeat = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 5;
	const char *dump = argc > 5 ? argv[5] : NULL;
	const char *region = argc > 6 ? argv[6] : NULL;
	if (repeat < 1)
		repeat = 1;
	igraph_set_attribute_table(&igraph_cattribute_table);
	if (sqlite3_open_v2(argv[1], &sdb, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		fail("open");
	sqlite3_prepare_v2(sdb, "SELECT uscc FROM enterprises WHERE id=?", -1, &uscc_st, NULL);
	int64_t src_id = id_of(argv[2]);
	/* BUYER[,BUYER...]: the first is timed, the rest are cross-checked only. */
	int nbuyers = 0;
	int64_t *buyer_ids = malloc((strlen(argv[3]) / 2 + 2) * sizeof *buyer_ids);
	char *list = strdup(argv[3]);
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
		buyer_ids[nbuyers++] = id_of(t);
	free(list);
	long rss, hwm;

	/* Load. */
	double t0 = now_ms();
	igraph_integer_t nv = scalar("SELECT coalesce(max(id),0)+1 FROM enterprises");
	igraph_integer_t nseg = scalar("SELECT coalesce(max(sid),0)+1 FROM segments");
	igraph_integer_t m = scalar("SELECT count(*) FROM relations");
	igraph_vector_int_t edges;
	igraph_vector_t amt, seg;
	igraph_vector_int_init(&edges, 2 * m);
	igraph_vector_init(&amt, m);
	igraph_vector_init(&seg, m);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sdb, "SELECT supplier_id,buyer_id,sid,annual_amount_fen FROM relations", -1, &st, NULL))
		fail("prepare");
	igraph_integer_t e = 0;
	while (e < m && sqlite3_step(st) == SQLITE_ROW) {
		VECTOR(edges)[2 * e] = sqlite3_column_int64(st, 0);
		VECTOR(edges)[2 * e + 1] = sqlite3_column_int64(st, 1);
		VECTOR(seg)[e] = (double)sqlite3_column_int64(st, 2);
		VECTOR(amt)[e] = (double)sqlite3_column_int64(st, 3);
		e++;
	}
	sqlite3_finalize(st);
	double t_sql = now_ms();
	igraph_t g;
	igraph_create(&g, &edges, nv, IGRAPH_DIRECTED);
	igraph_vector_int_destroy(&edges);
	double t_create = now_ms();
	/* Per edge, the total of its (buyer, segment): from each vertex's in-edges. */
	igraph_vector_t stv;
	igraph_vector_init(&stv, m);
	{
		double *acc = calloc((size_t)nseg, sizeof *acc);
		igraph_vector_int_t in;
		igraph_vector_int_init(&in, 0);
		for (igraph_integer_t v = 0; v < nv; v++) {
			igraph_incident(&g, &in, v, IGRAPH_IN);
			igraph_integer_t k = igraph_vector_int_size(&in);
			for (igraph_integer_t i = 0; i < k; i++)
				acc[(igraph_integer_t)VECTOR(seg)[VECTOR(in)[i]]] += VECTOR(amt)[VECTOR(in)[i]];
			for (igraph_integer_t i = 0; i < k; i++)
				VECTOR(stv)[VECTOR(in)[i]] = acc[(igraph_integer_t)VECTOR(seg)[VECTOR(in)[i]]];
			for (igraph_integer_t i = 0; i < k; i++)
				acc[(igraph_integer_t)VECTOR(seg)[VECTOR(in)[i]]] = 0;
		}
		igraph_vector_int_destroy(&in);
		free(acc);
	}
	double t_totals = now_ms();
	SETEANV(&g, "amount", &amt);
	SETEANV(&g, "segment", &seg);
	SETEANV(&g, "segment_total", &stv);
	igraph_vector_destroy(&amt);
	igraph_vector_destroy(&seg);
	igraph_vector_destroy(&stv);
	long rss_graph, hwm_graph;
	vm(&rss_graph, &hwm_graph);
	/* The algorithms read the attributes as plain vectors, fetched once (EANV copies them). */
	igraph_vector_t amount, segment, segtotal;
	igraph_vector_init(&amount, 0);
	igraph_vector_init(&segment, 0);
	igraph_vector_init(&segtotal, 0);
	EANV(&g, "amount", &amount);
	EANV(&g, "segment", &segment);
	EANV(&g, "segment_total", &segtotal);
	double t_end = now_ms(), load_ms = t_end - t0;
	vm(&rss, &hwm);
	printf("{\"igraph_version\":\"%s\",\"vertices\":%lld,\"edges\":%lld,\"load_ms\":%.1f,\"sql_read_ms\":%.1f,"
	       "\"create_ms\":%.1f,\"segment_totals_ms\":%.1f,\"attributes_ms\":%.1f,"
	       "\"rss_kib_graph_with_attributes\":%ld,\"rss_kib_after_load\":%ld,\"hwm_kib_after_load\":%ld,",
	       IGRAPH_VERSION, (long long)igraph_vcount(&g), (long long)igraph_ecount(&g), load_ms, t_sql - t0,
	       t_create - t_sql, t_totals - t_create, t_end - t_totals, rss_graph, rss, hwm);

	/* BFS alone (igraph_bfs_simple and the full igraph_bfs), then the cascade. */
	double *s_bfs = malloc((size_t)repeat * sizeof(double)), *s_bfsfull = malloc((size_t)repeat * sizeof(double));
	double *s_cas = malloc((size_t)repeat * sizeof(double)), *s_tot = malloc((size_t)repeat * sizeof(double));
	double *s_lazy = malloc((size_t)repeat * sizeof(double));
	igraph_integer_t reached = 0;
	for (int r = 0; r < repeat; r++) {
		igraph_vector_int_t order;
		igraph_vector_int_init(&order, 0);
		double a = now_ms();
		igraph_bfs_simple(&g, src_id, IGRAPH_OUT, &order, NULL, NULL);
		s_bfs[r] = now_ms() - a;
		reached = igraph_vector_int_size(&order);
		a = now_ms();
		igraph_bfs(&g, src_id, NULL, IGRAPH_OUT, 0, NULL, &order, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
		s_bfsfull[r] = now_ms() - a;
		igraph_vector_int_destroy(&order);
	}
	int16_t *tier = malloc((size_t)nv * sizeof *tier);
	struct cascade_result cr = {0};
	igraph_vector_int_t seeds;
	igraph_vector_int_init(&seeds, 1);
	VECTOR(seeds)[0] = src_id;
	for (int r = 0; r < repeat; r++) {
		cr = cascade(&g, &amount, &segment, &segtotal, nseg, &seeds, 5000, r == 0 ? tier : NULL);
		s_cas[r] = cr.cascade_ms;
		s_tot[r] = cr.bfs_ms + cr.cascade_ms;
	}
	for (int r = 0; r < repeat; r++) {
		struct cascade_result lr = cascade(&g, &amount, &segment, NULL, nseg, &seeds, 5000, NULL);
		s_lazy[r] = lr.bfs_ms + lr.cascade_ms;
		if (lr.knocked != cr.knocked)
			fprintf(stderr, "igraph_chain: lazy-totals cascade knocked out %lld, not %lld\n", (long long)lr.knocked,
				(long long)cr.knocked);
	}
	printf("\"reachable_from_supplier\":%lld,\"cascade_knocked_out\":%lld,\"cascade_max_tier\":%lld,", (long long)reached,
	       (long long)cr.knocked, (long long)cr.max_tier);
	print_samples("bfs_simple_ms", s_bfs, repeat, 0);
	print_samples("bfs_full_ms", s_bfsfull, repeat, 0);
	print_samples("cascade_threshold_only_ms", s_cas, repeat, 0);
	print_samples("cascade_ms", s_tot, repeat, 0);
	print_samples("cascade_lazy_totals_ms", s_lazy, repeat, 0);
	if (dump) {
		char file[1024];
		snprintf(file, sizeof file, "%s/igraph-cascade.txt", dump);
		FILE *f = fopen(file, "w");
		for (igraph_integer_t v = 0; f && v < nv; v++)
			if (tier[v] >= 0)
				fprintf(f, "%s %d\n", uscc_of(v), tier[v]);
		if (f)
			fclose(f);
	}
	/* Optional: every enterprise of a region (code prefix) knocked out at tier 0. */
	if (region && *region) {
		sqlite3_stmt *rs;
		sqlite3_prepare_v2(sdb, "SELECT id FROM enterprises WHERE region LIKE ?1 || '%' ORDER BY id", -1, &rs, NULL);
		sqlite3_bind_text(rs, 1, region, -1, SQLITE_STATIC);
		igraph_vector_int_clear(&seeds);
		while (sqlite3_step(rs) == SQLITE_ROW)
			igraph_vector_int_push_back(&seeds, sqlite3_column_int64(rs, 0));
		sqlite3_finalize(rs);
		double *s_reg = malloc((size_t)repeat * sizeof(double));
		struct cascade_result rr = {0};
		for (int r = 0; r < repeat; r++) {
			rr = cascade(&g, &amount, &segment, &segtotal, nseg, &seeds, 5000, r == 0 ? tier : NULL);
			s_reg[r] = rr.bfs_ms + rr.cascade_ms;
		}
		printf("\"region\":\"%s\",\"region_seeds\":%lld,\"region_reachable\":%lld,\"region_knocked_out\":%lld,"
		       "\"region_bfs_ms\":%.1f,\"region_threshold_only_ms\":%.1f,",
		       region, (long long)igraph_vector_int_size(&seeds), (long long)rr.reachable, (long long)rr.knocked,
		       rr.bfs_ms, rr.cascade_ms);
		print_samples("region_cascade_ms", s_reg, repeat, 0);
		free(s_reg);
		if (dump) {
			char file[1024];
			snprintf(file, sizeof file, "%s/igraph-region-cascade.txt", dump);
			FILE *f = fopen(file, "w");
			for (igraph_integer_t v = 0; f && v < nv; v++)
				if (tier[v] >= 0)
					fprintf(f, "%s %d\n", uscc_of(v), tier[v]);
			if (f)
				fclose(f);
		}
	}
	igraph_vector_int_destroy(&seeds);
	free(tier);

	/* Critical enterprises: the first buyer timed, the others only for the cross-check. */
	double *s_dom = malloc((size_t)repeat * sizeof(double));
	FILE *f = NULL, *fx = NULL;
	if (dump) {
		char file[1024];
		snprintf(file, sizeof file, "%s/igraph-critical.txt", dump);
		f = fopen(file, "w");
		snprintf(file, sizeof file, "%s/igraph-critical-extra.txt", dump);
		fx = nbuyers > 1 ? fopen(file, "w") : NULL;
	}
	critical(&g, &segment, nseg, buyer_ids[0], repeat, s_dom, f, NULL);
	print_samples("dominator_tree_all_segments_ms", s_dom, repeat, 0);
	for (int i = 1; i < nbuyers; i++) {
		char prefix[40];
		snprintf(prefix, sizeof prefix, "%s", uscc_of(buyer_ids[i]));
		critical(&g, &segment, nseg, buyer_ids[i], 1, s_dom, fx, prefix);
	}
	if (f)
		fclose(f);
	if (fx)
		fclose(fx);
	printf("\"extra_buyers_checked\":%d,", nbuyers - 1);
	vm(&rss, &hwm);
	printf("\"hwm_kib_end\":%ld}\n", hwm);
	free(s_dom);
	free(buyer_ids);
	igraph_vector_destroy(&amount);
	igraph_vector_destroy(&segment);
	igraph_destroy(&g);
	sqlite3_finalize(uscc_st);
	sqlite3_close(sdb);
	return 0;
}
