-- create.lua — idempotent durable creates: every request is POST /api/v1/areas with a fresh
-- random v4 uuid, a random village of the county as parent and a name containing the uuid.
-- Env: BENCH_DIR (this folder), BENCH_VILLAGES (file: one village code a line),
-- BENCH_COOKIE ("fk_session=…"), BENCH_CSRF. Counts 201 / 200 / other answers per thread
-- and adds them to the report line (created=… replayed=… other=…).
local report = dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

local villages = {}
n201, n200, nother = 0, 0, 0 -- globals: done() reads them with thread:get

local function seed()
   -- each wrk thread has its own Lua state: seed each from the kernel, or they would make
   -- the same uuids
   local f = assert(io.open("/dev/urandom", "rb"))
   local s = f:read(4)
   f:close()
   local v = 0
   for i = 1, 4 do v = v * 256 + s:byte(i) end
   math.randomseed(v)
end

function init(args)
   seed()
   local path = os.getenv("BENCH_VILLAGES")
   assert(path, "BENCH_VILLAGES not set")
   for line in io.lines(path) do
      if line ~= "" then villages[#villages + 1] = line end
   end
   assert(#villages > 0, "no villages")
   wrk.method = "POST"
   wrk.path = "/api/v1/areas"
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
   wrk.headers["X-CSRF-Token"] = os.getenv("BENCH_CSRF")
   assert(wrk.headers["Cookie"] and wrk.headers["X-CSRF-Token"], "BENCH_COOKIE, BENCH_CSRF not set")
end

local hex = "0123456789abcdef"
local function h(n)
   local t = {}
   for i = 1, n do
      local k = math.random(16)
      t[i] = hex:sub(k, k)
   end
   return table.concat(t)
end

local function uuid4()
   local k = math.random(4) -- variant 10xx: 8, 9, a or b
   return h(8) .. "-" .. h(4) .. "-4" .. h(3) .. "-" .. ("89ab"):sub(k, k) .. h(3) .. "-" .. h(12)
end

function request()
   local u = uuid4()
   local parent = villages[math.random(#villages)]
   local body = string.format(
      '{"uuid":"%s","parent":"%s","name":"网格-%s","responsible_name":"压测"}', u, parent, u)
   return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
   if status == 201 then
      n201 = n201 + 1
   elseif status == 200 then
      n200 = n200 + 1
   else
      nother = nother + 1
      if nother <= 3 then io.stderr:write("create answered ", status, ": ", body, "\n") end
   end
end

function bench_extra()
   local c, r, o = 0, 0, 0
   for _, t in ipairs(threads) do
      c = c + t:get("n201")
      r = r + t:get("n200")
      o = o + t:get("nother")
   end
   return string.format("created=%d replayed=%d other=%d", c, r, o)
end

done = report.done
