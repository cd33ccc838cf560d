"""Benchmarks that print figures: `python -m benchmarks` (or `make bench`).

- server: the mock server under N concurrent delayed requests and its keep-alive throughput,
  side by side with httpbin served by pytest-httpbin on the same workload
- service: an aiohttp.web service like lesson 16's, in front of the mock server, under load:
  answered requests per second, p50 and p99, and the 503s it sheds, beside the mock server's own
- lessons: each lesson's Run All time in a fresh kernel, on every supported Python
- grading: one self-grade, and a class of 30 autograded serially and with parallel workers
- exercises: every exercise's self-grade time, untouched and solved, on every supported Python
"""
