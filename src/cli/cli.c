/*
 * cli.c - finding the subcommand in the domains' tables (cli_tables, built
 * from src/cli/cmd_*.c), option parsing, help, and shared output helpers.
 */
#include "cli/cli.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/csv.h"
#include "base/util.h"
#include "registry/vocab.h"
#include "store/migrate.h"
#include "text/fts.h"

struct cli_opt cli_export_opts[] = {{"--output", "FILE", "write here instead of stdout", NULL}, CLI_OPT_END};

/* What a command without options points at. */
static struct cli_opt no_opts[] = {CLI_OPT_END};

static struct cli_opt *opts_of(const struct cli_cmd *cmd)
{
	return cmd->opts ? cmd->opts : no_opts;
}

static const char *usage_of(const struct cli_cmd *cmd)
{
	return cmd->usage ? cmd->usage : "";
}

/* Where next_command is: commands come section by section, each section in table order. */
struct cmd_walk {
	int section;
	size_t table, index;
};

/* The next command in help order (see enum cli_section), or NULL after the last. Start from {0}. */
static const struct cli_cmd *next_command(struct cmd_walk *w)
{
	for (; w->section < CLI_SECTION_COUNT; w->section++, w->table = 0, w->index = 0) {
		for (; cli_tables[w->table]; w->table++, w->index = 0) {
			const struct cli_table *t = cli_tables[w->table];
			while (w->index < t->count) {
				const struct cli_cmd *c = &t->commands[w->index++];
				if ((int)c->section == w->section)
					return c;
			}
		}
	}
	return NULL;
}

static const char *cmd_db_value;

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, char **pos, int maxpos)
{
	int npos = 0;
	cmd_db_value = NULL;
	for (struct cli_opt *o = opts_of(cmd); o->name; o++)
		o->value = NULL;
	for (int i = 0; i < argc; i++) {
		char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cli_help(cmd);
			return -2;
		}
		if (strncmp(a, "--", 2) != 0 || strcmp(a, "--") == 0) {
			if (strcmp(a, "--") == 0)
				a = ++i < argc ? argv[i] : NULL;
			if (!a)
				break;
			if (npos >= maxpos) {
				fprintf(stderr, "qilian %s: unexpected argument '%s' (see qilian %s --help)\n", cmd->name, a,
					cmd->name);
				return -1;
			}
			pos[npos++] = a;
			continue;
		}
		char *eq = strchr(a, '=');
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		const char *val = eq ? eq + 1 : NULL;
		if (nlen == 4 && strncmp(a, "--db", 4) == 0) {
			if (!val && i + 1 >= argc) {
				fprintf(stderr, "qilian %s: --db needs a PATH\n", cmd->name);
				return -1;
			}
			cmd_db_value = val ? val : argv[++i];
			continue;
		}
		struct cli_opt *o = opts_of(cmd);
		for (; o->name; o++)
			if (strlen(o->name) == nlen && strncmp(o->name, a, nlen) == 0)
				break;
		if (!o->name) {
			fprintf(stderr, "qilian %s: unknown option '%.*s' (see qilian %s --help)\n", cmd->name, (int)nlen, a,
				cmd->name);
			return -1;
		}
		if (!o->arg) {
			if (val) {
				fprintf(stderr, "qilian %s: %s takes no value\n", cmd->name, o->name);
				return -1;
			}
			o->value = "1";
			continue;
		}
		if (!val) {
			if (i + 1 >= argc) {
				fprintf(stderr, "qilian %s: %s needs a value (%s)\n", cmd->name, o->name, o->arg);
				return -1;
			}
			val = argv[++i];
		}
		o->value = val;
	}
	return npos;
}

const char *cli_value(const struct cli_cmd *cmd, const char *name)
{
	for (const struct cli_opt *o = opts_of(cmd); o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o->value;
	return NULL;
}

const char *cli_db_path(const struct cli_cmd *cmd)
{
	(void)cmd;
	if (cmd_db_value)
		return cmd_db_value;
	const char *env = getenv("QILIAN_DB");
	return env && *env ? env : "./qilian.db";
}

struct db *cli_open_db(const struct cli_cmd *cmd, bool create)
{
	struct qerror e = {0};
	struct db *db = db_open(cli_db_path(cmd), create, &e);
	if (!db) {
		cli_fail(&e);
		return NULL;
	}
	struct actor a;
	actor_cli(&a);
	/* the shipped industrial vocabulary, loaded once into a new database (registry/vocab.h) */
	if (migrate_apply(db, NULL, &e) || vocab_seed(db, &a, NULL, &e)) {
		cli_fail(&e);
		db_close(db);
		return NULL;
	}
	return db;
}

void cli_print(json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		free(s);
	}
	json_decref(v);
}

/*
 * PostgreSQL runs writes serialisable: a command whose transaction lost a
 * conflict is run again whole (cli_main), up to CLI_SERIAL_RETRIES times;
 * until the last try its error is not printed.
 */
#define CLI_SERIAL_RETRIES 8
static bool may_retry, lost_conflict;

int cli_fail(const struct qerror *e)
{
	if (may_retry && strcmp(e->slug, "serialization_failure") == 0) {
		lost_conflict = true;
		return 1;
	}
	json_t *o = json_pack("{s:s,s:s}", "code", e->slug[0] ? e->slug : qerr_default_slug(e->code), "message", e->message);
	if (e->field[0])
		json_object_set_new(o, "field", json_string(e->field));
	if (e->line)
		json_object_set_new(o, "line", json_integer(e->line));
	json_t *root = json_pack("{s:o}", "error", o);
	char *s = json_dumps(root, JSON_INDENT(2));
	fprintf(stderr, "%s\n", s ? s : e->message);
	free(s);
	json_decref(root);
	return 1;
}

void cli_help(const struct cli_cmd *cmd)
{
	if (!cmd) {
		printf("qilian %s - 七链: large, medium and small enterprises working together\n\n", QILIAN_VERSION);
		printf("Usage: qilian COMMAND [OPTIONS]\n\nCommands:\n");
		struct cmd_walk w = {0};
		for (const struct cli_cmd *c; (c = next_command(&w));)
			printf("  %-20s %s\n", c->name, c->help);
		printf("  %-20s %s\n", "help [COMMAND]", "Show this help or a command's options.");
		printf("\nEvery command takes --db PATH (a SQLite file or a postgresql:// URL; default $QILIAN_DB, else ./qilian.db)"
		       " and --help.\n");
		printf("Results are JSON on stdout; errors go to stderr and the exit status is non-zero.\n");
		return;
	}
	const char *usage = usage_of(cmd);
	printf("Usage: qilian %s %s%s[OPTIONS]\n\n%s\n\nOptions:\n", cmd->name, usage, usage[0] ? " " : "", cmd->help);
	printf("  %-24s %s\n", "--db PATH", "SQLite file or postgresql:// URL (default $QILIAN_DB, else ./qilian.db)");
	for (const struct cli_opt *o = opts_of(cmd); o->name; o++) {
		char left[64];
		snprintf(left, sizeof left, "%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		printf("  %-24s %s\n", left, o->help);
	}
	printf("  %-24s %s\n", "--help", "show this help");
}

/* Matches name, a one- or two-word command name ("serve", "uscc check"), against argv; the words it takes, or 0. */
static int command_words(const char *name, int argc, char **argv)
{
	const char *sp = strchr(name, ' ');
	if (!sp)
		return argc >= 1 && strcmp(argv[0], name) == 0 ? 1 : 0;
	size_t n = (size_t)(sp - name);
	return argc >= 2 && strlen(argv[0]) == n && strncmp(argv[0], name, n) == 0 && strcmp(argv[1], sp + 1) == 0 ? 2 : 0;
}

/* The command argv names, in any domain's table. */
static const struct cli_cmd *find_command(int argc, char **argv, int *words)
{
	for (const struct cli_table *const *t = cli_tables; *t; t++)
		for (size_t i = 0; i < (*t)->count; i++)
			if ((*words = command_words((*t)->commands[i].name, argc, argv)))
				return &(*t)->commands[i];
	return NULL;
}

int cli_main(int argc, char **argv)
{
	/* Every database connection of every command gets the word tokenizer its full-text indexes use. */
	text_fts_install();
	/* A leading "--db PATH" applies to whatever command follows. */
	while (argc >= 3 && strcmp(argv[1], "--db") == 0) {
		setenv("QILIAN_DB", argv[2], 1);
		argv[2] = argv[0];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_help(NULL);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("qilian %s\n", QILIAN_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0) {
		int words;
		const struct cli_cmd *c = argc > 2 ? find_command(argc - 2, argv + 2, &words) : NULL;
		if (argc > 2 && !c) {
			fprintf(stderr, "qilian: unknown command '%s'\n", argv[2]);
			return 2;
		}
		cli_help(c);
		return 0;
	}
	int words = 0;
	const struct cli_cmd *c = find_command(argc - 1, argv + 1, &words);
	if (!c) {
		/* A group name alone ("qilian user") lists its commands. */
		bool group = false;
		struct cmd_walk w = {0};
		for (const struct cli_cmd *g; (g = next_command(&w));) {
			size_t n = strlen(argv[1]);
			if (strncmp(g->name, argv[1], n) == 0 && g->name[n] == ' ') {
				if (!group)
					fprintf(stderr, "qilian %s: choose one of:\n", argv[1]);
				group = true;
				fprintf(stderr, "  qilian %-20s %s\n", g->name, g->help);
			}
		}
		if (!group)
			fprintf(stderr, "qilian: unknown command '%s' (see qilian help)\n", argv[1]);
		return 2;
	}
	int rc;
	for (int attempt = 0;; attempt++) {
		may_retry = attempt < CLI_SERIAL_RETRIES;
		lost_conflict = false;
		rc = c->run(c, argc - 1 - words, argv + 1 + words);
		if (!lost_conflict)
			break;
		useconds_t cap = 1000u << (attempt < 6 ? attempt : 6); /* 1 ms .. 64 ms, jittered as serve's */
		usleep(cap / 2 + (useconds_t)randombytes_uniform(cap / 2 + 1));
	}
	return rc;
}

int cli_args(const struct cli_cmd *cmd, int argc, char **argv, char **pos, int min, int max, int *status)
{
	int n = cli_parse(cmd, argc, argv, pos, max);
	if (n < 0) {
		*status = n == -2 ? 0 : 2;
		return -1;
	}
	if (n < min) {
		fprintf(stderr, "qilian %s: needs %s (see qilian %s --help)\n", cmd->name, usage_of(cmd), cmd->name);
		*status = 2;
		return -1;
	}
	return n;
}

bool cli_int(const struct cli_cmd *cmd, const char *name, int64_t min, int64_t max, int64_t *out)
{
	const char *v = cli_value(cmd, name);
	if (!v || util_parse_i64(v, min, max, out))
		return true;
	fprintf(stderr, "qilian %s: %s must be a whole number from %lld to %lld, got '%s'\n", cmd->name, name,
		(long long)min, (long long)max, v);
	return false;
}

bool cli_number(const struct cli_cmd *cmd, const char *name, double max, double *out)
{
	const char *v = cli_value(cmd, name);
	if (!v)
		return true;
	char *end = NULL;
	double d = strtod(v, &end);
	if (end && !*end && d > 0 && d <= max) {
		*out = d;
		return true;
	}
	fprintf(stderr, "qilian %s: %s must be a number above 0 and at most %g, got '%s'\n", cmd->name, name, max, v);
	return false;
}

bool cli_required(const struct cli_cmd *cmd, const char *name)
{
	if (cli_value(cmd, name))
		return true;
	fprintf(stderr, "qilian %s: %s is required (see qilian %s --help)\n", cmd->name, name, cmd->name);
	return false;
}

int cli_finish(struct db *db, enum qerr rc, json_t *out, const struct qerror *e)
{
	db_close(db);
	if (rc) {
		json_decref(out);
		return cli_fail(e);
	}
	cli_print(out);
	return 0;
}

static void show_progress(long rows, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "\r已读取 %ld 行 (read %ld rows)...", rows, rows);
}

int cli_import_csv(const struct cli_cmd *cmd, int argc, char **argv, cli_import_fn fn)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	struct actor a;
	actor_cli(&a);
	if (!cli_int(cmd, "--org", 1, INT64_MAX, &a.org_id))
		return 2;
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
		/* The whole report (every bad line) goes to stderr with the error. */
		if (report) {
			char *text = json_dumps(report, JSON_INDENT(2));
			fprintf(stderr, "%s\n", text ? text : "");
			free(text);
			json_decref(report);
		}
		return cli_fail(&e);
	}
	cli_print(report);
	return 0;
}

int cli_export_csv(const struct cli_cmd *cmd, int argc, char **argv, cli_export_fn fn)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
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
	long rows = 0;
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
