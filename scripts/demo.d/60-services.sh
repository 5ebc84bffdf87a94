# 60-services.sh - the service, talent and data chains' part of the demo (sourced by
# scripts/demo-data with q, id_of, $Q, $DB.tmp, $tmp, $PW and the ids $op, $large, $sme,
# $bank, $prov in scope). Everything goes through the CLI as the demo users (--as), with
# --clock backdating the history so that the requests sit in every state with real
# working-day deadlines: some in time, some overdue with their 催办/督办.
# shellcheck shell=bash
sv() { "$Q" --db "$DB.tmp" "$@"; }
sv_id() { sv "$@" | sed -n 's/^  "id": \([0-9]*\),/\1/p' | head -1; }
ago() { date -u -d "-$1 days" +%Y-%m-%dT02:00:00Z; }

# A second provider (金融服务) and the providers' registered enterprises (their inbox).
prov2=$(id_of --name "苏州市综合金融服务中心" --type provider)
q user add --org "$prov2" --role admin --email finance-provider@qilian.test --name 金融专员 --password "$PW"
printf '%s\n' "uscc,name,region,industry,employees,revenue_wan,assets_wan,level" \
  "12320594MB0000001C,苏州工业园区知识产权服务中心,320506,72,60,3000,2000,none" >"$tmp/prov1.csv"
printf '%s\n' "uscc,name,region,industry,employees,revenue_wan,assets_wan,level" \
  "12320500MB0000002A,苏州市综合金融服务中心,320505,72,45,2000,1500,none" >"$tmp/prov2.csv"
q import enterprises "$tmp/prov1.csv" --org "$prov"
q import enterprises "$tmp/prov2.csv" --org "$prov2"

# Routing rules: the most specific wins; 出海 (overseas) and 物流 have no rule: the operator's queue.
q services route --category technology --region-prefix 32 --handler "$prov"
q services route --category policy --region-prefix 3205 --handler "$prov"
q services route --category financing --region-prefix 32 --handler "$prov2"
q services route --category land_and_space --region-prefix 3205 --handler "$prov"
q services route --category complaint --region-prefix 3205 --handler "$prov"
q services route --category financing --region-prefix 320583 --handler "$prov2"

S=sme-admin@qilian.test B=buyer-admin@qilian.test P=provider-admin@qilian.test F=finance-provider@qilian.test
A=admin@qilian.test
ESME=91320583MA1QEW0025
sub() { # sub AS DAYS_AGO CATEGORY TITLE DESCRIPTION [ENTERPRISE] [URGENCY]
  sv_id services submit --as "$1" --clock "$(ago "$2")" --enterprise "${6:-$ESME}" --category "$3" \
    --title "$4" --description "$5" --urgency "${7:-normal}"
}
act() { # act ID ACTION AS DAYS_AGO [options]
  local id=$1 action=$2 as=$3 d=$4
  shift 4
  q services act "$id" "$action" --as "$as" --clock "$(ago "$d")" "$@"
}

# submitted, fresh
r1=$(sub $S 0 technology "发明专利优先审查申请指导" "公司新型扁线电机定子专利拟申请优先审查，需要材料准备指导。")
# submitted 8 days ago and never accepted: 催办 and 督办 by the pass below
r2=$(sub $S 8 policy "专精特新小巨人申报政策咨询" "想了解今年国家级专精特新小巨人申报条件与时间节点。")
# in progress, with a pending extension
r3=$(sub $S 12 technology "电机检测设备共享使用" "需要使用第三方电机台架做耐久测试，希望对接园区公共检测平台。")
act "$r3" accept $P 11; act "$r3" start $P 10
act "$r3" extend $P 2 --days 5 --note "检测平台排期已满，需延后一周"
# resolved, waiting for the requester's confirmation
r4=$(sub $S 20 financing "流动资金贷款对接" "订单增长，需500万元流动资金贷款，希望对接合作银行。" "" urgent)
act "$r4" accept $F 19; act "$r4" start $F 18; act "$r4" resolve $F 6 --note "已对接江苏银行苏州分行，授信审批中"
# closed and rated 5, called back
r5=$(sub $S 30 financing "设备更新贷款贴息政策" "购置数控机床，询问设备更新贷款贴息申请流程。")
act "$r5" accept $F 29; act "$r5" start $F 28; act "$r5" resolve $F 24 --note "已指导提交贴息申请材料"
act "$r5" rate $S 23 --rating 5 --note "响应及时，非常满意"
act "$r5" callback $A 20 --result satisfied --note "企业确认贴息已到账"
# reopened by the requester
r6=$(sub $S 25 technology "软件著作权登记加急" "电控软件需加急登记软著，用于项目申报。")
act "$r6" accept $P 24; act "$r6" start $P 23; act "$r6" resolve $P 15 --note "已提交登记申请"
act "$r6" reopen $S 14 --note "登记证书仍未下发，项目申报截止在即"
# in the operator's queue (no rule for 出海)
r7=$(sub $S 3 overseas "东南亚建厂出海咨询" "跟随链主到泰国配套建厂，需要了解投资政策与合规要求。")
# withdrawn by the requester after the operator proposed it
r8=$(sub $S 9 logistics "跨境物流报关协助" "出口电机报关单证问题。")
act "$r8" accept $A 8; act "$r8" propose_withdrawal $A 7 --note "企业表示已由货代解决"
act "$r8" withdraw $S 7 --confirm --note "已自行解决"
# the chain leader's land request, transferred to the finance centre's desk and accepted
r9=$(sub $B 15 land_and_space "二期厂房扩建用地" "整车二期扩建需新增工业用地约80亩。" 91320500MA1MX4QF3P)
act "$r9" transfer $P 14 --to "$prov2" --note "涉及产业基金配套，转综合金融服务中心"
act "$r9" accept $F 13
# closed, unsatisfied twice: the first reopened it, the second closed it
r10=$(sub $S 40 complaint "账款拖欠投诉" "下游客户拖欠货款超过90天，请求协调。")
act "$r10" accept $P 39; act "$r10" start $P 38; act "$r10" resolve $P 33 --note "已约谈客户"
act "$r10" rate $S 32 --rating 2 --note "对方仍未付款"
act "$r10" start $P 31; act "$r10" resolve $P 27 --note "客户已支付50%"
act "$r10" rate $S 26 --rating 3 --note "部分解决"
q services escalate
: "$r1$r2$r7"

# 人才链: experts of the chain leader and the provider, needs of the SME; one approved contact.
t1=$(sv_id talent post --as $B --kind expert --mode secondment --title "高级电机控制工程师(共享用工)" \
  --person 王建国 --contact "138-0000-1234 / wangjg@example.com" --skills "永磁同步电机 FOC 矢量控制 电控标定" \
  --description "十年新能源汽车驱动电机控制算法开发经验，可借调3-6个月支持配套企业。" --chain nev --segment motor \
  --region 320506 --availability "2027年1月起，3-6个月" --terms "人工成本按月分摊，社保由原单位缴纳")
sv_id talent post --as $B --kind expert --mode consulting --title "IATF16949 质量体系审核员" --person 李敏 \
  --contact "139-0000-5678" --skills "IATF16949 体系审核 过程审核 VDA6.3" \
  --description "主机厂供应商质量工程师，可兼职辅导配套企业体系导入。" --region 320506 --availability "每周一天" >/dev/null
sv_id talent post --as $P --kind expert --mode training --title "专利代理师 知识产权培训" --person 赵磊 \
  --contact "0512-6000-0000" --skills "专利挖掘 专利布局 高价值专利" --description "为企业开展专利挖掘与布局培训。" \
  --region 320506 >/dev/null
sv_id talent post --as $S --kind need --mode secondment --title "需要电机控制算法工程师驻厂支持" \
  --skills "电机控制 FOC 标定" --description "新产品扁线电机控制器开发，需要资深工程师驻厂三个月。" \
  --chain nev --segment motor --region 320583 --enterprise $ESME >/dev/null
sv_id talent post --as $S --kind need --mode consulting --title "IATF16949 体系导入辅导" \
  --skills "IATF16949 质量体系" --description "首次导入汽车质量管理体系，需要审核员辅导。" --region 320583 >/dev/null
c1=$(sv_id talent contact "$t1" --as $S --message "我司扁线电机控制器项目需要支持")
q talent decide "$c1" approve --as $B

# 数据链: the SME grants the bank four scopes for credit review; the bank reads two of them.
q grants add --as $S --enterprise $ESME --grantee "$bank" --scopes profile,relations,orders,service_requests \
  --purpose "供应链金融授信审查" --until "$(date -u -d '+180 days' +%Y-%m-%d)"
q grants read $ESME profile --as bank@qilian.test
q grants read $ESME relations --as bank@qilian.test
