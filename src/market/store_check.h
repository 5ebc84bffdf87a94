/*
 * store_check.h - the market's part in `qilian store copy` and `store
 * verify` (platform/store_copy.h): the full-text tables PostgreSQL keeps its
 * own way, and the market's invariants. Listed in the market's command table
 * (cli/cmd_market.c).
 */
#ifndef QILIAN_MARKET_STORE_CHECK_H
#define QILIAN_MARKET_STORE_CHECK_H
#include "platform/store_copy.h"

extern const struct store_domain market_store;

#endif
