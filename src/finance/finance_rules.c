/*
 * finance_rules.c - what finance decides without the database: the clock,
 * the request bodies, discount interest, the calendar rules of maturities.
 */
#include "finance/finance_int.h"

#include <stdlib.h>
#include "base/qtime.h"
#include "base/util.h"

/* ---- the clock ---- */

static finance_clock_fn clock_fn;
static void *clock_ctx;

void finance_clock_set(finance_clock_fn fn, void *ctx)
{
	clock_fn = fn;
	clock_ctx = ctx;
}

/* $QILIAN_FINANCE_CLOCK_FILE: the instant written in that file (tests move time by rewriting it). */
static bool clock_from_file(int64_t *out)
{
	const char *path = getenv("QILIAN_FINANCE_CLOCK_FILE");
	if (!path || !*path)
		return false;
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char line[64] = "";
	bool ok = fgets(line, sizeof line, f) != NULL;
	fclose(f);
	line[strcspn(line, " \r\n")] = 0;
	return ok && qtime_parse(line, QTIME_DATE, out, NULL);
}

int64_t finance_now(void)
{
	if (clock_fn)
		return clock_fn(clock_ctx);
	int64_t t;
	if (clock_from_file(&t))
		return t;
	return qtime_now();
}

struct qdate finance_today(void)
{
	struct qdate d = {1970, 1, 1};
	qdate_shanghai_of(finance_now(), &d, NULL);
	return d;
}

void fin_iso(int64_t t, char out[FIN_TIME_LEN])
{
	char buf[QTIME_ISO_LEN];
	qtime_format(t, buf);
	snprintf(out, FIN_TIME_LEN, "%s", buf);
}

/* ---- request bodies ---- */

#define END_FIELDS                                                                                                     \
	{                                                                                                              \
		NULL, 0, false, 0, 0, NULL, NULL                                                                       \
	}

const struct jfield finance_issue_fields[] = {
    {"issuer", JF_STRING, true, 18, 36, NULL, "USCC of the issuing enterprise (of the caller's large organisation)"},
    {"payee", JF_STRING, true, 18, 36, NULL,
     "USCC of the supplier paid (a recorded supply relation or the order's supplier)"},
    {"face_fen", JF_INT, true, 1, FINANCE_MAX_FACE_FEN, NULL, "face amount in fen, 1 to 10^13"},
    {"maturity", JF_STRING, true, 10, 10, NULL,
     "maturity date YYYY-MM-DD (Asia/Shanghai), at most one year after today"},
    {"contract_no", JF_STRING, true, 1, 100, NULL, "the contract the certificate pays (required)"},
    {"order_id", JF_INT, false, 1, INT64_MAX, NULL, "a market order of the issuer with the payee that it pays"},
    {"invoices", JF_STRING_ARRAY, false, 0, 0, NULL,
     "the payee's invoice numbers (up to 50, 1-64 characters each); each backs one certificate"},
    {"delivery_date", JF_STRING, false, 10, 10, NULL, "delivery date YYYY-MM-DD (the SME payment-term rule)"},
    {"memo", JF_STRING, false, 0, 500, NULL, "remarks"},
    END_FIELDS,
};
const struct jfield finance_reason_fields[] = {
    {"reason", JF_STRING, true, 1, 500, NULL, "why"},
    END_FIELDS,
};
const struct jfield finance_settle_fields[] = {
    {"confirmation_ref", JF_STRING, true, 1, 100, NULL, "the bank's payment confirmation reference"},
    END_FIELDS,
};
const struct jfield finance_split_fields[] = {
    {"amount_fen", JF_INT, true, INT64_MIN, INT64_MAX, NULL, "the first part, 1 fen to the piece's balance - 1"},
    END_FIELDS,
};
const struct jfield finance_transfer_fields[] = {
    {"to", JF_STRING, true, 18, 36, NULL, "USCC of the receiver: an enterprise that supplies the holder"},
    {"amount_fen", JF_INT, true, INT64_MIN, INT64_MAX, NULL, "the part passed on, 1 fen to the piece's balance"},
    END_FIELDS,
};
const struct jfield finance_apply_fields[] = {
    {"bank_id", JF_INT, true, 1, INT64_MAX, NULL, "the bank's organisation id (GET /api/v1/finance/banks)"},
    {"pieces", JF_STRING_ARRAY, true, 0, 0, NULL, "ids (integers) of the caller's held pieces, 1 to 50"},
    END_FIELDS,
};
const struct jfield finance_approve_fields[] = {
    {"rate_bp", JF_INT, true, 1, FINANCE_MAX_RATE_BP, NULL, "annual discount rate in basis points"},
    END_FIELDS,
};
const struct jfield finance_limit_fields[] = {
    {"issuer", JF_STRING, true, 18, 36, NULL, "USCC of the issuer (core enterprise)"},
    {"limit_fen", JF_INT, true, 0, FINANCE_MAX_LIMIT_FEN, NULL, "the credit limit in fen (not below what is used)"},
    END_FIELDS,
};
const struct jfield finance_settings_fields[] = {
    {"fee_bp", JF_INT, false, 0, 1000, NULL,
     "platform fee on discounts, basis points of the amount (shown separately)"},
    {"application_ttl_days", JF_INT, false, 1, 90, NULL, "days a discount application waits for the bank"},
    END_FIELDS,
};
const struct jfield finance_empty_fields[] = {END_FIELDS};

const char *const finance_op_names[FINANCE_OP_COUNT] = {
    "issue",
    "accept",
    "refuse",
    "settle",
    "split",
    "transfer",
    "transfer_accept",
    "transfer_refuse",
    "transfer_cancel",
    "discount_apply",
    "discount_approve",
    "discount_reject",
    "discount_withdraw",
    "limit_set",
    "settings_set",
    "sweep",
};
const int finance_op_status[FINANCE_OP_COUNT] = {
    201, 200, 200, 200, 201, 201, 200, 200, 200, 201, 200, 200, 200, 200, 200, 200,
};

const struct jfield *finance_op_fields(enum finance_op op)
{
	switch (op) {
	case FINANCE_ISSUE:
		return finance_issue_fields;
	case FINANCE_REFUSE:
	case FINANCE_TRANSFER_REFUSE:
	case FINANCE_DISCOUNT_REJECT:
		return finance_reason_fields;
	case FINANCE_SETTLE:
		return finance_settle_fields;
	case FINANCE_SPLIT:
		return finance_split_fields;
	case FINANCE_TRANSFER:
		return finance_transfer_fields;
	case FINANCE_DISCOUNT_APPLY:
		return finance_apply_fields;
	case FINANCE_DISCOUNT_APPROVE:
		return finance_approve_fields;
	case FINANCE_LIMIT_SET:
		return finance_limit_fields;
	case FINANCE_SETTINGS_SET:
		return finance_settings_fields;
	default:
		return finance_empty_fields;
	}
}

/* {bank_id, pieces: [int, ...]}: jsonio has no integer arrays. */
static enum qerr decode_apply(const char *text, size_t len, json_t **out, struct qerror *err)
{
	json_error_t je;
	json_t *body = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!body)
		return qerr_set(err, QERR_BAD_REQUEST, "malformed_json", NULL,
				"malformed JSON at line %d column %d: %s", je.line, je.column, je.text);
	enum qerr rc = QERR_OK;
	const char *key;
	json_t *v;
	if (!json_is_object(body))
		rc = qerr_set(err, QERR_BAD_REQUEST, "malformed_json", NULL, "request body must be a JSON object");
	else
		json_object_foreach(body, key, v)
		{
			if (!rc && strcmp(key, "bank_id") != 0 && strcmp(key, "pieces") != 0)
				rc = qerr_set(err, QERR_INVALID, "unknown_field", key, "unknown field %s", key);
		}
	json_t *bank = rc ? NULL : json_object_get(body, "bank_id");
	json_t *pieces = rc ? NULL : json_object_get(body, "pieces");
	if (!rc && !bank)
		rc = qerr_set(err, QERR_INVALID, "missing_field", "bank_id", "bank_id is required");
	if (!rc && (!json_is_integer(bank) || json_integer_value(bank) < 1))
		rc = qerr_set(err, QERR_INVALID, "wrong_type", "bank_id", "bank_id must be a positive integer");
	if (!rc && !pieces)
		rc = qerr_set(err, QERR_INVALID, "missing_field", "pieces", "pieces is required");
	if (!rc && (!json_is_array(pieces) || json_array_size(pieces) < 1 ||
		    json_array_size(pieces) > FINANCE_MAX_APPLICATION_PIECES))
		rc = qerr_set(err, QERR_INVALID, "invalid_pieces", "pieces",
			      "pieces 须为 1 至 %d 个凭证分片编号 (pieces must list 1 to %d piece ids)",
			      FINANCE_MAX_APPLICATION_PIECES, FINANCE_MAX_APPLICATION_PIECES);
	size_t i;
	json_t *item;
	if (!rc)
		json_array_foreach(pieces, i, item)
		{
			if (!rc && (!json_is_integer(item) || json_integer_value(item) < 1))
				rc = qerr_set(err, QERR_INVALID, "wrong_type", "pieces",
					      "pieces must be positive integers (piece ids)");
		}
	if (rc) {
		json_decref(body);
		return rc;
	}
	*out = body;
	return QERR_OK;
}

enum qerr finance_decode(enum finance_op op, const char *text, size_t len, json_t **out, struct qerror *err)
{
	*out = NULL;
	/* Operations without fields take no body (or {}); the others need their JSON object. */
	if ((!text || len == 0) && finance_op_fields(op)[0].name == NULL) {
		text = "{}";
		len = 2;
	}
	if (!text)
		text = "";
	if (op == FINANCE_DISCOUNT_APPLY)
		return decode_apply(text, len, out, err);
	return json_decode(text, len, finance_op_fields(op), false, out, err);
}

/* ---- dates ---- */

enum qerr fin_date(const char *text, const char *field, struct qdate *out, struct qerror *err)
{
	if (!qdate_parse(text, out))
		return qerr_set(err, QERR_INVALID, "invalid_date", field,
				"%s 须为日期 YYYY-MM-DD (%s must be a date YYYY-MM-DD)", field, field);
	return QERR_OK;
}

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

struct qdate fin_add_months(struct qdate d, int months)
{
	int m = d.year * 12 + (d.month - 1) + months;
	struct qdate r = {m / 12, m % 12 + 1, d.day};
	if (r.year > 9999)
		return (struct qdate){9999, 12, 31};
	int dim = days_in_month(r.year, r.month);
	if (r.day > dim)
		r.day = dim;
	return r;
}

/* ---- interest ---- */

enum qerr finance_interest_calc(int64_t amount_fen, int64_t rate_bp, struct qdate from, struct qdate maturity,
				int64_t fee_bp, struct finance_interest *out, struct qerror *err)
{
	memset(out, 0, sizeof *out);
	if (amount_fen < 1)
		return qerr_set(err, QERR_INVALID, "invalid_amount", "amount_fen",
				"金额须大于 0 (the amount must be at least 1 fen)");
	if (rate_bp < 0 || rate_bp > FINANCE_MAX_RATE_BP)
		return qerr_set(err, QERR_INVALID, "invalid_rate", "rate_bp",
				"年利率须在 0 至 %d 基点之间 (rate_bp must be 0 to %d)", FINANCE_MAX_RATE_BP,
				FINANCE_MAX_RATE_BP);
	if (fee_bp < 0 || fee_bp > FINANCE_MAX_RATE_BP)
		return qerr_set(err, QERR_INVALID, "invalid_rate", "fee_bp", "fee_bp must be 0 to %d",
				FINANCE_MAX_RATE_BP);
	int64_t days = qdate_days_between(from, maturity);
	if (days < 0)
		return qerr_set(err, QERR_INVALID, "maturity_before_start", "maturity",
				"到期日早于起算日 (the maturity is before the start date)");
	int64_t interest, fee, net, net_after;
	if (money_interest_bp(amount_fen, rate_bp, days, &interest, err) ||
	    money_interest_bp(amount_fen, fee_bp, MONEY_DAYS_PER_YEAR, &fee, err) ||
	    money_sub(amount_fen, interest, &net, err) || money_sub(net, fee, &net_after, err)) {
		snprintf(err->field, sizeof err->field, "amount_fen");
		return err->code;
	}
	*out = (struct finance_interest){
	    .amount_fen = amount_fen,
	    .rate_bp = rate_bp,
	    .days = days,
	    .interest_fen = interest,
	    .net_fen = net,
	    .fee_bp = fee_bp,
	    .fee_fen = fee,
	    .net_after_fee_fen = net_after,
	};
	return QERR_OK;
}

enum qerr finance_interest_json(const char *amount, const char *rate_bp, const char *from, const char *maturity,
				int64_t fee_bp, json_t **out, struct qerror *err)
{
	*out = NULL;
	int64_t a, r;
	struct qdate f, m;
	if (money_parse_fen(amount, 1, INT64_MAX, "amount_fen", &a, err))
		return err->code;
	if (!rate_bp || !util_parse_i64(rate_bp, 0, FINANCE_MAX_RATE_BP, &r))
		return qerr_set(err, QERR_INVALID, "invalid_rate", "rate_bp",
				"rate_bp 须为 0 至 %d 的整数 (rate_bp must be an integer 0 to %d)", FINANCE_MAX_RATE_BP,
				FINANCE_MAX_RATE_BP);
	if (fin_date(from, "from", &f, err) || fin_date(maturity, "maturity", &m, err))
		return err->code;
	struct finance_interest fi;
	if (finance_interest_calc(a, r, f, m, fee_bp, &fi, err))
		return err->code;
	char ft[QDATE_TEXT_LEN], mt[QDATE_TEXT_LEN];
	qdate_format(f, ft);
	qdate_format(m, mt);
	*out =
	    json_pack("{s:I,s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "amount_fen", (json_int_t)fi.amount_fen, "rate_bp",
		      (json_int_t)fi.rate_bp, "from", ft, "maturity", mt, "days", (json_int_t)fi.days, "interest_fen",
		      (json_int_t)fi.interest_fen, "net_fen", (json_int_t)fi.net_fen, "fee_bp", (json_int_t)fi.fee_bp,
		      "fee_fen", (json_int_t)fi.fee_fen, "net_after_fee_fen", (json_int_t)fi.net_after_fee_fen);
	return QERR_OK;
}

bool fin_state_live(const char *state)
{
	return strcmp(state, "split") != 0 && strcmp(state, "transferred") != 0;
}
