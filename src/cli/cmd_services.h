/* cmd_services.h - the service, talent and data chains' commands (cmd_services.c). */
#ifndef QILIAN_CMD_SERVICES_H
#define QILIAN_CMD_SERVICES_H
#include "cli/cli.h"

int cli_workdays_add(const struct cli_cmd *cmd, int argc, char **argv);

#endif
