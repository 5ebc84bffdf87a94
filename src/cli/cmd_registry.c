/*
 * cmd_registry.c - `qilian uscc check`, `classify`, `region`, `import/export/gen
 * enterprises`, and the table of the registry's commands (with cmd_account.c's).
 *
 * A domain's commands: declared in cmd_<domain>.h, defined in cmd_<domain>*.c,
 * listed with designated initialisers in `const struct cli_table
 * cli_commands_<domain>` in cmd_<domain>.c. The build collects every such
 * table (scripts/gen-tables.cmake); `.section` places a command in `qilian
 * help`, the table's `.order` within its section. Nothing central to edit
 * (the full recipe, with the HTTP side: src/http/routes_system.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/csv.h"
#include "base/util.h"
#include "cli/cmd_registry.h"
#include "registry/enterprise.h"
#include "registry/lookup.h"
#include "registry/synth.h"

int cli_uscc_check(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 1);
	if (n < 0)
		return n == -2 ? 0 : 2;
	if (n != 1) {
		fprintf(stderr, "qilian uscc check: needs a CODE\n");
		return 2;
	}
	bool valid;
	cli_print(lookup_uscc(pos[0], &valid));
	return valid ? 0 : 1;
}

static int int_option(const struct cli_cmd *cmd, const char *name, bool need, int64_t *out)
{
	const char *v = cli_value(cmd, name);
	if (!v) {
		if (!need)
			return 0;
		fprintf(stderr, "qilian %s: %s is required\n", cmd->name, name);
		return 2;
	}
	if (!util_parse_i64(v, 0, INT64_MAX / 2, out)) {
		fprintf(stderr, "qilian %s: %s must be a whole number, got '%s'\n", cmd->name, name, v);
		return 2;
	}
	return 0;
}

int cli_classify(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 0);
	if (n < 0)
		return n == -2 ? 0 : 2;
	int64_t employees = 0, revenue = 0, assets = -1;
	if (!cli_value(cmd, "--industry")) {
		fprintf(stderr, "qilian classify: --industry is required\n");
		return 2;
	}
	if (int_option(cmd, "--employees", true, &employees) || int_option(cmd, "--revenue", true, &revenue) ||
	    int_option(cmd, "--assets", false, &assets))
		return 2;
	struct qerror e = {0};
	json_t *out;
	if (lookup_classify(cli_value(cmd, "--industry"), employees, revenue, assets, &out, &e))
		return cli_fail(&e);
	cli_print(out);
	return 0;
}

int cli_region(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 1);
	if (n < 0)
		return n == -2 ? 0 : 2;
	struct qerror e = {0};
	json_t *out;
	enum qerr rc = n == 1 ? lookup_region(pos[0], &out, &e) : lookup_regions(cli_value(cmd, "--parent"), &out, &e);
	if (rc)
		return cli_fail(&e);
	cli_print(out);
	return 0;
}

int cli_import_enterprises(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_import_csv(cmd, argc, argv, enterprise_import);
}

int cli_export_enterprises(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_export_csv(cmd, argc, argv, enterprise_export);
}

int cli_gen_enterprises(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 1);
	if (n < 0)
		return n == -2 ? 0 : 2;
	int64_t count, seed = 1;
	if (n != 1 || !util_parse_i64(pos[0], 0, 100000000, &count)) {
		fprintf(stderr, "qilian gen enterprises: needs N (0 to 100000000)\n");
		return 2;
	}
	if (cli_value(cmd, "--seed") && !util_parse_i64(cli_value(cmd, "--seed"), 0, INT64_MAX, &seed)) {
		fprintf(stderr, "qilian gen enterprises: --seed must be a whole number\n");
		return 2;
	}
	const char *path = cli_value(cmd, "--output");
	FILE *out = path ? fopen(path, "w") : stdout;
	if (!out) {
		perror(path);
		return 1;
	}
	int rc = synth_enterprises(out, (long)count, (uint64_t)seed);
	if (path && fclose(out) != 0)
		rc = -1;
	if (rc) {
		fprintf(stderr, "qilian gen enterprises: write failed\n");
		return 1;
	}
	if (path)
		cli_print(json_pack("{s:s,s:I}", "output", path, "rows", (json_int_t)count));
	return 0;
}

static struct cli_opt org_add_opts[] = {
	{"--name", "NAME", "organisation name (required)", NULL},
	{"--type", "TYPE", "operator|large|sme|bank|provider (required)", NULL},
	{"--uscc", "CODE", "统一社会信用代码 of the organisation", NULL},
	CLI_OPT_END,
};
static struct cli_opt user_add_opts[] = {
	{"--org", "ID", "organisation id (required)", NULL},
	{"--role", "ROLE", "admin|member (required)", NULL},
	{"--email", "EMAIL", "login e-mail (required)", NULL},
	{"--name", "NAME", "display name", NULL},
	{"--password", "PASSWORD", "initial password; default: read from $QILIAN_PASSWORD, else one is generated and printed", NULL},
	CLI_OPT_END,
};
static struct cli_opt user_list_opts[] = {{"--org", "ID", "only this organisation", NULL}, CLI_OPT_END};
static struct cli_opt classify_opts[] = {
	{"--industry", "CODE", "GB/T 4754-2017 section letter or 2-4 digit code (required)", NULL},
	{"--employees", "N", "从业人员 (required)", NULL},
	{"--revenue", "WAN", "营业收入, 万元 (required)", NULL},
	{"--assets", "WAN", "资产总额, 万元 (needed for 建筑业, 房地产开发经营, 租赁和商务服务业)", NULL},
	CLI_OPT_END,
};
static struct cli_opt region_opts[] = {{"--parent", "CODE", "list the children of this region", NULL}, CLI_OPT_END};
static struct cli_opt import_opts[] = {
	{"--org", "ID", "organisation that owns new records (default: none, operator import)", NULL},
	CLI_OPT_END,
};
static struct cli_opt gen_enterprises_opts[] = {
	{"--seed", "N", "random seed (default 1): the same seed gives the same file", NULL},
	{"--output", "FILE", "write here instead of stdout", NULL},
	CLI_OPT_END,
};
static struct cli_opt audit_opts[] = {{"--limit", "N", "entries (default 50)", NULL}, CLI_OPT_END};

/* The registry's commands (cmd_account.c and this file). */
static const struct cli_cmd registry_commands[] = {
	{.name = "org add", .run = cli_org_add, .opts = org_add_opts, .section = CLI_SECTION_ACCOUNTS,
	 .help = "Add an organisation (operator, large, sme, bank, provider)."},
	{.name = "org list", .run = cli_org_list, .section = CLI_SECTION_ACCOUNTS,
	 .help = "List organisations."},
	{.name = "user add", .run = cli_user_add, .opts = user_add_opts, .section = CLI_SECTION_ACCOUNTS,
	 .help = "Add a user to an organisation; the first platform admin is created this way."},
	{.name = "user list", .run = cli_user_list, .opts = user_list_opts, .section = CLI_SECTION_ACCOUNTS,
	 .help = "List users."},
	{.name = "uscc check", .usage = "CODE", .run = cli_uscc_check, .section = CLI_SECTION_LOOKUP,
	 .help = "Check a 统一社会信用代码 (GB 32100-2015); exit 0 if valid, 1 if not."},
	{.name = "classify", .run = cli_classify, .opts = classify_opts, .section = CLI_SECTION_LOOKUP,
	 .help = "Size class under the 2011 中小企业划型标准规定."},
	{.name = "region", .usage = "[CODE]", .run = cli_region, .opts = region_opts, .section = CLI_SECTION_LOOKUP,
	 .help = "Show a GB/T 2260 region, or list regions under --parent (provinces by default)."},
	{.name = "import enterprises", .usage = "FILE.csv", .run = cli_import_enterprises, .opts = import_opts,
	 .section = CLI_SECTION_FILES,
	 .help = "Import enterprises (header uscc,name,region,industry,employees,revenue_wan,assets_wan,level); all rows or none."},
	{.name = "export enterprises", .run = cli_export_enterprises, .opts = cli_export_opts,
	 .section = CLI_SECTION_FILES,
	 .help = "Export enterprises as CSV in the import format."},
	{.name = "gen enterprises", .usage = "N", .run = cli_gen_enterprises, .opts = gen_enterprises_opts,
	 .section = CLI_SECTION_GENERATE,
	 .help = "Write N synthetic enterprises as CSV (valid USCCs, real regions, realistic sizes)."},
	{.name = "audit", .run = cli_audit, .opts = audit_opts, .section = CLI_SECTION_ADMIN,
	 .help = "Show the newest audit log entries."},
};

const struct cli_table cli_commands_registry = {
	.name = "registry",
	.order = 20,
	.commands = registry_commands,
	.count = sizeof registry_commands / sizeof registry_commands[0],
};
