"""Conformance of the generated SDKs: each runs a program against the embedded sandbox.

`plan` turns the spec into the data a program needs (numbers, codes, examples) and judges
what the program reports; `targets` builds and runs each language's program; `matrix`
puts it together for `citcall-contract sdk GENERATOR -o DIR --check`. The programs, in
`programs/<generator>/`, hold no tables of their own: everything comes from the plan.
"""
