/* cmd_market_match.c - `qilian match demand|supply|text|index`: market matching at the CLI (as the operator). */
#include "cli/cmd_market.h"
#include "market/match.h"

#include "base/util.h"

static int id_command(const struct cli_cmd *cmd, int argc, char **argv,
		      enum qerr (*fn)(struct db *, const struct actor *, int64_t, int, json_t **, struct qerror *))
{
	char *pos[1];
	int status;
	int64_t id = 0, limit = 10;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	if (!util_parse_i64(pos[0], 1, INT64_MAX, &id)) {
		fprintf(stderr, "qilian %s: ID must be a positive integer, not '%s'\n", cmd->name, pos[0]);
		return 2;
	}
	if (!cli_int(cmd, "--limit", 1, MARKET_MATCH_MAX_LIMIT, &limit))
		return 2;
	CLI_DOMAIN(cmd, false, fn(db, &a, id, (int)limit, &out, &e));
}

int cli_match_demand(const struct cli_cmd *cmd, int argc, char **argv)
{
	return id_command(cmd, argc, argv, market_match_demand);
}

int cli_match_supply(const struct cli_cmd *cmd, int argc, char **argv)
{
	return id_command(cmd, argc, argv, market_match_supply);
}

int cli_match_text(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	int64_t limit = 10;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	if (!cli_int(cmd, "--limit", 1, MARKET_MATCH_MAX_LIMIT, &limit))
		return 2;
	struct market_match_query q = {
		.text = pos[0],
		.region = cli_value(cmd, "--region"),
		.chain = cli_value(cmd, "--chain"),
		.segment = cli_value(cmd, "--segment"),
		.certifications = cli_value(cmd, "--certifications"),
		.limit = (int)limit,
	};
	CLI_DOMAIN(cmd, false, market_match_text(db, &q, &out, &e));
}

int cli_match_index(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	CLI_DOMAIN(cmd, false, market_match_index_stats(db, &out, &e));
}
