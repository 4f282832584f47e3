"""The steps of a derivation: rules (one identity each), the algebra between them, and the
Derivation that holds them as data."""
