"""Judging a read answer or working against the derivation: shape, numbers at random points,
notes that name the mistake."""
