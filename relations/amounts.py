"""Amounts of money in the active language's words and digits."""

from decimal import Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    CAD = "CAD", _("Canadian dollar")
    USD = "USD", _("US dollar")


# How each language writes an amount: "CAD 10 million" / « 10 millions de dollars canadiens ».
CURRENCY_NAMES = {Currency.CAD: _("Canadian dollars"), Currency.USD: _("US dollars")}
# French orders the words otherwise and names the currency (%(name)s where English has %(code)s), so
# msgfmt is told not to compare the placeholders of these messages (xgettext:no-python-format).
AMOUNT_SCALES = [
    # xgettext:no-python-format
    (10**9, lambda n: ngettext("%(code)s %(amount)s billion", "%(code)s %(amount)s billion", n)),
    # xgettext:no-python-format
    (10**6, lambda n: ngettext("%(code)s %(amount)s million", "%(code)s %(amount)s million", n)),
    # xgettext:no-python-format
    (1, lambda n: gettext("%(code)s %(amount)s")),  # any other amount, with all its digits
]


def format_amount(amount, currency):
    """An amount in the active language's words and digits, in millions or billions where it is round.

    "CAD 4.4 billion", "CAD 250,000" in English; « 4,4 milliards de dollars canadiens »,
    « 250 000 dollars canadiens » in French.
    """
    if amount is None:
        return ""
    amount = Decimal(amount)
    scale, message = next(
        ((scale, message) for scale, message in AMOUNT_SCALES[:-1] if amount >= scale and amount % (scale // 100) == 0),
        AMOUNT_SCALES[-1],
    )
    scaled = amount / scale
    if scaled == scaled.to_integral_value():
        scaled = int(scaled)
    else:
        # Cents keep both digits ("4,300,000.50"); a fraction of a million only what it needs ("2.5 million").
        scaled = scaled.quantize(Decimal("0.01"))
        scaled = scaled.normalize() if scale > 1 else scaled
    return message(int(scaled)) % {
        "code": currency,
        "amount": number_format(scaled, use_l10n=True, force_grouping=True),
        "name": CURRENCY_NAMES.get(currency, currency),
    }
