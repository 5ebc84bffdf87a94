/* cmd_account.c - `qilian org …`, `qilian user …`, `qilian chain add`, `qilian audit` for the operator. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include "chainmap/chain.h"
#include "cli/cmd_chainmap.h"
#include "cli/cmd_registry.h"
#include "registry/account.h"
#include "platform/audit.h"

#define NO_ARGS(cmd, argc, argv)                                                                                       \
	do {                                                                                                           \
		char *pos_[1];                                                                                         \
		int status_;                                                                                           \
		if (cli_args(cmd, argc, argv, pos_, 0, 0, &status_) < 0)                                               \
			return status_;                                                                                \
	} while (0)

int cli_org_add(const struct cli_cmd *cmd, int argc, char **argv)
{
	NO_ARGS(cmd, argc, argv);
	if (!cli_required(cmd, "--name") || !cli_required(cmd, "--type"))
		return 2;
	CLI_DOMAIN(cmd, true,
		   org_create(db, &a, cli_value(cmd, "--name"), cli_value(cmd, "--type"), cli_value(cmd, "--uscc"), &out, &e));
}

int cli_org_list(const struct cli_cmd *cmd, int argc, char **argv)
{
	NO_ARGS(cmd, argc, argv);
	CLI_DOMAIN(cmd, false, org_list(db, &a, &out, &e));
}

/* user_create, and the generated password (when none was given) added to what it prints. */
static enum qerr add_user(struct db *db, const struct actor *a, const struct cli_cmd *cmd, int64_t org,
			  const char *password, const char *generated, json_t **out, struct qerror *e)
{
	enum qerr rc = user_create(db, a, org, cli_value(cmd, "--email"), cli_value(cmd, "--name"), cli_value(cmd, "--role"),
				   password, out, e);
	if (!rc && generated[0])
		json_object_set_new(*out, "generated_password", json_string(generated));
	return rc;
}

int cli_user_add(const struct cli_cmd *cmd, int argc, char **argv)
{
	NO_ARGS(cmd, argc, argv);
	int64_t org = 0;
	if (!cli_required(cmd, "--org") || !cli_required(cmd, "--role") || !cli_required(cmd, "--email") ||
	    !cli_int(cmd, "--org", 1, INT64_MAX, &org))
		return 2;
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
	CLI_DOMAIN(cmd, true, add_user(db, &a, cmd, org, password, generated, &out, &e));
}

int cli_user_list(const struct cli_cmd *cmd, int argc, char **argv)
{
	NO_ARGS(cmd, argc, argv);
	int64_t org = 0;
	if (!cli_int(cmd, "--org", 1, INT64_MAX, &org))
		return 2;
	CLI_DOMAIN(cmd, false, user_list(db, &a, org, &out, &e));
}

/* chain_upsert, and the chain as JSON to print. */
static enum qerr add_chain(struct db *db, const struct actor *a, char **pos, const char *name_en, json_t **out,
			   struct qerror *e)
{
	enum qerr rc = chain_upsert(db, a, pos[0], pos[1], name_en, e);
	if (!rc)
		*out = json_pack("{s:s,s:s}", "id", pos[0], "name", pos[1]);
	return rc;
}

int cli_chain_add(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[2];
	int status;
	if (cli_args(cmd, argc, argv, pos, 2, 2, &status) < 0)
		return status;
	CLI_DOMAIN(cmd, true, add_chain(db, &a, pos, cli_value(cmd, "--name-en"), &out, &e));
}

int cli_audit(const struct cli_cmd *cmd, int argc, char **argv)
{
	NO_ARGS(cmd, argc, argv);
	int64_t limit = 50;
	if (!cli_int(cmd, "--limit", 1, 500, &limit))
		return 2;
	CLI_DOMAIN(cmd, false, audit_list(db, &a, (int)limit, 0, &out, &e));
}
