-- SPDX-License-Identifier: EUPL-1.2
-- wrk script of bench/bot: POST /api/v1/bot/ask with {"question","session"}
-- bodies rotating through the labelled questions. Env: SP_BOT_WRK_QUESTIONS
-- (one JSON string per line), SP_BOT_WRK_OUT (JSON result written by done).
local counter = 1

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local questions = {}
local idx = 0

function init(args)
  for line in io.lines(os.getenv("SP_BOT_WRK_QUESTIONS")) do
    if #line > 0 then
      questions[#questions + 1] = line
    end
  end
  idx = ((tid or 1) * 97) % #questions
end

function request()
  idx = idx % #questions + 1
  local body = '{"question":' .. questions[idx] .. ',"session":"wrk' .. (tid or 0) ..
    '-' .. (idx % 16) .. '"}'
  return wrk.format("POST", "/api/v1/bot/ask", { ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local f = assert(io.open(os.getenv("SP_BOT_WRK_OUT"), "w"))
  f:write(string.format(
    '{"requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
    '"non2xx":%d,"errors":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), latency.mean,
    e.status, e.connect + e.read + e.write + e.timeout))
  f:close()
end
