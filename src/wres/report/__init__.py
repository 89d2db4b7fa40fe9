"""Pages, words, tables and charts. Reads results/ only and never computes a statistic."""
