/*
 * synth_chain.h - a realistic synthetic chain map for demos and benchmarks:
 * five real industry chains (新能源汽车, 集成电路, 工业机器人, 光伏, 生物医药)
 * with their segment DAGs, N enterprises (registry/synth.h), what each can
 * make, and M supply relations with the shape of real supply bases: a few
 * large buyers with thousands of suppliers and a long tail of small ones,
 * buyers buying the segments upstream of what they make, and suppliers
 * clustered near their buyers (same province first). Deterministic per seed.
 */
#ifndef QILIAN_SYNTH_CHAIN_H
#define QILIAN_SYNTH_CHAIN_H
#include <stdint.h>
#include "base/qerr.h"

/* Writes enterprises.csv, segments.csv, capabilities.csv and relations.csv into dir. */
enum qerr synth_chain(const char *dir, long enterprises, long relations, uint64_t seed, struct qerror *err);

#endif
