"""Word error counting shared by the bench scripts: lower case, punctuation dropped."""
import re


def words(text):
    return re.sub(r"[^\w\s']", " ", text.lower()).split()


def errors(reference, hypothesis):
    """(word edits, reference words) between two texts."""
    r, h = words(reference), words(hypothesis)
    row = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        prev, row[0] = row[0], i
        for j, hw in enumerate(h, 1):
            cur = row[j]
            row[j] = prev if rw == hw else 1 + min(prev, row[j - 1], row[j])
            prev = cur
    return row[len(h)], len(r)
