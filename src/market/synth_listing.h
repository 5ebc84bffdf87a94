/*
 * synth_listing.h - realistic synthetic supply and demand listings for
 * demos, tests and the market benchmark (bench/market.sh), with graded
 * relevance labels from the generator's own ground truth.
 *
 * Every listing is built from one hidden product concept (永磁同步电机,
 * 深沟球轴承, 光伏组件, ...; about 70 of them over six chains: 新能源汽车,
 * 集成电路, 工业母机, 生物医药, 光伏, 通用零部件, plus consumer goods as
 * distractors: 液晶电视机, 电视机外壳, 模具钢, 梯形丝杠, ...) and one spec
 * family of that concept (轴承 62 vs 63 series, 螺栓 M8 vs M10, 乘用车 vs
 * 商用车 drive motors), worded with real model numbers, materials (304,
 * 316L, ADC12), tolerances, process words (来图加工, 批量供应) and
 * certifications (ISO9001, IATF16949, ISO13485, CE, UL, ...). Hard
 * negatives are deliberate: 电视机 next to 电机, 电机控制器 and 伺服驱动器
 * next to 电机, 谐波减速器 (robots) next to 减速器 (cars), 光伏电池片 next to
 * 动力电芯, 不锈钢螺母 next to 不锈钢螺栓.
 *
 * Files written into dir (all UTF-8 CSV with a header row):
 *  - enterprises.csv  the `qilian import enterprises` format, written by
 *                     registry/synth.h's synth_enterprises (same seed);
 *  - segments.csv     the `qilian import segments` format: the chains and
 *                     segments the listings name;
 *  - supplies.csv     uscc,title,description,chain,segment,regions,certifications
 *  - demands.csv      uscc,title,description,chain,segment,quantity,unit,
 *                     budget_fen,deadline,region,certifications
 *  - labels.csv       demand_line,supply_line,grade for the first `labelled`
 *                     demands: EVERY supply with grade > 0 is listed (grade 2:
 *                     same concept and spec family, 1: same concept), so the
 *                     ideal DCG of a demand comes from these counts. A supply
 *                     lacking one of the demand's required certifications is
 *                     not relevant (the demand states them as requirements).
 *                     Lines are file line numbers: the header is line 1, the
 *                     first listing line 2 (no field spans lines).
 *  - truth.csv        kind,line,concept,family: the hidden concept of every
 *                     listing (kind 's' or 'd'), for analysis and tests.
 * The same options and seed give byte-identical files.
 */
#ifndef QILIAN_SYNTH_LISTING_H
#define QILIAN_SYNTH_LISTING_H
#include <stdint.h>
#include "base/qerr.h"

struct synth_listing_opts {
	long supplies;	  /* rows of supplies.csv */
	long demands;	  /* rows of demands.csv */
	long labelled;	  /* demands (the first ones) whose relevant supplies go to labels.csv */
	long enterprises; /* 0: supplies / 8 + demands / 2 + 50 */
	uint64_t seed;
};

struct synth_listing_report {
	long enterprises, supplies, demands, labelled_demands, label_rows, concepts;
};

/*
 * Writes the files above into dir (created if missing). Returns QERR_OK
 * and fills *rep (may be NULL), or QERR_INVALID ("file_unwritable") when a
 * file cannot be written, QERR_INTERNAL on a write error or out of memory.
 */
enum qerr synth_listings(const char *dir, const struct synth_listing_opts *o, struct synth_listing_report *rep,
			 struct qerror *err);

/* Number of product concepts, and the key of one ("nev.motor", "consumer.tv"), or NULL out of range. */
int synth_listing_concepts(void);
const char *synth_listing_concept_key(int concept);

#endif
