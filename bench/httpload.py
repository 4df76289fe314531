"""A small HTTP load generator (keep-alive connections in threads), so that `make bench`
needs nothing outside the project. Client and server share the machine: compare ratios
measured in the same run, not absolute figures."""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests: int
    seconds: float
    errors: int
    body_bytes: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_load(
    port: int, path: str, *, seconds: float = 5.0, connections: int = 8, headers: dict | None = None
) -> LoadResult:
    deadline = time.perf_counter() + seconds
    counts = [0] * connections
    errors = [0] * connections
    size = [0]

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.perf_counter() < deadline:
            try:
                connection.request("GET", path, headers=headers or {})
                response = connection.getresponse()
                body = response.read()
                if response.status != 200:
                    errors[index] += 1
                else:
                    counts[index] += 1
                    size[0] = len(body)
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(sum(counts), time.perf_counter() - started, sum(errors), size[0])
