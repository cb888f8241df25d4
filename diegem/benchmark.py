"""What `make bench` needs inside the site; inert unless BENCHMARK=true.

- `ServerTimingMiddleware` (outermost): the time the whole stack took for a
  request, as `Server-Timing: app;dur=…`, and its SQL queries as `X-Query-Count`.
- `hello`: a bare hello-world view under the same middleware, the yardstick.
- Requests with `X-Bench-Cold: 1` skip the page cache, to measure what a page
  costs to make (see diegem.lib.caching); with `X-Bench-Cold: whole` they use no
  kept part either, as the first reader after a change makes the page.
"""

import time

from django.db import connection
from django.http import HttpResponse

from diegem.lib.caching import making_whole


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        whole = making_whole.set(request.headers.get("X-Bench-Cold") == "whole")
        started = time.perf_counter()
        try:
            with connection.execute_wrapper(count):
                response = self.get_response(request)
        finally:
            making_whole.reset(whole)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.3f}"
        response["X-Query-Count"] = str(queries)
        return response


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")
