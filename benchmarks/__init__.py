"""Benchmarks that print figures: `python -m benchmarks` (or `make bench`).

- server: the mock server under N concurrent delayed requests and its keep-alive throughput,
  side by side with httpbin served by pytest-httpbin on the same workload
- lessons: each lesson's Run All time in a fresh kernel, on every supported Python
- grading: one self-grade, and a class of 30 autograded serially and with parallel workers
- exercises: every exercise's self-grade time, untouched and solved, on every supported Python
"""
