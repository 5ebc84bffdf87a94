# 资金链 (capital chain) demo, sourced by scripts/demo-data with its helpers in scope ($Q, $DB.tmp,
# $tmp, $PW, q, id_of, g, $large, $sme, $bank, $L): payable certificates of the chain leader
# 苏州汇川 (buyer-admin@qilian.test) to the demo SME 昆山精锐电驱 (sme-admin@qilian.test), passed on
# to the SME's own bearing supplier 常州精密轴承 (fin-supplier@qilian.test, added here with its
# supply relation) and discounted at a second bank, 中国工商银行苏州分行 (bank2-admin@qilian.test,
# added here; the demo's 江苏银行苏州分行 is left without finance data for the API tests), in every
# state:
#   - issued, waiting for the SME's acceptance;
#   - accepted and held, with part of it offered to the supplier (waiting for its acceptance);
#   - split and passed down: part held by the supplier, part under a discount application,
#     part kept;
#   - discounted: approved by the bank at 3.20% a year;
#   - settled: issued four months ago, split, passed down and discounted, paid at maturity;
#   - overdue: matured two days ago, not settled yet (flagged by the sweep).
# The bank grants the chain leader a limit of ¥50,000,000. Past operations run on the finance clock
# (QILIAN_FINANCE_CLOCK_FILE), so the settled certificate's history has real dates.
fin_clock="$tmp/finance-clock"
fin() { "$Q" --db "$DB.tmp" finance "$@"; }
# The value of a JavaScript expression over the JSON on stdin (o is the parsed object).
fin_js() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s);console.log(eval(process.argv[1]))})' "$1"; }
fin_at() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ >"$fin_clock"; }   # the finance clock at "now - N days" etc.
fin_day() { date -u -d "$1" +%Y-%m-%d; }
# A valid USCC for 17 characters: the check character `uscc check` names (none named: it is 0).
fin_uscc() {
  local c
  c=$("$Q" uscc check "${1}0" | sed -n "s/.*'\(.\)'，实际.*/\1/p")
  echo "${1}${c:-0}"
}

ISS=buyer-admin@qilian.test SMEU=sme-admin@qilian.test BANKU=bank2-admin@qilian.test SUPU=fin-supplier@qilian.test
fin_bank=$(id_of --name "中国工商银行苏州分行" --type bank)
q user add --org "$fin_bank" --role admin --email "$BANKU" --name 授信经理 --password "$PW"
BR=$(fin_uscc 91320412MA1QFK001)
supplier_org=$(id_of --name "常州精密轴承科技有限公司" --type sme --uscc "$BR")
q user add --org "$supplier_org" --role admin --email "$SUPU" --name 财务经理 --password "$PW"
printf '%s\n' "uscc,name,region,industry,employees,revenue_wan,assets_wan,level" \
  "$BR,常州精密轴承科技有限公司,320412,34,150,12000,9000,innovative" >"$tmp/fin-supplier.csv"
q import enterprises "$tmp/fin-supplier.csv" --org "$supplier_org"
printf '%s\n' "buyer_uscc,supplier_uscc,chain,segment,annual_amount_fen" \
  "91320583MA1QEW0025,$BR,nev,motor,1800000000" >"$tmp/fin-relations.csv"
q import relations "$tmp/fin-relations.csv"
SMEE=91320583MA1QEW0025

# ---- the settled certificate: four months of history on the finance clock ----
export QILIAN_FINANCE_CLOCK_FILE="$fin_clock"
fin_at "-125 days 02:00"
fin limit --as "$BANKU" --issuer "$L" --limit 5000000000 >/dev/null
c_settled=$(fin issue --as "$ISS" --issuer "$L" --payee "$SMEE" --face 90000000 --maturity "$(fin_day '-5 days')" \
  --contract HC-2026-0731 --invoices 04400731,04400732 --memo "7月电机定子总成货款" --key demo-settled-issue | fin_js o.id)
fin_at "-124 days 03:00"
root=$(fin accept "$c_settled" --as "$SMEU" --key demo-settled-accept >/dev/null; fin show "$c_settled" --as "$SMEU" | fin_js 'o.pieces.find(p=>p.state==="held").id')
t=$(fin transfer "$root" --as "$SMEU" --to "$BR" --amount 30000000 --key demo-settled-tr)
fin transfer-accept "$(echo "$t" | fin_js o.id)" --as "$SUPU" --key demo-settled-tr-acc >/dev/null
fin_at "-110 days 02:30"
a=$(fin discount --as "$SMEU" --bank "$fin_bank" --pieces "$(echo "$t" | fin_js o.remainder_piece_id)" --key demo-settled-disc | fin_js o.id)
fin approve "$a" --as "$BANKU" --rate-bp 350 --key demo-settled-appr >/dev/null

# ---- the overdue one: matured two days ago, not settled ----
fin_at "-60 days 02:00"
c_overdue=$(fin issue --as "$ISS" --issuer "$L" --payee "$SMEE" --face 45000000 --maturity "$(fin_day '-2 days')" \
  --contract HC-2026-0928 --invoices 04400928 --key demo-overdue-issue | fin_js o.id)
fin accept "$c_overdue" --as "$SMEU" --key demo-overdue-accept >/dev/null

# ---- today ----
fin_at "now"
fin settle "$c_settled" --as "$ISS" --confirmation JSBANK-20261129-0031 --key demo-settled-settle >/dev/null

# Issued, waiting for acceptance.
fin issue --as "$ISS" --issuer "$L" --payee "$SMEE" --face 120000000 --maturity "$(fin_day '+90 days')" \
  --contract HC-2026-1201 --invoices 04401201,04401202 --memo "12月驱动电机总成货款" --key demo-issued >/dev/null

# Accepted and held, part of it offered to the supplier.
c_held=$(fin issue --as "$ISS" --issuer "$L" --payee "$SMEE" --face 80000000 --maturity "$(fin_day '+120 days')" \
  --contract HC-2026-1105 --invoices 04401105 --key demo-held-issue | fin_js o.id)
fin accept "$c_held" --as "$SMEU" --key demo-held-accept >/dev/null
root=$(fin show "$c_held" --as "$SMEU" | fin_js 'o.pieces.find(p=>p.state==="held").id')
fin transfer "$root" --as "$SMEU" --to "$BR" --amount 20000000 --key demo-held-offer >/dev/null

# Split and passed down: 600,000 to the supplier (accepted), 400,000 under discount, 1,000,000 kept.
c_split=$(fin issue --as "$ISS" --issuer "$L" --payee "$SMEE" --face 200000000 --maturity "$(fin_day '+150 days')" \
  --contract HC-2026-1020 --invoices 04401020,04401021 --key demo-split-issue | fin_js o.id)
fin accept "$c_split" --as "$SMEU" --key demo-split-accept >/dev/null
root=$(fin show "$c_split" --as "$SMEU" | fin_js 'o.pieces.find(p=>p.state==="held").id')
t=$(fin transfer "$root" --as "$SMEU" --to "$BR" --amount 60000000 --key demo-split-tr)
fin transfer-accept "$(echo "$t" | fin_js o.id)" --as "$SUPU" --key demo-split-tr-acc >/dev/null
parts=$(fin split "$(echo "$t" | fin_js o.remainder_piece_id)" --as "$SMEU" --amount 40000000 --key demo-split-split)
fin discount --as "$SMEU" --bank "$fin_bank" --pieces "$(echo "$parts" | fin_js o.pieces[0].id)" --key demo-split-disc >/dev/null

# Discounted: the whole certificate, approved at 3.20%.
c_disc=$(fin issue --as "$ISS" --issuer "$L" --payee "$SMEE" --face 150000000 --maturity "$(fin_day '+100 days')" \
  --contract HC-2026-1112 --invoices 04401112 --key demo-disc-issue | fin_js o.id)
fin accept "$c_disc" --as "$SMEU" --key demo-disc-accept >/dev/null
root=$(fin show "$c_disc" --as "$SMEU" | fin_js 'o.pieces.find(p=>p.state==="held").id')
a=$(fin discount --as "$SMEU" --bank "$fin_bank" --pieces "$root" --key demo-disc-apply | fin_js o.id)
fin approve "$a" --as "$BANKU" --rate-bp 320 --key demo-disc-approve >/dev/null

fin sweep >/dev/null
unset QILIAN_FINANCE_CLOCK_FILE
fin verify >/dev/null
echo "资金链 (capital chain): certificates of buyer-admin@qilian.test to sme-admin@qilian.test, passed on to fin-supplier@qilian.test, discounted at bank2-admin@qilian.test"
