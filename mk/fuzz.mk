# mk/fuzz.mk - fuzz harnesses (libFuzzer with clang) for the parsers; built by `make fuzz`, not by make check.
