# 51-innovation.sh - the innovation vouchers and challenges of the demo (sourced by scripts/demo-data).
# 科技创新券: the operator issues the demo SME (昆山精锐电驱, sme@qilian.test) a voucher of 2万元
# paying 50 % of a bill, valid for a year, with a yearly cap of 3万元; when the shared-resource
# demo (50-sharing.sh) left a completed booking of that SME, the voucher is applied to it, so the
# owner's claim queue has one bill to claim. 揭榜挂帅: the chain leader (buyer@qilian.test) posts
# and opens a challenge on 驱动电机 with three milestones and three weighted criteria.
inno_today=$(date -u -d '+8 hours' +%Y-%m-%d)
inno_until=$(date -u -d '+8 hours +364 days' +%Y-%m-%d)
"$Q" --db "$DB.tmp" voucher issue 91320583MA1QEW0025 --amount-fen 2000000 --share-bp 5000 \
  --from "$inno_today" --until "$inno_until" --cap-fen 3000000 --note "2026年度苏州市科技创新券" >"$tmp/voucher.json"
inno_voucher=$(sed -n 's/^  "id": \([0-9]*\),/\1/p' "$tmp/voucher.json")
inno_booking=$("$Q" --db "$DB.tmp" voucher bookings "$inno_voucher" 2>/dev/null | sed -n 's/^ *"booking_id": \([0-9]*\),*/\1/p' | head -1)
if [ -n "$inno_booking" ]; then
  q voucher apply "$inno_voucher" "$inno_booking"
fi
cat >"$tmp/challenge.json" <<JSON
{
  "title": "800V驱动电机油冷散热 揭榜挂帅",
  "problem": "新一代800V平台永磁同步驱动电机在峰值功率工况下定子绕组温升超过限值。面向长三角中小企业征集油冷散热结构、热仿真与台架验证方案，目标：峰值工况温升降低15K，成本增加不超过5%。",
  "chain": "nev",
  "segment": "motor",
  "capabilities": ["电机热管理", "CFD仿真", "扁线绕组", "台架测试"],
  "eligibility": "在长三角登记的中小企业，可与高校或其他企业组成不超过五家的联合体",
  "reward_fen": 300000000,
  "deadline": "$(date -u -d '+30 days' +%Y-%m-%dT08:00:00Z)",
  "milestones": [
    {"title": "方案评审", "share_bp": 2000},
    {"title": "样机交付与台架测试", "share_bp": 5000},
    {"title": "装车验证", "share_bp": 3000}
  ],
  "criteria": [
    {"name": "技术先进性", "weight": 50},
    {"name": "实施可行性", "weight": 30},
    {"name": "成本", "weight": 20}
  ]
}
JSON
q challenge post "$tmp/challenge.json" --org "$large" --open
