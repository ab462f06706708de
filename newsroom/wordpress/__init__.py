"""
The WordPress importer (issue 11): a WXR export file in, articles, pages,
pictures, authors and comments out, with every old address redirected.

- ``reader``: the file, read as a stream of small elements (flat memory).
- ``content``: WordPress post bodies turned into the site's HTML.
- ``importer``: the run itself, item by item, with its report.
- ``media``: attachments into the image library.
- ``redirects``: old addresses answered with a 301 to the new ones.
- ``admin`` and ``tasks``: the upload in the admin, run as a background task.

It imports the apps (articles, comments); no app imports it.
"""
