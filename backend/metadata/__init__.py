"""Tags, tagged ranges, annotations, incidents and their full-text search (issue 7 §3)."""
