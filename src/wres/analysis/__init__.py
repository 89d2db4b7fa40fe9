"""The only writer of results/: national trends, organisation statistics, changes and data quality."""
