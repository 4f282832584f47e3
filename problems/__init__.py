"""Problems 1-7 of the problem set as data (TOML); installed as `derivator.problems`."""
