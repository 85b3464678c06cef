// Tests for Geography.
