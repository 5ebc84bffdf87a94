/*
 * cmd_market.h - the market's commands (table in cmd_market.c).
 */
#ifndef QILIAN_CMD_MARKET_H
#define QILIAN_CMD_MARKET_H
#include "cli/cli.h"

/* Listing CSV files (cmd_market_listing.c). */
int cli_import_supplies(const struct cli_cmd *cmd, int argc, char **argv);
int cli_import_demands(const struct cli_cmd *cmd, int argc, char **argv);
int cli_export_supplies(const struct cli_cmd *cmd, int argc, char **argv);
int cli_export_demands(const struct cli_cmd *cmd, int argc, char **argv);

/* Synthetic listings (cmd_market_gen.c). */
int cli_gen_listings(const struct cli_cmd *cmd, int argc, char **argv);

/* Matching (cmd_market_match.c). */
int cli_match_demand(const struct cli_cmd *cmd, int argc, char **argv);
int cli_match_supply(const struct cli_cmd *cmd, int argc, char **argv);
int cli_match_text(const struct cli_cmd *cmd, int argc, char **argv);
int cli_match_index(const struct cli_cmd *cmd, int argc, char **argv);

/* Orders and scorecards (cmd_market_rfq.c). */
int cli_orders(const struct cli_cmd *cmd, int argc, char **argv);
int cli_scorecard(const struct cli_cmd *cmd, int argc, char **argv);

#endif
