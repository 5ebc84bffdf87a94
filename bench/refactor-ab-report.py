"""Report of bench/refactor-ab.sh: reads the raw outputs under OUT and prints markdown.

Usage: python3 bench/refactor-ab-report.py OUT
Each metric has one sample per run (process, or wrk run) of each binary; the table shows the median
and the range (min-max). Rule for "beyond noise": |median(after) - median(before)| larger than
noise = max(range of before, range of after, 1 % of the before median, the measurement's resolution).
"""
import json
import os
import statistics
import sys

out = sys.argv[1]
meta = {}
for line in open(f"{out}/meta.txt"):
    if "=" in line:
        k, v = line.rstrip("\n").split("=", 1)
        meta[k] = v


def stages(path):
    rows = {}
    if os.path.exists(path):
        for line in open(path):
            n, wall, rss, others, load, st = line.rstrip("\n").split("\t")
            rows[n] = dict(wall=float(wall), rss=int(rss), others=float(others), load=float(load), status=int(st))
    return rows


def cpu_s(path):
    s = 0.0
    for line in open(path):
        if "User time" in line or "System time" in line:
            s += float(line.split(": ")[1])
    return s


def last_json(path):
    try:
        lines = [l for l in open(path) if l.lstrip().startswith("{")]
        return json.loads(lines[-1]) if lines else None
    except (OSError, ValueError):
        return None


def runs_of(st):
    """{'a': [(run, name)], 'b': [...]} from stage names 'a-1', 'b-1', ..."""
    r = {"a": [], "b": []}
    for n in st:
        side, _, k = n.partition("-")
        if side in r and k.isdigit():
            r[side].append((int(k), n))
    return {s: [n for _, n in sorted(v)] for s, v in r.items()}


med = statistics.median
metrics = []  # (group, label, better, resolution, required, {side: [(value, others)]})


def metric(group, label, better, res, required, samples):
    if samples["a"] and samples["b"]:
        metrics.append((group, label, better, res, required, samples))


# ---- import ----
imp = stages(f"{out}/import/stages.tsv")
if imp:
    rn = runs_of(imp)
    rows = meta["knobs"].split("ROWS=")[1].split()[0]
    g = f"import {int(rows):,} enterprises, fresh db"
    metric(g, "wall s", "lower", 0.01, True, {s: [(imp[n]["wall"], imp[n]["others"]) for n in rn[s]] for s in "ab"})
    metric(g, "peak RSS MiB", "lower", 1, True, {s: [(imp[n]["rss"] / 1024, imp[n]["others"]) for n in rn[s]] for s in "ab"})
    metric(g, "CPU s (user + system)", "lower", 0.01, False,
           {s: [(cpu_s(f"{out}/import/{n}.time"), imp[n]["others"]) for n in rn[s]] for s in "ab"})

# ---- http ----
hp = f"{out}/http/runs.tsv"
if os.path.exists(hp):
    runs = [l.rstrip("\n").split("\t") for l in open(hp) if l.strip()]
    conns = meta["knobs"].split("CONNS=")[1].split()[0]
    for ep, path, req in (("enterprise", "GET /api/v1/enterprises/{uscc}", True), ("health", "GET /api/v1/health", False)):
        sel = {s: [r for r in runs if r[0] == ep and r[1] == s] for s in "ab"}
        g = f"{path}, wrk -c{conns}"
        metric(g, "req/s", "higher", 1, req, {s: [(float(r[3]), float(r[8])) for r in sel[s]] for s in "ab"})
        metric(g, "p99 ms", "lower", 0.01, req, {s: [(float(r[6]), float(r[8])) for r in sel[s]] for s in "ab"})
        metric(g, "p50 ms", "lower", 0.01, False, {s: [(float(r[4]), float(r[8])) for r in sel[s]] for s in "ab"})
        metric(g, "server CPU µs/request", "lower", 0.1, False, {s: [(float(r[9]), float(r[8])) for r in sel[s]] for s in "ab"})
        errs = sum(int(r[7]) for r in runs if r[0] == ep)
        if errs:
            metric(g, "errors (non-2xx, socket)", "lower", 1, False, {s: [(int(r[7]), float(r[8])) for r in sel[s]] for s in "ab"})

# ---- match ----
mt = stages(f"{out}/match/stages.tsv")
if mt:
    rn = runs_of(mt)
    js = {n: last_json(f"{out}/match/{n}.out") for n in mt}
    k = meta["knobs"]
    g = f"match top-10, {int(k.split('SUPPLIES=')[1].split()[0]):,} supplies, {int(k.split('DEMANDS=')[1].split()[0]):,} demands"
    def ms(field, fn=lambda j, f: j[f]):
        return {s: [(fn(js[n], field), mt[n]["others"]) for n in rn[s] if js[n]] for s in "ab"}
    metric(g, "p99 ms", "lower", 0.01, True, ms("p99_ms"))
    metric(g, "p50 ms", "lower", 0.01, True, ms("p50_ms"))
    metric(g, "mean ms", "lower", 0.01, False, ms("mean_ms"))
    metric(g, "index build s (first call)", "lower", 0.01, False, ms("first_call_ms", lambda j, f: j[f] / 1000))
    metric(g, "process peak RSS MiB", "lower", 1, False, {s: [(mt[n]["rss"] / 1024, mt[n]["others"]) for n in rn[s]] for s in "ab"})

# ---- chain ----
ch = stages(f"{out}/chain/stages.tsv")
picks = {}
if os.path.exists(f"{out}/chain/picks.txt"):
    picks = dict(l.rstrip("\n").split("=", 1) for l in open(f"{out}/chain/picks.txt") if "=" in l)
if ch:
    rn = runs_of(ch)
    js = {n: last_json(f"{out}/chain/{n}.out") for n in ch}
    k = meta["knobs"]
    g = f"chain, {int(k.split('ENTS=')[1].split()[0]):,} enterprises / {int(k.split('RELS=')[1].split()[0]):,} relations"
    def cm(fn):
        return {s: [(fn(js[n]), ch[n]["others"]) for n in rn[s] if js[n]] for s in "ab"}
    sup = picks.get("supplier", "? 0").split()
    reg = picks.get("region", "").split()
    metric(g, "snapshot build ms", "lower", 1, True, cm(lambda j: j["graph"]["build_ms"]))
    metric(g, f"cascade from the largest supplier ({sup[0]}, {int(sup[1]):,} buyers), compute_ms", "lower", 0.001, True,
           cm(lambda j: med(j["disrupt"]["compute_ms"])))
    if len(reg) == 2:
        metric(g, f"cascade from region {reg[0]} ({int(reg[1]):,} enterprises), compute_ms", "lower", 0.01, True,
               cm(lambda j: med(j["disrupt_region"]["compute_ms"])))
        metric(g, f"cascade from region {reg[0]}, whole call with its JSON report, ms", "lower", 0.1, False,
               cm(lambda j: med(j["disrupt_region"]["wall_ms"])))
    metric(g, "health, all chains (sum of compute_ms)", "lower", 0.1, True, cm(lambda j: med(j["health_all_chains"]["compute_ms"])))
    metric(g, "critical of the largest buyer, compute_ms", "lower", 0.01, False, cm(lambda j: med(j["critical"]["compute_ms"])))
    metric(g, "RSS after the snapshot build MiB", "lower", 1, False, cm(lambda j: j["rss_kib_after_build"] / 1024))
    metric(g, "process peak RSS MiB", "lower", 1, False, {s: [(ch[n]["rss"] / 1024, ch[n]["others"]) for n in rn[s]] for s in "ab"})


def fmt(x):
    ax = abs(x)
    if ax >= 10000:
        return f"{x:,.0f}"
    if ax >= 100:
        return f"{x:.0f}" if ax >= 1000 else f"{x:.1f}"
    if ax >= 1:
        return f"{x:.2f}"
    if ax >= 0.01:
        return f"{x:.3f}"
    return f"{x:.4f}"


def cell(vals, res):
    v = [x for x, _ in vals]
    f = (lambda x: f"{x:,.0f}") if res >= 1 else fmt
    return f"{f(med(v))} ({f(min(v))}–{f(max(v))}, n={len(v)})"


print(f"## Refactor A/B, same run ({meta['date']})\n")
for side in ("before", "after"):
    dirty = meta.get(f"{side}_dirty", "0")
    print(f"- **{side}**: `{meta[f'{side}_binary']}`, commit {meta[f'{side}_commit']}"
          + (f" + {dirty} uncommitted files in src/ or bench/" if dirty != "0" else "")
          + f", {meta[f'{side}_type']}, built {meta[f'{side}_built']}, schema version {meta[f'{side}_schema']}")
print(f"- machine: {meta['machine']}")
print(f"- uptime before: `{meta['uptime_before']}`; after: `{meta.get('uptime_after', '?')}`; total {int(meta.get('total_s', 0)) / 60:.1f} min"
      + (" (steps: " + ", ".join(f"{l.split()[0]} {int(l.split()[1]) / 60:.1f} min" for l in open(f"{out}/steps.tsv") if l.strip()) + ")"
         if os.path.getsize(f"{out}/steps.tsv") else ""))
print(f"- knobs: `{meta['knobs']}`; data generated and loaded by `{meta['gen']}`")
print("- order: rounds alternate AB, BA, AB, …; each HTTP round runs both servers (up at once, each on its own copy of the "
      "database) on the enterprise endpoint, then on health")
print()
print("| metric | before | after | after/before | beyond noise? | others' CPU, cores (max) |")
print("| --- | ---: | ---: | ---: | --- | ---: |")
regress = []
group = None
for g, label, better, res, required, s in metrics:
    a = [x for x, _ in s["a"]]
    b = [x for x, _ in s["b"]]
    ma, mb = med(a), med(b)
    noise = max(max(a) - min(a), max(b) - min(b), 0.01 * abs(ma), res)
    d = mb - ma
    worse = d > 0 if better == "lower" else d < 0
    if abs(d) <= noise:
        verdict = "no"
    elif worse:
        verdict = f"**yes: worse** by {fmt(abs(d))} (noise {fmt(noise)})"
        if required:
            regress.append(f"{g}: {label}")
    else:
        verdict = f"yes: better by {fmt(abs(d))} (noise {fmt(noise)})"
    ratio = f"{mb / ma:.3f}" if ma else "—"
    others = max(o for _, o in s["a"] + s["b"])
    name = f"{g}: {label}" if required else f"{g}: {label} (extra)"
    print(f"| {'**' + name + '**' if required else name} | {cell(s['a'], res)} | {cell(s['b'], res)} | {ratio} | {verdict} | {others:.2f} |")
print()
print("Cells: median (min–max, n = runs). **Beyond noise** when |median(after) − median(before)| > max(range of before, "
      "range of after, 1 % of the before median, the resolution of the measurement); \"worse\" is slower, bigger or fewer "
      "req/s. Bold rows are the issue-9 metrics; (extra) rows are context. Each sample is one process (import, match, "
      "chain: per-process median of its rounds) or one wrk run (HTTP). \"others' CPU\" is what processes other than the "
      "ones measured used during those runs, out of the machine's cores: figures taken while it is high are not comparable.")
print()
if metrics:
    busy = max(o for _, _, _, _, req, s in metrics if req for _, o in s["a"] + s["b"])
    print("**Verdict:** " + ("no regression beyond noise on the issue-9 metrics." if not regress else
                             "regression beyond noise on: " + "; ".join(regress) + ".")
          + (f" Other processes used up to {busy:.2f} cores during these runs, so the noise is that of a busy machine: "
             "re-run on a quiet one before trusting a small difference." if busy > 0.25 else ""))
    print()
if os.path.getsize(f"{out}/checks.tsv"):
    print("Same answers (run 1 of each binary):\n")
    for line in open(f"{out}/checks.tsv"):
        if line.strip():
            what, res = line.rstrip("\n").split("\t", 1)
            print(f"- {what}: {'**' + res + '**' if 'DIFFER' in res else res}")
    print()
print(f"Raw outputs: `bench/out/{os.path.basename(out)}/`")
