/*
 * store_check.h - the chain map's part in `qilian store copy` and `store
 * verify` (platform/store_copy.h): graph_version, which its migration seeds,
 * and its invariants (segment links inside one chain, without cycles).
 * Listed in the chain map's command table (cli/cmd_chainmap.c).
 */
#ifndef QILIAN_CHAINMAP_STORE_CHECK_H
#define QILIAN_CHAINMAP_STORE_CHECK_H
#include "platform/store_copy.h"

extern const struct store_domain chainmap_store;

#endif
