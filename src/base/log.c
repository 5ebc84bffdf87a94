/* log.c - single-write log lines with a UTC time stamp. */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include "base/util.h"

static int log_fd = 2;
static int log_quiet;

void log_set_fd(int fd) { log_fd = fd; }
void log_set_quiet(int quiet) { log_quiet = quiet; }

static void emit(const char *level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void emit(const char *level, const char *fmt, va_list ap)
{
	if (log_quiet)
		return;
	char line[1024], ts[32];
	util_now_iso(ts, sizeof ts);
	int n = snprintf(line, sizeof line, "%s %s ", ts, level);
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	line[len++] = '\n';
	ssize_t w = write(log_fd, line, len);
	(void)w;
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("info", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("error", fmt, ap);
	va_end(ap);
}

void log_access(const char *method, const char *path, int status, uint64_t bytes, int64_t micros)
{
	if (log_quiet)
		return;
	char line[1200], ts[32];
	util_now_iso(ts, sizeof ts);
	int n = snprintf(line, sizeof line - 1, "%s access %s %.1000s %d %llu %lldus\n", ts, method, path, status,
			 (unsigned long long)bytes, (long long)micros);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 1) {
		n = (int)sizeof line - 1;
		line[n - 1] = '\n';
	}
	ssize_t w = write(log_fd, line, (size_t)n);
	(void)w;
}
