"""Reading article files into clean `Article` records and writing them into the archive."""
