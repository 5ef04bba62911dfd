"""Django's makemessages, never guessing a translation.

msgmerge's fuzzy matching gives a new string the translation of a near one, marked
fuzzy: a wrong sentence that looks translated. Django has no command-line flag for it;
its documented way is a subclass that sets ``msgmerge_options``.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
