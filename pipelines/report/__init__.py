"""What dancu shows people: console summaries (and later the scorecard reports)."""
