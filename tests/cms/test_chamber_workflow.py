"""Chamber sections: editors edit only their own section and publish through their lead.

Everything goes through the Wagtail admin views, as the editors would click it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import WorkflowState

from accounts.roles import Role
from cms.models import ChamberGroups, SuccessStoryPage
from cms.services import chamber_editor_sync
from organisations.models import Membership
from tests.cms.helpers import HOST, add_url, assert_denied, story_form

pytestmark = pytest.mark.django_db


def test_editor_creates_and_submits_a_story_that_the_lead_approves_and_publishes(ihk, hwk, signed_in, client):
    editor = signed_in(ihk.editor)

    response = editor.post(add_url(ihk.stories), story_form(**{"action-submit": "Zur Freigabe"}), **HOST)

    assert response.status_code == 302
    story = SuccessStoryPage.objects.get(slug="praktikum-ausbildung")
    assert not story.live  # submitted, not published
    state = story.current_workflow_state
    assert state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow == ChamberGroups.objects.get(organisation=ihk.organisation).workflow
    assert client.get("/ihk/erfolge/praktikum-ausbildung/", **HOST).status_code == 404

    # The IHK lead sees it waiting and approves it; the HWK lead may not.
    lead = signed_in(ihk.lead)
    dashboard = lead.get(reverse("wagtailadmin_home"), **HOST).content.decode()
    assert "Vom Praktikum in die Ausbildung" in dashboard
    task_state = story.current_workflow_task_state
    approve = reverse("wagtailadmin_pages:workflow_action", args=(story.pk, "approve", task_state.pk))

    assert_denied(signed_in(hwk.lead).post(approve, {"comment": ""}, **HOST))
    story.refresh_from_db()
    assert not story.live
    response = lead.post(approve, {"comment": "Schöne Geschichte."}, **HOST)

    assert response.status_code in (200, 302)
    story.refresh_from_db()
    assert story.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    public = client.get("/ihk/erfolge/praktikum-ausbildung/", **HOST)
    assert public.status_code == 200
    assert "Bäckerei Sommer" in public.content.decode()


def test_editor_cannot_publish_directly(ihk, signed_in):
    editor = signed_in(ihk.editor)

    editor.post(add_url(ihk.stories), story_form(**{"action-publish": "Veröffentlichen"}), **HOST)

    story = SuccessStoryPage.objects.get(slug="praktikum-ausbildung")
    assert not story.live
    assert story.has_unpublished_changes
    perms = story.permissions_for_user(ihk.editor)
    assert perms.can_edit() and not perms.can_publish()


def test_lead_may_publish_directly(ihk, signed_in):
    lead = signed_in(ihk.lead)

    lead.post(add_url(ihk.stories), story_form(**{"action-publish": "Veröffentlichen"}), **HOST)

    assert SuccessStoryPage.objects.get(slug="praktikum-ausbildung").live


def test_editor_cannot_edit_or_add_to_the_other_chambers_section(ihk, hwk, signed_in):
    editor = signed_in(ihk.editor)

    assert editor.get(reverse("wagtailadmin_pages:edit", args=(ihk.section.pk,)), **HOST).status_code == 200
    for page in (hwk.section, hwk.stories, ihk.section.get_parent()):  # the home page is nobody's section
        assert_denied(editor.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)), **HOST))
    assert_denied(editor.post(add_url(hwk.stories), story_form(**{"action-submit": "x"}), **HOST))
    assert not SuccessStoryPage.objects.exists()
    hwk.section.refresh_from_db()
    assert hwk.section.title == "Handwerkskammer Teststadt"


def test_groups_follow_the_membership(ihk, make_member):
    groups = ChamberGroups.objects.get(organisation=ihk.organisation)
    assert list(ihk.editor.groups.all()) == [groups.editors]
    assert list(ihk.lead.groups.all()) == [groups.leads]
    assert Group.objects.filter(name="IHK Teststadt Redaktion").exists()

    membership = Membership.objects.get(user=ihk.editor, role=Role.CHAMBER_EDITOR)
    membership.is_lead = True
    membership.save()
    assert list(ihk.editor.groups.all()) == [groups.leads]

    membership.is_active = False
    membership.save()
    assert not ihk.editor.groups.exists()

    membership.delete()
    assert chamber_editor_sync(user=ihk.editor) == set()


def test_other_roles_get_no_chamber_group(ihk, make_member):
    coach = make_member(Role.JOB_COACH, organisation=ihk.organisation)
    assert not coach.groups.exists()
