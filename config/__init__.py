"""Settings from the environment and the editable TOML files in this folder."""
