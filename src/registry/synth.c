/* synth.c - synthetic enterprise CSV with realistic shape (see synth.h). */
#include "registry/synth.h"

#include <string.h>
#include "base/csv.h"
#include "base/rng.h"
#include "registry/region.h"
#include "registry/uscc.h"

/* Provinces weighted roughly by their number of industrial enterprises. */
static const struct {
	const char *prefix;
	int weight;
} province_weights[] = {
	{"32", 18}, {"44", 18}, {"33", 16}, {"37", 9}, {"35", 6}, {"34", 5}, {"42", 5}, {"41", 5},
	{"51", 4},  {"31", 4},  {"43", 4},  {"13", 3}, {"50", 3}, {"11", 2}, {"12", 2}, {"36", 3},
	{"21", 2},  {"61", 2},  {"45", 1},  {"53", 1}, {"14", 1}, {"22", 1}, {"23", 1}, {"52", 1},
};

static const char *const industries[] = {
	"C", "13", "17", "18", "22", "26", "27", "29", "30", "31", "32", "33", "34", "34", "35", "35", "36",
	"36", "38", "38", "39", "39", "39", "40", "40", "44", "48", "51", "52", "54", "59", "65", "65", "72", "73", "75",
};

static const char *const name_cores[] = {"精密", "智能", "新材料", "电子", "光电", "汽车零部件", "机械", "模具",
					 "传感", "新能源", "半导体", "自动化", "轴承", "电机", "化工", "医疗器械",
					 "软件", "检测", "数控", "锂电"};
static const char *const name_heads[] = {"华", "瑞", "宏", "恒", "创", "盛", "鑫", "博", "科", "联", "中", "天",
					 "启", "远", "德", "航", "晶", "达", "泰", "源"};
static const char *const name_tails[] = {"科技有限公司", "制造有限公司", "股份有限公司", "技术有限公司",
					 "工业有限公司"};

/* Counties grouped per province prefix, gathered once from the region table. */
struct county_index {
	const struct region *first;
	size_t count;
};

static size_t county_positions(const char *prefix, size_t *start)
{
	size_t n = 0, s = 0;
	for (size_t i = 0; i < region_table_len; i++) {
		if (region_table[i].level == 3 && strncmp(region_table[i].code, prefix, 2) == 0) {
			if (!n)
				s = i;
			n++;
		} else if (n) {
			break;
		}
	}
	*start = s;
	return n;
}

int synth_enterprises(FILE *out, long n, uint64_t seed)
{
	enum { NP = sizeof province_weights / sizeof province_weights[0] };
	size_t start[NP], count[NP];
	uint64_t weight[NP];
	for (int p = 0; p < NP; p++) {
		count[p] = county_positions(province_weights[p].prefix, &start[p]);
		weight[p] = (uint64_t)province_weights[p].weight;
	}
	struct rng s;
	rng_seed(&s, seed, 1);
	fputs("uscc,name,region,industry,employees,revenue_wan,assets_wan,level\n", out);
	for (long i = 0; i < n; i++) {
		size_t p = rng_pick_weighted(&s, weight, NP);
		/* Counties are not uniform either: the first ones (city districts) get more firms. */
		double u = rng_unit(&s);
		size_t k = (size_t)(u * u * (double)count[p]);
		const struct region *county = &region_table[start[p] + (k < count[p] ? k : count[p] - 1)];
		char uscc[USCC_LEN + 1];
		uscc_generate(county->code, seed * 1000003ull + (uint64_t)i, uscc);
		/* Employees: heavy-tailed, most firms under 50 people, a few thousand-strong. */
		double e = rng_unit(&s);
		long employees = 3 + (long)(e * e * e * e * 120.0);
		if (rng_unit(&s) < 0.02)
			employees = 300 + (long)(rng_unit(&s) * 5000.0);
		long revenue = employees * (20 + (long)(rng_unit(&s) * 180.0)); /* 万元 per head: 20-200 */
		long assets = revenue * (5 + (long)(rng_unit(&s) * 15.0)) / 10;
		double l = rng_unit(&s);
		const char *level = l < 0.90 ? "none" : l < 0.96 ? "innovative" : l < 0.99 ? "provincial" : "little_giant";
		const char *industry = industries[rng_below(&s, sizeof industries / sizeof industries[0])];
		char name[200], city[64];
		const struct region *c = region_find(county->parent);
		snprintf(city, sizeof city, "%s", c && strcmp(c->name, "市辖区") != 0 ? c->name : county->name);
		char *suffix = strstr(city, "市");
		if (suffix && suffix != city)
			*suffix = 0;
		/* One draw per statement, last part first: C leaves the order of function arguments
		 * unspecified, and these draws once sat in one snprintf call, where GCC took them right to
		 * left (the files bench/RESULTS.md measured) and clang left to right. */
		const char *tail = name_tails[rng_below(&s, 5)];
		const char *core = name_cores[rng_below(&s, 20)];
		const char *head2 = name_heads[rng_below(&s, 20)];
		const char *head1 = name_heads[rng_below(&s, 20)];
		snprintf(name, sizeof name, "%s%s%s%s%s%ld", city, head1, head2, core, tail, i + 1);
		/* The sequence number keeps names unique; real names would be too, by registration law. */
		char nums[3][24];
		snprintf(nums[0], sizeof nums[0], "%ld", employees);
		snprintf(nums[1], sizeof nums[1], "%ld", revenue);
		snprintf(nums[2], sizeof nums[2], "%ld", assets);
		const char *fields[8] = {uscc, name, county->code, industry, nums[0], nums[1], nums[2], level};
		for (int f = 0; f < 8; f++)
			csv_write_field(out, fields[f], f == 0);
		if (fputc('\n', out) == EOF)
			return -1;
	}
	return fflush(out) == 0 ? 0 : -1;
}
