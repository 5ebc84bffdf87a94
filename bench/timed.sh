# bench/timed.sh - sourced by the benchmark scripts (chain.sh, market.sh): runs a stage and records
# its cost. The caller defines say() (a progress line on stderr).
NCPU=$(nproc)
sys_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

# timed DIR NAME CMD...: stdout to DIR/NAME.out, stderr to DIR/NAME.err, /usr/bin/time -v to DIR/NAME.time;
# appends "NAME wall_s peak_rss_kib others load1 exit" to DIR/stages.tsv (others: CPU cores busy with
# other processes meanwhile; load1: load average before). Returns the command's status.
timed() {
  local dir=$1 name=$2 b0 t0 b1 t1 load st=0
  shift 2
  load=$(cut -d' ' -f1 /proc/loadavg)
  read -r b0 t0 < <(sys_ticks)
  /usr/bin/time -v -o "$dir/$name.time" "$@" >"$dir/$name.out" 2>"$dir/$name.err" || st=$?
  read -r b1 t1 < <(sys_ticks)
  local own wall rss others
  own=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.0f", s * 100 }' "$dir/$name.time")
  others=$(awk "BEGIN { o = (($b1 - $b0) - $own) / (($t1 - $t0 + 1) / $NCPU); printf \"%.2f\", o < 0 ? 0 : o }")
  wall=$(awk -F': ' '/Elapsed/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$dir/$name.time")
  rss=$(awk -F': ' '/Maximum resident/ { print $2 }' "$dir/$name.time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${wall:-0}" "${rss:-0}" "$others" "$load" "$st" >>"$dir/stages.tsv"
  [ "$st" -eq 0 ] || say "$name exited $st: $(tail -3 "$dir/$name.err" | tr '\n' ' ')"
  return "$st"
}
