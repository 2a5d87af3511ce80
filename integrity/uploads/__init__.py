"""Resumable uploads over tus 1.0 (core, creation, termination, expiration), for any area.

An area registers a ``Purpose`` (who may upload, what the upload is for, what to do with the
finished file); the browser sends the file in chunks of a few MiB, each a short request, and
resumes after a dropped connection from the offset the server reports. A finished file is handed
to its purpose in a background job. See ``services`` for the protocol as implemented.
"""
