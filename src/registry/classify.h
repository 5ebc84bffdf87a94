/*
 * classify.h - enterprise size class (大型/中型/小型/微型) under the 2011
 * 中小企业划型标准规定 (工信部联企业〔2011〕300号).
 *
 * The industry code (GB/T 4754-2017) picks one of the 16 sectors of the
 * standard; employees (从业人员, persons), operating revenue (营业收入, 万元)
 * and total assets (资产总额, 万元) are compared with that sector's bounds.
 * "X以下" excludes X, "X及以上" includes X. An enterprise is large when it is
 * not within the SME bound; medium or small only when it meets the lower
 * bound of every indicator listed for that class, otherwise it falls one class.
 */
#ifndef QILIAN_CLASSIFY_H
#define QILIAN_CLASSIFY_H
#include <stdbool.h>
#include <stdint.h>
#include "base/qerr.h"

enum size_class { SIZE_LARGE, SIZE_MEDIUM, SIZE_SMALL, SIZE_MICRO };

struct classify_result {
	enum size_class size;
	const char *sector;    /* stable id, e.g. "industrial", "retail", "software" */
	const char *sector_zh; /* e.g. "工业", "零售业" */
	char rule[320];        /* the bound that decided, in Chinese, e.g. "从业人员300人及以上且营业收入2000万元及以上为中型" */
};

/*
 * Classifies. assets_wan < 0 means "not given": a sector whose rule uses
 * total assets then fails with QERR_INVALID ("missing_assets", field
 * "assets"). Unknown industry codes, codes that span several sectors
 * (e.g. "F" is 批发 and 零售) and industries outside the standard (金融业,
 * 公共管理, 国际组织) fail with QERR_INVALID naming field "industry".
 * Negative employees or revenue fail with QERR_INVALID naming the field.
 */
enum qerr classify_enterprise(const char *industry, int64_t employees, int64_t revenue_wan, int64_t assets_wan,
			      struct classify_result *out, struct qerror *err);

/* The same decision without the explanation (bulk imports classify every row and need only the class). */
enum qerr classify_size(const char *industry, int64_t employees, int64_t revenue_wan, int64_t assets_wan,
			enum size_class *size, struct qerror *err);

/* "large", "medium", "small", "micro". */
const char *size_class_name(enum size_class s);

/* Parses the names above; false for anything else. */
bool size_class_parse(const char *s, enum size_class *out);

#endif
