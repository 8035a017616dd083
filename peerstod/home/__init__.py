"""The start pages: each role's overview, arranged from the sections the apps contribute."""
