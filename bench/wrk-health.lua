-- GET /api/v1/health, anonymous, as a load balancer or monitor would call it.
-- Usage: wrk -t2 -c64 -d15s --latency -s bench/wrk-health.lua http://127.0.0.1:PORT
local dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(dir .. "wrk-report.lua")
wrk.method = "GET"
wrk.path = "/api/v1/health"
