/*
 * calendar.c - a resource's bookings as an iCalendar feed (RFC 5545), for
 * calendar clients that send no cookies: the URL carries the resource's
 * secret feed token, compared in constant time.
 *
 * What RFC 5545 asks and where: lines end in CRLF (3.1); a content line
 * longer than 75 octets is folded with CRLF + one space, never inside a
 * UTF-8 sequence (3.1: "multi-octet characters MUST NOT be split");
 * TEXT values escape backslash, semicolon, comma and newlines (3.3.11);
 * DATE-TIME values are UTC with the Z suffix (3.3.5); each event has a UID
 * that never changes (booking-<id>@<resource>.qilian) and a SEQUENCE that
 * grows with each change of the booking (3.8.7.4): the row's seq, plus one
 * when a lapse (no-show, expiry) is not yet written by the maintenance pass.
 * Cancelled, rejected, expired and no-show bookings stay in the feed as
 * STATUS:CANCELLED so clients remove them; requests and offers are
 * TENTATIVE, the rest CONFIRMED. Waitlisted bookings hold no time and are
 * left out. Bookings that ended more than 90 days ago are left out.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "base/util.h"
#include "registry/region.h"
#include "sharing/resource.h"
#include "sharing/sharing_int.h"

#define FEED_PAST_DAYS 90
#define ICS_LINE_MAX 75

/* Appends one content line, folded at 75 octets on UTF-8 character boundaries, ending in CRLF. */
static bool put_line(struct buf *b, const char *line, size_t n)
{
	size_t pos = 0, room = ICS_LINE_MAX;
	while (n - pos > room) {
		size_t cut = pos + room;
		while (cut > pos && ((unsigned char)line[cut] & 0xC0) == 0x80)
			cut--;
		if (!buf_append(b, line + pos, cut - pos) || !buf_append(b, "\r\n ", 3))
			return false;
		pos = cut;
		room = ICS_LINE_MAX - 1; /* the leading space counts */
	}
	return buf_append(b, line + pos, n - pos) && buf_append(b, "\r\n", 2);
}

/* name:value with value escaped as TEXT. */
static bool put_text(struct buf *b, const char *name, const char *value)
{
	struct buf l = {0};
	bool ok = buf_puts(&l, name) && buf_puts(&l, ":");
	for (const char *p = value; ok && *p; p++) {
		switch (*p) {
		case '\\':
			ok = buf_puts(&l, "\\\\");
			break;
		case ';':
			ok = buf_puts(&l, "\\;");
			break;
		case ',':
			ok = buf_puts(&l, "\\,");
			break;
		case '\n':
			ok = buf_puts(&l, "\\n");
			break;
		case '\r':
			break;
		default:
			ok = buf_append(&l, p, 1);
		}
	}
	ok = ok && put_line(b, l.data, l.len);
	buf_free(&l);
	return ok;
}

/* name:YYYYMMDDTHHMMSSZ from "YYYY-MM-DDTHH:MM:SSZ". */
static bool put_time(struct buf *b, const char *name, const char *iso)
{
	char v[17];
	if (strlen(iso) != 20)
		return true;
	snprintf(v, sizeof v, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", iso, iso + 5, iso + 8, iso + 11, iso + 14, iso + 17);
	char line[64];
	int n = snprintf(line, sizeof line, "%s:%s", name, v);
	return put_line(b, line, (size_t)n);
}

static bool put_raw(struct buf *b, const char *line)
{
	return put_line(b, line, strlen(line));
}

static const char *ics_status(const char *state)
{
	if (strcmp(state, "requested") == 0 || strcmp(state, "offered") == 0)
		return "TENTATIVE";
	if (strcmp(state, "approved") == 0 || strcmp(state, "checked_in") == 0 || strcmp(state, "completed") == 0)
		return "CONFIRMED";
	return "CANCELLED";
}

static const char *state_zh(const char *state)
{
	static const char *const map[][2] = {
	    {"requested", "待审批"}, {"approved", "已确认"},   {"rejected", "已驳回"},
	    {"cancelled", "已取消"}, {"checked_in", "已签到"}, {"completed", "已完成"},
	    {"no_show", "未签到"},   {"expired", "已过期"},    {"offered", "候补待确认"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], state) == 0)
			return map[i][1];
	return state;
}

enum qerr sharing_calendar_ics(struct db *db, int64_t id, const char *token, char **ics, size_t *len,
			       struct qerror *err)
{
	*ics = NULL;
	*len = 0;
	struct sharing_resource *r = malloc(sizeof *r);
	if (!r)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	enum qerr rc = sharing_resource_load(db, id, r, err);
	size_t tl = token ? strlen(token) : 0;
	if (!rc && (tl == 0 || tl != strlen(r->feed_token) || sodium_memcmp(token, r->feed_token, tl) != 0)) {
		/* The same answer as an unknown resource: a wrong token tells nothing. */
		rc = qerr_set(err, QERR_NOT_FOUND, "resource_not_found", "id", "资源不存在 (no resource %lld)",
			      (long long)id);
	}
	if (rc) {
		free(r);
		return rc;
	}
	int64_t now = sharing_now();
	char nw[QTIME_ISO_LEN], since[QTIME_ISO_LEN];
	sharing_format(now, nw);
	sharing_format(now - (int64_t)FEED_PAST_DAYS * 86400, since);
	char location[512], region_name[128];
	region_full_name(r->region, region_name, sizeof region_name);
	struct buf b = {0};
	bool ok = put_raw(&b, "BEGIN:VCALENDAR") && put_raw(&b, "VERSION:2.0") &&
		  put_raw(&b, "PRODID:-//Qilian//Shared resources//ZH") && put_raw(&b, "CALSCALE:GREGORIAN") &&
		  put_raw(&b, "METHOD:PUBLISH") && put_text(&b, "X-WR-CALNAME", r->name);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT b.id,b.starts_at,b.ends_at,b.units,b.state,b.seq,b.created_at,b.updated_at,"
		       "bo.name,b.note,b.noshow_at,b.offer_expires_at,r.address"
		       " FROM bookings b JOIN orgs bo ON bo.id=b.booker_org_id"
		       " JOIN resources r ON r.id=b.resource_id"
		       " WHERE b.resource_id=? AND b.ends_at>? AND b.state<>'waitlisted'"
		       " ORDER BY b.starts_at, b.id",
		       err);
	if (!st) {
		rc = err->code;
		goto out;
	}
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, since);
	int s = 0;
	while (ok && (s = db_step(st, err)) == DB_ROW) {
		const char *stored = db_col_text(st, 4);
		const char *state = sharing_effective_state(stored, db_col_text(st, 1), db_col_text(st, 10),
							    db_col_text_or_null(st, 11), nw);
		int64_t seq = db_col_int64(st, 5) + (strcmp(state, stored) != 0 ? 1 : 0);
		char uid[96], line[160], summary[1200], desc[2400];
		snprintf(uid, sizeof uid, "booking-%lld@resource-%lld.qilian", (long long)db_col_int64(st, 0),
			 (long long)id);
		snprintf(summary, sizeof summary, "%s · %s ×%lld", r->name, db_col_text(st, 8),
			 (long long)db_col_int64(st, 3));
		snprintf(desc, sizeof desc, "状态 (state): %s %s\n预约方 (booker): %s\n数量 (units): %lld%s%s",
			 state_zh(state), state, db_col_text(st, 8), (long long)db_col_int64(st, 3),
			 *db_col_text(st, 9) ? "\n备注 (note): " : "", db_col_text(st, 9));
		snprintf(location, sizeof location, "%s %s", region_name, db_col_text(st, 12));
		ok = put_raw(&b, "BEGIN:VEVENT") && put_text(&b, "UID", uid) &&
		     put_time(&b, "DTSTAMP", db_col_text(st, 7)) && put_time(&b, "CREATED", db_col_text(st, 6)) &&
		     put_time(&b, "LAST-MODIFIED", db_col_text(st, 7)) && put_time(&b, "DTSTART", db_col_text(st, 1)) &&
		     put_time(&b, "DTEND", db_col_text(st, 2));
		snprintf(line, sizeof line, "SEQUENCE:%lld", (long long)seq);
		ok = ok && put_raw(&b, line);
		snprintf(line, sizeof line, "STATUS:%s", ics_status(state));
		ok =
		    ok && put_raw(&b, line) && put_text(&b, "SUMMARY", summary) && put_text(&b, "DESCRIPTION", desc) &&
		    put_text(&b, "LOCATION", location) &&
		    put_raw(&b, strcmp(ics_status(state), "CANCELLED") == 0 ? "TRANSP:TRANSPARENT" : "TRANSP:OPAQUE") &&
		    put_raw(&b, "END:VEVENT");
	}
	db_reset(st);
	if (ok && s < 0) {
		rc = err->code;
		goto out;
	}
	ok = ok && put_raw(&b, "END:VCALENDAR");
	if (!ok) {
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto out;
	}
	*ics = b.data;
	*len = b.len;
	b.data = NULL;
out:
	buf_free(&b);
	free(r);
	return rc;
}
