/*
 * store_check.h - finance's part in `qilian store copy` and `store verify`
 * (platform/store_copy.h): the rows its migration seeds (finance_settings,
 * the hash chain's head) and finance_verify as its check. Listed in the
 * finance command table (cli/cmd_finance.c).
 */
#ifndef QILIAN_FINANCE_STORE_CHECK_H
#define QILIAN_FINANCE_STORE_CHECK_H
#include "platform/store_copy.h"

extern const struct store_domain finance_store;

#endif
