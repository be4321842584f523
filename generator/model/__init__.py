"""Articles -> Site: the complete, plain-data description of every page to write.

`site` builds the whole model at once; `update` keeps it up to date article by article
(equal to a full build at every step); `neighbours` is the one rule for newer/older/related.
"""
from __future__ import annotations

from .neighbours import RELATED_COUNT, RELATED_WINDOW, Neighbours
from .site import (MONTH_NAMES, Groups, Listing, MonthCount, Pager, Site, TagCount, YearCount, build_site,
                   find_duplicate_routes, find_redirects, group_articles, month_context, paginate)
from .update import Model, difference, moves_in_place, same_place

__all__ = ["MONTH_NAMES", "RELATED_COUNT", "RELATED_WINDOW", "Groups", "Listing", "Model", "MonthCount", "Neighbours",
           "Pager", "Site", "TagCount", "YearCount", "build_site", "difference", "find_duplicate_routes", "find_redirects", "group_articles",
           "month_context", "paginate", "same_place", "moves_in_place"]
