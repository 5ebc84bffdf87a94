/*
 * cmd_finance.h - supply-chain finance's commands (table in cmd_finance.c):
 * verify, interest, and every operation of the API acting as a named user.
 */
#ifndef QILIAN_CMD_FINANCE_H
#define QILIAN_CMD_FINANCE_H
#include "cli/cli.h"

int cli_finance_verify(const struct cli_cmd *cmd, int argc, char **argv);
int cli_finance_interest(const struct cli_cmd *cmd, int argc, char **argv);

#endif
