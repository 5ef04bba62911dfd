"""The API's serializers validate and shape; the views write through the services."""

import inspect

from rest_framework import serializers

from accounts.api import serializers as api_serializers


def test_no_api_serializer_saves_anything():
    # A create() or update() of their own would be a write beside the services: the
    # views call user_register, user_profile_update and user_password_change instead.
    writers = [
        f"{name}.{method}"
        for name, cls in inspect.getmembers(api_serializers, inspect.isclass)
        if issubclass(cls, serializers.BaseSerializer)
        and cls.__module__ == api_serializers.__name__
        for method in ("create", "update", "save")
        if method in vars(cls)
    ]

    assert writers == []
