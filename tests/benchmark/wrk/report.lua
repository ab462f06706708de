-- Appended to every wrk script: print one machine-readable summary line.
local threads_seen = {}

function setup(thread)
   thread:set("thread_no", #threads_seen + 1)
   table.insert(threads_seen, thread)
end

function done(summary, latency, requests)
   local accepted, refused = 0, 0
   local out = IDS_FILE and io.open(IDS_FILE, "w")
   for _, t in ipairs(threads_seen) do
      accepted = accepted + (tonumber(t:get("accepted")) or 0)
      refused = refused + (tonumber(t:get("refused")) or 0)
      if out then
         for _, id in ipairs(t:get("ids") or {}) do
            out:write(id, "\n")
         end
      end
   end
   if out then
      out:close()
   end
   io.write(string.format(
      'BENCHJSON {"requests": %d, "duration_us": %d, "connect_errors": %d, ' ..
      '"read_errors": %d, "write_errors": %d, "status_errors": %d, ' ..
      '"timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
      '"max_us": %d, "accepted": %d, "refused": %d}\n',
      summary.requests, summary.duration, summary.errors.connect,
      summary.errors.read, summary.errors.write, summary.errors.status,
      summary.errors.timeout, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, accepted, refused))
end
