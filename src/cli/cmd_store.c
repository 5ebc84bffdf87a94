/*
 * cmd_store.c - `qilian store copy` (a whole platform from one database to
 * another, e.g. SQLite to PostgreSQL, all or nothing and verified) and
 * `qilian store verify` (a database's invariants). The domains' parts (the
 * tables their migrations seed, the tables they rebuild, their checks) come
 * from the `.store` of every command table (cli.h), so a chain adds its own
 * beside its commands. See platform/store_copy.h and docs/operations.md.
 */
#include <stdio.h>
#include "cli/cli.h"
#include "platform/store_copy.h"
#include "store/migrate.h"

static struct cli_opt copy_opts[] = {
    {"--from", "DB", "the database to copy (a SQLite file or a postgresql:// URL)", NULL},
    {"--to", "DB", "the empty database to copy into (migrated here if it is not yet)", NULL},
    {"--quiet", NULL, "no progress lines on stderr", NULL},
    CLI_OPT_END,
};

/* Every table's `.store`, in table order. */
static int collect_domains(const struct store_domain **out, int cap)
{
	int n = 0;
	for (const struct cli_table *const *t = cli_tables; *t; t++)
		if ((*t)->store && n < cap)
			out[n++] = (*t)->store;
	return n;
}

static int cli_store_copy(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	if (!cli_required(cmd, "--from") || !cli_required(cmd, "--to"))
		return 2;
	const char *from = cli_value(cmd, "--from"), *to = cli_value(cmd, "--to");
	struct qerror e = {0};
	struct db *src = db_open(from, false, &e);
	if (!src)
		return cli_fail(&e);
	/* The target is brought to this binary's schema first (a new database has none yet). */
	struct db *dst = db_open(to, true, &e);
	if (!dst || migrate_apply(dst, NULL, &e)) {
		db_close(src);
		db_close(dst);
		return cli_fail(&e);
	}
	const struct store_domain *domains[64];
	struct store_copy_opts o = {domains, collect_domains(domains, 64), cli_value(cmd, "--quiet") == NULL};
	json_t *report = NULL;
	enum qerr rc = store_copy(src, dst, &o, &report, &e);
	db_close(src);
	db_close(dst);
	if (rc) {
		json_decref(report);
		return cli_fail(&e);
	}
	cli_print(report);
	return 0;
}

static int cli_store_verify(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	struct qerror e = {0};
	struct db *db = db_open(cli_db_path(cmd), false, &e);
	if (!db)
		return cli_fail(&e);
	const struct store_domain *domains[64];
	struct store_copy_opts o = {domains, collect_domains(domains, 64), false};
	json_t *report = NULL;
	enum qerr rc = store_verify(db, &o, &report, &e);
	db_close(db);
	if (rc) {
		json_decref(report);
		return cli_fail(&e);
	}
	cli_print(report);
	return 0;
}

static const struct cli_cmd store_commands[] = {
    {.name = "store copy",
     .run = cli_store_copy,
     .opts = copy_opts,
     .section = CLI_SECTION_SERVER,
     .help = "Copy a whole platform into an empty database (SQLite to PostgreSQL), all or nothing, then verify it."},
    {.name = "store verify",
     .run = cli_store_verify,
     .section = CLI_SECTION_SERVER,
     .help = "Check a database: every foreign key holds and each domain's invariants."},
};

const struct cli_table cli_commands_store = {
    .name = "store",
    .order = 95,
    .commands = store_commands,
    .count = sizeof store_commands / sizeof store_commands[0],
};
