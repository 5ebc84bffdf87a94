/*
 * util.h - small helpers every module uses: bounded number parsing, time
 * stamps, and a growable byte buffer.
 */
#ifndef QILIAN_UTIL_H
#define QILIAN_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <stdbool.h>

/* Parses a whole decimal integer in [min,max]; false on junk, overflow or range. */
bool util_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Same for a byte range that is not NUL-terminated. */
bool util_parse_i64_n(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);

/*
 * Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes;
 * shorter is truncated). Kept for its many callers: it is qtime_now_iso.
 */
void util_now_iso(char *buf, size_t cap);

/* Monotonic clock in microseconds. */
int64_t util_mono_us(void);

/* The CLOCK_MONOTONIC time ns nanoseconds from now, normalised: the deadline of a timed wait. */
struct timespec util_mono_after_ns(int64_t ns);

/* Wall clock in seconds since the epoch (qtime_now, kept for its callers). */
int64_t util_now_unix(void);

/* A growable buffer. Zero-initialise, append, free with buf_free. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
/* Appends n bytes; returns false when out of memory (the buffer is unchanged). */
bool buf_append(struct buf *b, const void *p, size_t n);
bool buf_puts(struct buf *b, const char *s);
bool buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

/* True when s is valid UTF-8 of length n (no overlongs, no surrogates). */
bool util_utf8_valid(const char *s, size_t n);

/* Number of Unicode code points in valid UTF-8 text. */
size_t util_utf8_len(const char *s);

#endif
