"""A whole class at once: class files, worker processes, the journal, the gradebook."""
