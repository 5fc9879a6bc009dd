"""Time of one feedback call to a running `comment-sieve serve`: N
sequential `POST /v1/feedback` calls over one keep-alive connection on
loopback (each answered once its row is committed and the model updated),
printing the median, p90 and total.

    python3 benches/serve_feedback.py HOST:PORT [N] [KEY]

Not part of CI; the standard library only.
"""

import http.client
import json
import statistics
import sys
import time


def main() -> None:
    host, port = sys.argv[1].rsplit(":", 1)
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    key = sys.argv[3] if len(sys.argv) > 3 else None
    conn = http.client.HTTPConnection(host, int(port))
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    kinds = ["spam", "ham", "abuse", "not_abuse"]
    times = []
    start = time.perf_counter()
    for i in range(n):
        body = json.dumps(
            {
                "id": f"fb{i}",
                "kind": kinds[i % 4],
                "text": f"feedback comment {i}: the council budget vote and cheap watches",
            }
        )
        t = time.perf_counter()
        conn.request("POST", "/v1/feedback", body, headers)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            sys.exit(f"feedback {i} answered {r.status}")
        times.append((time.perf_counter() - t) * 1e3)
    total = time.perf_counter() - start
    times.sort()
    print(
        f"{n} feedback calls: median {statistics.median(times):.3f} ms, "
        f"p90 {times[int(0.9 * (n - 1))]:.3f} ms, total {total:.2f} s"
    )


if __name__ == "__main__":
    main()
