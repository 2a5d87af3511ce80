"""Diploma screens: the public verification page and look-up with the published key and status
lists (``verify``), and the staff pages where documents are issued, batches asked for, approved
and downloaded, and a document's status changed (``staff``)."""

from integrity.diplomas.views.staff import bp
from integrity.diplomas.views.verify import verify_bp

__all__ = ["bp", "verify_bp"]
