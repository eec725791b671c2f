-- report.lua — shared by the bench scripts: at the end of a wrk run, one machine-readable
-- line that bench/run.sh parses (latencies in ms):
--   BENCH requests=N rps=R p50=MS p99=MS mean=MS max=MS non2xx=N sockerr=N [extra k=v …]
-- A script may define bench_extra() returning a string of extra "k=v" fields.
local report = {}

function report.done(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format(
      "BENCH requests=%d rps=%.1f p50=%.3f p99=%.3f mean=%.3f max=%.3f non2xx=%d sockerr=%d%s\n",
      summary.requests, summary.requests / secs,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      latency.mean / 1000, latency.max / 1000,
      e.status, e.connect + e.read + e.write + e.timeout,
      bench_extra and (" " .. bench_extra()) or ""))
end

return report
