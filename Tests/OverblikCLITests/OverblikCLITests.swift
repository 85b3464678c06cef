// Tests for OverblikCLI.
