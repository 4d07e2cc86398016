-- steady.lua: a wrk script for Mammoth's load tests. Each connection waits `pause` ms between requests, so
-- `connections * 1000 / pause` requests per second go out at a steady pace; every answer is appended to `out` as one line
-- "<status> <version> <upstream>": <version> is the first capture of the Lua pattern `pattern` in the body, <upstream>
-- nginx's X-Mammoth-Upstream header ("-" when absent).
-- wrk itself counts what never got an answer (connect, read and write errors, timeouts); done() prints those counts as JSON.
-- Usage: wrk -t1 -c4 -d600s -s steady.lua URL -- OUT PAUSE_MS PATTERN
local out, pause, pattern

function init(args)
  out = assert(io.open(args[1], "a"))
  pause = tonumber(args[2])
  pattern = args[3]
end

function delay()
  return pause
end

function response(status, headers, body)
  out:write(string.format("%d %s %s\n", status, (body and body:match(pattern)) or "-", headers["X-Mammoth-Upstream"] or "-"))
  out:flush()
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p99LatencyUs":%d}\n',
    summary.requests, e.connect, e.read, e.write, e.timeout, latency:percentile(99)))
end
