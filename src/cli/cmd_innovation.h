/*
 * cmd_innovation.h - the innovation vouchers' and challenges' commands (table in cmd_innovation.c).
 */
#ifndef QILIAN_CMD_INNOVATION_H
#define QILIAN_CMD_INNOVATION_H
#include "cli/cli.h"

int cli_innovation_verify(const struct cli_cmd *cmd, int argc, char **argv);
int cli_voucher_issue(const struct cli_cmd *cmd, int argc, char **argv);
int cli_voucher_apply(const struct cli_cmd *cmd, int argc, char **argv);
int cli_voucher_bookings(const struct cli_cmd *cmd, int argc, char **argv);
int cli_vouchers(const struct cli_cmd *cmd, int argc, char **argv);
int cli_challenge_post(const struct cli_cmd *cmd, int argc, char **argv);
int cli_challenges(const struct cli_cmd *cmd, int argc, char **argv);
int cli_challenge_show(const struct cli_cmd *cmd, int argc, char **argv);

#endif
