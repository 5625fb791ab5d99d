"""Tests for pipelines.vn."""
