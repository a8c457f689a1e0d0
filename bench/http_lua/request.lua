-- One request shape for wrk, driven by bench/bench_http.py through the environment (wrk passes no options of its
-- own to Lua): every connection sends the same method, path, headers and body, except that each "{{KEY}}" in the
-- body becomes a fresh UUID per request, so every set-log POST is a real write with its own idempotency key.
--
--   BENCH_METHOD   GET or POST
--   BENCH_PATH     the path, e.g. /plans/session/log/
--   BENCH_HEADERS  header lines "Name: value" separated by newlines
--   BENCH_BODY     the body (may hold {{KEY}})
--   BENCH_NONCE    8 hex digits, new for each run, so keys never repeat across runs against one database
--
-- At the end it prints one line, "BENCH_JSON {...}": requests, seconds, latency percentiles (microseconds), socket
-- errors, the count of every status (a set-log POST answers 201 when it stored a new entry, 200 when it only
-- recognised its key) and of those outside 2xx (wrk itself counts only >= 400: a 302 to the login page would pass
-- as a success), and the bytes of the response bodies.

local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local body_template = os.getenv("BENCH_BODY") or ""
local nonce = os.getenv("BENCH_NONCE") or "00000000"
local per_request_key = body_template:find("{{KEY}}", 1, true) ~= nil

local headers = {}
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.-)%s*$")
  if name then headers[name] = value end
end

-- main state: the threads, so that done() can read their counters
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

-- per-thread state: globals, so that thread:get() in done() can read them
counter = 0
non2xx = 0
statuses = {}
body_bytes = 0
responses = 0
local fixed_request = nil

function init(args)
  if not per_request_key then
    fixed_request = wrk.format(method, path, headers, body_template ~= "" and body_template or nil)
  end
end

local function next_key()
  -- a valid UUID, unique within the run (thread number + counter) and across runs (nonce)
  counter = counter + 1
  return string.format("%s-%04x-4000-8000-%012x", nonce, number % 0x10000, counter)
end

function request()
  if fixed_request then
    return fixed_request
  end
  local body = body_template:gsub("{{KEY}}", next_key())
  return wrk.format(method, path, headers, body)
end

function response(status, response_headers, body)
  responses = responses + 1
  local code = tostring(status)
  statuses[code] = (statuses[code] or 0) + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  if body then
    body_bytes = body_bytes + #body
  end
end

function done(summary, latency, requests)
  local total_non2xx, total_bytes, total_responses, merged = 0, 0, 0, {}
  for _, thread in ipairs(threads) do
    total_non2xx = total_non2xx + thread:get("non2xx")
    total_bytes = total_bytes + thread:get("body_bytes")
    total_responses = total_responses + thread:get("responses")
    for code, count in pairs(thread:get("statuses")) do
      merged[code] = (merged[code] or 0) + count
    end
  end
  local codes = {}
  for code, count in pairs(merged) do
    table.insert(codes, string.format('"%s": %d', code, count))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.6f, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"mean_us": %.1f, "socket_errors": %d, "timeouts": %d, "non2xx": %d, "statuses": {%s}, '
      .. '"body_bytes": %d, "responses": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect + e.read + e.write, e.timeout, total_non2xx, table.concat(codes, ", "),
    total_bytes, total_responses))
end
