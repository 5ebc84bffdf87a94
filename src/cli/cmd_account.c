/* cmd_account.c - `qilian org …`, `qilian user …`, `qilian chain add`, `qilian audit` for the operator. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include "base/util.h"
#include "chainmap/chain.h"
#include "cli/cli.h"
#include "registry/account.h"

#define PARSE_NONE(cmd, argc, argv)                                                                                    \
	do {                                                                                                           \
		char *pos_[1];                                                                                         \
		int n_ = cli_parse(cmd, argc, argv, pos_, 0);                                                          \
		if (n_ < 0)                                                                                            \
			return n_ == -2 ? 0 : 2;                                                                       \
	} while (0)

/* Runs a domain call that yields JSON and prints it, closing the database either way. */
static int finish(struct db *db, enum qerr rc, json_t *out, const struct qerror *e)
{
	db_close(db);
	if (rc)
		return cli_fail(e);
	cli_print(out);
	return 0;
}

static int required(const struct cli_cmd *cmd, const char *name)
{
	if (cli_value(cmd, name))
		return 0;
	fprintf(stderr, "qilian %s: %s is required (see qilian %s --help)\n", cmd->name, name, cmd->name);
	return 2;
}

int cli_org_add(const struct cli_cmd *cmd, int argc, char **argv)
{
	PARSE_NONE(cmd, argc, argv);
	if (required(cmd, "--name") || required(cmd, "--type"))
		return 2;
	struct db *db = cli_open_db(cmd, true);
	if (!db)
		return 1;
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = org_create(db, &a, cli_value(cmd, "--name"), cli_value(cmd, "--type"), cli_value(cmd, "--uscc"),
				  &out, &e);
	return finish(db, rc, out, &e);
}

int cli_org_list(const struct cli_cmd *cmd, int argc, char **argv)
{
	PARSE_NONE(cmd, argc, argv);
	struct db *db = cli_open_db(cmd, false);
	if (!db)
		return 1;
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = org_list(db, &a, &out, &e);
	return finish(db, rc, out, &e);
}

int cli_user_add(const struct cli_cmd *cmd, int argc, char **argv)
{
	PARSE_NONE(cmd, argc, argv);
	if (required(cmd, "--org") || required(cmd, "--role") || required(cmd, "--email"))
		return 2;
	int64_t org;
	if (!util_parse_i64(cli_value(cmd, "--org"), 1, INT64_MAX, &org)) {
		fprintf(stderr, "qilian user add: --org must be an organisation id (see qilian org list)\n");
		return 2;
	}
	const char *password = cli_value(cmd, "--password");
	if (!password)
		password = getenv("QILIAN_PASSWORD");
	char generated[25] = "";
	if (!password) {
		unsigned char raw[12];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(generated, sizeof generated, raw, sizeof raw);
		password = generated;
	}
	struct db *db = cli_open_db(cmd, true);
	if (!db)
		return 1;
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = user_create(db, &a, org, cli_value(cmd, "--email"), cli_value(cmd, "--name"),
				   cli_value(cmd, "--role"), password, &out, &e);
	if (!rc && generated[0])
		json_object_set_new(out, "generated_password", json_string(generated));
	return finish(db, rc, out, &e);
}

int cli_user_list(const struct cli_cmd *cmd, int argc, char **argv)
{
	PARSE_NONE(cmd, argc, argv);
	int64_t org = 0;
	if (cli_value(cmd, "--org") && !util_parse_i64(cli_value(cmd, "--org"), 1, INT64_MAX, &org)) {
		fprintf(stderr, "qilian user list: --org must be an organisation id\n");
		return 2;
	}
	struct db *db = cli_open_db(cmd, false);
	if (!db)
		return 1;
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = user_list(db, &a, org, &out, &e);
	return finish(db, rc, out, &e);
}

int cli_chain_add(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[2];
	int n = cli_parse(cmd, argc, argv, pos, 2);
	if (n < 0)
		return n == -2 ? 0 : 2;
	if (n != 2) {
		fprintf(stderr, "qilian chain add: needs ID and NAME\n");
		return 2;
	}
	struct db *db = cli_open_db(cmd, true);
	if (!db)
		return 1;
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = chain_upsert(db, &a, pos[0], pos[1], cli_value(cmd, "--name-en"), &e);
	if (!rc)
		out = json_pack("{s:s,s:s}", "id", pos[0], "name", pos[1]);
	return finish(db, rc, out, &e);
}

int cli_audit(const struct cli_cmd *cmd, int argc, char **argv)
{
	PARSE_NONE(cmd, argc, argv);
	int64_t limit = 50;
	if (cli_value(cmd, "--limit") && !util_parse_i64(cli_value(cmd, "--limit"), 1, 500, &limit)) {
		fprintf(stderr, "qilian audit: --limit must be 1 to 500\n");
		return 2;
	}
	struct db *db = cli_open_db(cmd, false);
	if (!db)
		return 1;
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = audit_list(db, &a, (int)limit, 0, &out, &e);
	return finish(db, rc, out, &e);
}
