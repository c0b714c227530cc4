"""ModelForm for Signer; validates the same POST body the driver sends Outcry."""

from django import forms

from .models import Signer


class SignerForm(forms.ModelForm):
    class Meta:
        model = Signer
        fields = ["first_name", "last_name", "email", "country"]
