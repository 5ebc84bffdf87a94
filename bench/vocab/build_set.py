#!/usr/bin/env python3
"""build_set.py - writes the vocabulary benchmark's files from catalog.py (bench/vocab.sh reads them).

Usage: build_set.py ENTERPRISES.csv OUTDIR
  ENTERPRISES.csv: `qilian gen enterprises 400 --seed 11` (valid USCCs, real regions).
Writes into OUTDIR:
  segments.csv, enterprises.csv     what the listings refer to (import formats)
  listings.csv                      supplies in the import format (uscc,title,description,chain,segment,
                                    regions,certifications): for each product concept 26 listings (10 for
                                    a distractor), titled and described the way sellers do - the usual
                                    name, a synonym, slang or the English name, a spec, a sales tag
  queries.tsv                       id, text (the buyer's words)
  qrels.tsv                         query id, listing id (1-based row of listings.csv), grade (2, 1)
  queries.csv, labels.csv           the same as market_driver's demand CSV and market_score.py's labels
Deterministic (random.Random(20261204)).
"""
import csv, os, random, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import catalog

rng = random.Random(20261204)
TAGS = ['厂家直销', '现货供应', '支持定制', '量大从优', '源头工厂', '可开专票', '一件起订', '品质保证', '来图定制', '']
OPEN = ['本厂专业生产', '我司长期供应', '源头厂家，', '专注行业十五年，', '', '工厂直供，']
CLOSE = ['，欢迎来电洽谈。', '，可提供样品。', '，交期快。', '。', '，支持OEM。']
CERTS = ['ISO9001', 'IATF16949', 'ISO14001', 'CE', 'ROHS', 'ISO13485']
SEGNAME = {
    'nev': ('新能源汽车产业链', {'motor': '驱动电机', 'ecu': '电控系统', 'harness': '线束', 'body': '车身', 'cell': '电芯', 'pack': '电池包',
            'bms': '电池管理系统', 'cathode': '正极材料', 'anode': '负极材料', 'electrolyte': '电解液', 'separator': '隔膜',
            'lithium': '锂资源', 'thermal': '热管理'}),
    'machine': ('工业母机产业链', {'servo': '伺服系统', 'precreducer': '精密减速器', 'ballscrew': '丝杠', 'guide': '直线导轨',
                'cutter': '刀具', 'tool': '数控机床', 'spindle': '主轴'}),
    'parts': ('通用零部件产业链', {'bearing': '轴承', 'fastener': '紧固件', 'gear': '齿轮', 'seal': '密封件', 'spring': '弹簧',
              'mould': '模具', 'machining': '机加工件', 'diecast': '压铸件'}),
    'ic': ('集成电路产业链', {'design': '芯片设计', 'wafer': '硅片', 'gas': '电子特气', 'photoresist': '光刻胶', 'packaging': '封装测试',
           'leadframe': '封装材料'}),
    'biomed': ('生物医药产业链', {'api': '原料药', 'pharmapack': '药品包材', 'device': '医疗器械'}),
    'pv': ('光伏产业链', {'pvmodule': '光伏组件', 'pvcell': '电池片', 'inverter': '逆变器', 'mount': '光伏支架'}),
}


def norm(s):
    return ''.join(ch for ch in s.lower() if ch.isalnum())


def main():
    ent_path, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(ent_path, newline='') as f:
        ents = list(csv.DictReader(f))
    with open(os.path.join(out, 'enterprises.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(list(ents[0].keys()))
        for e in ents:
            w.writerow(list(e.values()))
    with open(os.path.join(out, 'segments.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['chain', 'chain_name', 'segment', 'segment_name', 'upstream'])
        for ch, (cname, segs) in SEGNAME.items():
            for code, name in segs.items():
                w.writerow([ch, cname, code, name, ''])
    listings = []  # (concept, spec, row)
    for c in catalog.CONCEPTS:
        n = 10 if c['key'].startswith('x.') else 26
        for i in range(n):
            name = c['names'][0] if rng.random() < 0.3 else rng.choice(c['names'])
            spec = rng.choice(c['specs'])
            tag = rng.choice(TAGS)
            form = rng.randrange(4)
            if form == 0:
                title = f'{name} {spec}'
            elif form == 1:
                title = f'{spec}{name}' if not spec[:1].isascii() else f'{spec} {name}'
            elif form == 2:
                title = f'{name} {spec} {tag}'.strip()
            else:
                title = f'{name} {tag}'.strip() if tag else f'{name} {spec}'
            d = rng.sample(c['descs'], min(len(c['descs']), 1 + rng.randrange(2)))
            desc = rng.choice(OPEN) + '，'.join(d)
            if rng.random() < 0.3:
                other = rng.choice(c['names'])
                if other != name:
                    desc += f'，{other}'
            if spec not in title:
                desc += f'，规格{spec}'
            desc += rng.choice(CLOSE)
            chain = seg = ''
            if c['seg'] and rng.random() < 0.7:
                chain, seg = c['seg'].split('/')
            e = rng.choice(ents)
            regions = ';'.join(sorted({e['region'][:2], rng.choice(ents)['region'][:2]}))
            certs = ';'.join(sorted({x for x in CERTS if rng.random() < 0.25}))
            listings.append((c['key'], spec, title, [e['uscc'], title, desc, chain, seg, regions, certs]))
    rng.shuffle(listings)
    with open(os.path.join(out, 'listings.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['uscc', 'title', 'description', 'chain', 'segment', 'regions', 'certifications'])
        for l in listings:
            w.writerow(l[3])
    qrels = []
    with open(os.path.join(out, 'queries.tsv'), 'w') as qf, open(os.path.join(out, 'queries.csv'), 'w', newline='') as cf:
        qf.write('id\ttext\n')
        w = csv.writer(cf, lineterminator='\n')
        w.writerow(['uscc', 'title', 'description', 'chain', 'segment', 'quantity', 'unit', 'budget_fen', 'deadline', 'region',
                    'certifications'])
        for qi, q in enumerate(catalog.QUERIES, 1):
            qf.write(f'{qi}\t{q["text"]}\n')
            w.writerow([ents[0]['uscc'], q['text'], '', '', '', '', '', '', '', '', ''])
            for li, l in enumerate(listings, 1):
                g = q['grades'].get(l[0], 0)
                if g == 2 and q['spec'] and norm(q['spec']) not in norm(l[1]):
                    g = 1
                if g:
                    qrels.append((qi, li, g))
    with open(os.path.join(out, 'qrels.tsv'), 'w') as f:
        f.write('query\tlisting\tgrade\n')
        for r in qrels:
            f.write('%d\t%d\t%d\n' % r)
    with open(os.path.join(out, 'labels.csv'), 'w') as f:
        f.write('demand_line,supply_line,grade\n')
        for q, l, g in qrels:
            f.write(f'{q + 1},{l + 1},{g}\n')
    print(f'{len(listings)} listings, {len(catalog.QUERIES)} queries, {len(qrels)} judged pairs', file=sys.stderr)


if __name__ == '__main__':
    main()
