"""Demo data (``verbund demo``): the generator and its load through the domains' bulk writers.

Not a Django app: it has no models. The management command lives in ``verbund.parties``.
"""
