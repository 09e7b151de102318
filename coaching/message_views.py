"""Views of the case messages (issue 22): thin — check the role, let the selector decide the side
(or 404), audit the read, call the service. One template serves the candidate (self-service, in
their language) and staff or volunteers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import CASE_STAFF, Role
from organisations.decorators import role_required

from . import message_selectors as sel
from . import message_services, services
from .message_forms import MessageForm

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if not sel.may_use_messages(user=request.user):
        raise PermissionDenied
    return render(request, "coaching/message_inbox.html", {"rows": sel.inbox(user=request.user)})


def _conversation_page(request: HttpRequest, conversation: sel.Conversation, here: str) -> HttpResponse:
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        message_services.message_send(
            conversation=conversation,
            author=request.user,
            body=form.cleaned_data["body"] or "",
            attachment=form.cleaned_data["attachment"],
            kind=form.kind,
        )
        messages.success(request, _("Ihre Nachricht ist gesendet."))
        return redirect(here)
    if request.method == "GET":
        # Reading messages is reading case data: audited like every other view of it. (A refused
        # post shows the same messages again and writes nothing.)
        services.audit_view(
            actor=request.user,
            candidate=conversation.case.candidate,
            fields=["messages"],
            note="self-service" if conversation.side == sel.CANDIDATE else "",
        )
        message_services.conversation_mark_read(conversation=conversation)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "coaching/message_thread.html",
        {"conversation": conversation, "form": form, "side": conversation.side},
        status=status,
    )


@role_required(CASE_STAFF, candidates=True)
def message_case(request: HttpRequest, case_pk: int) -> HttpResponse:
    conversation = sel.case_conversation(user=request.user, case_pk=case_pk)
    return _conversation_page(request, conversation, request.path)


@role_required([Role.VOLUNTEER], candidates=True)
def message_volunteer(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = sel.volunteer_conversation(user=request.user, assignment_pk=pk)
    return _conversation_page(request, conversation, request.path)


@login_required
def message_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The attachment, only to the two sides of its conversation, always as a download under a
    generated name, never rendered by the browser."""
    if not sel.may_use_messages(user=request.user):
        raise PermissionDenied
    message = sel.message_file_get(user=request.user, pk=pk)
    try:
        with message.attachment.open("rb") as handle:
            content = handle.read()  # at most MESSAGE_ATTACHMENT_MAX_BYTES
    except FileNotFoundError:
        raise Http404 from None
    services.audit_view(
        actor=request.user, candidate=message.thread.case.candidate, fields=["messages.attachment"]
    )
    extension = EXTENSIONS.get(message.attachment_type, "bin")
    response = HttpResponse(content, content_type=message.attachment_type or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="lotse-nachricht-{message.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
