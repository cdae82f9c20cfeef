"""Reading articles from the web and from documents: fetching pages, extracting text and metadata.

Pure functions, no Flask and no database: they take bytes or an address and return an
`ExtractedArticle` (extracted.py), or raise InvalidInput with a message that names the page or
file. Import the module you need (fetch, html, docx, text): this package imports none of them,
so `factcheck split` reads a text file without loading the HTML and Word readers.
"""
