/*
 * banned.h - functions Qilian never calls (after curl's checksrc).
 *
 * Force-included into every project source by the build. Unbounded string
 * copies and unchecked number parsing are the classic ways a C server gets
 * owned or silently wrong; use snprintf, memcpy with a checked length, and
 * strtoll with end-pointer and range checks instead.
 */
#ifndef QILIAN_BANNED_H
#define QILIAN_BANNED_H
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#define QILIAN_BANNED(fn) sorry_##fn##_is_banned_in_qilian
#undef sprintf
#define sprintf(...) QILIAN_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) QILIAN_BANNED(vsprintf)
#undef strcpy
#define strcpy(...) QILIAN_BANNED(strcpy)
#undef strcat
#define strcat(...) QILIAN_BANNED(strcat)
#undef gets
#define gets(...) QILIAN_BANNED(gets)
#undef atoi
#define atoi(...) QILIAN_BANNED(atoi)
#undef atol
#define atol(...) QILIAN_BANNED(atol)
#endif
