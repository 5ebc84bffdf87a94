/* cmd_chain.c - `qilian chain health|suppliers|local-rate|disrupt|fill|critical|graph`: chain analytics at the CLI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/util.h"
#include "chainmap/analytics.h"
#include "chainmap/synth_chain.h"
#include "cli/cli.h"

/* Prints the analytics result or the error; closes the database. */
static int finish(struct db *db, enum qerr rc, json_t *out, const struct qerror *e)
{
	db_close(db);
	if (rc)
		return cli_fail(e);
	cli_print(out);
	return 0;
}

static bool double_opt(const struct cli_cmd *cmd, const char *name, double *out)
{
	const char *v = cli_value(cmd, name);
	if (!v)
		return true;
	char *end = NULL;
	double d = strtod(v, &end);
	if (!end || *end || !(d > 0) || d > 1e9) {
		fprintf(stderr, "qilian %s: %s must be a positive number\n", cmd->name, name);
		return false;
	}
	*out = d;
	return true;
}

static bool int_opt(const struct cli_cmd *cmd, const char *name, int64_t min, int64_t max, int64_t *out)
{
	const char *v = cli_value(cmd, name);
	if (!v)
		return true;
	if (util_parse_i64(v, min, max, out))
		return true;
	fprintf(stderr, "qilian %s: %s must be a whole number from %lld to %lld\n", cmd->name, name, (long long)min,
		(long long)max);
	return false;
}

#define OPEN_OR_FAIL(db, cmd)                                                                                          \
	struct db *db = cli_open_db(cmd, false);                                                                      \
	if (!db)                                                                                                       \
		return 1

int cli_chain_health(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 1);
	if (n < 0)
		return n == -2 ? 0 : 2;
	if (n != 1) {
		fprintf(stderr, "qilian chain health: needs CHAIN\n");
		return 2;
	}
	struct health_options o = {.region = cli_value(cmd, "--region")};
	int64_t min_sup = 2;
	if (!int_opt(cmd, "--min-suppliers", 0, 1000000, &min_sup) || !double_opt(cmd, "--max-hhi", &o.max_hhi))
		return 2;
	o.min_suppliers = (int)min_sup;
	OPEN_OR_FAIL(db, cmd);
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = analytics_health(db, &a, pos[0], o, &out, &e);
	return finish(db, rc, out, &e);
}

int cli_chain_suppliers(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 1);
	if (n < 0)
		return n == -2 ? 0 : 2;
	if (n != 1) {
		fprintf(stderr, "qilian chain suppliers: needs BUYER_USCC\n");
		return 2;
	}
	OPEN_OR_FAIL(db, cmd);
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = analytics_suppliers(db, &a, pos[0], cli_value(cmd, "--chain"), &out, &e);
	return finish(db, rc, out, &e);
}

int cli_chain_local_rate(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 1);
	if (n < 0)
		return n == -2 ? 0 : 2;
	if (n != 1 || !cli_value(cmd, "--level")) {
		fprintf(stderr, "qilian chain local-rate: needs BUYER_USCC and --level province|city|county\n");
		return 2;
	}
	OPEN_OR_FAIL(db, cmd);
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = analytics_local_rate(db, &a, pos[0], cli_value(cmd, "--level"), &out, &e);
	return finish(db, rc, out, &e);
}

int cli_chain_critical(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 1);
	if (n < 0)
		return n == -2 ? 0 : 2;
	if (n != 1) {
		fprintf(stderr, "qilian chain critical: needs BUYER_USCC\n");
		return 2;
	}
	OPEN_OR_FAIL(db, cmd);
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = analytics_critical(db, &a, pos[0], &out, &e);
	return finish(db, rc, out, &e);
}

int cli_chain_disrupt(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[64];
	int n = cli_parse(cmd, argc, argv, pos, 63);
	if (n < 0)
		return n == -2 ? 0 : 2;
	/* `--enterprise A B C`: the first value is the option's, the rest arrive as positionals; commas work too. */
	const char *list[256];
	int count = 0;
	char *copy = cli_value(cmd, "--enterprise") ? strdup(cli_value(cmd, "--enterprise")) : NULL;
	for (char *save = NULL, *t = copy ? strtok_r(copy, ",", &save) : NULL; t && count < 200;
	     t = strtok_r(NULL, ",", &save))
		list[count++] = t;
	for (int i = 0; i < n && count < 255; i++)
		list[count++] = pos[i];
	list[count] = NULL;
	if ((count == 0) == (cli_value(cmd, "--region") == NULL)) {
		free(copy);
		fprintf(stderr, "qilian chain disrupt: give --enterprise USCC... or --region CODE (one of them)\n");
		return 2;
	}
	struct disrupt_options o = {.enterprises = count ? list : NULL, .region = cli_value(cmd, "--region"), .threshold = 0.5};
	int64_t max_tier = 0;
	if (!double_opt(cmd, "--threshold", &o.threshold) || o.threshold > 1 ||
	    !int_opt(cmd, "--max-tier", 1, 1000, &max_tier)) {
		free(copy);
		if (o.threshold > 1)
			fprintf(stderr, "qilian chain disrupt: --threshold must be in (0, 1]\n");
		return 2;
	}
	o.max_tier = (int)max_tier;
	struct db *db = cli_open_db(cmd, false);
	if (!db) {
		free(copy);
		return 1;
	}
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = analytics_disrupt(db, &a, &o, &out, &e);
	free(copy);
	return finish(db, rc, out, &e);
}

int cli_chain_fill(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[2];
	int n = cli_parse(cmd, argc, argv, pos, 2);
	if (n < 0)
		return n == -2 ? 0 : 2;
	if (n != 2) {
		fprintf(stderr, "qilian chain fill: needs CHAIN SEGMENT\n");
		return 2;
	}
	struct fill_options o = {.buyer = cli_value(cmd, "--buyer"), .region = cli_value(cmd, "--region"), .limit = 20};
	int64_t limit = 20;
	if (!int_opt(cmd, "--limit", 1, 1000, &limit))
		return 2;
	o.limit = (int)limit;
	OPEN_OR_FAIL(db, cmd);
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = analytics_fill(db, &a, pos[0], pos[1], &o, &out, &e);
	return finish(db, rc, out, &e);
}

int cli_chain_graph(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 0);
	if (n < 0)
		return n == -2 ? 0 : 2;
	OPEN_OR_FAIL(db, cmd);
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = analytics_graph_stats(db, &a, &out, &e);
	return finish(db, rc, out, &e);
}

int cli_gen_chain(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 0);
	if (n < 0)
		return n == -2 ? 0 : 2;
	int64_t ents = 0, rels = 0, seed = 1;
	if (!cli_value(cmd, "--enterprises") || !cli_value(cmd, "--relations")) {
		fprintf(stderr, "qilian gen chain: --enterprises N and --relations M are required\n");
		return 2;
	}
	if (!int_opt(cmd, "--enterprises", 1, 100000000, &ents) || !int_opt(cmd, "--relations", 0, 1000000000, &rels) ||
	    !int_opt(cmd, "--seed", 0, INT64_MAX, &seed))
		return 2;
	const char *dir = cli_value(cmd, "--output-dir") ? cli_value(cmd, "--output-dir") : ".";
	struct qerror e = {0};
	if (synth_chain(dir, (long)ents, (long)rels, (uint64_t)seed, &e))
		return cli_fail(&e);
	cli_print(json_pack("{s:s,s:I,s:I,s:[s,s,s,s]}", "output_dir", dir, "enterprises", (json_int_t)ents, "relations",
			    (json_int_t)rels, "files", "enterprises.csv", "segments.csv", "capabilities.csv", "relations.csv"));
	return 0;
}
