/*
 * fuzz_uscc.c - libFuzzer harness for uscc_check: any bytes, made into a
 * C string, are either rejected with a reason or accepted in a canonical
 * upper-case form that re-checks valid and whose last character is the
 * check character of the first 17.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "registry/uscc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *code = malloc(size + 1);
	if (!code)
		return 0;
	memcpy(code, data, size);
	code[size] = 0;
	char out[USCC_LEN + 1];
	memset(out, 0x5a, sizeof out);
	struct qerror e;
	memset(&e, 0, sizeof e);
	enum qerr rc = uscc_check(code, out, &e);
	if (rc == QERR_OK) {
		/* Accepted input is the 18 characters, maybe with the separators people paste between groups
		 * (space, no-break space, ideographic space, hyphen): without them it is the output, case aside. */
		char *compact = malloc(size + 1);
		if (!compact)
			abort();
		size_t n = 0;
		for (size_t i = 0; code[i]; i++) {
			if (code[i] == ' ' || code[i] == '-')
				continue;
			if ((unsigned char)code[i] == 0xc2 && (unsigned char)code[i + 1] == 0xa0) {
				i++;
				continue;
			}
			if ((unsigned char)code[i] == 0xe3 && (unsigned char)code[i + 1] == 0x80 &&
			    (unsigned char)code[i + 2] == 0x80) {
				i += 2;
				continue;
			}
			compact[n++] = code[i];
		}
		compact[n] = 0;
		free(code);
		code = compact;
		if (strlen(code) != USCC_LEN || strlen(out) != USCC_LEN)
			abort();
		for (size_t i = 0; i < USCC_LEN; i++) {
			char c = code[i];
			if (c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			if (out[i] != c || strchr("IOZSV", out[i]))
				abort();
		}
		char again[USCC_LEN + 1];
		if (uscc_check(out, again, NULL) != QERR_OK || memcmp(again, out, sizeof again) != 0)
			abort();
		if (uscc_check_char(out) != out[17])
			abort();
	} else {
		if (rc != QERR_INVALID || e.code != QERR_INVALID || strcmp(e.slug, "invalid_uscc") != 0 ||
		    strcmp(e.field, "uscc") != 0 || !e.message[0])
			abort();
		/* Messages go into JSON responses: they must be valid UTF-8. */
		if (!util_utf8_valid(e.message, strlen(e.message)))
			abort();
	}
	/* uscc_check_char never reads past 17 characters and never crashes on junk. */
	if (size >= 17) {
		char k = uscc_check_char(code);
		if (k && !strchr("0123456789ABCDEFGHJKLMNPQRTUWXY", k))
			abort();
	}
	free(code);
	return 0;
}
