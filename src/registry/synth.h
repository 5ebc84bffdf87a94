/*
 * synth.h - realistic synthetic enterprises for demos and benchmarks:
 * valid USCCs, real county codes clustered in the manufacturing provinces,
 * mostly manufacturing industries, a long tail of small firms and a few
 * large ones, and the 专精特新 pyramid. Deterministic for a given seed.
 */
#ifndef QILIAN_SYNTH_H
#define QILIAN_SYNTH_H
#include <stdint.h>
#include <stdio.h>

/* Writes a header and n rows in the enterprise import format. Returns 0, or -1 on a write error. */
int synth_enterprises(FILE *out, long n, uint64_t seed);

#endif
