"""The activity admin: the audit log of sign-in events, and the live sessions in the
store with their revoking."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import selectors
from accounts.models import AuthEvent, LiveSession, User
from accounts.services import user_sessions

# The live sessions' permissions; the user page's sessions fieldset asks for them too.
VIEW_SESSIONS = "accounts.view_livesession"
REVOKE_SESSIONS = "accounts.delete_livesession"
ADMIN_PAGE_SIZE = 50


def sessions_ended_tell(model_admin: admin.ModelAdmin, request, ended: int) -> None:
    """Tell the staff member how many sessions an admin action signed out."""
    model_admin.message_user(
        request,
        ngettext(
            "%(count)d session was signed out.",
            "%(count)d sessions were signed out.",
            ended,
        )
        % {"count": ended},
    )


@admin.register(AuthEvent)
class AuthEventAdmin(admin.ModelAdmin):
    list_display = ("created", "user", "kind", "method", "ip", "device", "session_id")
    list_filter = ("kind", "created")
    search_fields = ("user__username", "user__email", "ip", "session_id")
    list_select_related = ("user",)
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # An audit log: nobody edits or deletes its rows here, superusers included (this
    # also takes "Delete selected" off the list).
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LiveSession)
class LiveSessionAdmin(admin.ModelAdmin):
    """The live sessions in the store (not a table): list, filter by user, revoke."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW_SESSIONS)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(REVOKE_SESSIONS)

    def get_urls(self):
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name="accounts_livesession_changelist",
            )
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self.revoke_selected(request)
        username = request.GET.get("user", "").strip()[:150]
        user = (
            User.objects.filter(username__iexact=username).first() if username else None
        )
        page: tuple[list[selectors.SessionEntry], str | None, bool]
        if username and user is None:
            page = [], None, True
        else:
            page = selectors.live_sessions_page(
                cursor=request.GET.get("cursor", "")[:40],
                size=ADMIN_PAGE_SIZE,
                user=user,
            )
        entries, next_cursor, can_list_all = page
        names = dict(
            User.objects.filter(pk__in={e.user_id for e in entries}).values_list(
                "pk", "username"
            )
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Live sessions"),
            "rows": [(e, names.get(e.user_id, "?")) for e in entries],
            "username": username,
            "unknown_user": bool(username and user is None),
            "next_cursor": next_cursor,
            "can_list_all": can_list_all,
            "can_revoke": self.has_delete_permission(request),
            **(extra_context or {}),
        }
        return TemplateResponse(
            request, "admin/accounts/livesession/list.html", context
        )

    def revoke_selected(self, request):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        ended = 0
        for value in request.POST.getlist("selected")[:ADMIN_PAGE_SIZE]:
            user_id, _sep, session_id = value.partition(":")
            user = (
                User.objects.filter(pk=int(user_id)).first()
                if user_id.isdigit()
                else None
            )
            if user is not None and user_sessions.session_revoke(
                user=user, session_id=session_id, kind=AuthEvent.Kind.ADMIN_REVOKE
            ):
                ended += 1
        sessions_ended_tell(self, request, ended)
        return redirect(request.get_full_path())
