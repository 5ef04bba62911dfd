"""The users' admin: the account form, its live sessions and second factors, and the
actions staff take on a misused account."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import selectors
from accounts.admin.activity import (
    REVOKE_SESSIONS,
    VIEW_SESSIONS,
    sessions_ended_tell,
)
from accounts.mfa import selectors as mfa_selectors
from accounts.mfa import services as mfa_services
from accounts.models import Authenticator, AuthEvent, User
from accounts.reauthentication import reauthenticated_recently
from accounts.services import user_sessions, users


class UserCreationForm(AdminUserCreationForm):
    # django-stubs does not declare AdminUserCreationForm.Meta.
    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username", "email")


def _when(value) -> str:
    # In the staff member's time zone (UTC until known), named.
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z") if value else "-"


DJANGO_USER_FIELDSETS = tuple(DjangoUserAdmin.fieldsets or ())


class MfaFilter(admin.SimpleListFilter):
    title = _("second factor")
    parameter_name = "mfa"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(has_mfa=True)
        if self.value() == "no":
            return queryset.filter(has_mfa=False)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    # Live sessions right under the sign-in name: what staff come to this page for
    # when an account is misused, not at the foot of a long form.
    fieldsets = (
        DJANGO_USER_FIELDSETS[0],
        (_("Live sessions"), {"fields": ("live_sessions",)}),
        (_("Second factors"), {"fields": ("second_factors",)}),
        *DJANGO_USER_FIELDSETS[1:],
        # Staff may confirm an address they checked another way.
        (_("Email verification"), {"fields": ("email_verified",)}),
        (_("Preferences"), {"fields": ("language", "theme", "time_zone")}),
    )

    class Media:
        css = {"all": ("accounts/admin.css",)}

    readonly_fields = ("live_sessions", "second_factors")
    list_display = (
        "username",
        "email",
        "email_verified",
        "first_name",
        "last_name",
        "is_active",
        "is_staff",
        "mfa",
        "date_joined",
        "last_login",
    )
    list_filter = (
        "email_verified",
        "is_active",
        "is_staff",
        "is_superuser",
        MfaFilter,
        "date_joined",
        "groups",
    )
    search_fields = ("username", "email", "first_name", "last_name")
    ordering = ("-date_joined",)
    actions = ["sign_out_everywhere", "reset_second_factors"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        primary = Authenticator.objects.filter(
            user=OuterRef("pk"), kind__in=mfa_selectors.PRIMARY_KINDS
        )
        return super().get_queryset(request).annotate(has_mfa=Exists(primary))

    @admin.display(description=_("second factor"), boolean=True, ordering="has_mfa")
    def mfa(self, obj: User) -> bool:
        return bool(getattr(obj, "has_mfa", False))

    @admin.display(description=_("Second factors"))
    def second_factors(self, obj: User) -> str:
        rows = list(obj.authenticators.order_by("kind", "created_at")) if obj.pk else []
        if not rows:
            return str(_("None."))
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}{} · {} {} · {} {}</li>",
                (
                    (
                        row.get_kind_display(),
                        f" “{row.name}”" if row.name else "",
                        _("added"),
                        _when(row.created_at),
                        _("last used"),
                        _when(row.last_used_at),
                    )
                    for row in rows
                ),
            ),
        )

    @admin.action(description=_("Reset second factors"), permissions=["change"])
    def reset_second_factors(self, request, queryset):
        # Removing a factor opens an account to its password alone: the staff member
        # proves again who they are first.
        if not reauthenticated_recently(request=request):
            target = (
                reverse("reauthenticate")
                + "?"
                + urlencode({"next": request.get_full_path()})
            )
            self.message_user(
                request,
                _("Confirm it is you, then choose the action again."),
                messages.WARNING,
            )
            return redirect(target)
        reset = 0
        for user in queryset:
            if mfa_services.mfa_factors_reset(user=user):
                reset += 1
        self.message_user(
            request,
            ngettext(
                "The second factors of %(count)d user were reset.",
                "The second factors of %(count)d users were reset.",
                reset,
            )
            % {"count": reset},
        )
        return None

    def get_urls(self):
        return [
            path(
                "<int:user_id>/sessions/revoke/",
                self.admin_site.admin_view(require_POST(self.session_revoke_view)),
                name="accounts_user_session_revoke",
            ),
            *super().get_urls(),
        ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not request.user.has_perm(VIEW_SESSIONS):
            return [f for f in fieldsets if "live_sessions" not in f[1]["fields"]]
        return fieldsets

    @admin.display(description=_("Live sessions"))
    def live_sessions(self, obj):
        entries = selectors.sessions_for_user(user=obj)
        if not entries:
            return _("No live sessions.")
        revoke_url = reverse("admin:accounts_user_session_revoke", args=[obj.pk])
        rows = format_html_join(
            "",
            '<tr><td data-label="{}">{}</td><td data-label="{}">{}</td>'
            '<td data-label="{}">{}</td><td data-label="{}">{}</td>'
            '<td data-label="{}">{}</td><td>{}</td></tr>',
            (
                (
                    _("Device"),
                    e.device or _("unknown device"),
                    _("IP address"),
                    e.ip,
                    _("Signed in"),
                    _when(e.created),
                    _("Last seen"),
                    _when(e.last_seen),
                    _("Expires"),
                    _when(e.expires),
                    format_html(
                        '<button type="submit" class="button" formaction="{}" '
                        'name="session_id" value="{}">{}</button>',
                        revoke_url,
                        e.id,
                        _("Sign out"),
                    ),
                )
                for e in entries
            ),
        )
        return format_html(
            '<table class="stacked"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th><th></th></tr></thead><tbody>{}</tbody></table>",
            _("Device"),
            _("IP address"),
            _("Signed in"),
            _("Last seen"),
            _("Expires"),
            rows,
        )

    def session_revoke_view(self, request, user_id):
        if not request.user.has_perm(REVOKE_SESSIONS):
            raise PermissionDenied
        user = get_object_or_404(User, pk=user_id)
        ended = user_sessions.session_revoke(
            user=user,
            session_id=request.POST.get("session_id", "")[:64],
            kind=AuthEvent.Kind.ADMIN_REVOKE,
        )
        if ended:
            self.message_user(request, _("The session was signed out."))
        else:
            self.message_user(
                request, _("That session had already ended."), messages.WARNING
            )
        return redirect("admin:accounts_user_change", user.pk)

    def has_revoke_sessions_permission(self, request) -> bool:
        return request.user.has_perm(REVOKE_SESSIONS)

    @admin.action(description=_("Sign out everywhere"), permissions=["revoke_sessions"])
    def sign_out_everywhere(self, request, queryset):
        ended = 0
        for user in queryset:
            # Browser sessions leave the store now; API tokens are refused from now on.
            ended += users.user_sign_out_everywhere(
                user=user, kind=AuthEvent.Kind.ADMIN_REVOKE
            )
        sessions_ended_tell(self, request, ended)
