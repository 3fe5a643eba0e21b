"""Pure lottery rules: no Flask, no SQL; dataclasses in, dataclasses out."""
