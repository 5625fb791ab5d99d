"""Evaluation tools: measure the pipeline's output against the generator's ground truth.

``findings`` compares ``findings.parquet`` / ``quarantine.parquet`` with the injected-defect
log in ``data/raw/_truth/`` (recall per defect kind, false-finding rate per rule).
"""
