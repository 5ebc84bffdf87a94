/*
 * cmd_system.h - the commands that belong to no chain (table in cmd_system.c).
 */
#ifndef QILIAN_CMD_SYSTEM_H
#define QILIAN_CMD_SYSTEM_H
#include "cli/cli.h"

/* Running the program and listing its routes (cmd_serve.c). */
int cli_serve(const struct cli_cmd *cmd, int argc, char **argv);
int cli_migrate(const struct cli_cmd *cmd, int argc, char **argv);
int cli_routes(const struct cli_cmd *cmd, int argc, char **argv);
int cli_idempotency_purge(const struct cli_cmd *cmd, int argc, char **argv);

#endif
