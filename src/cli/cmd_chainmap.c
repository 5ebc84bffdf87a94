/* cmd_chainmap.c - `qilian import|export segments|capabilities|relations`: chain map CSV files at the CLI. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "base/csv.h"
#include "base/util.h"
#include "chainmap/chainmap.h"
#include "cli/cli.h"

typedef enum qerr (*import_fn)(struct db *, const struct actor *, const char *, size_t, chainmap_progress_fn, void *,
			       json_t **, struct qerror *);
typedef enum qerr (*export_fn)(struct db *, const struct actor *, FILE *, long *, struct qerror *);

static void show_progress(long rows, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "\r已读取 %ld 行 (read %ld rows)...", rows, rows);
}

/* Imports FILE as the CLI operator; prints the report (to stderr with the error when rejected). */
static int run_import(const struct cli_cmd *cmd, int argc, char **argv, import_fn fn)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 1);
	if (n < 0)
		return n == -2 ? 0 : 2;
	if (n != 1) {
		fprintf(stderr, "qilian %s: needs FILE.csv\n", cmd->name);
		return 2;
	}
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	size_t len;
	const char *data = csv_map_file(pos[0], &len, &e);
	if (!data)
		return cli_fail(&e);
	struct db *db = cli_open_db(cmd, true);
	if (!db) {
		csv_unmap(data, len);
		return 1;
	}
	bool tty = isatty(2);
	json_t *report = NULL;
	int64_t t0 = util_mono_us();
	enum qerr rc = fn(db, &a, data, len, tty ? show_progress : NULL, NULL, &report, &e);
	if (tty)
		fputs("\n", stderr);
	csv_unmap(data, len);
	db_close(db);
	if (report)
		json_object_set_new(report, "seconds", json_real((double)(util_mono_us() - t0) / 1e6));
	if (rc) {
		if (report) {
			char *s = json_dumps(report, JSON_INDENT(2));
			fprintf(stderr, "%s\n", s ? s : "");
			free(s);
			json_decref(report);
		}
		return cli_fail(&e);
	}
	cli_print(report);
	return 0;
}

/* Writes the CSV to --output or stdout; with --output, prints {output, rows}. */
static int run_export(const struct cli_cmd *cmd, int argc, char **argv, export_fn fn)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 0);
	if (n < 0)
		return n == -2 ? 0 : 2;
	const char *path = cli_value(cmd, "--output");
	struct db *db = cli_open_db(cmd, false);
	if (!db)
		return 1;
	FILE *out = path ? fopen(path, "w") : stdout;
	if (!out) {
		perror(path);
		db_close(db);
		return 1;
	}
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	long rows;
	enum qerr rc = fn(db, &a, out, &rows, &e);
	db_close(db);
	if (path && fclose(out) != 0 && !rc)
		rc = qerr_set(&e, QERR_INTERNAL, "write_failed", "output", "cannot write %s", path);
	if (!path && fflush(stdout) != 0 && !rc)
		rc = qerr_set(&e, QERR_INTERNAL, "write_failed", "output", "cannot write to standard output");
	if (rc)
		return cli_fail(&e);
	if (path)
		cli_print(json_pack("{s:s,s:I}", "output", path, "rows", (json_int_t)rows));
	return 0;
}

int cli_import_segments(const struct cli_cmd *cmd, int argc, char **argv)
{
	return run_import(cmd, argc, argv, chainmap_import_segments);
}

int cli_import_capabilities(const struct cli_cmd *cmd, int argc, char **argv)
{
	return run_import(cmd, argc, argv, chainmap_import_capabilities);
}

int cli_import_relations(const struct cli_cmd *cmd, int argc, char **argv)
{
	return run_import(cmd, argc, argv, chainmap_import_relations);
}

int cli_export_segments(const struct cli_cmd *cmd, int argc, char **argv)
{
	return run_export(cmd, argc, argv, chainmap_export_segments);
}

int cli_export_capabilities(const struct cli_cmd *cmd, int argc, char **argv)
{
	return run_export(cmd, argc, argv, chainmap_export_capabilities);
}

int cli_export_relations(const struct cli_cmd *cmd, int argc, char **argv)
{
	return run_export(cmd, argc, argv, chainmap_export_relations);
}
