"""Forms of the second-factor pages: a code from the app or a recovery code."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.mfa import recovery_codes


class CodeForm(forms.Form):
    """The second step: a code from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The 6-digit code your authenticator app shows, or one of your recovery "
            "codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )


class TotpConfirmForm(forms.Form):
    """Turn the app on: the code it shows now, for the secret just added."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class RecoveryCodesDownloadForm(forms.Form):
    """The codes just shown, sent back to be saved as a text file."""

    codes = forms.CharField(max_length=200)

    def clean_codes(self) -> list[str]:
        codes = self.cleaned_data["codes"].split()
        if (
            not codes
            or len(codes) > recovery_codes.COUNT
            or any(
                len(recovery_codes.code_normalize(c)) != recovery_codes.LENGTH
                or not c.replace("-", "").isalnum()
                for c in codes
            )
        ):
            raise forms.ValidationError(_("These are not recovery codes."))
        return codes
