"""Margin annotations: built in the annotation issue."""
