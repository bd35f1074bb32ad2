#!/usr/bin/python3
"""read_compare.py OUT LANCE_SO [name-filter-regex]

hist_compare.py on the datasets of read_gen.mjs / read_expect.mjs: every dataset gen.mjs
writes (every storage version, every type and encoding theme), read through the `lance`
virtual table and compared value by value with LanceDB's scan. Ends with exactly
`read: N passed, M failed`.
"""
from hist_compare import main

if __name__ == "__main__":
    main("read")
