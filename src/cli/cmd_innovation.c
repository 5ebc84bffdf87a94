/*
 * cmd_innovation.c - `qilian innovation verify` (the voucher ledger check),
 * `qilian voucher issue`, `qilian vouchers`, `qilian challenge post`,
 * `qilian challenges` and `qilian challenge show`: the innovation vouchers
 * and challenges of src/sharing at the command line, as the local operator.
 */
#include "cli/cmd_innovation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/util.h"
#include "sharing/challenge.h"
#include "sharing/voucher.h"

int cli_innovation_verify(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	struct db *db = cli_open_db(cmd, false);
	if (!db)
		return 1;
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = voucher_verify(db, &a, &out, &e);
	bool ok = !rc && json_is_true(json_object_get(out, "ok"));
	int exit_status = cli_finish(db, rc, out, &e);
	/* A ledger with problems is a failure of the check: scripts and cron see it in the status. */
	return exit_status ? exit_status : ok ? 0 : 3;
}

int cli_voucher_issue(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	int64_t amount = 0, share = 0, cap = 0;
	if (!cli_required(cmd, "--amount-fen") || !cli_required(cmd, "--share-bp") || !cli_required(cmd, "--from") ||
	    !cli_required(cmd, "--until") || !cli_required(cmd, "--cap-fen") ||
	    !cli_int(cmd, "--amount-fen", 1, VOUCHER_MAX_FEN, &amount) ||
	    !cli_int(cmd, "--share-bp", 1, 10000, &share) || !cli_int(cmd, "--cap-fen", 1, VOUCHER_MAX_FEN, &cap))
		return 2;
	json_t *body = json_pack("{s:s,s:I,s:I,s:s,s:s,s:I,s:s}", "enterprise", pos[0], "amount_fen",
				 (json_int_t)amount, "share_bp", (json_int_t)share, "valid_from",
				 cli_value(cmd, "--from"), "valid_until", cli_value(cmd, "--until"), "yearly_cap_fen",
				 (json_int_t)cap, "note", cli_value(cmd, "--note") ? cli_value(cmd, "--note") : "");
	struct db *db = cli_open_db(cmd, false);
	if (!db) {
		json_decref(body);
		return 1;
	}
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = voucher_issue(db, &a, body, &out, &e);
	json_decref(body);
	return cli_finish(db, rc, out, &e);
}

int cli_voucher_apply(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[2];
	int status;
	if (cli_args(cmd, argc, argv, pos, 2, 2, &status) < 0)
		return status;
	int64_t voucher, booking;
	if (!util_parse_i64(pos[0], 1, INT64_MAX, &voucher) || !util_parse_i64(pos[1], 1, INT64_MAX, &booking)) {
		fprintf(stderr, "voucher and booking ids are positive integers\n");
		return 2;
	}
	CLI_DOMAIN(cmd, false, voucher_apply(db, &a, voucher, booking, &out, &e));
}

int cli_voucher_bookings(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	int64_t voucher;
	if (!util_parse_i64(pos[0], 1, INT64_MAX, &voucher)) {
		fprintf(stderr, "the voucher id is a positive integer\n");
		return 2;
	}
	CLI_DOMAIN(cmd, false, voucher_candidates(db, &a, voucher, &out, &e));
}

int cli_vouchers(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	CLI_DOMAIN(cmd, false, voucher_list(db, &a, &out, &e));
}

/* Reads a whole file; NULL after a message. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		return NULL;
	}
	struct buf b = {0};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	*len = b.len;
	buf_puts(&b, "");
	return b.data;
}

int cli_challenge_post(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	int64_t org = 0;
	if (!cli_required(cmd, "--org") || !cli_int(cmd, "--org", 1, INT64_MAX, &org))
		return 2;
	size_t len = 0;
	char *text = slurp(pos[0], &len);
	if (!text)
		return 1;
	json_error_t je;
	json_t *body = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (!body) {
		fprintf(stderr, "%s: malformed JSON at line %d: %s\n", pos[0], je.line, je.text);
		return 1;
	}
	struct db *db = cli_open_db(cmd, false);
	if (!db) {
		json_decref(body);
		return 1;
	}
	/* The local operator posts for the organisation: its id on the challenge, the operator's rights. */
	struct actor a;
	actor_cli(&a);
	a.org_id = org;
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = challenge_create(db, &a, body, &out, &e);
	json_decref(body);
	if (!rc && cli_value(cmd, "--open")) {
		int64_t id = json_integer_value(json_object_get(out, "id"));
		json_decref(out);
		out = NULL;
		rc = challenge_open(db, &a, id, &out, &e);
	}
	return cli_finish(db, rc, out, &e);
}

int cli_challenges(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	CLI_DOMAIN(cmd, false, challenge_list(db, &a, cli_value(cmd, "--status"), false, &out, &e));
}

int cli_challenge_show(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	int64_t id;
	if (!util_parse_i64(pos[0], 1, INT64_MAX, &id)) {
		fprintf(stderr, "challenge id must be a positive integer\n");
		return 2;
	}
	CLI_DOMAIN(cmd, false, challenge_get(db, &a, id, &out, &e));
}

static struct cli_opt issue_opts[] = {
    {"--amount-fen", "FEN", "voucher amount in fen (required)", NULL},
    {"--share-bp", "BP", "share of a bill it may pay, basis points: 5000 = 50 % (required)", NULL},
    {"--from", "DATE", "first valid day, YYYY-MM-DD Asia/Shanghai (required)", NULL},
    {"--until", "DATE", "last valid day, YYYY-MM-DD Asia/Shanghai (required)", NULL},
    {"--cap-fen", "FEN", "yearly cap of the enterprise's voucher use (required)", NULL},
    {"--note", "TEXT", "programme or remark", NULL},
    CLI_OPT_END,
};
static struct cli_opt post_opts[] = {
    {"--org", "ID", "the posting organisation (a large enterprise's or the operator's; required)", NULL},
    {"--open", NULL, "open the challenge at once (its terms freeze)", NULL},
    CLI_OPT_END,
};
static struct cli_opt challenges_opts[] = {
    {"--status", "STATUS", "draft|open|closed|evaluating|shortlisted|awarded|completed", NULL},
    CLI_OPT_END,
};

static const struct cli_cmd innovation_commands[] = {
    {.name = "innovation verify",
     .run = cli_innovation_verify,
     .section = CLI_SECTION_ADMIN,
     .help = "Check the voucher ledger: no voucher spent beyond its amount, no enterprise beyond its yearly cap (exit "
	     "3 on a problem)."},
    {.name = "voucher issue",
     .usage = "USCC",
     .run = cli_voucher_issue,
     .opts = issue_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Issue an innovation voucher (科技创新券) to an SME enterprise."},
    {.name = "voucher bookings",
     .usage = "VOUCHER",
     .run = cli_voucher_bookings,
     .section = CLI_SECTION_DOMAIN,
     .help = "Completed bookings of the voucher's enterprise that it may still pay part of."},
    {.name = "voucher apply",
     .usage = "VOUCHER BOOKING",
     .run = cli_voucher_apply,
     .section = CLI_SECTION_DOMAIN,
     .help = "Apply a voucher to a completed booking of its enterprise (as the operator, for the SME)."},
    {.name = "vouchers",
     .run = cli_vouchers,
     .section = CLI_SECTION_DOMAIN,
     .help = "Innovation vouchers with their balances and this year's use."},
    {.name = "challenge post",
     .usage = "FILE.json",
     .run = cli_challenge_post,
     .opts = post_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Post a challenge (揭榜挂帅) from a JSON file shaped as POST /api/v1/challenges' body."},
    {.name = "challenges",
     .run = cli_challenges,
     .opts = challenges_opts,
     .section = CLI_SECTION_DOMAIN,
     .help = "Open innovation challenges, newest first."},
    {.name = "challenge show",
     .usage = "ID",
     .run = cli_challenge_show,
     .section = CLI_SECTION_DOMAIN,
     .help = "One challenge with its milestones, criteria and result."},
};

const struct cli_table cli_commands_innovation = {
    .name = "innovation",
    .order = 75,
    .commands = innovation_commands,
    .count = sizeof innovation_commands / sizeof innovation_commands[0],
};
