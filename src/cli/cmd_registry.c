/* cmd_registry.c - `qilian uscc check`, `classify`, `region`, `import/export/gen enterprises`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/csv.h"
#include "base/util.h"
#include "cli/cli.h"
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
