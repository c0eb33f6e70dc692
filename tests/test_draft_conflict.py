"""A draft open in two sessions: the later save from an older state is kept as a copy, never over the
other (issue: last writer wins lost the first session's typing)."""

from __future__ import annotations

import json

from textual.widgets import Input

from esurety_tui.services import applications
from esurety_tui.store.models import Application
from tests.helpers.form import draft_with, make_app, open_form, type_into
from tests.helpers.pilot import until


def test_a_save_from_an_older_revision_becomes_a_copy_and_both_texts_stay(demo_session):
    app_id = draft_with(demo_session, work_name="元の工事")
    seen = applications.draft_revision(demo_session, app_id)
    first = applications.save_draft(demo_session, app_id, {"work_name": "一つ目の画面"}, revision=seen)
    assert (first.application_id, first.copied_from) == (app_id, None)
    second = applications.save_draft(demo_session, app_id, {"work_name": "二つ目の画面"}, revision=seen)
    assert second.copied_from == app_id and second.application_id != app_id
    assert json.loads(Application.get_by_id(app_id).draft)["work_name"] == "一つ目の画面"
    assert json.loads(Application.get_by_id(second.application_id).draft)["work_name"] == "二つ目の画面"
    assert Application.get_by_id(second.application_id).status == "作成中"
    # saving on from where each one is goes on without another copy
    again = applications.save_draft(
        demo_session, second.application_id, {"work_name": "二つ目の続き"}, revision=second.revision
    )
    assert again.copied_from is None


async def test_typing_over_a_draft_changed_in_another_session_saves_a_copy_and_says_so(demo_session):
    app_id = draft_with(demo_session, work_name="元の工事")
    app = make_app(demo_session)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        form = await open_form(pilot, app_id)
        # meanwhile, another session (another terminal) saves the same draft
        other = applications.draft_revision(demo_session, app_id)
        applications.save_draft(demo_session, app_id, {"work_name": "別の画面で入力"}, revision=other)
        await type_into(pilot, "work_name", "この画面で入力")
        await until(pilot, lambda: form.application_id != app_id, what="the copy")
        await until(
            pilot,
            lambda: any("下書きの競合" in (n.title or "") for n in app._notifications),
            what="the conflict notice",
        )
        assert form.query_one("#f-work_name", Input).value == "この画面で入力"
    assert json.loads(Application.get_by_id(app_id).draft)["work_name"] == "別の画面で入力"
    assert json.loads(Application.get_by_id(form.application_id).draft)["work_name"] == "この画面で入力"
