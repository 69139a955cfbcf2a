"""What the fixture generators under testdata/ share."""
import hashlib


def blob(seed, n):
    """n pseudo-random bytes, the same every run."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b"%s:%d" % (seed.encode(), i)).digest()
        i += 1
    return out[:n]
