/*
 * password.h - the rule a new password must meet (user creation from the
 * CLI or the API, and password changes).
 *
 * A password is accepted when it has at least 8 characters (UTF-8
 * characters, not bytes) and at most 512 bytes, is not one character
 * repeated, is not one of the commonest passwords (password_common, compared
 * in lower case), and either has at least 10 characters or uses at least
 * three kinds of character: lower-case letters, upper-case letters, digits,
 * symbols. A character outside ASCII (Chinese, for instance) counts as all
 * three kinds: each is drawn from thousands, so eight of them are far harder
 * to guess than ten lower-case letters.
 */
#ifndef QILIAN_PASSWORD_H
#define QILIAN_PASSWORD_H
#include <stdbool.h>
#include <stddef.h>
#include "base/qerr.h"

#define PASSWORD_MIN_CHARS 8    /* shortest accepted password ... */
#define PASSWORD_LONG_CHARS 10  /* ... and the length from which one kind of character is enough */
#define PASSWORD_MIN_KINDS 3    /* kinds a shorter password needs (the message says "three") */
#define PASSWORD_MAX_BYTES 512

/*
 * Checks pw (NULL is refused) against the rule above. QERR_OK, or
 * QERR_INVALID naming field with slug "weak_password" (too short, one
 * character repeated, too common, too few kinds) or "too_long", and a
 * message in Chinese and English saying which.
 */
enum qerr password_check(const char *pw, const char *field, struct qerror *err);

/* True when pw, in lower case, is in password_common. */
bool password_is_common(const char *pw);

/* The commonest passwords: lower case, sorted in byte (strcmp) order. Data in password_common.c. */
extern const char *const password_common[];
extern const size_t password_common_len;

#endif
