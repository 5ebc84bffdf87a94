/*
 * listing_util.c - validation and normalisation shared by the listing CRUD,
 * the CSV imports and subscriptions: texts, region codes, certification
 * tags, deadlines, enterprise and segment references, and the small hash
 * map the imports cache their lookups in.
 *
 * Lists are stored the way 0003_market.sql describes (sorted, unique,
 * ';'-joined) so that a listing reads the same whichever way it came in,
 * and an export imports back to the same bytes.
 */
#include "market/listing_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/qtime.h"
#include "chainmap/chainmap.h"
#include "platform/enterprise_ref.h"
#include "registry/region.h"
#include "registry/uscc.h"
#include "text/tokenizer.h"

enum qerr listing_check_text(const char *text, const char *field, size_t min, size_t max, bool multiline,
			     struct qerror *err)
{
	size_t n = text ? util_utf8_len(text) : 0;
	if (n < min || n > max)
		return qerr_set(err, QERR_INVALID, min ? "invalid_length" : "too_long", field,
				"%s应为%zu至%zu个字符 (%s needs %zu to %zu characters)", field, min, max, field, min,
				max);
	for (const unsigned char *p = (const unsigned char *)text; p && *p; p++)
		if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r'))) || *p == 0x7f)
			return qerr_set(err, QERR_INVALID, "control_characters", field,
					"%s含有控制字符 (%s contains control characters)", field, field);
	return QERR_OK;
}

enum qerr listing_region_norm(const char *code, size_t len, const char *field, char out[7], struct qerror *err)
{
	bool digits = len == 2 || len == 4 || len == 6;
	for (size_t i = 0; digits && i < len; i++)
		digits = code[i] >= '0' && code[i] <= '9';
	char padded[7] = "000000";
	if (digits)
		memcpy(padded, code, len);
	if (!digits || !region_find(padded))
		return qerr_set(err, QERR_INVALID, "invalid_region", field,
				"地区代码应为已知的2、4或6位GB/T 2260代码 (%s must hold known GB/T 2260 codes of 2, 4 "
				"or 6 digits)",
				field);
	size_t n = region_prefix_len(padded);
	memcpy(out, padded, n);
	out[n] = 0;
	return QERR_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static void trim(struct listing_str *s)
{
	while (s->n && (s->s[0] == ' ' || s->s[0] == '\t')) {
		s->s++;
		s->n--;
	}
	while (s->n && (s->s[s->n - 1] == ' ' || s->s[s->n - 1] == '\t'))
		s->n--;
}

/* Sorts the n entries of width w, drops repeats and appends them ';'-joined to out. */
static enum qerr join_sorted(char *items, size_t n, size_t w, struct buf *out, struct qerror *err)
{
	qsort(items, n, w, cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(items + i * w, items + (i - 1) * w) == 0)
			continue;
		if ((out->len && !buf_puts(out, ";")) || !buf_puts(out, items + i * w))
			return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	}
	if (!out->data && !buf_append(out, "", 0)) /* an empty list is "", never NULL */
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	out->data[out->len] = 0; /* a reused buffer (len reset to 0) still held the previous list */
	return QERR_OK;
}

enum qerr listing_norm_regions(const struct listing_str *items, size_t n, bool skip_empty, const char *field,
			       struct buf *out, struct qerror *err)
{
	char codes[LISTING_MAX_REGIONS][7];
	size_t k = 0;
	if (n > LISTING_MAX_REGIONS)
		return qerr_set(err, QERR_INVALID, "too_many", field, "%s: at most %d regions", field,
				LISTING_MAX_REGIONS);
	for (size_t i = 0; i < n; i++) {
		struct listing_str s = items[i];
		trim(&s);
		if (!s.n && skip_empty)
			continue;
		if (listing_region_norm(s.s, s.n, field, codes[k], err))
			return err->code;
		k++;
	}
	return join_sorted(&codes[0][0], k, sizeof codes[0], out, err);
}

enum qerr listing_norm_tags(const struct listing_str *items, size_t n, bool skip_empty, const char *field,
			    struct buf *out, struct qerror *err)
{
	static _Thread_local char local[LISTING_MAX_TAGS][LISTING_TAG_MAX + 1];
	size_t k = 0;
	if (n > LISTING_MAX_TAGS)
		return qerr_set(err, QERR_INVALID, "too_many", field, "%s: at most %d certifications", field,
				LISTING_MAX_TAGS);
	for (size_t i = 0; i < n; i++) {
		struct listing_str s = items[i];
		trim(&s);
		if (!s.n && skip_empty)
			continue;
		if (!s.n || s.n > LISTING_TAG_MAX)
			return qerr_set(err, QERR_INVALID, "invalid_certification", field,
					"资质标签应为1至%d字节 (each of %s needs 1 to %d bytes)", LISTING_TAG_MAX, field,
					LISTING_TAG_MAX);
		for (size_t j = 0; j < s.n; j++) {
			unsigned char c = (unsigned char)s.s[j];
			if (c < 0x20 || c == 0x7f || c == ';' || c == ',')
				return qerr_set(err, QERR_INVALID, "invalid_certification", field,
						"资质标签不能含有分号、逗号或控制字符 (%s must not contain ';', ',' or "
						"control characters)",
						field);
			local[k][j] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
		}
		local[k][s.n] = 0;
		k++;
	}
	return join_sorted(&local[0][0], k, sizeof local[0], out, err);
}

bool listing_split(const char *text, struct listing_str *items, size_t max, size_t *n)
{
	*n = 0;
	if (!text || !*text)
		return true;
	const char *p = text;
	for (;;) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (*n == max)
			return false;
		items[(*n)++] = (struct listing_str){p, len};
		if (!end)
			return true;
		p = end + 1;
	}
}

bool listing_json_items(const json_t *arr, struct listing_str *items, size_t max, size_t *n)
{
	*n = 0;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (*n == max)
			return false;
		items[(*n)++] = (struct listing_str){json_string_value(v), json_string_length(v)};
	}
	return true;
}

json_t *listing_list_json(const char *joined)
{
	json_t *arr = json_array();
	const char *p = joined;
	while (p && *p) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		json_array_append_new(arr, json_stringn(p, len));
		p = end ? end + 1 : p + len;
	}
	return arr;
}

enum qerr listing_check_deadline(const char *text, const char *field, bool future, struct qerror *err)
{
	int64_t t = 0;
	bool ok = qtime_parse(text, QTIME_STRICT, &t, NULL);
	if (!ok)
		return qerr_set(err, QERR_INVALID, "invalid_deadline", field,
				"截止时间应为UTC时间 YYYY-MM-DDTHH:MM:SSZ (%s must be a UTC time like "
				"2026-12-31T00:00:00Z)",
				field);
	if (future && t <= util_now_unix())
		return qerr_set(err, QERR_INVALID, "deadline_passed", field,
				"截止时间应晚于现在 (%s must be in the future)", field);
	return QERR_OK;
}

enum qerr listing_enterprise(struct db *db, const char *uscc, const char *field, enum qerr missing, int64_t *id,
			     int64_t *org_id, struct qerror *err)
{
	*id = *org_id = 0;
	char canon[USCC_LEN + 1];
	if (uscc_check(uscc ? uscc : "", canon, err)) {
		snprintf(err->field, sizeof err->field, "%s", field);
		return err->code;
	}
	if (enterprise_ref_owner(db, canon, id, org_id, err))
		return err->code;
	if (!*id)
		return enterprise_ref_not_registered(err, missing, field, canon);
	return QERR_OK;
}

enum qerr listing_segment(struct db *db, const char *chain, const char *segment, int64_t *sid, struct qerror *err)
{
	*sid = 0;
	bool has_chain = chain && *chain, has_segment = segment && *segment;
	if (!has_chain && !has_segment)
		return QERR_OK;
	if (!has_chain || !has_segment)
		return qerr_set(err, QERR_INVALID, "chain_segment_pair", has_chain ? "segment" : "chain",
				"产业链和环节须同时给出或同时省略 (chain and segment go together)");
	return chainmap_find_segment(db, chain, segment, QERR_INVALID, sid, err);
}

enum qerr listing_next_seq(struct db *db, const char *name, int64_t *seq, struct qerror *err)
{
	if (db_touch(db, name, err) || db_counter(db, name, seq, err))
		return err->code ? err->code : QERR_INTERNAL;
	return QERR_OK;
}


bool listing_lexeme(struct buf *b, const char *term, size_t len)
{
	bool ok = buf_puts(b, "'");
	for (size_t i = 0; ok && i < len; i++)
		ok = term[i] == '\'' ? buf_puts(b, "''") : term[i] == '\\' ? buf_puts(b, "\\\\") : buf_append(b, term + i, 1);
	return ok && buf_puts(b, "'");
}

struct words {
	struct buf b;
	bool oom;
};

static int add_lexeme(void *ctx, const struct text_token *t)
{
	struct words *w = ctx;
	bool ok = (w->b.len == 0 || buf_puts(&w->b, " ")) && listing_lexeme(&w->b, t->term, t->len);
	w->oom = !ok;
	return ok ? 0 : 1;
}

enum qerr listing_words_write(struct db *db, bool demand, int64_t id, const char *title, size_t title_len,
			      const char *description, size_t description_len, struct qerror *err)
{
	if (!db_is_pg(db))
		return QERR_OK;
	struct words w = {{0}, false};
	int rc = text_tokenize(title, title_len, add_lexeme, &w);
	if (rc == 0 && !w.oom)
		rc = text_tokenize(description, description_len, add_lexeme, &w);
	if (rc != 0 || w.oom) {
		buf_free(&w.b);
		if (rc == TEXT_TOKENIZE_UNAVAILABLE)
			return qerr_set(err, QERR_UNAVAILABLE, "tokenizer_unavailable", NULL,
					"the word segmenter is not available");
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	}
	struct db_stmt *st =
	    demand ? db_prepare(db,
				"INSERT INTO demands_fts(id,words) VALUES(?,CAST(? AS tsvector))"
				" ON CONFLICT(id) DO UPDATE SET words=excluded.words",
				err)
		   : db_prepare(db,
				"INSERT INTO supplies_fts(id,words) VALUES(?,CAST(? AS tsvector))"
				" ON CONFLICT(id) DO UPDATE SET words=excluded.words",
				err);
	if (!st) {
		buf_free(&w.b);
		return err->code;
	}
	db_bind_int64(st, 1, id);
	db_bind_text_n(st, 2, w.b.data ? w.b.data : "", w.b.len);
	enum qerr r = db_run(st, err);
	buf_free(&w.b);
	return r;
}
