"""Load benchmarks: `make bench` runs bench.run and writes bench/out/results.md."""
