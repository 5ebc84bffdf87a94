/*
 * log.h - one-line logs on stderr (or a file). Thread safe: each line is
 * written with one write(2) so lines from worker threads never interleave.
 */
#ifndef QILIAN_LOG_H
#define QILIAN_LOG_H
#include <stdint.h>

/* Sends logs to fd (default 2). */
void log_set_fd(int fd);

/* Turns logging off (benchmarks) or on. */
void log_set_quiet(int quiet);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The access log line: time method path status bytes microseconds. */
void log_access(const char *method, const char *path, int status, uint64_t bytes, int64_t micros);

#endif
