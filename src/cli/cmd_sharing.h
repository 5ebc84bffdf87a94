/*
 * cmd_sharing.h - the shared resources' commands (table in cmd_sharing.c).
 */
#ifndef QILIAN_CMD_SHARING_H
#define QILIAN_CMD_SHARING_H
#include "cli/cli.h"

int cli_sharing_resources(const struct cli_cmd *cmd, int argc, char **argv);
int cli_sharing_resource_add(const struct cli_cmd *cmd, int argc, char **argv);
int cli_sharing_book(const struct cli_cmd *cmd, int argc, char **argv);
int cli_sharing_booking(const struct cli_cmd *cmd, int argc, char **argv);
int cli_sharing_bookings(const struct cli_cmd *cmd, int argc, char **argv);
int cli_sharing_maintain(const struct cli_cmd *cmd, int argc, char **argv);
int cli_sharing_utilisation(const struct cli_cmd *cmd, int argc, char **argv);
int cli_sharing_calendar(const struct cli_cmd *cmd, int argc, char **argv);

#endif
