/*
 * synth_listing.c - synthetic supply and demand listings with relevance
 * labels from their hidden product concepts (see synth_listing.h).
 *
 * The vocabulary below is the point of the file: real product names, model
 * numbers, materials and certifications of six chains, so that a matcher is
 * tested on text that looks like what 苏链通-style platforms carry, including
 * the words that trip naive matchers (电视机 vs 电机, 电机控制器 vs 电机,
 * 谐波减速器 vs 减速器, 模具钢 vs 模具). Everything is driven by one
 * random stream (base/rng) per seed, so files are reproducible byte for byte.
 */
#include "market/synth_listing.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "base/csv.h"
#include "base/rng.h"
#include "registry/region.h"
#include "registry/synth.h"
#include "registry/uscc.h"

/* Chains and segments the listings name (segments.csv). Codes shared with chainmap/synth_chain.c agree. */
struct seg_def {
	const char *chain, *chain_name, *code, *name, *upstream;
};

static const struct seg_def segs[] = {
    {"nev", "新能源汽车产业链", "cathode", "正极材料", ""},
    {"nev", "新能源汽车产业链", "anode", "负极材料", ""},
    {"nev", "新能源汽车产业链", "electrolyte", "电解液", ""},
    {"nev", "新能源汽车产业链", "separator", "隔膜", ""},
    {"nev", "新能源汽车产业链", "cell", "电芯", "cathode;anode;electrolyte;separator"},
    {"nev", "新能源汽车产业链", "bms", "电池管理系统", ""},
    {"nev", "新能源汽车产业链", "motor", "驱动电机", ""},
    {"nev", "新能源汽车产业链", "ecu", "电控系统", ""},
    {"nev", "新能源汽车产业链", "reducer", "减速器", ""},
    {"nev", "新能源汽车产业链", "harness", "线束", ""},
    {"nev", "新能源汽车产业链", "thermal", "热管理", ""},
    {"nev", "新能源汽车产业链", "body", "车身", ""},
    {"ic", "集成电路产业链", "wafer", "硅片", ""},
    {"ic", "集成电路产业链", "gas", "电子特气", ""},
    {"ic", "集成电路产业链", "photoresist", "光刻胶", ""},
    {"ic", "集成电路产业链", "design", "芯片设计", ""},
    {"ic", "集成电路产业链", "packaging", "封装测试", ""},
    {"ic", "集成电路产业链", "leadframe", "封装材料", ""},
    {"machine", "工业母机产业链", "spindle", "主轴", ""},
    {"machine", "工业母机产业链", "ballscrew", "丝杠", ""},
    {"machine", "工业母机产业链", "guide", "直线导轨", ""},
    {"machine", "工业母机产业链", "servo", "伺服系统", ""},
    {"machine", "工业母机产业链", "cnc", "数控系统", ""},
    {"machine", "工业母机产业链", "cutter", "刀具", ""},
    {"machine", "工业母机产业链", "precreducer", "精密减速器", ""},
    {"machine", "工业母机产业链", "tool", "数控机床", "spindle;ballscrew;guide;servo;cnc;cutter"},
    {"biomed", "生物医药产业链", "api", "原料药", ""},
    {"biomed", "生物医药产业链", "excipient", "药用辅料", ""},
    {"biomed", "生物医药产业链", "pharmapack", "药品包材", ""},
    {"biomed", "生物医药产业链", "device", "医疗器械", ""},
    {"pv", "光伏产业链", "polysilicon", "多晶硅", ""},
    {"pv", "光伏产业链", "pvwafer", "单晶硅片", "polysilicon"},
    {"pv", "光伏产业链", "pvcell", "电池片", "pvwafer"},
    {"pv", "光伏产业链", "glass", "光伏玻璃", ""},
    {"pv", "光伏产业链", "pvmodule", "光伏组件", "pvcell;glass"},
    {"pv", "光伏产业链", "inverter", "逆变器", ""},
    {"pv", "光伏产业链", "mount", "光伏支架", ""},
    {"parts", "通用零部件产业链", "bearing", "轴承", ""},
    {"parts", "通用零部件产业链", "fastener", "紧固件", ""},
    {"parts", "通用零部件产业链", "mould", "模具", ""},
    {"parts", "通用零部件产业链", "diecast", "压铸件", ""},
    {"parts", "通用零部件产业链", "gear", "齿轮", ""},
    {"parts", "通用零部件产业链", "seal", "密封件", ""},
    {"parts", "通用零部件产业链", "spring", "弹簧", ""},
    {"parts", "通用零部件产业链", "machining", "机加工件", ""},
};
#define NSEGS ((int)(sizeof segs / sizeof segs[0]))

/* Certification tags (ASCII upper case, as the importers store them). */
enum {
	C_ISO9001 = 1 << 0,
	C_IATF = 1 << 1,
	C_ISO13485 = 1 << 2,
	C_CE = 1 << 3,
	C_UL = 1 << 4,
	C_ISO14001 = 1 << 5,
	C_GMP = 1 << 6,
	C_CQC = 1 << 7,
	C_TUV = 1 << 8,
	C_ROHS = 1 << 9,
};
static const char *const cert_names[] = {"ISO9001",  "IATF16949", "ISO13485", "CE",  "UL",
					 "ISO14001", "GMP",	  "CQC",      "TUV", "ROHS"};
#define NCERTS ((int)(sizeof cert_names / sizeof cert_names[0]))

/* A spec family of a concept: a qualifier word, a spec phrase and model numbers / sizes. */
struct family {
	const char *qual, *attr;
	const char *models[5];
};

struct concept {
	const char *key;
	const char *seg; /* "chain/code", or NULL for goods outside the chains (distractors) */
	int weight;	 /* relative frequency */
	const char *names[3];
	const char *unit;
	int price_lo, price_hi; /* yuan per unit */
	unsigned certs;		/* tags buyers of this product ask for, besides ISO9001 */
	bool tolerance;		/* machined parts: say a tolerance */
	const char *mats[4];
	struct family fam[4];
};

static const struct concept concepts[] = {
    /* 新能源汽车 */
    {"nev.cathode",
     "nev/cathode",
     3,
     {"正极材料", "锂电正极材料"},
     "吨",
     60000,
     200000,
     C_IATF | C_ISO14001,
     false,
     {0},
     {{"磷酸铁锂", "压实密度2.5g/cm³", {"LFP-P1", "LFP-H3", "LFP-D5"}},
      {"三元", "镍含量83%", {"NCM811", "NCM622", "NCM523"}},
      {"锰酸锂", "首次放电容量105mAh/g", {"LMO-A", "LMO-S"}}}},
    {"nev.anode",
     "nev/anode",
     2,
     {"负极材料", "石墨负极材料"},
     "吨",
     30000,
     90000,
     C_IATF | C_ISO14001,
     false,
     {0},
     {{"人造石墨", "比容量355mAh/g", {"AG-360", "AG-350"}},
      {"天然石墨", "球形化处理", {"NG-18", "NG-15"}},
      {"硅碳", "比容量450mAh/g", {"SiC-450", "SiC-600"}}}},
    {"nev.electrolyte",
     "nev/electrolyte",
     2,
     {"电解液", "锂电池电解液"},
     "吨",
     20000,
     60000,
     C_IATF | C_ISO14001,
     false,
     {0},
     {{"六氟磷酸锂", "LiPF6体系", {"EL-LFP01", "EL-LFP02"}}, {"高电压", "4.4V高电压", {"EL-HV44", "EL-HV45"}}}},
    {"nev.separator",
     "nev/separator",
     2,
     {"隔膜", "锂电池隔膜"},
     "万平方米",
     8000,
     20000,
     C_IATF,
     false,
     {0},
     {{"湿法", "厚度9μm", {"W9", "W12", "W16"}},
      {"干法", "单层PP", {"D16", "D20"}},
      {"涂覆", "陶瓷涂覆", {"C9+3", "C12+4"}}}},
    {"nev.cell",
     "nev/cell",
     4,
     {"动力电芯", "锂电池电芯", "电芯"},
     "只",
     300,
     2000,
     C_IATF | C_UL,
     false,
     {0},
     {{"方形磷酸铁锂", "标称容量280Ah", {"280Ah", "314Ah", "105Ah"}},
      {"三元软包", "能量密度280Wh/kg", {"60Ah", "75Ah"}},
      {"大圆柱", "4680规格", {"4680", "46950", "21700"}}}},
    {"nev.bms",
     "nev/bms",
     2,
     {"电池管理系统", "BMS"},
     "套",
     800,
     5000,
     C_IATF | C_CE,
     false,
     {0},
     {{"主控", "主控板 CAN通讯", {"BMU-100", "BMU-200"}}, {"从控", "采样24串", {"CSC-24", "CSC-16"}}}},
    {"nev.motor",
     "nev/motor",
     4,
     {"永磁同步电机", "驱动电机", "新能源汽车驱动电机"},
     "台",
     3000,
     15000,
     C_IATF,
     false,
     {"硅钢片", "钕铁硼"},
     {{"乘用车", "额定功率60kW 峰值功率120kW", {"TZ180XS", "TZ200XS", "TZ220XS"}},
      {"商用车", "额定功率150kW 峰值扭矩2000N·m", {"TZ290XS", "TZ366XS"}},
      {"扁线", "扁线绕组 油冷", {"FL-200", "FL-250"}}}},
    {"nev.mcu",
     "nev/ecu",
     3,
     {"电机控制器", "驱动电机控制器"},
     "台",
     2000,
     8000,
     C_IATF,
     false,
     {0},
     {{"SiC", "800V碳化硅功率模块", {"MCU-800S", "MCU-850S"}}, {"IGBT", "400V IGBT模块", {"MCU-400I", "MCU-450I"}}}},
    {"nev.reducer",
     "nev/reducer",
     2,
     {"减速器", "电驱减速器"},
     "台",
     1500,
     6000,
     C_IATF,
     true,
     {"20CrMnTi"},
     {{"单级", "速比9.7", {"RD-97", "RD-105"}}, {"两挡", "两挡变速", {"RD2-120", "RD2-150"}}}},
    {"nev.harness",
     "nev/harness",
     3,
     {"线束", "汽车线束"},
     "套",
     200,
     3000,
     C_IATF | C_UL,
     false,
     {"铜芯"},
     {{"高压", "高压线束 橙色屏蔽", {"HV-35", "HV-50", "HV-70"}}, {"低压", "车身低压线束", {"LV-BD", "LV-IP"}}}},
    {"nev.coldplate",
     "nev/thermal",
     2,
     {"液冷板", "电池液冷板"},
     "件",
     300,
     1500,
     C_IATF,
     true,
     {"3003铝合金", "6063铝合金"},
     {{"口琴管", "口琴管式", {"CP-H01", "CP-H02"}}, {"吹胀", "吹胀式", {"CP-B01", "CP-B02"}}}},
    {"nev.pump",
     "nev/thermal",
     2,
     {"电子水泵", "汽车电子水泵"},
     "台",
     150,
     800,
     C_IATF,
     false,
     {0},
     {{"12V", "12V 流量20L/min", {"EWP-12A", "EWP-12B"}}, {"24V", "24V 流量40L/min", {"EWP-24A", "EWP-24B"}}}},
    {"nev.gigacast",
     "nev/body",
     1,
     {"一体化压铸件", "一体化压铸车身件"},
     "件",
     3000,
     12000,
     C_IATF,
     true,
     {"免热处理铝合金"},
     {{"后地板", "后地板总成", {"GD-R01", "GD-R02"}}, {"前舱", "前舱总成", {"GD-F01", "GD-F02"}}}},
    /* 集成电路 */
    {"ic.wafer",
     "ic/wafer",
     2,
     {"硅片", "半导体硅片"},
     "片",
     200,
     1500,
     C_ISO14001 | C_ROHS,
     false,
     {0},
     {{"12英寸", "12英寸抛光片", {"300mm", "P型<100>"}}, {"8英寸", "8英寸外延片", {"200mm", "N型<111>"}}}},
    {"ic.gas",
     "ic/gas",
     1,
     {"电子特气", "高纯电子气体"},
     "瓶",
     2000,
     20000,
     C_ISO14001,
     false,
     {0},
     {{"三氟化氮", "NF3 纯度99.999%", {"NF3", "5N"}},
      {"六氟化钨", "WF6 电子级", {"WF6"}},
      {"高纯氨", "NH3 6N", {"NH3"}}}},
    {"ic.photoresist",
     "ic/photoresist",
     1,
     {"光刻胶", "半导体光刻胶"},
     "加仑",
     5000,
     60000,
     C_ISO14001 | C_ROHS,
     false,
     {0},
     {{"KrF", "248nm", {"KrF-248"}},
      {"ArF", "193nm", {"ArF-193", "ArFi"}},
      {"g线i线", "436nm/365nm", {"G-436", "I-365"}}}},
    {"ic.packaging",
     "ic/packaging",
     2,
     {"封装测试", "芯片封装"},
     "万颗",
     500,
     5000,
     C_ISO14001 | C_IATF,
     false,
     {0},
     {{"QFN", "QFN封装", {"QFN32", "QFN48", "QFN64"}},
      {"BGA", "BGA封装", {"BGA256", "FCBGA"}},
      {"SiP", "系统级封装", {"SiP"}}}},
    {"ic.leadframe",
     "ic/leadframe",
     1,
     {"引线框架", "IC引线框架"},
     "万条",
     500,
     3000,
     C_ROHS,
     true,
     {"C194铜合金"},
     {{"蚀刻", "蚀刻引线框架", {"SOP8", "QFN-LF"}}, {"冲压", "冲压引线框架", {"TO-220", "SOT-23"}}}},
    {"ic.bondwire",
     "ic/leadframe",
     1,
     {"键合丝", "键合线"},
     "千米",
     300,
     6000,
     C_ROHS,
     false,
     {0},
     {{"金线", "直径25μm", {"Au-25", "Au-20"}}, {"铜线", "镀钯铜线", {"PCC-20", "Cu-25"}}}},
    {"ic.mcu",
     "ic/design",
     2,
     {"MCU芯片", "微控制器"},
     "颗",
     3,
     40,
     C_ROHS | C_IATF,
     false,
     {0},
     {{"32位", "ARM Cortex-M4内核", {"M4-F407", "M4-G431"}}, {"车规", "AEC-Q100车规级", {"AQ-M7", "AQ-R52"}}}},
    /* 工业母机 */
    {"mt.spindle",
     "machine/spindle",
     2,
     {"电主轴", "机床主轴"},
     "套",
     8000,
     60000,
     C_CE,
     true,
     {"轴承钢"},
     {{"高速", "转速24000rpm", {"SD-24000", "SD-30000"}}, {"车削", "车床主轴 A2-6", {"A2-6", "A2-8"}}}},
    {"mt.ballscrew",
     "machine/ballscrew",
     3,
     {"滚珠丝杠", "滚珠丝杆"},
     "根",
     300,
     3000,
     C_CE,
     true,
     {"GCr15"},
     {{"研磨", "C3级研磨", {"SFU1605", "SFU2005", "SFU2510"}}, {"轧制", "C7级轧制", {"SFU1204", "SFU1610"}}}},
    {"mt.trapscrew",
     "machine/ballscrew",
     1,
     {"梯形丝杠", "T型丝杆"},
     "根",
     50,
     400,
     0,
     true,
     {"45号钢", "304"},
     {{"Tr", "梯形螺纹", {"Tr16×4", "Tr20×4", "Tr24×5"}}}},
    {"mt.guide",
     "machine/guide",
     3,
     {"直线导轨", "线性滑轨"},
     "套",
     200,
     2500,
     C_CE,
     true,
     {"GCr15"},
     {{"滚珠", "滚珠型", {"HGH20CA", "HGH25CA", "HGW30CC"}}, {"滚柱", "滚柱型重载", {"RGH35CA", "RGW45CC"}}}},
    {"mt.servo",
     "machine/servo",
     4,
     {"伺服电机", "交流伺服电机"},
     "台",
     500,
     5000,
     C_CE | C_UL,
     false,
     {0},
     {{"低惯量", "额定功率750W", {"SM-0750", "SM-0400"}}, {"中惯量", "额定功率2kW", {"SM-2000", "SM-3000"}}}},
    {"mt.servodrive",
     "machine/servo",
     2,
     {"伺服驱动器", "交流伺服驱动器"},
     "台",
     600,
     4000,
     C_CE | C_UL,
     false,
     {0},
     {{"EtherCAT", "EtherCAT总线", {"SD-EC750", "SD-EC2K"}}, {"脉冲", "脉冲型", {"SD-P400", "SD-P750"}}}},
    {"mt.cnc",
     "machine/cnc",
     2,
     {"数控系统", "CNC控制系统"},
     "套",
     20000,
     150000,
     C_CE,
     false,
     {0},
     {{"五轴", "五轴联动", {"CNC-5X", "CNC-5AX"}}, {"车床", "数控车床系统", {"CNC-T2", "CNC-T3"}}}},
    {"mt.cutter",
     "machine/cutter",
     3,
     {"硬质合金刀具", "数控刀具"},
     "支",
     30,
     800,
     C_CE,
     true,
     {"钨钢"},
     {{"铣刀", "四刃立铣刀", {"D6", "D10", "D12"}},
      {"钻头", "整体硬质合金钻头", {"Φ5", "Φ8.5"}},
      {"刀片", "数控车刀片", {"CNMG120408", "WNMG080408"}}}},
    {"mt.harmonic",
     "machine/precreducer",
     2,
     {"谐波减速器", "谐波减速机"},
     "台",
     1000,
     5000,
     C_CE,
     true,
     {0},
     {{"谐波", "减速比100", {"LHD-17", "LHD-20", "LHD-25"}}}},
    {"mt.rv",
     "machine/precreducer",
     1,
     {"RV减速器", "RV减速机"},
     "台",
     3000,
     12000,
     C_CE,
     true,
     {0},
     {{"RV", "减速比121", {"RV-20E", "RV-40E", "RV-80E"}}}},
    {"mt.vmc",
     "machine/tool",
     2,
     {"立式加工中心", "数控加工中心"},
     "台",
     200000,
     2000000,
     C_CE,
     true,
     {0},
     {{"三轴", "行程850×500", {"VMC850", "VMC1160"}}, {"五轴", "五轴联动加工中心", {"5AX-650", "5AX-800"}}}},
    {"mt.lathe",
     "machine/tool",
     2,
     {"数控车床", "卧式数控车床"},
     "台",
     80000,
     600000,
     C_CE,
     true,
     {0},
     {{"斜床身", "斜床身 动力刀塔", {"CK46", "CK52"}}, {"平床身", "平床身", {"CK6150", "CK6140"}}}},
    /* 生物医药 */
    {"bio.api",
     "biomed/api",
     2,
     {"原料药", "化学原料药"},
     "千克",
     200,
     3000,
     C_GMP,
     false,
     {0},
     {{"布洛芬", "解热镇痛类", {"布洛芬"}},
      {"阿莫西林", "抗生素类", {"阿莫西林三水合物"}},
      {"二甲双胍", "降糖类", {"盐酸二甲双胍"}}}},
    {"bio.excipient",
     "biomed/excipient",
     1,
     {"药用辅料"},
     "千克",
     50,
     400,
     C_GMP,
     false,
     {0},
     {{"微晶纤维素", "MCC", {"PH101", "PH102"}}, {"羟丙甲纤维素", "HPMC", {"E5", "K4M", "K100M"}}}},
    {"bio.vial",
     "biomed/pharmapack",
     2,
     {"中硼硅玻璃管制瓶", "西林瓶"},
     "万支",
     1000,
     5000,
     C_GMP | C_ISO13485,
     false,
     {0},
     {{"2ml", "2ml规格", {"2ml"}}, {"10ml", "10ml规格", {"10ml"}}}},
    {"bio.prefilled",
     "biomed/pharmapack",
     1,
     {"预灌封注射器"},
     "万支",
     10000,
     40000,
     C_GMP | C_ISO13485,
     false,
     {0},
     {{"1ml长型", "1ml长型", {"1mL-L"}}, {"2.25ml", "2.25ml", {"2.25mL"}}}},
    {"bio.blister",
     "biomed/pharmapack",
     1,
     {"药用PVC硬片", "铝塑泡罩包材"},
     "吨",
     8000,
     30000,
     C_GMP,
     false,
     {0},
     {{"PVC", "药用PVC硬片", {"0.25mm", "0.30mm"}}, {"冷冲压", "冷冲压成型铝", {"OPA/AL/PVC"}}}},
    {"bio.infusion",
     "biomed/device",
     2,
     {"一次性使用输液器", "输液器"},
     "万套",
     3000,
     15000,
     C_ISO13485 | C_CE,
     false,
     {0},
     {{"精密过滤", "精密过滤 5μm", {"5μm"}}, {"避光", "避光型", {"BG-01"}}}},
    {"bio.mask",
     "biomed/device",
     2,
     {"医用防护口罩", "医用口罩"},
     "万只",
     2000,
     15000,
     C_ISO13485 | C_CE,
     false,
     {0},
     {{"N95", "GB 19083", {"N95", "KN95"}}, {"外科", "YY 0469 医用外科", {"YY0469"}}}},
    {"bio.ortho",
     "biomed/device",
     1,
     {"骨科植入物", "骨科内固定器械"},
     "套",
     2000,
     20000,
     C_ISO13485 | C_CE,
     true,
     {"TC4", "316L"},
     {{"钛合金接骨板", "锁定接骨板", {"LCP-3.5", "LCP-4.5"}}, {"椎弓根螺钉", "脊柱内固定", {"PS-5.5", "PS-6.5"}}}},
    /* 光伏 */
    {"pv.poly",
     "pv/polysilicon",
     1,
     {"多晶硅", "高纯多晶硅"},
     "吨",
     40000,
     80000,
     C_ISO14001,
     false,
     {0},
     {{"棒状硅", "改良西门子法", {"N型致密料"}}, {"颗粒硅", "流化床法", {"FBR颗粒硅"}}}},
    {"pv.wafer",
     "pv/pvwafer",
     2,
     {"单晶硅片", "光伏硅片"},
     "万片",
     10000,
     30000,
     C_ISO14001,
     false,
     {0},
     {{"182", "182mm N型", {"M10", "182×182"}}, {"210", "210mm N型", {"G12", "210R"}}}},
    {"pv.cell",
     "pv/pvcell",
     3,
     {"光伏电池片", "太阳能电池片"},
     "万片",
     20000,
     60000,
     C_TUV | C_ISO14001,
     false,
     {0},
     {{"TOPCon", "N型TOPCon 效率25.5%", {"TOPCon-182", "TOPCon-210"}},
      {"HJT", "异质结", {"HJT-210", "HJT-182"}},
      {"PERC", "P型PERC", {"PERC-182"}}}},
    {"pv.module",
     "pv/pvmodule",
     3,
     {"光伏组件", "太阳能组件"},
     "块",
     400,
     1000,
     C_TUV | C_CE | C_UL,
     false,
     {0},
     {{"双面双玻", "双面双玻 功率580W", {"580W", "590W"}}, {"单面", "单面单玻 功率450W", {"450W", "455W"}}}},
    {"pv.glass",
     "pv/glass",
     1,
     {"光伏玻璃", "超白压花玻璃"},
     "万平方米",
     100000,
     250000,
     C_TUV,
     false,
     {0},
     {{"2.0mm", "2.0mm镀膜", {"2.0mm"}}, {"3.2mm", "3.2mm钢化", {"3.2mm"}}}},
    {"pv.inverter",
     "pv/inverter",
     3,
     {"光伏逆变器", "逆变器"},
     "台",
     3000,
     60000,
     C_TUV | C_CE | C_UL,
     false,
     {0},
     {{"组串式", "组串式 110kW", {"SG110CX", "SUN-110K"}},
      {"微型", "微型逆变器 2000W", {"MI-2000"}},
      {"储能", "储能变流器 PCS", {"PCS-100"}}}},
    {"pv.mount",
     "pv/mount",
     2,
     {"光伏支架", "太阳能支架"},
     "套",
     500,
     5000,
     C_TUV,
     false,
     {"Q355", "热镀锌"},
     {{"固定", "固定式 热镀锌", {"C型钢"}}, {"跟踪", "平单轴跟踪", {"TRK-1P"}}}},
    /* 通用零部件 */
    {"p.ballbearing",
     "parts/bearing",
     5,
     {"深沟球轴承", "球轴承"},
     "套",
     5,
     80,
     C_IATF,
     true,
     {"GCr15"},
     {{"62系列", "轻系列", {"6204", "6205", "6206-2RS", "6204ZZ"}},
      {"63系列", "中系列", {"6305", "6306", "6308-2RS"}},
      {"60系列", "特轻系列", {"6000", "6001", "6002ZZ"}}}},
    {"p.taperbearing",
     "parts/bearing",
     2,
     {"圆锥滚子轴承"},
     "套",
     15,
     200,
     C_IATF,
     true,
     {"GCr15"},
     {{"302系列", "单列", {"30205", "30206", "30208"}}, {"322系列", "宽系列", {"32205", "32208"}}}},
    {"p.bolt",
     "parts/fastener",
     5,
     {"不锈钢螺栓", "外六角螺栓"},
     "件",
     1,
     5,
     C_IATF | C_ROHS,
     true,
     {"304", "316L", "A2-70"},
     {{"M8", "M8规格", {"M8×20", "M8×30", "M8×40"}},
      {"M10", "M10规格", {"M10×30", "M10×50"}},
      {"M12", "M12规格", {"M12×40", "M12×60"}}}},
    {"p.nut",
     "parts/fastener",
     2,
     {"不锈钢螺母", "六角螺母"},
     "件",
     1,
     3,
     C_ROHS,
     true,
     {"304", "316L"},
     {{"M8", "M8规格", {"M8"}}, {"M10", "M10规格", {"M10"}}}},
    {"p.injmould",
     "parts/mould",
     4,
     {"注塑模具", "塑料模具"},
     "套",
     30000,
     500000,
     C_ISO14001,
     true,
     {"P20", "H13", "S136"},
     {{"汽车内饰", "汽车内饰件模具", {"仪表板", "门板"}},
      {"家电外壳", "家电外壳模具", {"空调面板", "洗衣机面板"}},
      {"多腔精密", "多腔热流道", {"32腔", "64腔"}}}},
    {"p.stampmould",
     "parts/mould",
     3,
     {"冲压模具", "五金冲压模具"},
     "套",
     20000,
     300000,
     C_ISO14001,
     true,
     {"Cr12MoV", "SKD11"},
     {{"级进模", "多工位级进模", {"级进模"}}, {"拉伸模", "深拉伸", {"拉伸模"}}}},
    {"p.diecast",
     "parts/diecast",
     4,
     {"铝合金压铸件", "压铸件"},
     "件",
     20,
     600,
     C_IATF,
     true,
     {"ADC12", "A380"},
     {{"壳体", "电机壳体", {"ADC12壳体"}}, {"支架", "结构支架", {"A380支架"}}}},
    {"p.gear",
     "parts/gear",
     3,
     {"精密齿轮", "齿轮"},
     "件",
     10,
     500,
     C_IATF,
     true,
     {"20CrMnTi", "40Cr"},
     {{"直齿", "圆柱直齿轮 模数2", {"m2", "m1.5"}},
      {"斜齿", "斜齿轮 精度6级", {"m3", "m2.5"}},
      {"齿轮轴", "齿轮轴", {"GS-20"}}}},
    {"p.oring",
     "parts/seal",
     2,
     {"O型密封圈", "O型圈"},
     "万件",
     500,
     5000,
     C_ROHS,
     false,
     {0},
     {{"氟橡胶", "FKM 耐高温", {"FKM"}}, {"丁腈", "NBR 耐油", {"NBR70"}}}},
    {"p.spring",
     "parts/spring",
     2,
     {"压缩弹簧", "弹簧"},
     "万件",
     300,
     3000,
     C_ROHS,
     true,
     {"SWP-B", "SUS304"},
     {{"压簧", "线径2mm", {"2×20×50"}}, {"拉簧", "拉伸弹簧", {"1.5×12×60"}}}},
    {"p.machining",
     "parts/machining",
     4,
     {"精密机加工件", "CNC加工件"},
     "件",
     10,
     2000,
     C_ISO9001,
     true,
     {0},
     {{"铝合金", "6061-T6铝合金", {"6061"}}, {"不锈钢", "304不锈钢", {"SUS304"}}}},
    /* Outside the chains: goods whose words look like the chains' words. */
    {"consumer.tv",
     NULL,
     2,
     {"液晶电视机", "电视机"},
     "台",
     1500,
     6000,
     C_CQC | C_CE,
     false,
     {0},
     {{"55英寸", "4K超高清 55英寸", {"55英寸"}}, {"65英寸", "65英寸 智能电视", {"65英寸"}}}},
    {"consumer.tvshell",
     NULL,
     2,
     {"电视机外壳", "电视机后壳"},
     "件",
     20,
     150,
     C_ROHS,
     true,
     {"ABS"},
     {{"注塑", "ABS注塑", {"ABS"}}}},
    {"consumer.ebike",
     NULL,
     1,
     {"电动自行车", "电动车"},
     "辆",
     1500,
     4000,
     C_CQC,
     false,
     {0},
     {{"新国标", "新国标 48V", {"48V"}}}},
    {"consumer.mouldsteel",
     NULL,
     1,
     {"模具钢", "塑料模具钢"},
     "吨",
     8000,
     30000,
     0,
     false,
     {0},
     {{"P20", "预硬", {"P20", "718H"}}, {"H13", "热作", {"H13"}}}},
    {"consumer.mep",
     NULL,
     1,
     {"机电设备安装", "机电安装工程"},
     "项",
     100000,
     5000000,
     0,
     false,
     {0},
     {{"厂房", "厂房机电安装", {"EPC"}}}},
    {"consumer.fan",
     NULL,
     1,
     {"家用电风扇", "落地扇"},
     "台",
     80,
     400,
     C_CQC,
     false,
     {0},
     {{"落地扇", "遥控落地扇", {"FS-40"}}}},
    {"consumer.powerbank",
     NULL,
     1,
     {"充电宝", "移动电源"},
     "个",
     30,
     150,
     C_CQC | C_ROHS,
     false,
     {0},
     {{"10000mAh", "10000mAh", {"10000mAh", "20000mAh"}}}},
};
#define NCONCEPTS ((int)(sizeof concepts / sizeof concepts[0]))

int synth_listing_concepts(void)
{
	return NCONCEPTS;
}

const char *synth_listing_concept_key(int c)
{
	return c >= 0 && c < NCONCEPTS ? concepts[c].key : NULL;
}

static const char *const proc_words[] = {"来图加工", "定制加工", "批量供应", "小批量试制",
					 "OEM代工",  "现货供应", "厂家直销", "非标定制"};
static const char *const supply_openers[] = {"本公司专业生产", "我厂长期供应", "公司专注于",
					     "专业从事",       "主营",	       "多年生产"};
static const char *const demand_verbs[] = {"采购", "求购", "寻找", "征集"};
static const char *const buyer_openers[] = {"我司", "本公司", "我单位", "我厂"};

/* ---- randomness: base/rng, one stream for the whole run ---- */
static long rnd_below(struct rng *s, long n)
{
	return n > 0 ? (long)rng_below(s, (uint64_t)n) : 0;
}

static bool chance(struct rng *s, int percent)
{
	return rnd_below(s, 100) < percent;
}

/* ---- a bounded string builder (never overflows, truncates at cap) ---- */
struct sb {
	char buf[1536];
	size_t len;
};

static void sb_reset(struct sb *b)
{
	b->len = 0;
	b->buf[0] = 0;
}

static void sb_add(struct sb *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n >= sizeof b->buf)
		return;
	memcpy(b->buf + b->len, s, n + 1);
	b->len += n;
}

static void sb_num(struct sb *b, long v)
{
	char t[32];
	snprintf(t, sizeof t, "%ld", v);
	sb_add(b, t);
}

static int count_of(const char *const *a, int max)
{
	int n = 0;
	while (n < max && a[n])
		n++;
	return n;
}

static int nfamilies(const struct concept *c)
{
	int n = 0;
	while (n < 4 && c->fam[n].qual)
		n++;
	return n;
}

static const char *pick_name(struct rng *s, const struct concept *c)
{
	int n = count_of(c->names, 3);
	/* The first name is the usual one: half of the time. */
	return chance(s, 50) ? c->names[0] : c->names[rnd_below(s, n)];
}

/*
 * What sellers (and some buyers) call a product instead of its usual name:
 * synonyms, trade slang, abbreviations and English, as real listings do
 * (a listing says 马达 or servo motor, the buyer types 伺服电机). Supplies use
 * one 30% of the time, demands 20%, so a matcher that only compares words
 * misses them; the relevance labels follow the hidden concept, not the words.
 */
static const struct paraphrase {
	const char *key;
	const char *alt[4];
} paraphrases[] = {
    {"nev.cathode", {"锂电正极", "cathode material"}},
    {"nev.anode", {"石墨负极", "anode material"}},
    {"nev.electrolyte", {"锂电电解液", "battery electrolyte"}},
    {"nev.separator", {"锂电隔膜", "隔离膜"}},
    {"nev.cell", {"锂电芯", "电池单体", "battery cell"}},
    {"nev.bms", {"电池管理", "battery management system"}},
    {"nev.motor", {"永磁电机", "驱动马达", "PMSM电机", "traction motor"}},
    {"nev.mcu", {"电驱控制器", "motor controller"}},
    {"nev.reducer", {"减速机", "电驱减速机"}},
    {"nev.harness", {"线缆组件", "wire harness"}},
    {"nev.coldplate", {"水冷板", "电池冷却板"}},
    {"nev.pump", {"电动水泵", "electric water pump"}},
    {"nev.gigacast", {"超大型压铸件", "一体化压铸"}},
    {"ic.wafer", {"硅晶圆", "晶圆"}},
    {"ic.gas", {"电子气体", "特种气体"}},
    {"ic.photoresist", {"光致抗蚀剂", "photoresist"}},
    {"ic.packaging", {"封测", "IC封测"}},
    {"ic.leadframe", {"lead frame", "引线框"}},
    {"ic.bondwire", {"邦定线", "bonding wire"}},
    {"ic.mcu", {"单片机", "微控制单元"}},
    {"mt.spindle", {"高速电主轴", "motorized spindle"}},
    {"mt.ballscrew", {"滚珠丝杠副", "ball screw"}},
    {"mt.trapscrew", {"梯形丝杆", "lead screw"}},
    {"mt.guide", {"线性导轨", "直线滑轨"}},
    {"mt.servo", {"伺服马达", "servo motor"}},
    {"mt.servodrive", {"伺服放大器", "servo drive"}},
    {"mt.cnc", {"数控装置", "CNC系统"}},
    {"mt.cutter", {"钨钢刀具", "合金刀具"}},
    {"mt.harmonic", {"谐波齿轮减速器", "harmonic drive"}},
    {"mt.rv", {"RV reducer", "机器人RV减速机"}},
    {"mt.vmc", {"立加", "VMC加工中心"}},
    {"mt.lathe", {"CNC车床", "CNC lathe"}},
    {"bio.api", {"活性药物成分", "API原料"}},
    {"bio.excipient", {"辅料"}},
    {"bio.vial", {"管制注射剂瓶", "管制瓶"}},
    {"bio.prefilled", {"预充式注射器", "prefilled syringe"}},
    {"bio.blister", {"PVC硬片", "泡罩硬片"}},
    {"bio.infusion", {"一次性输液器", "infusion set"}},
    {"bio.mask", {"N95口罩", "防护口罩"}},
    {"bio.ortho", {"骨科植入器械", "orthopedic implant"}},
    {"pv.poly", {"硅料", "太阳能级多晶硅"}},
    {"pv.wafer", {"太阳能硅片", "solar wafer"}},
    {"pv.cell", {"太阳电池片", "solar cell"}},
    {"pv.module", {"太阳能板", "光伏板", "solar panel"}},
    {"pv.glass", {"太阳能玻璃", "solar glass"}},
    {"pv.inverter", {"PV inverter", "并网逆变器"}},
    {"pv.mount", {"太阳能光伏支架", "solar mounting"}},
    {"p.ballbearing", {"滚珠轴承", "deep groove ball bearing"}},
    {"p.taperbearing", {"圆锥轴承", "锥轴承", "tapered roller bearing"}},
    {"p.bolt", {"不锈钢螺丝", "外六角螺丝", "hex bolt"}},
    {"p.nut", {"不锈钢螺帽", "六角螺帽", "hex nut"}},
    {"p.injmould", {"塑胶模具", "注塑模", "injection mould"}},
    {"p.stampmould", {"五金模具", "冲模", "stamping die"}},
    {"p.diecast", {"铝压铸件", "压铸铝件", "die casting parts"}},
    {"p.gear", {"传动齿轮", "gear"}},
    {"p.oring", {"O形圈", "O-ring"}},
    {"p.spring", {"压簧", "compression spring"}},
    {"p.machining", {"CNC精加工件", "机加件"}},
};

/* With pct percent chance, another name of c (paraphrases[]); else name. */
static const char *paraphrase(struct rng *s, const struct concept *c, const char *name, int pct)
{
	if (!chance(s, pct))
		return name;
	for (size_t i = 0; i < sizeof paraphrases / sizeof paraphrases[0]; i++)
		if (strcmp(paraphrases[i].key, c->key) == 0)
			return paraphrases[i].alt[rnd_below(s, count_of(paraphrases[i].alt, 4))];
	return name;
}

static const char *pick_model(struct rng *s, const struct family *f)
{
	return f->models[rnd_below(s, count_of(f->models, 5))];
}

/* Writes "A、B" of the certification bits into b. */
static void sb_certs(struct sb *b, unsigned bits, const char *sep)
{
	bool first = true;
	for (int i = 0; i < NCERTS; i++)
		if (bits & (1u << i)) {
			if (!first)
				sb_add(b, sep);
			sb_add(b, cert_names[i]);
			first = false;
		}
}

/* Province name of a 2-digit prefix ("32" → 江苏省), or "". */
static const char *province_name(const char *code6)
{
	char p[7];
	region_province_of(code6, p);
	const struct region *r = region_find(p);
	return r ? r->name : "";
}

/* ---- enterprises: written by synth_enterprises, read back for codes and regions ---- */
struct firm {
	char uscc[USCC_LEN + 1];
	char region[7];
	bool large;
	int home; /* the concept it mostly lists */
};

static FILE *open_in(const char *dir, const char *name, struct qerror *err)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		qerr_set(err, QERR_INVALID, "file_unwritable", "output", "cannot write %s: %s", path, strerror(errno));
	else
		setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

static long pick_concept(struct rng *s, const uint64_t *cum)
{
	return (long)rng_pick_cumulative(s, cum, NCONCEPTS);
}

static struct firm *read_firms(const char *dir, long n, struct rng *s, const uint64_t *cum, long *count, long *nlarge,
			       struct qerror *err)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/enterprises.csv", dir);
	size_t len;
	const char *data = csv_map_file(path, &len, err);
	if (!data)
		return NULL;
	struct firm *firms = calloc((size_t)(n ? n : 1), sizeof *firms);
	struct csv_reader r;
	csv_init(&r, data, len);
	*count = *nlarge = 0;
	if (firms && csv_next(&r, err) == 1) /* header */
		while (*count < n && csv_next(&r, err) == 1 && r.nfields >= 8) {
			struct firm *f = &firms[(*count)++];
			snprintf(f->uscc, sizeof f->uscc, "%s", r.field[0]);
			snprintf(f->region, sizeof f->region, "%s", r.field[2]);
			f->large = strtol(r.field[4], NULL, 10) >= 300;
			*nlarge += f->large;
			f->home = (int)pick_concept(s, cum);
		}
	csv_free(&r);
	csv_unmap(data, len);
	if (!firms || *count == 0) {
		free(firms);
		qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "could not read back the enterprises");
		return NULL;
	}
	return firms;
}

/* Hidden truth of one supply: what the labels are computed from. */
struct supply_truth {
	uint16_t concept;
	uint8_t family;
	uint16_t certs;
};

static void write_fields(FILE *f, const char *const *fields, int n)
{
	for (int i = 0; i < n; i++)
		csv_write_field(f, fields[i], i == 0);
	fputc('\n', f);
}

/* One supply row; returns its truth. */
static struct supply_truth gen_supply(FILE *f, struct rng *s, const struct firm *firms, long nfirms,
				      const uint64_t *cum)
{
	const struct firm *e = &firms[rnd_below(s, nfirms)];
	int ci = chance(s, 75) ? e->home : (int)pick_concept(s, cum);
	const struct concept *c = &concepts[ci];
	int fi = (int)rnd_below(s, nfamilies(c));
	const struct family *fam = &c->fam[fi];
	int nmats = count_of(c->mats, 4);
	const char *mat = nmats ? c->mats[rnd_below(s, nmats)] : NULL;
	const char *name = paraphrase(s, c, pick_name(s, c), 30), *model = pick_model(s, fam);
	const char *proc = proc_words[rnd_below(s, 8)];
	unsigned certs = chance(s, 75) ? C_ISO9001 : 0;
	for (int i = 0; i < NCERTS; i++)
		if ((c->certs & (1u << i)) && chance(s, 55))
			certs |= 1u << i;
	if (chance(s, 25))
		certs |= C_ISO14001;

	struct sb title, desc, regions, cert;
	sb_reset(&title);
	switch (rnd_below(s, 4)) {
	case 0:
		if (mat && chance(s, 60))
			sb_add(&title, mat);
		sb_add(&title, name);
		sb_add(&title, " ");
		sb_add(&title, model);
		break;
	case 1:
		sb_add(&title, name);
		sb_add(&title, model);
		sb_add(&title, " ");
		sb_add(&title, proc);
		break;
	case 2:
		sb_add(&title, fam->qual);
		sb_add(&title, name);
		sb_add(&title, " ");
		sb_add(&title, proc);
		break;
	default:
		sb_add(&title, name);
		sb_add(&title, " ");
		sb_add(&title, model);
		sb_add(&title, chance(s, 50) ? " 厂家直供" : " 质量稳定");
		break;
	}
	sb_reset(&desc);
	sb_add(&desc, supply_openers[rnd_below(s, 6)]);
	sb_add(&desc, paraphrase(s, c, pick_name(s, c), 30));
	sb_add(&desc, "，产品包括");
	sb_add(&desc, fam->qual);
	sb_add(&desc, name);
	sb_add(&desc, " ");
	sb_add(&desc, model);
	const char *other = pick_model(s, fam);
	if (strcmp(other, model) != 0) {
		sb_add(&desc, "、");
		sb_add(&desc, other);
	}
	sb_add(&desc, "等型号，");
	sb_add(&desc, fam->attr);
	sb_add(&desc, "。");
	if (mat) {
		sb_add(&desc, "材质");
		sb_add(&desc, mat);
		sb_add(&desc, "，");
	}
	if (c->tolerance) {
		static const char *const tol[] = {"公差±0.01mm", "公差±0.005mm", "公差±0.02mm", "精度IT6级"};
		sb_add(&desc, tol[rnd_below(s, 4)]);
		sb_add(&desc, "，");
	}
	sb_add(&desc, "支持");
	sb_add(&desc, proc);
	sb_add(&desc, "。");
	if (certs) {
		sb_add(&desc, "已通过");
		sb_certs(&desc, certs, "、");
		sb_add(&desc, "认证。");
	}
	sb_add(&desc, "年产能");
	sb_num(&desc, 1 + rnd_below(s, 200));
	if (strncmp(c->unit, "万", strlen("万")) != 0) /* 万片, 万支 are already counted in 万 */
		sb_add(&desc, "万");
	sb_add(&desc, c->unit);
	sb_add(&desc, "，主要服务");
	sb_add(&desc, province_name(e->region));
	sb_add(&desc, "及周边客户。");

	/* Regions served: the firm's province, often its city, sometimes another province. */
	sb_reset(&regions);
	char code[8];
	snprintf(code, sizeof code, "%.2s", e->region);
	sb_add(&regions, code);
	if (chance(s, 50)) {
		snprintf(code, sizeof code, "%.4s", e->region);
		sb_add(&regions, ";");
		sb_add(&regions, code);
	}
	if (chance(s, 30)) {
		const struct firm *o = &firms[rnd_below(s, nfirms)];
		if (strncmp(o->region, e->region, 2) != 0) {
			snprintf(code, sizeof code, "%.2s", o->region);
			sb_add(&regions, ";");
			sb_add(&regions, code);
		}
	}
	sb_reset(&cert);
	sb_certs(&cert, certs, ";");
	char chain[40] = "", seg[40] = "";
	if (c->seg && chance(s, 85)) {
		const char *slash = strchr(c->seg, '/');
		snprintf(chain, sizeof chain, "%.*s", (int)(slash - c->seg), c->seg);
		snprintf(seg, sizeof seg, "%s", slash + 1);
	}
	const char *fields[7] = {e->uscc, title.buf, desc.buf, chain, seg, regions.buf, cert.buf};
	write_fields(f, fields, 7);
	return (struct supply_truth){(uint16_t)ci, (uint8_t)fi, (uint16_t)certs};
}

struct demand_truth {
	int concept, family;
	unsigned required;
};

static struct demand_truth gen_demand(FILE *f, struct rng *s, const struct firm *firms, long nfirms,
				      const long *large, long nlarge, const uint64_t *cum)
{
	const struct firm *e =
	    nlarge && chance(s, 70) ? &firms[large[rnd_below(s, nlarge)]] : &firms[rnd_below(s, nfirms)];
	int ci = (int)pick_concept(s, cum);
	const struct concept *c = &concepts[ci];
	int fi = (int)rnd_below(s, nfamilies(c));
	const struct family *fam = &c->fam[fi];
	int nmats = count_of(c->mats, 4);
	const char *mat = nmats ? c->mats[rnd_below(s, nmats)] : NULL;
	const char *name = paraphrase(s, c, pick_name(s, c), 20), *model = pick_model(s, fam);
	/* Required certifications: none, one or two of what buyers of this product ask for. */
	unsigned required = 0;
	int want = chance(s, 45) ? 0 : chance(s, 75) ? 1 : 2;
	unsigned pool = c->certs | C_ISO9001;
	for (int tries = 0; want > 0 && tries < 20; tries++) {
		unsigned bit = 1u << rnd_below(s, NCERTS);
		if ((pool & bit) && !(required & bit)) {
			required |= bit;
			want--;
		}
	}
	long quantity = 10 * (1 + rnd_below(s, 500));
	long price = c->price_lo + rnd_below(s, c->price_hi - c->price_lo + 1);
	long long budget = (long long)quantity * price * 100;
	const struct firm *site = chance(s, 60) ? e : &firms[rnd_below(s, nfirms)];

	struct sb title, desc, cert;
	sb_reset(&title);
	int verb = (int)rnd_below(s, 4);
	sb_add(&title, demand_verbs[verb]);
	switch (verb) {
	case 0:
		sb_add(&title, name);
		sb_add(&title, " ");
		sb_add(&title, model);
		break;
	case 1:
		sb_add(&title, fam->qual);
		sb_add(&title, name);
		break;
	case 2:
		sb_add(&title, fam->qual);
		sb_add(&title, name);
		sb_add(&title, "供应商");
		break;
	default:
		sb_add(&title, name);
		sb_add(&title, "配套企业");
		break;
	}
	sb_reset(&desc);
	sb_add(&desc, buyer_openers[rnd_below(s, 4)]);
	sb_add(&desc, "因生产需要，需采购");
	sb_add(&desc, fam->qual);
	sb_add(&desc, name);
	sb_add(&desc, "，型号");
	sb_add(&desc, model);
	sb_add(&desc, "，");
	sb_add(&desc, fam->attr);
	if (mat) {
		sb_add(&desc, "，材质");
		sb_add(&desc, mat);
	}
	sb_add(&desc, "，数量");
	sb_num(&desc, quantity);
	sb_add(&desc, c->unit);
	sb_add(&desc, "。");
	if (required) {
		sb_add(&desc, "要求供应商具备");
		sb_certs(&desc, required, "、");
		sb_add(&desc, "认证，");
	}
	char where[200];
	region_full_name(site->region, where, sizeof where);
	sb_add(&desc, "交货地点");
	sb_add(&desc, where);
	sb_add(&desc, "，");
	sb_add(&desc, chance(s, 50) ? "长期合作优先。" : "欢迎报价。");
	sb_reset(&cert);
	sb_certs(&cert, required, ";");
	char chain[40] = "", seg[40] = "", qty[24], budget_s[32], deadline[48];
	if (c->seg && chance(s, 70)) {
		const char *slash = strchr(c->seg, '/');
		snprintf(chain, sizeof chain, "%.*s", (int)(slash - c->seg), c->seg);
		snprintf(seg, sizeof seg, "%s", slash + 1);
	}
	snprintf(qty, sizeof qty, "%ld", quantity);
	snprintf(budget_s, sizeof budget_s, "%lld", budget);
	/* Far in the future, so generated demands stay open whenever the file is imported (2027 dates
	 * would expire from January 2027). Day first, then month: the order GCC evaluated them in when
	 * both draws were snprintf arguments (unspecified in C; clang went the other way), now fixed. */
	int day = 1 + (int)rnd_below(s, 28);
	int month = 1 + (int)rnd_below(s, 6);
	snprintf(deadline, sizeof deadline, "2099-%02d-%02dT00:00:00Z", month, day);
	const char *fields[11] = {e->uscc, title.buf, desc.buf, chain,	      seg,     qty,
				  c->unit, budget_s,  deadline, site->region, cert.buf};
	write_fields(f, fields, 11);
	return (struct demand_truth){ci, fi, required};
}

static enum qerr close_file(FILE *f, enum qerr rc, struct qerror *err)
{
	if (f && (ferror(f) | fclose(f)) && !rc)
		rc = qerr_set(err, QERR_INTERNAL, "write_failed", "output", "write failed: %s", strerror(errno));
	return rc;
}

enum qerr synth_listings(const char *dir, const struct synth_listing_opts *o, struct synth_listing_report *rep,
			 struct qerror *err)
{
	mkdir(dir, 0755);
	long nent = o->enterprises > 0 ? o->enterprises : o->supplies / 8 + o->demands / 2 + 50;
	FILE *ef = open_in(dir, "enterprises.csv", err);
	if (!ef)
		return err->code;
	if (synth_enterprises(ef, nent, o->seed) || fclose(ef))
		return qerr_set(err, QERR_INTERNAL, "write_failed", "output", "cannot write enterprises.csv");

	uint64_t cum[NCONCEPTS], acc = 0;
	for (int c = 0; c < NCONCEPTS; c++)
		cum[c] = acc += (uint64_t)concepts[c].weight;
	struct rng s;
	rng_seed(&s, o->seed, 11);
	long nfirms = 0, nlarge = 0;
	struct firm *firms = read_firms(dir, nent, &s, cum, &nfirms, &nlarge, err);
	if (!firms)
		return err->code;
	enum qerr rc = QERR_OK;
	FILE *sf = NULL, *df = NULL, *lf = NULL, *tf = NULL, *gf = NULL;
	long *large = malloc((size_t)(nlarge ? nlarge : 1) * sizeof *large);
	struct supply_truth *st = malloc((size_t)(o->supplies ? o->supplies : 1) * sizeof *st);
	long nlab = o->labelled < o->demands ? o->labelled : o->demands;
	struct demand_truth *dt = malloc((size_t)(nlab > 0 ? nlab : 1) * sizeof *dt);
	long *by_concept = malloc((size_t)(o->supplies ? o->supplies : 1) * sizeof *by_concept);
	long start[NCONCEPTS + 1] = {0};
	long label_rows = 0;
	if (!large || !st || !dt || !by_concept) {
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto out;
	}
	for (long i = 0, k = 0; i < nfirms; i++)
		if (firms[i].large)
			large[k++] = i;
	if (!(gf = open_in(dir, "segments.csv", err)) || !(sf = open_in(dir, "supplies.csv", err)) ||
	    !(df = open_in(dir, "demands.csv", err)) || !(lf = open_in(dir, "labels.csv", err)) ||
	    !(tf = open_in(dir, "truth.csv", err))) {
		rc = err->code;
		goto out;
	}
	fputs("chain,chain_name,segment,segment_name,upstream\n", gf);
	for (int i = 0; i < NSEGS; i++) {
		const char *fields[5] = {segs[i].chain, segs[i].chain_name, segs[i].code, segs[i].name,
					 segs[i].upstream};
		write_fields(gf, fields, 5);
	}
	fputs("uscc,title,description,chain,segment,regions,certifications\n", sf);
	fputs("kind,line,concept,family\n", tf);
	for (long i = 0; i < o->supplies; i++) {
		st[i] = gen_supply(sf, &s, firms, nfirms, cum);
		fprintf(tf, "s,%ld,%s,%d\n", i + 2, concepts[st[i].concept].key, st[i].family);
	}
	fputs("uscc,title,description,chain,segment,quantity,unit,budget_fen,deadline,region,certifications\n", df);
	for (long i = 0; i < o->demands; i++) {
		struct demand_truth d = gen_demand(df, &s, firms, nfirms, large, nlarge, cum);
		if (i < nlab)
			dt[i] = d;
		fprintf(tf, "d,%ld,%s,%d\n", i + 2, concepts[d.concept].key, d.family);
	}
	/* Labels: bucket the supplies by concept, then every supply of the demand's concept that holds its
	 * certifications. */
	for (long i = 0; i < o->supplies; i++)
		start[st[i].concept + 1]++;
	for (int c = 0; c < NCONCEPTS; c++)
		start[c + 1] += start[c];
	{
		long fill[NCONCEPTS];
		memcpy(fill, start, sizeof fill);
		for (long i = 0; i < o->supplies; i++)
			by_concept[fill[st[i].concept]++] = i;
	}
	fputs("demand_line,supply_line,grade\n", lf);
	for (long d = 0; d < nlab; d++)
		for (long k = start[dt[d].concept]; k < start[dt[d].concept + 1]; k++) {
			const struct supply_truth *t = &st[by_concept[k]];
			if ((t->certs & dt[d].required) != dt[d].required)
				continue;
			fprintf(lf, "%ld,%ld,%d\n", d + 2, by_concept[k] + 2, t->family == dt[d].family ? 2 : 1);
			label_rows++;
		}
	if (rep)
		*rep = (struct synth_listing_report){nfirms, o->supplies, o->demands, nlab, label_rows, NCONCEPTS};
out:
	rc = close_file(gf, rc, err);
	rc = close_file(sf, rc, err);
	rc = close_file(df, rc, err);
	rc = close_file(lf, rc, err);
	rc = close_file(tf, rc, err);
	free(by_concept);
	free(dt);
	free(st);
	free(large);
	free(firms);
	return rc;
}
