"""Walks the whole URL map: anonymous visitors reach only public pages; each role is refused the rest.

The table below is written by hand on purpose: it is the policy. A new route fails this test until
someone decides, here, who may use it.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integrity.accounts.domain import Role
from integrity.web.access import access_of
from tests.conftest import Users, login

R = Role
PUBLIC = "public"
ANY_USER = "any signed-in user"
EDITORS = {R.ADMIN, R.ORGANISER}
CATALOGUE = {R.ADMIN, R.ORGANISER, R.IT_SPECIALIST, R.DIRECTOR, R.CHAIR, R.OBSERVER}
PEOPLE = {R.ADMIN, R.ORGANISER, R.IT_SPECIALIST, R.DIRECTOR}
JURY = {R.ADMIN, R.ORGANISER, R.CHAIR, R.DIRECTOR}
AUDIT = {R.ADMIN, R.DIRECTOR, R.CHAIR, R.OBSERVER}
SCANS = {R.ADMIN, R.ORGANISER, R.IT_SPECIALIST}
DRAW_WATCHERS = {R.ADMIN, R.CHAIR, R.DIRECTOR, R.OBSERVER}
RISK_READERS = {R.ADMIN, R.DIRECTOR, R.ORGANISER, R.CHAIR}

POLICY: dict[str, Any] = {
    "static": PUBLIC,
    "public.home": PUBLIC,
    "public.health": PUBLIC,
    "public.audit_head": PUBLIC,
    "accounts.login": PUBLIC,
    "accounts.language": PUBLIC,
    "accounts.logout": ANY_USER,
    "accounts.account": ANY_USER,
    "accounts.users": {R.ADMIN},
    "accounts.edit_user": {R.ADMIN},
    "audit.log": AUDIT,
    "audit.verify_chain": AUDIT,
    "registry.events": CATALOGUE,
    "registry.event": CATALOGUE,
    "registry.edit_event": EDITORS,
    "registry.add_round": EDITORS,
    "registry.round_": CATALOGUE,
    "registry.task": CATALOGUE,
    "registry.freeze_task": EDITORS,
    "registry.correct_wording": EDITORS,
    "registry.districts": CATALOGUE,
    "registry.schools": CATALOGUE,
    "registry.venues": CATALOGUE,
    "registry.venue": CATALOGUE,
    "registry.add_room": EDITORS,
    "registry.add_room_observer": EDITORS,
    "registry.participants": PEOPLE,
    "registry.new_participant": EDITORS,
    "registry.participant": PEOPLE,
    "registry.record_consent": EDITORS,
    "registry.enter_participant": EDITORS,
    "registry.event_participants": PEOPLE,
    "registry.entry": EDITORS,
    "registry.export_participants": PEOPLE,
    "registry.import_file": EDITORS,
    "uploads.options": ANY_USER,
    "uploads.create": ANY_USER,
    "uploads.chunk": ANY_USER,
    "uploads.offset": ANY_USER,
    "uploads.cancel": ANY_USER,
    "uploads.verdict": ANY_USER,
    "registry.import_run": EDITORS,
    "registry.apply_import": EDITORS,
    "registry.jurors": JURY,
    "registry.new_juror": EDITORS,
    "registry.juror": JURY,
    "registry.declare_relation": EDITORS,
    "registry.sign_declaration": EDITORS,
    "registry.set_juror_subjects": EDITORS,
    "scans.index": SCANS,
    "scans.round_": SCANS,
    "scans.print_kits": SCANS,
    "scans.print_run_pdf": SCANS,
    "scans.void_kit": SCANS,
    "scans.upload": SCANS,
    "scans.upload_progress": SCANS,
    "scans.round_progress": SCANS,
    "scans.demo_scans": SCANS,
    "scans.upload_report": SCANS,
    "scans.page_queue": SCANS,
    "scans.page_image": SCANS,
    "scans.page_corner": SCANS,
    "scans.resolve_page": SCANS,
    "scans.attach_page": SCANS,
    "scans.discard_page": SCANS,
    "scans.confirm_freeze": SCANS,
    "scans.freeze": SCANS,
    "ledger.index": PUBLIC,
    "ledger.round_": PUBLIC,
    "ledger.round_json": PUBLIC,
    "ledger.work_json": PUBLIC,
    "jury.round_conflicts": {R.ADMIN, R.CHAIR, R.ORGANISER},
    "jury.decide_conflict": {R.ADMIN, R.CHAIR},
    "jury.round_draw": DRAW_WATCHERS,
    "jury.freeze_draw": {R.ADMIN, R.CHAIR},
    "jury.commit_draw": {R.ADMIN, R.CHAIR},
    "jury.contribute_to_draw": {R.ADMIN, R.CHAIR},
    "jury.reveal_draw": {R.ADMIN, R.CHAIR},
    "jury.confirm_reveal": {R.ADMIN, R.CHAIR},
    "jury.cancel_draw": {R.ADMIN, R.CHAIR},
    "jury.draw_manifest": DRAW_WATCHERS,
    "jury.round_marking": DRAW_WATCHERS,
    "jury.return_marking": {R.ADMIN, R.CHAIR},
    "jury.return_row_marking": {R.ADMIN, R.CHAIR},
    "jury.decide_score": {R.ADMIN, R.CHAIR},
    "jury.home": {R.JUROR},
    "jury.work": {R.JUROR},
    "jury.save_marks": {R.JUROR},
    "jury.page_image": {R.JUROR},
    "jury.confirm_submission": {R.JUROR},
    "jury.submit_marks": {R.JUROR},
    "draws.public_draw": PUBLIC,
    "draws.public_record": PUBLIC,
    "draws.verify_script": PUBLIC,
    "protocols.round_protocols": {R.ADMIN, R.CHAIR, R.ORGANISER, R.DIRECTOR, R.OBSERVER},
    "protocols.freeze_protocol": {R.ADMIN, R.CHAIR},
    "protocols.publish_protocol": {R.ADMIN, R.CHAIR},
    "protocols.close_protocol_appeals": {R.ADMIN, R.CHAIR},
    "results.event_results": PUBLIC,
    "results.protocol_page": PUBLIC,
    "results.protocol_csv": PUBLIC,
    "results.protocol_document": PUBLIC,
    "appeal.appeal_start": PUBLIC,
    "appeal.appeal_work": PUBLIC,
    "appeal.file_appeal": PUBLIC,
    "appeal.appeal_page": PUBLIC,
    "protocols.decide_appeal": {R.ADMIN, R.CHAIR},
    "protocols.unseal": {R.CHAIR},
    "protocols.confirm_unseal": {R.CHAIR},
    "protocols.appeal_work_page": {R.ADMIN, R.CHAIR},
    "verify.link": PUBLIC,
    "verify.lookup": PUBLIC,
    "verify.key_list": PUBLIC,
    "verify.status_list": PUBLIC,
    "diplomas.event": JURY | {R.OBSERVER},
    "diplomas.request_batch": JURY,
    "diplomas.batch": JURY | {R.OBSERVER},
    "diplomas.confirm_approval": JURY,
    "diplomas.decide_batch": JURY,
    "diplomas.batch_archive": JURY,
    "diplomas.document": JURY | {R.OBSERVER},
    "diplomas.change_status": JURY,
    "diplomas.reissue": JURY,
    "diplomas.document_pdf": JURY,
    "risk.dashboard": RISK_READERS,
    "risk.indicator": RISK_READERS,
    "risk.analyses": RISK_READERS,
    "risk.analysis": RISK_READERS,
    "risk.new_analysis": {R.ADMIN, R.DIRECTOR, R.ORGANISER},
    "risk.compute": {R.ADMIN, R.DIRECTOR, R.ORGANISER},
    "risk.review": {R.ADMIN, R.DIRECTOR, R.ORGANISER},
    "risk.sign": {R.ADMIN, R.DIRECTOR},
    "risk.publish": {R.ADMIN, R.DIRECTOR},
    "risk.reopen": {R.ADMIN, R.DIRECTOR, R.ORGANISER},
    "risk.save_finding": {R.ADMIN, R.DIRECTOR, R.ORGANISER},
    "risk.dismiss_finding": {R.ADMIN, R.DIRECTOR, R.ORGANISER},
    "risk.close_finding": {R.ADMIN, R.DIRECTOR, R.ORGANISER},
    "risk.save_recommendation": {R.ADMIN, R.DIRECTOR, R.ORGANISER},
    "risk.set_members": {R.ADMIN, R.DIRECTOR, R.ORGANISER},
    "risk.set_positions": {R.ADMIN, R.DIRECTOR, R.ORGANISER},
    "risk.set_texts": {R.ADMIN, R.DIRECTOR, R.ORGANISER},
    "risk.set_sources": {R.ADMIN, R.DIRECTOR, R.ORGANISER},
    "risk.report": RISK_READERS,
    "report_check.check": PUBLIC,
    "vault.event_vault": {R.CHAIR},
    "vault.create_vault": {R.CHAIR},
}

SAMPLE_VALUES = {
    "kind": "participants",
    "fmt": "csv",
    "doc": "pdf",
    "filename": "app.css",
    "cipher": "ABCDE1",
    "text": "aaaa",
    "code": "protocols_late",
    "digest": "0" * 64,
}


def routes(app: Flask) -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        values = {arg: SAMPLE_VALUES.get(arg, 1) for arg in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return found


def test_every_route_is_in_the_policy_table_and_declares_its_access(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(POLICY), (
        f"undecided: {endpoints - set(POLICY)}; stale: {set(POLICY) - endpoints}"
    )
    for endpoint in endpoints:
        assert access_of(app, endpoint) is not None, f"{endpoint} declares no access rule"


def test_an_anonymous_visitor_reaches_only_the_public_pages(
    app: Flask, client: FlaskClient
) -> None:
    for endpoint, method, url in routes(app):
        response = client.open(url, method=method)
        if POLICY[endpoint] == PUBLIC:
            assert response.status_code not in (401, 403), (endpoint, method)
            assert "/login?next=" not in response.headers.get("Location", ""), (endpoint, method)
        else:
            assert response.status_code == 302, (endpoint, method, response.status_code)
            assert response.headers["Location"].startswith("/login"), (endpoint, method)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_what_it_must_not_see(
    app: Flask, client: FlaskClient, users: Users, role: Role
) -> None:
    login(client, users.make(role))
    for endpoint, method, url in routes(app):
        if endpoint == "accounts.logout":
            continue  # would end the session the rest of the walk needs
        allowed = POLICY[endpoint]
        permitted = allowed in (PUBLIC, ANY_USER) or role in allowed
        status = client.open(url, method=method).status_code
        if permitted:
            assert status != 403, (role, endpoint, method)
        else:
            assert status == 403, (role, endpoint, method, status)


def test_a_juror_sees_no_registry_page_at_all(
    app: Flask, client: FlaskClient, users: Users
) -> None:
    login(client, users.make(Role.JUROR))
    for path in ("/registry/participants", "/registry/jurors", "/registry/events", "/audit/"):
        assert client.get(path).status_code == 403


def test_a_route_without_a_declaration_is_refused(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert client.get("/forgotten").status_code == 403


MENU_OF = {  # what each role's main menu showed when base.html listed the roles by hand
    Role.ADMIN: ["Events", "Participants", "Jurors", "Schools", "Venues", "Scans",
                 "Integrity dashboard", "Audit log", "Users"],
    Role.ORGANISER: ["Events", "Participants", "Jurors", "Schools", "Venues", "Scans",
                     "Integrity dashboard"],
    Role.IT_SPECIALIST: ["Events", "Participants", "Schools", "Venues", "Scans"],
    Role.DIRECTOR: ["Events", "Participants", "Jurors", "Schools", "Venues",
                    "Integrity dashboard", "Audit log"],
    Role.CHAIR: ["Events", "Jurors", "Schools", "Venues", "Integrity dashboard", "Audit log"],
    Role.OBSERVER: ["Events", "Schools", "Venues", "Audit log"],
    Role.JUROR: ["My works"],
}  # fmt: skip


@pytest.mark.parametrize("role", list(MENU_OF), ids=lambda r: r.value)
def test_the_main_menu_shows_each_role_exactly_the_pages_its_routes_admit(
    app: Flask, client: FlaskClient, users: Users, role: Role
) -> None:
    import re

    login(client, users.make(role, locale="en"))
    page = client.get("/account").get_data(as_text=True)
    nav = page[page.index('class="mainnav"') : page.index("</nav>")]
    shown = re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav)
    assert [label for _, label in shown] == MENU_OF[role]
    for address, _ in shown:  # each link opens for this role
        assert client.get(address).status_code == 200, address


def test_the_main_menu_is_empty_for_a_visitor_who_has_not_signed_in(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    nav = page[page.index('class="mainnav"') : page.index("</nav>")]
    assert "<a " not in nav
