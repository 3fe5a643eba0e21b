-- Shared by every scenario: thread ids, a clock, per-thread counts, one JSON line at the end.
-- Each wrk thread has its own Lua state; setup() and done() run in a separate one.

local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } kuji_timespec;
  int clock_gettime(int clk_id, kuji_timespec *tp);
]])
local timespec = ffi.new("kuji_timespec")

function clock()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) / 1e9
end

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

codes = {} -- status -> count, in each thread (only when response() is defined)
units = 0 -- completed units of work (a claim+confirm pair), in each thread
exhausted = false -- set when a thread has used up its tiles or terminals and stops
started, finished = nil, nil -- when this thread sent its first request, got its last answer

function exhaust()
  -- wrk still sends the request returned here: make it one that changes nothing.
  exhausted = true
  wrk.thread:stop()
  return wrk.format("GET", "/healthz")
end

-- wrk.format() sends only the headers it is given (and Host): add the command line's -H
-- headers (a Referer, which CSRF checks over HTTPS) to a scenario's own.
function with_headers(own)
  for k, v in pairs(wrk.headers) do
    if own[k] == nil then
      own[k] = v
    end
  end
  return own
end

function count(status)
  local key = tostring(status)
  codes[key] = (codes[key] or 0) + 1
end

local function json_codes()
  local total, parts = {}, {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("codes") or {}) do
      total[k] = (total[k] or 0) + v
    end
  end
  for k, v in pairs(total) do
    table.insert(parts, string.format('"%s":%d', k, v))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local units_total, stopped, first, last = 0, 0, nil, nil
  for _, t in ipairs(threads) do
    units_total = units_total + (t:get("units") or 0)
    if t:get("exhausted") then
      stopped = stopped + 1
    end
    local s, f = t:get("started"), t:get("finished")
    if s and (not first or s < first) then
      first = s
    end
    if f and (not last or f > last) then
      last = f
    end
  end
  -- When threads ran out of work early, wrk still divides by the whole duration: give the
  -- span from the first request to the last answer instead.
  local span = (first and last) and (last - first) * 1e6 or 0
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"span_us":%d,"bytes":%d,"units":%d,'
      .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,'
      .. '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"exhausted":%d,'
      .. '"codes":%s}\n',
    summary.requests, summary.duration, span, summary.bytes, units_total,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, stopped, json_codes()))
end
