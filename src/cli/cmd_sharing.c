/*
 * cmd_sharing.c - `qilian sharing …`: shared resources and bookings at the
 * CLI, as the operator (who may open a resource for any organisation and
 * book or act for any). --now evaluates the booking rules at another time
 * (back-filling history, the demo data); the server always uses the clock.
 */
#include "cli/cmd_sharing.h"

#include <stdlib.h>
#include <string.h>
#include "base/jsonio.h"
#include "base/qtime.h"
#include "base/util.h"
#include "sharing/booking.h"
#include "sharing/resource.h"
#include "sharing/utilisation.h"

/* --now TIME: false (after a message) when malformed. */
static bool set_now(const struct cli_cmd *cmd)
{
	const char *v = cli_value(cmd, "--now");
	if (!v)
		return true;
	int64_t t;
	if (!qtime_parse(v, QTIME_OFFSET, &t, NULL)) {
		fprintf(stderr, "--now: not an ISO-8601 time: %s\n", v);
		return false;
	}
	sharing_set_clock(t);
	return true;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);
	while (b) {
		size_t got = fread(b + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
		if (n == cap) {
			char *nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return b;
}

int cli_sharing_resources(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	int64_t hours = 0, units = 1, limit = 20;
	if (!cli_int(cmd, "--hours", 1, 24 * 62, &hours) || !cli_int(cmd, "--units", 1, 10000, &units) ||
	    !cli_int(cmd, "--limit", 1, 200, &limit) || !set_now(cmd))
		return 2;
	struct sharing_search s = {.type = cli_value(cmd, "--type"),
				   .region = cli_value(cmd, "--region"),
				   .q = cli_value(cmd, "--q"),
				   .hours = hours,
				   .from = cli_value(cmd, "--from"),
				   .to = cli_value(cmd, "--to"),
				   .units = units,
				   .limit = (int)limit};
	CLI_DOMAIN(cmd, false, sharing_resource_search(db, &a, &s, &out, &e));
}

int cli_sharing_resource_add(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	size_t len = 0;
	char *text = read_all(pos[0], &len);
	if (!text) {
		fprintf(stderr, "cannot read %s\n", pos[0]);
		return 1;
	}
	json_t *body = NULL;
	struct qerror de = {0};
	enum qerr drc = json_decode(text, len, sharing_resource_fields, false, &body, &de);
	free(text);
	if (drc)
		return cli_fail(&de);
	int64_t org = 0;
	if (!cli_int(cmd, "--org", 1, INT64_MAX, &org)) {
		json_decref(body);
		return 2;
	}
	if (org)
		json_object_set_new(body, "owner_org_id", json_integer(org));
	struct db *db = cli_open_db(cmd, false);
	if (!db) {
		json_decref(body);
		return 1;
	}
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = sharing_resource_create(db, &a, body, &out, &e);
	json_decref(body);
	return cli_finish(db, rc, out, &e);
}

int cli_sharing_book(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	int64_t id = 0, org = 0, units = 1, weeks = 1;
	if (!util_parse_i64(pos[0], 1, INT64_MAX, &id)) {
		fprintf(stderr, "RESOURCE must be a resource id\n");
		return 2;
	}
	if (!cli_required(cmd, "--org") || !cli_required(cmd, "--from") || !cli_required(cmd, "--to") ||
	    !cli_int(cmd, "--org", 1, INT64_MAX, &org) || !cli_int(cmd, "--units", 1, 10000, &units) ||
	    !cli_int(cmd, "--weeks", 1, SHARING_MAX_REPEAT_WEEKS, &weeks) || !set_now(cmd))
		return 2;
	json_t *body = json_pack("{s:s,s:s,s:I,s:I,s:I,s:b}", "starts_at", cli_value(cmd, "--from"), "ends_at",
				 cli_value(cmd, "--to"), "units", (json_int_t)units, "repeat_weeks", (json_int_t)weeks,
				 "org_id", (json_int_t)org, "waitlist", cli_value(cmd, "--waitlist") != NULL);
	if (cli_value(cmd, "--note"))
		json_object_set_new(body, "note", json_string(cli_value(cmd, "--note")));
	struct db *db = cli_open_db(cmd, false);
	if (!db) {
		json_decref(body);
		return 1;
	}
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = sharing_booking_request(db, &a, id, body, &out, &e);
	json_decref(body);
	return cli_finish(db, rc, out, &e);
}

int cli_sharing_booking(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[2];
	int status;
	if (cli_args(cmd, argc, argv, pos, 2, 2, &status) < 0)
		return status;
	int action = -1;
	for (int i = 0; sharing_booking_action_names[i]; i++) {
		char dashed[16];
		snprintf(dashed, sizeof dashed, "%s", sharing_booking_action_names[i]);
		for (char *p = dashed; *p; p++)
			if (*p == '_')
				*p = '-';
		if (strcmp(pos[0], sharing_booking_action_names[i]) == 0 || strcmp(pos[0], dashed) == 0)
			action = i;
	}
	int64_t id = 0, used = -1;
	if (action < 0) {
		fprintf(stderr, "ACTION: approve, reject, cancel, check-in, complete or confirm\n");
		return 2;
	}
	if (!util_parse_i64(pos[1], 1, INT64_MAX, &id)) {
		fprintf(stderr, "ID must be a booking id\n");
		return 2;
	}
	if (!cli_int(cmd, "--used-minutes", 0, 525600, &used) || !set_now(cmd))
		return 2;
	json_t *body = json_object();
	if (cli_value(cmd, "--reason"))
		json_object_set_new(body, "reason", json_string(cli_value(cmd, "--reason")));
	if (used >= 0)
		json_object_set_new(body, "used_minutes", json_integer(used));
	struct db *db = cli_open_db(cmd, false);
	if (!db) {
		json_decref(body);
		return 1;
	}
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = sharing_booking_act(db, &a, id, (enum sharing_booking_action)action, body, &out, &e);
	json_decref(body);
	return cli_finish(db, rc, out, &e);
}

int cli_sharing_bookings(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	int64_t resource = 0, limit = 50;
	if (!cli_int(cmd, "--resource", 1, INT64_MAX, &resource) || !cli_int(cmd, "--limit", 1, 500, &limit) ||
	    !set_now(cmd))
		return 2;
	struct sharing_booking_filter f = {
	    .role = "owner", .state = cli_value(cmd, "--state"), .resource_id = resource, .limit = (int)limit};
	CLI_DOMAIN(cmd, false, sharing_booking_list(db, &a, &f, &out, &e));
}

static enum qerr maintain(struct db *db, int64_t resource, json_t **out, struct qerror *e)
{
	int64_t changed = 0;
	enum qerr rc = sharing_maintain(db, resource, 0, &changed, e);
	if (!rc)
		*out = json_pack("{s:I}", "changed", (json_int_t)changed);
	return rc;
}

int cli_sharing_maintain(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	int64_t resource = 0;
	if (!cli_int(cmd, "--resource", 1, INT64_MAX, &resource) || !set_now(cmd))
		return 2;
	CLI_DOMAIN(cmd, false, maintain(db, resource, &out, &e));
}

int cli_sharing_utilisation(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	int64_t resource = 0, org = 0;
	if (!cli_required(cmd, "--from") || !cli_required(cmd, "--to") ||
	    !cli_int(cmd, "--resource", 1, INT64_MAX, &resource) || !cli_int(cmd, "--org", 1, INT64_MAX, &org) ||
	    !set_now(cmd))
		return 2;
	if (!resource && !org) {
		fprintf(stderr, "name --resource ID or --org ID\n");
		return 2;
	}
	const char *from = cli_value(cmd, "--from"), *to = cli_value(cmd, "--to");
	if (resource)
		CLI_DOMAIN(cmd, false, sharing_utilisation_resource(db, &a, resource, from, to, &out, &e));
	CLI_DOMAIN(cmd, false, sharing_utilisation_owner(db, &a, org, from, to, &out, &e));
}

int cli_sharing_calendar(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	int64_t id = 0;
	if (!util_parse_i64(pos[0], 1, INT64_MAX, &id)) {
		fprintf(stderr, "RESOURCE must be a resource id\n");
		return 2;
	}
	struct db *db = cli_open_db(cmd, false);
	if (!db)
		return 1;
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *res = NULL;
	enum qerr rc = sharing_resource_get(db, &a, id, &res, &e);
	char *ics = NULL;
	size_t len = 0;
	if (!rc) {
		const char *url = json_string_value(json_object_get(res, "feed_url"));
		const char *tok = url ? strstr(url, "token=") : NULL;
		rc = sharing_calendar_ics(db, id, tok ? tok + 6 : "", &ics, &len, &e);
	}
	json_decref(res);
	db_close(db);
	if (rc)
		return cli_fail(&e);
	fwrite(ics, 1, len, stdout);
	free(ics);
	return 0;
}

static struct cli_opt resources_opts[] = {
    {"--type", "TYPE", "instrument|equipment|test_site|rd_service|design_service|brand_licence", NULL},
    {"--region", "CODE", "GB/T 2260 code or 2/4-digit prefix", NULL},
    {"--q", "WORDS", "words, matched as the market matches", NULL},
    {"--hours", "N", "only resources free for N consecutive hours in --from..--to", NULL},
    {"--from", "DATE", "first Shanghai date of the window search (default today)", NULL},
    {"--to", "DATE", "last Shanghai date (default --from + 6)", NULL},
    {"--units", "N", "units wanted (default 1)", NULL},
    {"--limit", "N", "results, 1-200 (default 20)", NULL},
    {"--now", "TIME", "evaluate the rules at this time", NULL},
    CLI_OPT_END,
};
static struct cli_opt resource_add_opts[] = {
    {"--org", "ID", "the owning organisation (else owner_org_id in the file)", NULL},
    CLI_OPT_END,
};
static struct cli_opt book_opts[] = {
    {"--org", "ID", "the booking organisation (required)", NULL},
    {"--from", "TIME", "start, ISO-8601 (required)", NULL},
    {"--to", "TIME", "end, ISO-8601 (required)", NULL},
    {"--units", "N", "units (default 1)", NULL},
    {"--weeks", "N", "repeat weekly N times, all or none (default 1)", NULL},
    {"--waitlist", NULL, "join the waitlist when full", NULL},
    {"--note", "TEXT", "what it is for", NULL},
    {"--now", "TIME", "evaluate the rules at this time", NULL},
    CLI_OPT_END,
};
static struct cli_opt booking_opts[] = {
    {"--reason", "TEXT", "why (required to reject)", NULL},
    {"--used-minutes", "N", "complete: minutes actually used", NULL},
    {"--now", "TIME", "act at this time", NULL},
    CLI_OPT_END,
};
static struct cli_opt bookings_opts[] = {
    {"--resource", "ID", "only this resource's", NULL},
    {"--state", "STATE", "only bookings in this state", NULL},
    {"--limit", "N", "1-500 (default 50)", NULL},
    {"--now", "TIME", "effective states as at this time", NULL},
    CLI_OPT_END,
};
static struct cli_opt maintain_opts[] = {
    {"--resource", "ID", "only this resource (default all)", NULL},
    {"--now", "TIME", "run as at this time", NULL},
    CLI_OPT_END,
};
static struct cli_opt utilisation_opts[] = {
    {"--resource", "ID", "one resource", NULL},
    {"--org", "ID", "or every resource of this owner", NULL},
    {"--from", "DATE", "first Shanghai date (required)", NULL},
    {"--to", "DATE", "last Shanghai date (required)", NULL},
    {"--now", "TIME", "effective states as at this time", NULL},
    CLI_OPT_END,
};

static const struct cli_cmd sharing_commands[] = {
    {.name = "sharing resources",
     .run = cli_sharing_resources,
     .opts = resources_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Shared resources by type, region, words and a free window (--hours 8 --from … --region 3205)."},
    {.name = "sharing open",
     .usage = "FILE.json",
     .run = cli_sharing_resource_add,
     .opts = resource_add_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Open a resource from a JSON body (the POST /api/v1/resources fields; - reads stdin)."},
    {.name = "sharing book",
     .usage = "RESOURCE",
     .run = cli_sharing_book,
     .opts = book_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Request a window of a resource for an organisation (once, weekly, or onto the waitlist)."},
    {.name = "sharing booking",
     .usage = "ACTION ID",
     .run = cli_sharing_booking,
     .opts = booking_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Take a step on a booking: approve, reject, cancel, check-in, complete (--used-minutes) or confirm."},
    {.name = "sharing bookings",
     .run = cli_sharing_bookings,
     .opts = bookings_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Bookings of every resource, newest first."},
    {.name = "sharing maintain",
     .run = cli_sharing_maintain,
     .opts = maintain_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "The maintenance pass: no-shows, expired requests and offers, waitlist offers (run it from cron)."},
    {.name = "sharing utilisation",
     .run = cli_sharing_utilisation,
     .opts = utilisation_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Booked and used hours against open hours, revenue, SMEs served, for a resource or an owner."},
    {.name = "sharing calendar",
     .usage = "RESOURCE",
     .run = cli_sharing_calendar,
     .section = CLI_SECTION_DOMAIN,
     .help = "Print a resource's iCalendar feed (RFC 5545)."},
};

const struct cli_table cli_commands_sharing = {
    .name = "sharing",
    .order = 70,
    .commands = sharing_commands,
    .count = sizeof sharing_commands / sizeof sharing_commands[0],
};
