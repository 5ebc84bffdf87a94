# 创新链 · 资源共享 (shared resources and bookings, docs/sharing.md): resources of every type opened by
# the chain leader ($large) and one design service by the provider ($prov), with bookings in every
# state: a completed one with its usage record (the SME's bill, for vouchers), a no-show, a rejected
# request, approved and pending ones (the owner's approval queue), a cancellation, a waitlist entry, a
# weekly series and an overnight test-site booking. Past bookings are made with --now (the rules as
# at that time). Sourced by scripts/demo-data with q, $Q, $DB.tmp, $tmp and the org ids in scope.
sh_q() { "$Q" --db "$DB.tmp" "$@"; }
sh_id() { sed -n 's/^  "id": \([0-9]*\),/\1/p' | head -1; }
sh_bid() { sed -n 's/^      "id": \([0-9]*\),/\1/p' | head -1; }
# The Shanghai date of the Nth working day (Mon-Fri) after today (1: the next), or before it (-1: the last).
sh_wd() {
  local n=$1 off=1 step=1 found=0 d
  if [ "$n" -lt 0 ]; then step=-1; off=-1; found=0; fi
  while :; do
    d=$(date -u -d "+8 hours $off days" +%u)
    if [ "$d" -le 5 ]; then
      if [ "$step" -gt 0 ]; then found=$((found + 1)); [ "$found" -eq "$n" ] && break
      else found=$((found - 1)); [ "$found" -eq "$n" ] && break; fi
    fi
    off=$((off + step))
  done
  date -u -d "+8 hours $off days" +%F
}
sh_at() { echo "$1T$2:00+08:00"; }
sh_res() { sh_q sharing open - --org "$1" | sh_id; }

salt=$(sh_res "$large" <<'JSON'
{"type":"instrument","name":"盐雾试验箱（中性/酸性盐雾）","description":"符合GB/T 10125、ISO 9227的中性盐雾(NSS)、乙酸盐雾(AASS)试验，箱体容积1000L，适用于汽车零部件、电机壳体、紧固件的耐腐蚀试验。","region":"320506","address":"吴中区 东吴南路 88号 汇川检测中心 2楼","capacity":2,"price_sme_fen":6000,"price_large_fen":12000,"price_other_fen":9000,"opening_hours":["mon-fri 08:00-12:00","mon-fri 13:00-18:00"],"min_minutes":60,"max_minutes":540,"buffer_minutes":30,"horizon_days":60,"approval":"required","eligibility":"everyone","sme_share_bp":3000}
JSON
)
cmm=$(sh_res "$large" <<'JSON'
{"type":"instrument","name":"三坐标测量机 蔡司 CONTURA","description":"精密三坐标测量，测量范围1000×1200×600mm，适用于模具、壳体、齿轮的尺寸与形位公差检测。","region":"320506","address":"吴中区 东吴南路 88号 计量室","capacity":1,"price_sme_fen":15000,"price_large_fen":30000,"price_other_fen":22000,"opening_hours":["mon-fri 08:30-17:30"],"min_minutes":60,"max_minutes":480,"buffer_minutes":30,"horizon_days":30,"approval":"instant","eligibility":"everyone","no_show_minutes":30}
JSON
)
track=$(sh_res "$large" <<'JSON'
{"type":"test_site","name":"整车道路试验场（高速环道）","description":"4.2公里高速环道、制动试验区与NVH测试路面，可夜间包场，适用于新能源整车与驱动电机系统的道路试验。","region":"320506","address":"吴中区 临湖镇 试验场路 1号","capacity":1,"price_sme_fen":200000,"price_large_fen":400000,"price_other_fen":300000,"opening_hours":["daily 00:00-24:00"],"min_minutes":240,"max_minutes":1440,"buffer_minutes":60,"horizon_days":90,"approval":"required","eligibility":"everyone"}
JSON
)
cnc=$(sh_res "$large" <<'JSON'
{"type":"equipment","name":"五轴加工中心 DMG MORI","description":"五轴联动加工中心，适用于精密模具、叶轮与电机壳体的试制加工，配操作员。仅向中小企业开放。","region":"320506","address":"吴中区 东吴南路 88号 试制车间","capacity":2,"price_sme_fen":20000,"price_large_fen":40000,"price_other_fen":30000,"opening_hours":["mon-fri 08:00-20:00"],"min_minutes":120,"max_minutes":720,"horizon_days":60,"approval":"required","eligibility":"sme"}
JSON
)
bench=$(sh_res "$large" <<'JSON'
{"type":"rd_service","name":"驱动电机台架测试服务","description":"永磁同步电机性能、效率MAP、温升与耐久台架测试，含测试报告（CNAS）。","region":"320506","address":"吴中区 东吴南路 88号 电驱实验室","capacity":1,"price_sme_fen":50000,"price_large_fen":100000,"price_other_fen":80000,"opening_hours":["mon-fri 08:00-18:00"],"min_minutes":240,"max_minutes":600,"horizon_days":60,"approval":"required","eligibility":"everyone","sme_share_bp":5000}
JSON
)
brand=$(sh_res "$large" <<EOF2
{"type":"brand_licence","name":"汇川品牌联合标识授权","description":"配套企业在样本与展会中使用链主联合标识，按展期授权。","region":"320506","capacity":5,"price_sme_fen":0,"price_large_fen":0,"price_other_fen":0,"opening_hours":["daily 09:00-18:00"],"min_minutes":60,"max_minutes":540,"horizon_days":120,"approval":"required","eligibility":"invited","invited_orgs":["$sme"]}
EOF2
)
design=$(sh_res "$prov" <<'JSON'
{"type":"design_service","name":"工业设计与外观专利辅导","description":"产品外观工业设计、CMF方案与外观设计专利申请辅导，按小时预约设计师。","region":"320505","address":"苏州工业园区 星湖街 328号","capacity":3,"price_sme_fen":30000,"price_large_fen":60000,"price_other_fen":45000,"opening_hours":["mon-fri 09:00-17:00"],"min_minutes":60,"max_minutes":480,"horizon_days":45,"approval":"instant","eligibility":"everyone"}
JSON
)

p3=$(sh_wd -3) p2=$(sh_wd -2) f1=$(sh_wd 1) f2=$(sh_wd 2) f3=$(sh_wd 3) f4=$(sh_wd 4)
ago() { date -u -d "$1 -3 days" +%Y-%m-%dT00:00:00Z; }
# Completed: the SME's salt-spray test three working days ago, 3 hours booked, 2.5 used.
b=$(sh_q sharing book "$salt" --org "$sme" --from "$(sh_at "$p3" 09:00)" --to "$(sh_at "$p3" 12:00)" --note "电机壳体盐雾试验 48h样件" --now "$(ago "$p3")" | sh_bid)
sh_q sharing booking approve "$b" --now "$(ago "$p3")" >/dev/null
sh_q sharing booking check-in "$b" --now "$(sh_at "$p3" 08:55)" >/dev/null
sh_q sharing booking complete "$b" --used-minutes 150 --now "$(sh_at "$p3" 12:00)" >/dev/null
# Completed on the motor bench: the SME's efficiency MAP.
b=$(sh_q sharing book "$bench" --org "$sme" --from "$(sh_at "$p2" 08:00)" --to "$(sh_at "$p2" 14:00)" --note "效率MAP测试" --now "$(ago "$p2")" | sh_bid)
sh_q sharing booking approve "$b" --now "$(ago "$p2")" >/dev/null
sh_q sharing booking check-in "$b" --now "$(sh_at "$p2" 08:00)" >/dev/null
sh_q sharing booking complete "$b" --used-minutes 360 --now "$(sh_at "$p2" 14:00)" >/dev/null
# No-show on the CMM (instant approval, never checked in).
sh_q sharing book "$cmm" --org "$sme" --from "$(sh_at "$p2" 14:00)" --to "$(sh_at "$p2" 16:00)" --now "$(ago "$p2")" >/dev/null
sh_q sharing maintain --now "$(sh_at "$p2" 15:00)" >/dev/null
# Rejected, approved and pending salt-spray requests (the owner's queue).
b=$(sh_q sharing book "$salt" --org "$sme" --from "$(sh_at "$f1" 13:00)" --to "$(sh_at "$f1" 18:00)" --note "下午整段" | sh_bid)
sh_q sharing booking reject "$b" --reason "当天设备校准，请改约下午或次日" >/dev/null
b=$(sh_q sharing book "$salt" --org "$sme" --from "$(sh_at "$f2" 09:00)" --to "$(sh_at "$f2" 12:00)" --units 2 --note "紧固件中性盐雾" | sh_bid)
sh_q sharing booking approve "$b" >/dev/null
sh_q sharing book "$salt" --org "$sme" --from "$(sh_at "$f3" 14:00)" --to "$(sh_at "$f3" 17:00)" --note "涂层附着力对比" >/dev/null
sh_q sharing book "$salt" --org "$prov" --from "$(sh_at "$f3" 09:00)" --to "$(sh_at "$f3" 11:00)" >/dev/null
# The CMM full on f2 morning; the provider waits in line.
sh_q sharing book "$cmm" --org "$sme" --from "$(sh_at "$f2" 09:00)" --to "$(sh_at "$f2" 11:00)" --note "模具型腔检测" >/dev/null
sh_q sharing book "$cmm" --org "$prov" --from "$(sh_at "$f2" 09:00)" --to "$(sh_at "$f2" 10:00)" --waitlist >/dev/null
# A cancelled bench booking, a weekly CNC series for the SME, an overnight track booking for the provider.
b=$(sh_q sharing book "$bench" --org "$sme" --from "$(sh_at "$f4" 08:00)" --to "$(sh_at "$f4" 12:00)" | sh_bid)
sh_q sharing booking cancel "$b" --reason "样机延期" >/dev/null
sh_q sharing book "$cnc" --org "$sme" --from "$(sh_at "$f1" 13:00)" --to "$(sh_at "$f1" 17:00)" --weeks 3 --note "叶轮试制" >/dev/null
sh_q sharing book "$track" --org "$prov" --from "$(sh_at "$f1" 20:00)" --to "$(date -u -d "$f1 +1 day" +%F)T04:00:00+08:00" --note "夜间NVH路试" >/dev/null
sh_q sharing book "$brand" --org "$sme" --from "$(sh_at "$f4" 09:00)" --to "$(sh_at "$f4" 18:00)" --note "工博会展期" >/dev/null
sh_q sharing book "$design" --org "$sme" --from "$(sh_at "$f1" 10:00)" --to "$(sh_at "$f1" 12:00)" --note "新品外观方案" >/dev/null
unset -f sh_q sh_id sh_bid sh_wd sh_at sh_res ago
