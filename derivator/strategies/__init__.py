"""The ways a derivation is made, one module each: loss (the lectures' losses and
networks), index (matrix calculus in index notation), power_trace (tr(X^k) for a symbolic
k), likelihood (maximum likelihood)."""
