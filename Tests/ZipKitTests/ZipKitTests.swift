// Tests for ZipKit.
