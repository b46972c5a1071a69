"""dedup's benchmarks: synthetic feeds, quality and throughput runs, extraction and story evaluations."""
