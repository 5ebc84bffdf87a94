/* store_check.c - finance in store copy/verify: finance_verify in the caller's transaction (see store_check.h). */
#include "finance/store_check.h"

#include "finance/finance.h"

static enum qerr finance_check(struct db *db, json_t *report, struct qerror *err)
{
	json_t *out = NULL;
	enum qerr rc = finance_verify(db, &out, err);
	if (out)
		json_object_update(report, out);
	json_decref(out);
	return rc;
}

static const char *const finance_seeded[] = {"finance_settings", "finance_chain", NULL};

const struct store_domain finance_store = {
	.name = "finance",
	.seeded = finance_seeded,
	.verify = finance_check,
};
