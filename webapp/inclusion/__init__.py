"""Answering without reading: recorded audio, the pictorial scale, survey translations."""
