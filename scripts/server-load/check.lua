-- wrk script: POST /v1/check of one initiative (BODY, default digihelse.json), every request
-- the same. Used by scripts/bench-server.sh.
local path = os.getenv("BODY") or "fixtures/initiatives/valid/digihelse.json"
local f = assert(io.open(path, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
