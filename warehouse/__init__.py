"""The DuckDB warehouse: schema and migrations (.sql files), set-based loading, checks, snapshot publishing.

The pipeline alone writes `warehouse.duckdb`, in short sessions; readers open the published snapshot
(`warehouse.snapshot.connect`) or the Parquet exports, so they never block a run and never see half of one.
"""
