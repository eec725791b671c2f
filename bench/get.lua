-- get.lua — plain GETs of the URL given to wrk (headers from -H); only the report.
local report = dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
done = report.done
