/*
 * classify.c - enterprise size class under the 2011 中小企业划型标准规定
 * (工信部联企业〔2011〕300号), mapped onto GB/T 4754-2017 codes.
 *
 * Each of the standard's 16 sectors lists one or two indicators and three
 * lower bounds per indicator: large (the SME upper bound), medium and small.
 * An enterprise takes the highest class whose bound it meets on every listed
 * indicator ("X及以上" includes X); anything below the small bound is micro.
 * This is the standard's own rule: large is whatever lies outside the SME
 * bound, and a firm that misses one indicator of a class falls a class.
 *
 * The standard was written against GB/T 4754-2011, so two places need a
 * mapping decision:
 *   - 装卸搬运 moved from division 58 (2011) to group 591 (2017); the
 *     standard counts it under 交通运输业, so "591"/"591x" is transport while
 *     the rest of 59 (and "59" on its own) is 仓储业.
 *   - The standard's 交通运输业 excludes 铁路运输业 (53). We still classify
 *     53 with the transport bounds, because the platform needs a size for
 *     every registered enterprise and those are the nearest bounds; callers
 *     who must be strict can reject division 53 themselves.
 * Codes that span sectors with different ids (F, G, H, I, K, 70) are
 * refused rather than guessed; so are the industries the standard leaves
 * out: 金融业 (J), 自有房地产经营活动 (704, 房地产租赁经营 in 2017),
 * 公共管理 (S) and 国际组织 (T).
 */
#include "registry/classify.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "registry/industry.h"

enum classify_indicator { CLASSIFY_EMPLOYEES, CLASSIFY_REVENUE, CLASSIFY_ASSETS };

struct classify_sector {
	const char *id;
	const char *zh;
	int n;                                  /* indicators used: 1 or 2 */
	enum classify_indicator indicator[2];
	int64_t bound[3][2];                    /* [large, medium, small][indicator] lower bounds */
};

enum {
	SECTOR_AGRICULTURE,
	SECTOR_INDUSTRIAL,
	SECTOR_CONSTRUCTION,
	SECTOR_WHOLESALE,
	SECTOR_RETAIL,
	SECTOR_TRANSPORT,
	SECTOR_WAREHOUSING,
	SECTOR_POSTAL,
	SECTOR_ACCOMMODATION,
	SECTOR_CATERING,
	SECTOR_INFORMATION_TRANSMISSION,
	SECTOR_SOFTWARE,
	SECTOR_REAL_ESTATE_DEVELOPMENT,
	SECTOR_PROPERTY_MANAGEMENT,
	SECTOR_LEASING_BUSINESS,
	SECTOR_OTHER,
	SECTOR_NONE = -1,
};

#define E CLASSIFY_EMPLOYEES
#define Y CLASSIFY_REVENUE
#define A CLASSIFY_ASSETS
static const struct classify_sector classify_sectors[] = {
	[SECTOR_AGRICULTURE] = {"agriculture", "农、林、牧、渔业", 1, {Y, Y}, {{20000, 0}, {500, 0}, {50, 0}}},
	[SECTOR_INDUSTRIAL] = {"industrial", "工业", 2, {E, Y}, {{1000, 40000}, {300, 2000}, {20, 300}}},
	[SECTOR_CONSTRUCTION] = {"construction", "建筑业", 2, {Y, A}, {{80000, 80000}, {6000, 5000}, {300, 300}}},
	[SECTOR_WHOLESALE] = {"wholesale", "批发业", 2, {E, Y}, {{200, 40000}, {20, 5000}, {5, 1000}}},
	[SECTOR_RETAIL] = {"retail", "零售业", 2, {E, Y}, {{300, 20000}, {50, 500}, {10, 100}}},
	[SECTOR_TRANSPORT] = {"transport", "交通运输业", 2, {E, Y}, {{1000, 30000}, {300, 3000}, {20, 200}}},
	[SECTOR_WAREHOUSING] = {"warehousing", "仓储业", 2, {E, Y}, {{200, 30000}, {100, 1000}, {20, 100}}},
	[SECTOR_POSTAL] = {"postal", "邮政业", 2, {E, Y}, {{1000, 30000}, {300, 2000}, {20, 100}}},
	[SECTOR_ACCOMMODATION] = {"accommodation", "住宿业", 2, {E, Y}, {{300, 10000}, {100, 2000}, {10, 100}}},
	[SECTOR_CATERING] = {"catering", "餐饮业", 2, {E, Y}, {{300, 10000}, {100, 2000}, {10, 100}}},
	[SECTOR_INFORMATION_TRANSMISSION] = {"information_transmission", "信息传输业", 2, {E, Y},
					     {{2000, 100000}, {100, 1000}, {10, 100}}},
	[SECTOR_SOFTWARE] = {"software", "软件和信息技术服务业", 2, {E, Y}, {{300, 10000}, {100, 1000}, {10, 50}}},
	[SECTOR_REAL_ESTATE_DEVELOPMENT] = {"real_estate_development", "房地产开发经营", 2, {Y, A},
					    {{200000, 10000}, {1000, 5000}, {100, 2000}}},
	[SECTOR_PROPERTY_MANAGEMENT] = {"property_management", "物业管理", 2, {E, Y},
					{{1000, 5000}, {300, 1000}, {100, 500}}},
	[SECTOR_LEASING_BUSINESS] = {"leasing_business", "租赁和商务服务业", 2, {E, A},
				     {{300, 120000}, {100, 8000}, {10, 100}}},
	[SECTOR_OTHER] = {"other", "其他未列明行业", 1, {E, E}, {{300, 0}, {100, 0}, {10, 0}}},
};
#undef E
#undef Y
#undef A

static const char *const classify_size_zh[] = {"大型企业", "中型企业", "小型企业", "微型企业"};

/* Chinese name of an indicator and the unit its bound is written in. */
static const char *classify_indicator_zh(enum classify_indicator ind)
{
	switch (ind) {
	case CLASSIFY_EMPLOYEES: return "从业人员";
	case CLASSIFY_REVENUE: return "营业收入";
	case CLASSIFY_ASSETS: return "资产总额";
	}
	return "";
}

static const char *classify_indicator_unit(enum classify_indicator ind)
{
	return ind == CLASSIFY_EMPLOYEES ? "人" : "万元";
}

static int classify_ambiguous(struct qerror *err, const char *code, const char *sectors_zh, const char *sectors_en)
{
	qerr_set(err, QERR_INVALID, "ambiguous_industry", "industry",
		 "行业代码'%s'涵盖多个划型行业（%s），请填写更细的行业代码 "
		 "(industry code '%s' spans several sectors of the standard (%s); give a more specific code)",
		 code, sectors_zh, code, sectors_en);
	return SECTOR_NONE;
}

static int classify_not_covered(struct qerror *err, const char *code, const char *name_zh, const char *name_en)
{
	qerr_set(err, QERR_INVALID, "industry_not_covered", "industry",
		 "%s（%s）不适用中小企业划型标准 (%s, code '%s', is outside the 2011 SME classification standard)",
		 name_zh, code, name_en, code);
	return SECTOR_NONE;
}

/* Sector of the real-estate division from its 3rd digit (701..709). */
static int classify_real_estate(const char *code, struct qerror *err)
{
	switch (code[2]) {
	case '1': return SECTOR_REAL_ESTATE_DEVELOPMENT;
	case '2': return SECTOR_PROPERTY_MANAGEMENT;
	case '3': /* 房地产中介服务 */
	case '9': /* 其他房地产业 */
		return SECTOR_OTHER;
	case '4': /* 自有房地产经营活动 in 2011, 房地产租赁经营 in 2017 */
		return classify_not_covered(err, code, "自有房地产经营活动", "own-property operation");
	}
	qerr_set(err, QERR_INVALID, "invalid_industry", "industry",
		 "行业代码'%s'不是房地产业的已知中类（701、702、703、704、709） "
		 "(industry code '%s' is not a known group of real estate: 701, 702, 703, 704, 709)",
		 code, code);
	return SECTOR_NONE;
}

static int classify_section_sector(const char *code, struct qerror *err)
{
	switch (code[0]) {
	case 'A': return SECTOR_AGRICULTURE;
	case 'B':
	case 'C':
	case 'D': return SECTOR_INDUSTRIAL;
	case 'E': return SECTOR_CONSTRUCTION;
	case 'F': return classify_ambiguous(err, code, "批发业、零售业", "wholesale, retail");
	case 'G':
		return classify_ambiguous(err, code, "交通运输业、仓储业、邮政业", "transport, warehousing, postal");
	case 'H': return classify_ambiguous(err, code, "住宿业、餐饮业", "accommodation, catering");
	case 'I':
		return classify_ambiguous(err, code, "信息传输业、软件和信息技术服务业",
					  "information transmission, software");
	case 'J': return classify_not_covered(err, code, "金融业", "finance");
	case 'K':
		return classify_ambiguous(err, code, "房地产开发经营、物业管理、其他未列明行业",
					  "real estate development, property management, other");
	case 'L': return SECTOR_LEASING_BUSINESS;
	case 'M':
	case 'N':
	case 'O':
	case 'P':
	case 'Q':
	case 'R': return SECTOR_OTHER;
	case 'S': return classify_not_covered(err, code, "公共管理、社会保障和社会组织", "public administration");
	case 'T': return classify_not_covered(err, code, "国际组织", "international organisations");
	}
	assert(!"industry_check let through a section outside A-T");
	return SECTOR_NONE;
}

/* Sector of a checked, normalised code; SECTOR_NONE with *err filled otherwise. */
static int classify_sector_of(const char *code, struct qerror *err)
{
	if (code[1] == 0)
		return classify_section_sector(code, err);
	int division = (code[0] - '0') * 10 + (code[1] - '0');
	if (division <= 5)
		return SECTOR_AGRICULTURE;
	if (division <= 46)
		return SECTOR_INDUSTRIAL;
	if (division <= 50)
		return SECTOR_CONSTRUCTION;
	if (division == 51)
		return SECTOR_WHOLESALE;
	if (division == 52)
		return SECTOR_RETAIL;
	if (division <= 58)
		return SECTOR_TRANSPORT;
	if (division == 59)
		return code[2] == '1' ? SECTOR_TRANSPORT : SECTOR_WAREHOUSING;
	if (division == 60)
		return SECTOR_POSTAL;
	if (division == 61)
		return SECTOR_ACCOMMODATION;
	if (division == 62)
		return SECTOR_CATERING;
	if (division <= 64)
		return SECTOR_INFORMATION_TRANSMISSION;
	if (division == 65)
		return SECTOR_SOFTWARE;
	if (division <= 69)
		return classify_not_covered(err, code, "金融业", "finance");
	if (division == 70) {
		if (code[2] == 0)
			return classify_ambiguous(err, code, "房地产开发经营、物业管理、其他未列明行业",
						  "real estate development, property management, other");
		return classify_real_estate(code, err);
	}
	if (division <= 72)
		return SECTOR_LEASING_BUSINESS;
	if (division <= 90)
		return SECTOR_OTHER;
	if (division <= 96)
		return classify_not_covered(err, code, "公共管理、社会保障和社会组织", "public administration");
	return classify_not_covered(err, code, "国际组织", "international organisations");
}

/* Appends printf output to buf at *used, never past cap. */
static void classify_append(char *buf, size_t cap, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void classify_append(char *buf, size_t cap, size_t *used, const char *fmt, ...)
{
	if (*used >= cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(buf + *used, cap - *used, fmt, ap);
	va_end(ap);
	if (w > 0)
		*used += (size_t)w;
	assert(*used < cap && "classify rule text outgrew its buffer");
}

/*
 * Writes the bounds of one class as the standard phrases them, e.g.
 * "从业人员300人及以上且营业收入2000万元及以上" (met) or
 * "从业人员20人以下或营业收入300万元以下" (missed).
 */
static void classify_append_bound(char *buf, size_t cap, size_t *used, const struct classify_sector *s, int level,
				  bool met)
{
	for (int i = 0; i < s->n; i++)
		classify_append(buf, cap, used, "%s%s%lld%s%s", i ? (met ? "且" : "或") : "",
				classify_indicator_zh(s->indicator[i]), (long long)s->bound[level][i],
				classify_indicator_unit(s->indicator[i]), met ? "及以上" : "以下");
}

/* Lists the indicators that missed the bound of `level`, e.g. "营业收入2000万元以下". */
static void classify_append_missed(char *buf, size_t cap, size_t *used, const struct classify_sector *s, int level,
				   const int64_t value[2])
{
	int k = 0;
	for (int i = 0; i < s->n; i++) {
		if (value[i] >= s->bound[level][i])
			continue;
		classify_append(buf, cap, used, "%s%s%lld%s以下", k++ ? "、" : "",
				classify_indicator_zh(s->indicator[i]), (long long)s->bound[level][i],
				classify_indicator_unit(s->indicator[i]));
	}
}

static void classify_write_rule(struct classify_result *out, const struct classify_sector *s, int level,
				const int64_t value[2])
{
	char *buf = out->rule;
	size_t cap = sizeof out->rule, used = 0;
	buf[0] = 0;
	classify_append(buf, cap, &used, "%s：", s->zh);
	/* Micro has no bound of its own: it is everything below the small one. */
	if (level == SIZE_MICRO)
		classify_append_bound(buf, cap, &used, s, SIZE_SMALL, false);
	else
		classify_append_bound(buf, cap, &used, s, level, true);
	classify_append(buf, cap, &used, "为%s", classify_size_zh[level]);
	/* With two indicators, say which one kept a small or micro firm out of the class above. */
	if (s->n == 2 && level >= SIZE_SMALL) {
		int above = level == SIZE_MICRO ? SIZE_SMALL : level - 1;
		classify_append(buf, cap, &used, "（");
		classify_append_missed(buf, cap, &used, s, above, value);
		if (level == SIZE_MICRO)
			classify_append(buf, cap, &used, "）");
		else
			classify_append(buf, cap, &used, "，未达%s标准）", classify_size_zh[above]);
	}
}

static int64_t classify_value(enum classify_indicator ind, int64_t employees, int64_t revenue, int64_t assets)
{
	switch (ind) {
	case CLASSIFY_EMPLOYEES: return employees;
	case CLASSIFY_REVENUE: return revenue;
	case CLASSIFY_ASSETS: return assets;
	}
	return 0;
}

static enum qerr classify_run(const char *industry, int64_t employees, int64_t revenue_wan, int64_t assets_wan,
			     struct classify_result *out, bool with_rule, struct qerror *err)
{
	char code[5];
	enum qerr rc = industry_check(industry, "industry", code, err);
	if (rc)
		return rc;
	int sector = classify_sector_of(code, err);
	if (sector == SECTOR_NONE)
		return QERR_INVALID;
	if (employees < 0)
		return qerr_set(err, QERR_INVALID, "invalid_employees", "employees",
				"从业人员不能为负数：%lld (employees cannot be negative: %lld)", (long long)employees,
				(long long)employees);
	if (revenue_wan < 0)
		return qerr_set(err, QERR_INVALID, "invalid_revenue", "revenue",
				"营业收入不能为负数：%lld万元 (revenue cannot be negative: %lld wan yuan)",
				(long long)revenue_wan, (long long)revenue_wan);

	const struct classify_sector *s = &classify_sectors[sector];
	int64_t value[2];
	for (int i = 0; i < s->n; i++) {
		if (s->indicator[i] == CLASSIFY_ASSETS && assets_wan < 0)
			return qerr_set(err, QERR_INVALID, "missing_assets", "assets",
					"%s划型需要资产总额 (the %s sector is classified by total assets, which were not given)",
					s->zh, s->id);
		value[i] = classify_value(s->indicator[i], employees, revenue_wan, assets_wan);
	}

	int level = SIZE_LARGE;
	for (; level < SIZE_MICRO; level++) {
		bool met = true;
		for (int i = 0; i < s->n; i++)
			met = met && value[i] >= s->bound[level][i];
		if (met)
			break;
	}
	out->size = (enum size_class)level;
	out->sector = s->id;
	out->sector_zh = s->zh;
	if (with_rule)
		classify_write_rule(out, s, level, value);
	else
		out->rule[0] = 0;
	return QERR_OK;
}

enum qerr classify_enterprise(const char *industry, int64_t employees, int64_t revenue_wan, int64_t assets_wan,
			      struct classify_result *out, struct qerror *err)
{
	return classify_run(industry, employees, revenue_wan, assets_wan, out, true, err);
}

enum qerr classify_size(const char *industry, int64_t employees, int64_t revenue_wan, int64_t assets_wan,
			enum size_class *size, struct qerror *err)
{
	struct classify_result r;
	enum qerr rc = classify_run(industry, employees, revenue_wan, assets_wan, &r, false, err);
	if (!rc)
		*size = r.size;
	return rc;
}

const char *size_class_name(enum size_class s)
{
	switch (s) {
	case SIZE_LARGE: return "large";
	case SIZE_MEDIUM: return "medium";
	case SIZE_SMALL: return "small";
	case SIZE_MICRO: return "micro";
	}
	return "unknown";
}

bool size_class_parse(const char *s, enum size_class *out)
{
	static const enum size_class all[] = {SIZE_LARGE, SIZE_MEDIUM, SIZE_SMALL, SIZE_MICRO};
	if (!s)
		return false;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (strcmp(s, size_class_name(all[i])) == 0) {
			*out = all[i];
			return true;
		}
	}
	return false;
}
