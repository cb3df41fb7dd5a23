"""Traffic generation, corpus replay, benchmark runs and reports."""
