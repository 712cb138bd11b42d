"""Baseline consumers that logtui's ingest is measured against, each as small as it can be."""
