"""Field surveys: sampling frames, probability samples, interviewer assignments, closing.

The statistics (draws, probabilities) live in :mod:`analysis.sampling`; this package stores
frames and samples and keeps contact data apart from everything else.
"""
