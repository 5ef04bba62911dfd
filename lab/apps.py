from django.apps import AppConfig


class LabConfig(AppConfig):
    """The lab has no models: installed for its management commands."""

    name = "lab"
    verbose_name = "Scale-out lab"
