/*
 * test_graph_oracle.c - cross-checks the chain analytics against
 * independent answers on many random supply graphs:
 *  - critical enterprises against igraph's dominator tree (igraph is GPL:
 *    it is linked into this test only, never into qilian);
 *  - the disruption cascade against a naive round-by-round fixpoint.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <igraph/igraph.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "chainmap/graph.h"
#include "registry/enterprise.h"
#include "testdb.h"

#define N 36
#define M 110
#define SEGS 3

static const char *const seg_codes[SEGS] = {"x", "y", "z"};

struct world {
	char uscc[N][19];
	int buyer[M], supplier[M], seg[M];
	long long amount[M];
	int m;
};

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A fresh database in t holding world w, random from seed; returns t->db (testdb_close(t) when done). */
static struct db *make_world(struct testdb *t, struct world *w, uint64_t seed)
{
	assert_true(testdb_open(t, "oracle"));
	struct db *db = t->db;
	struct qerror e = {0};
	testdb_exec(db, "INSERT INTO chains(id,name,created_at) VALUES('c','c','t');"
			"INSERT INTO segments(chain_id,code,name) VALUES('c','x','X'),('c','y','Y'),('c','z','Z');");
	char csv[N * 96 + 128];
	size_t len = (size_t)snprintf(csv, sizeof csv, "%s\n", ENTERPRISE_CSV_HEADER);
	for (int i = 0; i < N; i++) {
		uscc_generate("320583", seed * 1000 + (uint64_t)i, w->uscc[i]);
		len += (size_t)snprintf(csv + len, sizeof csv - len, "%s,E%d,320583,38,10,100,100,none\n", w->uscc[i], i);
	}
	struct actor a;
	actor_cli(&a);
	json_t *report = NULL;
	assert_int_equal(enterprise_import(db, &a, csv, len, NULL, NULL, &report, &e), QERR_OK);
	json_decref(report);
	/* Random relations, no (buyer, supplier, segment) twice; a layered bias keeps some depth. */
	uint64_t s = seed * 7919 + 1;
	w->m = 0;
	for (int tries = 0; w->m < M && tries < M * 10; tries++) {
		int b = (int)(rnd(&s) % N), sup = (int)(rnd(&s) % N), g = (int)(rnd(&s) % SEGS);
		if (b == sup || (rnd(&s) % 3 && sup < b))
			continue;
		bool dup = false;
		for (int k = 0; k < w->m; k++)
			dup = dup || (w->buyer[k] == b && w->supplier[k] == sup && w->seg[k] == g);
		if (dup)
			continue;
		w->buyer[w->m] = b;
		w->supplier[w->m] = sup;
		w->seg[w->m] = g;
		w->amount[w->m] = 1 + (long long)(rnd(&s) % 100);
		char sql[512];
		snprintf(sql, sizeof sql,
			 "INSERT INTO relations(buyer_id,supplier_id,sid,annual_amount_fen,updated_at) SELECT b.id,s.id,g.sid,%lld,'t'"
			 " FROM enterprises b,enterprises s,segments g WHERE b.uscc='%s' AND s.uscc='%s' AND g.code='%s'",
			 w->amount[w->m], w->uscc[b], w->uscc[sup], seg_codes[g]);
		testdb_exec(db, sql);
		w->m++;
	}
	testdb_exec(db, "UPDATE graph_version SET version=version+1");
	return db;
}

static int index_of(const struct world *w, const char *uscc)
{
	for (int i = 0; i < N; i++)
		if (strcmp(w->uscc[i], uscc) == 0)
			return i;
	return -1;
}

/* igraph: R -> suppliers of b in segment g; u -> v for every relation (buyer u, supplier v) avoiding b; sources -> T. */
static int igraph_critical(const struct world *w, int b, int g, bool out[N])
{
	const int R = N, T = N + 1;
	igraph_vector_int_t edges;
	igraph_vector_int_init(&edges, 0);
	int outdeg[N] = {0};
	for (int k = 0; k < w->m; k++) {
		if (w->buyer[k] == b || w->supplier[k] == b)
			continue;
		igraph_vector_int_push_back(&edges, w->buyer[k]);
		igraph_vector_int_push_back(&edges, w->supplier[k]);
		outdeg[w->buyer[k]]++;
	}
	int direct = 0;
	for (int k = 0; k < w->m; k++) {
		if (w->buyer[k] == b && w->seg[k] == g) {
			igraph_vector_int_push_back(&edges, R);
			igraph_vector_int_push_back(&edges, w->supplier[k]);
			direct++;
		}
	}
	for (int v = 0; v < N; v++) {
		if (v != b && outdeg[v] == 0) {
			igraph_vector_int_push_back(&edges, v);
			igraph_vector_int_push_back(&edges, T);
		}
	}
	igraph_t graph;
	igraph_create(&graph, &edges, N + 2, IGRAPH_DIRECTED);
	igraph_vector_int_t dom;
	igraph_vector_int_init(&dom, 0);
	assert_int_equal(igraph_dominator_tree(&graph, R, &dom, NULL, NULL, IGRAPH_OUT), IGRAPH_SUCCESS);
	int count = 0;
	memset(out, 0, N * sizeof *out);
	igraph_integer_t v = VECTOR(dom)[T];
	for (int guard = 0; v >= 0 && v != R && v != T && guard < N + 2; guard++) {
		if (v < N) {
			out[v] = true;
			count++;
		}
		v = VECTOR(dom)[v];
	}
	igraph_vector_int_destroy(&dom);
	igraph_destroy(&graph);
	igraph_vector_int_destroy(&edges);
	return direct ? count : -1;
}

static void test_critical_matches_igraph_dominator_tree(void **state)
{
	(void)state;
	int compared = 0, nonempty = 0;
	for (uint64_t seed = 1; seed <= 25; seed++) {
		struct world w;
		struct testdb tdb;
		struct db *db = make_world(&tdb, &w, seed);
		struct qerror e = {0};
		struct graph *g = graph_build(db, &e);
		assert_non_null(g);
		for (int b = 0; b < N; b++) {
			json_t *res = NULL;
			assert_int_equal(graph_critical(g, db, w.uscc[b], &res, &e), QERR_OK);
			size_t i;
			json_t *seg;
			json_array_foreach(json_object_get(res, "segments"), i, seg) {
				const char *code = json_string_value(json_object_get(seg, "segment"));
				int gi = code[0] - 'x';
				bool ours[N] = {false}, theirs[N];
				size_t k;
				json_t *c;
				json_array_foreach(json_object_get(seg, "critical"), k, c) {
					int idx = index_of(&w, json_string_value(json_object_get(c, "uscc")));
					assert_true(idx >= 0);
					ours[idx] = true;
				}
				assert_true(igraph_critical(&w, b, gi, theirs) >= 0);
				for (int v = 0; v < N; v++) {
					if (ours[v] != theirs[v])
						fail_msg("seed %llu buyer %d segment %s vertex %d: qilian %d igraph %d",
							 (unsigned long long)seed, b, code, v, ours[v], theirs[v]);
					nonempty += ours[v];
				}
				compared++;
			}
			json_decref(res);
		}
		graph_free(g);
		testdb_close(&tdb);
	}
	/* The random graphs must exercise both answers, or the comparison proves little. */
	assert_true(compared > 200);
	assert_true(nonempty > 20);
}

/* Round-by-round fixpoint: round r knocks out every buyer whose loss from rounds < r meets the threshold. */
static void naive_cascade(const struct world *w, int start, double threshold, int tier[N])
{
	for (int i = 0; i < N; i++)
		tier[i] = -1;
	tier[start] = 0;
	for (int round = 1; round <= N; round++) {
		int next[N];
		memcpy(next, tier, sizeof next);
		for (int b = 0; b < N; b++) {
			if (tier[b] >= 0)
				continue;
			for (int g = 0; g < SEGS; g++) {
				long long lost = 0, total = 0;
				for (int k = 0; k < w->m; k++) {
					if (w->buyer[k] != b || w->seg[k] != g)
						continue;
					total += w->amount[k];
					if (tier[w->supplier[k]] >= 0)
						lost += w->amount[k];
				}
				if (total > 0 && lost * 10000 >= (long long)(threshold * 10000 + 0.5) * total)
					next[b] = round;
			}
		}
		memcpy(tier, next, sizeof next);
	}
}

static void test_cascade_matches_naive_fixpoint(void **state)
{
	(void)state;
	const double thresholds[] = {0.3, 0.5, 0.75};
	int knocked_beyond_zero = 0;
	for (uint64_t seed = 1; seed <= 15; seed++) {
		struct world w;
		struct testdb tdb;
		struct db *db = make_world(&tdb, &w, seed + 100);
		struct qerror e = {0};
		struct graph *g = graph_build(db, &e);
		assert_non_null(g);
		for (int start = 0; start < N; start += 5) {
			for (int t = 0; t < 3; t++) {
				int want[N];
				naive_cascade(&w, start, thresholds[t], want);
				const char *ids[] = {w.uscc[start], NULL};
				struct disrupt_options o = {.enterprises = ids, .threshold = thresholds[t]};
				json_t *res = NULL;
				assert_int_equal(graph_disrupt(g, db, &o, &res, &e), QERR_OK);
				int got[N];
				for (int i = 0; i < N; i++)
					got[i] = -1;
				size_t k;
				json_t *a;
				json_array_foreach(json_object_get(res, "affected"), k, a) {
					got[index_of(&w, json_string_value(json_object_get(a, "uscc")))] =
						(int)json_integer_value(json_object_get(a, "tier"));
				}
				for (int i = 0; i < N; i++) {
					if (got[i] != want[i])
						fail_msg("seed %llu start %d threshold %.2f enterprise %d: tier %d, naive %d",
							 (unsigned long long)seed, start, thresholds[t], i, got[i], want[i]);
					knocked_beyond_zero += got[i] > 0;
				}
				json_decref(res);
			}
		}
		graph_free(g);
		testdb_close(&tdb);
	}
	assert_true(knocked_beyond_zero > 20);
}

int main(void)
{
	igraph_set_error_handler(igraph_error_handler_printignore); /* the default aborts */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_critical_matches_igraph_dominator_tree),
		cmocka_unit_test(test_cascade_matches_naive_fixpoint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
