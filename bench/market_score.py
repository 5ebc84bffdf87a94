#!/usr/bin/env python3
"""market_score.py - relevance of ranked supply lists against `qilian gen listings` labels.

Usage: market_score.py LABELS.csv LABELLED NAME=RESULTS.tsv[:K] [NAME=RESULTS.tsv[:K] ...]
  :K scores only the labelled demands among the first K demands (a system that ran only K of
  them within its time budget; score the others on the same K to compare like with like).

LABELS.csv (demand_line,supply_line,grade) lists, for each of the first LABELLED demands
(lines 2 .. LABELLED+1), EVERY supply with grade > 0 (2: same product concept and spec family,
1: same concept; a supply lacking a certification the demand requires is not relevant).
RESULTS.tsv rows are "demand_line rank supply_line score" (bench/market_driver.c,
bench/pg_market.c). Per system, over the labelled demands that have at least one relevant
supply, prints one JSON line with:
  ndcg10  mean nDCG@10, gain 2^grade - 1, discount log2(rank + 1); the ideal DCG comes from
          the true counts of grade-2 and grade-1 supplies (labels are complete), so a system is
          not rewarded for leaving relevant supplies out of the judged pool
  p10     mean precision@10 (grade >= 1), empty or short lists count missing ranks as misses
  p10_exact  the same counting only grade 2
  mrr     mean reciprocal rank of the first grade >= 1 result
  recall10  mean capped recall@10: relevant (grade >= 1) supplies in the top 10 over min(10, relevant
          ones), so a demand with thousands of relevant supplies can still reach 1
  judged  demands scored; no_relevant: labelled demands without any relevant supply (skipped)
"""
import json
import math
import sys
from collections import defaultdict


def main():
    labels_path, labelled = sys.argv[1], int(sys.argv[2])
    grades = defaultdict(dict)
    with open(labels_path) as f:
        next(f)
        for line in f:
            d, s, g = line.rstrip("\n").split(",")
            grades[int(d)][int(s)] = int(g)
    demands = [d for d in range(2, labelled + 2) if grades.get(d)]
    ideal = {}
    for d in demands:
        gs = sorted(grades[d].values(), reverse=True)[:10]
        ideal[d] = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gs))
    for arg in sys.argv[3:]:
        name, path = arg.split("=", 1)
        k = None
        if ":" in path:
            path, k = path.rsplit(":", 1)
            k = int(k)
        judged = [d for d in demands if k is None or d < k + 2]
        ranked = defaultdict(list)
        with open(path) as f:
            for line in f:
                d, rank, s, _score = line.rstrip("\n").split("\t")
                ranked[int(d)].append((int(rank), int(s)))
        ndcg = p10 = p10x = mrr = rec = 0.0
        for d in judged:
            lst = [s for _, s in sorted(ranked.get(d, []))][:10]
            g = [grades[d].get(s, 0) for s in lst]
            dcg = sum((2 ** x - 1) / math.log2(i + 2) for i, x in enumerate(g))
            ndcg += dcg / ideal[d]
            p10 += sum(1 for x in g if x > 0) / 10
            p10x += sum(1 for x in g if x == 2) / 10
            first = next((i for i, x in enumerate(g) if x > 0), None)
            mrr += 0 if first is None else 1 / (first + 1)
            rec += sum(1 for x in g if x > 0) / min(10, len(grades[d]))
        n = len(judged) or 1
        print(json.dumps({"system": name, "ndcg10": ndcg / n, "p10": p10 / n, "p10_exact": p10x / n, "mrr": mrr / n, "recall10": rec / n,
                          "judged": len(judged),
                          "no_relevant": (labelled if k is None else min(k, labelled)) - len(judged),
                          "judged_pairs": sum(len(grades[d]) for d in judged)}))


if __name__ == "__main__":
    main()
