-- wrk sends the same headers as bench_validate; the tokens come from the
-- environment so they never appear on a command line.
wrk.method = "GET"
wrk.headers["X-Auth-Token"] = os.getenv("BENCH_AUTH_TOKEN")
wrk.headers["X-Subject-Token"] = os.getenv("BENCH_SUBJECT_TOKEN")
wrk.headers["Accept"] = "application/json"
wrk.headers["User-Agent"] = "turnstile-bench/wrk"
