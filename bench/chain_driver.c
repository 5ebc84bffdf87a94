/*
 * chain_driver.c - times Qilian's chain analytics on one snapshot, without
 * the per-command snapshot build of `qilian chain …`.
 *
 * Links libqilian_core.a from a build directory (bench/chain.sh builds it
 * with the link line of the `qilian` binary). Builds the snapshot once,
 * then runs REPEAT times each: graph_health over every chain, graph_disrupt
 * from one supplier and graph_critical of one buyer. Prints one JSON object
 * with every sample (compute_ms as reported by the function, wall_ms around
 * the whole call including its JSON report, cpu_ms the process CPU time of
 * the call, which other load on the machine inflates less) and writes, for the cross-checks
 * in bench/chain.sh, the cascade (uscc tier) and the critical lists
 * (segment uscc) to DUMP_DIR.
 *
 * With CHECK_BUYERS > 0 it also looks (in a fixed pseudo-random order) for
 * that many buyers with at least one critical enterprise and writes their
 * lists to DUMP_DIR/qilian-critical-extra.txt ("buyer segment uscc"), so
 * the igraph cross-check compares non-empty answers too.
 *
 * With REGION (a 2/4/6-digit code) it also times the cascade from every
 * enterprise of that region (qilian-region-cascade.txt).
 *
 * Usage: chain_driver DB SUPPLIER_USCC BUYER_USCC [REPEAT] [DUMP_DIR] [CHECK_BUYERS] [REGION]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "chainmap/graph_internal.h"
#include "store/db.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of this process (user + system): less sensitive than wall time to other load on the machine. */
static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* VmRSS and VmHWM of this process in KiB. */
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

static int die(const char *what, const struct qerror *e)
{
	fprintf(stderr, "chain_driver: %s: %s (%s)\n", what, e->message, e->slug);
	return 1;
}

static json_t *samples(void)
{
	return json_pack("{s:[],s:[],s:[]}", "compute_ms", "wall_ms", "cpu_ms");
}

static void sample(json_t *s, double compute, double wall, double cpu)
{
	json_array_append_new(json_object_get(s, "compute_ms"), json_real(compute));
	json_array_append_new(json_object_get(s, "wall_ms"), json_real(wall));
	json_array_append_new(json_object_get(s, "cpu_ms"), json_real(cpu));
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: chain_driver DB SUPPLIER_USCC BUYER_USCC [REPEAT] [DUMP_DIR] [CHECK_BUYERS] [REGION]\n");
		return 2;
	}
	const char *path = argv[1], *supplier = argv[2], *buyer = argv[3];
	int repeat = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 5;
	int check_buyers = argc > 6 ? (int)strtol(argv[6], NULL, 10) : 0;
	const char *region = argc > 7 ? argv[7] : NULL;
	const char *dump = argc > 5 ? argv[5] : NULL;
	if (repeat < 1)
		repeat = 1;
	struct qerror e = {0};
	struct db *db = db_open(path, false, &e);
	if (!db)
		return die("open", &e);
	json_t *out = json_object();
	long rss0, hwm0, rss1, hwm1;
	vm(&rss0, &hwm0);

	double t0 = now_ms(), bu0 = cpu_ms();
	struct graph *g = graph_build(db, &e);
	double build_wall = now_ms() - t0, build_cpu = cpu_ms() - bu0;
	if (!g)
		return die("graph_build", &e);
	vm(&rss1, &hwm1);
	json_object_set_new(out, "graph", graph_stats(g));
	json_object_set_new(out, "build_wall_ms", json_real(build_wall));
	json_object_set_new(out, "build_cpu_ms", json_real(build_cpu));
	json_object_set_new(out, "rss_kib_before_build", json_integer(rss0));
	json_object_set_new(out, "rss_kib_after_build", json_integer(rss1));
	json_object_set_new(out, "hwm_kib_after_build", json_integer(hwm1));

	/* Every chain in the store. */
	const char *chains[64];
	int nchains = 0;
	struct db_stmt *st = db_prepare(db, "SELECT id FROM chains ORDER BY id", &e);
	while (st && nchains < 64 && db_step(st, &e) == DB_ROW)
		chains[nchains++] = strdup(db_col_text(st, 0));
	if (st)
		db_reset(st);
	json_t *chain_list = json_array();
	for (int c = 0; c < nchains; c++)
		json_array_append_new(chain_list, json_string(chains[c]));
	json_object_set_new(out, "chains", chain_list);

	/* Health of every chain, summed per round. */
	json_t *health = samples(), *per_chain = json_object();
	int weak = 0;
	for (int r = 0; r < repeat; r++) {
		double sum_compute = 0, w0 = now_ms(), u0 = cpu_ms();
		weak = 0;
		for (int c = 0; c < nchains; c++) {
			struct health_options o = {0};
			json_t *res = NULL;
			double c0 = now_ms(), cu0 = cpu_ms();
			if (graph_health(g, db, chains[c], &o, &res, &e))
				return die("graph_health", &e);
			double cw = now_ms() - c0, cu = cpu_ms() - cu0;
			double cm = json_real_value(json_object_get(res, "compute_ms"));
			sum_compute += cm;
			weak += (int)json_integer_value(json_object_get(res, "weak_count"));
			json_t *pc = json_object_get(per_chain, chains[c]);
			if (!pc)
				json_object_set_new(per_chain, chains[c], pc = samples());
			sample(pc, cm, cw, cu);
			json_decref(res);
		}
		sample(health, sum_compute, now_ms() - w0, cpu_ms() - u0);
	}
	json_object_set_new(health, "per_chain", per_chain);
	json_object_set_new(health, "weak_segments", json_integer(weak));
	json_object_set_new(out, "health_all_chains", health);

	/* Disruption cascade from the supplier. */
	json_t *disrupt = samples();
	const char *ids[] = {supplier, NULL};
	for (int r = 0; r < repeat; r++) {
		struct disrupt_options o = {.enterprises = ids, .threshold = 0.5};
		json_t *res = NULL;
		double w0 = now_ms(), u0 = cpu_ms();
		if (graph_disrupt(g, db, &o, &res, &e))
			return die("graph_disrupt", &e);
		sample(disrupt, json_real_value(json_object_get(res, "compute_ms")), now_ms() - w0, cpu_ms() - u0);
		if (r == 0) {
			json_object_set(disrupt, "knocked_out", json_object_get(res, "knocked_out"));
			json_object_set(disrupt, "partially_affected", json_object_get(res, "partially_affected_count"));
			json_object_set(disrupt, "totals_per_tier", json_object_get(res, "totals_per_tier"));
			char file[1024];
			snprintf(file, sizeof file, "%s/qilian-cascade.txt", dump ? dump : ".");
			FILE *f = dump ? fopen(file, "w") : NULL;
			size_t i;
			json_t *a;
			json_array_foreach(json_object_get(res, "affected"), i, a) {
				if (f)
					fprintf(f, "%s %lld\n", json_string_value(json_object_get(a, "uscc")),
						(long long)json_integer_value(json_object_get(a, "tier")));
			}
			if (f)
				fclose(f);
		}
		json_decref(res);
	}
	json_object_set_new(out, "disrupt", disrupt);

	/* Optional: a cascade from every enterprise of a region. */
	if (region && *region) {
		json_t *rd = samples();
		for (int r = 0; r < repeat; r++) {
			struct disrupt_options o = {.region = region, .threshold = 0.5};
			json_t *res = NULL;
			double w0 = now_ms(), u0 = cpu_ms();
			if (graph_disrupt(g, db, &o, &res, &e))
				return die("graph_disrupt region", &e);
			sample(rd, json_real_value(json_object_get(res, "compute_ms")), now_ms() - w0, cpu_ms() - u0);
			if (r == 0) {
				json_object_set_new(rd, "region", json_string(region));
				json_object_set(rd, "knocked_out", json_object_get(res, "knocked_out"));
				json_object_set(rd, "partially_affected", json_object_get(res, "partially_affected_count"));
				json_object_set(rd, "totals_per_tier", json_object_get(res, "totals_per_tier"));
				char file[1024];
				snprintf(file, sizeof file, "%s/qilian-region-cascade.txt", dump ? dump : ".");
				FILE *f = dump ? fopen(file, "w") : NULL;
				size_t i;
				json_t *a;
				json_array_foreach(json_object_get(res, "affected"), i, a) {
					if (f)
						fprintf(f, "%s %lld\n", json_string_value(json_object_get(a, "uscc")),
							(long long)json_integer_value(json_object_get(a, "tier")));
				}
				if (f)
					fclose(f);
			}
			json_decref(res);
		}
		json_object_set_new(out, "disrupt_region", rd);
	}

	/* Critical enterprises of the buyer. */
	json_t *critical = samples();
	for (int r = 0; r < repeat; r++) {
		json_t *res = NULL;
		double w0 = now_ms(), u0 = cpu_ms();
		if (graph_critical(g, db, buyer, &res, &e))
			return die("graph_critical", &e);
		sample(critical, json_real_value(json_object_get(res, "compute_ms")), now_ms() - w0, cpu_ms() - u0);
		if (r == 0) {
			json_t *per_seg = json_object();
			char file[1024];
			snprintf(file, sizeof file, "%s/qilian-critical.txt", dump ? dump : ".");
			FILE *f = dump ? fopen(file, "w") : NULL;
			size_t i, k;
			json_t *s, *c;
			json_array_foreach(json_object_get(res, "segments"), i, s) {
				const char *code = json_string_value(json_object_get(s, "segment"));
				json_t *crit = json_object_get(s, "critical");
				json_object_set_new(per_seg, code,
						    json_pack("{s:O,s:I}", "direct_suppliers", json_object_get(s, "direct_suppliers"),
							      "critical", (json_int_t)json_array_size(crit)));
				if (f && json_array_size(crit) == 0)
					fprintf(f, "%s -\n", code);
				json_array_foreach(crit, k, c) {
					if (f)
						fprintf(f, "%s %s\n", code, json_string_value(json_object_get(c, "uscc")));
				}
			}
			if (f)
				fclose(f);
			json_object_set_new(critical, "segments", per_seg);
		}
		json_decref(res);
	}
	json_object_set_new(out, "critical", critical);

	/* Buyers with non-empty critical lists, for the cross-check. */
	if (check_buyers > 0 && dump && g->n > 0) {
		char file[1024];
		snprintf(file, sizeof file, "%s/qilian-critical-extra.txt", dump);
		FILE *f = fopen(file, "w");
		json_t *found = json_array();
		int tries = 0, max_depth = 0;
		for (int64_t i = 1; f && tries < 5000 && (int)json_array_size(found) < check_buyers; i++) {
			int32_t b = (int32_t)((i * 7919) % g->n);
			if (g->grp_off[b + 1] == g->grp_off[b])
				continue;
			tries++;
			json_t *res = NULL;
			if (graph_critical(g, db, g->ent_uscc[b], &res, &e))
				return die("graph_critical", &e);
			if (json_integer_value(json_object_get(res, "segments_with_critical")) > 0) {
				json_array_append_new(found, json_string(g->ent_uscc[b]));
				size_t k, j;
				json_t *sg, *c;
				json_array_foreach(json_object_get(res, "segments"), k, sg) {
					const char *code = json_string_value(json_object_get(sg, "segment"));
					json_t *crit = json_object_get(sg, "critical");
					if (json_array_size(crit) == 0)
						fprintf(f, "%s %s -\n", g->ent_uscc[b], code);
					json_array_foreach(crit, j, c) {
						fprintf(f, "%s %s %s\n", g->ent_uscc[b], code,
							json_string_value(json_object_get(c, "uscc")));
						int depth = (int)json_integer_value(json_object_get(c, "depth"));
						if (depth > max_depth)
							max_depth = depth;
					}
				}
			}
			json_decref(res);
		}
		if (f)
			fclose(f);
		json_object_set_new(out, "check_buyers",
				    json_pack("{s:o,s:i,s:i}", "buyers", found, "tried", tries, "max_depth", max_depth));
	}

	long rss2, hwm2;
	vm(&rss2, &hwm2);
	json_object_set_new(out, "hwm_kib_end", json_integer(hwm2));
	char *s = json_dumps(out, JSON_COMPACT);
	puts(s);
	free(s);
	json_decref(out);
	for (int c = 0; c < nchains; c++)
		free((void *)chains[c]);
	graph_free(g);
	db_close(db);
	return 0;
}
