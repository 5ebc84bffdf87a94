/*
 * industry.c - the GB/T 4754-2017 国民经济行业分类 table of sections (门类)
 * and divisions (大类), and validation of industry codes on input.
 *
 * Only the top two levels are tabulated: an enterprise may register a 3- or
 * 4-digit code (中类, 小类), but we check just that its first two digits are
 * a real division. Division numbers run 01-97 with no gaps in the 2017
 * edition, so "00" and "98"/"99" are the only unknown two-digit codes.
 */
#include "registry/industry.h"

#include <pthread.h>
#include <string.h>

/* Sections are followed by their divisions, in the standard's own order. */
const struct industry industry_table[] = {
	{"A", "农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery", 'A'},
	{"01", "农业", "Agriculture", 'A'},
	{"02", "林业", "Forestry", 'A'},
	{"03", "畜牧业", "Animal husbandry", 'A'},
	{"04", "渔业", "Fishery", 'A'},
	{"05", "农、林、牧、渔专业及辅助性活动", "Agriculture, forestry, animal husbandry and fishery support activities", 'A'},

	{"B", "采矿业", "Mining", 'B'},
	{"06", "煤炭开采和洗选业", "Mining and washing of coal", 'B'},
	{"07", "石油和天然气开采业", "Extraction of petroleum and natural gas", 'B'},
	{"08", "黑色金属矿采选业", "Mining and processing of ferrous metal ores", 'B'},
	{"09", "有色金属矿采选业", "Mining and processing of non-ferrous metal ores", 'B'},
	{"10", "非金属矿采选业", "Mining and processing of non-metal ores", 'B'},
	{"11", "开采专业及辅助性活动", "Mining support activities", 'B'},
	{"12", "其他采矿业", "Other mining", 'B'},

	{"C", "制造业", "Manufacturing", 'C'},
	{"13", "农副食品加工业", "Processing of food from agricultural products", 'C'},
	{"14", "食品制造业", "Manufacture of foods", 'C'},
	{"15", "酒、饮料和精制茶制造业", "Manufacture of liquor, beverages and refined tea", 'C'},
	{"16", "烟草制品业", "Manufacture of tobacco", 'C'},
	{"17", "纺织业", "Manufacture of textiles", 'C'},
	{"18", "纺织服装、服饰业", "Manufacture of textile wearing apparel and clothing", 'C'},
	{"19", "皮革、毛皮、羽毛及其制品和制鞋业", "Manufacture of leather, fur, feather and related products and footwear",
	 'C'},
	{"20", "木材加工和木、竹、藤、棕、草制品业",
	 "Processing of timber and manufacture of wood, bamboo, rattan, palm and straw products", 'C'},
	{"21", "家具制造业", "Manufacture of furniture", 'C'},
	{"22", "造纸和纸制品业", "Manufacture of paper and paper products", 'C'},
	{"23", "印刷和记录媒介复制业", "Printing and reproduction of recording media", 'C'},
	{"24", "文教、工美、体育和娱乐用品制造业",
	 "Manufacture of articles for culture, education, arts and crafts, sport and entertainment", 'C'},
	{"25", "石油、煤炭及其他燃料加工业", "Processing of petroleum, coal and other fuels", 'C'},
	{"26", "化学原料和化学制品制造业", "Manufacture of raw chemical materials and chemical products", 'C'},
	{"27", "医药制造业", "Manufacture of medicines", 'C'},
	{"28", "化学纤维制造业", "Manufacture of chemical fibres", 'C'},
	{"29", "橡胶和塑料制品业", "Manufacture of rubber and plastics products", 'C'},
	{"30", "非金属矿物制品业", "Manufacture of non-metallic mineral products", 'C'},
	{"31", "黑色金属冶炼和压延加工业", "Smelting and pressing of ferrous metals", 'C'},
	{"32", "有色金属冶炼和压延加工业", "Smelting and pressing of non-ferrous metals", 'C'},
	{"33", "金属制品业", "Manufacture of metal products", 'C'},
	{"34", "通用设备制造业", "Manufacture of general purpose machinery", 'C'},
	{"35", "专用设备制造业", "Manufacture of special purpose machinery", 'C'},
	{"36", "汽车制造业", "Manufacture of automobiles", 'C'},
	{"37", "铁路、船舶、航空航天和其他运输设备制造业",
	 "Manufacture of railway, ship, aerospace and other transport equipment", 'C'},
	{"38", "电气机械和器材制造业", "Manufacture of electrical machinery and apparatus", 'C'},
	{"39", "计算机、通信和其他电子设备制造业", "Manufacture of computers, communication and other electronic equipment",
	 'C'},
	{"40", "仪器仪表制造业", "Manufacture of measuring instruments and meters", 'C'},
	{"41", "其他制造业", "Other manufacturing", 'C'},
	{"42", "废弃资源综合利用业", "Utilisation of waste resources", 'C'},
	{"43", "金属制品、机械和设备修理业", "Repair of metal products, machinery and equipment", 'C'},

	{"D", "电力、热力、燃气及水生产和供应业", "Production and supply of electricity, heat, gas and water", 'D'},
	{"44", "电力、热力生产和供应业", "Production and supply of electricity and heat", 'D'},
	{"45", "燃气生产和供应业", "Production and supply of gas", 'D'},
	{"46", "水的生产和供应业", "Production and supply of water", 'D'},

	{"E", "建筑业", "Construction", 'E'},
	{"47", "房屋建筑业", "Construction of buildings", 'E'},
	{"48", "土木工程建筑业", "Civil engineering", 'E'},
	{"49", "建筑安装业", "Construction installation", 'E'},
	{"50", "建筑装饰、装修和其他建筑业", "Building decoration, renovation and other construction", 'E'},

	{"F", "批发和零售业", "Wholesale and retail trade", 'F'},
	{"51", "批发业", "Wholesale trade", 'F'},
	{"52", "零售业", "Retail trade", 'F'},

	{"G", "交通运输、仓储和邮政业", "Transport, storage and postal services", 'G'},
	{"53", "铁路运输业", "Railway transport", 'G'},
	{"54", "道路运输业", "Road transport", 'G'},
	{"55", "水上运输业", "Water transport", 'G'},
	{"56", "航空运输业", "Air transport", 'G'},
	{"57", "管道运输业", "Pipeline transport", 'G'},
	{"58", "多式联运和运输代理业", "Multimodal transport and transport agency", 'G'},
	{"59", "装卸搬运和仓储业", "Loading, unloading and storage", 'G'},
	{"60", "邮政业", "Postal services", 'G'},

	{"H", "住宿和餐饮业", "Accommodation and catering", 'H'},
	{"61", "住宿业", "Accommodation", 'H'},
	{"62", "餐饮业", "Catering", 'H'},

	{"I", "信息传输、软件和信息技术服务业", "Information transmission, software and information technology services",
	 'I'},
	{"63", "电信、广播电视和卫星传输服务", "Telecommunications, broadcasting and satellite transmission services", 'I'},
	{"64", "互联网和相关服务", "Internet and related services", 'I'},
	{"65", "软件和信息技术服务业", "Software and information technology services", 'I'},

	{"J", "金融业", "Finance", 'J'},
	{"66", "货币金融服务", "Monetary and financial services", 'J'},
	{"67", "资本市场服务", "Capital market services", 'J'},
	{"68", "保险业", "Insurance", 'J'},
	{"69", "其他金融业", "Other financial services", 'J'},

	{"K", "房地产业", "Real estate", 'K'},
	{"70", "房地产业", "Real estate", 'K'},

	{"L", "租赁和商务服务业", "Leasing and business services", 'L'},
	{"71", "租赁业", "Leasing", 'L'},
	{"72", "商务服务业", "Business services", 'L'},

	{"M", "科学研究和技术服务业", "Scientific research and technical services", 'M'},
	{"73", "研究和试验发展", "Research and experimental development", 'M'},
	{"74", "专业技术服务业", "Professional technical services", 'M'},
	{"75", "科技推广和应用服务业", "Technology promotion and application services", 'M'},

	{"N", "水利、环境和公共设施管理业", "Water conservancy, environment and public facilities management", 'N'},
	{"76", "水利管理业", "Water conservancy management", 'N'},
	{"77", "生态保护和环境治理业", "Ecological protection and environmental governance", 'N'},
	{"78", "公共设施管理业", "Public facilities management", 'N'},
	{"79", "土地管理业", "Land management", 'N'},

	{"O", "居民服务、修理和其他服务业", "Resident services, repair and other services", 'O'},
	{"80", "居民服务业", "Resident services", 'O'},
	{"81", "机动车、电子产品和日用产品修理业", "Repair of motor vehicles, electronic and household products", 'O'},
	{"82", "其他服务业", "Other services", 'O'},

	{"P", "教育", "Education", 'P'},
	{"83", "教育", "Education", 'P'},

	{"Q", "卫生和社会工作", "Health and social work", 'Q'},
	{"84", "卫生", "Health", 'Q'},
	{"85", "社会工作", "Social work", 'Q'},

	{"R", "文化、体育和娱乐业", "Culture, sports and entertainment", 'R'},
	{"86", "新闻和出版业", "News and publishing", 'R'},
	{"87", "广播、电视、电影和录音制作业", "Radio, television, film and sound recording production", 'R'},
	{"88", "文化艺术业", "Culture and arts", 'R'},
	{"89", "体育", "Sports", 'R'},
	{"90", "娱乐业", "Entertainment", 'R'},

	{"S", "公共管理、社会保障和社会组织", "Public administration, social security and social organisations", 'S'},
	{"91", "中国共产党机关", "Organs of the Communist Party of China", 'S'},
	{"92", "国家机构", "State organs", 'S'},
	{"93", "人民政协、民主党派", "CPPCC and democratic parties", 'S'},
	{"94", "社会保障", "Social security", 'S'},
	{"95", "群众团体、社会团体和其他成员组织", "Mass organisations, social groups and other membership organisations",
	 'S'},
	{"96", "基层群众自治组织及其他组织", "Grassroots self-governing organisations and other organisations", 'S'},

	{"T", "国际组织", "International organisations", 'T'},
	{"97", "国际组织", "International organisations", 'T'},
};

const size_t industry_table_len = sizeof industry_table / sizeof industry_table[0];

/* Sections 'A'..'Z' and divisions 00..99 by position, built once: every imported row looks its code up. */
static const struct industry *industry_by_key[26 + 100];
static pthread_once_t industry_index_once = PTHREAD_ONCE_INIT;

static int industry_key(const char *code)
{
	if (code[0] >= 'A' && code[0] <= 'Z' && code[1] == 0)
		return code[0] - 'A';
	if (code[0] >= '0' && code[0] <= '9' && code[1] >= '0' && code[1] <= '9' && code[2] == 0)
		return 26 + (code[0] - '0') * 10 + (code[1] - '0');
	return -1;
}

static void industry_build_index(void)
{
	for (size_t i = 0; i < industry_table_len; i++) {
		int k = industry_key(industry_table[i].code);
		if (k >= 0)
			industry_by_key[k] = &industry_table[i];
	}
}

const struct industry *industry_find(const char *code)
{
	if (!code)
		return NULL;
	pthread_once(&industry_index_once, industry_build_index);
	int k = industry_key(code);
	return k >= 0 ? industry_by_key[k] : NULL;
}

static int industry_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* True when code can be quoted in a message without garbling the output. */
static int industry_printable(const char *code)
{
	for (const char *p = code; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return 0;
	return 1;
}

enum qerr industry_check(const char *code, const char *field, char out[5], struct qerror *err)
{
	size_t n = code ? strnlen(code, 6) : 0;
	if (n == 0)
		return qerr_set(err, QERR_INVALID, "invalid_industry", field,
				"行业代码为空 (industry code is empty)");
	if (!industry_printable(code))
		return qerr_set(err, QERR_INVALID, "invalid_industry", field,
				"行业代码含有不允许的字符 (industry code contains characters that are not allowed)");
	if (n == 1) {
		char c = code[0];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'T')
			return qerr_set(err, QERR_INVALID, "invalid_industry", field,
					"行业门类'%c'不存在，应为A-T (industry section '%c' does not exist, expected A-T)",
					code[0], code[0]);
		out[0] = c;
		out[1] = 0;
		return QERR_OK;
	}
	int digits = n <= 4;
	for (size_t i = 0; i < n && digits; i++)
		digits = industry_is_digit(code[i]);
	if (!digits)
		return qerr_set(err, QERR_INVALID, "invalid_industry", field,
				"行业代码'%.5s'应为门类字母A-T或2-4位数字 "
				"(industry code '%.5s' must be a section letter A-T or 2-4 digits)",
				code, code);
	char division[3] = {code[0], code[1], 0};
	if (!industry_find(division))
		return qerr_set(err, QERR_INVALID, "invalid_industry", field,
				"行业大类'%s'不存在 (division '%s' does not exist in GB/T 4754-2017)", division,
				division);
	memcpy(out, code, n);
	out[n] = 0;
	return QERR_OK;
}

char industry_section_of(const char *code)
{
	char norm[5];
	if (industry_check(code, NULL, norm, NULL) != QERR_OK)
		return 0;
	if (norm[1] == 0)
		return norm[0];
	char division[3] = {norm[0], norm[1], 0};
	return industry_find(division)->section;
}
