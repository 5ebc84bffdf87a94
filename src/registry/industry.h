/*
 * industry.h - GB/T 4754-2017 国民经济行业分类: the 20 sections (门类 A-T)
 * and 97 divisions (大类, 2 digits) with Chinese and English names.
 *
 * An industry code on input is a section letter or a 2-4 digit code whose
 * first two digits are a known division.
 */
#ifndef QILIAN_INDUSTRY_H
#define QILIAN_INDUSTRY_H
#include <stddef.h>
#include "base/qerr.h"

struct industry {
	const char *code;    /* "C" or "38" */
	const char *name;    /* 中文名 */
	const char *name_en;
	char section;        /* 'C' for both "C" and "38" */
};

extern const struct industry industry_table[];
extern const size_t industry_table_len;

/* Section or division entry with exactly this code ("C", "38"), or NULL. */
const struct industry *industry_find(const char *code);

/*
 * Validates code (section letter, or 2-4 digits with a known 2-digit
 * division); upper-cases a lower-case letter into out[5]. QERR_INVALID
 * ("invalid_industry") naming field otherwise.
 */
enum qerr industry_check(const char *code, const char *field, char out[5], struct qerror *err);

/* Section letter of a valid code, 0 if invalid. */
char industry_section_of(const char *code);

#endif
