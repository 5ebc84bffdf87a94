/*
 * pg_market.c - the PostgreSQL 15 peer of the market benchmark (bench/market.sh).
 *
 * Runs the first N demands of QUERIES.tsv (written by `market_driver
 * demands`) against the supplies table bench/market.sh loaded, one
 * prepared statement per mode, timing each query from this client (libpq,
 * unix socket, result fetched):
 *   trgm  pg_trgm over title + description with its GIN index:
 *         WHERE body % $text ORDER BY similarity(body, $text) DESC LIMIT 10
 *   wtrgm the same with word_similarity ($text <% body), for comparison
 *   fts   full-text search over the text pre-segmented by Qilian's tokenizer
 *         ('simple' config, title weight A), GIN index on the tsvector:
 *         WHERE tsv @@ (w1 | w2 | ...) ORDER BY ts_rank(tsv, query) DESC LIMIT 10
 * Every mode applies the same hard filter as Qilian: the supply holds every
 * required certification (certs @> $required). Writes "demand_line rank
 * supply_line score" rows to OUT.tsv and prints one JSON object with the
 * latencies.
 *
 * With BUDGET_S it stops after the query that passes that many seconds in
 * total (PostgreSQL at 1M supplies takes seconds per query): "queries"
 * then says how many ran, in file order (the labelled demands come first).
 *
 * Usage: pg_market CONNINFO QUERIES.tsv N MODE OUT.tsv [LIMIT] [BUDGET_S]
 */
#include <libpq-fe.h>
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Splits a tab-separated line in place into at most max fields. */
static int split(char *line, char **f, int max)
{
	int n = 0;
	line[strcspn(line, "\n")] = 0;
	for (char *p = line; n < max;) {
		f[n++] = p;
		char *tab = strchr(p, '\t');
		if (!tab)
			break;
		*tab = 0;
		p = tab + 1;
	}
	return n;
}

/* "w1 w2" -> "'w1' | 'w2'" (our words carry no quotes or backslashes; drop any to be safe). */
static char *tsquery_of(const char *words)
{
	size_t cap = strlen(words) * 3 + 8, len = 0;
	char *q = malloc(cap);
	int first = 1;
	for (const char *p = words; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (!first) {
			memcpy(q + len, " | ", 3);
			len += 3;
		}
		first = 0;
		q[len++] = '\'';
		for (; *p && *p != ' '; p++)
			if (*p != '\'' && *p != '\\')
				q[len++] = *p;
		q[len++] = '\'';
	}
	q[len] = 0;
	return q;
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: pg_market CONNINFO QUERIES.tsv N trgm|wtrgm|fts OUT.tsv [LIMIT]\n");
		return 2;
	}
	const char *mode = argv[4];
	long nq = strtol(argv[3], NULL, 10);
	const char *limit = argc > 6 ? argv[6] : "10";
	double budget_ms = argc > 7 ? strtod(argv[7], NULL) * 1e3 : 0;
	const char *sql;
	if (strcmp(mode, "trgm") == 0)
		sql = "SELECT line, similarity(body, $1) AS score FROM supplies WHERE body % $1 AND certs @> $2::text[] "
		      "ORDER BY score DESC, line LIMIT $3::int";
	else if (strcmp(mode, "wtrgm") == 0)
		sql = "SELECT line, word_similarity($1, body) AS score FROM supplies WHERE $1 <% body AND certs @> $2::text[] "
		      "ORDER BY score DESC, line LIMIT $3::int";
	else if (strcmp(mode, "fts") == 0)
		sql = "SELECT s.line, ts_rank(s.tsv, q) AS score FROM supplies s, to_tsquery('simple', $1) q "
		      "WHERE s.tsv @@ q AND s.certs @> $2::text[] ORDER BY score DESC, s.line LIMIT $3::int";
	else {
		fprintf(stderr, "pg_market: mode is trgm, wtrgm or fts\n");
		return 2;
	}
	PGconn *c = PQconnectdb(argv[1]);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pg_market: %s", PQerrorMessage(c));
		return 1;
	}
	PGresult *res = PQprepare(c, "q", sql, 3, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "pg_market: prepare: %s", PQerrorMessage(c));
		return 1;
	}
	PQclear(res);
	FILE *in = fopen(argv[2], "r"), *out = fopen(argv[5], "w");
	if (!in || !out) {
		perror("pg_market");
		return 1;
	}
	double *lat = malloc((size_t)(nq > 0 ? nq : 1) * sizeof *lat), total = 0;
	long n = 0, empty = 0, results = 0;
	size_t cap = 0;
	char *line = NULL;
	while (n < nq && (budget_ms <= 0 || total < budget_ms) && getline(&line, &cap, in) > 0) {
		char *f[7];
		if (split(line, f, 7) < 7)
			continue;
		/* f: line, text, words, region, chain, segment, certs */
		char *tsq = strcmp(mode, "fts") == 0 ? tsquery_of(f[2]) : NULL;
		const char *params[3] = {tsq ? tsq : f[1], f[6], limit};
		double t0 = now_ms();
		res = PQexecPrepared(c, "q", 3, params, NULL, NULL, 0);
		double ms = now_ms() - t0;
		free(tsq);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			fprintf(stderr, "pg_market: query for demand line %s: %s", f[0], PQerrorMessage(c));
			return 1;
		}
		int k = PQntuples(res);
		for (int j = 0; j < k; j++)
			fprintf(out, "%s\t%d\t%s\t%s\n", f[0], j + 1, PQgetvalue(res, j, 0), PQgetvalue(res, j, 1));
		PQclear(res);
		lat[n++] = ms;
		total += ms;
		empty += k == 0;
		results += k;
		if (n % 100 == 0 || ms > 2000)
			fprintf(stderr, "pg_market %s: %ld queries, mean %.1f ms\n", mode, n, total / (double)n);
	}
	free(line);
	fclose(in);
	fclose(out);
	PQfinish(c);
	printf("{\"mode\":\"%s\",\"queries\":%ld,\"empty_results\":%ld,\"results\":%ld,\"mean_ms\":%.3f,\"latencies_ms\":[", mode,
	       n, empty, results, n ? total / (double)n : 0.0);
	for (long i = 0; i < n; i++)
		printf("%s%.3f", i ? "," : "", lat[i]);
	qsort(lat, (size_t)n, sizeof *lat, cmp_double);
	printf("],\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n", n ? lat[(n - 1) / 2] : 0.0,
	       n ? lat[(long)((double)(n - 1) * 0.90)] : 0.0, n ? lat[(long)((double)(n - 1) * 0.99)] : 0.0,
	       n ? lat[n - 1] : 0.0);
	free(lat);
	return 0;
}
