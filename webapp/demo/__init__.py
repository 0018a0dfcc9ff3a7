"""Demonstration data: a fictional province with units, counters, responses and follow-up."""
