/* synth_chain.c - synthetic chain map files (see synth_chain.h). */
#include "chainmap/synth_chain.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "base/csv.h"
#include "base/rng.h"
#include "registry/synth.h"
#include "registry/uscc.h"

struct seg_def {
	const char *chain, *chain_name, *code, *name, *upstream; /* upstream: ';'-separated codes */
};

static const struct seg_def seg_defs[] = {
	{"nev", "新能源汽车产业链", "lithium", "锂矿", ""},
	{"nev", "新能源汽车产业链", "cathode", "正极材料", "lithium"},
	{"nev", "新能源汽车产业链", "anode", "负极材料", ""},
	{"nev", "新能源汽车产业链", "electrolyte", "电解液", "lithium"},
	{"nev", "新能源汽车产业链", "separator", "隔膜", ""},
	{"nev", "新能源汽车产业链", "cell", "电芯", "cathode;anode;electrolyte;separator"},
	{"nev", "新能源汽车产业链", "bms", "电池管理系统", ""},
	{"nev", "新能源汽车产业链", "pack", "电池包", "cell;bms"},
	{"nev", "新能源汽车产业链", "motor", "驱动电机", ""},
	{"nev", "新能源汽车产业链", "ecu", "电控系统", ""},
	{"nev", "新能源汽车产业链", "chassis", "底盘", ""},
	{"nev", "新能源汽车产业链", "body", "车身", ""},
	{"nev", "新能源汽车产业链", "vehicle", "整车", "pack;motor;ecu;chassis;body"},
	{"ic", "集成电路产业链", "wafer", "硅片", ""},
	{"ic", "集成电路产业链", "gas", "电子特气", ""},
	{"ic", "集成电路产业链", "photoresist", "光刻胶", ""},
	{"ic", "集成电路产业链", "equipment", "半导体设备", ""},
	{"ic", "集成电路产业链", "design", "芯片设计", ""},
	{"ic", "集成电路产业链", "foundry", "晶圆制造", "wafer;gas;photoresist;equipment;design"},
	{"ic", "集成电路产业链", "packaging", "封装测试", "foundry"},
	{"ic", "集成电路产业链", "module", "模组", "packaging"},
	{"robot", "工业机器人产业链", "reducer", "减速器", ""},
	{"robot", "工业机器人产业链", "servo", "伺服电机", ""},
	{"robot", "工业机器人产业链", "controller", "控制器", ""},
	{"robot", "工业机器人产业链", "sensor", "传感器", ""},
	{"robot", "工业机器人产业链", "arm", "机器人本体", "reducer;servo;controller;sensor"},
	{"robot", "工业机器人产业链", "integration", "系统集成", "arm"},
	{"pv", "光伏产业链", "polysilicon", "多晶硅", ""},
	{"pv", "光伏产业链", "pvwafer", "单晶硅片", "polysilicon"},
	{"pv", "光伏产业链", "pvcell", "电池片", "pvwafer"},
	{"pv", "光伏产业链", "glass", "光伏玻璃", ""},
	{"pv", "光伏产业链", "pvmodule", "光伏组件", "pvcell;glass"},
	{"pv", "光伏产业链", "inverter", "逆变器", ""},
	{"pv", "光伏产业链", "plant", "光伏电站", "pvmodule;inverter"},
	{"biomed", "生物医药产业链", "api", "原料药", ""},
	{"biomed", "生物医药产业链", "excipient", "药用辅料", ""},
	{"biomed", "生物医药产业链", "pharmapack", "药品包材", ""},
	{"biomed", "生物医药产业链", "formulation", "制剂", "api;excipient;pharmapack"},
	{"biomed", "生物医药产业链", "device", "医疗器械", ""},
	{"biomed", "生物医药产业链", "distribution", "医药流通", "formulation;device"},
};
#define NSEG ((int)(sizeof seg_defs / sizeof seg_defs[0]))

static int seg_index(const char *chain, const char *code)
{
	for (int i = 0; i < NSEG; i++)
		if (strcmp(seg_defs[i].chain, chain) == 0 && strcmp(seg_defs[i].code, code) == 0)
			return i;
	return -1;
}

struct firm {
	char uscc[USCC_LEN + 1];
	int province;
	int seg; /* what it makes */
	double weight;
};

static FILE *open_in(const char *dir, const char *name, struct qerror *err)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		qerr_set(err, QERR_INVALID, "file_unwritable", "output", "cannot write %s: %s", path, strerror(errno));
	return f;
}

enum qerr synth_chain(const char *dir, long n, long m, uint64_t seed, struct qerror *err)
{
	mkdir(dir, 0755);
	FILE *ef = open_in(dir, "enterprises.csv", err);
	if (!ef)
		return err->code;
	if (synth_enterprises(ef, n, seed) || fclose(ef))
		return qerr_set(err, QERR_INTERNAL, "write_failed", "output", "cannot write enterprises.csv");
	/* Read the enterprises back for their codes, regions and sizes. */
	char path[1024];
	snprintf(path, sizeof path, "%s/enterprises.csv", dir);
	size_t len;
	const char *data = csv_map_file(path, &len, err);
	if (!data)
		return err->code;
	struct firm *firms = calloc((size_t)(n ? n : 1), sizeof *firms);
	long count = 0;
	struct csv_reader r;
	csv_init(&r, data, len);
	struct rng s;
	rng_seed(&s, seed, 7);
	if (csv_next(&r, err) < 0) /* header */
		count = -1;
	while (firms && count >= 0 && count < n && csv_next(&r, err) == 1) {
		struct firm *f = &firms[count++];
		snprintf(f->uscc, sizeof f->uscc, "%s", r.field[0]);
		f->province = (int)strtol(r.field[2], NULL, 10) / 10000;
		f->seg = (int)rng_below(&s, NSEG);
		long employees = strtol(r.field[4], NULL, 10);
		/* Supply bases are heavy-tailed: big firms buy from many suppliers. */
		f->weight = employees >= 300 ? 400.0 + (double)rng_below(&s, 4000) : 1.0 + (double)rng_below(&s, 8);
	}
	csv_free(&r);
	csv_unmap(data, len);
	if (!firms || count <= 0) {
		free(firms);
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "could not read back the enterprises");
	}
	n = count;
	FILE *sf = open_in(dir, "segments.csv", err), *cf = open_in(dir, "capabilities.csv", err),
	     *rf = open_in(dir, "relations.csv", err);
	enum qerr rc = QERR_OK;
	if (!sf || !cf || !rf) {
		rc = err->code;
		goto out;
	}
	fputs("chain,chain_name,segment,segment_name,upstream\n", sf);
	for (int i = 0; i < NSEG; i++)
		fprintf(sf, "%s,%s,%s,%s,%s\n", seg_defs[i].chain, seg_defs[i].chain_name, seg_defs[i].code, seg_defs[i].name,
			seg_defs[i].upstream);
	fputs("uscc,chain,segment,capacity\n", cf);
	/* Per segment: its makers (indices into firms), grouped by province for regional clustering. */
	long *maker_count = calloc(NSEG, sizeof *maker_count);
	long **makers = calloc(NSEG, sizeof *makers);
	for (long i = 0; i < n; i++)
		maker_count[firms[i].seg]++;
	for (int g = 0; g < NSEG; g++)
		makers[g] = malloc((size_t)(maker_count[g] ? maker_count[g] : 1) * sizeof **makers);
	long *fill = calloc(NSEG, sizeof *fill);
	for (long i = 0; i < n; i++) {
		makers[firms[i].seg][fill[firms[i].seg]++] = i;
		const struct seg_def *d = &seg_defs[firms[i].seg];
		fprintf(cf, "%s,%s,%s,%llu\n", firms[i].uscc, d->chain, d->code,
			(unsigned long long)(100 + rng_below(&s, 100000)));
	}
	/* Buyers are firms whose segment has upstream segments, weighted by size. */
	double *cum = malloc((size_t)n * sizeof *cum);
	double acc = 0;
	for (long i = 0; i < n; i++) {
		acc += seg_defs[firms[i].seg].upstream[0] ? firms[i].weight : 0.0;
		cum[i] = acc;
	}
	fputs("buyer_uscc,supplier_uscc,chain,segment,annual_amount_fen\n", rf);
	long written = 0, attempts = 0;
	/* Duplicates (same buyer, supplier, segment) are avoided with a hash set of triples. */
	size_t cap = 1;
	while (cap < (size_t)m * 2 + 16)
		cap <<= 1;
	uint64_t *seen = calloc(cap, sizeof *seen);
	if (!maker_count || !makers || !fill || !cum || !seen || acc <= 0) {
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory or no buyers");
		goto free_more;
	}
	while (written < m && attempts < m * 20) {
		attempts++;
		long b = (long)rng_pick_cumulative_double(&s, cum, (size_t)n);
		const struct seg_def *d = &seg_defs[firms[b].seg];
		/* One of the upstream segments of what the buyer makes. */
		char up[128];
		snprintf(up, sizeof up, "%s", d->upstream);
		int nup = 1;
		for (char *p = up; *p; p++)
			nup += *p == ';';
		int k = (int)rng_below(&s, (uint64_t)nup);
		char *tok = up;
		for (int i = 0; i < k; i++)
			tok = strchr(tok, ';') + 1;
		char *semi = strchr(tok, ';');
		if (semi)
			*semi = 0;
		int ug = seg_index(d->chain, tok);
		if (ug < 0 || maker_count[ug] == 0)
			continue;
		/* Half of the time a supplier from the buyer's province, if one is found quickly. */
		long sup = makers[ug][rng_below(&s, (uint64_t)maker_count[ug])];
		if (rng_below(&s, 2))
			for (int t = 0; t < 8 && firms[sup].province != firms[b].province; t++)
				sup = makers[ug][rng_below(&s, (uint64_t)maker_count[ug])];
		if (sup == b)
			continue;
		uint64_t key = ((uint64_t)b * 2654435761u) ^ ((uint64_t)sup << 20) ^ ((uint64_t)ug << 58);
		key = key ? key : 1;
		size_t h = (size_t)(key * 0x9E3779B97F4A7C15ull) & (cap - 1);
		bool dup = false;
		while (seen[h]) {
			if (seen[h] == key) {
				dup = true;
				break;
			}
			h = (h + 1) & (cap - 1);
		}
		if (dup)
			continue;
		seen[h] = key;
		/* Amounts: log-uniform from 10,000 yuan to 100 million yuan, in fen. */
		double e = (double)rng_below(&s, 10000) / 10000.0 * 4.0;
		long long fen = (long long)(1000000.0 * pow(10.0, e));
		fprintf(rf, "%s,%s,%s,%s,%lld\n", firms[b].uscc, firms[sup].uscc, d->chain, seg_defs[ug].code, fen);
		written++;
	}
free_more:
	free(seen);
	free(cum);
	for (int g = 0; makers && g < NSEG; g++)
		free(makers[g]);
	free(makers);
	free(maker_count);
	free(fill);
out:
	if (sf && fclose(sf) && !rc)
		rc = qerr_set(err, QERR_INTERNAL, "write_failed", "output", "write failed");
	if (cf && fclose(cf) && !rc)
		rc = qerr_set(err, QERR_INTERNAL, "write_failed", "output", "write failed");
	if (rf && fclose(rf) && !rc)
		rc = qerr_set(err, QERR_INTERNAL, "write_failed", "output", "write failed");
	free(firms);
	return rc;
}
