/*
 * schedule.c - opening hours, closed dates, lengths, the SME share and
 * capacity of one resource, checked granule by granule (schedule.h).
 */
#include "sharing/schedule.h"

#include "base/qdate.h"

static const char *const slugs[] = {
    [SH_OK] = "ok",
    [SH_NOT_ON_GRANULE] = "not_on_granule",
    [SH_IN_THE_PAST] = "in_the_past",
    [SH_TOO_SHORT] = "too_short",
    [SH_TOO_LONG] = "too_long",
    [SH_TOO_FAR_AHEAD] = "too_far_ahead",
    [SH_CLOSED_DATE] = "closed_date",
    [SH_OUTSIDE_OPENING_HOURS] = "outside_opening_hours",
    [SH_TOO_MANY_UNITS] = "too_many_units",
    [SH_SME_RESERVED] = "sme_reserved",
    [SH_NO_CAPACITY] = "no_capacity",
};

static const char *const messages[] = {
    [SH_OK] = "可以预约 (bookable)",
    [SH_NOT_ON_GRANULE] = "开始和结束时间须为整点或半点，且结束晚于开始 (a window starts and ends on the hour or half "
			  "hour, and ends after it starts)",
    [SH_IN_THE_PAST] = "开始时间已过 (the window starts in the past)",
    [SH_TOO_SHORT] = "预约时长短于最短时长 (shorter than the resource's minimum booking length)",
    [SH_TOO_LONG] = "预约时长超过最长时长 (longer than the resource's maximum booking length)",
    [SH_TOO_FAR_AHEAD] = "超出可预约的提前天数 (further ahead than the resource may be booked)",
    [SH_CLOSED_DATE] = "该日期不开放 (the resource is closed on a date of the window)",
    [SH_OUTSIDE_OPENING_HOURS] = "超出开放时间 (outside the resource's opening hours, Asia/Shanghai)",
    [SH_TOO_MANY_UNITS] = "预约数量超过资源总数 (more units than the resource has)",
    [SH_SME_RESERVED] = "剩余时段为中小企业预留 (the rest of the day's open hours is reserved for SMEs)",
    [SH_NO_CAPACITY] = "该时段已约满 (not enough free units in the window)",
};

const char *sh_refusal_slug(enum sh_refusal r)
{
	return slugs[r];
}

const char *sh_refusal_message(enum sh_refusal r)
{
	return messages[r];
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t sh_local_day(int64_t utc)
{
	return floor_div(utc + QDATE_SHANGHAI_OFFSET, 86400);
}

int sh_weekday(int64_t day)
{
	/* 1970-01-01 was a Thursday (3 counting Monday as 0). */
	return (int)(((day % 7) + 7 + 3) % 7);
}

int64_t sh_day_start(int64_t day)
{
	return day * 86400 - QDATE_SHANGHAI_OFFSET;
}

bool sh_is_closed(const struct sh_rules *r, int64_t day)
{
	int lo = 0, hi = r->nclosed;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (r->closed[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nclosed && r->closed[lo] == day;
}

bool sh_granule_open(const struct sh_rules *r, int64_t utc)
{
	int64_t day = sh_local_day(utc);
	if (sh_is_closed(r, day))
		return false;
	int minute = (int)((utc - sh_day_start(day)) / 60);
	int wd = sh_weekday(day);
	for (int i = 0; i < r->nopen[wd]; i++)
		if (r->open[wd][i].from <= minute && minute + SHARING_GRANULE_MINUTES <= r->open[wd][i].to)
			return true;
	return false;
}

int64_t sh_open_minutes(const struct sh_rules *r, int64_t day)
{
	if (sh_is_closed(r, day))
		return 0;
	int wd = sh_weekday(day);
	int64_t m = 0;
	for (int i = 0; i < r->nopen[wd]; i++)
		m += r->open[wd][i].to - r->open[wd][i].from;
	return m;
}

enum sh_refusal sh_check_rules(const struct sh_rules *r, int64_t start, int64_t end, int64_t units, int64_t now)
{
	if (start % SH_GRANULE != 0 || end % SH_GRANULE != 0 || end <= start)
		return SH_NOT_ON_GRANULE;
	if (start < now)
		return SH_IN_THE_PAST;
	int64_t minutes = (end - start) / 60;
	if (minutes < r->min_minutes)
		return SH_TOO_SHORT;
	if (minutes > r->max_minutes)
		return SH_TOO_LONG;
	if (start > now + r->horizon_days * 86400)
		return SH_TOO_FAR_AHEAD;
	for (int64_t t = start; t < end; t += SH_GRANULE)
		if (sh_is_closed(r, sh_local_day(t)))
			return SH_CLOSED_DATE;
	for (int64_t t = start; t < end; t += SH_GRANULE)
		if (!sh_granule_open(r, t))
			return SH_OUTSIDE_OPENING_HOURS;
	if (units < 1 || units > r->capacity)
		return SH_TOO_MANY_UNITS;
	return SH_OK;
}

int64_t sh_peak_units(const struct sh_hold *holds, int n, int64_t skip, int64_t from, int64_t until)
{
	int64_t peak = 0;
	for (int64_t t = from; t < until; t += SH_GRANULE) {
		int64_t sum = 0;
		for (int i = 0; i < n; i++)
			if ((!skip || holds[i].id != skip) && holds[i].start < t + SH_GRANULE && holds[i].until > t)
				sum += holds[i].units;
		if (sum > peak)
			peak = sum;
	}
	return peak;
}

static int64_t overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
	int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
	return hi > lo ? hi - lo : 0;
}

/* Does a non-SME booking of units over [start, end) stay within every touched day's non-reserved unit-minutes? */
static bool within_sme_share(const struct sh_rules *r, const struct sh_hold *holds, int n, int64_t skip, int64_t start,
			     int64_t end, int64_t units)
{
	if (r->sme_share_bp <= 0)
		return true;
	for (int64_t day = sh_local_day(start); day <= sh_local_day(end - 1); day++) {
		int64_t d0 = sh_day_start(day), d1 = d0 + 86400;
		/* capacity × open minutes × (1 - share), in unit-minutes, rounded down */
		int64_t allowed = r->capacity * sh_open_minutes(r, day) * (10000 - r->sme_share_bp) / 10000;
		int64_t used = units * overlap(start, end, d0, d1) / 60;
		for (int i = 0; i < n; i++)
			if (!holds[i].sme && (!skip || holds[i].id != skip))
				used += holds[i].units * overlap(holds[i].start, holds[i].end, d0, d1) / 60;
		if (used > allowed)
			return false;
	}
	return true;
}

enum sh_refusal sh_check(const struct sh_rules *r, const struct sh_hold *holds, int n, int64_t skip, int64_t start,
			 int64_t end, int64_t units, bool sme, int64_t now)
{
	enum sh_refusal rc = sh_check_rules(r, start, end, units, now);
	if (rc != SH_OK)
		return rc;
	if (!sme && !within_sme_share(r, holds, n, skip, start, end, units))
		return SH_SME_RESERVED;
	if (sh_peak_units(holds, n, skip, start, end + r->buffer_minutes * 60) + units > r->capacity)
		return SH_NO_CAPACITY;
	return SH_OK;
}

bool sh_find_window(const struct sh_rules *r, const struct sh_hold *holds, int n, int64_t from, int64_t to,
		    int64_t minutes, int64_t units, bool sme, int64_t now, int64_t *start)
{
	if (minutes <= 0 || minutes % SHARING_GRANULE_MINUTES != 0)
		return false;
	int64_t s = from > now ? from : now;
	s = floor_div(s + SH_GRANULE - 1, SH_GRANULE) * SH_GRANULE;
	for (; s + minutes * 60 <= to; s += SH_GRANULE) {
		/* Skip quickly past a closed granule at the start: no window can start there. */
		if (!sh_granule_open(r, s))
			continue;
		if (sh_check(r, holds, n, 0, s, s + minutes * 60, units, sme, now) == SH_OK) {
			*start = s;
			return true;
		}
	}
	return false;
}
