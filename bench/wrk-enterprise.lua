-- GET /api/v1/enterprises/{uscc} with a Bearer token, rotating over a file of USCCs
-- (one per line) so the load is spread over many rows, not one hot row.
-- Each wrk thread starts at a different point of the list.
-- Usage: wrk -t2 -c64 -d15s --latency -s bench/wrk-enterprise.lua http://127.0.0.1:PORT -- USCC_FILE TOKEN
local dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(dir .. "wrk-report.lua")

local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local paths, i, headers = {}, 0, {}
function init(args)
  local file, token = args[1], args[2]
  assert(file and token, "usage: -- USCC_FILE TOKEN")
  for line in io.lines(file) do
    if #line > 0 then paths[#paths + 1] = "/api/v1/enterprises/" .. line end
  end
  assert(#paths > 0, "no USCCs in " .. file)
  i = ((id or 0) * 7919) % #paths
  headers["Authorization"] = "Bearer " .. token
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], headers)
end
