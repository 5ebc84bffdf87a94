/* cmd_market_listing.c - `qilian import|export supplies|demands`: market listing CSV files at the CLI. */
#include "cli/cmd_market.h"
#include "market/listing.h"

int cli_import_supplies(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_import_csv(cmd, argc, argv, market_import_supplies);
}

int cli_import_demands(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_import_csv(cmd, argc, argv, market_import_demands);
}

int cli_export_supplies(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_export_csv(cmd, argc, argv, market_export_supplies);
}

int cli_export_demands(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_export_csv(cmd, argc, argv, market_export_demands);
}
