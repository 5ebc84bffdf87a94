/*
 * cli.h - the command line front end: option parsing, help and output shared
 * by every subcommand. Each domain declares its commands in cmd_<domain>.h
 * and lists them in a table in cmd_<domain>.c; the build combines the tables
 * into cli_tables (scripts/gen-tables.cmake), so no central list names them.
 * Results go to stdout as JSON, errors to stderr; failure exits non-zero.
 */
#ifndef QILIAN_CLI_H
#define QILIAN_CLI_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "registry/account.h"
#include "base/qerr.h"
#include "store/db.h"
#include "platform/store_copy.h"

struct cli_opt {
	const char *name; /* "--db" */
	const char *arg;  /* "PATH", or NULL for a flag */
	const char *help;
	const char *value; /* filled: the value, or "1" for a set flag */
};

#define CLI_OPT_END {NULL, NULL, NULL, NULL}

/*
 * Where `qilian help` lists a command: section by section in this order;
 * within a section by its table's order, then by its place in the table.
 */
enum cli_section {
	CLI_SECTION_SERVER,   /* running the program: serve, migrate */
	CLI_SECTION_ACCOUNTS, /* organisations and users */
	CLI_SECTION_LOOKUP,   /* codes and classifications anyone can check */
	CLI_SECTION_FILES,    /* CSV import and export */
	CLI_SECTION_GENERATE, /* synthetic data */
	CLI_SECTION_DOMAIN,   /* what a chain does with its records: queries, analyses */
	CLI_SECTION_ADMIN,    /* the audit log, the route list */
	CLI_SECTION_COUNT
};

struct cli_cmd {
	const char *name;  /* "serve", "uscc check" */
	const char *usage; /* positional arguments, e.g. "CODE"; NULL for none */
	const char *help;
	int (*run)(const struct cli_cmd *cmd, int argc, char **argv);
	struct cli_opt *opts; /* terminated by CLI_OPT_END, or NULL for none; --db and --help are implied */
	enum cli_section section;
};

/*
 * One domain's commands: src/cli/cmd_<domain>.c defines
 * `const struct cli_table cli_commands_<domain>` with designated initialisers.
 */
struct cli_table {
	const char *name; /* "market" */
	int order;        /* places the table's commands within each help section (0-9999) */
	const struct cli_cmd *commands;
	size_t count;
	/* The domain's part in `qilian store copy` and `store verify` (platform/store_copy.h), or NULL. */
	const struct store_domain *store;
};

/* Every domain's table by increasing order, NULL-terminated (generated: build/gen/cli_tables.c). */
extern const struct cli_table *const cli_tables[];

/*
 * Parses argv (after the command words) into cmd->opts and positional
 * arguments; returns the number of positionals (written to pos), -1 after
 * printing an error, or -2 when --help was printed.
 */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, char **pos, int maxpos);

/* Value of an option after cli_parse, or NULL. */
const char *cli_value(const struct cli_cmd *cmd, const char *name);

/* The database path: --db, else $QILIAN_DB, else ./qilian.db. */
const char *cli_db_path(const struct cli_cmd *cmd);

/* Opens the database and applies pending migrations (create=true makes the file). NULL after printing an error. */
struct db *cli_open_db(const struct cli_cmd *cmd, bool create);

/* Prints v as indented JSON on stdout and decrefs it. */
void cli_print(json_t *v);

/* Prints an error as JSON on stderr; returns 1 (the exit status). */
int cli_fail(const struct qerror *e);

/*
 * Parses argv and checks the number of positional arguments is in
 * [min,max] (usage message from cmd->usage otherwise). Returns how many
 * there are, or -1 with *status set to the exit status (0 after --help).
 */
int cli_args(const struct cli_cmd *cmd, int argc, char **argv, char **pos, int min, int max, int *status);

/* Option value as an integer in [min,max]; absent keeps *out. False (after a message) when malformed. */
bool cli_int(const struct cli_cmd *cmd, const char *name, int64_t min, int64_t max, int64_t *out);

/* Option value as a number in (0, max]; absent keeps *out. False (after a message) when malformed. */
bool cli_number(const struct cli_cmd *cmd, const char *name, double max, double *out);

/* A required option: true when present, else false after a message. */
bool cli_required(const struct cli_cmd *cmd, const char *name);

/* Closes db and prints out (on success) or the error; returns the exit status. */
int cli_finish(struct db *db, enum qerr rc, json_t *out, const struct qerror *e);

/*
 * Runs one domain call as the CLI's operator actor: opens the database
 * (create: make it if missing), evaluates `call` - which may use `db`, `&a`,
 * `&out` and `&e` - and prints the JSON or the error. Returns from the caller.
 */
#define CLI_DOMAIN(cmd, create, call)                                                                                  \
	do {                                                                                                           \
		struct db *db = cli_open_db(cmd, create);                                                              \
		if (!db)                                                                                               \
			return 1;                                                                                      \
		struct actor a;                                                                                        \
		actor_cli(&a);                                                                                         \
		struct qerror e = {0};                                                                                 \
		json_t *out = NULL;                                                                                    \
		enum qerr rc = (call);                                                                                 \
		return cli_finish(db, rc, out, &e);                                                                    \
	} while (0)

/* A CSV import: (db, actor, data, len, progress, ctx, report, err), as enterprise_import and the chain map's. */
typedef enum qerr (*cli_import_fn)(struct db *, const struct actor *, const char *, size_t, void (*)(long, void *),
				   void *, json_t **, struct qerror *);
/* A CSV export: (db, actor, out, rows, err). */
typedef enum qerr (*cli_export_fn)(struct db *, const struct actor *, FILE *, long *, struct qerror *);

/* `qilian import KIND FILE [--org ID]`: progress on a terminal, the report on stdout (stderr when rejected). */
int cli_import_csv(const struct cli_cmd *cmd, int argc, char **argv, cli_import_fn fn);

/* `qilian export KIND [--output F]`: CSV to the file or stdout. */
int cli_export_csv(const struct cli_cmd *cmd, int argc, char **argv, cli_export_fn fn);

/* The options of a command that runs cli_export_csv (--output FILE). */
extern struct cli_opt cli_export_opts[];

/* Prints the help of one command or of all. */
void cli_help(const struct cli_cmd *cmd);

int cli_main(int argc, char **argv);

#endif
