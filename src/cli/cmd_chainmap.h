/*
 * cmd_chainmap.h - the chain map's commands (tables in cmd_chainmap.c).
 */
#ifndef QILIAN_CMD_CHAINMAP_H
#define QILIAN_CMD_CHAINMAP_H
#include "cli/cli.h"

/* Chain map CSV files (cmd_chainmap.c). */
int cli_import_segments(const struct cli_cmd *cmd, int argc, char **argv);
int cli_import_capabilities(const struct cli_cmd *cmd, int argc, char **argv);
int cli_import_relations(const struct cli_cmd *cmd, int argc, char **argv);
int cli_export_segments(const struct cli_cmd *cmd, int argc, char **argv);
int cli_export_capabilities(const struct cli_cmd *cmd, int argc, char **argv);
int cli_export_relations(const struct cli_cmd *cmd, int argc, char **argv);

/* `qilian gen chain` and the chain analytics (cmd_chain.c). */
int cli_gen_chain(const struct cli_cmd *cmd, int argc, char **argv);
int cli_chain_health(const struct cli_cmd *cmd, int argc, char **argv);
int cli_chain_suppliers(const struct cli_cmd *cmd, int argc, char **argv);
int cli_chain_local_rate(const struct cli_cmd *cmd, int argc, char **argv);
int cli_chain_critical(const struct cli_cmd *cmd, int argc, char **argv);
int cli_chain_disrupt(const struct cli_cmd *cmd, int argc, char **argv);
int cli_chain_fill(const struct cli_cmd *cmd, int argc, char **argv);
int cli_chain_graph(const struct cli_cmd *cmd, int argc, char **argv);

/* `qilian chain add` (cmd_account.c). */
int cli_chain_add(const struct cli_cmd *cmd, int argc, char **argv);

#endif
