/* cmd_vocab.h - `qilian vocab list|add|remove|import|export|expand`: the industrial vocabulary at the CLI. */
#ifndef QILIAN_CMD_VOCAB_H
#define QILIAN_CMD_VOCAB_H
#include "cli/cli.h"

int cli_vocab_list(const struct cli_cmd *cmd, int argc, char **argv);
int cli_vocab_add(const struct cli_cmd *cmd, int argc, char **argv);
int cli_vocab_remove(const struct cli_cmd *cmd, int argc, char **argv);
int cli_vocab_import(const struct cli_cmd *cmd, int argc, char **argv);
int cli_vocab_export(const struct cli_cmd *cmd, int argc, char **argv);
int cli_vocab_expand(const struct cli_cmd *cmd, int argc, char **argv);

#endif
