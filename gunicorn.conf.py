"""gunicorn reads this file from its working directory (the checkout, /app in the image).

Prometheus metrics of several gunicorn workers: with PROMETHEUS_MULTIPROC_DIR set, each worker
writes its counts to files there and /metrics/ adds them up (config/metrics.py). The folder must
start empty (the master clears it before forking the workers), and a worker that ends is marked
dead so that its gauges leave the sum.
"""

import os
import shutil


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
