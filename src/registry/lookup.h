/*
 * lookup.h - the registry's reference answers as JSON, shared by the CLI
 * and the HTTP API so both print exactly the same thing: USCC checks, size
 * classification, GB/T 2260 regions, GB/T 4754 industries, directory stats.
 */
#ifndef QILIAN_LOOKUP_H
#define QILIAN_LOOKUP_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/qerr.h"
#include "store/db.h"

/*
 * {"valid":true,"uscc":…,"registration_authority":…,"region":…,"region_name":…}
 * or {"valid":false,"reason":…}. New reference; *valid set accordingly.
 */
json_t *lookup_uscc(const char *code, bool *valid);

/* {"size","sector","sector_zh","rule","industry"}; assets_wan < 0 = not given. */
enum qerr lookup_classify(const char *industry, int64_t employees, int64_t revenue_wan, int64_t assets_wan,
			  json_t **out, struct qerror *err);

/* Children of parent (NULL/"" = provinces) as {"parent", "items":[{code,name,level,full_name}]}; 422 for unknown parent. */
enum qerr lookup_regions(const char *parent, json_t **out, struct qerror *err);

/* One region with its full name and parent. */
enum qerr lookup_region(const char *code, json_t **out, struct qerror *err);

/* All sections and divisions {"items":[{code,name,name_en,section}]}. */
json_t *lookup_industries(void);

/* Directory counts by size, level and province. */
enum qerr lookup_stats(struct db *db, json_t **out, struct qerror *err);

#endif
