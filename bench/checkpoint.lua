-- checkpoint.lua — durable checkpoint registrations: every request is
-- POST /api/v1/checkpoints/{id}/passages with a fresh random v4 uuid, `at` a second ago, a
-- valid plate of 苏 (ordinary, or new energy small or large), a car of 1–4 persons with
-- valid GB 11643 ID numbers, phones, temperatures 36.0–37.2 °C (1 in 50 a fever: clinic),
-- from 江苏省常州市 (no key area, so no handover) to 社渚镇社渚村1组.
-- Env: BENCH_DIR (this folder), BENCH_CHECKPOINT (the checkpoint's id), BENCH_COOKIE
-- ("fk_session=…"), BENCH_CSRF. Counts 201 / 200 / other answers per thread and adds them
-- to the report line (created=… replayed=… other=…).
local report = dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

n201, n200, nother = 0, 0, 0 -- globals: done() reads them with thread:get

local function seed()
   -- each wrk thread has its own Lua state: seed each from the kernel
   local f = assert(io.open("/dev/urandom", "rb"))
   local s = f:read(4)
   f:close()
   local v = 0
   for i = 1, 4 do v = v * 256 + s:byte(i) end
   math.randomseed(v)
end

function init(args)
   seed()
   local cp = os.getenv("BENCH_CHECKPOINT")
   assert(cp, "BENCH_CHECKPOINT not set")
   wrk.method = "POST"
   wrk.path = "/api/v1/checkpoints/" .. cp .. "/passages"
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

local function digits(n)
   local t = {}
   for i = 1, n do t[i] = tostring(math.random(0, 9)) end
   return table.concat(t)
end

local weights = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 }
local function id_number()
   local s17 = string.format("320481%04d%02d%02d%03d", math.random(1950, 2005), math.random(1, 12),
      math.random(1, 28), math.random(0, 999))
   local sum = 0
   for i = 1, 17 do sum = sum + tonumber(s17:sub(i, i)) * weights[i] end
   local m = sum % 11 + 1
   return s17 .. ("10X98765432"):sub(m, m)
end

local letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
local function plate()
   local k = math.random(3)
   local l = math.random(#letters)
   local head = "苏" .. letters:sub(l, l)
   if k == 1 then return head .. digits(5) end
   local j = math.random(2)
   local e = ("DF"):sub(j, j)
   if k == 2 then return head .. e .. digits(5) end
   return head .. digits(5) .. e
end

local function person()
   local t = 360 + math.random(0, 12)
   if math.random(50) == 1 then t = 375 end
   return string.format(
      '{"name":"旅客%d","id_number":"%s","phone":"139%s","temperature":%d.%d,' ..
      '"origin":"江苏省常州市","destination":"社渚镇社渚村1组","purpose":"返乡"}',
      math.random(9999), id_number(), digits(8), math.floor(t / 10), t % 10)
end

function request()
   local n = math.random(4)
   local ps = {}
   for i = 1, n do ps[i] = person() end
   local body = string.format(
      '{"uuid":"%s","at":"%s","plate":"%s","vehicle_kind":"car","direction":"in","persons":[%s]}',
      uuid4(), os.date("!%Y-%m-%dT%H:%M:%S+00:00", os.time() - 1), plate(), table.concat(ps, ","))
   return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
   if status == 201 then
      n201 = n201 + 1
   elseif status == 200 then
      n200 = n200 + 1
   else
      nother = nother + 1
      if nother <= 3 then io.stderr:write("registration answered ", status, ": ", body, "\n") end
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
