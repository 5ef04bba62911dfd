"""The scale-out lab: real app nodes behind nginx, driven over HTTP, measured.

``scalelab`` and ``authbench`` (management commands in ``accounts``) are thin edges
over this package: ``strategies`` (what each strategy needs, as data), ``processes``
(starting and always stopping servers), ``nginx``, ``database``, ``client`` and ``load``
(simulated users), ``metrics`` (store counters), ``scalelab`` (one run, the matrix),
``bench`` (authbench) and ``report`` (text, Markdown, JSON, chart).
"""
