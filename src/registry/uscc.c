/* uscc.c - GB 32100-2015 统一社会信用代码 check characters. */
#include "registry/uscc.h"

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

enum qerr uscc_check(const char *code, char out[USCC_LEN + 1], struct qerror *err)
{
	size_t n = code ? strlen(code) : 0;
	if (n != USCC_LEN)
		return qerr_set(err, QERR_INVALID, "invalid_uscc", "uscc",
				"统一社会信用代码应为18位，实际为%zu位 (a USCC has 18 characters, got %zu)", n, n);
	char up[USCC_LEN + 1];
	for (size_t i = 0; i < USCC_LEN; i++) {
		char c = code[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (char_value(c) < 0) {
			unsigned char uc = (unsigned char)code[i];
			if (uc >= 0x20 && uc < 0x7f)
				return qerr_set(err, QERR_INVALID, "invalid_uscc", "uscc",
						"第%zu位字符'%c'不允许 (character '%c' at position %zu is not allowed)",
						i + 1, code[i], code[i], i + 1);
			return qerr_set(err, QERR_INVALID, "invalid_uscc", "uscc",
					"第%zu位字符不允许 (character at position %zu is not allowed)", i + 1, i + 1);
		}
		up[i] = c;
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
