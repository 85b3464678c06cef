// Tests for XMLKit.
