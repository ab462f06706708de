"""
How the site writes dates in Italian, as Italian newspapers do.

Django's Italian formats write "05 Novembre 2026"; the press writes
"5 novembre 2026": no leading zero on the day, and month and day names in
lowercase. The formats below drop the zero. The lowercase names come from the
project catalogue (newsroom/locale), which Django consults before its own: the
names are listed here so that makemessages keeps them there.
"""

from django.utils.translation import gettext_noop

DATE_FORMAT = "j F Y"  # 5 novembre 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 5 novembre 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # novembre 2026
MONTH_DAY_FORMAT = "j F"  # 5 novembre
SHORT_DATE_FORMAT = "d/m/Y"  # 05/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 05/11/2026 14:30
FIRST_DAY_OF_WEEK = 1  # lunedì

MONTH_AND_DAY_NAMES = (
    # Translators: lowercase, as Italian writes them inside a sentence.
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
)
