/*
 * finance_verify.c - `qilian finance verify`: re-proves every invariant of
 * the finance tables from the rows themselves, in one read transaction, and
 * names the first violation. The pieces are read once, in id order
 * (finance_verify_scan.c), with the small tables they name read beside;
 * the postings and the log are each read once more. When that pass finds
 * the partition or the tree broken, the ordered scans below (by certificate
 * and fen, by parent) name the first break as a reader would look for it,
 * in fen order; they run only then.
 */
#include "finance/finance_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include "base/util.h"

static enum qerr violation(struct qerror *err, const char *invariant, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum qerr violation(struct qerror *err, const char *invariant, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return qerr_set(err, QERR_CONFLICT, invariant, NULL, "%s: %s", invariant, msg);
}

/* Steps st (already bound); -1 error, DB_ROW / DB_DONE otherwise. */
#define STEP(st) db_step((st), err)

/* 1. pieces_partition, named in fen order: the live pieces of each active/settled certificate tile [1, face];
 * others have none. */
static enum qerr check_partition(struct db *db, int64_t *ncert, int64_t *npieces, struct qerror *err)
{
	struct db_stmt *certs =
	    db_prepare_dynamic(db, "SELECT id,face_fen,status FROM finance_certificates ORDER BY id", err);
	struct db_stmt *pieces = certs ? db_prepare_dynamic(db,
							    "SELECT certificate_id,lo,hi,id,state FROM finance_pieces"
							    " WHERE state<>'split' AND state<>'transferred'"
							    " ORDER BY certificate_id,lo",
							    err)
				       : NULL;
	enum qerr rc = QERR_OK;
	if (!pieces) {
		db_finalize(certs);
		return err->code;
	}
	int pr = STEP(pieces);
	int cr;
	while (!rc && (cr = STEP(certs)) == DB_ROW) {
		int64_t id = db_col_int64(certs, 0), face = db_col_int64(certs, 1);
		const char *status = db_col_text(certs, 2);
		bool tiled = strcmp(status, "active") == 0 || strcmp(status, "settled") == 0;
		bool settled = strcmp(status, "settled") == 0;
		(*ncert)++;
		while (pr == DB_ROW && db_col_int64(pieces, 0) < id) {
			rc = violation(err, "pieces_partition", "piece %lld belongs to no certificate (%lld)",
				       (long long)db_col_int64(pieces, 3), (long long)db_col_int64(pieces, 0));
			break;
		}
		if (rc)
			break;
		int64_t next = 1;
		while (pr == DB_ROW && db_col_int64(pieces, 0) == id) {
			int64_t lo = db_col_int64(pieces, 1), hi = db_col_int64(pieces, 2),
				pid = db_col_int64(pieces, 3);
			const char *state = db_col_text(pieces, 4);
			(*npieces)++;
			if (!tiled) {
				rc =
				    violation(err, "pieces_partition", "certificate %lld is %s but has live piece %lld",
					      (long long)id, status, (long long)pid);
				break;
			}
			if (lo != next) {
				rc = violation(err, "pieces_partition",
					       "certificate %lld: piece %lld starts at fen %lld, expected %lld (%s)",
					       (long long)id, (long long)pid, (long long)lo, (long long)next,
					       lo < next ? "overlap" : "gap");
				break;
			}
			if (hi < lo || hi > face) {
				rc = violation(err, "pieces_partition",
					       "certificate %lld: piece %lld [%lld, %lld] leaves [1, %lld]",
					       (long long)id, (long long)pid, (long long)lo, (long long)hi,
					       (long long)face);
				break;
			}
			if (settled != (strcmp(state, "settled") == 0)) {
				rc = violation(err, "pieces_partition", "certificate %lld is %s but piece %lld is %s",
					       (long long)id, status, (long long)pid, state);
				break;
			}
			next = hi + 1;
			pr = STEP(pieces);
		}
		if (!rc && tiled && next != face + 1)
			rc = violation(err, "pieces_partition",
				       "certificate %lld: its pieces end at fen %lld, face is %lld", (long long)id,
				       (long long)(next - 1), (long long)face);
	}
	if (!rc && pr == DB_ROW)
		rc = violation(err, "pieces_partition", "piece %lld belongs to no certificate (%lld)",
			       (long long)db_col_int64(pieces, 3), (long long)db_col_int64(pieces, 0));
	if (!rc && (pr < 0 || cr < 0))
		rc = err->code;
	db_finalize(certs);
	db_finalize(pieces);
	return rc;
}

/*
 * 1b. the tree: a split piece's children tile it, a transferred piece has one child with its range, a live
 * piece has no child, each certificate has one root [1, face] once accepted.
 */
static enum qerr check_tree(struct db *db, struct qerror *err)
{
	struct db_stmt *parents = db_prepare_dynamic(db,
						     "SELECT id,lo,hi,state,certificate_id FROM finance_pieces"
						     " WHERE state='split' OR state='transferred' ORDER BY id",
						     err);
	struct db_stmt *children =
	    parents ? db_prepare_dynamic(db,
					 "SELECT parent_id,lo,hi,id,certificate_id FROM finance_pieces"
					 " WHERE parent_id IS NOT NULL ORDER BY parent_id,lo",
					 err)
		    : NULL;
	if (!children) {
		db_finalize(parents);
		return err->code;
	}
	enum qerr rc = QERR_OK;
	int cr = STEP(children), pr;
	while (!rc && (pr = STEP(parents)) == DB_ROW) {
		int64_t id = db_col_int64(parents, 0), lo = db_col_int64(parents, 1), hi = db_col_int64(parents, 2);
		int64_t cert = db_col_int64(parents, 4);
		bool split = strcmp(db_col_text(parents, 3), "split") == 0;
		if (cr == DB_ROW && db_col_int64(children, 0) < id) {
			rc = violation(err, "pieces_partition",
				       "piece %lld has parent %lld, which is not split or transferred",
				       (long long)db_col_int64(children, 3), (long long)db_col_int64(children, 0));
			break;
		}
		int64_t next = lo, n = 0;
		while (cr == DB_ROW && db_col_int64(children, 0) == id) {
			int64_t clo = db_col_int64(children, 1), chi = db_col_int64(children, 2),
				cid = db_col_int64(children, 3);
			if (db_col_int64(children, 4) != cert || clo != next || chi > hi) {
				rc = violation(
				    err, "pieces_partition",
				    "piece %lld [%lld, %lld] does not continue its parent %lld [%lld, %lld] at %lld",
				    (long long)cid, (long long)clo, (long long)chi, (long long)id, (long long)lo,
				    (long long)hi, (long long)next);
				break;
			}
			next = chi + 1;
			n++;
			cr = STEP(children);
		}
		if (rc)
			break;
		if (next != hi + 1 || (split ? n != 2 : n != 1))
			rc = violation(err, "pieces_partition",
				       "%s piece %lld [%lld, %lld] has %lld children covering to %lld",
				       split ? "split" : "transferred", (long long)id, (long long)lo, (long long)hi,
				       (long long)n, (long long)(next - 1));
	}
	if (!rc && cr == DB_ROW)
		rc = violation(err, "pieces_partition", "piece %lld has parent %lld, which is not split or transferred",
			       (long long)db_col_int64(children, 3), (long long)db_col_int64(children, 0));
	if (!rc && (cr < 0 || pr < 0))
		rc = err->code;
	db_finalize(parents);
	db_finalize(children);
	if (rc)
		return rc;
	/* Roots: one per active/settled certificate, [1, face]. */
	struct db_stmt *st = db_prepare_dynamic(
	    db,
	    "SELECT c.id,c.face_fen,(SELECT count(*) FROM finance_pieces p WHERE p.certificate_id=c.id AND p.parent_id "
	    "IS NULL),"
	    " (SELECT count(*) FROM finance_pieces p WHERE p.certificate_id=c.id AND p.parent_id IS NULL AND p.lo=1"
	    "  AND p.hi=c.face_fen) FROM finance_certificates c WHERE c.status='active' OR c.status='settled' ORDER BY "
	    "c.id",
	    err);
	if (!st)
		return err->code;
	int r;
	while ((r = STEP(st)) == DB_ROW) {
		if (db_col_int64(st, 2) != 1 || db_col_int64(st, 3) != 1) {
			rc = violation(err, "pieces_partition",
				       "certificate %lld has %lld roots, %lld of them [1, %lld]",
				       (long long)db_col_int64(st, 0), (long long)db_col_int64(st, 2),
				       (long long)db_col_int64(st, 3), (long long)db_col_int64(st, 1));
			break;
		}
	}
	if (!rc && r < 0)
		rc = err->code;
	db_finalize(st);
	return rc;
}

/* Runs sql (one optional text bind) and, if it gives a row, reports fmt with its first two integer columns. */
static enum qerr none_of(struct db *db, const char *sql, const char *invariant, const char *fmt, struct qerror *err)
{
	struct db_stmt *st = db_prepare_dynamic(db, sql, err);
	if (!st)
		return err->code;
	int r = STEP(st);
	enum qerr rc = QERR_OK;
	/* fmt is one of this file's literals, each with two %lld. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (r == DB_ROW)
		rc = violation(err, invariant, fmt, (long long)db_col_int64(st, 0), (long long)db_col_int64(st, 1));
#pragma GCC diagnostic pop
	if (r < 0)
		rc = err->code;
	db_finalize(st);
	return rc;
}

/* 3. postings_balance and 4. account_balance. */
static enum qerr check_postings(struct db *db, int64_t *nposts, struct qerror *err)
{
	enum qerr rc = none_of(db,
			       "SELECT op_seq,sum(amount_fen) FROM finance_postings GROUP BY op_seq"
			       " HAVING sum(amount_fen)<>0 ORDER BY op_seq LIMIT 1",
			       "postings_balance", "the postings of operation %lld sum to %lld fen, not 0", err);
	if (!rc)
		rc = none_of(db,
			     "SELECT p.id,p.op_seq FROM finance_postings p LEFT JOIN finance_ops o ON o.seq=p.op_seq"
			     " WHERE o.seq IS NULL LIMIT 1",
			     "postings_balance", "posting %lld names operation %lld, which is not in the log", err);
	if (rc)
		return rc;
	struct db_stmt *sums = db_prepare_dynamic(db,
						  "SELECT org_id,account,sum(amount_fen),count(*) FROM finance_postings"
						  " GROUP BY org_id,account ORDER BY org_id,account",
						  err);
	struct db_stmt *accs = sums ? db_prepare_dynamic(db,
							 "SELECT org_id,account,balance_fen FROM finance_accounts"
							 " ORDER BY org_id,account",
							 err)
				    : NULL;
	if (!accs) {
		db_finalize(sums);
		return err->code;
	}
	int sr = STEP(sums), ar = STEP(accs);
	while (!rc && (sr == DB_ROW || ar == DB_ROW)) {
		int cmp;
		if (sr != DB_ROW)
			cmp = 1;
		else if (ar != DB_ROW)
			cmp = -1;
		else {
			int64_t so = db_col_int64(sums, 0), ao = db_col_int64(accs, 0);
			cmp = so < ao ? -1 : so > ao ? 1 : strcmp(db_col_text(sums, 1), db_col_text(accs, 1));
		}
		int64_t org = cmp <= 0 ? db_col_int64(sums, 0) : db_col_int64(accs, 0);
		const char *acc = cmp <= 0 ? db_col_text(sums, 1) : db_col_text(accs, 1);
		int64_t posted = cmp <= 0 ? db_col_int64(sums, 2) : 0, stored = cmp >= 0 ? db_col_int64(accs, 2) : 0;
		if (cmp <= 0)
			*nposts += db_col_int64(sums, 3);
		if (posted != stored) {
			rc = violation(err, "account_balance",
				       "organisation %lld %s: balance %lld fen, postings sum to %lld fen",
				       (long long)org, acc, (long long)stored, (long long)posted);
			break;
		}
		bool debit = strcmp(acc, "receivable") == 0 || strcmp(acc, "interest_expense") == 0;
		bool credit = strcmp(acc, "payable") == 0 || strcmp(acc, "interest_income") == 0;
		if ((debit && posted < 0) || (credit && posted > 0)) {
			rc = violation(err, "account_balance", "organisation %lld %s is negative: %lld fen",
				       (long long)org, acc, (long long)(debit ? posted : -posted));
			break;
		}
		if (cmp <= 0)
			sr = STEP(sums);
		if (cmp >= 0)
			ar = STEP(accs);
	}
	if (!rc && (sr < 0 || ar < 0))
		rc = err->code;
	db_finalize(sums);
	db_finalize(accs);
	return rc;
}

/*
 * 5. ledger_matches_pieces: by organisation, receivable = its live unsettled pieces; payable = -(its certificates'
 * outstanding). sums (sorted by organisation) are the pass's.
 */
static enum qerr merge_amounts(struct db *db, const struct fin_vsum *sums, size_t n, const char *account, bool negate,
			       struct qerror *err)
{
	struct db_stmt *as = db_prepare_dynamic(db,
						"SELECT org_id,balance_fen FROM finance_accounts WHERE account=? AND"
						" balance_fen<>0 ORDER BY org_id",
						err);
	if (!as)
		return err->code;
	db_bind_text(as, 1, account);
	enum qerr rc = QERR_OK;
	size_t i = 0;
	int ar = STEP(as);
	while (!rc && (i < n || ar == DB_ROW)) {
		int64_t po = i < n ? sums[i].org : INT64_MAX, ao = ar == DB_ROW ? db_col_int64(as, 0) : INT64_MAX;
		int64_t org = po < ao ? po : ao;
		int64_t amount = po == org ? sums[i].amount : 0, balance = ao == org ? db_col_int64(as, 1) : 0;
		if (negate)
			balance = balance == INT64_MIN ? INT64_MAX : -balance;
		if (amount != balance)
			rc = violation(err, "ledger_matches_pieces",
				       "organisation %lld: %s %lld fen in the ledger, %lld fen in its pieces",
				       (long long)org, account, (long long)balance, (long long)amount);
		if (po == org)
			i++;
		if (ao == org)
			ar = STEP(as);
	}
	if (!rc && ar < 0)
		rc = err->code;
	db_finalize(as);
	return rc;
}

/* 6. hash_chain. */
static enum qerr check_chain(struct db *db, int64_t *nops, struct qerror *err)
{
	struct db_stmt *st = db_prepare_dynamic(db,
						"SELECT seq,kind,at,org_id,user_id,certificate_id,detail,prev_hash,hash"
						" FROM finance_ops ORDER BY seq",
						err);
	if (!st)
		return err->code;
	char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000", hash[65];
	int64_t expect = 1;
	enum qerr rc = QERR_OK;
	int r;
	while ((r = STEP(st)) == DB_ROW) {
		int64_t seq = db_col_int64(st, 0);
		if (seq != expect) {
			rc = violation(err, "hash_chain", "operation %lld follows %lld (a gap or a duplicate)",
				       (long long)seq, (long long)(expect - 1));
			break;
		}
		if (strcmp(db_col_text(st, 7), prev) != 0) {
			rc = violation(err, "hash_chain", "operation %lld does not link to the hash of operation %lld",
				       (long long)seq, (long long)(seq - 1));
			break;
		}
		fin_op_hash(prev, seq, db_col_text(st, 1), db_col_text(st, 2), db_col_int64(st, 3), db_col_int64(st, 4),
			    db_col_int64(st, 5), db_col_text(st, 6), hash);
		if (strcmp(hash, db_col_text(st, 8)) != 0) {
			rc = violation(err, "hash_chain", "operation %lld (%s) does not match its hash: it was changed",
				       (long long)seq, db_col_text(st, 1));
			break;
		}
		memcpy(prev, hash, sizeof prev);
		expect++;
	}
	if (!rc && r < 0)
		rc = err->code;
	db_finalize(st);
	if (rc)
		return rc;
	*nops = expect - 1;
	st = db_prepare_dynamic(db, "SELECT seq,hash FROM finance_chain WHERE id=1", err);
	if (!st)
		return err->code;
	r = STEP(st);
	if (r == DB_ROW && (db_col_int64(st, 0) != expect - 1 || strcmp(db_col_text(st, 1), prev) != 0))
		rc = violation(err, "hash_chain", "the chain head says operation %lld, the log ends at %lld",
			       (long long)db_col_int64(st, 0), (long long)(expect - 1));
	else if (r != DB_ROW)
		rc = r < 0 ? err->code : violation(err, "hash_chain", "the chain head is missing (%d, %d)", 0, 0);
	db_finalize(st);
	return rc;
}

/* The wording of each of the pass's findings, in the order they are reported; each fmt has two %lld. */
static const struct {
	const char *invariant, *fmt;
} finding_text[VF_COUNT] = {
    [VF_HOLDER_NO_ORG] = {"one_holder", "piece %lld is held by organisation %lld, which does not exist"},
    [VF_HOLDER_NOT_BANK] = {"one_holder",
			    "piece %lld: holder organisation %lld is not a bank, or a bank holds it as an enterprise"},
    [VF_HOLDER_NO_ENTERPRISE] = {"one_holder", "piece %lld is held by enterprise %lld, which does not exist"},
    [VF_LIMIT_USED] = {"limits_used",
		       "bank %lld's limit for issuer %lld does not equal its discounted pieces (or exceeds the limit)"},
    [VF_LIMIT_NONE] = {"limits_used", "discounted piece %lld held by bank %lld is under no credit limit"},
    [VF_PIECE_TRANSFER] = {"state_consistency",
			   "piece %lld is pending_transfer but transfer %lld is not its pending transfer"},
    [VF_TRANSFER_PIECE] = {"state_consistency", "pending transfer %lld does not hold its piece %lld (state or amount)"},
    [VF_PIECE_APPLICATION] = {"state_consistency",
			      "piece %lld is pending_discount but application %lld does not hold it"},
    [VF_APPLICATION_PIECE] = {"state_consistency", "pending application %lld does not hold its piece %lld"},
    [VF_PIECE_NAMES_PENDING] = {"state_consistency", "piece %lld names pending operation %lld but is not pending"},
    [VF_TRANSFER_ACCEPTED] = {"state_consistency", "accepted transfer %lld did not give piece %lld to its receiver"},
    [VF_APPLICATION_APPROVED] = {"state_consistency", "approved application %lld did not give piece %lld to its bank"},
};

/* The first of the pass's findings from `from` up to (not including) `to`, as a violation; QERR_OK if none. */
static enum qerr report(const struct fin_vscan *scan, enum fin_vfind_kind from, enum fin_vfind_kind to,
			struct qerror *err)
{
	for (unsigned k = from; k < (unsigned)to; k++) {
		const struct fin_vfind *f = &scan->find[k];
		if (!f->hit)
			continue;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		return violation(err, finding_text[k].invariant, finding_text[k].fmt, (long long)f->a, (long long)f->b);
#pragma GCC diagnostic pop
	}
	return QERR_OK;
}

/*
 * 1. pieces_partition and the tree. The pass has proved them or met a break; a break is named by the
 * ordered scans (the first in fen order), or as the pass met it if those find none.
 */
static enum qerr check_partition_tree(struct db *db, const struct fin_vscan *scan, struct qerror *err)
{
	if (scan->partition_ok)
		return QERR_OK;
	int64_t ncert = 0, npieces = 0;
	enum qerr rc = check_partition(db, &ncert, &npieces, err);
	if (!rc)
		rc = check_tree(db, err);
	if (!rc)
		rc = violation(err, "pieces_partition", "%s", scan->partition_msg);
	return rc;
}

static enum qerr check_all(struct db *db, struct fin_vscan *scan, int64_t *nops, int64_t *nposts, struct qerror *err)
{
	enum qerr rc = fin_vscan_run(db, scan, err);
	if (!rc)
		rc = check_partition_tree(db, scan, err);
	if (!rc)
		rc = report(scan, VF_HOLDER_NO_ORG, VF_LIMIT_USED, err); /* 2. one_holder */
	if (!rc)
		rc = check_postings(db, nposts, err);
	if (!rc)
		rc = merge_amounts(db, scan->receivable, scan->nreceivable, "receivable", false, err);
	if (!rc)
		rc = merge_amounts(db, scan->payable, scan->npayable, "payable", true, err);
	if (!rc)
		rc = check_chain(db, nops, err);
	if (!rc)
		rc = report(scan, VF_LIMIT_USED, VF_PIECE_TRANSFER, err); /* 7. limits_used */
	if (!rc)
		rc = report(scan, VF_PIECE_TRANSFER, VF_COUNT, err); /* 8. state_consistency */
	return rc;
}

enum qerr finance_verify(struct db *db, json_t **out, struct qerror *err)
{
	*out = NULL;
	int64_t t0 = util_mono_us();
	/* One read transaction: the caller's if it has one (store copy verifies inside its write). */
	bool own = !db_in_transaction(db);
	enum qerr rc = own ? db_begin_read(db, err) : QERR_OK;
	if (rc)
		return rc;
	struct fin_vscan scan;
	int64_t nops = 0, nposts = 0;
	rc = check_all(db, &scan, &nops, &nposts, err);
	fin_vscan_free(&scan);
	if (own)
		db_rollback(db);
	if (rc) {
		*out = json_pack("{s:b,s:s,s:s}", "ok", 0, "invariant", err->slug, "message", err->message);
		return rc;
	}
	*out =
	    json_pack("{s:b,s:I,s:I,s:I,s:I,s:I,s:f}", "ok", 1, "certificates", (json_int_t)scan.certificates,
		      "live_pieces", (json_int_t)scan.live_pieces, "pieces", (json_int_t)scan.pieces, "operations",
		      (json_int_t)nops, "postings", (json_int_t)nposts, "seconds", (double)(util_mono_us() - t0) / 1e6);
	return QERR_OK;
}
