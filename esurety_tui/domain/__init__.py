"""Pure rules: numbers, keys, 和暦, money, validation. No I/O, no Textual."""
