/* lookup.c - registry reference answers as JSON (CLI and API share them). */
#include "registry/lookup.h"

#include <string.h>
#include "registry/classify.h"
#include "registry/industry.h"
#include "registry/region.h"
#include "registry/uscc.h"

json_t *lookup_uscc(const char *code, bool *valid)
{
	char canon[USCC_LEN + 1];
	struct qerror e = {0};
	if (uscc_check(code, canon, &e)) {
		*valid = false;
		return json_pack("{s:b,s:s}", "valid", 0, "reason", e.message);
	}
	*valid = true;
	char region[7], name[160];
	memcpy(region, canon + 2, 6);
	region[6] = 0;
	json_t *o = json_pack("{s:b,s:s,s:s,s:s}", "valid", 1, "uscc", canon, "registration_authority",
			      (char[2]){canon[0], 0}, "region", region);
	/* The region embedded in a USCC is the registration place at issue time; old codes may be retired. */
	json_object_set_new(o, "region_name", region_find(region) ? json_string(region_full_name(region, name, sizeof name))
								   : json_null());
	return o;
}

enum qerr lookup_classify(const char *industry, int64_t employees, int64_t revenue_wan, int64_t assets_wan,
			  json_t **out, struct qerror *err)
{
	*out = NULL;
	struct classify_result r;
	if (classify_enterprise(industry, employees, revenue_wan, assets_wan, &r, err))
		return err->code;
	*out = json_pack("{s:s,s:s,s:s,s:s,s:s}", "size", size_class_name(r.size), "sector", r.sector, "sector_zh",
			 r.sector_zh, "rule", r.rule, "industry", industry);
	return QERR_OK;
}

static json_t *region_json(const struct region *r)
{
	char full[160];
	return json_pack("{s:s,s:s,s:i,s:s,s:s}", "code", r->code, "name", r->name, "level", r->level, "full_name",
			 region_full_name(r->code, full, sizeof full), "parent", r->parent);
}

static void add_region(const struct region *r, void *ctx)
{
	json_array_append_new(ctx, region_json(r));
}

enum qerr lookup_regions(const char *parent, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (parent && *parent && region_check(parent, "parent", err))
		return err->code;
	json_t *items = json_array();
	region_children(parent, add_region, items);
	*out = json_pack("{s:s,s:o}", "parent", parent ? parent : "", "items", items);
	return QERR_OK;
}

enum qerr lookup_region(const char *code, json_t **out, struct qerror *err)
{
	*out = NULL;
	const struct region *r = region_find(code);
	if (!r)
		return qerr_set(err, QERR_NOT_FOUND, "region_not_found", "code", "行政区划代码不存在 (no region %.16s)", code);
	*out = region_json(r);
	return QERR_OK;
}

json_t *lookup_industries(void)
{
	json_t *items = json_array();
	for (size_t i = 0; i < industry_table_len; i++) {
		const struct industry *it = &industry_table[i];
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:s%}", "code", it->code, "name", it->name, "name_en",
						       it->name_en, "section", &it->section, (size_t)1));
	}
	return json_pack("{s:o}", "items", items);
}

/* Runs sql (static text: two columns, a key and a count) into the object into. */
static enum qerr count_by(struct db *db, const char *sql, json_t *into, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, sql, err);
	if (!st)
		return err->code;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_object_set_new(into, db_col_text(st, 0), json_integer(db_col_int64(st, 1)));
	return rc < 0 ? err->code : QERR_OK;
}

enum qerr lookup_stats(struct db *db, json_t **out, struct qerror *err)
{
	*out = NULL;
	json_t *by_size = json_object(), *by_level = json_object(), *by_prov = json_object();
	json_t *res = json_pack("{s:o,s:o,s:o}", "by_size", by_size, "by_level", by_level, "by_province", by_prov);
	if (count_by(db, "SELECT size,count(*) FROM enterprises GROUP BY size", by_size, err) ||
	    count_by(db, "SELECT level,count(*) FROM enterprises GROUP BY level", by_level, err) ||
	    count_by(db, "SELECT substr(region,1,2)||'0000',count(*) FROM enterprises GROUP BY 1", by_prov, err)) {
		json_decref(res);
		return err->code;
	}
	/* Name the provinces for charts. */
	json_t *named = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(by_prov, k, v) {
		const struct region *r = region_find(k);
		json_array_append_new(named, json_pack("{s:s,s:s,s:O}", "code", k, "name", r ? r->name : k, "count", v));
	}
	json_object_set_new(res, "provinces", named);
	int64_t total = 0;
	json_object_foreach(by_size, k, v) total += json_integer_value(v);
	json_object_set_new(res, "total", json_integer(total));
	*out = res;
	return QERR_OK;
}
