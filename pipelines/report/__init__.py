"""What dancu shows people: console tables, history, reports, worklists, masking.

The scorecard history, the HTML and Markdown reports, the per-province worklists, and the
masking of anything that leaves the machine.
"""
