/* cmd_market_rfq.c - `qilian orders` and `qilian scorecard USCC`: the market's orders and supplier records at the CLI. */
#include "cli/cmd_market.h"
#include "market/rfq.h"

int cli_orders(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	int64_t limit = 50, cursor = 0;
	if (!cli_int(cmd, "--limit", 1, 500, &limit) || !cli_int(cmd, "--cursor", 0, INT64_MAX, &cursor))
		return 2;
	struct market_order_filter f = {
		.status = cli_value(cmd, "--status"),
		.limit = (int)limit,
		.cursor = cursor,
	};
	CLI_DOMAIN(cmd, false, market_order_list(db, &a, &f, &out, &e));
}

int cli_scorecard(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	CLI_DOMAIN(cmd, false, market_scorecard_get(db, &a, pos[0], &out, &e));
}
