"""`record` and `check-traffic`: recorded exchanges (HAR, JSONL) checked against the spec,
and the redacting recorder that writes them. Imports the layers below only.
"""
