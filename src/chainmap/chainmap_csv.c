/*
 * chainmap_csv.c - all-or-nothing CSV import of segments, capabilities and
 * supply relations (their export is chainmap_export.c).
 *
 * Each import runs on the CSV import driver (platform/csv_import.h): it
 * validates and writes in one pass inside one transaction and rolls back if
 * any row was bad; every bad row is reported with its line. Segment files
 * are small and read whole first (the driver's row pass only collects them),
 * then checked and written chain by chain in its end pass, because an
 * upstream id may name a segment further down the file and a cycle can only
 * be seen once every link is known.
 *
 * Relations are the big table (10 M rows is the benchmark). Enterprises are
 * resolved through an in-memory map of every USCC loaded once, segments
 * through a map of (chain, code). Large files take the bulk path, as the
 * enterprise import does: drop the relations indexes, keep (buyer, supplier,
 * segment) uniqueness in an in-memory map of the existing and new keys,
 * append rows in file order, and rebuild the indexes by sorting at the end,
 * still inside the transaction.
 */
#include "chainmap/chainmap.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "base/csv.h"
#include "base/strmap.h"
#include "base/util.h"
#include "chainmap/chainmap_int.h"
#include "platform/audit.h"
#include "platform/csv_import.h"
#include "platform/enterprise_ref.h"

#define BULK_MIN_ROWS 20000	  /* estimated rows from which dropping and rebuilding the indexes pays off */
#define RELATION_EST_ROW_BYTES 60 /* "9132...,9132...,nev,cathode,123456789\n" */
#define CAPABILITY_EST_ROW_BYTES 40

/* Must match the definitions in migration 0002: the bulk path drops and recreates them. */
#define RELATIONS_KEY_DDL "CREATE UNIQUE INDEX relations_key ON relations(buyer_id, supplier_id, sid)"
#define RELATIONS_SUPPLIER_DDL "CREATE INDEX relations_supplier ON relations(supplier_id)"

static const char *const segment_columns[] = {"chain", "chain_name", "segment", "segment_name", "upstream"};
static const char *const capability_columns[] = {"uscc", "chain", "segment", "capacity"};
static const char *const relation_columns[] = {"buyer_uscc", "supplier_uscc", "chain", "segment", "annual_amount_fen"};

static enum qerr oom(struct qerror *err)
{
	return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static void segment_key(char *buf, size_t cap, const char *chain, const char *code)
{
	snprintf(buf, cap, "%s/%s", chain, code);
}

/* ---------- USCC map: every registered enterprise's id and owner ---------- */

struct uscc_slot {
	char uscc[USCC_LEN];
	bool used;
	int64_t id, org_id;
};

struct uscc_map {
	struct uscc_slot *slots;
	size_t cap, len;
};

static struct uscc_slot *uscc_probe(struct uscc_slot *slots, size_t cap, const char *uscc)
{
	size_t j = hash_bytes(uscc, USCC_LEN) & (cap - 1);
	while (slots[j].used && memcmp(slots[j].uscc, uscc, USCC_LEN) != 0)
		j = (j + 1) & (cap - 1);
	return &slots[j];
}

static enum qerr uscc_map_load(struct db *db, struct uscc_map *m, int64_t expect, struct qerror *err)
{
	size_t cap = 1024;
	while ((int64_t)cap < expect * 2)
		cap *= 2;
	m->slots = calloc(cap, sizeof *m->slots);
	if (!m->slots)
		return oom(err);
	m->cap = cap;
	struct db_stmt *st = db_prepare(db, "SELECT uscc,id,coalesce(org_id,0) FROM enterprises", err);
	if (!st)
		return err->code;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *u = db_col_text(st, 0);
		if (strlen(u) != USCC_LEN)
			continue;
		if ((m->len + 1) * 2 > m->cap) {
			size_t ncap = m->cap * 2;
			struct uscc_slot *slots = calloc(ncap, sizeof *slots);
			if (!slots) {
				db_reset(st);
				return oom(err);
			}
			for (size_t i = 0; i < m->cap; i++)
				if (m->slots[i].used)
					*uscc_probe(slots, ncap, m->slots[i].uscc) = m->slots[i];
			free(m->slots);
			m->slots = slots;
			m->cap = ncap;
		}
		struct uscc_slot *s = uscc_probe(m->slots, m->cap, u);
		if (!s->used) {
			memcpy(s->uscc, u, USCC_LEN);
			s->used = true;
			m->len++;
		}
		s->id = db_col_int64(st, 1);
		s->org_id = db_col_int64(st, 2);
	}
	db_reset(st); /* DROP INDEX is refused while a statement still reads */
	return rc < 0 ? err->code : QERR_OK;
}

/* Resolves enterprises by canonical USCC: from the map when loaded, else one query each. */
struct resolver {
	struct db *db;
	bool use_map;
	struct uscc_map map;
};

static enum qerr resolve(struct resolver *r, const char *uscc, int64_t *id, int64_t *org_id, struct qerror *err)
{
	if (!r->use_map)
		return enterprise_ref_owner(r->db, uscc, id, org_id, err);
	struct uscc_slot *s = uscc_probe(r->map.slots, r->map.cap, uscc);
	*id = s->used ? s->id : 0;
	*org_id = s->used ? s->org_id : 0;
	return QERR_OK;
}

/* ---------- key map: (buyer, supplier, segment) -> first line in the file, existing row id ---------- */

struct key_slot {
	uint32_t a, b, sid; /* a = 0: empty (enterprise ids start at 1) */
	uint32_t line;	    /* first line in this file, 0 if not seen yet */
	int64_t id;	    /* existing row (bulk path), 0 if none */
};

struct key_map {
	struct key_slot *slots;
	size_t cap, len;
};

static size_t key_hash(uint32_t a, uint32_t b, uint32_t sid)
{
	uint64_t x = ((uint64_t)a << 32 | b) ^ ((uint64_t)sid * 0x9E3779B97F4A7C15ull);
	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 29;
	return (size_t)x;
}

static struct key_slot *key_probe(struct key_slot *slots, size_t cap, uint32_t a, uint32_t b, uint32_t sid)
{
	size_t j = key_hash(a, b, sid) & (cap - 1);
	while (slots[j].a && (slots[j].a != a || slots[j].b != b || slots[j].sid != sid))
		j = (j + 1) & (cap - 1);
	return &slots[j];
}

/* Makes room for n keys at a load of at most 0.7. */
static bool key_reserve(struct key_map *m, size_t n)
{
	if (n * 10 <= m->cap * 7)
		return true;
	size_t cap = m->cap ? m->cap : 1024;
	while (n * 10 > cap * 7)
		cap *= 2;
	struct key_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return false;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].a)
			*key_probe(slots, cap, m->slots[i].a, m->slots[i].b, m->slots[i].sid) = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return true;
}

static struct key_slot *key_get(struct key_map *m, uint32_t a, uint32_t b, uint32_t sid)
{
	if (!key_reserve(m, m->len + 1))
		return NULL;
	struct key_slot *s = key_probe(m->slots, m->cap, a, b, sid);
	if (!s->a) {
		s->a = a;
		s->b = b;
		s->sid = sid;
		m->len++;
	}
	return s;
}

/* A second-pass error with a ready message (upstream links, cycles). */
static void row_error(struct csv_import *im, long line, enum qerr code, const char *slug, const char *field,
		      const char *message)
{
	struct qerror e;
	qerr_clear(&e);
	qerr_set(&e, code, slug, field, "%s", message);
	csv_import_error(im, line, &e);
}

/* The graph version moves when an import changed anything (the snapshot catches up by it). */
static enum qerr bump_if_changed(struct csv_import *im, struct qerror *err)
{
	return im->inserted + im->updated > 0 ? chainmap_bump_graph_version(im->db, err) : QERR_OK;
}

/* The finish of the segment and capability imports: nothing but the version bump. */
static enum qerr finish_bump(void *ctx, struct csv_import *im, struct qerror *err)
{
	(void)ctx;
	return bump_if_changed(im, err);
}

/* A failure's code: err's, or internal if a callee forgot to fill it. */
static enum qerr failed(const struct qerror *err)
{
	return err->code ? err->code : QERR_INTERNAL;
}

/* Loads every chain (key "chain") and segment (key "chain/code", value sid). */
static enum qerr load_segments(struct db *db, struct strmap *chains, struct strmap *segs, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT id FROM chains", err);
	if (!st)
		return err->code;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		if (!strmap_put(chains, db_col_text(st, 0))) {
			db_reset(st);
			return oom(err);
		}
	if (rc < 0)
		return err->code;
	st = db_prepare(db, "SELECT sid,chain_id,code FROM segments", err);
	if (!st)
		return err->code;
	while ((rc = db_step(st, err)) == DB_ROW) {
		char key[2 * CHAINMAP_CODE_MAX + 2];
		segment_key(key, sizeof key, db_col_text(st, 1), db_col_text(st, 2));
		struct strmap_slot *s = strmap_put(segs, key);
		if (!s) {
			db_reset(st);
			return oom(err);
		}
		s->value = db_col_int64(st, 0);
	}
	return rc < 0 ? err->code : QERR_OK;
}

/* The sid of (chain, segment) from the maps, or 0 after filling rowerr. */
static int64_t lookup_segment(const struct strmap *chains, const struct strmap *segs, const char *chain,
			      const char *code, struct qerror *rowerr)
{
	char key[2 * CHAINMAP_CODE_MAX + 2];
	if (chainmap_code_ok(chain) && chainmap_code_ok(code)) {
		segment_key(key, sizeof key, chain, code);
		const struct strmap_slot *s = strmap_find(segs, key);
		if (s)
			return s->value;
	}
	if (!chainmap_code_ok(chain))
		chainmap_check_code(chain, "chain", rowerr);
	else if (!strmap_find(chains, chain))
		qerr_set(rowerr, QERR_INVALID, "chain_not_found", "chain", "产业链'%s'不存在 (no chain '%s')", chain,
			 chain);
	else if (!chainmap_code_ok(code))
		chainmap_check_code(code, "segment", rowerr);
	else
		qerr_set(rowerr, QERR_INVALID, "segment_not_found", "segment",
			 "产业链'%s'没有环节'%s' (chain '%s' has no segment '%s')", chain, code, chain, code);
	return 0;
}

/* Checks a USCC column into canon; fills rowerr naming field otherwise. */
static bool row_uscc(const char *text, const char *field, char canon[USCC_LEN + 1], struct qerror *rowerr)
{
	if (uscc_check(text, canon, rowerr) == QERR_OK)
		return true;
	snprintf(rowerr->field, sizeof rowerr->field, "%s", field);
	return false;
}

static bool may_import(const struct actor *a)
{
	return a->org_type == ORG_OPERATOR || a->org_type == ORG_LARGE || a->org_type == ORG_SME;
}

/* ---------- segments ---------- */

struct seg_row {
	long line;
	size_t chain; /* index into seg_import.chains */
	char code[CHAINMAP_CODE_MAX + 1];
	char *name;
	char (*up)[CHAINMAP_CODE_MAX + 1];
	size_t nup;
	long node; /* index in the chain's graph while it is checked */
};

struct seg_chain {
	char id[CHAINMAP_CODE_MAX + 1];
	char *name; /* chain_name from the file, NULL if every row left it empty */
	long name_line, first_line;
};

struct seg_import {
	struct seg_row *rows;
	size_t nrows, rows_cap;
	struct seg_chain *chains;
	size_t nchains, chains_cap;
	struct strmap chain_index; /* chain id -> index */
	struct strmap seen;	   /* "chain/code" -> first line */
};

static void seg_import_free(struct seg_import *s)
{
	for (size_t i = 0; i < s->nrows; i++) {
		free(s->rows[i].name);
		free(s->rows[i].up);
	}
	for (size_t i = 0; i < s->nchains; i++)
		free(s->chains[i].name);
	free(s->rows);
	free(s->chains);
	strmap_free(&s->chain_index);
	strmap_free(&s->seen);
}

/* Splits "a; b;c" into codes; empty entries are skipped, repeats dropped. */
static bool parse_upstream(const char *text, struct seg_row *row, struct qerror *rowerr)
{
	size_t max = 1;
	for (const char *p = text; *p; p++)
		max += *p == ';';
	row->up = calloc(max, sizeof *row->up);
	if (!row->up) {
		oom(rowerr);
		return false;
	}
	const char *p = text;
	while (*p) {
		const char *end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		const char *s = p, *e = end;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > s) {
			char code[CHAINMAP_CODE_MAX + 2];
			size_t n = (size_t)(e - s);
			if (n > CHAINMAP_CODE_MAX)
				n = CHAINMAP_CODE_MAX + 1; /* too long: fails the check below */
			memcpy(code, s, n);
			code[n] = 0;
			if (chainmap_check_code(code, "upstream", rowerr))
				return false;
			bool repeat = false;
			for (size_t i = 0; i < row->nup && !repeat; i++)
				repeat = strcmp(row->up[i], code) == 0;
			if (!repeat)
				memcpy(row->up[row->nup++], code, strlen(code) + 1);
		}
		p = *end ? end + 1 : end;
	}
	return true;
}

/* Validates one row and adds it to s; false with rowerr for a bad row (or out of memory, rowerr says). */
static bool seg_read_row(struct seg_import *s, struct csv_reader *r, struct qerror *rowerr)
{
	const char *chain = r->field[0], *chain_name = r->field[1], *code = r->field[2], *name = r->field[3];
	long line = r->record_line;
	if (chainmap_check_code(chain, "chain", rowerr) ||
	    (*chain_name && chainmap_check_name(chain_name, "chain_name", rowerr)) ||
	    chainmap_check_code(code, "segment", rowerr) || chainmap_check_name(name, "segment_name", rowerr))
		return false;
	char key[2 * CHAINMAP_CODE_MAX + 2];
	segment_key(key, sizeof key, chain, code);
	struct strmap_slot *seen = strmap_put(&s->seen, key);
	if (!seen)
		return oom(rowerr), false;
	if (seen->aux) {
		qerr_set(rowerr, QERR_INVALID, "duplicate_segment", "segment",
			 "环节与第%ld行重复 (segment repeats line %ld)", (long)seen->aux, (long)seen->aux);
		return false;
	}
	seen->aux = line;
	struct strmap_slot *ci = strmap_put(&s->chain_index, chain);
	if (!ci)
		return oom(rowerr), false;
	if (!ci->aux) {
		if (s->nchains == s->chains_cap) {
			size_t cap = s->chains_cap ? s->chains_cap * 2 : 8;
			struct seg_chain *c = realloc(s->chains, cap * sizeof *c);
			if (!c)
				return oom(rowerr), false;
			s->chains = c;
			s->chains_cap = cap;
		}
		struct seg_chain *c = &s->chains[s->nchains];
		memset(c, 0, sizeof *c);
		snprintf(c->id, sizeof c->id, "%s", chain);
		c->first_line = line;
		ci->value = (int64_t)s->nchains++;
		ci->aux = line;
	}
	struct seg_chain *c = &s->chains[ci->value];
	if (*chain_name) {
		if (!c->name) {
			c->name = strdup(chain_name);
			if (!c->name)
				return oom(rowerr), false;
			c->name_line = line;
		} else if (strcmp(c->name, chain_name) != 0) {
			qerr_set(rowerr, QERR_INVALID, "chain_name_conflict", "chain_name",
				 "产业链名称与第%ld行不同 (chain_name differs from line %ld)", c->name_line,
				 c->name_line);
			return false;
		}
	}
	struct seg_row row = {.line = line, .chain = (size_t)ci->value, .node = -1};
	snprintf(row.code, sizeof row.code, "%s", code);
	if (!parse_upstream(r->field[4], &row, rowerr)) {
		free(row.up);
		return false;
	}
	row.name = strdup(name);
	if (s->nrows == s->rows_cap) {
		size_t cap = s->rows_cap ? s->rows_cap * 2 : 64;
		struct seg_row *rows = realloc(s->rows, cap * sizeof *rows);
		if (rows) {
			s->rows = rows;
			s->rows_cap = cap;
		}
	}
	if (!row.name || s->nrows == s->rows_cap) {
		free(row.name);
		free(row.up);
		return oom(rowerr), false;
	}
	s->rows[s->nrows++] = row;
	return true;
}

/* Writes the chain's rows (graph g already has every node, edges from the file for listed nodes). */
static enum qerr seg_write_chain(struct db *db, struct seg_import *s, size_t ci, struct chain_graph *g,
				 struct csv_import *im, struct qerror *err)
{
	struct seg_chain *c = &s->chains[ci];
	char ts[32];
	util_now_iso(ts, sizeof ts);
	struct db_stmt *st;
	if (c->name) {
		st = db_prepare(db,
				"INSERT INTO chains(id,name,name_en,created_at) VALUES(?,?,'',?)"
				" ON CONFLICT(id) DO UPDATE SET name=excluded.name",
				err);
		if (!st)
			return err->code;
		db_bind_text_ref(st, 1, c->id, strlen(c->id));
		db_bind_text_ref(st, 2, c->name, strlen(c->name));
		db_bind_text_ref(st, 3, ts, strlen(ts));
		if (db_run(st, err))
			return err->code;
	}
	/* Every segment first, so links can name segments further down the file. */
	for (size_t i = 0; i < s->nrows; i++) {
		struct seg_row *row = &s->rows[i];
		if (row->chain != ci)
			continue;
		if (g->sid[row->node]) {
			st = db_prepare(db, "UPDATE segments SET name=? WHERE sid=?", err);
			if (!st)
				return err->code;
			db_bind_text_ref(st, 1, row->name, strlen(row->name));
			db_bind_int64(st, 2, g->sid[row->node]);
			if (db_run(st, err))
				return err->code;
			im->updated++;
		} else {
			st =
			    db_prepare(db, "INSERT INTO segments(chain_id,code,name) VALUES(?,?,?) RETURNING sid", err);
			if (!st)
				return err->code;
			db_bind_text_ref(st, 1, c->id, strlen(c->id));
			db_bind_text_ref(st, 2, row->code, strlen(row->code));
			db_bind_text_ref(st, 3, row->name, strlen(row->name));
			if (db_scalar_int64(st, &g->sid[row->node], err))
				return err->code;
			im->inserted++;
		}
	}
	for (size_t i = 0; i < s->nrows; i++) {
		struct seg_row *row = &s->rows[i];
		if (row->chain != ci)
			continue;
		st = db_prepare(db, "DELETE FROM segment_links WHERE downstream=?", err);
		if (!st)
			return err->code;
		db_bind_int64(st, 1, g->sid[row->node]);
		if (db_run(st, err))
			return err->code;
		for (size_t k = 0; k < row->nup; k++) {
			long u = chainmap_graph_find(g, row->up[k]);
			st = db_prepare(db,
					"INSERT INTO segment_links(upstream,downstream) VALUES(?,?)"
					" ON CONFLICT(upstream,downstream) DO NOTHING",
					err);
			if (!st)
				return err->code;
			db_bind_int64(st, 1, g->sid[u]);
			db_bind_int64(st, 2, g->sid[row->node]);
			if (db_run(st, err))
				return err->code;
		}
	}
	return QERR_OK;
}

#define MAX_CYCLES_REPORTED 10

/*
 * Checks one chain of the file against the database: the chain exists or is
 * named, every upstream id resolves, and the links (the file's for the
 * segments it lists, the database's for the others) have no cycle. Writes
 * the chain when the whole file is clean so far.
 */
static enum qerr seg_check_chain(struct db *db, struct seg_import *s, size_t ci, struct csv_import *im,
				 struct qerror *err)
{
	struct seg_chain *c = &s->chains[ci];
	size_t listed = 0;
	for (size_t i = 0; i < s->nrows; i++)
		listed += s->rows[i].chain == ci;
	struct chain_graph g;
	long *rank = NULL;
	uint32_t *cycle = NULL;
	bool *in_file = NULL;
	enum qerr rc = chainmap_graph_load(db, c->id, listed, &g, err);
	if (rc)
		goto out;
	if (!c->name && g.n == 0) {
		struct db_stmt *st = db_prepare(db, "SELECT 1 FROM chains WHERE id=?", err);
		if (!st) {
			rc = err->code;
			goto out;
		}
		db_bind_text_ref(st, 1, c->id, strlen(c->id));
		int got = db_step(st, err);
		db_reset(st);
		if (got < 0) {
			rc = err->code;
			goto out;
		}
		if (got != DB_ROW) {
			char msg[240];
			snprintf(msg, sizeof msg,
				 "产业链'%s'不存在；在chain_name列给出名称即可创建 (chain '%s' does not exist; give "
				 "chain_name to create it)",
				 c->id, c->id);
			row_error(im, c->first_line, QERR_INVALID, "chain_not_found", "chain_name", msg);
			goto out;
		}
	}
	size_t total = g.n + listed;
	rank = malloc((total + 1) * sizeof *rank);
	cycle = malloc((total + 1) * sizeof *cycle);
	in_file = calloc(total + 1, sizeof *in_file);
	if (!rank || !cycle || !in_file) {
		rc = oom(err);
		goto out;
	}
	for (size_t v = 0; v < total; v++)
		rank[v] = LONG_MAX;
	for (size_t i = 0; i < s->nrows; i++) {
		struct seg_row *row = &s->rows[i];
		if (row->chain != ci)
			continue;
		long v = chainmap_graph_find(&g, row->code);
		if (v < 0) {
			v = (long)g.n++;
			g.sid[v] = 0;
			snprintf(g.code[v], sizeof g.code[0], "%s", row->code);
		}
		row->node = v;
		rank[v] = row->line;
		in_file[v] = true;
	}
	/* The file's upstream lists replace the stored links into the segments it lists. */
	size_t k = 0, nlinks = 0;
	for (size_t e = 0; e < g.nedges; e++)
		if (!in_file[g.edges[e].down])
			g.edges[k++] = g.edges[e];
	g.nedges = k;
	for (size_t i = 0; i < s->nrows; i++)
		nlinks += s->rows[i].chain == ci ? s->rows[i].nup : 0;
	struct seg_edge *edges = realloc(g.edges, (g.nedges + nlinks + 1) * sizeof *edges);
	if (!edges) {
		rc = oom(err);
		goto out;
	}
	g.edges = edges;
	for (size_t i = 0; i < s->nrows; i++) {
		struct seg_row *row = &s->rows[i];
		if (row->chain != ci)
			continue;
		for (size_t u = 0; u < row->nup; u++) {
			long v = chainmap_graph_find(&g, row->up[u]);
			char key[2 * CHAINMAP_CODE_MAX + 2];
			segment_key(key, sizeof key, c->id, row->up[u]);
			if (v < 0 && strmap_find(&s->seen, key))
				continue; /* listed on a row that was itself bad: that row's error says enough */
			if (v < 0) {
				char msg[240];
				snprintf(msg, sizeof msg,
					 "上游环节'%s'既不在文件中也不在产业链'%s'中 (upstream '%s' is neither in the "
					 "file nor in chain '%s')",
					 row->up[u], c->id, row->up[u], c->id);
				row_error(im, row->line, QERR_INVALID, "upstream_not_found", "upstream", msg);
				continue;
			}
			g.edges[g.nedges++] = (struct seg_edge){(uint32_t)v, (uint32_t)row->node};
		}
	}
	for (int round = 0; round < MAX_CYCLES_REPORTED; round++) {
		long len = chainmap_find_cycle(g.n, g.edges, g.nedges, rank, cycle);
		if (len < 0) {
			rc = oom(err);
			goto out;
		}
		if (len == 0)
			break;
		char path[200], msg[300];
		chainmap_format_cycle(&g, cycle, len, path, sizeof path);
		snprintf(msg, sizeof msg, "上游关系成环 (upstream links form a cycle): %s", path);
		row_error(im, rank[cycle[0]] != LONG_MAX ? rank[cycle[0]] : c->first_line, QERR_INVALID,
			  "segment_cycle", "upstream", msg);
		/* Cut the cycle's closing link and look for another. */
		uint32_t from = cycle[len - 1], to = cycle[0];
		k = 0;
		for (size_t e = 0; e < g.nedges; e++)
			if (g.edges[e].up != from || g.edges[e].down != to)
				g.edges[k++] = g.edges[e];
		g.nedges = k;
	}
	if (!im->nerrors)
		rc = seg_write_chain(db, s, ci, &g, im, err);
out:
	free(rank);
	free(cycle);
	free(in_file);
	chainmap_graph_free(&g);
	return rc;
}

/* Pass 1: every row is read and checked on its own, nothing written yet. */
static enum qerr seg_row(void *ctx, struct csv_import *im, struct qerror *rowerr, struct qerror *err)
{
	if (seg_read_row(ctx, &im->r, rowerr) || rowerr->code != QERR_INTERNAL)
		return QERR_OK;
	return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
}

/* Pass 2, also after a bad row (so its errors are reported too): each chain against the database. */
static enum qerr seg_end(void *ctx, struct csv_import *im, struct qerror *err)
{
	struct seg_import *s = ctx;
	enum qerr rc = QERR_OK;
	for (size_t ci = 0; ci < s->nchains && !rc; ci++)
		rc = seg_check_chain(im->db, s, ci, im, err);
	return rc;
}

static const struct csv_import_ops segment_ops = {
    .columns = segment_columns,
    .ncolumns = 5,
    .header = SEGMENTS_CSV_HEADER,
    .audit_action = "segments.import",
    .audit_object = "segment",
    .row = seg_row,
    .end = seg_end,
    .finish = finish_bump,
};

enum qerr chainmap_import_segments(struct db *db, const struct actor *a, const char *data, size_t len,
				   chainmap_progress_fn progress, void *ctx, json_t **report, struct qerror *err)
{
	*report = NULL;
	qerr_clear(err);
	if (a->org_type != ORG_OPERATOR)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"只有运营方可以导入产业链环节 (only the operator imports segments)");
	struct seg_import s = {0};
	enum qerr rc = csv_import_run(db, a, &segment_ops, &s, data, len, progress, ctx, report, err);
	seg_import_free(&s);
	return rc;
}

/* ---------- capabilities ---------- */

struct ref_import {
	size_t len, row_bytes;
	bool sort_heavy; /* big relation files rebuild their indexes: sort in small runs */
	struct resolver res;
	struct strmap chains, segs;
	struct key_map keys;
	int64_t existing;   /* relations: the largest id before the import */
	char ts[32];	    /* relations: updated_at of every row */
	bool fk_off;	    /* foreign key checks are off on this connection until ref_import_free */
	int64_t temp_store; /* the connection's temp_store to restore, -1 if untouched */
	long upserted;	    /* relations written by the small-file upsert (rel_count_created splits them) */
};

static void ref_import_free(struct db *db, struct ref_import *x)
{
	struct qerror e = {0};
	/* per-backend: SQLite connection settings changed for the import (see ref_import_begin) */
	if (x->fk_off || x->temp_store >= 0)
		db_rollback(db); /* no-op after a commit; these pragmas do nothing inside a transaction */
	if (x->fk_off)
		db_exec(db, "PRAGMA foreign_keys=ON", &e);
	if (x->temp_store >= 0) {
		char sql[40];
		snprintf(sql, sizeof sql, "PRAGMA temp_store=%d", (int)x->temp_store);
		db_exec(db, sql, &e);
	}
	free(x->res.map.slots);
	strmap_free(&x->chains);
	strmap_free(&x->segs);
	free(x->keys.slots);
}

/*
 * Common start of the capability and relation imports, before the
 * transaction. Every reference a row makes is checked by the import itself,
 * inside the same write transaction, before the row is written, so SQLite's
 * own foreign key checks (three B-tree lookups per row) only repeat them:
 * they are off until ref_import_free.
 */
static enum qerr ref_import_prepare(void *ctx, struct csv_import *im, struct qerror *err)
{
	struct ref_import *x = ctx;
	struct db *db = im->db;
	/* per-backend: SQLite pragmas (foreign key checks, temp_store), changeable only outside a transaction */
	if (db_is_pg(db))
		return QERR_OK; /* PostgreSQL keeps its foreign key checks */
	if (db_exec(db, "PRAGMA foreign_keys=OFF", err))
		return err->code;
	x->fk_off = true;
	if (x->sort_heavy) {
		/*
		 * Rebuilding an index sorts every key. SQLite sorts runs the size of the
		 * page cache; with temporary files in memory (our default) and a large
		 * cache that is a cache-missing merge of linked lists, about twice the
		 * CPU of small runs in temporary files merged in one streaming pass.
		 * temp_store can only change outside a transaction, so it changes now.
		 */
		if (db_query_int64(db, "PRAGMA temp_store", &x->temp_store, err) ||
		    db_exec(db, "PRAGMA temp_store=FILE", err))
			return err->code ? err->code : QERR_INTERNAL;
	}
	return QERR_OK;
}

/* Inside the transaction: maps of segments and (for big files) enterprises. */
static enum qerr ref_import_begin(struct ref_import *x, struct db *db, struct qerror *err)
{
	if (load_segments(db, &x->chains, &x->segs, err))
		return err->code;
	int64_t enterprises, max_sid;
	if (db_query_int64(db, "SELECT coalesce(max(id),0) FROM enterprises", &enterprises, err) ||
	    db_query_int64(db, "SELECT coalesce(max(sid),0) FROM segments", &max_sid, err))
		return err->code ? err->code : QERR_INTERNAL;
	if (enterprises > (int64_t)UINT32_MAX || max_sid > (int64_t)UINT32_MAX)
		return qerr_set(err, QERR_INTERNAL, "ids_too_large", NULL, "enterprise or segment ids beyond 2^32");
	/* A map of every USCC costs a table scan; it pays off once the file has a fair share of the rows. */
	int64_t estimate = (int64_t)(x->len / x->row_bytes);
	x->res.db = db;
	x->res.use_map = estimate * 16 >= enterprises;
	if (x->res.use_map && uscc_map_load(db, &x->res.map, enterprises, err))
		return err->code;
	return QERR_OK;
}

static bool owner_ok(const struct actor *a, int64_t owner)
{
	return a->org_type == ORG_OPERATOR || (owner && owner == a->org_id);
}

/* Validates one capability row; returns false with rowerr for a bad row. Sets *slot for the write. */
static bool cap_check_row(struct ref_import *x, struct csv_import *im, int64_t *enterprise_id, int64_t *sid,
			  int64_t *capacity, struct key_slot **slot, struct qerror *rowerr, struct qerror *err)
{
	struct csv_reader *r = &im->r;
	char uscc[USCC_LEN + 1];
	if (!row_uscc(r->field[0], "uscc", uscc, rowerr))
		return false;
	*sid = lookup_segment(&x->chains, &x->segs, r->field[1], r->field[2], rowerr);
	if (!*sid)
		return false;
	*capacity = -1;
	if (r->field[3][0] && !util_parse_i64(r->field[3], 0, INT64_MAX, capacity)) {
		qerr_set(rowerr, QERR_INVALID, "invalid_capacity", "capacity",
			 "产能应为非负整数或留空 (capacity must be a whole number 0 or more, or empty)");
		return false;
	}
	int64_t owner;
	if (resolve(&x->res, uscc, enterprise_id, &owner, err))
		return false;
	if (!*enterprise_id) {
		qerr_set(rowerr, QERR_INVALID, "enterprise_not_found", "uscc",
			 "企业未登记 (no enterprise with USCC %s)", uscc);
		return false;
	}
	if (!owner_ok(im->actor, owner)) {
		qerr_set(rowerr, QERR_FORBIDDEN, "not_owner", "uscc",
			 "该企业属于其他组织 (this enterprise belongs to another organisation)");
		return false;
	}
	*slot = key_get(&x->keys, (uint32_t)*enterprise_id, 0, (uint32_t)*sid);
	if (!*slot) {
		oom(err);
		return false;
	}
	if ((*slot)->line) {
		qerr_set(rowerr, QERR_INVALID, "duplicate_capability", "segment",
			 "同一企业同一环节与第%u行重复 (same enterprise and segment as line %u)", (*slot)->line,
			 (*slot)->line);
		return false;
	}
	(*slot)->line = im->line > UINT32_MAX ? UINT32_MAX : (uint32_t)im->line;
	return true;
}

static enum qerr cap_begin(void *ctx, struct csv_import *im, struct qerror *err)
{
	return ref_import_begin(ctx, im->db, err);
}

static enum qerr cap_row(void *ctx, struct csv_import *im, struct qerror *rowerr, struct qerror *err)
{
	struct db *db = im->db;
	int64_t eid, sid, capacity;
	struct key_slot *slot = NULL;
	if (!cap_check_row(ctx, im, &eid, &sid, &capacity, &slot, rowerr, err))
		return err->code; /* QERR_OK for a bad row */
	if (im->rejected)
		return QERR_OK; /* keep validating, but stop writing: it will be rolled back */
	struct db_stmt *st =
	    db_prepare(db, "UPDATE capabilities SET capacity=?3 WHERE enterprise_id=?1 AND sid=?2", err);
	if (!st)
		return failed(err);
	db_bind_int64(st, 1, eid);
	db_bind_int64(st, 2, sid);
	if (capacity >= 0)
		db_bind_int64(st, 3, capacity);
	if (db_run(st, err))
		return failed(err);
	if (db_changes(db)) {
		im->updated++;
		return QERR_OK;
	}
	st = db_prepare(db, "INSERT INTO capabilities(enterprise_id,sid,capacity) VALUES(?1,?2,?3)", err);
	if (!st)
		return failed(err);
	db_bind_int64(st, 1, eid);
	db_bind_int64(st, 2, sid);
	if (capacity >= 0)
		db_bind_int64(st, 3, capacity);
	if (db_run(st, err))
		return failed(err);
	im->inserted++;
	return QERR_OK;
}

static const struct csv_import_ops capability_ops = {
    .columns = capability_columns,
    .ncolumns = 4,
    .header = CAPABILITIES_CSV_HEADER,
    .audit_action = "capabilities.import",
    .audit_object = "capability",
    .prepare = ref_import_prepare,
    .begin = cap_begin,
    .row = cap_row,
    .finish = finish_bump,
};

enum qerr chainmap_import_capabilities(struct db *db, const struct actor *a, const char *data, size_t len,
				       chainmap_progress_fn progress, void *ctx, json_t **report, struct qerror *err)
{
	*report = NULL;
	qerr_clear(err);
	if (!may_import(a))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"this organisation may not import capabilities");
	struct ref_import x = {.len = len, .row_bytes = CAPABILITY_EST_ROW_BYTES, .temp_store = -1};
	enum qerr rc = csv_import_run(db, a, &capability_ops, &x, data, len, progress, ctx, report, err);
	ref_import_free(db, &x);
	return rc;
}

/* ---------- relations ---------- */

struct rel_row {
	int64_t buyer, supplier, sid, amount;
	struct key_slot *slot;
};

static bool rel_check_row(struct ref_import *x, struct csv_import *im, struct rel_row *row, struct qerror *rowerr,
			  struct qerror *err)
{
	struct csv_reader *r = &im->r;
	char b[USCC_LEN + 1], s[USCC_LEN + 1];
	if (!row_uscc(r->field[0], "buyer_uscc", b, rowerr) || !row_uscc(r->field[1], "supplier_uscc", s, rowerr))
		return false;
	if (memcmp(b, s, USCC_LEN) == 0) {
		qerr_set(rowerr, QERR_INVALID, "same_enterprise", "supplier_uscc",
			 "采购方与供应方不能是同一企业 (buyer and supplier must differ)");
		return false;
	}
	row->sid = lookup_segment(&x->chains, &x->segs, r->field[2], r->field[3], rowerr);
	if (!row->sid)
		return false;
	if (!util_parse_i64(r->field[4], 0, INT64_MAX, &row->amount)) {
		qerr_set(rowerr, QERR_INVALID, "invalid_amount", "annual_amount_fen",
			 "年采购额应为非负整数，单位为分 (annual_amount_fen must be a whole number of fen, 0 or more)");
		return false;
	}
	int64_t buyer_org, supplier_org;
	if (resolve(&x->res, b, &row->buyer, &buyer_org, err) ||
	    resolve(&x->res, s, &row->supplier, &supplier_org, err))
		return false;
	if (!row->buyer) {
		qerr_set(rowerr, QERR_INVALID, "enterprise_not_found", "buyer_uscc",
			 "采购方企业未登记 (buyer %s is not registered)", b);
		return false;
	}
	if (!row->supplier) {
		qerr_set(rowerr, QERR_INVALID, "enterprise_not_found", "supplier_uscc",
			 "供应方企业未登记 (supplier %s is not registered)", s);
		return false;
	}
	if (!owner_ok(im->actor, buyer_org)) {
		qerr_set(rowerr, QERR_FORBIDDEN, "not_owner", "buyer_uscc",
			 "只有采购方所属组织可以导入其供应关系 (only the buyer's organisation imports its relations)");
		return false;
	}
	row->slot = key_get(&x->keys, (uint32_t)row->buyer, (uint32_t)row->supplier, (uint32_t)row->sid);
	if (!row->slot) {
		oom(err);
		return false;
	}
	if (row->slot->line) {
		qerr_set(rowerr, QERR_INVALID, "duplicate_relation", "segment",
			 "同一采购方、供应方和环节与第%u行重复 (same buyer, supplier and segment as line %u)",
			 row->slot->line, row->slot->line);
		return false;
	}
	row->slot->line = im->line > UINT32_MAX ? UINT32_MAX : (uint32_t)im->line;
	return true;
}

/* Bulk path: every existing key with its row id, then the indexes go until the end of the import. */
static enum qerr rel_bulk_start(struct db *db, struct ref_import *x, int64_t existing, int64_t estimate,
				struct qerror *err)
{
	if (!key_reserve(&x->keys, (size_t)(existing + estimate)))
		return oom(err);
	struct db_stmt *st = db_prepare(db, "SELECT id,buyer_id,supplier_id,sid FROM relations", err);
	if (!st)
		return err->code;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct key_slot *s = key_get(&x->keys, (uint32_t)db_col_int64(st, 1), (uint32_t)db_col_int64(st, 2),
					     (uint32_t)db_col_int64(st, 3));
		if (!s) {
			db_reset(st);
			return oom(err);
		}
		s->id = db_col_int64(st, 0);
	}
	db_reset(st);
	if (rc < 0)
		return err->code;
	return db_exec(db, "DROP INDEX relations_key; DROP INDEX relations_supplier;", err);
}

/* Bulk path: rebuilds the indexes, sorting in small runs (see ref_import_begin). */
static enum qerr rel_bulk_finish(struct db *db, struct qerror *err)
{
	/* per-backend: SQLite's page cache size for the index sort */
	if (db_is_pg(db))
		return db_exec(db, RELATIONS_KEY_DDL ";" RELATIONS_SUPPLIER_DDL ";", err);
	int64_t cache;
	if (db_query_int64(db, "PRAGMA cache_size", &cache, err))
		return err->code;
	if (db_exec(db, "PRAGMA cache_size=-4096", err))
		return err->code;
	enum qerr rc = db_exec(db, RELATIONS_KEY_DDL ";" RELATIONS_SUPPLIER_DDL ";", err);
	char sql[48];
	snprintf(sql, sizeof sql, "PRAGMA cache_size=%lld", (long long)cache);
	struct qerror e = {0};
	db_exec(db, sql, rc ? &e : err);
	return rc ? rc : err->code;
}

/*
 * Writes one checked row. Bulk: the key map knows the existing row, so it is
 * updated by id or appended. Otherwise an upsert on the unique key, counted
 * in x->upserted and told apart by rel_count_created at the end.
 */
static enum qerr rel_write(struct csv_import *im, struct ref_import *x, const struct rel_row *row, struct qerror *err)
{
	struct db *db = im->db;
	const char *ts = x->ts;
	struct db_stmt *st;
	if (im->bulk && row->slot->id) {
		st = db_prepare(db, "UPDATE relations SET annual_amount_fen=?1,updated_at=?2 WHERE id=?3", err);
		if (!st)
			return err->code;
		db_bind_int64(st, 1, row->amount);
		db_bind_text_ref(st, 2, ts, strlen(ts));
		db_bind_int64(st, 3, row->slot->id);
		if (db_run(st, err))
			return err->code;
		im->updated++;
		return QERR_OK;
	}
	if (im->bulk) {
		st = db_prepare(db,
				"INSERT INTO relations(buyer_id,supplier_id,sid,annual_amount_fen,updated_at) "
				"VALUES(?1,?2,?3,?4,?5)",
				err);
	} else {
		st = db_prepare(
		    db,
		    "INSERT INTO relations(buyer_id,supplier_id,sid,annual_amount_fen,updated_at) "
		    "VALUES(?1,?2,?3,?4,?5)"
		    " ON CONFLICT(buyer_id,supplier_id,sid) DO UPDATE SET annual_amount_fen=excluded.annual_amount_fen,"
		    "updated_at=excluded.updated_at",
		    err);
	}
	if (!st)
		return err->code;
	db_bind_int64(st, 1, row->buyer);
	db_bind_int64(st, 2, row->supplier);
	db_bind_int64(st, 3, row->sid);
	db_bind_int64(st, 4, row->amount);
	db_bind_text_ref(st, 5, ts, strlen(ts));
	if (db_run(st, err))
		return err->code;
	if (im->bulk)
		im->inserted++;
	else
		x->upserted++;
	return QERR_OK;
}

/*
 * Splits the upserted rows into inserted and updated. The database gives a
 * new row an id above every id the table held (SQLite: max + 1; a sequence
 * on other backends; Qilian never writes ids itself), and each key is
 * written once per file, so within the import's write transaction the rows
 * created are exactly those above the largest id read at its start: one
 * range count at the end instead of a lookup per row (a lookup per row cost
 * 8 % more instructions on a 100 k row file). On PostgreSQL writers hold
 * the database's write lock, as on SQLite (or, with serialisable writes,
 * the import's snapshot sees no row another transaction adds meanwhile,
 * whatever id that row's sequence value is).
 */
static enum qerr rel_count_created(struct csv_import *im, struct ref_import *x, struct qerror *err)
{
	struct db *db = im->db;
	int64_t max_id_before = x->existing;
	int64_t created = 0;
	if (x->upserted) {
		struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM relations WHERE id>?", err);
		if (!st)
			return err->code;
		db_bind_int64(st, 1, max_id_before);
		if (db_scalar_int64(st, &created, err))
			return err->code;
	}
	im->inserted += created;
	im->updated += x->upserted - created;
	return QERR_OK;
}

/* Decides the path; the bulk path loads every key and drops the indexes until rel_finish. */
static enum qerr rel_begin(void *ctx, struct csv_import *im, struct qerror *err)
{
	struct ref_import *x = ctx;
	struct db *db = im->db;
	if (ref_import_begin(x, db, err))
		return failed(err);
	int64_t estimate = (int64_t)(x->len / RELATION_EST_ROW_BYTES);
	if (db_query_int64(db, "SELECT coalesce(max(id),0) FROM relations", &x->existing, err))
		return failed(err);
	/* Rebuilding the indexes costs time in proportion to the whole table: only when the file is a good part of it.
	 */
	im->bulk = estimate >= BULK_MIN_ROWS && estimate * 4 >= x->existing;
	if (im->bulk && !x->res.use_map) {
		x->res.use_map = true;
		if (uscc_map_load(db, &x->res.map, 0, err))
			return failed(err);
	}
	if (im->bulk && rel_bulk_start(db, x, x->existing, estimate, err))
		return failed(err);
	util_now_iso(x->ts, sizeof x->ts);
	return QERR_OK;
}

static enum qerr rel_row(void *ctx, struct csv_import *im, struct qerror *rowerr, struct qerror *err)
{
	struct rel_row row;
	if (!rel_check_row(ctx, im, &row, rowerr, err))
		return err->code; /* QERR_OK for a bad row */
	if (im->rejected)
		return QERR_OK; /* keep validating, but stop writing: it will be rolled back */
	return rel_write(im, ctx, &row, err);
}

static enum qerr rel_finish(void *ctx, struct csv_import *im, struct qerror *err)
{
	if ((im->bulk && rel_bulk_finish(im->db, err)) || rel_count_created(im, ctx, err))
		return failed(err);
	return bump_if_changed(im, err);
}

static const struct csv_import_ops relation_ops = {
    .columns = relation_columns,
    .ncolumns = 5,
    .header = RELATIONS_CSV_HEADER,
    .audit_action = "relations.import",
    .audit_object = "relation",
    .prepare = ref_import_prepare,
    .begin = rel_begin,
    .row = rel_row,
    .finish = rel_finish,
};

enum qerr chainmap_import_relations(struct db *db, const struct actor *a, const char *data, size_t len,
				    chainmap_progress_fn progress, void *ctx, json_t **report, struct qerror *err)
{
	*report = NULL;
	qerr_clear(err);
	if (!may_import(a))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "this organisation may not import relations");
	struct ref_import x = {.len = len,
			       .row_bytes = RELATION_EST_ROW_BYTES,
			       .sort_heavy = (int64_t)(len / RELATION_EST_ROW_BYTES) >= BULK_MIN_ROWS,
			       .temp_store = -1};
	enum qerr rc = csv_import_run(db, a, &relation_ops, &x, data, len, progress, ctx, report, err);
	ref_import_free(db, &x);
	return rc;
}
