"""Microdata exports for statisticians (issue 7): Stata, SPSS, CSV and Parquet files with
labels, weights and design variables, codebooks, reproduction scripts and disclosure control.

Plain functions only (no request access): :func:`webapp.export.service.run_export` is called by
``hailong export`` and by the web page.
"""
