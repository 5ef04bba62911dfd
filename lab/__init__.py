"""The scale-out lab as a Django app: ``scalelab`` and ``authbench``, and what nodes add.

``management/commands`` are the two thin commands; ``runner`` starts and measures the
servers; ``middleware`` (node name) and ``bench_views``/``bench_urls`` are wired into a
node only when the lab starts it with AUTHSITE_NODE_NAME or AUTHSITE_LAB_BENCH.
"""
