-- A mixed read/write market workload for bench/pg.sh, in a fixed cycle of 50 requests:
--   1 login (POST /api/v1/auth/login, argon2id; the suppliers' accounts in turn), 15 supply
--   publishes (POST /api/v1/supplies with an Idempotency-Key), 20 matches
--   (GET /api/v1/demands/{id}/matches?limit=10) and 14 quotes (POST /api/v1/demands/{id}/quotes
--   with a key), each quote a new (supplier, demand) pair; when the pairs run out a quote slot
--   matches instead. done() adds a line "MIXED" with the answers by status class.
-- Usage: wrk -t2 -c64 -d10s -s bench/wrk-mixed.lua URL -- SUPPLIERS DEMANDS EMAIL PASSWORD THREADS RUN
--   SUPPLIERS: lines "TOKEN USCC EMAIL" (logged-in suppliers, their enterprises and logins);
--   DEMANDS: demand ids, one per line, open for quotes; EMAIL/PASSWORD: unused but for PASSWORD
--   (every account has it); THREADS: wrk's -t; RUN: a word unique to this run (keys, titles).
local dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(dir .. "wrk-report.lua")

local next_id, threads = 0, {}
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

c2xx, c409, c429, c4xx, c5xx = 0, 0, 0, 0, 0
function response(status)
  if status < 300 then c2xx = c2xx + 1
  elseif status == 409 then c409 = c409 + 1
  elseif status == 429 then c429 = c429 + 1
  elseif status < 500 then c4xx = c4xx + 1
  else c5xx = c5xx + 1 end
end

local report_done = done
function done(summary, latency, requests)
  report_done(summary, latency, requests)
  local t = { 0, 0, 0, 0, 0 }
  for _, th in ipairs(threads) do
    for i, k in ipairs({ "c2xx", "c409", "c429", "c4xx", "c5xx" }) do t[i] = t[i] + (th:get(k) or 0) end
  end
  io.write(string.format("MIXED 2xx=%d 409=%d 429=%d other4xx=%d 5xx=%d\n", t[1], t[2], t[3], t[4], t[5]))
end

local sup, dem, n, qk = {}, {}, 0, 0
local email, password, nthreads, run
function init(args)
  for line in io.lines(args[1]) do
    local t, u, e = line:match("^(%S+)%s+(%S+)%s+(%S+)")
    if t then sup[#sup + 1] = { token = t, uscc = u, email = e } end
  end
  for line in io.lines(args[2]) do
    if #line > 0 then dem[#dem + 1] = line end
  end
  email, password, nthreads, run = args[3], args[4], tonumber(args[5]), args[6]
  assert(#sup > 0 and #dem > 0 and email and password and nthreads and run, "usage: see the top of wrk-mixed.lua")
  id = id or 0
end

local function match(s)
  local d = dem[(n * 7 + id) % #dem + 1]
  return wrk.format("GET", "/api/v1/demands/" .. d .. "/matches?limit=10", { ["Authorization"] = "Bearer " .. s.token })
end

function request()
  n = n + 1
  local slot = n % 50
  local s = sup[(n + id) % #sup + 1]
  if slot == 0 then
    local who = sup[(math.floor(n / 50) * nthreads + id) % #sup + 1]
    return wrk.format("POST", "/api/v1/auth/login", { ["Content-Type"] = "application/json" },
      string.format('{"email":"%s","password":"%s"}', who.email, password))
  elseif slot <= 15 then
    return wrk.format("POST", "/api/v1/supplies", {
      ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. s.token,
      ["Idempotency-Key"] = string.format("%s-s%d-%d", run, id, n),
    }, string.format('{"enterprise":"%s","title":"基准供给%s-%d-%d 扁线永磁同步电机","description":"峰值功率150kW"}', s.uscc, run, id, n))
  elseif slot <= 35 then
    return match(s)
  end
  -- A quote: pair k of this thread is supplier k % #sup on demand (k // #sup) * threads + id.
  local k = qk
  local di = math.floor(k / #sup) * nthreads + id
  if di >= #dem then return match(s) end
  qk = qk + 1
  local q = sup[k % #sup + 1]
  return wrk.format("POST", "/api/v1/demands/" .. dem[di + 1] .. "/quotes", {
    ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. q.token,
    ["Idempotency-Key"] = string.format("%s-q%d-%d", run, id, k),
  }, string.format('{"enterprise":"%s","unit_price_fen":%d,"quantity":10,"lead_time_days":30,"valid_until":"2031-12-31"}',
    q.uscc, 100000 + k))
end
