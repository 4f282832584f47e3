"""Past one machine: the rows judged on a Dask cluster (`check --file F --dask ADDRESS`,
with `pip install "derivator[dask]"`). Each Dask task is a chunk of rows judged by
`check_all` on the Dask worker's machine, so the checks run in the same killable worker
processes, with the same time limits and the same verdicts, as on one machine."""
from ... import DerivatorError

CHUNK = 64          # rows per Dask task: enough to amortise a task, small to balance


def _judge_chunk(chunk, seconds):
    from .workers import check_all
    return check_all(chunk, seconds, processes=1)


def check_on_dask(items, seconds, address, on_done=None):
    """Verdicts for [(problem, answer), ...] in order, judged on the cluster at `address`
    ("local": a LocalCluster with a worker per CPU here); `on_done(index, verdict)`."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise DerivatorError("--dask needs Dask: pip install 'derivator[dask]'") from None
    from .workers import available_cpus
    results = [None] * len(items)
    cluster = None
    try:
        if address == "local":
            cluster = LocalCluster(n_workers=available_cpus(), threads_per_worker=1,
                                   dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(address, timeout="30s")
    except (OSError, TimeoutError, ValueError) as error:
        raise DerivatorError(f"cannot reach the Dask scheduler {address}: {error}") from None
    try:
        from .workers import warm
        client.run(warm, sorted({p for p, _ in items}))    # every worker derives them once
        starts = range(0, len(items), CHUNK)
        futures = {client.submit(_judge_chunk, items[s:s + CHUNK], seconds, pure=False): s
                   for s in starts}
        for future in as_completed(futures):
            start = futures[future]
            for k, verdict in enumerate(future.result(), start):
                results[k] = verdict
                if on_done:
                    on_done(k, verdict)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return results
