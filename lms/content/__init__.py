"""Course content: the courses/ file format (parse, validate, import) and the one Markdown
renderer and HTML sanitiser that every piece of authored text goes through."""
