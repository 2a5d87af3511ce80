"""Times as people read them: in the centre's zone (the ``TIMEZONE`` setting), with a label that
names the zone in the reader's language, such as "Алматы уақыты (UTC+5)". Stored times stay UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from integrity.clock import local_time, utc_offset

# Kazakhstan's zones by their city; any other zone is named by its own key.
CITIES = {
    "Asia/Almaty": _l("Almaty"),
    "Asia/Qostanay": _l("Kostanay"),
    "Asia/Aqtobe": _l("Aktobe"),
    "Asia/Aqtau": _l("Aktau"),
    "Asia/Atyrau": _l("Atyrau"),
    "Asia/Oral": _l("Oral"),
    "Asia/Qyzylorda": _l("Kyzylorda"),
}


def zone_label(zone: ZoneInfo, moment: dt.datetime | None = None) -> str:
    city = CITIES.get(zone.key) or zone.key.rsplit("/", 1)[-1].replace("_", " ")
    return str(_("%(city)s time (UTC%(offset)s)", city=city, offset=utc_offset(zone, moment)))


def local_text(zone: ZoneInfo, moment: dt.datetime) -> str:
    return local_time(zone, moment).strftime("%Y-%m-%d %H:%M")


def when(zone: ZoneInfo, moment: dt.datetime | None) -> Markup:
    """A stored moment as a ``<time>`` in local time, followed by the zone's label."""
    if moment is None:
        return Markup("")
    utc = moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Markup('<time datetime="{}">{}</time> <span class="zone">{}</span>').format(
        utc, local_text(zone, moment), escape(zone_label(zone, moment))
    )
