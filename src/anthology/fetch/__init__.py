"""Save web pages into an edition's ``sources/``, politely, as a browser would save them.

Each page is saved with its original bytes (the cleaner detects encodings), except that the
``<img>`` tags it shows point to copies of their images in ``<name>_files/`` beside it.
Where and when each page was retrieved is kept in ``sources/fetched.toml`` for the colophon.

Politeness: robots.txt is obeyed for our User-Agent (RFC 9309), requests to one host are
spaced by ``delay`` seconds (or the site's Crawl-delay, if longer) and at most ``per_host``
run at once, and the User-Agent names the tool. One URL's network problem never stops the
others: it is recorded in the ``FetchResult`` with a one-line reason.
"""
