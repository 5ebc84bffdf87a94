/* password.c - the password rule (see password.h): length, kinds of character, the commonest passwords. */
#include "registry/password.h"

#include <stdlib.h>
#include <string.h>
#include "base/util.h"

static int compare_entry(const void *key, const void *entry)
{
	return strcmp(key, *(const char *const *)entry);
}

bool password_is_common(const char *pw)
{
	char lower[40];
	size_t n = pw ? strlen(pw) : 0;
	if (n == 0 || n >= sizeof lower)
		return false; /* every listed password is much shorter */
	for (size_t i = 0; i <= n; i++)
		lower[i] = pw[i] >= 'A' && pw[i] <= 'Z' ? (char)(pw[i] - 'A' + 'a') : pw[i];
	return bsearch(lower, password_common, password_common_len, sizeof password_common[0], compare_entry) != NULL;
}

/* How many of lower case, upper case, digits and symbols pw uses; a non-ASCII character counts for three. */
static int password_kinds(const char *pw)
{
	bool lower = false, upper = false, digit = false, symbol = false, wide = false;
	for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
		if (*p >= 0x80)
			wide = true;
		else if (*p >= 'a' && *p <= 'z')
			lower = true;
		else if (*p >= 'A' && *p <= 'Z')
			upper = true;
		else if (*p >= '0' && *p <= '9')
			digit = true;
		else
			symbol = true;
	}
	return lower + upper + digit + symbol + (wide ? 3 : 0);
}

static bool one_character_repeated(const char *pw)
{
	size_t n = strlen(pw), first = 1;
	while (first < n && ((unsigned char)pw[first] & 0xC0) == 0x80)
		first++; /* the bytes of the first UTF-8 character */
	for (size_t i = first; i < n; i += first)
		if (i + first > n || memcmp(pw + i, pw, first) != 0)
			return false;
	return n > 0;
}

enum qerr password_check(const char *pw, const char *field, struct qerror *err)
{
	if (!pw || util_utf8_len(pw) < PASSWORD_MIN_CHARS)
		return qerr_set(err, QERR_INVALID, "weak_password", field, "密码至少%d个字符 (password needs at least %d characters)",
				PASSWORD_MIN_CHARS, PASSWORD_MIN_CHARS);
	if (strlen(pw) > PASSWORD_MAX_BYTES)
		return qerr_set(err, QERR_INVALID, "too_long", field, "password is too long");
	if (one_character_repeated(pw))
		return qerr_set(err, QERR_INVALID, "weak_password", field,
				"密码不能由同一个字符重复组成 (a password must not be one character repeated)");
	if (password_is_common(pw))
		return qerr_set(err, QERR_INVALID, "weak_password", field,
				"这是最常见的密码之一，请换一个 (this is one of the most common passwords; choose another)");
	if (util_utf8_len(pw) < PASSWORD_LONG_CHARS && password_kinds(pw) < PASSWORD_MIN_KINDS)
		return qerr_set(err, QERR_INVALID, "weak_password", field,
				"少于%d个字符的密码须包含小写字母、大写字母、数字、符号中的至少三种 (a password under %d characters "
				"needs three of: lower case, upper case, digits, symbols)",
				PASSWORD_LONG_CHARS, PASSWORD_LONG_CHARS);
	return QERR_OK;
}
