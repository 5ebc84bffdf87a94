/* cmd_chainmap.c - `qilian import|export segments|capabilities|relations`: chain map CSV files at the CLI. */
#include "chainmap/chainmap.h"
#include "cli/cli.h"

int cli_import_segments(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_import_csv(cmd, argc, argv, chainmap_import_segments);
}

int cli_import_capabilities(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_import_csv(cmd, argc, argv, chainmap_import_capabilities);
}

int cli_import_relations(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_import_csv(cmd, argc, argv, chainmap_import_relations);
}

int cli_export_segments(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_export_csv(cmd, argc, argv, chainmap_export_segments);
}

int cli_export_capabilities(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_export_csv(cmd, argc, argv, chainmap_export_capabilities);
}

int cli_export_relations(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_export_csv(cmd, argc, argv, chainmap_export_relations);
}
