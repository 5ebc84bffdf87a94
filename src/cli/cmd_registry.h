/*
 * cmd_registry.h - the registry's commands (table in cmd_registry.c).
 */
#ifndef QILIAN_CMD_REGISTRY_H
#define QILIAN_CMD_REGISTRY_H
#include "cli/cli.h"

/* Organisations, users and the audit log (cmd_account.c). */
int cli_org_add(const struct cli_cmd *cmd, int argc, char **argv);
int cli_org_list(const struct cli_cmd *cmd, int argc, char **argv);
int cli_user_add(const struct cli_cmd *cmd, int argc, char **argv);
int cli_user_list(const struct cli_cmd *cmd, int argc, char **argv);
int cli_audit(const struct cli_cmd *cmd, int argc, char **argv);

/* Codes, classifications and enterprise files (cmd_registry.c). */
int cli_uscc_check(const struct cli_cmd *cmd, int argc, char **argv);
int cli_classify(const struct cli_cmd *cmd, int argc, char **argv);
int cli_region(const struct cli_cmd *cmd, int argc, char **argv);
int cli_import_enterprises(const struct cli_cmd *cmd, int argc, char **argv);
int cli_export_enterprises(const struct cli_cmd *cmd, int argc, char **argv);
int cli_gen_enterprises(const struct cli_cmd *cmd, int argc, char **argv);

#endif
