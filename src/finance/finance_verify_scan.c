/*
 * finance_verify_scan.c - the one pass over finance_pieces that `finance
 * verify` makes (finance_verify.c orders and words what it finds).
 *
 * The pieces are read once, in id order (the primary key: no index is
 * needed), a page at a time so that PostgreSQL's client never holds more
 * than a page of rows. Everything a check needs from the other tables is
 * read before or after that pass: the certificates, the pending and decided
 * transfers and applications (as "expectations" keyed by the piece they
 * concern, sorted, so the pass merges them in id order), the holders'
 * organisations and enterprises (only the distinct ids the pieces name,
 * looked up in chunks) and the credit limits.
 *
 * The partition is proved through the tree rather than by sorting the live
 * pieces: if every piece with a parent lies in a split or transferred parent
 * of its certificate, every split piece's two children and every
 * transferred piece's one child tile it, and each active or settled
 * certificate has one root and it is [1, face], then the live pieces (the
 * leaves) tile [1, face]. (From any live piece the parents lead up to that
 * root: a loop of parents could only be made of transferred pieces with one
 * child each, since a split's children are smaller than it, so nothing hangs
 * from it.) That needs only the retired pieces in memory, 40 bytes each;
 * the live ones are checked as they pass, and a retired piece is forgotten
 * once its children are all there (they are normally made with it).
 */
#include "finance/finance_int.h"

#include <stdarg.h>
#include <stdlib.h>

#define NONE INT64_MAX /* "no piece yet" in a first-piece field: every real id is smaller */
#define NO_CERT UINT32_MAX
#define PIECE_PAGE 50000 /* rows per page of the pass (PostgreSQL's client holds a whole result) */
#define ID_CHUNK 64	 /* ids per IN (...) look-up */

enum vstate {
	VS_HELD,
	VS_PENDING_TRANSFER,
	VS_PENDING_DISCOUNT,
	VS_DISCOUNTED,
	VS_SETTLED,
	VS_SPLIT,
	VS_TRANSFERRED,
	VS_OTHER
};

static enum vstate vstate_of(const char *s)
{
	static const char *const names[] = {"held",  "pending_transfer", "pending_discount", "discounted", "settled",
					    "split", "transferred"};
	/* The first letters pick the one name to compare (this runs for every piece). */
	enum vstate v;
	switch (s[0]) {
	case 'h':
		v = VS_HELD;
		break;
	case 'p':
		v = strlen(s) > 8 && s[8] == 't' ? VS_PENDING_TRANSFER : VS_PENDING_DISCOUNT;
		break;
	case 'd':
		v = VS_DISCOUNTED;
		break;
	case 's':
		v = s[1] == 'e' ? VS_SETTLED : VS_SPLIT;
		break;
	case 't':
		v = VS_TRANSFERRED;
		break;
	default:
		return VS_OTHER;
	}
	return strcmp(s, names[v]) == 0 ? v : VS_OTHER;
}

struct vcert {
	int64_t id, face, issuer_org, issuer_id;
	int64_t outstanding;  /* live unsettled fen */
	int64_t roots, whole; /* pieces without a parent; those of them [1, face] */
	char status[12];
};

/* A split or transferred piece and what its children have covered so far. */
struct vparent {
	int64_t id, lo, hi, covered;
	uint32_t cert;
	uint8_t split, children, ends; /* ends: 1 a child starts at lo, 2 one ends at hi */
};
#define SLOT_FREE 0xff /* children of a reused slot's former piece */

/* A child met before its parent (a parent's id is normally smaller): checked after the pass. */
struct vchild {
	int64_t id, parent, lo, hi;
	uint32_t cert;
};

enum xkind { X_TRANSFER_PENDING, X_TRANSFER_ACCEPTED, X_APPLICATION_PENDING, X_APPLICATION_APPROVED };

/* What a transfer or application says of the piece `key` (INT64_MIN when the row names none). */
struct vexp {
	int64_t key, ref, parent, org, holder, amount;
	uint8_t kind;
	bool matched;
};

struct vorg {
	int64_t id, first_piece, first_unowned, first_discounted;
	int64_t receivable;
	bool found, bank;
};

struct vent {
	int64_t id, first_piece;
	bool found;
};

struct vlimit {
	int64_t bank, issuer, discounted, first_piece;
	bool found;
};

/* Open addressing from (a, b) to an index into one of the arrays above. */
struct vmap {
	int64_t *ka, *kb;
	uint32_t *val; /* UINT32_MAX: empty */
	size_t cap, n;
};

struct vrow {
	int64_t id, cert, parent, lo, hi, org, holder, transfer, application;
	bool has_parent, has_holder, has_transfer, has_application;
	enum vstate state;
};

struct scan {
	struct fin_vscan *out;
	struct qerror *err;
	struct vcert *certs;
	size_t ncerts, last_cert;
	struct vparent *parents;
	size_t nparents, capparents;
	/* While the retired pieces' ids are dense: pos[id - base] is the index in parents (UINT32_MAX: none). */
	uint32_t *pos;
	int64_t base;
	size_t npos;
	bool sparse;
	uint32_t *freed; /* slots of parents to reuse */
	size_t nfree, capfree;
	struct vchild *deferred;
	size_t ndeferred, capdeferred;
	struct vexp *exps;
	size_t nexps, capexps, cursor;
	struct vorg *orgs;
	size_t norgs, caporgs, last_org;
	struct vent *ents;
	size_t nents, capents, last_ent;
	struct vlimit *limits;
	size_t nlimits, caplimits;
	struct vmap orgmap, entmap, limitmap;
};

static enum qerr oom(struct scan *s)
{
	return qerr_set(s->err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory verifying the finance tables");
}

/* Makes room for one more element in *v (n used of *cap); false when out of memory. */
static bool grow(void **v, size_t size, size_t n, size_t *cap)
{
	if (n < *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 256;
	void *p = realloc(*v, c * size);
	if (!p)
		return false;
	*v = p;
	*cap = c;
	return true;
}
#define GROW(s, arr, n, cap) grow((void **)&(s)->arr, sizeof *(s)->arr, (s)->n, &(s)->cap)

/* The first break of the partition or the tree the pass meets. */
static void broken(struct scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void broken(struct scan *s, const char *fmt, ...)
{
	if (!s->out->partition_ok)
		return;
	s->out->partition_ok = false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->out->partition_msg, sizeof s->out->partition_msg, fmt, ap);
	va_end(ap);
}

/* Keeps the smallest (a, b) a check finds. */
static void found(struct scan *s, enum fin_vfind_kind k, int64_t a, int64_t b)
{
	struct fin_vfind *f = &s->out->find[k];
	if (!f->hit || a < f->a || (a == f->a && b < f->b)) {
		f->hit = true;
		f->a = a;
		f->b = b;
	}
}

static int64_t add_sat(int64_t a, int64_t b)
{
	int64_t r;
	return __builtin_add_overflow(a, b, &r) ? INT64_MAX : r;
}

/* ---- the map ---- */

static size_t vmap_slot(const struct vmap *m, int64_t a, int64_t b)
{
	uint64_t h = (uint64_t)a * 0x9E3779B97F4A7C15ull ^ (uint64_t)b * 0xC2B2AE3D27D4EB4Full;
	h ^= h >> 31;
	size_t i = (size_t)h & (m->cap - 1);
	while (m->val[i] != UINT32_MAX && (m->ka[i] != a || m->kb[i] != b))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static bool vmap_grow(struct vmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct vmap n = {.ka = malloc(cap * sizeof *n.ka),
			 .kb = malloc(cap * sizeof *n.kb),
			 .val = malloc(cap * sizeof *n.val),
			 .cap = cap,
			 .n = m->n};
	if (!n.ka || !n.kb || !n.val) {
		free(n.ka);
		free(n.kb);
		free(n.val);
		return false;
	}
	memset(n.val, 0xff, cap * sizeof *n.val);
	for (size_t i = 0; i < m->cap; i++)
		if (m->val[i] != UINT32_MAX) {
			size_t j = vmap_slot(&n, m->ka[i], m->kb[i]);
			n.ka[j] = m->ka[i];
			n.kb[j] = m->kb[i];
			n.val[j] = m->val[i];
		}
	free(m->ka);
	free(m->kb);
	free(m->val);
	*m = n;
	return true;
}

/* The index stored for (a, b); if none, stores next and sets *fresh. UINT32_MAX when out of memory. */
static uint32_t vmap_get(struct vmap *m, int64_t a, int64_t b, size_t next, bool *fresh)
{
	*fresh = false;
	if ((m->n + 1) * 2 > m->cap && !vmap_grow(m))
		return UINT32_MAX;
	size_t i = vmap_slot(m, a, b);
	if (m->val[i] == UINT32_MAX) {
		if (next >= UINT32_MAX)
			return UINT32_MAX;
		m->ka[i] = a;
		m->kb[i] = b;
		m->val[i] = (uint32_t)next;
		m->n++;
		*fresh = true;
	}
	return m->val[i];
}

static uint32_t vmap_find(const struct vmap *m, int64_t a, int64_t b)
{
	return m->cap ? m->val[vmap_slot(m, a, b)] : UINT32_MAX;
}

static void vmap_free(struct vmap *m)
{
	free(m->ka);
	free(m->kb);
	free(m->val);
}

/* ---- before the pass ---- */

static enum qerr load_certs(struct db *db, struct scan *s)
{
	size_t cap = 0;
	struct db_stmt *st = db_prepare_dynamic(
	    db, "SELECT id,face_fen,status,issuer_org,issuer_id FROM finance_certificates ORDER BY id", s->err);
	if (!st)
		return s->err->code;
	enum qerr rc = QERR_OK;
	int r;
	while ((r = db_step(st, s->err)) == DB_ROW) {
		if (!grow((void **)&s->certs, sizeof *s->certs, s->ncerts, &cap)) {
			rc = oom(s);
			break;
		}
		struct vcert *c = &s->certs[s->ncerts++];
		*c = (struct vcert){.id = db_col_int64(st, 0),
				    .face = db_col_int64(st, 1),
				    .issuer_org = db_col_int64(st, 3),
				    .issuer_id = db_col_int64(st, 4)};
		snprintf(c->status, sizeof c->status, "%s", db_col_text(st, 2));
	}
	if (!rc && r < 0)
		rc = s->err->code;
	db_finalize(st);
	s->out->certificates = (int64_t)s->ncerts;
	return rc;
}

static enum qerr push_exp(struct scan *s, struct vexp e)
{
	if (!GROW(s, exps, nexps, capexps))
		return oom(s);
	s->exps[s->nexps++] = e;
	return QERR_OK;
}

static int exp_cmp(const void *x, const void *y)
{
	const struct vexp *a = x, *b = y;
	return a->key < b->key ? -1 : a->key > b->key;
}

static int64_t col_or(struct db_stmt *st, int col, int64_t none)
{
	return db_col_is_null(st, col) ? none : db_col_int64(st, col);
}

/* What pending and accepted transfers and pending and approved applications say of their pieces. */
static enum qerr load_expectations(struct db *db, struct scan *s)
{
	struct db_stmt *t = db_prepare_dynamic(db,
					       "SELECT id,status,piece_id,received_piece_id,to_org,to_id,amount_fen"
					       " FROM finance_transfers WHERE status='pending' OR status='accepted'",
					       s->err);
	if (!t)
		return s->err->code;
	enum qerr rc = QERR_OK;
	int r;
	while (!rc && (r = db_step(t, s->err)) == DB_ROW) {
		bool pending = strcmp(db_col_text(t, 1), "pending") == 0;
		struct vexp e = {.ref = db_col_int64(t, 0), .amount = db_col_int64(t, 6)};
		if (pending) {
			e.kind = X_TRANSFER_PENDING;
			e.key = db_col_int64(t, 2);
		} else {
			e.kind = X_TRANSFER_ACCEPTED;
			e.key = col_or(t, 3, INT64_MIN);
			e.parent = db_col_int64(t, 2);
			e.org = db_col_int64(t, 4);
			e.holder = db_col_int64(t, 5);
		}
		rc = push_exp(s, e);
	}
	if (!rc && r < 0)
		rc = s->err->code;
	db_finalize(t);
	if (rc)
		return rc;
	struct db_stmt *a = db_prepare_dynamic(
	    db,
	    "SELECT a.id,a.status,a.bank_org,ap.piece_id,ap.bank_piece_id FROM finance_application_pieces ap"
	    " JOIN finance_applications a ON a.id=ap.application_id WHERE a.status='pending' OR a.status='approved'",
	    s->err);
	if (!a)
		return s->err->code;
	while (!rc && (r = db_step(a, s->err)) == DB_ROW) {
		struct vexp e = {.ref = db_col_int64(a, 0)};
		if (strcmp(db_col_text(a, 1), "pending") == 0) {
			e.kind = X_APPLICATION_PENDING;
			e.key = db_col_int64(a, 3);
		} else {
			e.kind = X_APPLICATION_APPROVED;
			e.key = col_or(a, 4, INT64_MIN);
			e.parent = db_col_int64(a, 3);
			e.org = db_col_int64(a, 2);
		}
		rc = push_exp(s, e);
	}
	if (!rc && r < 0)
		rc = s->err->code;
	db_finalize(a);
	if (!rc && s->nexps > 1)
		qsort(s->exps, s->nexps, sizeof *s->exps, exp_cmp);
	return rc;
}

/* ---- the pass ---- */

static struct vcert *cert_of(struct scan *s, int64_t id)
{
	if (s->last_cert < s->ncerts && s->certs[s->last_cert].id == id)
		return &s->certs[s->last_cert];
	size_t lo = 0, hi = s->ncerts;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->certs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == s->ncerts || s->certs[lo].id != id)
		return NULL;
	s->last_cert = lo;
	return &s->certs[lo];
}

#define POS_NONE UINT32_MAX	  /* not a retired piece */
#define POS_DONE (UINT32_MAX - 1) /* a retired piece whose children are all there */

/* The retired piece id while its children are still coming; NULL if none (*done: its children are all there). */
static struct vparent *parent_of(struct scan *s, int64_t id, bool *done)
{
	*done = false;
	if (!s->sparse) {
		if (id < s->base || (uint64_t)id - (uint64_t)s->base >= s->npos)
			return NULL;
		uint32_t k = s->pos[(uint64_t)id - (uint64_t)s->base];
		*done = k == POS_DONE;
		return k >= POS_DONE ? NULL : &s->parents[k];
	}
	size_t lo = 0, hi = s->nparents;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->parents[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nparents && s->parents[lo].id == id ? &s->parents[lo] : NULL;
}

static int parent_cmp(const void *x, const void *y)
{
	const struct vparent *a = x, *b = y;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Leaves the dense index for binary search: the parents still open, sorted by id, kept whole from now on. */
static void go_sparse(struct scan *s)
{
	size_t w = 0;
	for (size_t i = 0; i < s->nparents; i++)
		if (s->parents[i].children != SLOT_FREE)
			s->parents[w++] = s->parents[i];
	s->nparents = w;
	qsort(s->parents, s->nparents, sizeof *s->parents, parent_cmp);
	s->sparse = true;
	s->nfree = 0;
	free(s->pos);
	s->pos = NULL;
	s->npos = 0;
}

/*
 * Adds the retired piece p. While ids are dense (fewer gaps than pieces),
 * pos[id - base] finds its slot, and a slot is reused once the piece's
 * children are all there, so only the pieces still waiting for children take
 * memory; otherwise every retired piece is kept, sorted by id.
 */
static enum qerr push_parent(struct scan *s, const struct vparent *p)
{
	uint64_t at = 0;
	if (!s->sparse) {
		if (s->npos == 0)
			s->base = p->id;
		at = (uint64_t)p->id - (uint64_t)s->base; /* ids arrive in order: p->id >= base */
		if (at >= 8 * (uint64_t)s->out->pieces + 65536) {
			go_sparse(s);
		} else if (at >= s->npos) {
			size_t n = s->npos ? s->npos : 65536;
			while (n <= at)
				n *= 2;
			uint32_t *np = realloc(s->pos, n * sizeof *np);
			if (!np)
				return oom(s);
			memset(np + s->npos, 0xff, (n - s->npos) * sizeof *np);
			s->pos = np;
			s->npos = n;
		}
	}
	size_t slot;
	if (!s->sparse && s->nfree) {
		slot = s->freed[--s->nfree];
	} else {
		if (!GROW(s, parents, nparents, capparents) || s->nparents >= POS_DONE)
			return oom(s);
		slot = s->nparents++;
	}
	s->parents[slot] = *p;
	if (!s->sparse)
		s->pos[at] = (uint32_t)slot;
	return QERR_OK;
}

static bool complete(const struct vparent *p)
{
	return p->children == (p->split ? 2 : 1) && p->covered == p->hi - p->lo + 1 && p->ends == 3;
}

/* A piece [lo, hi] of certificate cert (index) whose parent is `parent`, which the pass has already met. */
static enum qerr child(struct scan *s, int64_t id, int64_t parent, int64_t lo, int64_t hi, uint32_t cert)
{
	bool done;
	struct vparent *p = parent_of(s, parent, &done);
	if (!p) {
		broken(s,
		       done ? "piece %lld is one child too many of piece %lld"
			    : "piece %lld has parent %lld, which is not split or transferred",
		       (long long)id, (long long)parent);
		return QERR_OK;
	}
	if (p->cert != cert || lo < p->lo || hi > p->hi) {
		broken(s, "piece %lld [%lld, %lld] does not lie in its parent %lld [%lld, %lld] of its certificate",
		       (long long)id, (long long)lo, (long long)hi, (long long)p->id, (long long)p->lo,
		       (long long)p->hi);
		return QERR_OK;
	}
	if (p->children < 3)
		p->children++;
	p->covered = add_sat(p->covered, hi - lo + 1);
	p->ends |= (lo == p->lo ? 1 : 0) | (hi == p->hi ? 2 : 0);
	if (!s->sparse && complete(p)) {
		if (!GROW(s, freed, nfree, capfree))
			return oom(s);
		size_t slot = (size_t)(p - s->parents);
		s->pos[(uint64_t)p->id - (uint64_t)s->base] = POS_DONE;
		p->children = SLOT_FREE;
		s->freed[s->nfree++] = (uint32_t)slot;
	}
	return QERR_OK;
}

static struct vorg *org_of(struct scan *s, int64_t id, int64_t piece)
{
	if (s->last_org < s->norgs && s->orgs[s->last_org].id == id)
		return &s->orgs[s->last_org];
	bool fresh;
	uint32_t i = vmap_get(&s->orgmap, id, 0, s->norgs, &fresh);
	if (i == UINT32_MAX || (fresh && !GROW(s, orgs, norgs, caporgs)))
		return NULL;
	if (fresh)
		s->orgs[s->norgs++] =
		    (struct vorg){.id = id, .first_piece = piece, .first_unowned = NONE, .first_discounted = NONE};
	s->last_org = i;
	return &s->orgs[i];
}

static bool ent_seen(struct scan *s, int64_t id, int64_t piece)
{
	if (s->last_ent < s->nents && s->ents[s->last_ent].id == id)
		return true;
	bool fresh;
	uint32_t i = vmap_get(&s->entmap, id, 0, s->nents, &fresh);
	if (i == UINT32_MAX || (fresh && !GROW(s, ents, nents, capents)))
		return false;
	if (fresh)
		s->ents[s->nents++] = (struct vent){.id = id, .first_piece = piece};
	s->last_ent = i;
	return true;
}

static struct vlimit *limit_of(struct scan *s, int64_t bank, int64_t issuer, int64_t piece)
{
	bool fresh;
	uint32_t i = vmap_get(&s->limitmap, bank, issuer, s->nlimits, &fresh);
	if (i == UINT32_MAX || (fresh && !GROW(s, limits, nlimits, caplimits)))
		return NULL;
	if (fresh)
		s->limits[s->nlimits++] = (struct vlimit){.bank = bank, .issuer = issuer, .first_piece = piece};
	return &s->limits[i];
}

/* The transfers and applications that name piece p (merged in id order), and p's own pending links. */
static void links(struct scan *s, const struct vrow *p, int64_t amount)
{
	while (s->cursor < s->nexps && s->exps[s->cursor].key < p->id)
		s->cursor++;
	bool by_transfer = false, by_application = false;
	for (size_t i = s->cursor; i < s->nexps && s->exps[i].key == p->id; i++) {
		struct vexp *e = &s->exps[i];
		bool holds;
		e->matched = true;
		switch (e->kind) {
		case X_TRANSFER_PENDING:
			holds = p->state == VS_PENDING_TRANSFER && p->has_transfer && p->transfer == e->ref;
			by_transfer |= holds;
			if (!holds || amount != e->amount)
				found(s, VF_TRANSFER_PIECE, e->ref, p->id);
			break;
		case X_APPLICATION_PENDING:
			holds = p->state == VS_PENDING_DISCOUNT && p->has_application && p->application == e->ref;
			by_application |= holds;
			if (!holds)
				found(s, VF_APPLICATION_PIECE, e->ref, p->id);
			break;
		case X_TRANSFER_ACCEPTED:
			if (!p->has_parent || p->parent != e->parent || p->org != e->org ||
			    (p->has_holder ? p->holder : 0) != e->holder || amount != e->amount)
				found(s, VF_TRANSFER_ACCEPTED, e->ref, p->id);
			break;
		default: /* X_APPLICATION_APPROVED */
			if (!p->has_parent || p->parent != e->parent || p->org != e->org || p->has_holder)
				found(s, VF_APPLICATION_APPROVED, e->ref, e->parent);
			break;
		}
	}
	if (p->state == VS_PENDING_TRANSFER && !by_transfer)
		found(s, VF_PIECE_TRANSFER, p->id, p->has_transfer ? p->transfer : 0);
	if (p->state == VS_PENDING_DISCOUNT && !by_application)
		found(s, VF_PIECE_APPLICATION, p->id, p->has_application ? p->application : 0);
	if ((p->has_transfer && p->state != VS_PENDING_TRANSFER) ||
	    (p->has_application && p->state != VS_PENDING_DISCOUNT))
		found(s, VF_PIECE_NAMES_PENDING, p->id,
		      add_sat(p->has_transfer ? p->transfer : 0, p->has_application ? p->application : 0));
}

static enum qerr piece(struct scan *s, const struct vrow *p)
{
	struct fin_vscan *o = s->out;
	o->pieces++;
	bool live = p->state != VS_SPLIT && p->state != VS_TRANSFERRED;
	bool unsettled = p->state <= VS_DISCOUNTED;
	int64_t amount = 0;
	if (p->lo < 1 || p->hi < p->lo)
		broken(s, "piece %lld [%lld, %lld] is not a range of fen units", (long long)p->id, (long long)p->lo,
		       (long long)p->hi);
	else
		amount = p->hi - p->lo + 1;
	struct vcert *c = cert_of(s, p->cert);
	uint32_t ci = c ? (uint32_t)(c - s->certs) : NO_CERT;
	if (!c) {
		broken(s,
		       live ? "piece %lld belongs to no certificate (%lld)"
			    : "piece %lld names certificate %lld, which does not exist",
		       (long long)p->id, (long long)p->cert);
	} else {
		bool tiled = strcmp(c->status, "active") == 0, settled = strcmp(c->status, "settled") == 0;
		if (live) {
			o->live_pieces++;
			if (!tiled && !settled)
				broken(s, "certificate %lld is %s but has live piece %lld", (long long)c->id, c->status,
				       (long long)p->id);
			else if (settled != (p->state == VS_SETTLED))
				broken(s, "certificate %lld is %s but piece %lld is not", (long long)c->id, c->status,
				       (long long)p->id);
		}
		if (!p->has_parent) {
			c->roots++;
			c->whole += p->lo == 1 && p->hi == c->face;
		}
		if (live && unsettled)
			c->outstanding = add_sat(c->outstanding, amount);
	}
	if (p->has_parent) {
		if (p->parent < p->id) {
			enum qerr rc = child(s, p->id, p->parent, p->lo, p->hi, ci);
			if (rc)
				return rc;
		} else {
			if (!GROW(s, deferred, ndeferred, capdeferred))
				return oom(s);
			s->deferred[s->ndeferred++] =
			    (struct vchild){.id = p->id, .parent = p->parent, .lo = p->lo, .hi = p->hi, .cert = ci};
		}
	}
	if (!live) {
		struct vparent r = {.id = p->id, .lo = p->lo, .hi = p->hi, .cert = ci, .split = p->state == VS_SPLIT};
		enum qerr rc = push_parent(s, &r);
		if (rc)
			return rc;
	}
	/* one_holder */
	struct vorg *g = org_of(s, p->org, p->id);
	if (!g || (p->has_holder && !ent_seen(s, p->holder, p->id)))
		return oom(s);
	if (!p->has_holder && g->first_unowned == NONE)
		g->first_unowned = p->id;
	if (p->state == VS_DISCOUNTED) {
		if (g->first_discounted == NONE)
			g->first_discounted = p->id;
		if (p->has_holder)
			found(s, VF_HOLDER_NOT_BANK, p->id, p->org);
		if (c) {
			struct vlimit *l = limit_of(s, p->org, c->issuer_id, p->id);
			if (!l)
				return oom(s);
			l->discounted = add_sat(l->discounted, amount);
		}
	}
	if (live && unsettled)
		g->receivable = add_sat(g->receivable, amount);
	links(s, p, amount);
	return QERR_OK;
}

/* An integer column that may be NULL: false when it is (NULL reads as 0, so only a 0 asks for the type). */
static bool nullable(struct db_stmt *st, int col, int64_t *v)
{
	*v = db_col_int64(st, col);
	return *v != 0 || !db_col_is_null(st, col);
}

static enum qerr pass(struct db *db, struct scan *s)
{
	struct db_stmt *st =
	    db_prepare_dynamic(db,
			       "SELECT id,certificate_id,parent_id,lo,hi,holder_org,holder_id,state,"
			       "transfer_id,application_id FROM finance_pieces WHERE id>? ORDER BY id LIMIT ?",
			       s->err);
	if (!st)
		return s->err->code;
	enum qerr rc = QERR_OK;
	int64_t after = INT64_MIN;
	for (;;) {
		db_reset(st);
		db_bind_int64(st, 1, after);
		db_bind_int64(st, 2, PIECE_PAGE);
		int r, n = 0;
		while (!rc && (r = db_step(st, s->err)) == DB_ROW) {
			struct vrow p = {
			    .id = db_col_int64(st, 0),
			    .cert = db_col_int64(st, 1),
			    .lo = db_col_int64(st, 3),
			    .hi = db_col_int64(st, 4),
			    .org = db_col_int64(st, 5),
			    .state = vstate_of(db_col_text(st, 7)),
			};
			p.has_parent = nullable(st, 2, &p.parent);
			p.has_holder = nullable(st, 6, &p.holder);
			p.has_transfer = nullable(st, 8, &p.transfer);
			p.has_application = nullable(st, 9, &p.application);
			rc = piece(s, &p);
			after = p.id;
			n++;
		}
		if (!rc && r < 0)
			rc = s->err->code;
		if (rc || n < PIECE_PAGE)
			break;
	}
	db_finalize(st);
	return rc;
}

/* ---- after the pass ---- */

static enum qerr close_tree(struct scan *s)
{
	for (size_t i = 0; i < s->ndeferred; i++) {
		const struct vchild *d = &s->deferred[i];
		enum qerr rc = child(s, d->id, d->parent, d->lo, d->hi, d->cert);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < s->nparents; i++) {
		const struct vparent *p = &s->parents[i];
		if (p->children != SLOT_FREE && !complete(p))
			broken(s, "%s piece %lld [%lld, %lld] has %d children covering %lld fen",
			       p->split ? "split" : "transferred", (long long)p->id, (long long)p->lo, (long long)p->hi,
			       p->children, (long long)p->covered);
	}
	for (size_t i = 0; i < s->ncerts; i++) {
		const struct vcert *c = &s->certs[i];
		if ((strcmp(c->status, "active") == 0 || strcmp(c->status, "settled") == 0) &&
		    (c->roots != 1 || c->whole != 1))
			broken(s, "certificate %lld has %lld roots, %lld of them [1, %lld]", (long long)c->id,
			       (long long)c->roots, (long long)c->whole, (long long)c->face);
	}
	for (size_t i = 0; i < s->nexps; i++) {
		const struct vexp *e = &s->exps[i];
		if (e->matched)
			continue;
		if (e->kind == X_TRANSFER_ACCEPTED)
			found(s, VF_TRANSFER_ACCEPTED, e->ref, e->key == INT64_MIN ? 0 : e->key);
		else if (e->kind == X_APPLICATION_APPROVED)
			found(s, VF_APPLICATION_APPROVED, e->ref, e->parent);
	}
	return QERR_OK;
}

/*
 * Looks up the distinct ids the pieces named in `table`, ID_CHUNK at a time
 * (`SELECT id[,type] FROM table WHERE id IN (...)`); orgs: the organisations,
 * else the enterprises.
 */
static enum qerr resolve(struct db *db, struct scan *s, bool orgs)
{
	size_t n = orgs ? s->norgs : s->nents;
	if (n == 0)
		return QERR_OK;
	char sql[80 + ID_CHUNK * 2];
	int len = snprintf(sql, sizeof sql, "%s WHERE id IN (?",
			   orgs ? "SELECT id,type FROM orgs" : "SELECT id,'' FROM enterprises");
	for (int i = 1; i < ID_CHUNK; i++)
		len += snprintf(sql + len, sizeof sql - (size_t)len, ",?");
	snprintf(sql + len, sizeof sql - (size_t)len, ")");
	struct db_stmt *st = db_prepare_dynamic(db, sql, s->err);
	if (!st)
		return s->err->code;
	enum qerr rc = QERR_OK;
	for (size_t at = 0; !rc && at < n; at += ID_CHUNK) {
		db_reset(st);
		for (size_t i = 0; i < ID_CHUNK; i++) {
			size_t k = at + i < n ? at + i : at; /* the last chunk repeats its first id */
			db_bind_int64(st, (int)i + 1, orgs ? s->orgs[k].id : s->ents[k].id);
		}
		int r;
		while ((r = db_step(st, s->err)) == DB_ROW) {
			int64_t id = db_col_int64(st, 0);
			uint32_t k = vmap_find(orgs ? &s->orgmap : &s->entmap, id, 0);
			if (k == UINT32_MAX)
				continue;
			if (orgs) {
				s->orgs[k].found = true;
				s->orgs[k].bank = strcmp(db_col_text(st, 1), "bank") == 0;
			} else {
				s->ents[k].found = true;
			}
		}
		if (r < 0)
			rc = s->err->code;
	}
	db_finalize(st);
	return rc;
}

static enum qerr check_limits(struct db *db, struct scan *s)
{
	struct db_stmt *st = db_prepare_dynamic(
	    db, "SELECT bank_org,issuer_id,limit_fen,used_fen FROM finance_limits ORDER BY bank_org,issuer_id", s->err);
	if (!st)
		return s->err->code;
	int r;
	while ((r = db_step(st, s->err)) == DB_ROW) {
		int64_t bank = db_col_int64(st, 0), issuer = db_col_int64(st, 1), limit = db_col_int64(st, 2),
			used = db_col_int64(st, 3), discounted = 0;
		uint32_t k = vmap_find(&s->limitmap, bank, issuer);
		if (k != UINT32_MAX) {
			s->limits[k].found = true;
			discounted = s->limits[k].discounted;
		}
		if (used < 0 || used > limit || used != discounted)
			found(s, VF_LIMIT_USED, bank, issuer);
	}
	db_finalize(st);
	if (r < 0)
		return s->err->code;
	for (size_t i = 0; i < s->nlimits; i++)
		if (!s->limits[i].found)
			found(s, VF_LIMIT_NONE, s->limits[i].first_piece, s->limits[i].bank);
	return QERR_OK;
}

static int sum_cmp(const void *x, const void *y)
{
	const struct fin_vsum *a = x, *b = y;
	return a->org < b->org ? -1 : a->org > b->org;
}

/* Sorts sums by organisation and adds up those of one organisation; n becomes the count left. */
static void sum_by_org(struct fin_vsum *v, size_t *n)
{
	if (*n < 2)
		return;
	qsort(v, *n, sizeof *v, sum_cmp);
	size_t w = 0;
	for (size_t i = 1; i < *n; i++) {
		if (v[i].org == v[w].org)
			v[w].amount = add_sat(v[w].amount, v[i].amount);
		else
			v[++w] = v[i];
	}
	*n = w + 1;
}

static enum qerr findings(struct scan *s)
{
	struct fin_vscan *o = s->out;
	for (size_t i = 0; i < s->norgs; i++) {
		const struct vorg *g = &s->orgs[i];
		if (!g->found) {
			found(s, VF_HOLDER_NO_ORG, g->first_piece, g->id);
		} else if (!g->bank) {
			int64_t first = g->first_unowned < g->first_discounted ? g->first_unowned : g->first_discounted;
			if (first != NONE)
				found(s, VF_HOLDER_NOT_BANK, first, g->id);
		}
	}
	for (size_t i = 0; i < s->nents; i++)
		if (!s->ents[i].found)
			found(s, VF_HOLDER_NO_ENTERPRISE, s->ents[i].first_piece, s->ents[i].id);
	o->receivable = calloc(s->norgs ? s->norgs : 1, sizeof *o->receivable);
	o->payable = calloc(s->ncerts ? s->ncerts : 1, sizeof *o->payable);
	if (!o->receivable || !o->payable)
		return oom(s);
	for (size_t i = 0; i < s->norgs; i++)
		o->receivable[o->nreceivable++] = (struct fin_vsum){s->orgs[i].id, s->orgs[i].receivable};
	for (size_t i = 0; i < s->ncerts; i++)
		o->payable[o->npayable++] = (struct fin_vsum){s->certs[i].issuer_org, s->certs[i].outstanding};
	sum_by_org(o->receivable, &o->nreceivable);
	sum_by_org(o->payable, &o->npayable);
	return QERR_OK;
}

enum qerr fin_vscan_run(struct db *db, struct fin_vscan *out, struct qerror *err)
{
	*out = (struct fin_vscan){.partition_ok = true};
	struct scan s = {.out = out, .err = err, .last_cert = SIZE_MAX, .last_org = SIZE_MAX, .last_ent = SIZE_MAX};
	enum qerr rc = load_certs(db, &s);
	if (!rc)
		rc = load_expectations(db, &s);
	if (!rc)
		rc = pass(db, &s);
	if (!rc)
		rc = close_tree(&s);
	if (!rc)
		rc = resolve(db, &s, true);
	if (!rc)
		rc = resolve(db, &s, false);
	if (!rc)
		rc = check_limits(db, &s);
	if (!rc)
		rc = findings(&s);
	free(s.certs);
	free(s.parents);
	free(s.pos);
	free(s.freed);
	free(s.deferred);
	free(s.exps);
	free(s.orgs);
	free(s.ents);
	free(s.limits);
	vmap_free(&s.orgmap);
	vmap_free(&s.entmap);
	vmap_free(&s.limitmap);
	return rc;
}

void fin_vscan_free(struct fin_vscan *s)
{
	free(s->receivable);
	free(s->payable);
	s->receivable = s->payable = NULL;
}
