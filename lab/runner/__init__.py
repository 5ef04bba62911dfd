"""Real app nodes behind nginx, driven over HTTP, measured.

The ``scalelab`` and ``authbench`` commands are thin edges over this package:
``strategies`` (what each strategy needs, as data), ``processes`` (starting and always
stopping servers), ``cluster`` (a run's stores, nodes and balancer), ``nginx``,
``database``, ``client`` and ``load`` (simulated users), ``metrics`` (store counters),
``runs`` (one scalelab run, the matrix), ``bench`` (authbench) and ``report`` (text,
Markdown, JSON, chart).
"""
