/* cmd_chain.c - `qilian chain health|suppliers|local-rate|disrupt|fill|critical|graph` and `gen chain`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "chainmap/analytics.h"
#include "chainmap/synth_chain.h"
#include "cli/cmd_chainmap.h"

int cli_chain_health(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	int64_t min_sup = 2;
	struct health_options o = {0};
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	if (!cli_int(cmd, "--min-suppliers", 0, 1000000, &min_sup) || !cli_number(cmd, "--max-hhi", 1, &o.max_hhi))
		return 2;
	o.region = cli_value(cmd, "--region");
	o.min_suppliers = (int)min_sup;
	CLI_DOMAIN(cmd, false, analytics_health(db, &a, pos[0], o, &out, &e));
}

int cli_chain_suppliers(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	CLI_DOMAIN(cmd, false, analytics_suppliers(db, &a, pos[0], cli_value(cmd, "--chain"), &out, &e));
}

int cli_chain_local_rate(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	if (!cli_required(cmd, "--level"))
		return 2;
	CLI_DOMAIN(cmd, false, analytics_local_rate(db, &a, pos[0], cli_value(cmd, "--level"), &out, &e));
}

int cli_chain_critical(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	CLI_DOMAIN(cmd, false, analytics_critical(db, &a, pos[0], &out, &e));
}

#define DISRUPT_MAX 256

int cli_chain_disrupt(const struct cli_cmd *cmd, int argc, char **argv)
{
	/* `--enterprise A B C`: the first value is the option's, the rest arrive as positionals; commas work too. */
	char *pos[DISRUPT_MAX];
	int status;
	int npos = cli_args(cmd, argc, argv, pos, 0, DISRUPT_MAX, &status);
	if (npos < 0)
		return status;
	char copy[4096];
	snprintf(copy, sizeof copy, "%s", cli_value(cmd, "--enterprise") ? cli_value(cmd, "--enterprise") : "");
	const char *list[2 * DISRUPT_MAX + 1];
	int count = 0;
	char *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t && count < DISRUPT_MAX; t = strtok_r(NULL, ",", &save))
		list[count++] = t;
	for (int i = 0; i < npos; i++)
		list[count++] = pos[i];
	list[count] = NULL;
	if ((count == 0) == (cli_value(cmd, "--region") == NULL)) {
		fprintf(stderr, "qilian chain disrupt: give --enterprise USCC... or --region CODE (one of them)\n");
		return 2;
	}
	struct disrupt_options o = {.enterprises = count ? list : NULL, .region = cli_value(cmd, "--region"), .threshold = 0.5};
	int64_t max_tier = 0;
	if (!cli_number(cmd, "--threshold", 1, &o.threshold) || !cli_int(cmd, "--max-tier", 1, 1000, &max_tier))
		return 2;
	o.max_tier = (int)max_tier;
	CLI_DOMAIN(cmd, false, analytics_disrupt(db, &a, &o, &out, &e));
}

int cli_chain_fill(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[2];
	int status;
	int64_t limit = 20;
	if (cli_args(cmd, argc, argv, pos, 2, 2, &status) < 0)
		return status;
	if (!cli_int(cmd, "--limit", 1, 1000, &limit))
		return 2;
	struct fill_options o = {.buyer = cli_value(cmd, "--buyer"), .region = cli_value(cmd, "--region"), .limit = (int)limit};
	CLI_DOMAIN(cmd, false, analytics_fill(db, &a, pos[0], pos[1], &o, &out, &e));
}

int cli_chain_graph(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	CLI_DOMAIN(cmd, false, analytics_graph_stats(db, &a, &out, &e));
}

int cli_gen_chain(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	int64_t ents = 0, rels = 0, seed = 1;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	if (!cli_required(cmd, "--enterprises") || !cli_required(cmd, "--relations") ||
	    !cli_int(cmd, "--enterprises", 1, 100000000, &ents) || !cli_int(cmd, "--relations", 0, 1000000000, &rels) ||
	    !cli_int(cmd, "--seed", 0, INT64_MAX, &seed))
		return 2;
	const char *dir = cli_value(cmd, "--output-dir") ? cli_value(cmd, "--output-dir") : ".";
	struct qerror e = {0};
	if (synth_chain(dir, (long)ents, (long)rels, (uint64_t)seed, &e))
		return cli_fail(&e);
	cli_print(json_pack("{s:s,s:I,s:I,s:[s,s,s,s]}", "output_dir", dir, "enterprises", (json_int_t)ents, "relations",
			    (json_int_t)rels, "files", "enterprises.csv", "segments.csv", "capabilities.csv", "relations.csv"));
	return 0;
}
