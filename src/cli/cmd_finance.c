/*
 * cmd_finance.c - `qilian finance …`: supply-chain finance at the command
 * line. verify and interest for anyone with the database; every operation
 * of the API acting as a named user (--as EMAIL: that user's organisation
 * and role, as if signed in), with an optional idempotency key (--key)
 * fingerprinted exactly as the HTTP request would be, so scripts can retry
 * and mix CLI and API calls. Output is the API's JSON.
 */
#include "cli/cmd_finance.h"

#include <stdlib.h>
#include <string.h>
#include "finance/finance.h"
#include "finance/store_check.h"
#include "platform/idempotency.h"
#include "registry/account.h"

/* ---- acting as a user ---- */

/* Fills *a as the user with this e-mail (case-insensitive), enabled. False after a message. */
static bool actor_as(struct db *db, const char *email, struct actor *a)
{
	struct qerror e = {0};
	if (account_actor_by_email(db, email, a, &e)) {
		cli_fail(&e);
		return false;
	}
	return true;
}

/* The actor of --as, or the CLI's operator when --as is absent and not required. */
static bool cli_actor(const struct cli_cmd *cmd, struct db *db, bool required, struct actor *a)
{
	const char *as = cli_value(cmd, "--as");
	if (!as) {
		if (required) {
			fprintf(stderr, "%s: --as EMAIL is required (the user who acts)\n", cmd->name);
			return false;
		}
		actor_cli(a);
		return true;
	}
	return actor_as(db, as, a);
}

/* ---- writes ---- */

struct write_spec {
	enum finance_op op;
	bool has_id;
	const char *method;
	const char *path;   /* the HTTP route's path, or its part before the id */
	const char *suffix; /* after the id */
};

static const struct write_spec specs[FINANCE_OP_COUNT] = {
    [FINANCE_ISSUE] = {FINANCE_ISSUE, false, "POST", "/api/v1/finance/certificates"},
    [FINANCE_ACCEPT] = {FINANCE_ACCEPT, true, "POST", "/api/v1/finance/certificates/", "/accept"},
    [FINANCE_REFUSE] = {FINANCE_REFUSE, true, "POST", "/api/v1/finance/certificates/", "/refuse"},
    [FINANCE_SETTLE] = {FINANCE_SETTLE, true, "POST", "/api/v1/finance/certificates/", "/settle"},
    [FINANCE_SPLIT] = {FINANCE_SPLIT, true, "POST", "/api/v1/finance/pieces/", "/split"},
    [FINANCE_TRANSFER] = {FINANCE_TRANSFER, true, "POST", "/api/v1/finance/pieces/", "/transfers"},
    [FINANCE_TRANSFER_ACCEPT] = {FINANCE_TRANSFER_ACCEPT, true, "POST", "/api/v1/finance/transfers/", "/accept"},
    [FINANCE_TRANSFER_REFUSE] = {FINANCE_TRANSFER_REFUSE, true, "POST", "/api/v1/finance/transfers/", "/refuse"},
    [FINANCE_TRANSFER_CANCEL] = {FINANCE_TRANSFER_CANCEL, true, "POST", "/api/v1/finance/transfers/", "/cancel"},
    [FINANCE_DISCOUNT_APPLY] = {FINANCE_DISCOUNT_APPLY, false, "POST", "/api/v1/finance/discounts"},
    [FINANCE_DISCOUNT_APPROVE] = {FINANCE_DISCOUNT_APPROVE, true, "POST", "/api/v1/finance/discounts/", "/approve"},
    [FINANCE_DISCOUNT_REJECT] = {FINANCE_DISCOUNT_REJECT, true, "POST", "/api/v1/finance/discounts/", "/reject"},
    [FINANCE_DISCOUNT_WITHDRAW] = {FINANCE_DISCOUNT_WITHDRAW, true, "POST", "/api/v1/finance/discounts/", "/withdraw"},
    [FINANCE_LIMIT_SET] = {FINANCE_LIMIT_SET, false, "PUT", "/api/v1/finance/limits"},
    [FINANCE_SETTINGS_SET] = {FINANCE_SETTINGS_SET, false, "PUT", "/api/v1/finance/settings"},
    [FINANCE_SWEEP] = {FINANCE_SWEEP, false, "POST", "/api/v1/finance/sweep"},
};

/* Sets key from option name: text, or an integer when as_int. False after a message. */
static bool put(const struct cli_cmd *cmd, json_t *body, const char *key, const char *name, bool required, bool as_int)
{
	const char *v = cli_value(cmd, name);
	if (!v) {
		if (required)
			fprintf(stderr, "%s: %s is required\n", cmd->name, name);
		return !required;
	}
	if (!as_int) {
		json_object_set_new(body, key, json_string(v));
		return true;
	}
	char *end;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end) {
		fprintf(stderr, "%s: %s must be an integer\n", cmd->name, name);
		return false;
	}
	json_object_set_new(body, key, json_integer(n));
	return true;
}

/* "a,b,c" as a JSON array of strings (or of integers). NULL after a message. */
static json_t *list(const struct cli_cmd *cmd, const char *name, bool ints)
{
	const char *v = cli_value(cmd, name);
	json_t *arr = json_array();
	while (v && *v) {
		size_t n = strcspn(v, ",");
		char item[128];
		snprintf(item, sizeof item, "%.*s", (int)(n < sizeof item - 1 ? n : sizeof item - 1), v);
		if (ints) {
			char *end;
			long long x = strtoll(item, &end, 10);
			if (!*item || *end) {
				fprintf(stderr, "%s: %s must list integers\n", cmd->name, name);
				json_decref(arr);
				return NULL;
			}
			json_array_append_new(arr, json_integer(x));
		} else if (*item)
			json_array_append_new(arr, json_string(item));
		v += n + (v[n] == ',');
	}
	return arr;
}

/* The request body of op from the options, as the API's client would send it. NULL after a message. */
static json_t *body_of(const struct cli_cmd *cmd, enum finance_op op)
{
	json_t *b = json_object();
	bool ok = true;
	switch (op) {
	case FINANCE_ISSUE: {
		ok = put(cmd, b, "issuer", "--issuer", true, false) && put(cmd, b, "payee", "--payee", true, false) &&
		     put(cmd, b, "face_fen", "--face", true, true) &&
		     put(cmd, b, "maturity", "--maturity", true, false) &&
		     put(cmd, b, "contract_no", "--contract", true, false) &&
		     put(cmd, b, "order_id", "--order", false, true) &&
		     put(cmd, b, "delivery_date", "--delivery", false, false) &&
		     put(cmd, b, "memo", "--memo", false, false);
		if (ok && cli_value(cmd, "--invoices")) {
			json_t *inv = list(cmd, "--invoices", false);
			ok = inv != NULL;
			if (inv)
				json_object_set_new(b, "invoices", inv);
		}
		break;
	}
	case FINANCE_REFUSE:
	case FINANCE_TRANSFER_REFUSE:
	case FINANCE_DISCOUNT_REJECT:
		ok = put(cmd, b, "reason", "--reason", true, false);
		break;
	case FINANCE_SETTLE:
		ok = put(cmd, b, "confirmation_ref", "--confirmation", true, false);
		break;
	case FINANCE_SPLIT:
		ok = put(cmd, b, "amount_fen", "--amount", true, true);
		break;
	case FINANCE_TRANSFER:
		ok = put(cmd, b, "to", "--to", true, false) && put(cmd, b, "amount_fen", "--amount", true, true);
		break;
	case FINANCE_DISCOUNT_APPLY: {
		ok = put(cmd, b, "bank_id", "--bank", true, true) && cli_required(cmd, "--pieces");
		json_t *p = ok ? list(cmd, "--pieces", true) : NULL;
		ok = p != NULL;
		if (p)
			json_object_set_new(b, "pieces", p);
		break;
	}
	case FINANCE_DISCOUNT_APPROVE:
		ok = put(cmd, b, "rate_bp", "--rate-bp", true, true);
		break;
	case FINANCE_LIMIT_SET:
		ok = put(cmd, b, "issuer", "--issuer", true, false) && put(cmd, b, "limit_fen", "--limit", true, true);
		break;
	case FINANCE_SETTINGS_SET:
		ok = put(cmd, b, "fee_bp", "--fee-bp", false, true) &&
		     put(cmd, b, "application_ttl_days", "--ttl-days", false, true);
		break;
	default:
		break;
	}
	if (!ok) {
		json_decref(b);
		return NULL;
	}
	return b;
}

static int run_write(const struct cli_cmd *cmd, int argc, char **argv, enum finance_op op)
{
	const struct write_spec *spec = &specs[op];
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, spec->has_id ? 1 : 0, spec->has_id ? 1 : 0, &status) < 0)
		return status;
	int64_t id = 0;
	if (spec->has_id) {
		char *end;
		id = strtoll(pos[0], &end, 10);
		if (!*pos[0] || *end || id < 1) {
			fprintf(stderr, "%s: %s must be a positive id\n", cmd->name, cmd->usage);
			return 2;
		}
	}
	json_t *body = body_of(cmd, op);
	if (!body)
		return 2;
	/* The body goes through the API's own decoding, so the CLI refuses what the API refuses. */
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	struct qerror e = {0};
	json_t *decoded = NULL;
	enum qerr rc = finance_decode(op, text, text ? strlen(text) : 0, &decoded, &e);
	free(text);
	if (rc)
		return cli_fail(&e);
	struct db *db = cli_open_db(cmd, false);
	if (!db) {
		json_decref(decoded);
		return 1;
	}
	struct actor a;
	bool operator_ok = op == FINANCE_SWEEP || op == FINANCE_SETTINGS_SET;
	if (!cli_actor(cmd, db, !operator_ok, &a)) {
		json_decref(decoded);
		db_close(db);
		return 1;
	}
	struct idempotency idem;
	const char *key = cli_value(cmd, "--key");
	if (key) {
		char path[128];
		if (spec->has_id)
			snprintf(path, sizeof path, "%s%lld%s", spec->path, (long long)id, spec->suffix);
		else
			snprintf(path, sizeof path, "%s", spec->path);
		if ((rc = idempotency_prepare_json(&idem, key, spec->method, path, decoded, &e))) {
			json_decref(decoded);
			db_close(db);
			return cli_fail(&e);
		}
	}
	json_t *out = NULL;
	int http_status = 0;
	rc = finance_write(db, &a, key ? &idem : NULL, op, id, decoded, &out, &http_status, &e);
	json_decref(decoded);
	return cli_finish(db, rc, out, &e);
}

#define WRITE_CMD(fn, op)                                                                                              \
	static int fn(const struct cli_cmd *cmd, int argc, char **argv)                                                \
	{                                                                                                              \
		return run_write(cmd, argc, argv, op);                                                                 \
	}

WRITE_CMD(cli_finance_issue, FINANCE_ISSUE)
WRITE_CMD(cli_finance_accept, FINANCE_ACCEPT)
WRITE_CMD(cli_finance_refuse, FINANCE_REFUSE)
WRITE_CMD(cli_finance_settle, FINANCE_SETTLE)
WRITE_CMD(cli_finance_split, FINANCE_SPLIT)
WRITE_CMD(cli_finance_transfer, FINANCE_TRANSFER)
WRITE_CMD(cli_finance_transfer_accept, FINANCE_TRANSFER_ACCEPT)
WRITE_CMD(cli_finance_transfer_refuse, FINANCE_TRANSFER_REFUSE)
WRITE_CMD(cli_finance_transfer_cancel, FINANCE_TRANSFER_CANCEL)
WRITE_CMD(cli_finance_discount, FINANCE_DISCOUNT_APPLY)
WRITE_CMD(cli_finance_approve, FINANCE_DISCOUNT_APPROVE)
WRITE_CMD(cli_finance_reject, FINANCE_DISCOUNT_REJECT)
WRITE_CMD(cli_finance_withdraw, FINANCE_DISCOUNT_WITHDRAW)
WRITE_CMD(cli_finance_limit, FINANCE_LIMIT_SET)
WRITE_CMD(cli_finance_settings, FINANCE_SETTINGS_SET)
WRITE_CMD(cli_finance_sweep, FINANCE_SWEEP)

/* ---- reads ---- */

int cli_finance_verify(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	CLI_DOMAIN(cmd, false, finance_verify(db, &out, &e));
}

int cli_finance_interest(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	if (!cli_required(cmd, "--amount") || !cli_required(cmd, "--rate-bp") || !cli_required(cmd, "--from") ||
	    !cli_required(cmd, "--maturity"))
		return 2;
	int64_t fee = 0;
	if (!cli_int(cmd, "--fee-bp", 0, FINANCE_MAX_RATE_BP, &fee))
		return 2;
	struct qerror e = {0};
	json_t *out = NULL;
	if (finance_interest_json(cli_value(cmd, "--amount"), cli_value(cmd, "--rate-bp"), cli_value(cmd, "--from"),
				  cli_value(cmd, "--maturity"), fee, &out, &e))
		return cli_fail(&e);
	cli_print(out);
	return 0;
}

enum read_kind { READ_SHOW, READ_WALLET, READ_BALANCES, READ_STATEMENT };

static int run_read(const struct cli_cmd *cmd, int argc, char **argv, enum read_kind kind)
{
	char *pos[1];
	int status;
	int npos = kind == READ_SHOW ? 1 : 0;
	if (cli_args(cmd, argc, argv, pos, npos, npos, &status) < 0)
		return status;
	int64_t id = 0;
	if (kind == READ_SHOW) {
		char *end;
		id = strtoll(pos[0], &end, 10);
		if (!*pos[0] || *end || id < 1) {
			fprintf(stderr, "%s: CERT must be a positive id\n", cmd->name);
			return 2;
		}
	}
	struct db *db = cli_open_db(cmd, false);
	if (!db)
		return 1;
	struct actor a;
	if (!cli_actor(cmd, db, kind == READ_WALLET || kind == READ_STATEMENT, &a)) {
		db_close(db);
		return 1;
	}
	struct qerror e = {0};
	json_t *out = NULL;
	enum qerr rc = db_begin_read(db, &e);
	if (!rc) {
		switch (kind) {
		case READ_SHOW:
			rc = finance_certificate_get(db, &a, id, &out, &e);
			break;
		case READ_WALLET:
			rc = finance_wallet(db, &a, &out, &e);
			break;
		case READ_BALANCES:
			rc = finance_balances(db, &a, &out, &e);
			break;
		case READ_STATEMENT:
			rc = finance_statement(db, &a, cli_value(cmd, "--from"), cli_value(cmd, "--to"), 500, 0, &out,
					       &e);
			break;
		}
		db_rollback(db);
	}
	return cli_finish(db, rc, out, &e);
}

static int cli_finance_show(const struct cli_cmd *cmd, int argc, char **argv)
{
	return run_read(cmd, argc, argv, READ_SHOW);
}
static int cli_finance_wallet(const struct cli_cmd *cmd, int argc, char **argv)
{
	return run_read(cmd, argc, argv, READ_WALLET);
}
static int cli_finance_balances(const struct cli_cmd *cmd, int argc, char **argv)
{
	return run_read(cmd, argc, argv, READ_BALANCES);
}
static int cli_finance_statement(const struct cli_cmd *cmd, int argc, char **argv)
{
	return run_read(cmd, argc, argv, READ_STATEMENT);
}

/* ---- the table ---- */

#define AS                                                                                                             \
	{                                                                                                              \
		"--as", "EMAIL", "act as this user (its organisation and role)", NULL                                  \
	}
#define KEY                                                                                                            \
	{                                                                                                              \
		"--key", "KEY", "idempotency key: a retry with the same key and request returns the first answer",     \
		    NULL                                                                                               \
	}

static struct cli_opt interest_opts[] = {
    {"--amount", "FEN", "amount in fen", NULL},
    {"--rate-bp", "BP", "annual rate in basis points", NULL},
    {"--from", "YYYY-MM-DD", "discount date", NULL},
    {"--maturity", "YYYY-MM-DD", "maturity date", NULL},
    {"--fee-bp", "BP", "platform fee in basis points of the amount (default 0)", NULL},
    CLI_OPT_END,
};
static struct cli_opt issue_opts[] = {
    AS,
    KEY,
    {"--issuer", "USCC", "the issuing enterprise (of the user's large organisation)", NULL},
    {"--payee", "USCC", "the supplier paid", NULL},
    {"--face", "FEN", "face amount in fen", NULL},
    {"--maturity", "YYYY-MM-DD", "maturity date (at most one year ahead)", NULL},
    {"--contract", "NO", "the contract paid", NULL},
    {"--order", "ID", "a market order it pays", NULL},
    {"--invoices", "NO,NO", "the payee's invoice numbers", NULL},
    {"--delivery", "YYYY-MM-DD", "delivery date", NULL},
    {"--memo", "TEXT", "remarks", NULL},
    CLI_OPT_END,
};
static struct cli_opt as_key_opts[] = {AS, KEY, CLI_OPT_END};
static struct cli_opt reason_opts[] = {AS, KEY, {"--reason", "TEXT", "why", NULL}, CLI_OPT_END};
static struct cli_opt settle_opts[] = {
    AS, KEY, {"--confirmation", "REF", "the bank's payment confirmation reference", NULL}, CLI_OPT_END};
static struct cli_opt split_opts[] = {AS, KEY, {"--amount", "FEN", "the first part in fen", NULL}, CLI_OPT_END};
static struct cli_opt transfer_opts[] = {
    AS,
    KEY,
    {"--to", "USCC", "the receiver (a recorded supplier of the holder)", NULL},
    {"--amount", "FEN", "the part passed on, in fen", NULL},
    CLI_OPT_END,
};
static struct cli_opt discount_opts[] = {
    AS,
    KEY,
    {"--bank", "ORG_ID", "the bank's organisation id", NULL},
    {"--pieces", "ID,ID", "the held pieces to discount", NULL},
    CLI_OPT_END,
};
static struct cli_opt approve_opts[] = {
    AS, KEY, {"--rate-bp", "BP", "annual discount rate in basis points", NULL}, CLI_OPT_END};
static struct cli_opt limit_opts[] = {
    AS,
    KEY,
    {"--issuer", "USCC", "the issuer (core enterprise)", NULL},
    {"--limit", "FEN", "the credit limit in fen", NULL},
    CLI_OPT_END,
};
static struct cli_opt settings_opts[] = {
    AS,
    KEY,
    {"--fee-bp", "BP", "platform fee on discounts, basis points", NULL},
    {"--ttl-days", "N", "days a discount application waits for the bank", NULL},
    CLI_OPT_END,
};
static struct cli_opt as_opts[] = {AS, CLI_OPT_END};
static struct cli_opt statement_opts[] = {
    AS,
    {"--from", "YYYY-MM-DD", "first day", NULL},
    {"--to", "YYYY-MM-DD", "last day", NULL},
    CLI_OPT_END,
};

#define DOMAIN .section = CLI_SECTION_DOMAIN

static const struct cli_cmd finance_commands[] = {
    {.name = "finance verify",
     .run = cli_finance_verify,
     DOMAIN,
     .help = "Re-prove every finance invariant (partition, holders, postings, balances, hash chain, limits); exit 1 "
	     "names the first violation."},
    {.name = "finance interest",
     .run = cli_finance_interest,
     .opts = interest_opts,
     DOMAIN,
     .help = "Discount interest = amount x rate x days / 360, half up, and the net amount, as JSON."},
    {.name = "finance issue",
     .run = cli_finance_issue,
     .opts = issue_opts,
     DOMAIN,
     .help = "Issue a payable certificate to a supplier (as a user of a large organisation)."},
    {.name = "finance accept",
     .usage = "CERT",
     .run = cli_finance_accept,
     .opts = as_key_opts,
     DOMAIN,
     .help = "Accept a certificate issued to you."},
    {.name = "finance refuse",
     .usage = "CERT",
     .run = cli_finance_refuse,
     .opts = reason_opts,
     DOMAIN,
     .help = "Refuse a certificate issued to you."},
    {.name = "finance settle",
     .usage = "CERT",
     .run = cli_finance_settle,
     .opts = settle_opts,
     DOMAIN,
     .help = "Settle a certificate on or after maturity (the issuer), paying every holder."},
    {.name = "finance split",
     .usage = "PIECE",
     .run = cli_finance_split,
     .opts = split_opts,
     DOMAIN,
     .help = "Split a held piece in two."},
    {.name = "finance transfer",
     .usage = "PIECE",
     .run = cli_finance_transfer,
     .opts = transfer_opts,
     DOMAIN,
     .help = "Offer part of a held piece to a supplier."},
    {.name = "finance transfer-accept",
     .usage = "TRANSFER",
     .run = cli_finance_transfer_accept,
     .opts = as_key_opts,
     DOMAIN,
     .help = "Accept a transfer offered to you."},
    {.name = "finance transfer-refuse",
     .usage = "TRANSFER",
     .run = cli_finance_transfer_refuse,
     .opts = reason_opts,
     DOMAIN,
     .help = "Refuse a transfer offered to you."},
    {.name = "finance transfer-cancel",
     .usage = "TRANSFER",
     .run = cli_finance_transfer_cancel,
     .opts = as_key_opts,
     DOMAIN,
     .help = "Cancel a transfer you offered."},
    {.name = "finance discount",
     .run = cli_finance_discount,
     .opts = discount_opts,
     DOMAIN,
     .help = "Apply to a bank to discount held pieces."},
    {.name = "finance approve",
     .usage = "APPLICATION",
     .run = cli_finance_approve,
     .opts = approve_opts,
     DOMAIN,
     .help = "Approve a discount application at a rate (as a bank user)."},
    {.name = "finance reject",
     .usage = "APPLICATION",
     .run = cli_finance_reject,
     .opts = reason_opts,
     DOMAIN,
     .help = "Reject a discount application (as a bank user)."},
    {.name = "finance withdraw",
     .usage = "APPLICATION",
     .run = cli_finance_withdraw,
     .opts = as_key_opts,
     DOMAIN,
     .help = "Withdraw your pending discount application."},
    {.name = "finance limit",
     .run = cli_finance_limit,
     .opts = limit_opts,
     DOMAIN,
     .help = "Grant or change an issuer's credit limit (as a bank user)."},
    {.name = "finance settings",
     .run = cli_finance_settings,
     .opts = settings_opts,
     DOMAIN,
     .help = "Change the platform fee or the application time (the operator)."},
    {.name = "finance sweep",
     .run = cli_finance_sweep,
     .opts = as_key_opts,
     DOMAIN,
     .help = "Flag overdue certificates (notifying holders, issuer and operator) and expire applications."},
    {.name = "finance show",
     .usage = "CERT",
     .run = cli_finance_show,
     .opts = as_opts,
     DOMAIN,
     .help = "A certificate and the pieces the user sees (without --as: every piece)."},
    {.name = "finance wallet",
     .run = cli_finance_wallet,
     .opts = as_opts,
     DOMAIN,
     .help = "A user's wallet: held pieces, issued certificates, what waits for it."},
    {.name = "finance balances",
     .run = cli_finance_balances,
     .opts = as_opts,
     DOMAIN,
     .help = "Ledger balances of the user's organisation (without --as: platform totals)."},
    {.name = "finance statement",
     .run = cli_finance_statement,
     .opts = statement_opts,
     DOMAIN,
     .help = "Ledger postings of the user's organisation with running balances (first 500)."},
};

const struct cli_table cli_commands_finance = {
    .name = "finance",
    .order = 60,
    .commands = finance_commands,
    .count = sizeof finance_commands / sizeof finance_commands[0],
    .store = &finance_store,
};
