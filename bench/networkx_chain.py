#!/usr/bin/python3
"""networkx_chain.py - the NetworkX peer of Qilian's disruption cascade and
critical enterprises (bench/chain.sh runs it next to bench/igraph_chain.c).

Usage: networkx_chain.py DB SUPPLIER_USCC BUYER_USCC [REPEAT] [DUMP_DIR] [REGION]

Load: every relation as an edge supplier -> buyer of an nx.DiGraph (node =
enterprise id) with edge attributes seg (sid) and amt (fen), read with the
sqlite3 module. A (buyer, supplier) pair in two segments would need a
MultiDiGraph: the load checks that no edge was merged and stops if one was.

Cascade: nx.descendants from the supplier (the reachability part, BFS),
then the threshold rule of src/chainmap/graph_cascade.c tier by tier over
G.succ / G.pred (a buyer's totals per segment from its in-edges the first
time it is touched; integer comparison in basis points). With REGION, also
the threshold cascade (without a reachability pass) from every enterprise
whose region code starts with it.

Critical enterprises of the buyer B (the model of graph_critical.c): B is
removed, each segment s that B buys gets a root R_s with an edge from each of
B's suppliers in s, and a sink T gets an edge to every enterprise without
suppliers - all on G itself, whose reverse view (G.reverse(copy=False)) is
then the buyer -> supplier graph; nx.immediate_dominators (Cooper-Harvey-
Kennedy) from each R_s, T's dominators walked up the idom map. Building a
reversed copy would double the memory, so the view is used.

Prints one JSON object; DUMP_DIR gets networkx-cascade.txt (uscc tier) and
networkx-critical.txt (segment uscc, or "segment -").
"""
import json
import os
import sqlite3
import sys
import time

import networkx as nx


def now_ms():
    return time.perf_counter() * 1000.0


def vm():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":")
                out[k] = int(v.split()[0])
    return out.get("VmRSS", -1), out.get("VmHWM", -1)


def summary(runs):
    s = sorted(runs)
    return {"median": round(s[len(s) // 2], 3), "min": round(s[0], 3), "runs": [round(x, 3) for x in runs]}


def cascade(G, seeds, bp=5000, bfs=True):
    """Returns (tier dict, bfs_ms, threshold_ms, reachable); bfs=False skips the reachability part."""
    t0 = now_ms()
    reach = nx.descendants(G, seeds[0]) if bfs else set()
    t1 = now_ms()
    succ, pred = G._succ, G._pred
    tier = {s: 0 for s in seeds}
    lost, total, done = {}, {}, set()
    frontier, t = list(tier), 0
    while frontier:
        nxt = []
        for s in frontier:
            for b, d in succ[s].items():
                if b not in done:
                    for _, dd in pred[b].items():
                        k = (b, dd["seg"])
                        total[k] = total.get(k, 0) + dd["amt"]
                    done.add(b)
                key = (b, d["seg"])
                lost[key] = lost.get(key, 0) + d["amt"]
                tot = total[key]
                if b not in tier and tot > 0 and lost[key] * 10000 >= tot * bp:
                    tier[b] = t + 1
                    nxt.append(b)
        frontier = nxt
        t += 1
    t2 = now_ms()
    return tier, t1 - t0, t2 - t1, len(reach) + 1


def main():
    if len(sys.argv) < 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        sys.exit(2)
    path, sup_uscc, buyer_uscc = sys.argv[1:4]
    repeat = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    dump = sys.argv[5] if len(sys.argv) > 5 and sys.argv[5] else None
    region = sys.argv[6] if len(sys.argv) > 6 else None
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def id_of(u):
        row = con.execute("SELECT id FROM enterprises WHERE uscc=upper(?)", (u,)).fetchone()
        if not row:
            sys.exit(f"networkx_chain: no enterprise {u}")
        return row[0]

    def uscc_of(i):
        return con.execute("SELECT uscc FROM enterprises WHERE id=?", (i,)).fetchone()[0]

    src, buyer = id_of(sup_uscc), id_of(buyer_uscc)
    code_of = dict(con.execute("SELECT sid, code FROM segments"))
    res = {"networkx_version": nx.__version__, "python": sys.version.split()[0]}

    t0 = now_ms()
    rows = con.execute("SELECT count(*) FROM relations").fetchone()[0]
    G = nx.DiGraph()
    G.add_nodes_from(r[0] for r in con.execute("SELECT id FROM enterprises"))
    G.add_edges_from(
        (s, b, {"seg": g, "amt": a})
        for s, b, g, a in con.execute("SELECT supplier_id,buyer_id,sid,annual_amount_fen FROM relations")
    )
    res["load_ms"] = round(now_ms() - t0, 1)
    res["nodes"], res["edges"] = G.number_of_nodes(), G.number_of_edges()
    res["rss_kib_after_load"], res["hwm_kib_after_load"] = vm()
    if G.number_of_edges() != rows:
        res["error"] = f"{rows - G.number_of_edges()} relations share a (supplier, buyer) pair: a DiGraph merges them"
        print(json.dumps(res))
        sys.exit(1)
    print(json.dumps(res), file=sys.stderr, flush=True)

    bfs, thr, tot = [], [], []
    for r in range(repeat):
        tier, b_ms, t_ms, reach = cascade(G, [src])
        bfs.append(b_ms)
        thr.append(t_ms)
        tot.append(b_ms + t_ms)
    res["reachable_from_supplier"] = reach
    res["cascade_knocked_out"] = len(tier)
    res["cascade_max_tier"] = max(tier.values())
    res["descendants_bfs_ms"] = summary(bfs)
    res["cascade_threshold_only_ms"] = summary(thr)
    res["cascade_ms"] = summary(tot)
    print(json.dumps(res), file=sys.stderr, flush=True)
    if dump:
        with open(os.path.join(dump, "networkx-cascade.txt"), "w") as f:
            for v, t in tier.items():
                f.write(f"{uscc_of(v)} {t}\n")

    if region:
        seeds = [r[0] for r in con.execute("SELECT id FROM enterprises WHERE region LIKE ? || '%' ORDER BY id", (region,))]
        runs = []
        for r in range(repeat):
            rtier, _, t_ms, _ = cascade(G, seeds, bfs=False)
            runs.append(t_ms)
        res["region"], res["region_seeds"], res["region_knocked_out"] = region, len(seeds), len(rtier)
        res["region_cascade_ms"] = summary(runs)
        print(json.dumps(res), file=sys.stderr, flush=True)
        if dump:
            with open(os.path.join(dump, "networkx-region-cascade.txt"), "w") as f:
                for v, t in rtier.items():
                    f.write(f"{uscc_of(v)} {t}\n")

    # Critical enterprises of the buyer, on G itself (restored afterwards is not needed: last step).
    p0 = now_ms()
    segs = {}
    for s, _, d in G.in_edges(buyer, data=True):
        segs.setdefault(d["seg"], []).append(s)
    G.remove_node(buyer)
    for sid, sups in segs.items():
        G.add_edges_from((s, ("R", sid)) for s in sups)
    sources = [v for v, deg in G.in_degree() if deg == 0 and not isinstance(v, tuple)]
    G.add_edges_from(("T", v) for v in sources)
    H = G.reverse(copy=False)
    res["critical_prep_ms"] = round(now_ms() - p0, 1)
    per_seg, dom_runs = {}, []
    lines = []
    for r in range(repeat):
        total_ms = 0.0
        for sid in segs:
            a = now_ms()
            idom = nx.immediate_dominators(H, ("R", sid))
            d = now_ms() - a
            total_ms += d
            if r == 0:
                crit = []
                v = idom.get("T")
                while v is not None and not isinstance(v, tuple) and v != "T":
                    crit.append(v)
                    v = idom.get(v)
                code = code_of[sid]
                per_seg[code] = {"immediate_dominators_ms": round(d, 1), "critical": len(crit),
                                 "T_reachable": "T" in idom}
                lines += [f"{code} {uscc_of(v)}\n" for v in crit] or [f"{code} -\n"]
        dom_runs.append(total_ms)
        print(json.dumps({"dominators_round": r, "ms": round(total_ms, 1)}), file=sys.stderr, flush=True)
    res["critical_per_segment"] = per_seg
    res["immediate_dominators_all_segments_ms"] = summary(dom_runs)
    res["hwm_kib_end"] = vm()[1]
    if dump:
        with open(os.path.join(dump, "networkx-critical.txt"), "w") as f:
            f.writelines(lines)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
