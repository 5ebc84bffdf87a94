/*
 * cmd_vocab.c - `qilian vocab list|add|remove|import|export|expand`: the
 * operator's edits of the industrial vocabulary (registry/vocab.h; the CLI
 * acts as the platform operator, every write audited) and how a text is
 * expanded for matching (text/vocab.h).
 */
#include "cli/cmd_vocab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "registry/vocab.h"
#include "text/vocab.h"

static struct cli_opt list_opts[] = {
	{"--q", "TEXT", "only entries whose canonical term or term contains TEXT", NULL},
	{"--kind", "KIND", "synonym, colloquial, abbreviation, english or narrower", NULL},
	{"--limit", "N", "entries, 1-500 (default 100)", NULL},
	{"--cursor", "ID", "entries after this id (next_cursor of the previous page)", NULL},
	CLI_OPT_END,
};

static struct cli_opt add_opts[] = {
	{"--weight", "PERCENT", "weight in the expanded query, 1-100 (default 80)", NULL},
	{"--source", "TEXT", "where the entry comes from (a standard, a trade category)", NULL},
	CLI_OPT_END,
};

int cli_vocab_list(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	int64_t limit = 100, cursor = 0;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	if (!cli_int(cmd, "--limit", 1, 500, &limit) || !cli_int(cmd, "--cursor", 0, INT64_MAX, &cursor))
		return 2;
	CLI_DOMAIN(cmd, false,
		   vocab_list(db, &a, cli_value(cmd, "--q"), cli_value(cmd, "--kind"), (int)limit, cursor, &out, &e));
}

int cli_vocab_add(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[3];
	int status;
	int64_t weight = 80;
	if (cli_args(cmd, argc, argv, pos, 3, 3, &status) < 0)
		return status;
	if (!cli_int(cmd, "--weight", 1, 100, &weight))
		return 2;
	json_t *body = json_pack("{s:s,s:s,s:s,s:I,s:s}", "canonical", pos[0], "kind", pos[1], "term", pos[2], "weight",
				 (json_int_t)weight, "source", cli_value(cmd, "--source") ? cli_value(cmd, "--source") : "");
	struct db *db = cli_open_db(cmd, false);
	if (!db) {
		json_decref(body);
		return 1;
	}
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = vocab_add(db, &a, body, &out, &e);
	json_decref(body);
	return cli_finish(db, rc, out, &e);
}

int cli_vocab_remove(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[3];
	int status;
	int n = cli_args(cmd, argc, argv, pos, 1, 3, &status);
	if (n < 0)
		return status;
	if (n == 1) {
		char *end;
		long long id = strtoll(pos[0], &end, 10);
		if (*end || id <= 0) {
			fprintf(stderr, "qilian vocab remove: give an entry id, or CANONICAL KIND TERM\n");
			return 2;
		}
		CLI_DOMAIN(cmd, false, vocab_remove(db, &a, id, &out, &e));
	}
	if (n != 3) {
		fprintf(stderr, "qilian vocab remove: give an entry id, or CANONICAL KIND TERM\n");
		return 2;
	}
	CLI_DOMAIN(cmd, false, vocab_remove_entry(db, &a, pos[0], pos[1], pos[2], &out, &e));
}

int cli_vocab_import(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_import_csv(cmd, argc, argv, vocab_import);
}

int cli_vocab_export(const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_export_csv(cmd, argc, argv, vocab_export);
}

static enum qerr expand(struct db *db, const char *text, json_t **out, struct qerror *err)
{
	struct text_vocab *v = NULL;
	if (text_vocab_get(db, &v, err))
		return err->code;
	struct text_vocab_expansion *x = malloc(sizeof *x);
	int rc = x ? text_vocab_expand(v, text, strlen(text), x) : TEXT_TOKENIZE_NOMEM;
	text_vocab_release(v);
	if (rc) {
		free(x);
		return qerr_set(err, QERR_INTERNAL, "tokenizer_unavailable", NULL, "the word segmenter could not be loaded");
	}
	static const char *const origins[] = {"query", "part", "compound", "vocabulary"};
	json_t *terms = json_array();
	for (int i = 0; i < x->n; i++) {
		json_t *o = json_pack("{s:s,s:f,s:s}", "term", x->t[i].display, "weight",
				      round(x->t[i].weight * 1000) / 1000, "origin", origins[x->t[i].origin]);
		if (o && x->t[i].explain[0])
			json_object_set_new(o, "explain", json_string(x->t[i].explain));
		json_array_append_new(terms, o);
	}
	free(x);
	*out = json_pack("{s:s,s:o}", "q", text, "terms", terms);
	return QERR_OK;
}

int cli_vocab_expand(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	CLI_DOMAIN(cmd, false, expand(db, pos[0], &out, &e));
}

/* Order 47: after the market's commands (40), like the routes (routes_vocab.c). */
static const struct cli_cmd vocab_commands[] = {
	{.name = "vocab list", .run = cli_vocab_list, .opts = list_opts, .section = CLI_SECTION_DOMAIN,
	 .help = "List industrial vocabulary entries (canonical, kind, term, weight, source)."},
	{.name = "vocab add", .usage = "CANONICAL KIND TERM", .run = cli_vocab_add, .opts = add_opts,
	 .section = CLI_SECTION_DOMAIN,
	 .help = "Add a vocabulary entry; KIND is synonym, colloquial, abbreviation, english or narrower (TERM is a kind of CANONICAL)."},
	{.name = "vocab remove", .usage = "ID | CANONICAL KIND TERM", .run = cli_vocab_remove,
	 .section = CLI_SECTION_DOMAIN, .help = "Remove a vocabulary entry."},
	{.name = "vocab expand", .usage = "TEXT", .run = cli_vocab_expand, .section = CLI_SECTION_DOMAIN,
	 .help = "Show how matching understands a text: its words and their weighted, explained expansions."},
	{.name = "vocab import", .usage = "FILE.csv", .run = cli_vocab_import, .section = CLI_SECTION_FILES,
	 .help = "Import vocabulary entries (header " VOCAB_CSV_HEADER "); upsert, all rows or none."},
	{.name = "vocab export", .run = cli_vocab_export, .opts = cli_export_opts, .section = CLI_SECTION_FILES,
	 .help = "Export the vocabulary as CSV in the import format."},
};

const struct cli_table cli_commands_vocab = {
	.name = "vocab",
	.order = 47,
	.commands = vocab_commands,
	.count = sizeof vocab_commands / sizeof vocab_commands[0],
};
