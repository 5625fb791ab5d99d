"""dancu: data-quality pipeline for Vietnamese resident records."""
