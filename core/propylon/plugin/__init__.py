"""Run-time plugins: Python files, packages or wheels loaded from a folder, no rebuild needed."""
