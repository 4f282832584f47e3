"""Reading students' answers (../shared/ANSWER_SYNTAX.md) without ever evaluating text."""
