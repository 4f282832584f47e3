"""Checking derivations: every step equal to the one before it, symbolically where cheap, and
numerically at random points, entry by entry, at several sizes."""
