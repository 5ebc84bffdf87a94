/*
 * cmd_services.c - the service, talent and data chains at the command line:
 * `qilian workdays add` (the calendar an operator checks deadlines with),
 * `qilian services ...` (requests, routing rules, the escalation pass,
 * statistics), `qilian talent ...` and `qilian grants ...`.
 *
 * The local operator runs them; `--as EMAIL` acts as that user instead (the
 * demo data and scripts), and `--clock UTC` pretends it is that time
 * (demo histories and deadline checks; the clock of the service chain only).
 */
#include "cli/cmd_services.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "base/qtime.h"
#include "base/util.h"
#include "platform/workdays.h"
#include "registry/account.h"
#include "services/grant.h"
#include "services/service.h"
#include "services/talent.h"

int cli_workdays_add(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	if (!cli_required(cmd, "--from") || !cli_required(cmd, "--days"))
		return 2;
	struct qerror e = {0};
	struct qdate from, due;
	int64_t days = 0;
	if (!qdate_parse(cli_value(cmd, "--from"), &from)) {
		qerr_set(&e, QERR_INVALID, "invalid_date", "from", "--from must be a date YYYY-MM-DD");
		return cli_fail(&e);
	}
	if (!cli_int(cmd, "--days", 0, WORKDAYS_MAX_COUNT, &days))
		return 2;
	bool prov = false;
	if (workdays_add_provisional(from, days, &due, &prov, &e))
		return cli_fail(&e);
	char f[QDATE_TEXT_LEN], d[QDATE_TEXT_LEN], identity[WORKDAYS_IDENTITY_LEN];
	qdate_format(from, f);
	qdate_format(due, d);
	workdays_identity_upto(due, identity);
	cli_print(json_pack("{s:s,s:I,s:s,s:b,s:s,s:o}", "from", f, "days", (json_int_t)days, "due", d, "provisional",
			    prov, "identity", identity, "calendar", workdays_calendar_json()));
	return 0;
}

/* --as and --clock: fills *a (the operator, or the user) and sets the chain's clock. */
static enum qerr who(const struct cli_cmd *cmd, struct db *db, struct actor *a, struct qerror *e)
{
	actor_cli(a);
	const char *clock = cli_value(cmd, "--clock");
	if (clock) {
		int64_t t;
		bool date_only;
		if (!qtime_parse(clock, 0, &t, &date_only))
			return qerr_set(e, QERR_INVALID, "invalid_time", "clock",
					"--clock must be YYYY-MM-DDTHH:MM:SSZ");
		service_clock_set(t);
	}
	const char *as = cli_value(cmd, "--as");
	return as ? account_actor_by_email(db, as, a, e) : QERR_OK;
}

/* Runs call as the --as actor: prints out or the error. */
#define AS_DOMAIN(cmd, call)                                                                                           \
	do {                                                                                                           \
		struct db *db = cli_open_db(cmd, false);                                                               \
		if (!db)                                                                                               \
			return 1;                                                                                      \
		struct actor a;                                                                                        \
		struct qerror e = {0};                                                                                 \
		json_t *out = NULL;                                                                                    \
		enum qerr rc = who(cmd, db, &a, &e);                                                                   \
		if (!rc)                                                                                               \
			rc = (call);                                                                                   \
		return cli_finish(db, rc, out, &e);                                                                    \
	} while (0)

/* A JSON object of the given options' values (NULL-terminated pairs: option, key). */
static json_t *opts_json(const struct cli_cmd *cmd, const char *const *pairs)
{
	json_t *o = json_object();
	for (; pairs[0]; pairs += 2) {
		const char *v = cli_value(cmd, pairs[0]);
		if (v)
			json_object_set_new(o, pairs[1], json_string(v));
	}
	return o;
}

static enum qerr decode(json_t *o, const struct jfield *fields, json_t **out, struct qerror *e)
{
	char *text = json_encode(o);
	json_decref(o);
	if (!text)
		return qerr_set(e, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	enum qerr rc = json_decode(text, strlen(text), fields, false, out, e);
	free(text);
	return rc;
}

static int services_submit(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	static const char *const pairs[] = {"--enterprise", "enterprise",    "--category",  "category", "--title",
					    "title",	    "--description", "description", "--region", "region",
					    "--urgency",    "urgency",	     NULL};
	json_t *body = NULL;
	struct qerror de = {0};
	if (decode(opts_json(cmd, pairs), service_request_fields, &body, &de))
		return cli_fail(&de);
	struct db *db = cli_open_db(cmd, false);
	if (!db) {
		json_decref(body);
		return 1;
	}
	struct actor a;
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = who(cmd, db, &a, &e);
	if (!rc)
		rc = service_submit(db, &a, body, &out, &e);
	json_decref(body);
	return cli_finish(db, rc, out, &e);
}

static enum qerr request_act(struct db *db, const struct actor *a, const struct cli_cmd *cmd, int64_t id,
			     const char *action, json_t **out, struct qerror *e)
{
	const char *note = cli_value(cmd, "--note");
	int64_t n = 0;
	if (strcmp(action, "transfer") == 0) {
		if (!cli_value(cmd, "--to") || !cli_int(cmd, "--to", 1, INT64_MAX, &n))
			return qerr_set(e, QERR_INVALID, "missing_field", "to", "transfer needs --to ORG_ID");
		return service_transfer(db, a, id, n, note, out, e);
	}
	if (strcmp(action, "rate") == 0) {
		if (!cli_value(cmd, "--rating") || !cli_int(cmd, "--rating", 1, 5, &n))
			return qerr_set(e, QERR_INVALID, "missing_field", "rating", "rate needs --rating 1-5");
		return service_rate(db, a, id, (int)n, note, out, e);
	}
	if (strcmp(action, "extend") == 0) {
		if (!cli_value(cmd, "--days") || !cli_int(cmd, "--days", 1, 60, &n))
			return qerr_set(e, QERR_INVALID, "missing_field", "days", "extend needs --days 1-60");
		return service_extension_request(db, a, id, n, note, out, e);
	}
	if (strcmp(action, "callback") == 0)
		return service_callback_record(db, a, id, cli_value(cmd, "--result"), note, out, e);
	if (strcmp(action, "withdraw") == 0)
		return service_withdraw(db, a, id, cli_value(cmd, "--confirm") != NULL, note, out, e);
	for (int i = 0; service_action_names[i]; i++)
		if (strcmp(service_action_names[i], action) == 0)
			return service_act(db, a, id, (enum service_action)i, note, out, e);
	return qerr_set(e, QERR_INVALID, "invalid_action", "action",
			"unknown action %s (accept, start, resolve, confirm, reopen, withdraw, propose_withdrawal, "
			"supervise, transfer, rate, extend, callback)",
			action);
}

static int services_act(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[2];
	int status;
	if (cli_args(cmd, argc, argv, pos, 2, 2, &status) < 0)
		return status;
	int64_t id;
	if (!util_parse_i64(pos[0], 1, INT64_MAX, &id)) {
		fprintf(stderr, "qilian %s: ID must be a positive integer\n", cmd->name);
		return 2;
	}
	AS_DOMAIN(cmd, request_act(db, &a, cmd, id, pos[1], &out, &e));
}

static int services_extension(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[2];
	int status;
	if (cli_args(cmd, argc, argv, pos, 2, 2, &status) < 0)
		return status;
	int64_t id;
	if (!util_parse_i64(pos[0], 1, INT64_MAX, &id) ||
	    (strcmp(pos[1], "approve") != 0 && strcmp(pos[1], "reject") != 0)) {
		fprintf(stderr, "qilian %s: usage: ID approve|reject\n", cmd->name);
		return 2;
	}
	bool approve = strcmp(pos[1], "approve") == 0;
	AS_DOMAIN(cmd, service_extension_decide(db, &a, id, approve, &out, &e));
}

static int services_show(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	int64_t id;
	if (!util_parse_i64(pos[0], 1, INT64_MAX, &id)) {
		fprintf(stderr, "qilian %s: ID must be a positive integer\n", cmd->name);
		return 2;
	}
	AS_DOMAIN(cmd, service_get(db, &a, id, &out, &e));
}

static int services_list(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	int64_t limit = 50;
	if (!cli_int(cmd, "--limit", 1, 500, &limit))
		return 2;
	struct service_filter f = {
	    .role = cli_value(cmd, "--role"), .status = cli_value(cmd, "--status"), .limit = (int)limit};
	AS_DOMAIN(cmd, service_list(db, &a, &f, &out, &e));
}

static int services_route_add(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	int64_t org = 0;
	if (!cli_required(cmd, "--handler") || !cli_int(cmd, "--handler", 1, INT64_MAX, &org))
		return 2;
	static const char *const pairs[] = {"--category", "category", "--region-prefix", "region_prefix", NULL};
	json_t *o = opts_json(cmd, pairs), *body = NULL;
	json_object_set_new(o, "handler_org_id", json_integer(org));
	struct qerror de = {0};
	if (decode(o, service_route_fields, &body, &de))
		return cli_fail(&de);
	struct db *db = cli_open_db(cmd, false);
	if (!db) {
		json_decref(body);
		return 1;
	}
	struct actor a;
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = who(cmd, db, &a, &e);
	if (!rc)
		rc = service_route_create(db, &a, body, &out, &e);
	json_decref(body);
	return cli_finish(db, rc, out, &e);
}

static int services_routes(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	AS_DOMAIN(cmd, service_route_list(db, &a, &out, &e));
}

static int services_escalate(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	struct qdate on = qdate_shanghai_today();
	const char *date = cli_value(cmd, "--date");
	if (date && !qdate_parse(date, &on)) {
		fprintf(stderr, "qilian %s: --date must be YYYY-MM-DD\n", cmd->name);
		return 2;
	}
	AS_DOMAIN(cmd, service_escalate(db, &a, on, &out, &e));
}

static int services_recompute(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	AS_DOMAIN(cmd, service_recompute_deadlines(db, &a, &out, &e));
}

static int services_stats(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	if (!cli_required(cmd, "--from") || !cli_required(cmd, "--to"))
		return 2;
	AS_DOMAIN(cmd, service_stats(db, &a, cli_value(cmd, "--from"), cli_value(cmd, "--to"), cli_value(cmd, "--by"),
				     &out, &e));
}

static int grants_add(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	int64_t grantee = 0;
	if (!cli_required(cmd, "--grantee") || !cli_int(cmd, "--grantee", 1, INT64_MAX, &grantee) ||
	    !cli_required(cmd, "--scopes"))
		return 2;
	static const char *const pairs[] = {"--enterprise", "enterprise", "--purpose",	 "purpose", "--from",
					    "valid_from",   "--until",	  "valid_until", NULL};
	json_t *o = opts_json(cmd, pairs), *scopes = json_array(), *body = NULL;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", cli_value(cmd, "--scopes"));
	for (char *save = NULL, *t = strtok_r(buf, ",;", &save); t; t = strtok_r(NULL, ",;", &save))
		json_array_append_new(scopes, json_string(t));
	json_object_set_new(o, "scopes", scopes);
	json_object_set_new(o, "grantee_org_id", json_integer(grantee));
	struct qerror de = {0};
	if (decode(o, grant_fields, &body, &de))
		return cli_fail(&de);
	struct db *db = cli_open_db(cmd, false);
	if (!db) {
		json_decref(body);
		return 1;
	}
	struct actor a;
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = who(cmd, db, &a, &e);
	if (!rc)
		rc = grant_create(db, &a, body, &out, &e);
	json_decref(body);
	return cli_finish(db, rc, out, &e);
}

static int grants_list(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	AS_DOMAIN(cmd, grant_list(db, &a, cli_value(cmd, "--role"), cli_value(cmd, "--enterprise"), &out, &e));
}

static int grants_read(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[2];
	int status;
	if (cli_args(cmd, argc, argv, pos, 2, 2, &status) < 0)
		return status;
	AS_DOMAIN(cmd, grant_read(db, &a, pos[0], pos[1], &out, &e));
}

static int talent_post(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	static const char *const pairs[] = {
	    "--kind",	    "kind",	      "--title",      "title",	  "--mode",	 "mode",      "--skills",
	    "skills",	    "--description",  "description",  "--person", "person_name", "--contact", "contact",
	    "--enterprise", "enterprise",     "--chain",      "chain",	  "--segment",	 "segment",   "--region",
	    "region",	    "--availability", "availability", "--terms",  "terms",	 NULL};
	json_t *body = NULL;
	struct qerror de = {0};
	if (decode(opts_json(cmd, pairs), talent_post_fields, &body, &de))
		return cli_fail(&de);
	struct db *db = cli_open_db(cmd, false);
	if (!db) {
		json_decref(body);
		return 1;
	}
	struct actor a;
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = who(cmd, db, &a, &e);
	if (!rc)
		rc = talent_post_create(db, &a, body, &out, &e);
	json_decref(body);
	return cli_finish(db, rc, out, &e);
}

static int talent_list(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	int n = cli_args(cmd, argc, argv, pos, 0, 1, &status);
	if (n < 0)
		return status;
	struct talent_filter f = {.kind = cli_value(cmd, "--kind"), .q = n > 0 ? pos[0] : NULL, .limit = 50};
	AS_DOMAIN(cmd, talent_post_list(db, &a, &f, &out, &e));
}

static int talent_match_cmd(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	int64_t id, limit = 10;
	if (!util_parse_i64(pos[0], 1, INT64_MAX, &id) || !cli_int(cmd, "--limit", 1, 100, &limit)) {
		fprintf(stderr, "qilian %s: ID must be a positive integer\n", cmd->name);
		return 2;
	}
	AS_DOMAIN(cmd, talent_match(db, &a, id, (int)limit, &out, &e));
}

static enum qerr contact_call(struct db *db, const struct actor *a, const struct cli_cmd *cmd, int64_t id, json_t **out,
			      struct qerror *e)
{
	json_t *body = json_object();
	if (cli_value(cmd, "--message"))
		json_object_set_new(body, "message", json_string(cli_value(cmd, "--message")));
	enum qerr rc = talent_contact_request(db, a, id, body, out, e);
	json_decref(body);
	return rc;
}

static int talent_contact_cmd(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	int64_t id;
	if (!util_parse_i64(pos[0], 1, INT64_MAX, &id)) {
		fprintf(stderr, "qilian %s: POST_ID must be a positive integer\n", cmd->name);
		return 2;
	}
	AS_DOMAIN(cmd, contact_call(db, &a, cmd, id, &out, &e));
}

static int talent_decide_cmd(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[2];
	int status;
	if (cli_args(cmd, argc, argv, pos, 2, 2, &status) < 0)
		return status;
	int64_t id;
	if (!util_parse_i64(pos[0], 1, INT64_MAX, &id) ||
	    (strcmp(pos[1], "approve") != 0 && strcmp(pos[1], "decline") != 0)) {
		fprintf(stderr, "qilian %s: usage: CONTACT_ID approve|decline\n", cmd->name);
		return 2;
	}
	bool approve = strcmp(pos[1], "approve") == 0;
	AS_DOMAIN(cmd, talent_contact_decide(db, &a, id, approve, &out, &e));
}

#define AS_OPTS                                                                                                        \
	{"--as", "EMAIL", "act as this user instead of the local operator", NULL},                                     \
	{                                                                                                              \
		"--clock", "UTC", "pretend it is this time, YYYY-MM-DDTHH:MM:SSZ (demo histories)", NULL               \
	}

static struct cli_opt workdays_add_opts[] = {
    {"--from", "YYYY-MM-DD", "the day to count from (never counted itself)", NULL},
    {"--days", "N", "working days to add, 0-2500", NULL},
    CLI_OPT_END,
};
static struct cli_opt submit_opts[] = {
    AS_OPTS,
    {"--enterprise", "USCC", "the requesting enterprise (of the --as user's organisation)", NULL},
    {"--category", "C",
     "financing, land_and_space, talent, logistics, technology, policy, market_access, overseas, complaint, other",
     NULL},
    {"--title", "TEXT", "one line", NULL},
    {"--description", "TEXT", "the problem", NULL},
    {"--region", "CODE", "GB/T 2260 county code (default: the enterprise's)", NULL},
    {"--urgency", "U", "normal, urgent or critical", NULL},
    CLI_OPT_END,
};
static struct cli_opt act_opts[] = {
    AS_OPTS,
    {"--note", "TEXT", "the note, resolution or reason the action needs", NULL},
    {"--to", "ORG_ID", "transfer: the provider organisation", NULL},
    {"--rating", "N", "rate: 1-5", NULL},
    {"--days", "N", "extend: working days", NULL},
    {"--result", "R", "callback: satisfied, unsatisfied or unreachable", NULL},
    {"--confirm", NULL, "withdraw: the requester confirms", NULL},
    CLI_OPT_END,
};
static struct cli_opt as_opts[] = {AS_OPTS, CLI_OPT_END};
static struct cli_opt list_opts[] = {
    AS_OPTS,
    {"--role", "R", "requester, handler or queue", NULL},
    {"--status", "S", "a status", NULL},
    {"--limit", "N", "1-500 (default 50)", NULL},
    CLI_OPT_END,
};
static struct cli_opt route_opts[] = {
    AS_OPTS,
    {"--category", "C", "a category or *", NULL},
    {"--region-prefix", "DIGITS", "2, 4 or 6 digits of GB/T 2260, or empty for anywhere", NULL},
    {"--handler", "ORG_ID", "the provider organisation", NULL},
    CLI_OPT_END,
};
static struct cli_opt escalate_opts[] = {
    AS_OPTS,
    {"--date", "YYYY-MM-DD", "the day of the pass (default: today in Shanghai)", NULL},
    CLI_OPT_END,
};
static struct cli_opt stats_opts[] = {
    AS_OPTS,
    {"--from", "YYYY-MM-DD", "first submission date", NULL},
    {"--to", "YYYY-MM-DD", "last submission date", NULL},
    {"--by", "G", "category (default), region or handler", NULL},
    CLI_OPT_END,
};
static struct cli_opt grant_opts[] = {
    AS_OPTS,
    {"--enterprise", "USCC", "the enterprise whose data is shared", NULL},
    {"--grantee", "ORG_ID", "the organisation that may read", NULL},
    {"--scopes", "LIST", "comma-separated: profile, relations, orders, certificates, service_requests", NULL},
    {"--purpose", "TEXT", "what the data is for", NULL},
    {"--from", "YYYY-MM-DD", "first day (default today)", NULL},
    {"--until", "YYYY-MM-DD", "last day", NULL},
    CLI_OPT_END,
};
static struct cli_opt grant_list_opts[] = {
    AS_OPTS,
    {"--role", "R", "owner (default) or grantee", NULL},
    {"--enterprise", "USCC", "the granting enterprise", NULL},
    CLI_OPT_END,
};
static struct cli_opt talent_opts[] = {
    AS_OPTS,
    {"--kind", "K", "expert or need", NULL},
    {"--title", "TEXT", "title", NULL},
    {"--mode", "M", "secondment, consulting or training", NULL},
    {"--skills", "TEXT", "skills", NULL},
    {"--description", "TEXT", "description", NULL},
    {"--person", "NAME", "expert: the person (hidden until a contact is approved)", NULL},
    {"--contact", "TEXT", "phone or e-mail", NULL},
    {"--enterprise", "USCC", "the enterprise of the post", NULL},
    {"--chain", "CHAIN", "chain id", NULL},
    {"--segment", "CODE", "segment code", NULL},
    {"--region", "CODE", "GB/T 2260 county code", NULL},
    {"--availability", "TEXT", "when", NULL},
    {"--terms", "TEXT", "terms", NULL},
    CLI_OPT_END,
};
static struct cli_opt talent_list_opts[] = {AS_OPTS, {"--kind", "K", "expert or need", NULL}, CLI_OPT_END};
static struct cli_opt talent_match_opts[] = {AS_OPTS, {"--limit", "N", "1-100 (default 10)", NULL}, CLI_OPT_END};
static struct cli_opt contact_opts[] = {AS_OPTS, {"--message", "TEXT", "why", NULL}, CLI_OPT_END};

static const struct cli_cmd services_commands[] = {
    {.name = "workdays add",
     .run = cli_workdays_add,
     .opts = workdays_add_opts,
     .section = CLI_SECTION_LOOKUP,
     .help = "The Nth working day after --from on the State Council's calendar (holidays and 调休 make-up days), as "
	     "JSON; beyond the calendar's years counted Monday-Friday and marked \"provisional\": true."},
    {.name = "services submit",
     .run = services_submit,
     .opts = submit_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Submit a service request (诉求) as --as: routed, with working-day deadlines."},
    {.name = "services act",
     .usage = "ID ACTION",
     .run = services_act,
     .opts = act_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Move a request: accept, start, resolve, confirm, reopen, withdraw, propose_withdrawal, supervise, "
	     "transfer, rate, extend, callback."},
    {.name = "services extension",
     .usage = "ID approve|reject",
     .run = services_extension,
     .opts = as_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Decide an extension of a resolve-by date (the operator)."},
    {.name = "services show",
     .usage = "ID",
     .run = services_show,
     .opts = as_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "One request with its timeline."},
    {.name = "services list",
     .run = services_list,
     .opts = list_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Service requests, newest first."},
    {.name = "services route",
     .run = services_route_add,
     .opts = route_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Add a routing rule: category x region prefix -> provider (most specific wins)."},
    {.name = "services routes",
     .run = services_routes,
     .opts = as_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "The routing rules."},
    {.name = "services escalate",
     .run = services_escalate,
     .opts = escalate_opts,
     .section = CLI_SECTION_ADMIN,
     .help = "The escalation pass for a day: reminders, 催办, 督办 (run it daily, e.g. from cron)."},
    {.name = "services recompute-deadlines",
     .run = services_recompute,
     .opts = as_opts,
     .section = CLI_SECTION_ADMIN,
     .help = "Provisional deadlines (counted Monday-Friday beyond the calendar's years) onto this build's newer "
	     "calendar; `serve` runs it at start."},
    {.name = "services stats",
     .run = services_stats,
     .opts = stats_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Service statistics over submission dates by category, region or handler."},
    {.name = "grants add",
     .run = grants_add,
     .opts = grant_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Grant an organisation read access to scopes of an enterprise's data (as the enterprise's admin)."},
    {.name = "grants list",
     .run = grants_list,
     .opts = grant_list_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Data grants given or received."},
    {.name = "grants read",
     .usage = "USCC SCOPE",
     .run = grants_read,
     .opts = as_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Read one scope of an enterprise's data as --as (needs an active grant; logged)."},
    {.name = "talent post",
     .run = talent_post,
     .opts = talent_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Post an expert (large enterprise, provider) or a talent need (SME)."},
    {.name = "talent list",
     .usage = "[WORDS]",
     .run = talent_list,
     .opts = talent_list_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Open talent posts, ranked by WORDS when given."},
    {.name = "talent match",
     .usage = "POST_ID",
     .run = talent_match_cmd,
     .opts = talent_match_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Experts for a need, or needs for an expert, with why."},
    {.name = "talent contact",
     .usage = "POST_ID",
     .run = talent_contact_cmd,
     .opts = contact_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Ask to contact an expert (as --as)."},
    {.name = "talent decide",
     .usage = "CONTACT_ID approve|decline",
     .run = talent_decide_cmd,
     .opts = as_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "The expert's organisation decides a contact request."},
};

const struct cli_table cli_commands_services = {
    .name = "services",
    .order = 80,
    .commands = services_commands,
    .count = sizeof services_commands / sizeof services_commands[0],
};
