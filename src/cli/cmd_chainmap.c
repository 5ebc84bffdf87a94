/*
 * cmd_chainmap.c - `qilian import|export segments|capabilities|relations`: chain
 * map CSV files at the CLI; and the tables of the chain map's commands (with
 * cmd_chain.c's and `chain add` from cmd_account.c).
 *
 * A domain's commands: declared in cmd_<domain>.h, defined in cmd_<domain>*.c,
 * listed with designated initialisers in `const struct cli_table
 * cli_commands_<domain>` in cmd_<domain>.c. The build collects every such
 * table (scripts/gen-tables.cmake); `.section` places a command in `qilian
 * help`, the table's `.order` within its section. Nothing central to edit
 * (the full recipe, with the HTTP side: src/http/routes_system.c).
 */
#include "chainmap/store_check.h"
#include "chainmap/chainmap.h"
#include "cli/cmd_chainmap.h"

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

static struct cli_opt gen_chain_opts[] = {
	{"--enterprises", "N", "enterprises to generate (required)", NULL},
	{"--relations", "M", "supply relations to generate (required)", NULL},
	{"--seed", "N", "random seed (default 1)", NULL},
	{"--output-dir", "DIR", "where to write enterprises.csv, segments.csv, capabilities.csv, relations.csv (default .)", NULL},
	CLI_OPT_END,
};
static struct cli_opt chain_add_opts[] = {{"--name-en", "NAME", "English name", NULL}, CLI_OPT_END};
static struct cli_opt health_opts[] = {
	{"--region", "PREFIX", "only suppliers in this region (2, 4 or 6 digit GB/T 2260 prefix)", NULL},
	{"--min-suppliers", "N", "weak link when active suppliers <= N (default 2)", NULL},
	{"--max-hhi", "X", "weak link when supply or province HHI >= X (default 0.25)", NULL},
	CLI_OPT_END,
};
static struct cli_opt suppliers_opts[] = {{"--chain", "CHAIN", "only this chain", NULL}, CLI_OPT_END};
static struct cli_opt local_rate_opts[] = {{"--level", "LEVEL", "province|city|county (required)", NULL}, CLI_OPT_END};
static struct cli_opt disrupt_opts[] = {
	{"--enterprise", "USCC...", "knock out these enterprises (several: repeat the USCCs after it, or comma-separate)", NULL},
	{"--region", "CODE", "knock out every enterprise in this region (2, 4 or 6 digits)", NULL},
	{"--threshold", "X", "a buyer losing at least this share of a segment is knocked out (default 0.5)", NULL},
	{"--max-tier", "N", "stop after tier N", NULL},
	CLI_OPT_END,
};
static struct cli_opt fill_opts[] = {
	{"--buyer", "USCC", "the buyer to fill the gap for (its current suppliers are excluded; proximity to it)", NULL},
	{"--region", "PREFIX", "rank proximity to this region instead", NULL},
	{"--limit", "K", "candidates to list (default 20)", NULL},
	CLI_OPT_END,
};

/* The chain map's files and generator. */
static const struct cli_cmd chainmap_commands[] = {
	{.name = "import segments", .usage = "FILE.csv", .run = cli_import_segments, .section = CLI_SECTION_FILES,
	 .help = "Import chain segments (header chain,chain_name,segment,segment_name,upstream; upstream ';'-separated); all rows or none."},
	{.name = "import capabilities", .usage = "FILE.csv", .run = cli_import_capabilities,
	 .section = CLI_SECTION_FILES,
	 .help = "Import what enterprises can make (header uscc,chain,segment,capacity); all rows or none."},
	{.name = "import relations", .usage = "FILE.csv", .run = cli_import_relations, .section = CLI_SECTION_FILES,
	 .help = "Import supply relations (header buyer_uscc,supplier_uscc,chain,segment,annual_amount_fen); all rows or none."},
	{.name = "export segments", .run = cli_export_segments, .opts = cli_export_opts, .section = CLI_SECTION_FILES,
	 .help = "Export chain segments as CSV in the import format."},
	{.name = "export capabilities", .run = cli_export_capabilities, .opts = cli_export_opts,
	 .section = CLI_SECTION_FILES,
	 .help = "Export capabilities as CSV in the import format."},
	{.name = "export relations", .run = cli_export_relations, .opts = cli_export_opts, .section = CLI_SECTION_FILES,
	 .help = "Export supply relations as CSV in the import format."},
	{.name = "gen chain", .run = cli_gen_chain, .opts = gen_chain_opts, .section = CLI_SECTION_GENERATE,
	 .help = "Write a synthetic chain map (enterprises, segments, capabilities, relations CSVs) of realistic shape."},
};

const struct cli_table cli_commands_chainmap = {
	.name = "chainmap",
	.order = 30,
	.commands = chainmap_commands,
	.count = sizeof chainmap_commands / sizeof chainmap_commands[0],
	.store = &chainmap_store,
};

/*
 * The `qilian chain …` group (cmd_account.c, cmd_chain.c): a table of its own,
 * order 50, so that `qilian help` lists it after the market's commands, as it
 * always has.
 */
static const struct cli_cmd chain_commands[] = {
	{.name = "chain add", .usage = "ID NAME", .run = cli_chain_add, .opts = chain_add_opts,
	 .section = CLI_SECTION_DOMAIN,
	 .help = "Define (or rename) an industry chain."},
	{.name = "chain health", .usage = "CHAIN", .run = cli_chain_health, .opts = health_opts,
	 .section = CLI_SECTION_DOMAIN,
	 .help = "Per segment: capable and active suppliers, supply and province HHI, 专精特新 share, weak links."},
	{.name = "chain suppliers", .usage = "BUYER_USCC", .run = cli_chain_suppliers, .opts = suppliers_opts,
	 .section = CLI_SECTION_DOMAIN,
	 .help = "A buyer's suppliers per segment with shares, HHI and single sources."},
	{.name = "chain local-rate", .usage = "BUYER_USCC", .run = cli_chain_local_rate, .opts = local_rate_opts,
	 .section = CLI_SECTION_DOMAIN,
	 .help = "Local supporting rate (周边配套率) of a buyer, overall and per segment."},
	{.name = "chain disrupt", .run = cli_chain_disrupt, .opts = disrupt_opts, .section = CLI_SECTION_DOMAIN,
	 .help = "Disruption cascade (断链推演) from enterprises or a region, tier by tier."},
	{.name = "chain fill", .usage = "CHAIN SEGMENT", .run = cli_chain_fill, .opts = fill_opts,
	 .section = CLI_SECTION_DOMAIN,
	 .help = "Ranked gap-filling candidates (精准补链) with the reasons for each rank."},
	{.name = "chain critical", .usage = "BUYER_USCC", .run = cli_chain_critical, .section = CLI_SECTION_DOMAIN,
	 .help = "Enterprises every supply path of a segment into the buyer passes through."},
	{.name = "chain graph", .run = cli_chain_graph, .section = CLI_SECTION_DOMAIN,
	 .help = "Build the supply graph snapshot and show its size, memory and build time."},
};

const struct cli_table cli_commands_chain = {
	.name = "chain",
	.order = 50,
	.commands = chain_commands,
	.count = sizeof chain_commands / sizeof chain_commands[0],
};
