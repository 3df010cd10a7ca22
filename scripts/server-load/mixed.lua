-- wrk script: a mixed load on POST /v1/check. Out of every 100 requests: 79 valid initiatives,
-- 10 malformed JSON, 10 invalid initiatives, 1 over the 10 MiB size limit (a real body of
-- 10 MiB + 1 byte). Counts answers by status class and prints them at the end; a 5xx is a
-- failure of the server. Used by scripts/bench-server.sh.
local function read(p)
  local f = assert(io.open(p, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end
local valid = read("fixtures/initiatives/valid/digihelse.json")
local invalid = read("fixtures/initiatives/invalid/several-errors.json")
local malformed = valid:sub(1, math.floor(#valid / 2))
local huge = string.rep(" ", 10 * 1024 * 1024) .. "{}"
local path = "/v1/check?as_of=2026-06-01"
local h = { ["Content-Type"] = "application/json" }
local reqs = {
  valid = wrk.format("POST", path, h, valid),
  invalid = wrk.format("POST", path, h, invalid),
  malformed = wrk.format("POST", path, h, malformed),
  huge = wrk.format("POST", path, h, huge),
}

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local n = 0
counts = { ["2xx"] = 0, ["4xx"] = 0, ["413"] = 0, ["5xx"] = 0, other = 0 }
function init(args)
  n = 0
end

function request()
  n = n + 1
  local k = n % 100
  if k == 0 then return reqs.huge
  elseif k <= 10 then return reqs.malformed
  elseif k <= 20 then return reqs.invalid
  else return reqs.valid end
end

function response(status, headers, body)
  if status >= 500 then counts["5xx"] = counts["5xx"] + 1
  elseif status == 413 then counts["413"] = counts["413"] + 1
  elseif status >= 400 then counts["4xx"] = counts["4xx"] + 1
  elseif status >= 200 and status < 300 then counts["2xx"] = counts["2xx"] + 1
  else counts.other = counts.other + 1 end
end

function done(summary, latency, requests)
  local total = { ["2xx"] = 0, ["4xx"] = 0, ["413"] = 0, ["5xx"] = 0, other = 0 }
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do total[k] = total[k] + v end
  end
  io.write(string.format("answers: 2xx %d, 4xx (not 413) %d, 413 %d, 5xx %d, other %d\n",
    total["2xx"], total["4xx"], total["413"], total["5xx"], total.other))
end
