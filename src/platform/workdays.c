/*
 * workdays.c - the Chinese working-day calendar over the generated schedule
 * (workdays_int.h): a date is looked up by binary search in the holiday and
 * make-up-day lists, otherwise Monday-Friday are working days.
 */
#include "platform/workdays.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "platform/workdays_int.h"

struct workdays_calendar workdays_calendar(void)
{
	return (struct workdays_calendar){.package = workdays_data_package,
					  .version = workdays_data_version,
					  .first_year = workdays_data_first_year,
					  .last_year = workdays_data_last_year};
}

void workdays_identity(char out[WORKDAYS_IDENTITY_LEN])
{
	snprintf(out, WORKDAYS_IDENTITY_LEN, "%s@%s (%d-%d)", workdays_data_package, workdays_data_version,
		 workdays_data_first_year, workdays_data_last_year);
}

json_t *workdays_calendar_json(void)
{
	char id[WORKDAYS_IDENTITY_LEN];
	workdays_identity(id);
	return json_pack("{s:s,s:s,s:i,s:i,s:s}", "package", workdays_data_package, "version", workdays_data_version,
			 "first_year", workdays_data_first_year, "last_year", workdays_data_last_year, "id", id);
}

bool workdays_covers(struct qdate d)
{
	return d.year >= workdays_data_first_year && d.year <= workdays_data_last_year;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static bool listed(const int32_t *list, size_t len, struct qdate d)
{
	int32_t key = (int32_t)(d.year * 10000 + d.month * 100 + d.day);
	return bsearch(&key, list, len, sizeof *list, cmp_i32) != NULL;
}

static enum qerr out_of_range(struct qerror *err, const char *field, struct qdate d)
{
	char text[QDATE_TEXT_LEN];
	qdate_format(d, text);
	return qerr_set(err, QERR_INVALID, "calendar_out_of_range", field,
			"工作日历(%s %s)只覆盖 %d–%d 年,%s 不在其中 (the working-day calendar %s %s covers %d-%d; %s "
			"is outside it)",
			workdays_data_package, workdays_data_version, workdays_data_first_year, workdays_data_last_year,
			text, workdays_data_package, workdays_data_version, workdays_data_first_year,
			workdays_data_last_year, text);
}

/* d is covered (checked by the caller). */
static bool workday(struct qdate d)
{
	if (listed(workdays_data_workdays, workdays_data_workdays_len, d))
		return true;
	if (listed(workdays_data_holidays, workdays_data_holidays_len, d))
		return false;
	return qdate_weekday(d) <= 5;
}

enum qerr workdays_is_workday(struct qdate d, bool *out, struct qerror *err)
{
	if (!workdays_covers(d))
		return out_of_range(err, "date", d);
	*out = workday(d);
	return QERR_OK;
}

enum qerr workdays_add(struct qdate from, int64_t n, struct qdate *due, struct qerror *err)
{
	if (n < 0 || n > WORKDAYS_MAX_COUNT)
		return qerr_set(err, QERR_INVALID, "invalid_days", "days",
				"工作日数须在 0 至 %d 之间 (days must be 0 to %d)", WORKDAYS_MAX_COUNT,
				WORKDAYS_MAX_COUNT);
	if (!workdays_covers(from))
		return out_of_range(err, "from", from);
	struct qdate d = from;
	while (n > 0) {
		if (!qdate_add_days(d, 1, &d) || !workdays_covers(d))
			return out_of_range(err, "from", d);
		if (workday(d))
			n--;
	}
	*due = d;
	return QERR_OK;
}

enum qerr workdays_between(struct qdate from, struct qdate to, int64_t *n, struct qerror *err)
{
	int sign = 1;
	if (qdate_compare(to, from) < 0) {
		struct qdate t = from;
		from = to;
		to = t;
		sign = -1;
	}
	if (!workdays_covers(from))
		return out_of_range(err, "from", from);
	if (!workdays_covers(to))
		return out_of_range(err, "to", to);
	int64_t count = 0;
	struct qdate d = from;
	while (qdate_compare(d, to) < 0) {
		if (!qdate_add_days(d, 1, &d))
			return out_of_range(err, "to", d);
		if (workday(d))
			count++;
	}
	*n = sign * count;
	return QERR_OK;
}

/* ---- the provisional rule beyond the calendar ---- */

bool workdays_beyond(struct qdate d)
{
	return d.year > workdays_data_last_year && d.year <= workdays_data_last_year + WORKDAYS_PROVISIONAL_YEARS;
}

/* d is a working day, on the calendar or (beyond it) Monday-Friday with *prov set; false in *ok when neither. */
static bool workday_or_provisional(struct qdate d, bool *prov, bool *ok)
{
	*ok = true;
	if (workdays_covers(d))
		return workday(d);
	if (workdays_beyond(d)) {
		*prov = true;
		return qdate_weekday(d) <= 5;
	}
	*ok = false;
	return false;
}

enum qerr workdays_add_provisional(struct qdate from, int64_t n, struct qdate *due, bool *provisional,
				   struct qerror *err)
{
	*provisional = false;
	if (n < 0 || n > WORKDAYS_MAX_COUNT)
		return qerr_set(err, QERR_INVALID, "invalid_days", "days",
				"工作日数须在 0 至 %d 之间 (days must be 0 to %d)", WORKDAYS_MAX_COUNT,
				WORKDAYS_MAX_COUNT);
	if (!workdays_covers(from) && !workdays_beyond(from))
		return out_of_range(err, "from", from);
	struct qdate d = from;
	bool prov = false, ok;
	while (n > 0) {
		if (!qdate_add_days(d, 1, &d))
			return out_of_range(err, "from", d);
		bool w = workday_or_provisional(d, &prov, &ok);
		if (!ok)
			return out_of_range(err, "from", d);
		if (w)
			n--;
	}
	*due = d;
	*provisional = workdays_beyond(d);
	return QERR_OK;
}

enum qerr workdays_between_provisional(struct qdate from, struct qdate to, int64_t *n, bool *provisional,
				       struct qerror *err)
{
	*provisional = false;
	int sign = 1;
	if (qdate_compare(to, from) < 0) {
		struct qdate t = from;
		from = to;
		to = t;
		sign = -1;
	}
	if (!workdays_covers(from) && !workdays_beyond(from))
		return out_of_range(err, "from", from);
	if (!workdays_covers(to) && !workdays_beyond(to))
		return out_of_range(err, "to", to);
	int64_t count = 0;
	struct qdate d = from;
	bool prov = false, ok;
	while (qdate_compare(d, to) < 0) {
		if (!qdate_add_days(d, 1, &d))
			return out_of_range(err, "to", d);
		if (workday_or_provisional(d, &prov, &ok))
			count++;
	}
	*n = sign * count;
	*provisional = prov;
	return QERR_OK;
}

void workdays_identity_upto(struct qdate latest, char out[WORKDAYS_IDENTITY_LEN])
{
	workdays_identity(out);
	if (latest.year <= workdays_data_last_year)
		return;
	size_t len = strlen(out);
	if (latest.year == workdays_data_last_year + 1)
		snprintf(out + len, WORKDAYS_IDENTITY_LEN - len, " + provisional weekdays for %d", latest.year);
	else
		snprintf(out + len, WORKDAYS_IDENTITY_LEN - len, " + provisional weekdays for %d-%d",
			 workdays_data_last_year + 1, latest.year);
}

bool workdays_identity_provisional(const char *identity, int *last)
{
	int first = 0, l = 0;
	if (last)
		*last = 0;
	const char *paren = identity ? strchr(identity, '(') : NULL;
	if (!paren || sscanf(paren, "(%d-%d)", &first, &l) != 2)
		return false;
	if (last)
		*last = l;
	return strstr(paren, "+ provisional weekdays") != NULL;
}

bool workdays_date_provisional(const char *identity, struct qdate d)
{
	int last;
	return workdays_identity_provisional(identity, &last) && d.year > last;
}

enum qerr workdays_recompute(const char *identity, struct qdate due, struct qdate *out, bool *provisional,
			     struct qerror *err)
{
	int last;
	*out = due;
	*provisional = false;
	if (!workdays_identity_provisional(identity, &last) || due.year <= last) {
		*provisional = workdays_beyond(due);
		return QERR_OK;
	}
	/* k = the Monday-Friday days in (L-12-31, due]: what the provisional rule counted. */
	struct qdate base = {.year = last, .month = 12, .day = 31}, d = base;
	int64_t k = 0;
	while (qdate_compare(d, due) < 0) {
		if (!qdate_add_days(d, 1, &d))
			break;
		if (qdate_weekday(d) <= 5)
			k++;
	}
	if (!workdays_covers(base))
		return out_of_range(err, "from", base);
	return workdays_add_provisional(base, k, out, provisional, err);
}
