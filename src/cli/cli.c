/* cli.c - subcommand table, option parsing, help, and shared output helpers. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/csv.h"
#include "base/util.h"
#include "store/migrate.h"

#define OPT_END {NULL, NULL, NULL, NULL}

static struct cli_opt serve_opts[] = {
	{"--listen", "HOST:PORT", "address to listen on (default 127.0.0.1:8080; port 0 picks a free port)", NULL},
	{"--threads", "N", "worker threads (default: 2 x CPUs, at least 4)", NULL},
	{"--web", "DIR", "directory of the web UI to serve at / (default ./web if present)", NULL},
	{"--max-body", "BYTES", "largest JSON request body (default 1048576); larger gets 413", NULL},
	{"--max-import", "BYTES", "largest CSV import body (default 268435456)", NULL},
	{"--timeout", "SECONDS", "idle connection timeout (default 30)", NULL},
	{"--head-timeout", "SECONDS", "request line and headers must arrive within this (default 10; 0: no deadline)", NULL},
	{"--min-body-rate", "BYTES", "bytes a second a body must average after that grace (default 4096; 0: any)", NULL},
	{"--max-per-address", "N", "connections at once from one client address (default 64, 0 with --trust-proxy)", NULL},
	{"--max-connections", "N", "connections at once in all (default 4096)", NULL},
	{"--spool-dir", "DIR", "where CSV uploads are spooled while they arrive (default $TMPDIR or /tmp)", NULL},
	{"--secure-cookies", NULL, "mark the session cookie Secure (the server is reached over TLS)", NULL},
	{"--trust-proxy", NULL, "behind a reverse proxy: X-Forwarded-Proto: https marks the cookie Secure", NULL},
	{"--quiet", NULL, "no access log", NULL},
	OPT_END,
};
static struct cli_opt none_opts[] = {OPT_END};
static struct cli_opt org_add_opts[] = {
	{"--name", "NAME", "organisation name (required)", NULL},
	{"--type", "TYPE", "operator|large|sme|bank|provider (required)", NULL},
	{"--uscc", "CODE", "统一社会信用代码 of the organisation", NULL},
	OPT_END,
};
static struct cli_opt user_add_opts[] = {
	{"--org", "ID", "organisation id (required)", NULL},
	{"--role", "ROLE", "admin|member (required)", NULL},
	{"--email", "EMAIL", "login e-mail (required)", NULL},
	{"--name", "NAME", "display name", NULL},
	{"--password", "PASSWORD", "initial password; default: read from $QILIAN_PASSWORD, else one is generated and printed", NULL},
	OPT_END,
};
static struct cli_opt user_list_opts[] = {{"--org", "ID", "only this organisation", NULL}, OPT_END};
static struct cli_opt classify_opts[] = {
	{"--industry", "CODE", "GB/T 4754-2017 section letter or 2-4 digit code (required)", NULL},
	{"--employees", "N", "从业人员 (required)", NULL},
	{"--revenue", "WAN", "营业收入, 万元 (required)", NULL},
	{"--assets", "WAN", "资产总额, 万元 (needed for 建筑业, 房地产开发经营, 租赁和商务服务业)", NULL},
	OPT_END,
};
static struct cli_opt region_opts[] = {{"--parent", "CODE", "list the children of this region", NULL}, OPT_END};
static struct cli_opt import_opts[] = {
	{"--org", "ID", "organisation that owns new records (default: none, operator import)", NULL},
	OPT_END,
};
static struct cli_opt export_opts[] = {{"--output", "FILE", "write here instead of stdout", NULL}, OPT_END};
static struct cli_opt gen_opts[] = {
	{"--seed", "N", "random seed (default 1): the same seed gives the same file", NULL},
	{"--output", "FILE", "write here instead of stdout", NULL},
	OPT_END,
};
static struct cli_opt match_opts[] = {{"--limit", "K", "results, 1-100 (default 10)", NULL}, OPT_END};
static struct cli_opt match_text_opts[] = {
	{"--region", "CODE", "delivery region (GB/T 2260): county > city > province proximity", NULL},
	{"--chain", "CHAIN", "with --segment: the segment asked for", NULL},
	{"--segment", "CODE", "segment code in --chain", NULL},
	{"--certifications", "TAGS", "required certifications, ';' or ','-separated (hard filter)", NULL},
	{"--limit", "K", "results, 1-100 (default 10)", NULL},
	OPT_END,
};
static struct cli_opt chain_add_opts[] = {{"--name-en", "NAME", "English name", NULL}, OPT_END};
static struct cli_opt health_opts[] = {
	{"--region", "PREFIX", "only suppliers in this region (2, 4 or 6 digit GB/T 2260 prefix)", NULL},
	{"--min-suppliers", "N", "weak link when active suppliers <= N (default 2)", NULL},
	{"--max-hhi", "X", "weak link when supply or province HHI >= X (default 0.25)", NULL},
	OPT_END,
};
static struct cli_opt suppliers_opts[] = {{"--chain", "CHAIN", "only this chain", NULL}, OPT_END};
static struct cli_opt local_rate_opts[] = {{"--level", "LEVEL", "province|city|county (required)", NULL}, OPT_END};
static struct cli_opt disrupt_opts[] = {
	{"--enterprise", "USCC...", "knock out these enterprises (several: repeat the USCCs after it, or comma-separate)", NULL},
	{"--region", "CODE", "knock out every enterprise in this region (2, 4 or 6 digits)", NULL},
	{"--threshold", "X", "a buyer losing at least this share of a segment is knocked out (default 0.5)", NULL},
	{"--max-tier", "N", "stop after tier N", NULL},
	OPT_END,
};
static struct cli_opt fill_opts[] = {
	{"--buyer", "USCC", "the buyer to fill the gap for (its current suppliers are excluded; proximity to it)", NULL},
	{"--region", "PREFIX", "rank proximity to this region instead", NULL},
	{"--limit", "K", "candidates to list (default 20)", NULL},
	OPT_END,
};
static struct cli_opt gen_chain_opts[] = {
	{"--enterprises", "N", "enterprises to generate (required)", NULL},
	{"--relations", "M", "supply relations to generate (required)", NULL},
	{"--seed", "N", "random seed (default 1)", NULL},
	{"--output-dir", "DIR", "where to write enterprises.csv, segments.csv, capabilities.csv, relations.csv (default .)", NULL},
	OPT_END,
};
static struct cli_opt gen_listings_opts[] = {
	{"--demands", "M", "demands to generate (default 1000)", NULL},
	{"--labelled", "L", "the first L demands get every relevant supply in labels.csv (default 200)", NULL},
	{"--enterprises", "E", "enterprises to generate (default N/8 + M/2 + 50)", NULL},
	{"--seed", "N", "random seed (default 1): the same seed gives the same files", NULL},
	{"--output-dir", "DIR", "where to write enterprises, segments, supplies, demands, labels and truth CSVs (default .)", NULL},
	OPT_END,
};
static struct cli_opt orders_opts[] = {
	{"--status", "STATUS", "placed|shipped|delivered|accepted|rejected", NULL},
	{"--limit", "N", "orders, 1-500 (default 50)", NULL},
	{"--cursor", "ID", "next_cursor of the previous page", NULL},
	OPT_END,
};
static struct cli_opt audit_opts[] = {{"--limit", "N", "entries (default 50)", NULL}, OPT_END};

const struct cli_cmd cli_commands[] = {
	{"serve", "", "Serve the HTTP API and web UI.", cli_serve, serve_opts},
	{"migrate", "", "Create the database or apply pending schema migrations.", cli_migrate, none_opts},
	{"org add", "", "Add an organisation (operator, large, sme, bank, provider).", cli_org_add, org_add_opts},
	{"org list", "", "List organisations.", cli_org_list, none_opts},
	{"user add", "", "Add a user to an organisation; the first platform admin is created this way.", cli_user_add,
	 user_add_opts},
	{"user list", "", "List users.", cli_user_list, user_list_opts},
	{"uscc check", "CODE", "Check a 统一社会信用代码 (GB 32100-2015); exit 0 if valid, 1 if not.", cli_uscc_check,
	 none_opts},
	{"classify", "", "Size class under the 2011 中小企业划型标准规定.", cli_classify, classify_opts},
	{"region", "[CODE]", "Show a GB/T 2260 region, or list regions under --parent (provinces by default).",
	 cli_region, region_opts},
	{"import enterprises", "FILE.csv",
	 "Import enterprises (header uscc,name,region,industry,employees,revenue_wan,assets_wan,level); all rows or none.",
	 cli_import_enterprises, import_opts},
	{"export enterprises", "", "Export enterprises as CSV in the import format.", cli_export_enterprises, export_opts},
	{"import segments", "FILE.csv",
	 "Import chain segments (header chain,chain_name,segment,segment_name,upstream; upstream ';'-separated); all rows or none.",
	 cli_import_segments, none_opts},
	{"import capabilities", "FILE.csv",
	 "Import what enterprises can make (header uscc,chain,segment,capacity); all rows or none.",
	 cli_import_capabilities, none_opts},
	{"import relations", "FILE.csv",
	 "Import supply relations (header buyer_uscc,supplier_uscc,chain,segment,annual_amount_fen); all rows or none.",
	 cli_import_relations, none_opts},
	{"export segments", "", "Export chain segments as CSV in the import format.", cli_export_segments, export_opts},
	{"export capabilities", "", "Export capabilities as CSV in the import format.", cli_export_capabilities,
	 export_opts},
	{"export relations", "", "Export supply relations as CSV in the import format.", cli_export_relations, export_opts},
	{"import supplies", "FILE.csv",
	 "Import supply listings (header uscc,title,description,chain,segment,regions,certifications; lists ';'-separated); all rows or none.",
	 cli_import_supplies, none_opts},
	{"import demands", "FILE.csv",
	 "Import public demands (header uscc,title,description,chain,segment,quantity,unit,budget_fen,deadline,region,certifications); all rows or none.",
	 cli_import_demands, none_opts},
	{"export supplies", "", "Export active supplies as CSV in the import format.", cli_export_supplies, export_opts},
	{"export demands", "", "Export open public demands as CSV in the import format.", cli_export_demands, export_opts},
	{"gen enterprises", "N", "Write N synthetic enterprises as CSV (valid USCCs, real regions, realistic sizes).",
	 cli_gen_enterprises, gen_opts},
	{"gen chain", "", "Write a synthetic chain map (enterprises, segments, capabilities, relations CSVs) of realistic shape.",
	 cli_gen_chain, gen_chain_opts},
	{"gen listings", "N",
	 "Write N synthetic supplies, demands and their relevance labels (plus enterprises and segments) as CSV.",
	 cli_gen_listings, gen_listings_opts},
	{"match demand", "ID", "Ranked supplies and enterprises for a demand, with why each matched.", cli_match_demand,
	 match_opts},
	{"match supply", "ID", "Ranked open demands for a supply, with why each matched.", cli_match_supply, match_opts},
	{"match text", "TEXT", "Ranked supplies for free text (words, not characters: 电机 never finds 电视机).",
	 cli_match_text, match_text_opts},
	{"match index", "", "Size and build time of the in-memory match indexes.", cli_match_index, none_opts},
	{"orders", "", "Market orders, newest first, with their status and amounts.", cli_orders, orders_opts},
	{"scorecard", "USCC", "A supplier's record from its real orders (on-time and acceptance rates).", cli_scorecard,
	 none_opts},
	{"chain add", "ID NAME", "Define (or rename) an industry chain.", cli_chain_add, chain_add_opts},
	{"chain health", "CHAIN", "Per segment: capable and active suppliers, supply and province HHI, 专精特新 share, weak links.",
	 cli_chain_health, health_opts},
	{"chain suppliers", "BUYER_USCC", "A buyer's suppliers per segment with shares, HHI and single sources.",
	 cli_chain_suppliers, suppliers_opts},
	{"chain local-rate", "BUYER_USCC", "Local supporting rate (周边配套率) of a buyer, overall and per segment.",
	 cli_chain_local_rate, local_rate_opts},
	{"chain disrupt", "", "Disruption cascade (断链推演) from enterprises or a region, tier by tier.", cli_chain_disrupt,
	 disrupt_opts},
	{"chain fill", "CHAIN SEGMENT", "Ranked gap-filling candidates (精准补链) with the reasons for each rank.",
	 cli_chain_fill, fill_opts},
	{"chain critical", "BUYER_USCC", "Enterprises every supply path of a segment into the buyer passes through.",
	 cli_chain_critical, none_opts},
	{"chain graph", "", "Build the supply graph snapshot and show its size, memory and build time.", cli_chain_graph,
	 none_opts},
	{"audit", "", "Show the newest audit log entries.", cli_audit, audit_opts},
	{"routes", "", "List every HTTP API route and who may call it.", cli_routes, none_opts},
	{NULL, NULL, NULL, NULL, NULL},
};

static const char *cmd_db_value;

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, char **pos, int maxpos)
{
	int npos = 0;
	cmd_db_value = NULL;
	for (struct cli_opt *o = cmd->opts; o->name; o++)
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
		struct cli_opt *o = cmd->opts;
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
	for (const struct cli_opt *o = cmd->opts; o->name; o++)
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
	if (migrate_apply(db, NULL, &e)) {
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

int cli_fail(const struct qerror *e)
{
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
		for (const struct cli_cmd *c = cli_commands; c->name; c++)
			printf("  %-20s %s\n", c->name, c->help);
		printf("  %-20s %s\n", "help [COMMAND]", "Show this help or a command's options.");
		printf("\nEvery command takes --db PATH (default $QILIAN_DB, else ./qilian.db) and --help.\n");
		printf("Results are JSON on stdout; errors go to stderr and the exit status is non-zero.\n");
		return;
	}
	printf("Usage: qilian %s %s%s[OPTIONS]\n\n%s\n\nOptions:\n", cmd->name, cmd->usage, cmd->usage[0] ? " " : "",
	       cmd->help);
	printf("  %-24s %s\n", "--db PATH", "database file (default $QILIAN_DB, else ./qilian.db)");
	for (const struct cli_opt *o = cmd->opts; o->name; o++) {
		char left[64];
		snprintf(left, sizeof left, "%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		printf("  %-24s %s\n", left, o->help);
	}
	printf("  %-24s %s\n", "--help", "show this help");
}

/* Matches one- or two-word command names ("serve", "uscc check") against argv. */
static const struct cli_cmd *find_command(int argc, char **argv, int *words)
{
	for (const struct cli_cmd *c = cli_commands; c->name; c++) {
		const char *sp = strchr(c->name, ' ');
		if (!sp) {
			if (argc >= 1 && strcmp(argv[0], c->name) == 0) {
				*words = 1;
				return c;
			}
			continue;
		}
		size_t n = (size_t)(sp - c->name);
		if (argc >= 2 && strlen(argv[0]) == n && strncmp(argv[0], c->name, n) == 0 && strcmp(argv[1], sp + 1) == 0) {
			*words = 2;
			return c;
		}
	}
	return NULL;
}

int cli_main(int argc, char **argv)
{
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
		for (const struct cli_cmd *g = cli_commands; g->name; g++) {
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
	return c->run(c, argc - 1 - words, argv + 1 + words);
}

int cli_args(const struct cli_cmd *cmd, int argc, char **argv, char **pos, int min, int max, int *status)
{
	int n = cli_parse(cmd, argc, argv, pos, max);
	if (n < 0) {
		*status = n == -2 ? 0 : 2;
		return -1;
	}
	if (n < min) {
		fprintf(stderr, "qilian %s: needs %s (see qilian %s --help)\n", cmd->name, cmd->usage, cmd->name);
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
