"""Background jobs: state in the database (:mod:`.store`), files as chunked blobs
(:mod:`.blobs`), ids on a Huey queue (:mod:`.queue`), run by ``hailong worker`` (:mod:`.runner`).
"""
