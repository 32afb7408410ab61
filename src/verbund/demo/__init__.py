"""Demo data (``verbund demo``) and the bulk writer other bulk paths reuse (``verbund.demo.bulk``).

Not a Django app: it has no models. The management command lives in ``verbund.parties``.
"""
