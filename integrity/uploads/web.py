"""The tus endpoints (see ``services`` for the protocol) and the upload's verdict for its sender."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for
from flask_login import current_user
from werkzeug.exceptions import ClientDisconnected

from integrity import jobs
from integrity.errors import DomainError
from integrity.extensions import db
from integrity.settings import settings_of
from integrity.uploads import services
from integrity.uploads.models import ResumableUpload, UploadState
from integrity.uploads.services import Purpose
from integrity.uploads.tasks import FINISH
from integrity.uploads.wiring import EXTENSION, purposes_of, spool_of
from integrity.web import select_locale
from integrity.web.access import signed_in
from integrity.web.forms import acting

bp = Blueprint("uploads", __name__, url_prefix="/uploads")


def init_app(app: Flask, purposes: Iterable[Purpose]) -> None:
    app.extensions[EXTENSION] = {p.name: p for p in purposes}
    app.register_blueprint(bp)


def _max_length() -> int:
    return settings_of(current_app).max_upload_mb << 20


def _tus(response: Response, status: int, **headers: Any) -> Response:
    response.status_code = status
    response.headers["Tus-Resumable"] = services.VERSION
    response.headers["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = str(value)
    return response


def _refusal(exc: DomainError) -> Response:
    status = exc.status
    if exc.details.get("code") in ("too_large", "chunk"):
        status = 413
    answer = _tus(jsonify({"error": str(exc.message)}), status)
    if isinstance(exc, services.OffsetMismatch):
        answer.headers["Upload-Offset"] = str(exc.offset)
    return answer


@bp.errorhandler(DomainError)
def refused(exc: DomainError) -> Response:
    """The views' one refusal path: nothing of the refused request is kept, and the answer speaks
    tus (its status, and the server's offset when the client's was wrong)."""
    db.session.rollback()
    return _refusal(exc)


def _version_problem() -> Response | None:
    if request.headers.get("Tus-Resumable") != services.VERSION:
        return _tus(Response(""), 412, Tus_Version=services.VERSION)
    return None


def _int_header(name: str) -> int | None:
    value = request.headers.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


@bp.route("/tus/", methods=["OPTIONS"], provide_automatic_options=False)
@signed_in
def options() -> Response:
    return _tus(Response(""), 204, Tus_Version=services.VERSION,
                Tus_Extension=services.EXTENSIONS, Tus_Max_Size=_max_length())  # fmt: skip


@bp.route("/tus/", methods=["POST"])
@signed_in
def create() -> Response:
    if (problem := _version_problem()) is not None:
        return problem
    length = _int_header("Upload-Length")
    if length is None:
        return _tus(jsonify({"error": "Upload-Length"}), 400)
    upload = services.start(
        db.session, actor=acting(), user_roles=frozenset(current_user.roles),
        purposes=purposes_of(current_app),
        metadata=services.parse_metadata(request.headers.get("Upload-Metadata", "")),
        length=length, spool=spool_of(current_app), locale=select_locale(),
        settings=settings_of(current_app),
    )  # fmt: skip
    db.session.commit()
    return _tus(Response(""), 201, Location=url_for("uploads.chunk", resumable_id=upload.id),
                Upload_Offset=0)  # fmt: skip


def _own(resumable_id: str) -> ResumableUpload:
    return services.find(db.session, resumable_id, user_id=current_user.id)


def _expires(upload: ResumableUpload) -> str:
    return upload.expires_at.strftime("%a, %d %b %Y %H:%M:%S GMT")


@bp.route("/tus/<resumable_id>", methods=["HEAD"])
@signed_in
def offset(resumable_id: str) -> Response:
    """Where a resumed upload continues."""
    if (problem := _version_problem()) is not None:
        return problem
    upload = _own(resumable_id)
    if upload.state in (UploadState.ENDED.value, UploadState.FAILED.value):
        return _tus(Response(""), 410)  # the client forgets it and starts anew
    return _tus(Response(""), 200, Upload_Offset=upload.offset, Upload_Length=upload.length,
                Upload_Expires=_expires(upload))  # fmt: skip


@bp.route("/tus/<resumable_id>", methods=["DELETE"])
@signed_in
def cancel(resumable_id: str) -> Response:
    """Ends an unfinished upload (tus termination)."""
    if (problem := _version_problem()) is not None:
        return problem
    services.end(db.session, _own(resumable_id), actor=acting(), spool=spool_of(current_app))
    db.session.commit()
    return _tus(Response(""), 204)


class _Body:
    """The request body, whose reads raise OSError when the client drops (the services catch
    OSError and keep what came; werkzeug's own ClientDisconnected stays in the web layer)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        try:
            return bytes(self._stream.read(size))
        except ClientDisconnected as exc:
            raise ConnectionAbortedError(str(exc)) from exc


@bp.route("/tus/<resumable_id>", methods=["PATCH"])
@signed_in
def chunk(resumable_id: str) -> Response:
    """One chunk, appended where the server's offset says; the last one queues the handover."""
    if (problem := _version_problem()) is not None:
        return problem
    upload = _own(resumable_id)
    if request.mimetype != "application/offset+octet-stream":
        return _tus(jsonify({"error": "Content-Type"}), 415)
    offset = _int_header("Upload-Offset")
    if offset is None:
        return _tus(jsonify({"error": "Upload-Offset"}), 400)
    new_offset = services.append(db.session, upload, offset=offset, stream=_Body(request.stream),
                                 declared=request.content_length, spool=spool_of(current_app))  # fmt: skip
    if upload.state == UploadState.FINISHING.value:
        jobs.submit(db.session, FINISH, {"resumable_id": upload.id}, actor=acting())
    db.session.commit()
    jobs.dispatch(db.session, current_app)
    return _tus(Response(""), 204, Upload_Offset=new_offset, Upload_Expires=_expires(upload))


@bp.route("/<resumable_id>.json")
@signed_in
def verdict(resumable_id: str) -> Response:
    """What became of a sent file: still arriving, being handed over, taken (with what the
    purpose says, such as the scan upload's id), or refused (with the reason, in the sender's
    language)."""
    upload = _own(resumable_id)
    answer = jsonify({"state": upload.state, "offset": upload.offset, "length": upload.length,
                      "file": upload.filename, "result": upload.result, "error": upload.error})  # fmt: skip
    answer.headers["Cache-Control"] = "no-store"
    return answer
