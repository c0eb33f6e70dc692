"""Test helpers: pilot driving (from the package), form steps, shared domain cases."""
