"""Every channel kind names its class directly; an unknown kind is refused by name."""

import pytest

from notifiers import KINDS, Notifier, notifier_class


@pytest.mark.parametrize("kind", KINDS)
def test_it_gives_a_notifier_class_for_every_kind(kind):
    cls = notifier_class(kind)
    assert issubclass(cls, Notifier) and callable(cls.from_settings)


def test_it_refuses_an_unknown_kind_naming_the_known_ones():
    with pytest.raises(KeyError, match=r"sms.*email, eml, zalo, zns"):
        notifier_class("sms")
