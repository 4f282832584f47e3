"""Reading the workings corpora: blocks headed `=== PROBLEM FIRST`, where FIRST is the
line number of the first wrong line or `none`; lines starting with # are comments."""


def working_blocks(path):
    """[(problem, first wrong line or None, the working's text)] in the file's order."""
    blocks, current = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("=== "):
            problem, first = line[4:].split()
            current = [problem, None if first == "none" else int(first), []]
            blocks.append(current)
        elif current is not None:
            current[2].append(line)
    return [(p, first, "\n".join(text)) for p, first, text in blocks]
