"""Tokens without trust: repair and name transport damage, decode, classify, verify.

Nothing here does I/O. The raw token never leaves this package except as a short
fingerprint: `TokenObservation` holds the decoded header and claims and the thumbprints of the
keys its signature verifies under, never the token or its signature.
"""
