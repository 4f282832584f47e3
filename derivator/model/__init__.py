"""The model: problem files, the lecture's declared losses, the catalogue, and the one safe reader
of their expressions."""
