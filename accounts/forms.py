from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services, verification
from accounts.models import time_zone_names
from accounts.security import lockout
from accounts.security.current_password import (
    CurrentPasswordLocked,
    CurrentPasswordWrong,
)

if TYPE_CHECKING:  # a dev-only package: the type of a translated string
    from django_stubs_ext import StrOrPromise

User = get_user_model()


def _limit_password_fields(form: forms.BaseForm, *names: str) -> None:
    """Cap password fields so an oversized one fails validation before any hashing."""
    limit = settings.AUTHSITE_PASSWORD_MAX_LENGTH
    for name in names:
        form.fields[name].validators.append(MaxLengthValidator(limit))


def current_password_error(
    *, user, password: str, wrong: "StrOrPromise"
) -> forms.ValidationError | None:
    """The form error for a current password that does not pass the per-user check
    (``wrong`` for a wrong one); None when it is right."""
    try:
        services.current_password_check(user=user, password=password)
    except CurrentPasswordWrong:
        return forms.ValidationError(wrong, code="password_incorrect")
    except CurrentPasswordLocked as exc:
        minutes = max(1, -(-exc.wait // 60))
        return forms.ValidationError(
            ngettext(
                "Too many wrong passwords. Try again in %(n)d minute.",
                "Too many wrong passwords. Try again in %(n)d minutes.",
                minutes,
            )
            % {"n": minutes},
            code="too_many_attempts",
        )
    return None


class EmailUniqueMixin:
    """Refuse an email address that another user has, in any letter case."""

    # Provided by the ModelForm this mixin is combined with.
    cleaned_data: dict[str, Any]
    instance: Any

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        others = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("A user with that email address already exists."), code="unique"
            )
        return email


class NewPasswordErrorsMixin:
    """Put the validators' verdict (too short, too common) on the new password field.

    Django puts it on the confirmation field, under a password the user did not
    choose there; the confirmation keeps only "didn't match".
    """

    validator_errors_field = "password1"

    def validate_password_for_user(self, user, *args, **kwargs) -> None:
        kwargs.pop("password_field_name", None)
        # A mixin: its base is object to mypy; the Django form it precedes defines this.
        super().validate_password_for_user(  # type: ignore[misc]
            user, password_field_name=self.validator_errors_field
        )


class SignupForm(NewPasswordErrorsMixin, EmailUniqueMixin, auth_forms.UserCreationForm):
    email = forms.EmailField(label=_("Email"), max_length=254)
    remember_me = forms.BooleanField(label=_("Keep me signed in"), required=False)
    time_zone = forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput(attrs={"data-time-zone": ""}),
    )

    # django-stubs does not declare UserCreationForm.Meta.
    class Meta(auth_forms.UserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_password_fields(self, "password1", "password2")
        self.fields["username"].widget.attrs.update(autocomplete="username")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        if verification.verification_mandatory():
            # Signup does not sign in: the choice is made on the sign-in page.
            del self.fields["remember_me"]

    def clean_email(self) -> str:
        # Under mandatory verification the page must not say that an address has an
        # account: the view mails its owner instead (``email_taken`` tells it).
        if verification.verification_mandatory():
            email = User.objects.normalize_email(self.cleaned_data["email"])
            self.email_taken = verification.email_address_in_use(email=email)
            return email
        return super().clean_email()

    def _get_validation_exclusions(self) -> set[str]:
        # The model's unique constraint on the address would say it all the same.
        # django-stubs leave out BaseModelForm._get_validation_exclusions.
        exclusions = super()._get_validation_exclusions()  # type: ignore[misc]
        if verification.verification_mandatory():
            exclusions.add("email")
        return exclusions


class LoginForm(auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("Username or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    remember_me = forms.BooleanField(label=_("Keep me signed in"), required=False)
    # Filled by the site's script from the browser (Intl); empty without script.
    time_zone = forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput(attrs={"data-time-zone": ""}),
    )

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct username or email and password. Both fields may be "
            "case-sensitive."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm sizes the field for usernames; emails may be longer.
        self.fields["username"].widget.attrs["maxlength"] = 254
        # "webauthn": the browser may offer its passkeys for this site here
        # (UsernameField sets plain "username" itself, so after it).
        self.fields["username"].widget.attrs["autocomplete"] = "username webauthn"
        _limit_password_fields(self, "password")

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not verification.sign_in_allowed(user=user):
            # Only after the right password: a wrong one still says only "wrong".
            raise forms.ValidationError(
                _("Confirm your email address first: open the link we sent you."),
                code="email_unverified",
            )

    def get_invalid_login_error(self) -> forms.ValidationError:
        # django-axes refused the attempt (even a right password): say so, not "wrong".
        if self.request is not None and lockout.is_locked_out(self.request):
            wait = lockout.seconds_left(
                self.request, {"username": self.cleaned_data.get("username")}
            )
            return forms.ValidationError(
                lockout.lockout_message(wait=wait), code="locked_out"
            )
        return super().get_invalid_login_error()


def _time_zone_choices() -> list[tuple[str, "StrOrPromise"]]:
    return [("", _("Not set (UTC)")), *((name, name) for name in time_zone_names())]


class ProfileForm(EmailUniqueMixin, forms.ModelForm):
    """Names and email; a new email address needs a recent re-authentication: the
    current password typed here, unless this sign-in checked it lately.

    The email address receives password reset links, so whoever holds a session alone
    must not be able to redirect them (OWASP ASVS 5.0 V7.5.1).
    """

    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_(
            "Needed only to change your email address, unless you signed in or "
            "confirmed your password in the last few minutes."
        ),
    )

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_time_zone_choices,
        required=False,
        help_text=_("Times on this site are shown in this zone."),
    )

    class Meta:
        model = User
        fields = ("first_name", "last_name", "email", "time_zone")

    def __init__(self, *args, reauthenticated: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # This sign-in checked its password lately: a new address needs no password.
        self.reauthenticated = reauthenticated
        _limit_password_fields(self, "current_password")
        self.fields["first_name"].widget.attrs.update(autocomplete="given-name")
        self.fields["last_name"].widget.attrs.update(autocomplete="family-name")
        self.fields["email"].widget.attrs.update(autocomplete="email")

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or self.cleaned_data
        if (
            "email" in self.changed_data
            and not self.reauthenticated
            and not self.has_error("current_password")
        ):
            # clean() runs before the new values are copied onto the instance.
            error = current_password_error(
                user=self.instance,
                password=cleaned_data.get("current_password") or "",
                wrong=_("Enter your current password to change your email address."),
            )
            if error is not None:
                self.add_error("current_password", error)
        return cleaned_data


class PasswordChangeForm(NewPasswordErrorsMixin, auth_forms.PasswordChangeForm):
    validator_errors_field = "new_password1"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_password_fields(self, "old_password", "new_password1", "new_password2")

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        error = current_password_error(
            user=self.user,
            password=old_password,
            wrong=self.error_messages["password_incorrect"],
        )
        if error is not None:
            raise error
        return old_password


class SetPasswordForm(NewPasswordErrorsMixin, auth_forms.SetPasswordForm):
    validator_errors_field = "new_password1"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_password_fields(self, "new_password1", "new_password2")


class VerificationCodeForm(forms.Form):
    """The 6-digit code of a verification message; the address too when the page does
    not know it (another browser than the one that signed up)."""

    email = forms.EmailField(label=_("Email"), max_length=254)
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^\s*\d{6}\s*$",
        max_length=20,
        error_messages={"invalid": _("Enter the 6 digits of the code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )

    def __init__(self, *args: Any, address: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if address:
            del self.fields["email"]
        else:
            self.fields["email"].widget.attrs.update(autocomplete="email")


class VerificationResendForm(forms.Form):
    """Send the verification message again: to the address typed, unless the page
    knows it already."""

    email = forms.EmailField(label=_("Email"), max_length=254)

    def __init__(self, *args: Any, address_known: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if address_known:
            del self.fields["email"]
        else:
            self.fields["email"].widget.attrs.update(autocomplete="email")


class ReauthenticationForm(forms.Form):
    """The password of the signed-in user, asked again before a sensitive action;
    wrong ones count in the per-user current-password limit."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        _limit_password_fields(self, "password")

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        error = current_password_error(
            user=self.user,
            password=password,
            wrong=_("Your password was entered incorrectly. Please enter it again."),
        )
        if error is not None:
            raise error
        return password


class AccountDeleteForm(forms.Form):
    """The username typed again, so that no stray click deletes an account."""

    username = forms.CharField(
        label=_("Your username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if username != self.user.get_username():
            raise forms.ValidationError(
                _("Type your username exactly as it is shown to delete the account."),
                code="username_mismatch",
            )
        return username
