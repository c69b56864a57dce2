-- wrk script for ``make load``: cycles through the request lines in LOAD_FILE
-- ("METHOD PATH" plus an optional JSON body after a tab) with the headers in
-- LOAD_HEADERS, counts non-2xx answers, and prints one JSON summary line.
local lines, index, threads = {}, 0, {}
local headers = {}

local function load()
  for line in io.lines(os.getenv("LOAD_FILE")) do
    local method, path, body = line:match("^(%S+) ([^\t]+)\t?(.*)$")
    table.insert(lines, {method = method, path = path, body = body ~= "" and body or nil})
  end
  for pair in (os.getenv("LOAD_HEADERS") or ""):gmatch("[^|]+") do
    local name, value = pair:match("^([^:]+):%s*(.*)$")
    headers[name] = value
  end
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  load()
  non2xx, status5xx = 0, 0
  index = math.random(#lines)
end

function delay()
  -- A pause before each request (LOAD_DELAY_MS): a human editor, not a write loop.
  return tonumber(os.getenv("LOAD_DELAY_MS") or "0")
end

function request()
  index = index % #lines + 1
  local r = lines[index]
  local h = {}
  for k, v in pairs(headers) do h[k] = v end
  if r.body then h["Content-Type"] = "application/json" end
  return wrk.format(r.method, r.path, h, r.body)
end

function response(status, hdrs, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
  if status >= 500 then status5xx = status5xx + 1 end
end

function done(summary, latency, requests)
  local bad, five = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
    five = five + t:get("status5xx")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.2f, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, ' ..
    '"max_ms": %.1f, "non2xx": %d, "5xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3, bad, five,
    e.connect + e.read + e.write + e.timeout))
end
