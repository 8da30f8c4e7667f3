"""Daily rollups, targets (metas compartidas) and surveys live here (indicators issue)."""
