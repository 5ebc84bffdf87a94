-- A mixed read/write market workload for bench/pg.sh, in a fixed cycle of 20 requests:
--   1 login (POST /api/v1/auth/login, argon2id), 6 supply publishes (POST /api/v1/supplies with
--   an Idempotency-Key), 8 matches (GET /api/v1/demands/{id}/matches?limit=10) and 5 quotes
--   (POST /api/v1/demands/{id}/quotes with a key), each quote a new (supplier, demand) pair;
--   when the pairs run out a quote slot matches instead.
-- Usage: wrk -t2 -c64 -d10s -s bench/wrk-mixed.lua URL -- SUPPLIERS DEMANDS EMAIL PASSWORD THREADS RUN
--   SUPPLIERS: lines "TOKEN USCC" (logged-in suppliers and their enterprises); DEMANDS: demand ids,
--   one per line, open for quotes; EMAIL/PASSWORD: the account the login slot uses; THREADS: wrk's
--   -t; RUN: a word unique to this run (idempotency keys and titles).
local dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(dir .. "wrk-report.lua")

local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local sup, dem, n, qk = {}, {}, 0, 0
local email, password, nthreads, run
function init(args)
  for line in io.lines(args[1]) do
    local t, u = line:match("^(%S+)%s+(%S+)")
    if t then sup[#sup + 1] = { token = t, uscc = u } end
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
  local slot = n % 20
  local s = sup[(n + id) % #sup + 1]
  if slot == 0 then
    return wrk.format("POST", "/api/v1/auth/login", { ["Content-Type"] = "application/json" },
      string.format('{"email":"%s","password":"%s"}', email, password))
  elseif slot <= 6 then
    return wrk.format("POST", "/api/v1/supplies", {
      ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. s.token,
      ["Idempotency-Key"] = string.format("%s-s%d-%d", run, id, n),
    }, string.format('{"enterprise":"%s","title":"基准供给%s-%d-%d 扁线永磁同步电机","description":"峰值功率150kW"}', s.uscc, run, id, n))
  elseif slot <= 14 then
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
