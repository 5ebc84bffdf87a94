/*
 * market_driver.c - the Qilian side of the market benchmark (bench/market.sh).
 *
 * Links libqilian_core (CMake target market_driver with -DQILIAN_BENCH=ON,
 * or bench/market.sh with the link line of the qilian binary). Three modes:
 *
 *   market_driver match DB DEMANDS.csv N OUT.tsv [LIMIT]
 *       Runs the first N demands of the CSV (the file `qilian gen listings`
 *       wrote and `qilian import demands` loaded) through market_match_top:
 *       text = title + description, region, chain/segment, certifications,
 *       limit 10. The first call builds the in-memory index and is timed on
 *       its own; then all N are timed one by one. Writes
 *       "demand_line rank supply_line score" rows to OUT.tsv (supply_line =
 *       id + 1: a fresh import numbers rows in file order, which it checks on
 *       the first rows) and prints one JSON object: latencies, the first
 *       call, market_match_index_stats, RSS, and the same percentiles of
 *       each query's thread CPU time (CLOCK_THREAD_CPUTIME_ID: what the
 *       machine's load does not add); "latencies_ms" and "cpu_ms" per query
 *       in file order.
 *
 *   market_driver import DB supplies|demands FILE.csv
 *       Imports listings with market_import_supplies / market_import_demands,
 *       the functions behind `qilian import supplies|demands`, for a tree
 *       where those CLI commands are not wired yet; prints the wall time and
 *       the report's counts as JSON.
 *
 *   market_driver supplies SUPPLIES.csv OUT.tsv
 *       The supplies as PostgreSQL COPY text rows for the PG peer: line,
 *       title, description, words of the title, words of the description
 *       (our tokenizer in index mode, space-joined, sub-words included),
 *       chain, segment, certifications and regions as text[] literals.
 *
 *   market_driver demands DEMANDS.csv OUT.tsv
 *       The demands as rows: line, query text, query words (query mode,
 *       unique, space-joined), region, chain, segment, certifications text[].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include "base/csv.h"
#include "market/listing.h"
#include "market/match.h"
#include "market/match_index.h"
#include "text/fts.h"
#include "text/tokenizer.h"
#include "store/db.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of the calling thread (user + sys), the part of a query's wall time the machine's load does not add. */
static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long rss_kib(void)
{
	long v = -1;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			v = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static int die(const char *what, const struct qerror *e)
{
	fprintf(stderr, "market_driver: %s: %s (%s)\n", what, e->message, e->slug);
	return 1;
}

/* ---- growing text buffer ---- */
struct text {
	char *p;
	size_t len, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->p = realloc(t->p, t->cap);
		if (!t->p)
			abort();
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = 0;
}

static void text_str(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

/* COPY text format: backslash, tab, newline and CR escaped. */
static void text_copy(struct text *t, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '\t' || *s == '\n' || *s == '\r') {
			const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n" : "\\r";
			text_str(t, esc);
		} else {
			text_add(t, s, 1);
		}
	}
}

/* A ';'-separated list as a PostgreSQL array literal {A,B}; our tags and codes need no quoting. */
static void text_array(struct text *t, const char *list)
{
	text_str(t, "{");
	for (const char *p = list; *p; p++)
		text_add(t, *p == ';' ? "," : p, 1);
	text_str(t, "}");
}

struct words {
	struct text *t;
	int count;
	int unique;
	struct text seen; /* " w1 w2 " for the unique check */
};

static int add_word(void *ctx, const struct text_token *tok)
{
	struct words *w = ctx;
	if (w->unique) {
		char probe[TEXT_TOKEN_MAX + 3];
		snprintf(probe, sizeof probe, " %s ", tok->term);
		if (w->seen.p && strstr(w->seen.p, probe))
			return 0;
		if (!w->seen.p)
			text_str(&w->seen, " ");
		text_str(&w->seen, tok->term);
		text_str(&w->seen, " ");
	}
	if (w->count++)
		text_str(w->t, " ");
	text_str(w->t, tok->term);
	return 0;
}

static int words_of(struct text *t, const char *s, int query)
{
	struct words w = {t, 0, query, {0}};
	int rc = query ? text_tokenize_query(s, strlen(s), add_word, &w) : text_tokenize(s, strlen(s), add_word, &w);
	free(w.seen.p);
	return rc;
}

static int export_rows(const char *csv, const char *out_path, int demands)
{
	struct qerror e = {0};
	size_t len;
	const char *data = csv_map_file(csv, &len, &e);
	if (!data)
		return die("read", &e);
	FILE *out = fopen(out_path, "w");
	if (!out) {
		perror(out_path);
		return 1;
	}
	struct csv_reader r;
	csv_init(&r, data, len);
	struct text t = {0};
	int rc = csv_next(&r, &e) == 1 ? 0 : 1; /* header */
	long rows = 0;
	while (!rc && csv_next(&r, &e) == 1) {
		t.len = 0;
		char line[24];
		snprintf(line, sizeof line, "%ld\t", r.record_line);
		text_str(&t, line);
		if (demands) { /* uscc,title,description,chain,segment,quantity,unit,budget_fen,deadline,region,certifications */
			struct text q = {0};
			text_str(&q, r.field[1]);
			text_str(&q, " ");
			text_str(&q, r.field[2]);
			text_copy(&t, q.p);
			text_str(&t, "\t");
			rc = words_of(&t, q.p, 1);
			free(q.p);
			text_str(&t, "\t");
			text_copy(&t, r.field[9]);
			text_str(&t, "\t");
			text_copy(&t, r.field[3]);
			text_str(&t, "\t");
			text_copy(&t, r.field[4]);
			text_str(&t, "\t");
			text_array(&t, r.field[10]);
		} else { /* uscc,title,description,chain,segment,regions,certifications */
			text_copy(&t, r.field[1]);
			text_str(&t, "\t");
			text_copy(&t, r.field[2]);
			text_str(&t, "\t");
			rc = words_of(&t, r.field[1], 0);
			text_str(&t, "\t");
			rc = rc ? rc : words_of(&t, r.field[2], 0);
			text_str(&t, "\t");
			text_copy(&t, r.field[3]);
			text_str(&t, "\t");
			text_copy(&t, r.field[4]);
			text_str(&t, "\t");
			text_array(&t, r.field[6]);
			text_str(&t, "\t");
			text_array(&t, r.field[5]);
		}
		text_str(&t, "\n");
		fwrite(t.p, 1, t.len, out);
		rows++;
	}
	free(t.p);
	csv_free(&r);
	csv_unmap(data, len);
	if (fclose(out) || rc) {
		fprintf(stderr, "market_driver: export failed (tokenizer %d)\n", rc);
		return 1;
	}
	fprintf(stderr, "market_driver: %ld rows to %s\n", rows, out_path);
	return 0;
}

struct demand {
	long line;
	char *text, *region, *chain, *segment, *certs;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The supplies table must number rows in file order: id k is line k + 1. Checks the first rows' titles. */
static int check_ids(struct db *db, const char *demands_csv)
{
	char path[1024];
	const char *slash = strrchr(demands_csv, '/');
	snprintf(path, sizeof path, "%.*ssupplies.csv", slash ? (int)(slash - demands_csv + 1) : 0, demands_csv);
	struct qerror e = {0};
	FILE *f = fopen(path, "r");
	if (!f)
		return 0; /* nothing to compare with */
	char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	struct csv_reader r;
	csv_init(&r, buf, n);
	int bad = 0;
	if (csv_next(&r, &e) == 1)
		for (long id = 1; id <= 20 && csv_next(&r, &e) == 1; id++) {
			struct db_stmt *st = db_prepare(db, "SELECT title FROM supplies WHERE id=?", &e);
			if (!st)
				return die("check", &e);
			db_bind_int64(st, 1, id);
			if (db_step(st, &e) != DB_ROW || strcmp(db_col_text(st, 0), r.field[1]) != 0) {
				fprintf(stderr, "market_driver: supply id %ld is not line %ld of %s\n", id, id + 1, path);
				bad = 1;
			}
			db_reset(st);
		}
	csv_free(&r);
	return bad;
}

static int run_match(const char *dbpath, const char *csv, long nq, const char *out_path, int limit)
{
	struct qerror e = {0};
	size_t len;
	const char *data = csv_map_file(csv, &len, &e);
	if (!data)
		return die("read", &e);
	struct demand *dem = calloc((size_t)nq, sizeof *dem);
	struct csv_reader r;
	csv_init(&r, data, len);
	long n = 0;
	if (csv_next(&r, &e) == 1)
		while (n < nq && csv_next(&r, &e) == 1) {
			struct demand *d = &dem[n++];
			size_t tl = strlen(r.field[1]) + strlen(r.field[2]) + 2;
			d->line = r.record_line;
			d->text = malloc(tl);
			snprintf(d->text, tl, "%s %s", r.field[1], r.field[2]);
			d->region = strdup(r.field[9]);
			d->chain = strdup(r.field[3]);
			d->segment = strdup(r.field[4]);
			d->certs = strdup(r.field[10]);
		}
	csv_free(&r);
	csv_unmap(data, len);
	struct db *db = db_open(dbpath, false, &e);
	if (!db)
		return die("open", &e);
	if (check_ids(db, csv))
		return 1;
	FILE *out = fopen(out_path, "w");
	if (!out) {
		perror(out_path);
		return 1;
	}
	long rss0 = rss_kib();
	int64_t ids[MARKET_MATCH_MAX_LIMIT];
	double scores[MARKET_MATCH_MAX_LIMIT];
	/*
	 * MARKET_DRIVER_ROUNDS=R runs the N queries R times after the index is
	 * built; MARKET_DRIVER_LOCK=FILE takes flock(FILE) around each round only
	 * (not the index build), so two drivers (two binaries) started together
	 * alternate round by round on the benchmark lock.
	 */
	long rounds = getenv("MARKET_DRIVER_ROUNDS") ? strtol(getenv("MARKET_DRIVER_ROUNDS"), NULL, 10) : 1;
	if (rounds < 1)
		rounds = 1;
	const char *lock_path = getenv("MARKET_DRIVER_LOCK");
	int lock_fd = -1;
	json_t *round_stats = json_array();
	double *lat = malloc((size_t)(n ? n : 1) * (size_t)rounds * sizeof *lat), first = 0, total = 0;
	double *cpu = malloc((size_t)(n ? n : 1) * (size_t)rounds * sizeof *cpu), cpu_total = 0;
	long empty = 0, results = 0;
	for (long r = 0; r < rounds; r++) {
		double rt0 = now_ms(), load0[3] = {0}, load1[3] = {0};
		if (r == 0 || lock_path) { /* the first call builds the index */
			struct demand *d = &dem[0];
			struct market_match_query q = {d->text,
						       *d->region ? d->region : NULL,
						       *d->chain ? d->chain : NULL,
						       *d->segment ? d->segment : NULL,
						       *d->certs ? d->certs : NULL,
						       limit};
			int k = 0;
			double t0 = now_ms();
			if (market_match_top(db, &q, ids, scores, &k, &e))
				return die("market_match_top", &e);
			if (r == 0)
				first = now_ms() - t0;
		}
		if (lock_path) {
			lock_fd = open(lock_path, O_RDWR | O_CREAT, 0666);
			if (lock_fd < 0 || flock(lock_fd, LOCK_EX)) {
				perror(lock_path);
				return 1;
			}
			rt0 = now_ms();
		}
		getloadavg(load0, 3);
		double *rlat = lat + r * n, *rcpu = cpu + r * n;
		for (long i = 0; i < n; i++) {
			struct demand *d = &dem[i];
			struct market_match_query q = {d->text,
						       *d->region ? d->region : NULL,
						       *d->chain ? d->chain : NULL,
						       *d->segment ? d->segment : NULL,
						       *d->certs ? d->certs : NULL,
						       limit};
			int k = 0;
			double c0 = cpu_ms(), t0 = now_ms();
			enum qerr rc = market_match_top(db, &q, ids, scores, &k, &e);
			double ms = now_ms() - t0, cms = cpu_ms() - c0;
			if (rc)
				return die("market_match_top", &e);
			rlat[i] = ms;
			total += ms;
			rcpu[i] = cms;
			cpu_total += cms;
			if (r == 0) {
				empty += k == 0;
				results += k;
				for (int j = 0; j < k; j++)
					fprintf(out, "%ld\t%d\t%lld\t%.6f\n", d->line, j + 1, (long long)ids[j] + 1,
						scores[j]);
			}
		}
		getloadavg(load1, 3);
		double rwall = now_ms() - rt0;
		if (lock_fd >= 0) {
			flock(lock_fd, LOCK_UN);
			close(lock_fd);
			lock_fd = -1;
		}
		{
			double *sl = malloc((size_t)(n ? n : 1) * sizeof *sl),
			       *sc = malloc((size_t)(n ? n : 1) * sizeof *sc);
			memcpy(sl, rlat, (size_t)n * sizeof *sl);
			memcpy(sc, rcpu, (size_t)n * sizeof *sc);
			qsort(sl, (size_t)n, sizeof *sl, cmp_double);
			qsort(sc, (size_t)n, sizeof *sc, cmp_double);
			json_array_append_new(
			    round_stats,
			    json_pack("{s:I,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f}", "round", (json_int_t)r, "wall_s",
				      rwall / 1e3, "p50_ms", n ? sl[(n - 1) / 2] : 0.0, "p99_ms",
				      n ? sl[(long)((double)(n - 1) * 0.99)] : 0.0, "max_ms", n ? sl[n - 1] : 0.0,
				      "cpu_p50_ms", n ? sc[(n - 1) / 2] : 0.0, "cpu_p99_ms",
				      n ? sc[(long)((double)(n - 1) * 0.99)] : 0.0, "cpu_max_ms", n ? sc[n - 1] : 0.0,
				      "load1_before", load0[0], "load1_after", load1[0], "load5_after", load1[1]));
			free(sl);
			free(sc);
		}
		if (lock_path && r + 1 < rounds)
			sleep(2); /* let the other driver (and other benchmarks) take the lock */
	}
	fclose(out);
	long per = n; /* queries per round */
	n *= rounds;  /* the statistics below pool every round */
	/* MARKET_DRIVER_DIAG=FILE: per query, untimed, what the search did (a tree whose index counts it) */
	const char *diag_path = getenv("MARKET_DRIVER_DIAG");
	FILE *diag = diag_path ? fopen(diag_path, "w") : NULL;
	if (diag)
		fprintf(diag, "line\twall_ms\tcpu_ms\texpanded\tterms\tlists\tcandidates\tprobes\ttext\n");
	for (long i = 0; diag && i < per; i++) { /* with the last round's times */
		struct demand *d = &dem[i];
		int expanded = -1, nterms = -1, lists = -1;
		long long cand = -1, probes = -1;
#ifdef MI_TERMS_COUNTERS
		if (!*d->chain) {
			static struct mi_terms terms;
			struct mi_hit hits[MARKET_MATCH_MAX_LIMIT];
			int k = 0;
			struct mi_query mq = {.text = d->text,
					      .text_len = strlen(d->text),
					      .region = *d->region ? d->region : NULL,
					      .certs = *d->certs ? d->certs : NULL,
					      .k = limit};
			if (mi_search(db, MI_SUPPLIES, &mq, hits, &k, &terms, &e))
				return die("mi_search", &e);
			expanded = terms.expanded;
			nterms = terms.n;
			lists = terms.lists;
			cand = (long long)terms.candidates;
			probes = (long long)terms.probes;
		}
#endif
		fprintf(diag, "%ld\t%.3f\t%.3f\t%d\t%d\t%d\t%lld\t%lld\t%.60s\n", d->line, lat[(rounds - 1) * per + i],
			cpu[(rounds - 1) * per + i], expanded, nterms, lists, cand, probes, d->text);
	}
	if (diag)
		fclose(diag);
	json_t *stats = NULL;
	if (market_match_index_stats(db, &stats, &e))
		return die("index stats", &e);
	json_t *o = json_object();
	json_t *all = json_array();
	json_t *all_cpu = json_array();
	for (long i = 0; i < n; i++) {
		json_array_append_new(all, json_real(lat[i]));
		json_array_append_new(all_cpu, json_real(cpu[i]));
	}
	qsort(lat, (size_t)n, sizeof *lat, cmp_double);
	qsort(cpu, (size_t)n, sizeof *cpu, cmp_double);
	json_object_set_new(o, "queries", json_integer(n));
	json_object_set_new(o, "limit", json_integer(limit));
	json_object_set_new(o, "first_call_ms", json_real(first));
	json_object_set_new(o, "p50_ms", json_real(n ? lat[(n - 1) / 2] : 0));
	json_object_set_new(o, "p90_ms", json_real(n ? lat[(long)((double)(n - 1) * 0.90)] : 0));
	json_object_set_new(o, "p99_ms", json_real(n ? lat[(long)((double)(n - 1) * 0.99)] : 0));
	json_object_set_new(o, "max_ms", json_real(n ? lat[n - 1] : 0));
	json_object_set_new(o, "mean_ms", json_real(n ? total / (double)n : 0));
	json_object_set_new(o, "cpu_p50_ms", json_real(n ? cpu[(n - 1) / 2] : 0));
	json_object_set_new(o, "cpu_p90_ms", json_real(n ? cpu[(long)((double)(n - 1) * 0.90)] : 0));
	json_object_set_new(o, "cpu_p99_ms", json_real(n ? cpu[(long)((double)(n - 1) * 0.99)] : 0));
	json_object_set_new(o, "cpu_max_ms", json_real(n ? cpu[n - 1] : 0));
	json_object_set_new(o, "cpu_mean_ms", json_real(n ? cpu_total / (double)n : 0));
	json_object_set_new(o, "empty_results", json_integer(empty));
	json_object_set_new(o, "results", json_integer(results));
	json_object_set_new(o, "rss_kib_before", json_integer(rss0));
	json_object_set_new(o, "rss_kib_after", json_integer(rss_kib()));
	json_object_set_new(o, "index", stats);
	json_object_set_new(o, "rounds", round_stats);
	json_object_set_new(o, "queries_per_round", json_integer(per));
	json_object_set_new(o, "latencies_ms", all);
	json_object_set_new(o, "cpu_ms", all_cpu);
	char *s = json_dumps(o, JSON_COMPACT);
	puts(s);
	free(s);
	json_decref(o);
	for (long i = 0; i < per; i++) {
		free(dem[i].text);
		free(dem[i].region);
		free(dem[i].chain);
		free(dem[i].segment);
		free(dem[i].certs);
	}
	free(dem);
	free(lat);
	free(cpu);
	db_close(db);
	return 0;
}

static int run_import(const char *dbpath, const char *kind, const char *csv)
{
	struct qerror e = {0};
	size_t len;
	const char *data = csv_map_file(csv, &len, &e);
	if (!data)
		return die("read", &e);
	struct db *db = db_open(dbpath, false, &e);
	if (!db)
		return die("open", &e);
	struct actor a;
	actor_cli(&a);
	json_t *report = NULL;
	double t0 = now_ms();
	enum qerr rc = strcmp(kind, "supplies") == 0 ? market_import_supplies(db, &a, data, len, NULL, NULL, &report, &e)
						   : market_import_demands(db, &a, data, len, NULL, NULL, &report, &e);
	double ms = now_ms() - t0;
	json_t *errors = json_object_get(report, "errors");
	while (json_array_size(errors) > 5) /* the first few say enough */
		json_array_remove(errors, json_array_size(errors) - 1);
	char *s = json_dumps(report ? report : json_null(), JSON_COMPACT);
	printf("{\"kind\":\"%s\",\"wall_ms\":%.1f,\"report\":%s}\n", kind, ms, s ? s : "null");
	free(s);
	json_decref(report);
	csv_unmap(data, len);
	db_close(db);
	if (rc)
		return die("import", &e);
	return 0;
}

int main(int argc, char **argv)
{
	text_fts_install();
	if (argc == 5 && strcmp(argv[1], "import") == 0)
		return run_import(argv[2], argv[3], argv[4]);
	if (argc >= 6 && strcmp(argv[1], "match") == 0)
		return run_match(argv[2], argv[3], strtol(argv[4], NULL, 10), argv[5],
				 argc > 6 ? (int)strtol(argv[6], NULL, 10) : 10);
	if (argc == 4 && strcmp(argv[1], "supplies") == 0)
		return export_rows(argv[2], argv[3], 0);
	if (argc == 4 && strcmp(argv[1], "demands") == 0)
		return export_rows(argv[2], argv[3], 1);
	fprintf(stderr, "usage: market_driver match DB DEMANDS.csv N OUT.tsv [LIMIT]\n"
			"       market_driver import DB supplies|demands FILE.csv\n"
			"       market_driver supplies SUPPLIES.csv OUT.tsv\n"
			"       market_driver demands DEMANDS.csv OUT.tsv\n");
	return 2;
}
