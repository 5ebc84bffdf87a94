/*
 * qtime.c - ISO-8601 UTC instants as text, read byte by byte (strptime is
 * lenient about widths and trailing text, timegm quietly normalises 02-30
 * into 03-02) over the calendar arithmetic of qdate.c.
 */
#include "base/qtime.h"

#include <string.h>
#include <time.h>
#include "base/qdate.h"

/* Two digits at s into *value; false at the first non-digit (so never past a NUL). */
static bool two_digits(const char *s, int *value)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	*value = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}

/* "HH:MM:SS" of a real time of day (no 24:00, no :60) as seconds since midnight. */
static bool time_of_day(const char *s, int *seconds)
{
	int h, m, sec;
	if (!two_digits(s, &h) || s[2] != ':' || !two_digits(s + 3, &m) || s[5] != ':' || !two_digits(s + 6, &sec) ||
	    h > 23 || m > 59 || sec > 59)
		return false;
	*seconds = h * 3600 + m * 60 + sec;
	return true;
}

/* The zone after the seconds: "Z", "+HH:MM"/"-HH:MM" or "" as the accept flags allow, in seconds east. */
static bool zone(const char *s, unsigned accept, int *east)
{
	if (s[0] == 'Z' && s[1] == 0) {
		*east = 0;
		return true;
	}
	if (s[0] == 0 && (accept & QTIME_NO_ZONE)) {
		*east = 0;
		return true;
	}
	int h, m;
	if ((s[0] == '+' || s[0] == '-') && (accept & QTIME_OFFSET) && two_digits(s + 1, &h) && s[3] == ':' &&
	    two_digits(s + 4, &m) && s[6] == 0 && h <= 23 && m <= 59) {
		*east = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
		return true;
	}
	return false;
}

bool qtime_parse(const char *text, unsigned accept, int64_t *out, bool *date_only)
{
	char day[QDATE_TEXT_LEN];
	struct qdate d;
	/* The date is the first ten bytes, copied out once there are ten. */
	if (!text || strnlen(text, 10) < 10)
		return false;
	memcpy(day, text, 10);
	day[10] = 0;
	if (!qdate_parse(day, &d))
		return false;
	int64_t t = qdate_to_days(d) * 86400;
	bool alone = text[10] == 0;
	if (alone) {
		if (!(accept & QTIME_DATE))
			return false;
	} else {
		int seconds, east;
		if (text[10] != 'T' || !time_of_day(text + 11, &seconds) || !zone(text + 19, accept, &east))
			return false;
		t += seconds - east;
	}
	*out = t;
	if (date_only)
		*date_only = alone;
	return true;
}

static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

bool qtime_format(int64_t t, char out[QTIME_ISO_LEN])
{
	/* Floor division: the second before the epoch is 1969-12-31T23:59:59Z. */
	int64_t days = t / 86400, rest = t % 86400;
	if (rest < 0) {
		days--;
		rest += 86400;
	}
	struct qdate d;
	if (!qdate_from_days(days, &d)) {
		out[0] = 0;
		return false;
	}
	qdate_format(d, out);
	out[10] = 'T';
	put2(out + 11, (int)(rest / 3600));
	out[13] = ':';
	put2(out + 14, (int)(rest / 60 % 60));
	out[16] = ':';
	put2(out + 17, (int)(rest % 60));
	out[19] = 'Z';
	out[20] = 0;
	return true;
}

int64_t qtime_now(void)
{
	return (int64_t)time(NULL);
}

void qtime_now_iso(char out[QTIME_ISO_LEN])
{
	static __thread int64_t last = INT64_MIN;
	static __thread char text[QTIME_ISO_LEN];
	int64_t t = qtime_now();
	if (t != last) {
		qtime_format(t, text);
		last = t;
	}
	memcpy(out, text, QTIME_ISO_LEN);
}
