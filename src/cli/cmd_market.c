/*
 * cmd_market.c - the table of the market's commands: listing CSV files,
 * `qilian gen listings`, matching, orders and scorecards (cmd_market_*.c).
 *
 * A domain's commands: declared in cmd_<domain>.h, defined in cmd_<domain>*.c,
 * listed with designated initialisers in `const struct cli_table
 * cli_commands_<domain>` in cmd_<domain>.c. The build collects every such
 * table (scripts/gen-tables.cmake); `.section` places a command in `qilian
 * help`, the table's `.order` within its section. Nothing central to edit
 * (the full recipe, with the HTTP side: src/http/routes_system.c).
 */
#include "market/store_check.h"
#include "cli/cmd_market.h"

static struct cli_opt gen_listings_opts[] = {
	{"--demands", "M", "demands to generate (default 1000)", NULL},
	{"--labelled", "L", "the first L demands get every relevant supply in labels.csv (default 200)", NULL},
	{"--enterprises", "E", "enterprises to generate (default N/8 + M/2 + 50)", NULL},
	{"--seed", "N", "random seed (default 1): the same seed gives the same files", NULL},
	{"--output-dir", "DIR", "where to write enterprises, segments, supplies, demands, labels and truth CSVs (default .)", NULL},
	CLI_OPT_END,
};
static struct cli_opt match_opts[] = {{"--limit", "K", "results, 1-100 (default 10)", NULL}, CLI_OPT_END};
static struct cli_opt match_text_opts[] = {
	{"--region", "CODE", "delivery region (GB/T 2260): county > city > province proximity", NULL},
	{"--chain", "CHAIN", "with --segment: the segment asked for", NULL},
	{"--segment", "CODE", "segment code in --chain", NULL},
	{"--certifications", "TAGS", "required certifications, ';' or ','-separated (hard filter)", NULL},
	{"--limit", "K", "results, 1-100 (default 10)", NULL},
	CLI_OPT_END,
};
static struct cli_opt orders_opts[] = {
	{"--status", "STATUS", "placed|shipped|delivered|accepted|rejected", NULL},
	{"--limit", "N", "orders, 1-500 (default 50)", NULL},
	{"--cursor", "ID", "next_cursor of the previous page", NULL},
	CLI_OPT_END,
};

/* The market's commands. */
static const struct cli_cmd market_commands[] = {
	{.name = "import supplies", .usage = "FILE.csv", .run = cli_import_supplies, .section = CLI_SECTION_FILES,
	 .help = "Import supply listings (header uscc,title,description,chain,segment,regions,certifications; lists ';'-separated); all rows or none."},
	{.name = "import demands", .usage = "FILE.csv", .run = cli_import_demands, .section = CLI_SECTION_FILES,
	 .help = "Import public demands (header uscc,title,description,chain,segment,quantity,unit,budget_fen,deadline,region,certifications); all rows or none."},
	{.name = "export supplies", .run = cli_export_supplies, .opts = cli_export_opts, .section = CLI_SECTION_FILES,
	 .help = "Export active supplies as CSV in the import format."},
	{.name = "export demands", .run = cli_export_demands, .opts = cli_export_opts, .section = CLI_SECTION_FILES,
	 .help = "Export open public demands as CSV in the import format."},
	{.name = "gen listings", .usage = "N", .run = cli_gen_listings, .opts = gen_listings_opts,
	 .section = CLI_SECTION_GENERATE,
	 .help = "Write N synthetic supplies, demands and their relevance labels (plus enterprises and segments) as CSV."},
	{.name = "match demand", .usage = "ID", .run = cli_match_demand, .opts = match_opts,
	 .section = CLI_SECTION_DOMAIN,
	 .help = "Ranked supplies and enterprises for a demand, with why each matched."},
	{.name = "match supply", .usage = "ID", .run = cli_match_supply, .opts = match_opts,
	 .section = CLI_SECTION_DOMAIN,
	 .help = "Ranked open demands for a supply, with why each matched."},
	{.name = "match text", .usage = "TEXT", .run = cli_match_text, .opts = match_text_opts,
	 .section = CLI_SECTION_DOMAIN,
	 .help = "Ranked supplies for free text (words, not characters: 电机 never finds 电视机)."},
	{.name = "match index", .run = cli_match_index, .section = CLI_SECTION_DOMAIN,
	 .help = "Size and build time of the in-memory match indexes."},
	{.name = "orders", .run = cli_orders, .opts = orders_opts, .section = CLI_SECTION_DOMAIN,
	 .help = "Market orders, newest first, with their status and amounts."},
	{.name = "scorecard", .usage = "USCC", .run = cli_scorecard, .section = CLI_SECTION_DOMAIN,
	 .help = "A supplier's record from its real orders (on-time and acceptance rates)."},
};

const struct cli_table cli_commands_market = {
	.name = "market",
	.order = 40,
	.commands = market_commands,
	.count = sizeof market_commands / sizeof market_commands[0],
	.store = &market_store,
};
