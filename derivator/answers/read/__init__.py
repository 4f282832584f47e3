"""Reading what a student typed into one expression tree, without ever evaluating text."""
