/* uscc.c - GB 32100-2015 统一社会信用代码 check characters. */
#include "registry/uscc.h"

#include <stdbool.h>
#include <string.h>

static const char USCC_ALPHABET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* 3^(i-1) mod 31 for i = 1..17. */
static const int USCC_WEIGHTS[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

static int char_value(char c)
{
	const char *p = c ? strchr(USCC_ALPHABET, c) : NULL;
	return p ? (int)(p - USCC_ALPHABET) : -1;
}

char uscc_check_char(const char *first17)
{
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = char_value(first17[i]);
		if (v < 0)
			return 0;
		sum += v * USCC_WEIGHTS[i];
	}
	return USCC_ALPHABET[(31 - sum % 31) % 31];
}

/* Bytes of the separator at p (ASCII space or hyphen, U+00A0 no-break space, U+3000 ideographic space), or 0. */
static size_t separator_len(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	if (u[0] == ' ' || u[0] == '-')
		return 1;
	if (u[0] == 0xC2 && u[1] == 0xA0)
		return 2;
	if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

/* After how many characters a separator may stand: the licence's 4-4-4-4-2 groups and the parts 2-6-9-1. */
static bool group_boundary(size_t n)
{
	return n == 2 || n == 4 || n == 8 || n == 12 || n == 16 || n == 17;
}

/*
 * Drops the separators that stand between two characters at a group
 * boundary (anywhere=true: wherever they stand), copies up to cap - 1 bytes
 * of what remains to out, NUL-terminated, and returns how many bytes remain.
 */
static size_t compact(const char *code, bool anywhere, char *out, size_t cap)
{
	size_t n = 0, chars = 0; /* bytes kept; of them, bytes of the code itself (not misplaced separators) */
	for (const char *p = code ? code : ""; *p;) {
		size_t s = separator_len(p);
		if (s && (anywhere || group_boundary(chars))) {
			const char *q = p;
			while ((s = separator_len(q)))
				q += s;
			if (*q || anywhere) {
				p = q;
				continue;
			}
			s = separator_len(p);
		}
		/* A separator kept (misplaced) is copied whole and does not move the group boundaries. */
		size_t len = s ? s : 1;
		for (size_t i = 0; i < len; i++, n++)
			if (n + 1 < cap)
				out[n] = p[i];
		chars += s ? 0 : 1;
		p += len;
	}
	out[n < cap ? n : cap - 1] = 0;
	return n;
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* The reason code[i] is refused; printable ASCII is echoed, other bytes are not (the message stays UTF-8). */
static enum qerr bad_character(const char *code, size_t i, struct qerror *err)
{
	unsigned char uc = (unsigned char)code[i];
	if (uc >= 0x20 && uc < 0x7f)
		return qerr_set(err, QERR_INVALID, "invalid_uscc", "uscc",
				"第%zu位字符'%c'不允许 (character '%c' at position %zu is not allowed)", i + 1, code[i],
				code[i], i + 1);
	return qerr_set(err, QERR_INVALID, "invalid_uscc", "uscc", "第%zu位字符不允许 (character at position %zu is not allowed)",
			i + 1, i + 1);
}

enum qerr uscc_check(const char *code, char out[USCC_LEN + 1], struct qerror *err)
{
	char text[64];
	size_t n = compact(code, false, text, sizeof text);
	size_t scan = n < sizeof text - 1 ? n : sizeof text - 1;
	if (n != USCC_LEN) {
		/* Wrong length: a character that is never allowed is the better reason; a misplaced separator is not one. */
		for (size_t i = 0, s; i < scan; i += s ? s : 1) {
			s = separator_len(text + i);
			if (!s && char_value(upper(text[i])) < 0)
				return bad_character(text, i, err);
		}
		char all[64];
		if (compact(code, true, all, sizeof all) == USCC_LEN)
			return qerr_set(err, QERR_INVALID, "invalid_uscc", "uscc",
					"统一社会信用代码应为18位，实际为%zu位，空格和连字符只能位于分组之间 (a USCC has 18 characters, "
					"got %zu; spaces and hyphens may stand only between its groups, as in 9132 0583 MA1N 2L8E 6H)",
					n, n);
		return qerr_set(err, QERR_INVALID, "invalid_uscc", "uscc",
				"统一社会信用代码应为18位，实际为%zu位 (a USCC has 18 characters, got %zu)", n, n);
	}
	char up[USCC_LEN + 1];
	for (size_t i = 0; i < USCC_LEN; i++) {
		up[i] = upper(text[i]);
		if (char_value(up[i]) < 0)
			return bad_character(text, i, err);
	}
	up[USCC_LEN] = 0;
	char want = uscc_check_char(up);
	if (want != up[17])
		return qerr_set(err, QERR_INVALID, "invalid_uscc", "uscc",
				"校验码错误：应为'%c'，实际为'%c' (check character should be '%c', got '%c')", want,
				up[17], want, up[17]);
	memcpy(out, up, sizeof up);
	return QERR_OK;
}

void uscc_generate(const char *region6, uint64_t seed, char out[USCC_LEN + 1])
{
	out[0] = '9';
	out[1] = '1';
	memcpy(out + 2, region6, 6);
	/* splitmix64 spreads consecutive seeds over the organisation-code space. */
	uint64_t z = seed + 0x9E3779B97F4A7C15ull;
	for (int i = 8; i < 17; i++) {
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
		z ^= z >> 31;
		out[i] = USCC_ALPHABET[z % 31];
	}
	out[17] = uscc_check_char(out);
	out[18] = 0;
}
