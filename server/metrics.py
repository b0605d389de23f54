"""Prometheus metrics of one app (its own registry, so several apps can live in a process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("dpgkg_http_requests", "HTTP requests served",
                                ["endpoint", "method", "status"], registry=self.registry)
        self.latency = Histogram("dpgkg_http_request_duration_seconds",
                                 "Time to answer a request", ["endpoint"],
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        self.timeouts = Counter("dpgkg_query_timeouts", "Jobs stopped at the time limit",
                                registry=self.registry)
        self.errors = Counter("dpgkg_errors", "Requests answered with an error, by kind",
                              ["kind"], registry=self.registry)
        self.cache_hits = Counter("dpgkg_query_cache_hits", "Responses served from the cache",
                                  registry=self.registry)
        self.cache_misses = Counter("dpgkg_query_cache_misses",
                                    "Cacheable requests the cache could not answer",
                                    registry=self.registry)
        self.workers = Gauge("dpgkg_query_workers_alive", "Query worker processes alive",
                             registry=self.registry)
