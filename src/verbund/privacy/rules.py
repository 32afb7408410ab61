"""Data-protection rules: who is a data subject, what holds an erasure back, what is due for
retention. The one home of each rule and its message; actions, the retention run and the
pages call them."""
